"""Sessions in SQLite, in the user's data folder: the storage adapter (it decides nothing).

Why this shape:
- One transaction a save (the session row and its frames together), WAL journal,
  synchronous=FULL: a crash or kill mid-save rolls that save back and keeps every
  earlier one; there is never a session without its frames.
- ``PRAGMA user_version`` numbers the schema; MIGRATIONS take any older file (or an
  empty one) to the newest, each step in its own transaction.
- secure_delete: a deleted session's bytes are overwritten, not left in free pages.
- Each session has a uid, so an import merges exports without duplicating sessions.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import tempfile
import uuid
import zipfile
import zlib
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

from .record import RecordError, SessionRecord, compress_frames, record_from_report

DATA_DIR_ENV = "CROSSGRAIN_DATA_DIR"
DB_NAME = "history.sqlite3"
EXPORT_DB = "history.sqlite3"
EXPORT_JSON = "sessions.json"
EXPORT_CSV = "sessions.csv"
LATEST_VERSION = 3


class StoreError(Exception):
    """The history cannot be read or written as asked (one line for the user)."""


def data_dir() -> Path:
    """CROSSGRAIN_DATA_DIR if set, else the platform's user data folder for CrossGrain."""
    if override := os.environ.get(DATA_DIR_ENV):
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("crossgrain", appauthor=False))


def default_db_path() -> Path:
    return data_dir() / DB_NAME


# --------------------------------------------------------------------------- schema and migrations

def _to_v1(conn: sqlite3.Connection) -> None:
    """Schema 1 (the first release): one table, the whole report compressed in the row."""
    conn.execute("""CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        technique TEXT NOT NULL,
        duration_s REAL NOT NULL,
        score INTEGER,
        report_json_z BLOB)""")


def _to_v2(conn: sqlite3.Connection) -> None:
    """Schema 2: uid, foot, figures, pain and tingling as columns; frames in a table of their own."""
    for column in ("uid TEXT", "foot TEXT CHECK (foot IN ('left', 'right'))", "progress REAL", "good_s REAL",
                   "rate_per_min REAL", "longest_hold_s REAL",
                   "pain_before INTEGER CHECK (pain_before BETWEEN 0 AND 10)",
                   "pain_after INTEGER CHECK (pain_after BETWEEN 0 AND 10)",
                   "tingling INTEGER NOT NULL DEFAULT 0", "source TEXT NOT NULL DEFAULT ''",
                   "video_path TEXT", "n_frames INTEGER NOT NULL DEFAULT 0"):
        conn.execute(f"ALTER TABLE sessions ADD COLUMN {column}")
    conn.execute("""CREATE TABLE session_frames (
        session_id INTEGER PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
        frames_json_z BLOB NOT NULL)""")
    rows = conn.execute("SELECT id, at, report_json_z FROM sessions").fetchall()
    for session_id, at, blob in rows:
        try:  # a damaged old report keeps its row (time, technique, score), without frames
            report = _decompress_json(blob) if blob else {"frames": []}
            rec = record_from_report(report, at=_parse_at(at))
        except (zlib.error, ValueError, TypeError):  # RecordError is a ValueError
            report, rec = {}, None
        if rec is None:
            frames_z, n, figures = compress_frames([]), 0, (None, None, None, None)
        else:
            frames_z, n = rec.frames_json_z, rec.n_frames
            figures = (rec.progress, rec.good_s, rec.rate_per_min, rec.longest_hold_s)
        conn.execute("UPDATE sessions SET uid = ?, progress = ?, good_s = ?, rate_per_min = ?, longest_hold_s = ?,"
                     " n_frames = ?, source = ? WHERE id = ?",
                     (uuid.uuid4().hex, *figures, n, (report.get("source") or ""), session_id))
        conn.execute("INSERT INTO session_frames VALUES (?, ?)", (session_id, frames_z))
    conn.execute("ALTER TABLE sessions DROP COLUMN report_json_z")
    conn.execute("CREATE UNIQUE INDEX sessions_uid ON sessions(uid)")
    conn.execute("CREATE INDEX sessions_at ON sessions(at)")


