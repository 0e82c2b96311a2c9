"""Several videos at once, in worker processes, and stopped at once by Ctrl-C.

The pool's own shutdown lets queued videos run on and a second Ctrl-C hang in
its exit handler. Here Ctrl-C reaches the parent only (workers ignore SIGINT):
it cancels what has not started, stops the workers with SIGTERM (which unwinds
them, so their temporary outputs are removed) and SIGKILL after a grace time,
removes what a killed worker left, and raises BatchInterrupted with the count
of videos finished. A second Ctrl-C during that is ignored.
"""

from __future__ import annotations

import os
import signal
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Callable

from ..io.atomic import remove_partials
from .common import EXIT_INTERRUPTED, ProgressBar, exit_on_signal
from .outputs import Job

Result = tuple[Path, str, "str | None"]  # video, summary text, error message


class BatchInterrupted(KeyboardInterrupt):
    """Ctrl-C in a batch, after the workers were stopped; says how many videos were finished."""

    def __init__(self, done: int, total: int):
        super().__init__(f"{done} of {total} videos were finished; no output was written for the others")


def run_batch(jobs: list[Job], work: Callable, work_args: tuple, workers: int) -> list[Result]:
    """``work(job, *work_args, show_progress=False) -> (text, error, written)`` for every job, in
    ``workers`` processes; results in the jobs' order. Raises BatchInterrupted on Ctrl-C."""
    results: list[Result] = []
    bar = ProgressBar(f"{len(jobs)} videos")
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_worker_init)
    futures = {}
    try:
        for job in jobs:
            futures[pool.submit(_worker, work, job, work_args)] = job
        for k, fut in enumerate(as_completed(futures), 1):
            try:
                text, error, _ = fut.result()
            except Exception as exc:  # noqa: BLE001 - a worker that died: say so, go on with the rest
                text, error = "", f"{futures[fut].video}: the analysis stopped ({type(exc).__name__})"
            results.append((futures[fut].video, text, error))
            bar(k, len(jobs))
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not interrupt the clean-up
        bar.finish()
        stop_pool(pool)
        done = {video for video, _, error in results if error is None}
        for job in jobs:
            if job.video not in done:
                for target in job.outputs.values():
                    remove_partials(target)
        raise BatchInterrupted(len(done), len(jobs)) from None
    pool.shutdown(wait=True)
    bar.finish()
    order = {job.video: k for k, job in enumerate(jobs)}
    return sorted(results, key=lambda r: order[r[0]])


def stop_pool(pool: ProcessPoolExecutor, grace_s: float = 3.0) -> None:
    """Cancel what has not started and stop the workers now (SIGTERM, then SIGKILL after ``grace_s``)."""
    procs = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in procs:
        if proc.is_alive():
            proc.terminate()
    deadline = time.monotonic() + grace_s
    for proc in procs:
        proc.join(max(0.0, deadline - time.monotonic()))
        if proc.is_alive():
            proc.kill()
            proc.join(1.0)


def _worker_init() -> None:
    """Ctrl-C is the parent's; SIGTERM unwinds (SystemExit: quiet in a worker), removing temporary outputs."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, exit_on_signal)


def _worker(work: Callable, job: Job, work_args: tuple):
    try:
        return work(job, *work_args, show_progress=False)
    except BaseException:  # stopped: outputs already cleaned up on the way out; take no further video
        os._exit(EXIT_INTERRUPTED)
