"""Saved demonstrations ("references"): a folder of files each, exportable as one file.

Layout, under the user's data folder (``CROSSGRAIN_DATA_DIR``, else
``$XDG_DATA_HOME/crossgrain``, else ``~/.local/share/crossgrain``)::

    references/<slug>/reference.json   name, technique, foot axis, when, source, video file or null
    references/<slug>/report.json      the demonstration's report (crossgrain.report/1), frames and all
    references/<slug>/video.mp4        only if the therapist chose to keep the clip

An export is a zip of those files (``.crossgrain-ref``), so a therapist can
hand one file to a patient; import checks it before anything is written.
Folders are written under a temporary name and renamed, so a crash never
leaves half a reference.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import time
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path

from ..core.report import Report
from .report_json import ReportFormatError, load_report, report_from_dict

META = "reference.json"
REPORT = "report.json"
META_SCHEMA = "crossgrain.reference/1"
EXPORT_SUFFIX = ".crossgrain-ref"
NAME_RE = re.compile(r"^\w[\w .,'()&+-]{0,63}$")  # the folder's name is a slug of it
MAX_IMPORT_BYTES = 2 * 1024**3


class ReferenceError(Exception):
    """A one-line message: unknown or duplicate name, bad file."""


@dataclass(frozen=True)
class Reference:
    name: str
    technique: str | None
    foot_axis_deg: float
    created: str  # ISO 8601, UTC
    source: str  # the demonstration video's name
    duration_s: float
    video: str | None  # file name inside the folder, when the clip was kept
    folder: Path

    def report(self) -> Report:
        return load_report(self.folder / REPORT)

    @property
    def video_path(self) -> Path | None:
        return self.folder / self.video if self.video else None


def data_dir() -> Path:
    env = os.environ.get("CROSSGRAIN_DATA_DIR")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_DATA_HOME")
    return (Path(xdg) if xdg else Path.home() / ".local" / "share") / "crossgrain"


def references_dir(root: Path | None = None) -> Path:
    return (root or data_dir()) / "references"


def check_name(name: str) -> str:
    name = name.strip()
    if not NAME_RE.match(name):
        raise ReferenceError(f"reference name {name!r} must be 1-64 letters, digits, spaces or "
                             "- _ . , ' ( ) & +, starting with a letter or digit")
    return name


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9._-]+", "-", name.lower()).strip("-.") or "reference"


def _read_meta(folder: Path) -> Reference:
    d = json.loads((folder / META).read_text())
    return Reference(name=d["name"], technique=d.get("technique"), foot_axis_deg=float(d["foot_axis_deg"]),
                     created=d["created"], source=d["source"], duration_s=float(d["duration_s"]),
                     video=d.get("video"), folder=folder)


def _meta_dict(ref: Reference) -> dict:
    d = asdict(ref)
    d.pop("folder")
    return {"schema": META_SCHEMA, **d}


def list_references(root: Path | None = None) -> list[Reference]:
    """Every readable reference, by name. Folders that are not references (or half-written) are skipped."""
    base = references_dir(root)
    found = []
    if base.is_dir():
        for folder in sorted(base.iterdir()):
            if folder.is_dir() and not folder.name.startswith(".") and (folder / META).is_file():
                try:
                    found.append(_read_meta(folder))
                except (OSError, ValueError, KeyError):
                    continue
    return sorted(found, key=lambda r: r.name.lower())


def get_reference(name: str, root: Path | None = None) -> Reference:
    for ref in list_references(root):
        if ref.name.lower() == name.strip().lower():
            return ref
    known = ", ".join(r.name for r in list_references(root)) or "none saved yet"
    raise ReferenceError(f"no reference named {name!r} (saved: {known})")


def _install(staging: Path, name: str, root: Path | None) -> Path:
    """Move a complete staging folder into place under the name's slug; refuse a name already taken."""
    base = references_dir(root)
    if any(r.name.lower() == name.lower() for r in list_references(root)):
        raise ReferenceError(f"a reference named {name!r} already exists; choose another name")
    target = base / slug(name)
    k = 2
    while target.exists():
        target = base / f"{slug(name)}-{k}"
        k += 1
    staging.rename(target)
    return target