def _to_v3(conn: sqlite3.Connection) -> None:
    """Schema 3: saved demonstrations ("references", vision/history/references.py) beside the sessions.

    A demonstration is its report (frames and all, zlib-compressed JSON) and, only when the therapist
    chose to keep it, its clip in a table of its own (so listing never reads videos). Names are unique
    whatever their case (``name_key`` is the casefolded name).
    """
    conn.execute("""CREATE TABLE demonstrations (
        id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        name_key TEXT NOT NULL UNIQUE,
        technique TEXT,
        foot_axis_deg REAL NOT NULL,
        created TEXT NOT NULL,
        source TEXT NOT NULL DEFAULT '',
        duration_s REAL NOT NULL,
        report_json_z BLOB NOT NULL,
        video_suffix TEXT)""")
    conn.execute("""CREATE TABLE demonstration_videos (
        demonstration_id INTEGER PRIMARY KEY REFERENCES demonstrations(id) ON DELETE CASCADE,
        video BLOB NOT NULL)""")


MIGRATIONS = {1: _to_v1, 2: _to_v2, 3: _to_v3}  # version reached -> step from the version before


def _decompress_json(blob: bytes):
    return json.loads(zlib.decompress(blob))


def _parse_at(text: str) -> datetime:
    at = datetime.fromisoformat(text)
    return at if at.tzinfo else at.replace(tzinfo=timezone.utc)


# --------------------------------------------------------------------------- the store

COLUMNS = ("id", "uid", "at", "technique", "foot", "duration_s", "score", "progress", "good_s", "rate_per_min",
           "longest_hold_s", "pain_before", "pain_after", "tingling", "source", "video_path", "n_frames")


