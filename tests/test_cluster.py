"""`crossgrain analyze FOLDER --cluster ...` on a real Dask cluster: two worker processes on 127.0.0.1,
the real MediaPipe model, real decoded clips, workers killed with a real SIGKILL.
"""

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

from cluster_support import damaged_copy, short_clips  # noqa: E402
from vision.batch import index  # noqa: E402
from vision.batch.cluster import KEY_PREFIX, connect  # noqa: E402

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
RUN_TIMEOUT_S = 900


def crossgrain(*args, wait: bool = True, env: dict | None = None):
    cmd = [sys.executable, "-m", "vision.cli", "analyze", *map(str, args)]
    if not wait:
        return subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=RUN_TIMEOUT_S, env=env)


def outputs(out: Path, annotated: bool = False) -> tuple:
    """--json and --csv into ``out`` (and --annotated)."""
    return ("--json", out, "--csv", out) + (("--annotated", out) if annotated else ())


def copy_of(folder: Path, dest: Path) -> Path:
    dest.mkdir(parents=True)
    for f in folder.iterdir():
        shutil.copy2(f, dest / f.name)
    return dest


def rows_by_name(out: Path) -> dict[str, dict]:
    return {Path(r["video"]).name: r for r in index.read_rows(out).values()}


@pytest.fixture(scope="module")
def clips(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("clips")
    short_clips(folder, seconds=3.0)
    return folder


@pytest.fixture(scope="module")
def reference(clips, tmp_path_factory) -> Path:
    """The local path's reports (process pool of two), JSON and CSV."""
    out = tmp_path_factory.mktemp("local")
    done = crossgrain(clips, "--foot-axis", 90, *outputs(out, annotated=True), "--workers", 2)
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(scope="module")
def client():
    """A real local cluster: two single-threaded worker processes under nannies, on 127.0.0.1."""
    with connect("local", workers=2) as client:
        yield client


def address(client) -> str:
    return client.scheduler.address


def tracker_counts(client) -> dict[str, tuple[int, int, int]]:
    """Each worker's (trackers created, videos lent one, MediaPipe landmarkers loaded in its process)."""
    def counts(dask_worker):
        from vision.io import tracking

        plugin = dask_worker.plugins.get("crossgrain-trackers")
        pool = (0, 0) if plugin is None else (plugin.pool.created, plugin.pool.leases)
        return (*pool, tracking.landmarkers_loaded)
    return client.run(counts)


def worker_pids(client) -> dict[str, int]:
    return client.run(os.getpid)


def executing(client) -> dict[str, list[str]]:
    return client.run(lambda dask_worker: sorted(str(ts.key) for ts in dask_worker.state.executing))


def kill_worker_running(client, name_part: str, deadline: float, run: subprocess.Popen | None = None) -> int | None:
    """SIGKILL the worker process that is analysing a video whose task key holds ``name_part``.

    None once ``deadline`` passes, or at once when the command ``run`` has ended (no task of its can start
    any more: waiting out the deadline would only add time)."""
    while time.monotonic() < deadline and (run is None or run.poll() is None):
        try:
            running = executing(client)
        except Exception:  # noqa: BLE001 - a worker restarting right now: ask again
            running = {}
        for worker, keys in running.items():
            if any(k.startswith(KEY_PREFIX) and name_part in k for k in keys):
                pid = worker_pids(client)[worker]
                os.kill(pid, signal.SIGKILL)
                return pid
        time.sleep(0.2)
    return None


def assert_same_reports(out: Path, reference: Path, names) -> None:
    for name in names:
        for suffix in (".json", ".csv", ".annotated.mp4"):
            expected = reference / f"{name}{suffix}"
            got = out / f"{name}{suffix}"
            if got.exists() or suffix == ".json":
                assert got.read_bytes() == expected.read_bytes(), f"{got} differs from the local path's"


CLIPS = ("clip0", "clip1", "clip2", "clip3")


@pytest.fixture(scope="module")
def first_batch(client, clips, tmp_path_factory):
    folder = copy_of(clips, tmp_path_factory.mktemp("batch") / "clips")
    out = folder.parent / "reports"
    before = tracker_counts(client)
    done = crossgrain(folder, "--foot-axis", 90, *outputs(out, annotated=True), "--cluster", address(client))
    return folder, out, done, before, tracker_counts(client)


def test_the_cluster_writes_the_local_paths_reports_byte_for_byte(first_batch, reference):
    folder, out, done, _, _ = first_batch
    assert done.returncode == 0, done.stderr
    assert_same_reports(out, reference, CLIPS)
    for name in CLIPS:  # the annotated videos too, written by the workers and checked in by the command
        assert (out / f"{name}.annotated.mp4").read_bytes() == (reference / f"{name}.annotated.mp4").read_bytes()
    assert not [p.name for p in out.iterdir() if ".partial" in p.name]
    assert "batch: 4 analysed, 0 skipped" in done.stdout
    for name in CLIPS:
        assert f"{name}.mp4: 3.0 s, 90 frames" in done.stdout  # the summary the local path prints


def test_the_index_lists_every_video_with_its_status_and_figures(first_batch, reference):
    folder, out, _, _, _ = first_batch
    rows = rows_by_name(out)
    assert sorted(rows) == [f"{n}.mp4" for n in CLIPS]
    for name in CLIPS:
        row, report = rows[f"{name}.mp4"], json.loads((reference / f"{name}.json").read_text())
        assert row["status"] == "analysed" and row["error"] is None
        assert row["technique"] == report["technique"] == "cross_friction"
        assert row["score"] == report["coaching"]["score"]
        assert row["hand_found_fraction"] == report["summary"]["hand_found_fraction"]
        assert row["holds"] == report["summary"]["holds"]
    table = (out / index.CSV_NAME).read_text().splitlines()
    assert table[0].startswith("video,status,technique,score,")
    assert len(table) == 1 + len(CLIPS) and all(",analysed," in line for line in table[1:])


def test_each_worker_loads_the_model_once_and_reuses_it(first_batch):
    _, _, done, before, after = first_batch
    assert done.returncode == 0, done.stderr
    # counted as what the batch added: a worker process may start with something loaded already
    # (the suite's earlier tests ran in the process the workers came from)
    delta = {w: tuple(a - b for a, b in zip(after[w], before.get(w, (0, 0, 0)))) for w in after}
    lent = sum(leases for _, leases, _ in delta.values())
    assert lent == len(CLIPS)
    for created, leases, loaded in delta.values():
        assert created == (1 if leases else 0)  # one tracker a worker, lent to each of its videos
        # each tracker's three landmarkers (two hands, one hand, the closer look's quarter searcher; these
        # clips' hand is found by the whole frame, so no window is followed): the model loaded once a tracker
        assert loaded == 3 * created


def test_a_rerun_skips_finished_work_and_redoes_what_changed(first_batch, client, reference):
    folder, out, _, _, _ = first_batch
    reports = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in out.glob("clip*")}
    lent_before = sum(leases for _, leases, _ in tracker_counts(client).values())
    again = crossgrain(folder, "--foot-axis", 90, *outputs(out, annotated=True), "--cluster", address(client))
    assert again.returncode == 0, again.stderr
    assert "batch: 0 analysed, 4 skipped" in again.stdout
    assert {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in out.glob("clip*")} == reports
    assert sum(leases for _, leases, _ in tracker_counts(client).values()) == lent_before  # nothing ran
    assert {r["status"] for r in rows_by_name(out).values()} == {"skipped"}

    shutil.copy2(folder / "clip0.mp4", folder / "clip2.mp4")  # clip2 edited: other bytes, same name
    third = crossgrain(folder, "--foot-axis", 90, *outputs(out, annotated=True), "--cluster", address(client))
    assert third.returncode == 0, third.stderr
    assert "batch: 1 analysed, 3 skipped" in third.stdout
    assert rows_by_name(out)["clip2.mp4"]["status"] == "analysed"
    redone = json.loads((out / "clip2.json").read_text())
    expected = json.loads((reference / "clip0.json").read_text())
    assert redone == {**expected, "source": "clip2.mp4"}
    assert (out / "clip2.annotated.mp4").read_bytes() == (reference / "clip0.annotated.mp4").read_bytes()


