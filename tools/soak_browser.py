"""Soak through the real web page: a fake webcam streaming into the app for N minutes.

    python tools/soak_browser.py --minutes 30

Starts the app (`streamlit run app.py`), opens it in Debian's chromium with a
sample clip as the fake webcam (looping), presses START and then, every minute,
prints the app server's resident memory (MB, from /proc) and the frames a
second the live panel reports. At the end: memory drift per hour (a straight
line through the readings after the first two minutes) and the fps range.
A benchmark, not a test: it runs for as long as you ask.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from browser_support import chromium, chromium_path, make_y4m, panel_metrics, streamlit_server  # noqa: E402


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (MB)."""
    total = 0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--every", type=float, default=60.0, help="seconds between printed lines")
    parser.add_argument("--clip", type=Path, default=ROOT / "sample_videos" / "cross_friction_good.mp4")
    args = parser.parse_args(argv)
    if chromium_path() is None:
        print("Debian's chromium is not installed (make browser-deps)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        y4m = make_y4m(args.clip, Path(tmp) / "camera.y4m")
        with streamlit_server() as url, chromium(y4m) as browser:
            server_pid = _server_pid(url.rsplit(":", 1)[1])
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(url)
            page.get_by_text("Foot axis").first.wait_for(timeout=60_000)
            page.frame_locator("iframe[title*='streamlit_webrtc']").get_by_role("button", name="START").click(
                timeout=60_000)
            print(f"soak (browser): {args.clip.name} as a 30 fps 640x480 fake webcam, {args.minutes:g} min; "
                  f"app server pid {server_pid}", flush=True)
            print(f"{'min':>6} {'RSS MB':>8} {'fps':>6}  label", flush=True)
            start = time.monotonic()
            readings: list[tuple[float, float, float]] = []
            next_print = args.every
            while (elapsed := time.monotonic() - start) < args.minutes * 60:
                time.sleep(1.0)
                if elapsed + 1.0 < next_print:
                    continue
                next_print += args.every
                m = panel_metrics(page)
                fps = float(m.get("Processing", "0 fps").split()[0]) if m.get("Processing", "–") != "–" else 0.0
                rss = tree_rss_mb(server_pid)
                readings.append((elapsed / 60, rss, fps))
                print(f"{elapsed / 60:6.1f} {rss:8.1f} {fps:6.1f}  {m.get('Doing now', '?')}", flush=True)
    if len(readings) >= 2:
        settled = [r for r in readings if r[0] >= 2.0] or readings
        xs, ys = [r[0] for r in settled], [r[1] for r in settled]
        slope = 0.0
        if len(settled) >= 2 and max(xs) > min(xs):
            mx, my = statistics.fmean(xs), statistics.fmean(ys)
            slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
        fps = [r[2] for r in readings]
        print(f"soak (browser): RSS {readings[0][1]:.0f} MB at minute {readings[0][0]:.0f}, "
              f"{readings[-1][1]:.0f} MB at the end; drift {60 * slope:+.1f} MB per hour "
              f"(after minute 2); fps median {statistics.median(fps):.1f} (min {min(fps):.1f}, max {max(fps):.1f})")
    return 0


def _server_pid(port: str) -> int:
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmd = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"streamlit" in b" ".join(cmd) and port.encode() in cmd:
            return int(proc.name)
    raise RuntimeError(f"no streamlit process on port {port}")

if __name__ == "__main__":
    raise SystemExit(main())