class Store:
    """The history database at ``path`` (created, or migrated to the newest schema, on opening)."""

    def __init__(self, path: str | Path | None = None, *, target_version: int = LATEST_VERSION):
        self.path = Path(path) if path is not None else default_db_path()
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot make the history folder {self.path.parent}: {exc.strerror or exc}") from None
        try:
            self.conn = sqlite3.connect(self.path, timeout=10.0, isolation_level=None)
            self.conn.execute("PRAGMA journal_mode=WAL")
            for pragma in ("synchronous=FULL", "foreign_keys=ON", "secure_delete=ON"):
                self.conn.execute(f"PRAGMA {pragma}")
            self.migrate(target_version)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a CrossGrain history database ({exc})") from None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.conn.close()

    @property
    def version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def migrate(self, target_version: int = LATEST_VERSION) -> None:
        """Step the schema up to ``target_version``, one transaction a step."""
        version = self.version
        if version > LATEST_VERSION:
            raise StoreError(f"{self.path}: written by a newer CrossGrain (schema {version}; this one knows "
                             f"up to {LATEST_VERSION})")
        while version < target_version:
            with self._transaction():
                if self.version != version:  # another process migrated meanwhile
                    version = self.version
                    continue
                MIGRATIONS[version + 1](self.conn)
                self.conn.execute(f"PRAGMA user_version = {version + 1}")
            version += 1

    def _transaction(self):
        return _Transaction(self.conn)

    # ----------------------------------------------------------------------- writing

    def save(self, rec: SessionRecord) -> SessionRecord:
        """Keep one session: its row and its frames in one transaction. Returns it with id and uid."""
        rec = rec if rec.uid else replace(rec, uid=uuid.uuid4().hex)
        try:
            with self._transaction():
                session_id = self._insert_within(rec)
        except sqlite3.Error as exc:  # disk full, locked too long, read-only file: nothing was kept
            raise StoreError(f"{self.path}: the session could not be saved ({exc})") from None
        return self.get(session_id)

    def keep(self, rec: SessionRecord) -> tuple[SessionRecord, str]:
        """Save the session named by ``rec.uid`` once: "added"; kept before with the same row and frames:
        "unchanged"; kept before with other figures (a newer engine, other answers): "updated" in place,
        keeping its id. One transaction. For sessions with a uid of their own, such as a batch's videos
        (vision/batch/command.py), so a rerun keeps no duplicate."""
        if not rec.uid:
            raise StoreError("keep() needs a session with its uid")
        try:
            with self._transaction():
                found = self.conn.execute(f"SELECT {', '.join(COLUMNS)} FROM sessions WHERE uid = ?",
                                          (rec.uid,)).fetchone()
                if found is None:
                    session_id, status = self._insert_within(rec), "added"
                else:
                    old = self._record(found, with_frames=True)
                    session_id = old.id
                    if replace(old, id=None) == replace(rec, id=None):
                        status = "unchanged"
                    else:
                        self.conn.execute(
                            f"UPDATE sessions SET {', '.join(f'{c} = ?' for c in COLUMNS[2:])} WHERE id = ?",
                            (*self._values(rec)[1:], session_id))
                        self.conn.execute("UPDATE session_frames SET frames_json_z = ? WHERE session_id = ?",
                                          (rec.frames_json_z, session_id))
                        status = "updated"
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: the session could not be saved ({exc})") from None
        return self.get(session_id), status

    def delete(self, session_id: int) -> bool:
        with self._transaction():
            gone = self.conn.execute("DELETE FROM sessions WHERE id = ?", (session_id,)).rowcount
        self._checkpoint()
        return bool(gone)

    def delete_all(self) -> int:
        with self._transaction():
            gone = self.conn.execute("DELETE FROM sessions").rowcount
        self._checkpoint()
        return gone

    def _checkpoint(self) -> None:
        """Fold the WAL into the database so deleted bytes do not linger in the journal."""
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    # ----------------------------------------------------------------------- reading

    def sessions(self, with_frames: bool = False) -> list[SessionRecord]:
        """Every session, oldest first."""
        rows = self.conn.execute(f"SELECT {', '.join(COLUMNS)} FROM sessions ORDER BY at, id").fetchall()
        return [self._record(row, with_frames) for row in rows]

    def get(self, session_id: int, with_frames: bool = True) -> SessionRecord | None:
        row = self.conn.execute(f"SELECT {', '.join(COLUMNS)} FROM sessions WHERE id = ?", (session_id,)).fetchone()
        return None if row is None else self._record(row, with_frames)

    def _record(self, row: tuple, with_frames: bool) -> SessionRecord:
        d = dict(zip(COLUMNS, row))
        frames_z = b""
        if with_frames:
            found = self.conn.execute("SELECT frames_json_z FROM session_frames WHERE session_id = ?",
                                      (d["id"],)).fetchone()
            frames_z = found[0] if found else b""
        return SessionRecord(at=_parse_at(d.pop("at")).astimezone(), tingling=bool(d.pop("tingling")),
                             frames_json_z=frames_z, **d)

    # ----------------------------------------------------------------------- export / import

    def export_zip(self, out: str | Path) -> int:
        """Write OUT.zip: a copy of the database, sessions.json (with frames) and sessions.csv.

        Written beside ``out`` and renamed into place, so a failed export leaves no half file.
        Returns the number of sessions.
        """
        out = Path(out)
        if out.is_dir():
            raise StoreError(f"{out}: is a folder; give a file name such as crossgrain-history.zip")
        if not out.parent.exists():
            raise StoreError(f"{out.parent}: no such folder")
        records = self.sessions(with_frames=True)
        with tempfile.TemporaryDirectory(dir=out.parent, prefix=".crossgrain-export-") as tmp:
            db_copy = Path(tmp) / EXPORT_DB
            target = sqlite3.connect(db_copy)
            with target:
                self.conn.backup(target)
            target.execute("PRAGMA journal_mode=DELETE")
            _drop_demonstrations(target)
            target.close()
            part = Path(tmp) / "export.zip"
            with zipfile.ZipFile(part, "w", zipfile.ZIP_DEFLATED) as z:
                z.write(db_copy, EXPORT_DB)
                z.writestr(EXPORT_JSON, json.dumps(
                    {"schema": "crossgrain.history/1",
                     "sessions": [{**r.summary(), "frames": r.frames()} for r in records]}, indent=1))
                z.writestr(EXPORT_CSV, sessions_csv(records))
            os.replace(part, out)
        return len(records)

    def import_zip(self, path: str | Path) -> tuple[int, int]:
        """Add the sessions of an export that are not here yet (by uid), in one transaction.

        Returns (added, already here).
        """
        path = Path(path)
        if not path.is_file():
            raise StoreError(f"{path}: no such file")
        try:
            with zipfile.ZipFile(path) as z, tempfile.TemporaryDirectory(prefix="crossgrain-import-") as tmp:
                if EXPORT_DB not in z.namelist():
                    raise StoreError(f"{path}: not a CrossGrain history export (no {EXPORT_DB} inside)")
                z.extract(EXPORT_DB, tmp)
                with Store(Path(tmp) / EXPORT_DB) as other:
                    incoming = other.sessions(with_frames=True)
        except zipfile.BadZipFile:
            raise StoreError(f"{path}: not a zip file") from None
        except (sqlite3.Error, RecordError, ValueError) as exc:
            raise StoreError(f"{path}: its history cannot be read ({exc})") from None
        known = {row[0] for row in self.conn.execute("SELECT uid FROM sessions")}
        added = 0
        with self._transaction():
            for rec in incoming:
                if rec.uid in known:
                    continue
                self._insert_within(rec)
                known.add(rec.uid)
                added += 1
        return added, len(incoming) - added

    def _insert_within(self, rec: SessionRecord) -> int:
        """Insert a session's row and its frames (the caller holds the transaction); returns its id."""
        cur = self.conn.execute(
            f"INSERT INTO sessions ({', '.join(COLUMNS[1:])}) VALUES ({', '.join('?' * (len(COLUMNS) - 1))})",
            self._values(rec))
        self.conn.execute("INSERT INTO session_frames VALUES (?, ?)", (cur.lastrowid, rec.frames_json_z))
        return cur.lastrowid


    @staticmethod
    def _values(rec: SessionRecord) -> tuple:
        """The row's values in COLUMNS' order, without the id."""
        return (rec.uid, rec.at.astimezone(timezone.utc).isoformat(), rec.technique, rec.foot, rec.duration_s,
                rec.score, rec.progress, rec.good_s, rec.rate_per_min, rec.longest_hold_s, rec.pain_before,
                rec.pain_after, int(rec.tingling), rec.source, rec.video_path, rec.n_frames)


