"""No telemetry, nothing on the network: traced with strace, on the real processes.

Every connect() and bind() of the process and its threads is recorded
(`strace -f -e trace=connect,bind`) during a CLI analysis, a LiveCoach session,
and the app server serving a live session to Chromium's fake webcam. A correct
program contacts no peer other than loopback and binds UDP only on 127.0.0.1.
The controls show that the trace sees what it must: a connect to a test
address, and MediaPipe's own usage logger when our block is left out.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
STRACE = shutil.which("strace")
pytestmark = pytest.mark.skipif(STRACE is None, reason="strace is not installed (make test installs it)")

ADDRESS = re.compile(r'sa_family=(AF_INET6?)\b.*?(?:inet_addr\("([^"]+)"\)|inet_pton\(AF_INET6, "([^"]+)")')
LOOPBACK = ("127.", "::1", "::ffff:127.")


def traced(cmd: list[str], out: Path, timeout_s: float = 240.0, **kw) -> subprocess.CompletedProcess:
    """Run ``cmd`` under strace, recording connect and bind (seccomp-bpf: only those calls stop)."""
    return subprocess.run([STRACE, "-f", "--seccomp-bpf", "-e", "trace=connect,bind", "-o", str(out), *cmd],
                          cwd=ROOT, capture_output=True, text=True, timeout=timeout_s, **kw)


def inet_calls(trace: Path, call: str) -> list[tuple[str, str]]:
    """(address, line) of every AF_INET/AF_INET6 ``call`` in an strace log."""
    found = []
    for line in trace.read_text().splitlines():
        if f"{call}(" not in line:
            continue
        m = ADDRESS.search(line)
        if m:
            found.append((m.group(2) or m.group(3), line.strip()))
    return found


def non_loopback(calls: list[tuple[str, str]]) -> list[str]:
    return [line for addr, line in calls if not addr.startswith(LOOPBACK)]


def test_trace_sees_a_connect_to_another_host(tmp_path):
    code = "import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.connect(('192.0.2.77', 9))"
    traced([sys.executable, "-c", code], tmp_path / "t.txt")
    assert any("192.0.2.77" in line for line in non_loopback(inet_calls(tmp_path / "t.txt", "connect")))


MEDIAPIPE_SESSION = """
import sys, numpy as np
sys.path.insert(0, {root!r})
if {block}:
    from vision.io.no_telemetry import block_outbound_http
    block_outbound_http()
from mediapipe.tasks.python import BaseOptions, vision
import mediapipe as mp
from vision.io.model import hand_model_path
lm = vision.HandLandmarker.create_from_options(vision.HandLandmarkerOptions(
    base_options=BaseOptions(model_asset_path=str(hand_model_path())), running_mode=vision.RunningMode.VIDEO))
for k in range(5):
    lm.detect_for_video(mp.Image(image_format=mp.ImageFormat.SRGB, data=np.zeros((120, 160, 3), np.uint8)), k * 33)
lm.close()
"""


@pytest.mark.parametrize("block", [False, True], ids=["mediapipe-alone", "with-our-block"])
def test_mediapipe_usage_logger_is_there_and_blocked(tmp_path, block):
    """Control and fix: MediaPipe alone looks up its logging host (any connect); with the block, nothing."""
    trace = tmp_path / "mp.txt"
    proc = traced([sys.executable, "-c", MEDIAPIPE_SESSION.format(root=str(ROOT), block=block)], trace,
                  env={k: v for k, v in __import__("os").environ.items() if "proxy" not in k.lower()})
    assert proc.returncode == 0, proc.stderr[-500:]
    connects = inet_calls(trace, "connect")
    if block:
        assert connects == [], connects
    else:
        assert connects, "MediaPipe's usage logger made no connect: the control no longer shows it"


def test_cli_analysis_contacts_no_other_host(tmp_path):
    from media import still_frame, write_video

    clip = write_video(tmp_path / "clip.mp4", [still_frame(320, 240)] * 15, [k / 30 for k in range(15)])
    trace = tmp_path / "cli.txt"
    proc = traced([sys.executable, "-m", "vision.cli", "analyze", str(clip), "--foot-axis", "90",
                   "--json", str(tmp_path / "r.json")], trace)
    assert proc.returncode == 0, proc.stderr[-500:]
    assert (tmp_path / "r.json").is_file()
    connects = inet_calls(trace, "connect")
    assert non_loopback(connects) == []
    assert not any(":53" in line or "htons(53)" in line for _, line in connects), "a DNS look-up was made"


LIVE_SESSION = """
import sys
sys.path.insert(0, {root!r}); sys.path.insert(0, {tests!r})
from media import still_frame
from vision.live import LiveCoach
coach = LiveCoach(90.0)
frame = still_frame(320, 240)
for k in range(20):
    coach.process(frame, k / 30)
