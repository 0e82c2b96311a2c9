"""`crossgrain axis IMAGE_OR_VIDEO [--json OUT]`: the foot's axis found in a picture or a video's first seconds.

Prints the axis as a screen angle (design.md), heel and toes where found, and
the confidence, or "unsure". Exit 0 whether sure or not; 2 on bad input.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from ..io.atomic import atomic_write_text
from .common import CliError

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff")


def register(sub) -> None:
    p = sub.add_parser("axis", help="find the foot's heel-to-toes axis in a photo or a video",
                       description="Find the foot's heel-to-toes axis (a screen angle, degrees counter-clockwise "
                                   "from the picture's x axis) in a photo, or in a video's first seconds.")
    p.add_argument("source", help="a photo (jpg, png, ...) or a video")
    p.add_argument("--json", metavar="OUT", help="write the result as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..axis.estimate import estimate_axis

    path = Path(args.source)
    if not path.exists():
        raise CliError(f"{path}: no such file")
    if path.is_dir():
        raise CliError(f"{path}: is a folder, not a photo or video")
    if path.suffix.lower() in IMAGE_SUFFIXES:
        rgb = read_image(path)
        result = estimate_axis(rgb, find_hands(rgb)).to_json()
        result.update(source=path.name, kind="image", width=rgb.shape[1], height=rgb.shape[0])
    else:
        result = video_axis(path)
    print(format_result(result))
    if args.json:
        try:
            atomic_write_text(args.json, json.dumps(result, indent=1) + "\n")  # whole or not at all
        except OSError as exc:
            raise CliError(f"{args.json}: cannot write ({exc.strerror})") from None
    return 0


def read_image(path: Path) -> np.ndarray:
    """The photo as RGB, upright as a browser shows it (cv2.imread honours EXIF orientation)."""
    import cv2

    if path.stat().st_size == 0:
        raise CliError(f"{path}: the file is empty (0 bytes)")
    bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if bgr is None:
        raise CliError(f"{path}: cannot be read as a picture: not an image, or damaged")
    if min(bgr.shape[:2]) < 16:
        raise CliError(f"{path}: the picture is too small to find a foot in ({bgr.shape[1]}x{bgr.shape[0]} px)")
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def find_hands(rgb: np.ndarray) -> list[np.ndarray]:
    """The hand's landmarks in a photo (to mask it out), or none."""
    from ..io.tracking import HandTracker

    with HandTracker() as tracker:
        obs = tracker.process(rgb, 0.0)
    return [obs.xy] if obs is not None else []


def video_axis(path: Path) -> dict:
    """The consensus of estimates every half second over the video's first seconds (hand masked)."""
    from ..axis.source import judge_first_seconds
    from ..io.video import VideoError

    try:
        result, still, n = judge_first_seconds(path, max_side=960)
    except VideoError as exc:
        raise CliError(str(exc)) from None
    out = result.to_json()
    out.update(source=path.name, kind="video", width=still.rgb.shape[1], height=still.rgb.shape[0],
               frames_judged=n, still_t=still.t)
    return out


def format_result(r: dict) -> str:
    if r["unsure"]:
        line = f"{r['source']}: foot axis unsure ({r['reason']}; confidence {r['confidence']:.2f})"
    else:
        line = f"{r['source']}: foot axis {r['foot_axis_deg']:.0f} deg (confidence {r['confidence']:.2f})"
    points = []
    if r.get("heel_xy"):
        points.append(f"heel at ({r['heel_xy'][0]:.0f}, {r['heel_xy'][1]:.0f})")
    if r.get("toes_xy"):
        points.append(f"toes at ({r['toes_xy'][0]:.0f}, {r['toes_xy'][1]:.0f})")
    if points:
        line += "\n  " + ", ".join(points) + " px"
    elif not r["unsure"]:
        line += "\n  which end is the heel: not sure"
    if r["kind"] == "video":
        line += f"\n  judged on {r['frames_judged']} frames of the first seconds (clearest at {r['still_t']:.1f} s)"
    return line


# --------------------------------------------------------------------------- for `crossgrain analyze`
# The engine takes a FootAxis per frame; these parse the ways a user gives one on the command
# line: --foot-axis DEG | auto, or --heel X,Y --toes X,Y. The lead wires them into analyze.

AUTO = "auto"


def foot_axis_or_auto(text: str):
    """Parse --foot-axis: "auto" (find and follow the foot), or degrees as common.foot_axis takes them."""
    from .common import foot_axis

    return AUTO if text.strip().lower() == AUTO else foot_axis(text)


def image_point(text: str) -> tuple[float, float]:
    """Parse --heel / --toes: "X,Y" in image pixels (x right, y down), finite and not negative."""
    parts = text.replace(" ", "").split(",")
    try:
        if len(parts) != 2:
            raise ValueError
        x, y = float(parts[0]), float(parts[1])
    except ValueError:
        raise argparse.ArgumentTypeError(f"a point is X,Y in pixels, like 320,410; got {text!r}") from None
    if not (np.isfinite(x) and np.isfinite(y)) or x < 0 or y < 0:
        raise argparse.ArgumentTypeError(f"a point must be finite pixels, 0 or more; got {text!r}")
    return x, y


def add_axis_arguments(parser: argparse.ArgumentParser) -> None:
    """--heel X,Y and --toes X,Y (the axis by two points); --foot-axis stays analyze's own option,
    parsed with foot_axis_or_auto."""
    parser.add_argument("--heel", type=image_point, metavar="X,Y", help="the heel's centre in pixels (with --toes)")
    parser.add_argument("--toes", type=image_point, metavar="X,Y", help="the base of the toes in pixels (with --heel)")


def axis_choice(foot_axis=None, heel=None, toes=None):
    """The axis the user asked for: a FootAxis (typed, or drawn from two points), AUTO, or a CliError."""
    from ..core.axis import FootAxis

    if (heel is None) != (toes is None):
        raise CliError("--heel and --toes go together: give both points, or neither")
    if heel is not None:
        if foot_axis is not None:
            raise CliError("give the axis one way: --foot-axis, or --heel and --toes, not both")
        try:
            return FootAxis.from_points(heel, toes)
        except ValueError:
            raise CliError("--heel and --toes are the same point: no axis") from None
    if foot_axis is None:
        raise CliError("the foot axis is needed: --foot-axis DEG, --foot-axis auto, or --heel X,Y --toes X,Y")
    return AUTO if foot_axis == AUTO else FootAxis.typed(foot_axis)
