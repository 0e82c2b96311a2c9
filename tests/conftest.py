import subprocess
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


@pytest.fixture(scope="session")
def analysed_sample(tmp_path_factory):
    """`crossgrain analyze sample_videos/myofascial_hold.mp4 --foot-axis 90` as a user runs it (a process), once,
    with every output: --json r.json, --csv r.csv, --annotated a.mp4, --html r.html. Returns (the finished
    process, its output folder). Read, never changed, by tests/test_cli.py and tests/test_html_report.py: the
    25 s sample analysed once rather than once for each."""
    out = tmp_path_factory.mktemp("analysed_sample")
    sample = ROOT / "sample_videos" / "myofascial_hold.mp4"
    run = subprocess.run([sys.executable, "-m", "vision.cli", "analyze", str(sample), "--foot-axis", "90",
                          "--json", str(out / "r.json"), "--csv", str(out / "r.csv"), "--annotated", str(out / "a.mp4"),
                          "--html", str(out / "r.html")], capture_output=True, text=True, cwd=ROOT, timeout=300)
    return run, out
