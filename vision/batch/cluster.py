"""The Dask distributed adapter: a cluster to run on, one task per video, outcomes as they finish.

Dask does the distributing: placing tasks on workers, noticing a worker that
died and running its task again elsewhere (at most ``ALLOWED_FAILURES`` more
times, then ``KilledWorker``). Here: connecting, the worker plugin that keeps
each worker's tracker (TrackerCache: one, reset between videos), the task
itself (analyze_on_worker; an --annotated video it writes under a temporary
name, which the command checks and renames), and a submission window of one
video per worker thread, so a worker that dies holds only the video it was
analysing.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import tempfile
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from distributed import Client, KilledWorker, LocalCluster, WorkerPlugin, as_completed, get_worker

from ..io.atomic import partial_name_prefix
from .resume import Settings, Work, engine_identity, file_sha256
from .trackers import TrackerPool

PLUGIN_NAME = "crossgrain-trackers"
KEY_PREFIX = "crossgrain-analyze"
ALLOWED_FAILURES = 2  # a video whose worker dies is run again at most twice
CONNECT_TIMEOUT_S = 10
LOCAL_WORKER_PRELOAD = "vision.batch.local_worker"  # a local cluster's workers leave Ctrl-C to the command
LOCAL_CLUSTER_CONFIG = {
    "distributed.scheduler.allowed-failures": ALLOWED_FAILURES,
    "distributed.scheduler.worker-saturation": 1.0,
}


class ClusterUnreachable(RuntimeError):
    """No scheduler answered at the address given."""


@dataclass(frozen=True)
class Outcome:
    """What became of one video: its report, or a one-line error (the report is then None)."""

    video: Path
    report: object | None
    error: str | None
    engine: str = ""
    worker: str = ""
    seconds: float = 0.0
    annotated: tuple[str, str] | None = None  # the annotated video the worker wrote: (temporary path, sha256)


class TrackerCache(WorkerPlugin):
    """Each worker's TrackerPool: the hand model loaded once per worker, reused by every video it runs."""

    idempotent = True  # a rerun against the same cluster keeps the trackers the workers already hold
    name = PLUGIN_NAME

    def setup(self, worker) -> None:
        self.pool = TrackerPool()

    def teardown(self, worker) -> None:
        self.pool.close()


def worker_pool() -> TrackerPool:
    return get_worker().plugins[PLUGIN_NAME].pool


def analyze_on_worker(video: str, sha256: str, settings: Settings, annotated: str | None = None) -> Outcome:
    """The task: one video analysed as the local path does it, with this worker's tracker.

    ``annotated``: where the annotated video goes. The worker writes it under a
    temporary name beside that path (the folder must be shared at the same path,
    as the videos are) and returns that name and its sha256; the command checks
    both and renames it into place, so only the command finishes an output, and a
    worker still running after the command stopped leaves only a temporary file.
    """
    from ..io.video import VideoError
    from ..pipeline import analyze_video

    path = Path(video)
    started = time.perf_counter()
    engine = engine_identity()
    worker = get_worker().address
    tmp: Path | None = None
    try:
        if file_sha256(path) != sha256:
            raise VideoError(f"{path}: this worker reads other bytes under that name than the client hashed "
                             "(is the folder shared at the same path on every machine?)")
        if annotated is not None:
            tmp = _partial_beside(Path(annotated), worker)
        # one video a worker thread: its time ranges one after the other, as the local pool does
        report = analyze_video(path, settings.foot_axis, causal=settings.causal, technique_name=settings.technique,
                               tracking_workers=1, open_tracker=worker_pool().lease, annotated_path=tmp)
        written = None if tmp is None else (str(tmp), file_sha256(tmp))
    except BaseException as exc:
        if tmp is not None:
            with contextlib.suppress(OSError):
                tmp.unlink()
        if not isinstance(exc, Exception):
            raise
        return Outcome(path, None, _one_line(path, exc), engine, worker)
    return Outcome(path, report, None, engine, worker, time.perf_counter() - started, written)