def test_save_keeps_each_finished_video_in_the_history_once(first_batch, client, tmp_path):
    """The batch index loaded into the history: only with --save, and a rerun adds no duplicate."""
    from vision.history.store import Store

    folder, out, _, _, _ = first_batch
    data = tmp_path / "data"
    env = {**os.environ, "CROSSGRAIN_DATA_DIR": str(data)}
    args = (folder, "--foot-axis", 90, *outputs(out, annotated=True), "--cluster", address(client))
    plain = crossgrain(*args, env=env)
    assert plain.returncode == 0, plain.stderr
    assert "history" not in plain.stdout and not data.exists()  # nothing kept without --save
    # After the rerun test clip2 holds clip0's bytes: the same session, kept once.
    kept = crossgrain(*args, "--save", "--foot", "left", env=env)
    assert kept.returncode == 0, kept.stderr
    assert "(3 new, 0 updated, 0 already there; 1 copies of a video kept once)" in kept.stdout
    again = crossgrain(*args, "--save", "--foot", "left", env=env)
    assert again.returncode == 0, again.stderr
    assert "(0 new, 0 updated, 3 already there; 1 copies of a video kept once)" in again.stdout
    with Store(data / "history.sqlite3") as store:
        sessions = {s.source: s for s in store.sessions(with_frames=True)}
    assert sorted(sessions) == ["clip0.mp4", "clip1.mp4", "clip3.mp4"]
    rows = rows_by_name(out)
    for name, session in sessions.items():
        report = json.loads((out / f"{Path(name).stem}.json").read_text())
        assert session.score == report["coaching"]["score"] and session.foot == "left"
        assert session.frames() == report["frames"] and session.duration_s == report["duration_s"]
        assert session.at.timestamp() == pytest.approx((folder / name).stat().st_mtime, abs=1e-5)
        assert rows[name]["session"] == session.id
    moved = crossgrain(*args, "--save", "--foot", "right", env=env)  # other answers: updated, not added
    assert "(0 new, 3 updated, 0 already there; 1 copies of a video kept once)" in moved.stdout
    with Store(data / "history.sqlite3") as store:
        assert [s.foot for s in store.sessions()] == ["right"] * 3


