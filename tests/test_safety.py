"""Safe by default: localhost only, no telemetry, private uploads removed after analysis,
user file names never used as paths, the upload size limit held."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

import pytest

from browser_support import free_port, stop_process, wait_healthy
from hard_inputs import make_input
from vision.ui.live_stream import ice_servers
from vision.ui.uploads import UploadError, analyze_bytes, check_upload, read_max_upload_mb
from vision.io.video import VideoError

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / ".streamlit" / "config.toml"


def config() -> dict:
    return tomllib.loads(CONFIG.read_text())


def test_streamlit_config_listens_on_localhost_without_telemetry():
    cfg = config()
    assert cfg["server"]["address"] == "127.0.0.1"
    assert cfg["browser"]["gatherUsageStats"] is False
    assert cfg["server"]["headless"] is True  # no browser opened, no e-mail prompt
    assert isinstance(cfg["server"]["maxUploadSize"], int) and 0 < cfg["server"]["maxUploadSize"] <= 1024


def test_upload_limit_is_the_configured_one_and_holds():
    limit_mb = config()["server"]["maxUploadSize"]
    assert read_max_upload_mb() == limit_mb  # what the app shows and checks is what Streamlit enforces
    assert check_upload("clip.mp4", limit_mb * 1024 * 1024, limit_mb) == ".mp4"
    with pytest.raises(UploadError, match=f"limit is {limit_mb} MB"):
        check_upload("clip.mp4", limit_mb * 1024 * 1024 + 1, limit_mb)
    with pytest.raises(UploadError):  # refused before anything is written
        analyze_bytes(b"x" * 2048, "clip.mp4", 90.0, "cross_friction", max_mb=1 / 1024)


def test_no_network_code_in_the_engine_or_the_page():
    """Video and usage never leave the machine: nothing in vision/ or app.py opens a connection."""
    pattern = re.compile(r"^\s*(import|from)\s+(requests|httpx|aiohttp|urllib|http\.client|socket|smtplib|ftplib)\b",
                         re.M)
    for path in [ROOT / "app.py", *sorted((ROOT / "vision").glob("*.py"))]:
        assert not pattern.search(path.read_text()), f"{path.name} imports a network module"
    assert ice_servers({}) == ([], None)  # no STUN/TURN server contacted unless configured


@pytest.fixture
def temp_dirs(monkeypatch):
    """Every folder tempfile.mkdtemp makes during the test, with its mode when made."""
    made: list[tuple[Path, int]] = []
    real = tempfile.mkdtemp

    def spy(*args, **kwargs):
        path = real(*args, **kwargs)
        made.append((Path(path), Path(path).stat().st_mode & 0o777))
        return path

    monkeypatch.setattr(tempfile, "mkdtemp", spy)
    return made


HOSTILE_NAMES = ["../../../etc/passwd.mp4", "/tmp/evil.mp4", "..\\..\\win.mp4", "a/b/c.mov", "~root/x.mkv",
                 "con.mp4", "name\nwith newline.webm", "$(rm -rf ~).mp4", ".mp4", "ü nicode 🦶.avi"]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_user_names_never_become_paths(name, temp_dirs, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # anything written relative to the working folder would show here
    seen = {}

    def fake_analyze(path, axis, causal, progress, annotated_path, technique_name, **kw):
        seen["path"], seen["annotated"] = Path(path), Path(annotated_path)
        raise VideoError(f"{path}: cannot be read as a video")

    with pytest.raises((VideoError, UploadError)) as err:
        analyze_bytes(b"\0" * 100, name, 90.0, "cross_friction", 200, analyze=fake_analyze)
    assert list(tmp_path.iterdir()) == []
    if isinstance(err.value, UploadError):  # refused by its name ('.mp4' has no suffix): nothing written
        assert not seen and not temp_dirs and name in str(err.value)
        return
    private = temp_dirs[0][0]
    assert seen["path"].parent == private and seen["path"].name == "upload" + Path(name).suffix.lower()
    assert seen["annotated"].parent == private
    assert name in str(err.value) and str(private) not in str(err.value)
    assert all(not p.exists() for p, _ in temp_dirs)


def test_real_uploads_stay_private_and_are_removed(temp_dirs, tmp_path):
    good = make_input("baseline", tmp_path)
    analysis = analyze_bytes(good.path.read_bytes(), "mine.mp4", 90.0, "cross_friction", 200)
    assert analysis.report.frames and analysis.video_mp4
    bad = make_input("truncated_moov_last", tmp_path)
    with pytest.raises(VideoError, match="mine2.mp4"):
        analyze_bytes(bad.path.read_bytes(), "mine2.mp4", 90.0, "cross_friction", 200)
    assert temp_dirs, "no private folder was made"
    assert all(mode == 0o700 for _, mode in temp_dirs)  # only this user may read the video
    assert all(not p.exists() for p, _ in temp_dirs)  # removed after analysis, good or bad


def test_upload_folder_removed_even_when_analysis_crashes(temp_dirs):
    def crash(path, *a, **kw):
        assert Path(path).is_file()
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        analyze_bytes(b"video", "clip.mp4", 90.0, "cross_friction", 200, analyze=crash)
    assert temp_dirs and all(not p.exists() for p, _ in temp_dirs)


def _listening(port: int) -> list[str]:
    """Local addresses (hex, as in /proc/net/tcp*) of sockets listening on ``port``."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            addr, hexport = fields[1].split(":")
            if int(hexport, 16) == port and fields[3] == "0A":  # 0A = LISTEN
                found.append(addr)
    return found


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="needs Linux /proc/net/tcp")
def test_app_listens_on_localhost_only_by_default():
    """`streamlit run app.py` with no address given: the repo's config keeps it on 127.0.0.1."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={k: v for k, v in os.environ.items() if k != "STREAMLIT_SERVER_ADDRESS"})
    try:
        wait_healthy(f"http://127.0.0.1:{port}", proc)
        deadline = time.monotonic() + 5
        while not (addrs := _listening(port)) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert addrs, "nothing listens on the port"
        assert set(addrs) == {"0100007F"}, addrs  # 127.0.0.1 only: not 0.0.0.0, not ::
    finally:
        stop_process(proc)
