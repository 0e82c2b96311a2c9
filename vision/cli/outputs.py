"""Where each video's outputs go, checked before any analysis starts.

A run that would fail to write its results must fail at once, not after
minutes of work: missing or unwritable folders, a file where a folder is
needed, an output that is one of the inputs (it would destroy the video), two
outputs on one path, an annotated video of a type the writer cannot make.
Several videos write into folders, one distinct name each: ``a/clip.mp4`` and
``b/clip.mp4`` (or ``clip.mp4`` and ``clip.mov``) never share a report.
"""

from __future__ import annotations

import os
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..io.atomic import is_special_file
from .common import CliError

ANNOTATED_SUFFIXES = (".mp4", ".m4v", ".mov")  # H.264 in an MP4-family container
KINDS = (("json", ".json"), ("csv", ".csv"), ("annotated", ".annotated.mp4"), ("html", ".html"))


@dataclass(frozen=True)
class Job:
    """One video and the paths its outputs go to (None: not asked for)."""

    video: Path
    outputs: dict[str, Path] = field(default_factory=dict)  # kind -> target


def plan_jobs(videos: list[Path], options: dict[str, str | None]) -> list[Job]:
    """One Job per video; raises CliError naming the option and the problem."""
    many = len(videos) > 1
    names = distinct_stems(videos) if many else {videos[0]: videos[0].stem}
    jobs = [Job(v, {}) for v in videos]
    for kind, suffix in KINDS:
        option = options.get(kind)
        if option is None:
            continue
        flag = f"--{kind}"
        out = Path(option)
        if kind == "annotated" and not (many or out.is_dir()) and out.suffix.lower() not in ANNOTATED_SUFFIXES:
            raise CliError(f"{flag} {out}: the annotated video is H.264 MP4: name it "
                           f"{' or '.join(ANNOTATED_SUFFIXES)}")
        if many:
            folder = _output_folder(out, flag)
            for job in jobs:
                job.outputs[kind] = folder / f"{names[job.video]}{suffix}"
        else:
            target = out / f"{names[videos[0]]}{suffix}" if out.is_dir() else out
            _check_target(target, flag)
            jobs[0].outputs[kind] = target
    _refuse_clashes(jobs)
    return jobs


def distinct_stems(videos: list[Path]) -> dict[Path, str]:
    """A file-name stem per video, distinct within the batch: the stem; the name with its
    extension when stems clash; then parent folders in front until all differ."""
    stems = {v: v.stem for v in videos}
    for depth in range(0, 64):
        counts = Counter(stems.values())
        clashing = [v for v in videos if counts[stems[v]] > 1]
        if not clashing:
            return stems
        for v in clashing:
            parts = v.resolve().parts[:-1][-depth:] if depth else ()
            stems[v] = "__".join([*parts, v.name])
    raise CliError("cannot give the videos distinct output names")  # the same file twice


def _output_folder(out: Path, flag: str) -> Path:
    if out.exists() and not out.is_dir():
        raise CliError(f"{flag} {out}: is a file; with several videos {flag} names a folder")
    if not out.exists():
        if not out.parent.is_dir():
            raise CliError(f"{flag} {out}: folder {out.parent} does not exist")
        try:
            out.mkdir()
        except OSError as exc:
            raise CliError(f"{flag} {out}: cannot create the folder ({exc.strerror or exc})") from None
    _check_folder(out, flag, out)
    return out


def _check_target(target: Path, flag: str) -> None:
    """One video's output file: a path in a writable folder, or a device/FIFO (written directly)."""
    if is_special_file(target):
        return  # /dev/stdout, a FIFO
    if target.is_dir():
        raise CliError(f"{flag} {target}: is a folder")
    _check_folder(target.parent, flag, target)


def _check_folder(folder: Path, flag: str, target: Path) -> None:
    """The folder exists and a file can be created in it (root ignores mode bits: try it)."""
    if not folder.exists():
        raise CliError(f"{flag} {target}: folder {folder} does not exist")
    if not folder.is_dir():
        raise CliError(f"{flag} {target}: {folder} is not a folder")
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise CliError(f"{flag} {target}: cannot write in folder {folder} ({exc.strerror or exc})") from None


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.abspath(a) == os.path.abspath(b)


def _refuse_clashes(jobs: list[Job]) -> None:
    videos = [job.video for job in jobs]
    seen: dict[str, str] = {}
    for job in jobs:
        for kind, target in job.outputs.items():
            if is_special_file(target):
                continue
            for video in videos:
                if _same_file(target, video):
                    raise CliError(f"--{kind} {target}: is the input video {video}; it would be overwritten")
            key = os.path.abspath(target)
            if key in seen:
                raise CliError(f"--{kind} {target}: also the output of {seen[key]}; give them different paths")
            seen[key] = f"--{kind} for {job.video}"
