"""Robustness figures: every hard input through the CLI and the app's upload path.

    python tools/robustness.py [--keep DIR] [--timeout 120]

The inputs are the corpus of tests/hard_inputs.py (the same files the tests check):
truncated and bit-flipped MP4s, empty and zero-frame files, audio only, images and text
renamed .mp4, 4000x3000, 641x479, 1 and 120 fps, variable frame rate, rotations,
10-bit, yuv444, grayscale, ... Each goes through

* the CLI, as its own process: `crossgrain analyze FILE --foot-axis 90 --json OUT`;
  a report is exit 0 with the JSON written, a clear error is exit 2 with one line
  `crossgrain: error: ...` (no traceback, no "internal error");
* the app's upload path (vision.ui.uploads.analyze_bytes, what the page calls), in this
  process: an Analysis, or UploadError / VideoError with a one-line message.

Anything else is a failure: a crash, a traceback, a hang (over --timeout), another
exception. Data left behind is counted apart: for the CLI, a report written after an
error or any temporary ``.partial-`` file; for the app, a private upload folder not
removed. Printed: a per-input table, then inputs tried, reports, clear errors,
failures and data left behind for each path. File-system objects (a FIFO, a symlink
loop) go through the CLI only. Exit code 1 when anything failed or was left behind.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for extra in (ROOT, ROOT / "tests"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

from hard_inputs import build_corpus  # noqa: E402  (tests/hard_inputs.py)

REPORT, ERROR = "report", "error"


def run_cli(path: Path, out_dir: Path, timeout_s: float) -> tuple[str, str, float, int]:
    """(outcome, detail, seconds, files left behind) of `crossgrain analyze` on one file, in its own process."""
    out_dir = out_dir / f"out-{path.stem[:40]}-{time.monotonic_ns()}"
    out_dir.mkdir()
    out = out_dir / "report.json"
    outcome, detail, dt = _run_cli(path, out, timeout_s)
    left = [p for p in out_dir.iterdir() if ".partial-" in p.name or (outcome != REPORT and p == out)]
    shutil.rmtree(out_dir, ignore_errors=True)
    return outcome, detail, dt, len(left)


def _run_cli(path: Path, out: Path, timeout_s: float) -> tuple[str, str, float]:
    t0 = time.monotonic()
    try:
        proc = subprocess.run([sys.executable, "-m", "vision.cli", "analyze", str(path), "--foot-axis", "90",
                               "--json", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=timeout_s)
    except subprocess.TimeoutExpired:
        return "FAIL hang", f"no result in {timeout_s:.0f} s", time.monotonic() - t0
    dt = time.monotonic() - t0
    err = proc.stderr.strip()
    lines = [line for line in err.splitlines() if line.startswith("crossgrain")]
    if "Traceback" in err:
        return "FAIL traceback", err.splitlines()[-1][:120], dt
    if proc.returncode == 0 and out.is_file():
        return REPORT, proc.stdout.splitlines()[0][:120] if proc.stdout else "", dt
    if proc.returncode == 2 and len(lines) == 1 and lines[0].startswith("crossgrain: error: "):
        if "internal error" in lines[0]:
            return "FAIL internal", lines[0][:160], dt
        return ERROR, lines[0].replace(str(path), path.name)[len("crossgrain: error: "):][:120], dt
    return f"FAIL exit {proc.returncode}", (err.splitlines() or [""])[-1][:120], dt


def private_dirs() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("crossgrain-*")}


def run_app(path: Path, timeout_s: float) -> tuple[str, str, float, int]:
    """(outcome, detail, seconds, private folders left behind) of the upload path on one file's bytes."""
    before = private_dirs()
    outcome, detail, dt = _run_app(path, timeout_s)
    time.sleep(0.05)
    return outcome, detail, dt, len(private_dirs() - before)


def _run_app(path: Path, timeout_s: float) -> tuple[str, str, float]:
    from vision.ui.uploads import UploadError, analyze_bytes, read_max_upload_mb
    from vision.io.video import VideoError

    box: dict = {}
    display = f"user {path.name}"

    def target():
        try:
            box["value"] = analyze_bytes(path.read_bytes(), display, 90.0, "cross_friction",
                                         read_max_upload_mb())
        except BaseException as exc:  # noqa: BLE001 - classified below
            box["error"] = exc

    t0 = time.monotonic()
    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(timeout_s)
    dt = time.monotonic() - t0
    if worker.is_alive():
        return "FAIL hang", f"no result in {timeout_s:.0f} s", dt
    exc = box.get("error")
    if exc is None:
        analysis = box["value"]
        return REPORT, f"{len(analysis.report.frames)} frames, video {len(analysis.video_mp4 or b'')} B", dt
    if isinstance(exc, (UploadError, VideoError)) and "\n" not in str(exc):
        return ERROR, str(exc)[:120], dt
    return f"FAIL {type(exc).__name__}", str(exc)[:120], dt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--keep", type=Path, default=None, help="write the corpus here and keep it")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds before an input counts as a hang")
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="crossgrain-robustness-"))
    folder = args.keep or tmp / "corpus"
    try:
        t0 = time.monotonic()
        corpus = build_corpus(folder)
        print(f"robustness: {len(corpus)} inputs generated in {time.monotonic() - t0:.1f} s ({folder})\n")
        header = f"{'input':<22} {'expected':<8} {'CLI':<10} {'app':<10} {'s':>5}  message / result"
        print(header)
        print("-" * len(header))
        rows = []
        for item in corpus:
            cli_out, cli_detail, cli_s, cli_left = run_cli(item.path, tmp, args.timeout)
            if item.cli_only:
                app_out, app_detail, app_s, app_left = "n/a", "", 0.0, 0
            else:
                app_out, app_detail, app_s, app_left = run_app(item.path, args.timeout)
            rows.append((item, (cli_out, cli_left), (app_out, app_left)))
            detail = cli_detail if cli_out.startswith("FAIL") or not app_out.startswith("FAIL") else app_detail
            left = f" [left behind: CLI {cli_left}, app {app_left}]" if cli_left or app_left else ""
            print(f"{item.name:<22} {item.expect:<8} {cli_out:<10} {app_out:<10} {cli_s + app_s:5.1f}  "
                  f"{detail}{left}", flush=True)
        print()
        failures = 0
        for k, label in ((1, "CLI"), (2, "app upload")):
            tried = [r for r in rows if r[k][0] != "n/a"]
            outcomes = [r[k][0] for r in tried]
            n_report = outcomes.count(REPORT)
            n_error = outcomes.count(ERROR)
            n_fail = len(outcomes) - n_report - n_error
            n_left = sum(1 for r in tried if r[k][1])
            failures += n_fail + n_left
            unexpected = [r[0].name for r in tried if r[k][0] in (REPORT, ERROR) and r[0].expect != "either"
                          and r[k][0] != r[0].expect]
            print(f"{label:<10}: {len(outcomes)} inputs tried, {n_report} gave a report, {n_error} a clear error, "
                  f"{n_fail} failures (crash/hang/traceback), {n_left} left data behind"
                  + (f"; not as expected: {', '.join(unexpected)}" if unexpected else ""))
        print(f"time: {time.monotonic() - t0:.0f} s")
        return 1 if failures else 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
