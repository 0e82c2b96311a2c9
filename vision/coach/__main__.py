"""``python -m vision.coach [FILE]``: check a techniques file and list what it defines."""

import sys

from .techniques import _main

raise SystemExit(_main(sys.argv[1:]))
