"""`crossgrain analyze FOLDER ... --cluster ADDRESS|local`: a resumable batch on a Dask cluster.

Hash every video, skip what the previous index shows finished, send the rest
to the cluster, write each report as it comes back (the very bytes the local
path writes) and keep the batch index up to date, so a batch stopped at any
point resumes where it was.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import Callable

from ..cli.common import EXIT_USAGE, CliError, ProgressBar
from ..io.atomic import atomic_write_text, remove_partials
from . import index
from .resume import Settings, Work, engine_identity, file_sha256, plan

INDEX_EVERY_S = 2.0  # the index is rewritten at most this often while videos finish (and at the end)


def run_cluster_batch(args, axis, planned: list[tuple[Path, dict[str, Path | None]]], describe: Callable,
                      keep: dict | None = None) -> int:
    """``axis``: the foot axis asked for (FootAxis or "auto"); ``planned``: each video with its output paths
    by kind; ``describe(report)``: the text the local path prints; ``keep``: --save's answers (None: keep
    nothing in the history)."""
    if not args.json:
        raise CliError("--cluster needs --json FOLDER: the reports and the batch index go there, "
                       "and a rerun skips the videos they show finished")
    if importlib.util.find_spec("distributed") is None:
        raise CliError("--cluster needs Dask distributed: pip install 'crossgrain[cluster]'")

    settings = Settings(axis, args.causal, args.technique)
    engine = engine_identity()
    folder = Path(args.json) if len(planned) > 1 else Path(args.json).parent
    folder.mkdir(parents=True, exist_ok=True)
    planned = [(video, {kind: Path(p) for kind, p in outputs.items() if p}) for video, outputs in planned]
    rows, todo = plan(planned, index.read_rows(folder), engine, settings)
    for work in todo:  # what a worker killed while writing (or one still running when we stopped) left
        for target in work.outputs.values():
            remove_partials(target)
    if keep is not None:
        with open_history(keep):  # a history that cannot be opened stops the batch before any work
            pass
    ordered = lambda: [rows[video] for video, _ in planned]  # noqa: E731
    texts: dict[Path, str] = {}
    bar = ProgressBar(f"{len(todo)} videos on the cluster")
    progress = {"done": 0, "index_written": time.monotonic()}

    def on_outcome(work: Work, outcome) -> None:
        error = outcome.error
        if error is None and outcome.engine != engine:
            error = (f"{work.video}: worker {outcome.worker} runs {outcome.engine!r}, this command {engine!r}: "
                     "install the same crossgrain on every machine")
        written = {}
        if error is None:
            try:
                written = write_outputs(work, outcome)
            except OutputError as exc:
                error = str(exc)
        if error is not None:
            rows[work.video].update(status="failed", error=error)
            discard(work, outcome)
        else:
            rows[work.video].update(status="analysed", error=None, **written,
                                    worker=outcome.worker, seconds=round(outcome.seconds, 2),
                                    **index.figures_of(outcome.report))
            texts[work.video] = describe(outcome.report)
        progress["done"] += 1
        bar(progress["done"], len(todo))
        if time.monotonic() - progress["index_written"] >= INDEX_EVERY_S:
            index.write_index(folder, ordered(), engine)
            progress["index_written"] = time.monotonic()

    try:
        if todo:  # Dask is imported only now: a rerun with nothing left to do does not wait for it
            from . import cluster

            try:
                with cluster.connect(args.cluster, args.workers) as client:
                    cluster.run(client, todo, settings, on_outcome,
                                note=lambda text: print(f"crossgrain: {text}", file=sys.stderr, flush=True))
            except cluster.ClusterUnreachable as exc:
                raise CliError(str(exc)) from None
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the index is written whole, whatever else is pressed
        done = sum(rows[work.video]["status"] == "analysed" for work in todo)
        raise ClusterInterrupted(f"{done} of the {len(todo)} videos to analyse were finished and their reports "
                                 f"written, nothing for the others; the index is {index.index_paths(folder)[0]}; "
                                 "run the same command again to go on") from None
    finally:
        bar.finish()
        for work in todo:
            row = rows[work.video]
            if row["status"] == "pending":
                row.update(status="failed", error=f"{row['video']}: not analysed (the batch was stopped)")
                for target in work.outputs.values():  # a local worker stopped mid-write leaves its temporary file
                    remove_partials(target)
        json_path, _ = index.write_index(folder, ordered(), engine)

    for video, _ in planned:
        row = rows[video]
        if row["status"] == "failed":
            print(f"crossgrain: error: {row['error']}", file=sys.stderr)
        elif video in texts:
            print(texts[video])
    counts = {s: sum(r["status"] == s for r in rows.values()) for s in index.STATUSES}
    print(f"batch: {counts['analysed']} analysed, {counts['skipped']} skipped (finished before), "
          f"{counts['failed']} failed; index {json_path} (and .csv)")
    if keep is not None:  # every finished video, analysed now or before, in the folder's order
        with open_history(keep) as history:
            print(history.keep_all(ordered()))
        index.write_index(folder, ordered(), engine)  # with each video's session
    return EXIT_USAGE if counts["failed"] else 0


class ClusterInterrupted(KeyboardInterrupt):
    """Ctrl-C in a cluster batch, after the cluster was let go and before the index is written; says what is done."""


class OutputError(Exception):
    """An output of one video could not be written or checked (one line; that video failed)."""


def write_outputs(work: Work, outcome) -> dict:
    """The video's files, as the local path writes them; their hashes let a rerun trust them.

    The annotated video is the one the worker wrote under a temporary name: checked
    by its hash, then renamed into place. The rest are written here from the report.
    """
    from ..cli.html_out import session_html

    report = outcome.report
    written = {}
    for kind, path in work.outputs.items():
        try:
            if kind == "annotated":
                if outcome.annotated is None:
                    raise OutputError(f"--annotated {path}: the worker returned no annotated video")
                tmp, sha = Path(outcome.annotated[0]), outcome.annotated[1]
                if not tmp.is_file() or file_sha256(tmp) != sha:
                    raise OutputError(f"--annotated {path}: the video worker {outcome.worker} wrote is not here "
                                      "(is the folder shared at the same path on every machine?)")
                os.chmod(tmp, 0o666 & ~_umask())  # mkstemp made it 0600; a plain new file's mode
                os.replace(tmp, path)
                remove_partials(path)  # what an earlier try of this video left, its worker killed mid-write
            elif kind == "html":
                atomic_write_text(path, session_html(report, work.video))
            else:
                atomic_write_text(path, report.to_json() if kind == "json" else report.to_csv())
        except OSError as exc:
            raise OutputError(f"--{kind} {path}: cannot write it ({exc.strerror or exc})") from None
        written[kind] = {"path": str(path), "sha256": file_sha256(path)}
    return {"outputs": written, "report": str(work.outputs["json"])}


def discard(work: Work, outcome) -> None:
    """A failed video leaves nothing: not the annotated video its worker wrote."""
    if outcome.annotated is not None:
        with contextlib.suppress(OSError):
            Path(outcome.annotated[0]).unlink()
    for target in work.outputs.values():
        remove_partials(target)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def open_history(said: dict) -> "BatchHistory":
    from ..history.store import Store, StoreError

    try:
        return BatchHistory(Store(), said)
    except StoreError as exc:
        raise CliError(f"--save: {exc}") from None


class BatchHistory:
    """--save with --cluster: each finished video kept in the history once (vision/history/store.py keep()).

    A video's session is named by the video's sha256, so a rerun, or the same
    video in another batch, adds no duplicate (a second copy of a video in the
    batch is the same session, kept once, for its first name); analysed again
    with other figures (a newer engine), the session is updated in place. Its time
    is the video file's modification time: when the practice was recorded, not when
    the archive was analysed. The sessions are kept when the batch ends, from the
    reports it wrote or found; a stopped batch's are kept by its rerun.
    """

    def __init__(self, store, said: dict):
        self.store = store
        self.answers = said

    def keep_all(self, rows: list[dict]) -> str:
        """Keep every analysed or skipped row's video; returns the line to print. Raises CliError."""
        from ..history.record import RecordError, video_session
        from ..history.store import StoreError

        counts = {"added": 0, "updated": 0, "unchanged": 0, "copies": 0}
        seen: set[str] = set()
        for row in rows:
            if row["status"] not in ("analysed", "skipped"):
                continue
            if row["sha256"] in seen:
                counts["copies"] += 1
                continue
            seen.add(row["sha256"])
            try:
                report = json.loads(Path(row["report"]).read_text())
                saved, status = self.store.keep(video_session(report, row["video"], row["sha256"], **self.answers))
            except (OSError, ValueError, KeyError, RecordError, StoreError) as exc:
                raise CliError(f"--save: could not keep {row['video']} in the history "
                               f"({' '.join(str(exc).split())[:200]}); the reports are written, "
                               "a rerun with --save keeps them") from None
            counts[status] += 1
            row["session"] = saved.id
        copies = f"; {counts['copies']} copies of a video kept once" if counts["copies"] else ""
        return (f"history: {len(seen)} sessions kept in {self.store.path} ({counts['added']} new, "
                f"{counts['updated']} updated, {counts['unchanged']} already there{copies})")

    def __enter__(self) -> "BatchHistory":
        return self

    def __exit__(self, *exc) -> None:
        self.store.close()