def _partial_beside(target: Path, worker: str) -> Path:
    """A new empty temporary file beside ``target``, named as io/atomic.py names them (found and removed
    as leftovers by the command)."""
    try:
        fd, name = tempfile.mkstemp(dir=target.parent, prefix=partial_name_prefix(target), suffix=target.suffix)
    except OSError as exc:
        raise OSError(exc.errno, f"cannot write the annotated video there from worker {worker} "
                                 f"({exc.strerror or exc}; is the folder shared at the same path on every "
                                 "machine?)", str(target)) from None
    os.close(fd)
    return Path(name)


def _one_line(path: Path, exc: Exception) -> str:
    from ..axis.source import AxisNotFound
    from ..io.video import VideoError

    if isinstance(exc, (VideoError, AxisNotFound)):
        return str(exc)
    if isinstance(exc, OSError):
        return f"{exc.filename or path}: {exc.strerror or exc}"
    # a bug of ours: one line for the user, the batch goes on
    detail = " ".join(f"{type(exc).__name__}: {exc}".split())[:300]
    return f"{path}: internal error while analysing ({detail}); please report it"


@contextmanager
def connect(address: str, workers: int | None = None) -> Iterator[Client]:
    """A client of the cluster at ``address``, or of a new one on this machine for "local".

    The local cluster listens on 127.0.0.1 only, one single-threaded worker
    process per core (or ``workers``), no dashboard.
    """
    import dask

    if address == "local":
        with dask.config.set(LOCAL_CLUSTER_CONFIG):
            cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1, processes=True,
                                   host="127.0.0.1", scheduler_port=0, dashboard_address=None,
                                   silence_logs=logging.ERROR, preload=[LOCAL_WORKER_PRELOAD])
        try:
            with Client(cluster) as client:
                yield client
        except KeyboardInterrupt:
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not break the clean-up
            raise
        finally:
            cluster.close()  # its workers stop: no process is left behind
        return
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT_S)
    except (OSError, TimeoutError, ValueError, TypeError) as exc:
        reason = " ".join(str(exc).split())[:200] or type(exc).__name__
        raise ClusterUnreachable(f"cannot reach the cluster at {address} ({reason})") from None
    with client:
        yield client


def allowed_failures(client: Client) -> int | None:
    """How often the scheduler runs a task again after its worker died (its own setting; None: it won't say)."""
    try:
        return int(client.run_on_scheduler(lambda dask_scheduler: dask_scheduler.allowed_failures))
    except Exception:  # noqa: BLE001 - a scheduler that refuses to run our code still runs the batch
        return None


def run(client: Client, works: list[Work], settings: Settings, on_outcome: Callable[[Work, Outcome], None],
        note: Callable[[str], None] = lambda text: None) -> None:
    """Analyse ``works`` on the cluster; ``on_outcome`` is called in this thread as each video finishes."""
    client.register_plugin(TrackerCache(), name=PLUGIN_NAME)
    retries = allowed_failures(client)
    tries = "repeatedly" if retries is None else f"{retries + 1} times"
    if not client.nthreads():
        note(f"no workers at {client.scheduler.address} yet: waiting for some to join")
    todo = iter(works)
    running: dict = {}
    finished = as_completed()

    def submit_more() -> None:
        window = max(1, sum(client.nthreads().values()))
        while len(running) < window:
            work = next(todo, None)
            if work is None:
                return
            key = f"{KEY_PREFIX}-{work.video.name}-{uuid.uuid4().hex[:8]}"
            annotated = work.outputs.get("annotated")
            future = client.submit(analyze_on_worker, str(work.video), work.sha256, settings,
                                   None if annotated is None else str(annotated), key=key, pure=False)
            running[future] = work
            finished.add(future)

    submit_more()
    for future in finished:
        work = running.pop(future)
        try:
            outcome = future.result()
        except KilledWorker:
            outcome = Outcome(work.video, None, f"{work.video}: its worker died {tries} while analysing it; "
                              "given up")
        except Exception as exc:  # noqa: BLE001 - the cluster's own trouble (lost, cancelled): this video failed
            outcome = Outcome(work.video, None, f"{work.video}: the cluster could not run it "
                              f"({type(exc).__name__}: {' '.join(str(exc).split())[:200]})")
        future.release()
        on_outcome(work, outcome)
        submit_more()
