"""Saved demonstrations ("references") in the history database: the SQLite side (it decides nothing).

Schema 3 (store.py ``_to_v3``): ``demonstrations`` holds one row a demonstration
(name, technique, foot axis, when, source, length, the report as zlib-compressed
JSON); ``demonstration_videos`` holds the clip, only when the therapist chose to
keep it. A demonstration and its clip are written in one transaction: a crash or
a full disk keeps every earlier one and leaves no half demonstration. The clip is
streamed in and out in chunks (``blobopen``), so a long video is never held twice
in memory.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import uuid
import zlib
from dataclasses import dataclass
from pathlib import Path

from .store import Store, StoreError

CHUNK = 1 << 20
COLUMNS = ("id", "uid", "name", "technique", "foot_axis_deg", "created", "source", "duration_s", "video_suffix")


@dataclass(frozen=True)
class DemonstrationRow:
    id: int
    uid: str
    name: str
    technique: str | None
    foot_axis_deg: float
    created: str  # ISO 8601, UTC
    source: str
    duration_s: float
    video_suffix: str | None  # ".mp4" when the clip was kept, else None


def name_key(name: str) -> str:
    return name.strip().casefold()


def rows(store: Store) -> list[DemonstrationRow]:
    found = store.conn.execute(f"SELECT {', '.join(COLUMNS)} FROM demonstrations").fetchall()
    return sorted((DemonstrationRow(*r) for r in found), key=lambda r: r.name.casefold())


def find(store: Store, name: str) -> DemonstrationRow | None:
    r = store.conn.execute(f"SELECT {', '.join(COLUMNS)} FROM demonstrations WHERE name_key = ?",
                           (name_key(name),)).fetchone()
    return None if r is None else DemonstrationRow(*r)


def report_dict(store: Store, demonstration_id: int) -> dict:
    blob = store.conn.execute("SELECT report_json_z FROM demonstrations WHERE id = ?",
                              (demonstration_id,)).fetchone()
    if blob is None:
        raise StoreError(f"demonstration {demonstration_id} is gone")
    return json.loads(zlib.decompress(blob[0]))


def video_size(store: Store, demonstration_id: int) -> int | None:
    r = store.conn.execute("SELECT length(video) FROM demonstration_videos WHERE demonstration_id = ?",
                           (demonstration_id,)).fetchone()
    return None if r is None else int(r[0])


def write_video(store: Store, demonstration_id: int, out) -> bool:
    """Copy the kept clip into the binary file object ``out``; False when no clip was kept."""
    r = store.conn.execute("SELECT rowid FROM demonstration_videos WHERE demonstration_id = ?",
                           (demonstration_id,)).fetchone()
    if r is None:
        return False
    with store.conn.blobopen("demonstration_videos", "video", r[0], readonly=True) as blob:
        while chunk := blob.read(CHUNK):
            out.write(chunk)
    return True


def insert(store: Store, *, name: str, technique: str | None, foot_axis_deg: float, created: str, source: str,
           duration_s: float, report: dict, video: Path | None = None, video_suffix: str | None = None,
           uid: str | None = None) -> DemonstrationRow:
    """One demonstration (and its clip, when given) in one transaction. StoreError when the name is taken."""
    report_z = zlib.compress(json.dumps(report, separators=(",", ":")).encode(), 6)
    size = video.stat().st_size if video is not None else None
    try:
        with store._transaction():
            cur = store.conn.execute(
                "INSERT INTO demonstrations (uid, name, name_key, technique, foot_axis_deg, created, source, "
                "duration_s, report_json_z, video_suffix) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (uid or uuid.uuid4().hex, name.strip(), name_key(name), technique, float(foot_axis_deg), created,
                 source or "", float(duration_s), report_z, (video_suffix or video.suffix.lower()) if video else None))
            if video is not None:
                vcur = store.conn.execute("INSERT INTO demonstration_videos VALUES (?, zeroblob(?))",
                                          (cur.lastrowid, size))
                with store.conn.blobopen("demonstration_videos", "video", vcur.lastrowid) as blob, \
                        open(video, "rb") as src:
                    shutil.copyfileobj(src, blob, CHUNK)
            new_id = cur.lastrowid
    except sqlite3.IntegrityError as exc:
        if "name_key" in str(exc):
            raise StoreError(f"a reference named {name.strip()!r} already exists; choose another name") from None
        raise StoreError(f"{store.path}: the demonstration could not be saved ({exc})") from None
    except sqlite3.Error as exc:  # disk full, locked too long, too big a clip: nothing was kept
        raise StoreError(f"{store.path}: the demonstration could not be saved ({exc})") from None
    return next(r for r in rows(store) if r.id == new_id)


def delete(store: Store, name: str) -> bool:
    with store._transaction():
        gone = store.conn.execute("DELETE FROM demonstrations WHERE name_key = ?", (name_key(name),)).rowcount
    store._checkpoint()
    return bool(gone)