def test_a_worker_killed_mid_batch_loses_only_its_video(client, clips, reference, tmp_path):
    folder = copy_of(clips, tmp_path / "clips")
    out = tmp_path / "reports"
    pids_before = set(worker_pids(client).values())
    run = crossgrain(folder, "--foot-axis", 90, *outputs(out, annotated=True), "--cluster", address(client),
                     wait=False)
    killed = kill_worker_running(client, "clip", time.monotonic() + 300)
    stdout, stderr = run.communicate(timeout=RUN_TIMEOUT_S)
    assert killed in pids_before
    assert run.returncode == 0, stderr
    assert_same_reports(out, reference, CLIPS)
    for name in CLIPS:
        assert (out / f"{name}.annotated.mp4").read_bytes() == (reference / f"{name}.annotated.mp4").read_bytes()
    assert not [p.name for p in out.iterdir() if ".partial" in p.name]  # not what the killed worker was writing
    assert {r["status"] for r in rows_by_name(out).values()} == {"analysed"}
    assert killed not in worker_pids(client).values()  # a new worker process took its place
    assert len(client.nthreads()) == 2


def test_a_video_whose_worker_keeps_dying_fails_after_two_retries(client, clips, reference, tmp_path):
    folder = copy_of(clips, tmp_path / "clips")
    out = tmp_path / "reports"
    run = crossgrain(folder, "--foot-axis", 90, "--json", out, "--cluster", address(client), wait=False)
    deadline = time.monotonic() + 600
    kills = 0
    while run.poll() is None and kills < 4:
        if kill_worker_running(client, "clip1.mp4", min(deadline, time.monotonic() + 120), run) is None:
            break
        kills += 1
    stdout, stderr = run.communicate(timeout=RUN_TIMEOUT_S)
    # Tried three times, the first run and two retries: three deaths as the scheduler counts them. Under
    # heavy load one of them was once a worker lost while the nanny restarted it (2 kills, 3 deaths).
    assert 2 <= kills <= 3
    assert run.returncode == 2
    assert "crossgrain: error: " in stderr and "clip1.mp4: its worker died 3 times" in stderr
    rows = rows_by_name(out)
    assert rows["clip1.mp4"]["status"] == "failed" and not (out / "clip1.json").exists()
    assert_same_reports(out, reference, ("clip0", "clip2", "clip3"))
    assert "batch: 3 analysed, 0 skipped, 1 failed" in stdout.replace(" (finished before)", "")


def test_a_damaged_video_is_reported_failed_and_the_others_succeed(client, clips, reference, tmp_path):
    folder = tmp_path / "clips"
    folder.mkdir()
    for name in ("clip0", "clip3"):
        shutil.copy2(clips / f"{name}.mp4", folder)
    damaged_copy(clips / "clip1.mp4", folder / "damaged.mp4")
    out = tmp_path / "reports"
    done = crossgrain(folder, "--foot-axis", 90, "--json", out, "--cluster", "local", "--workers", 2)
    assert done.returncode == 2
    errors = [line for line in done.stderr.splitlines() if line.startswith("crossgrain: error: ")]
    assert len(errors) == 1 and "damaged.mp4" in errors[0], done.stderr
    assert_same_reports(out, reference, ("clip0", "clip3"))
    rows = rows_by_name(out)
    assert rows["damaged.mp4"]["status"] == "failed" and "damaged.mp4" in rows["damaged.mp4"]["error"]
    assert not (out / "damaged.json").exists()
    again = crossgrain(folder, "--foot-axis", 90, "--json", out, "--cluster", address(client))
    assert "batch: 0 analysed, 2 skipped (finished before), 1 failed" in again.stdout  # failed: tried again


def test_an_unreachable_cluster_is_one_clear_line(clips, tmp_path):
    done = crossgrain(clips, "--foot-axis", 90, "--json", tmp_path, "--cluster", "tcp://127.0.0.1:9")
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("crossgrain: error: cannot reach the cluster at tcp://127.0.0.1:9")


@pytest.mark.parametrize("extra, message", [((), "--cluster needs --json FOLDER"),
                                            (("--json", "OUT", "--pain-after", "3"), "--pain-after only apply with --save")])
def test_cluster_option_misuse_is_one_clear_line(clips, tmp_path, extra, message):
    extra = tuple(str(tmp_path / e) if e == "OUT" else e for e in extra)
    done = crossgrain(clips, "--foot-axis", 90, "--cluster", "local", *extra)
    assert done.returncode == 2
    assert done.stderr.strip() == f"crossgrain: error: {done.stderr.strip().split('error: ', 1)[1]}"
    assert message in done.stderr and len(done.stderr.strip().splitlines()) == 1