def _staging(root: Path | None) -> Path:
    base = references_dir(root)
    base.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=".staging-", dir=base))


def add_reference(name: str, report: Report, video: str | Path | None = None, technique: str | None = None,
                  root: Path | None = None) -> Reference:
    """Save ``report`` as the reference ``name``; copy ``video`` into it only when given."""
    name = check_name(name)
    if any(r.name.lower() == name.lower() for r in list_references(root)):
        raise ReferenceError(f"a reference named {name!r} already exists; choose another name")
    staging = _staging(root)
    try:
        report.write_json(staging / REPORT)
        video_name = None
        if video is not None:
            video = Path(video)
            video_name = "video" + video.suffix.lower()
            shutil.copyfile(video, staging / video_name)
        ref = Reference(name=name, technique=technique or report.technique, foot_axis_deg=report.foot_axis_deg,
                        created=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), source=report.source,
                        duration_s=report.duration_s, video=video_name, folder=staging)
        (staging / META).write_text(json.dumps(_meta_dict(ref), indent=1))
        folder = _install(staging, name, root)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return _read_meta(folder)


def export_reference(name: str, out: str | Path, root: Path | None = None) -> Path:
    """Write the reference as one zip file (its folder's files)."""
    ref = get_reference(name, root)
    out = Path(out)
    if out.is_dir():
        out = out / f"{slug(ref.name)}{EXPORT_SUFFIX}"
    tmp = out.with_name(f".{out.name}.tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for member in (META, REPORT) + ((ref.video,) if ref.video else ()):
            z.write(ref.folder / member, member)
    os.replace(tmp, out)
    return out


def import_reference(path: str | Path, name: str | None = None, root: Path | None = None) -> Reference:
    """Add the reference in an exported file (optionally under another name); checked before it is saved."""
    path = Path(path)
    try:
        z = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise ReferenceError(f"{path}: not an exported reference ({exc})") from None
    with z:
        members = {i.filename: i for i in z.infolist()}
        if META not in members or REPORT not in members:
            raise ReferenceError(f"{path}: not an exported reference (no {META} or {REPORT} inside)")
        if sum(i.file_size for i in members.values()) > MAX_IMPORT_BYTES:
            raise ReferenceError(f"{path}: too large to be a reference")
        try:
            meta = json.loads(z.read(META))
            report_from_dict(json.loads(z.read(REPORT)))
        except (ValueError, ReportFormatError) as exc:
            raise ReferenceError(f"{path}: damaged reference ({exc})") from None
        video = meta.get("video")
        if video is not None and (video not in members or "/" in video or "\\" in video or video.startswith(".")):
            raise ReferenceError(f"{path}: damaged reference (video {video!r} missing)")
        new_name = check_name(name or str(meta.get("name", "")))
        staging = _staging(root)
        try:
            for member in (REPORT,) + ((video,) if video else ()):
                with z.open(member) as src, open(staging / member, "wb") as dst:
                    shutil.copyfileobj(src, dst)
            meta["name"] = new_name
            (staging / META).write_text(json.dumps(meta, indent=1))
            _read_meta(staging)
            folder = _install(staging, new_name, root)
        except (KeyError, ValueError) as exc:
            shutil.rmtree(staging, ignore_errors=True)
            raise ReferenceError(f"{path}: damaged reference ({exc})") from None
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    return _read_meta(folder)


def load_reference_or_report(spec: str, root: Path | None = None) -> tuple[Report, Path | None]:
    """A saved reference's name, or a report JSON file: (report, the demonstration's kept video or None)."""
    p = Path(spec)
    if p.is_file():
        try:
            return load_report(p), None
        except ReportFormatError as exc:
            raise ReferenceError(str(exc)) from None
    ref = get_reference(spec, root)
    return ref.report(), ref.video_path