def _drop_demonstrations(conn: sqlite3.Connection) -> None:
    """A history export holds sessions only: saved demonstrations (and any clip kept with one) are
    exported one by one, on purpose (`crossgrain reference export`), never inside the history's zip."""
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "demonstrations" in tables:
        with conn:
            conn.execute("DELETE FROM demonstration_videos")
            conn.execute("DELETE FROM demonstrations")
        conn.execute("VACUUM")


CSV_FIELDS = ("id", "time", "technique", "foot", "score", "progress", "duration_s", "good_s", "rate_per_min",
              "longest_hold_s", "pain_before", "pain_after", "tingling", "source", "frames")


def sessions_csv(records: list[SessionRecord]) -> str:
    """One row a session, for a spreadsheet."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_FIELDS, extrasaction="ignore")
    writer.writeheader()
    for r in records:
        row = r.summary()
        writer.writerow({k: ("" if row[k] is None else row[k]) for k in CSV_FIELDS})
    return buf.getvalue()


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any error (the connection is in autocommit mode)."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def __enter__(self):
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            try:
                self.conn.execute("COMMIT")
            except sqlite3.Error:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise
        elif self.conn.in_transaction:  # SQLite may already have rolled back (disk full): keep the first error
            self.conn.execute("ROLLBACK")
        return False
