"""`crossgrain analyze FOLDER ... --cluster ADDRESS|local`: a resumable batch on a Dask cluster.

Hash every video, skip what the previous index shows finished, send the rest
to the cluster, write each report as it comes back (the very bytes the local
path writes) and keep the batch index up to date, so a batch stopped at any
point resumes where it was.
"""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path
from typing import Callable

from ..cli.common import EXIT_USAGE, CliError, ProgressBar
from . import index
from .resume import Settings, Work, engine_identity, file_sha256, plan

INDEX_EVERY_S = 2.0  # the index is rewritten at most this often while videos finish (and at the end)


def run_cluster_batch(args, axis, planned: list[tuple[Path, dict[str, Path | None]]], describe: Callable) -> int:
    """``axis``: the foot axis asked for (FootAxis or "auto"); ``planned``: each video with its output paths
    by kind; ``describe(report)``: the text the local path prints."""
    if args.annotated:
        raise CliError("--annotated is not supported with --cluster (workers would write the videos)")
    if not args.json:
        raise CliError("--cluster needs --json FOLDER: the reports and the batch index go there, "
                       "and a rerun skips the videos they show finished")
    if importlib.util.find_spec("distributed") is None:
        raise CliError("--cluster needs Dask distributed: pip install 'crossgrain[cluster]'")

    settings = Settings(axis, args.causal, args.technique)
    engine = engine_identity()
    folder = Path(args.json) if len(planned) > 1 else Path(args.json).parent
    folder.mkdir(parents=True, exist_ok=True)
    planned = [(video, {kind: Path(p) for kind, p in outputs.items() if p and kind in ("json", "csv")})
               for video, outputs in planned]
    rows, todo = plan(planned, index.read_rows(folder), engine, settings)
    ordered = lambda: [rows[video] for video, _ in planned]  # noqa: E731
    texts: dict[Path, str] = {}
    bar = ProgressBar(f"{len(todo)} videos on the cluster")
    progress = {"done": 0, "index_written": time.monotonic()}

    def on_outcome(work: Work, outcome) -> None:
        error = outcome.error
        if error is None and outcome.engine != engine:
            error = (f"{work.video}: worker {outcome.worker} runs {outcome.engine!r}, this command {engine!r}: "
                     "install the same crossgrain on every machine")
        if error is not None:
            rows[work.video].update(status="failed", error=error)
        else:
            rows[work.video].update(status="analysed", error=None, **write_outputs(work, outcome.report),
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
    finally:
        bar.finish()
        for row in rows.values():
            if row["status"] == "pending":
                row.update(status="failed", error=f"{row['video']}: not analysed (the batch was stopped)")
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
    return EXIT_USAGE if counts["failed"] else 0


def write_outputs(work: Work, report) -> dict:
    """The report's files, as the local path writes them; their hashes let a rerun trust them."""
    written = {}
    for kind, path in work.outputs.items():
        index.write_atomically(path, report.to_json() if kind == "json" else report.to_csv())
        written[kind] = {"path": str(path), "sha256": file_sha256(path)}
    return {"outputs": written, "report": str(work.outputs["json"])}
