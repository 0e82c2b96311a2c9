import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _keep_gil_switch_interval():
    """The live page's prepare_live_server() shortens the process's GIL switch interval (vision/io/gil_switch.py):
    right for the server, but a test that calls it must not change the timing of the tests after it."""
    before = sys.getswitchinterval()
    yield
    sys.setswitchinterval(before)
