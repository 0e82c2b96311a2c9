"""User-supplied text (file names, error messages that quote them) shown as text on the page.

Streamlit renders Markdown (and its own extensions: ``:red[...]``, ``$...$``,
``:material/icon:``) in headers, alerts and captions, so a file named
``![t](http://host/leak.png).mp4`` would make the browser fetch that URL and a
``[y](http://x)`` would become a link. Backslash-escaping every ASCII
punctuation character is valid CommonMark and leaves nothing to interpret.
"""

from __future__ import annotations

import re
import string

_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")


def md_escape(text: object) -> str:
    """``text`` as one line of Markdown that renders exactly as the characters given."""
    one_line = " ".join(str(text).split())  # no block structure: no lists, headings, code blocks
    return _PUNCTUATION.sub(r"\\\1", one_line)
