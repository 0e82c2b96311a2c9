"""Ctrl-C in `crossgrain analyze FOLDER --cluster local`: a real process group interrupted mid-batch (the real
Dask cluster it starts, the real model), then rerun."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("distributed")
psutil = pytest.importorskip("psutil")

from cluster_support import short_clips  # noqa: E402
from vision.batch import index  # noqa: E402
from vision.batch.resume import file_sha256  # noqa: E402

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT_S = 600  # the cluster's start and the first video, on a loaded machine
EXIT_TIMEOUT_S = 60  # from Ctrl-C to the command's exit, workers stopped (about 5 s here)
RUN_TIMEOUT_S = 900


def ctrl_c_as_in_a_terminal() -> None:
    """The child starts with Ctrl-C's default, as a shell gives it: a signal ignored in this test
    process (something earlier in the session may have set it) would be inherited, and Python then
    leaves SIGINT ignored in the command too."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


def analyze(folder: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "vision.cli", "analyze", str(folder), "--foot-axis", "90", "--json", str(out),
            "--cluster", "local", "--workers", "2"]


def reports(out: Path) -> list[Path]:
    """The finished reports (not the index, not a temporary file)."""
    return sorted(p for p in out.glob("*.json") if p.name != index.JSON_NAME and not p.name.startswith("."))


@pytest.fixture
def folder(tmp_path_factory) -> Path:
    # 1.5 s clips: what is checked (Ctrl-C mid-batch, what is left, the rerun) does not need longer videos, and
    # the rerun analyses most of the eight
    clips = short_clips(tmp_path_factory.mktemp("clips"), seconds=1.5)
    folder = tmp_path_factory.mktemp("batch") / "clips"
    folder.mkdir()
    for k in range(2):  # eight videos, so a Ctrl-C after the first report is mid-batch
        for clip in clips:
            shutil.copy2(clip, folder / f"{clip.stem}-{k}.mp4")
    return folder


def test_ctrl_c_stops_the_batch_at_once_and_a_rerun_goes_on(folder, tmp_path):
    out = tmp_path / "reports"
    # A process group of its own, as a shell gives a command: Ctrl-C is SIGINT to every process in it.
    run = subprocess.Popen(analyze(folder, out), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, start_new_session=True, preexec_fn=ctrl_c_as_in_a_terminal)
    family: list = []
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not (out.is_dir() and reports(out)):
            assert run.poll() is None, run.communicate()
            assert time.monotonic() < deadline, "no video finished in time"
            time.sleep(0.05)
        family = psutil.Process(run.pid).children(recursive=True)
        assert len(family) >= 2  # the cluster's worker processes (and multiprocessing's helper)
        pressed = time.monotonic()
        os.killpg(run.pid, signal.SIGINT)
        stdout, stderr = run.communicate(timeout=EXIT_TIMEOUT_S)
        took = time.monotonic() - pressed
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
            run.wait()
        for proc in family:  # whatever the test found, nothing outlives it
            if proc.is_running():
                proc.kill()

    print(f"Ctrl-C to exit: {took:.1f} s")
    assert run.returncode == 130, stderr
    assert "Traceback" not in stderr, stderr  # no worker's tracebacks
    # MediaPipe's native log lines ("INFO: ... DestroyAccelerator") as landmarkers close are not ours to
    # silence: the command's own words are the last line
    last = [line for line in stderr.strip().splitlines() if not line.startswith(("INFO:", "W0000", "I0000"))][-1]
    assert last.startswith("crossgrain: interrupted: ") and "run the same command again to go on" in last, stderr
    finished = int(last.split("interrupted: ")[1].split(" of the 8 videos")[0])
    assert 1 <= finished < 8, last

    gone = psutil.wait_procs(family, timeout=10)[1]
    assert not [p for p in gone if p.status() != psutil.STATUS_ZOMBIE], "worker processes left behind"

    # Nothing half-written: no temporary file, and each report there is whole and the one the index names.
    assert not [p.name for p in out.iterdir() if ".partial" in p.name]
    rows = {Path(r["video"]).name: r for r in index.read_rows(out).values()}
    assert len(rows) == 8
    done = {name for name, r in rows.items() if r["status"] == "analysed"}
    assert len(done) == finished == len(reports(out))
    for name in done:
        report = out / f"{Path(name).stem}.json"
        assert json.loads(report.read_text())["source"] == name
        assert rows[name]["outputs"]["json"]["sha256"] == file_sha256(report)
    for name in set(rows) - done:
        assert rows[name]["status"] == "failed" and "the batch was stopped" in rows[name]["error"]

    again = subprocess.run(analyze(folder, out), cwd=ROOT, capture_output=True, text=True, timeout=RUN_TIMEOUT_S)
    assert again.returncode == 0, again.stderr
    assert f"batch: {8 - finished} analysed, {finished} skipped (finished before), 0 failed" in again.stdout
    assert {r["status"] for r in index.read_rows(out).values()} == {"analysed", "skipped"}
    assert len(reports(out)) == 8
