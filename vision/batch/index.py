"""The batch index: one row a video (what it is, how it went, its key figures), as JSON and CSV.

The JSON keeps everything a rerun needs to skip finished work (vision/batch/resume.py);
the CSV is the table a clinic opens in a spreadsheet. Both are replaced whole,
through a temporary file, so a batch stopped at any moment leaves a readable index.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from pathlib import Path

INDEX_SCHEMA = "crossgrain.batch-index/1"
JSON_NAME = "batch-index.json"
CSV_NAME = "batch-index.csv"
STATUSES = ("analysed", "skipped", "failed")  # skipped: finished by an earlier run, report kept

CSV_COLUMNS = ("video", "status", "technique", "score", "progress", "duration_s", "hand_found_fraction",
               "cross_grain_share", "holds", "longest_hold_s", "segments", "error", "report", "sha256", "engine")


def figures_of(report) -> dict:
    """A report's key figures for the index: technique, score, time, hand coverage, holds."""
    s = report.summary
    coaching = report.coaching or {}
    return {
        "technique": report.technique,
        "score": coaching.get("score"),
        "progress": coaching.get("progress"),
        "duration_s": round(report.duration_s, 3),
        "frames": s.get("frames"),
        "hand_found_fraction": s.get("hand_found_fraction"),
        "cross_grain_share": s.get("cross_grain_share"),
        "holds": s.get("holds"),
        "longest_hold_s": s.get("longest_hold_s"),
        "segments": len(report.segments),
    }


def index_paths(folder: Path) -> tuple[Path, Path]:
    return folder / JSON_NAME, folder / CSV_NAME


def read_rows(folder: Path) -> dict[str, dict]:
    """The previous run's rows by the video's absolute path; none when there is no readable index."""
    path = index_paths(folder)[0]
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("schema") != INDEX_SCHEMA:
        return {}
    return {row["path"]: row for row in data.get("videos", []) if isinstance(row, dict) and "path" in row}


def to_json(rows: list[dict], engine: str) -> str:
    return json.dumps({"schema": INDEX_SCHEMA, "engine": engine, "videos": rows}, indent=1)


def to_csv(rows: list[dict]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if row.get(k) is None else row.get(k) for k in CSV_COLUMNS})
    return buf.getvalue()


def write_index(folder: Path, rows: list[dict], engine: str) -> tuple[Path, Path]:
    json_path, csv_path = index_paths(folder)
    write_atomically(json_path, to_json(rows, engine))
    write_atomically(csv_path, to_csv(rows))
    return json_path, csv_path


def write_atomically(path: Path, text: str) -> None:
    """Write beside the target, then rename: readers see the old file or the new one, never half."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
        os.chmod(tmp, 0o666 & ~_umask())  # as a plain open() would have made it
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