coach.report()
coach.close()
"""


def test_live_coach_session_contacts_no_other_host(tmp_path):
    trace = tmp_path / "live.txt"
    proc = traced([sys.executable, "-c", LIVE_SESSION.format(root=str(ROOT), tests=str(ROOT / "tests"))], trace)
    assert proc.returncode == 0, proc.stderr[-500:]
    assert inet_calls(trace, "connect") == []


@pytest.mark.browser
@pytest.mark.slow
def test_app_live_session_stays_on_loopback(tmp_path):
    """The server under strace serves a live session to Chromium's fake camera: every connect to
    loopback, every UDP port (the WebRTC host candidates) bound on 127.0.0.1."""
    from browser_support import chromium, chromium_path, click_until, free_port, make_y4m, stop_process, wait_healthy

    if chromium_path() is None:
        pytest.skip("Debian's chromium is not installed (make browser-deps)")
    from media import still_frame, write_video

    clip = write_video(tmp_path / "cam.mp4", [still_frame(320, 240)] * 60, [k / 30 for k in range(60)])
    y4m = make_y4m(clip, tmp_path / "cam.y4m")
    port = free_port()
    trace = tmp_path / "server.txt"
    server = subprocess.Popen(
        [STRACE, "-f", "--seccomp-bpf", "-e", "trace=connect,bind", "-o", str(trace),
         sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.headless", "true", "--server.address", "127.0.0.1"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, server, timeout_s=90)
        with chromium(y4m) as browser:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(url)
            page.get_by_text("Foot axis").first.wait_for(timeout=60_000)
            component = page.frame_locator("iframe[title*='streamlit_webrtc']")
            # START again if a rerun lost the click (a busy core); the traced server is slow to process
            click_until(component.get_by_role("button", name="START"), component.get_by_role("button", name="STOP"))
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline and "Processing" not in page.content():
                time.sleep(0.5)
            time.sleep(3)
            live = "Processing" in page.content()
            component.get_by_role("button", name="STOP").click()
            time.sleep(2)
            page.close()
    finally:
        stop_process(server, group=True)  # strace and the server it traces
    assert live, "the live session never processed a frame"
    binds = inet_calls(trace, "bind")
    udp_ports = [line for _, line in binds if "htons(0)" in line]  # aioice binds its host candidates to port 0
    assert udp_ports, "the trace saw no WebRTC socket: the live session did not start"
    assert non_loopback(binds) == []
    assert non_loopback(inet_calls(trace, "connect")) == []


def test_ice_scope_loopback_by_default_lan_on_request():
    import aioice.ice

    from vision.io.webrtc_net import apply_ice_scope

    try:
        assert apply_ice_scope({}) == "loopback"
        assert aioice.ice.get_host_addresses(use_ipv4=True, use_ipv6=True) == ["127.0.0.1"]
        assert apply_ice_scope({"CROSSGRAIN_WEBRTC_LAN": "1"}) == "lan"
        assert "127.0.0.1" not in aioice.ice.get_host_addresses(use_ipv4=True, use_ipv6=False)  # aioice's own list
        assert apply_ice_scope({"CROSSGRAIN_WEBRTC_LAN": "0"}) == "loopback"
    finally:
        apply_ice_scope({})
