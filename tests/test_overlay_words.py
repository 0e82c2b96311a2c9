"""What the overlay says and how legibly: no "NO HAND" before the hand is believed, a hold ring and a
"grain" label readable on a light picture."""

from __future__ import annotations

import numpy as np

from vision.core.axis import FootAxis
from vision.core.labels import Label
from vision.core.verdict import FrameVerdict
from vision.io import overlay
from vision.pipeline import FrameResult


def _result(i: int, t: float, label: str) -> FrameResult:
    verdict = FrameVerdict(i=i, t=t, credited_s=1 / 30, label=Label(label), axis=FootAxis.typed(90))
    return FrameResult(None, verdict)


def test_live_overlay_finds_the_hand_before_saying_no_hand():
    painter = overlay.LivePainter("myofascial_hold")
    first = [painter.view(_result(i, i / 30, "no_hand")).label for i in range(3)]
    assert first == [overlay.FINDING] * 3  # the engine has not believed the hand yet: not "no hand"
    assert painter.view(_result(3, 0.1, "hold")).label == "hold"
    assert painter.view(_result(4, 0.13, "no_hand")).label == "no_hand"  # a hand was seen, then lost: say so
    lonely = overlay.LivePainter("myofascial_hold")  # no hand at all: "no hand" after a few seconds
    labels = [lonely.view(_result(i, i / 10, "no_hand")).label for i in range(40)]
    assert labels[0] == overlay.FINDING and labels[-1] == "no_hand"


def test_finding_badge_is_drawn_in_words():
    img = np.full((480, 640, 3), 230, np.uint8)
    out = overlay.annotate(img, overlay.OverlayView(label=overlay.FINDING, quality="idle", foot_axis_deg=0.0))
    badge = out[10:50, 10:200]
    assert (badge < 40).mean() > 0.5 and (badge > 240).any()  # dark plate, white text


def _contrast(a: float, b: float) -> float:
    lum = [((v / 255) / 12.92 if v / 255 <= 0.04045 else (((v / 255) + 0.055) / 1.055) ** 2.4) for v in (a, b)]
    hi, lo = max(lum), min(lum)
    return (hi + 0.05) / (lo + 0.05)


def test_hold_ring_countdown_legible_on_a_light_picture():
    img = np.full((480, 640, 3), 245, np.uint8)
    overlay.draw_hold_ring(img, 42.0, 90.0, overlay.GOOD)
    s = overlay._scale(img)
    r = int(34 * s)
    cx, cy = 640 - r - int(14 * s), r + int(14 * s)
    inner = img[cy - r // 2:cy + r // 2, cx - r // 2:cx + r // 2].astype(float).mean(axis=2)
    text, ground = inner.max(), np.percentile(inner, 10)
    assert _contrast(text, ground) >= 4.5, (text, ground)  # white figures on a dark disc, whatever is under it


def test_grain_label_is_large_and_on_a_plate():
    img = np.full((480, 640, 3), 235, np.uint8)
    overlay.draw_foot_axis(img, 0.0)
    # the label sits past the right end of the dashed line, inside the picture
    plate = (img[..., :].astype(int).sum(axis=2) < 100)
    rows, cols = np.nonzero(plate)
    assert rows.size and cols.max() < 640 and cols.min() > 320
    height = rows.max() - rows.min()
    assert height >= 20, height  # the plate (and its text) is at least 20 px high on a 480 px picture
    axis_blue = (np.abs(img.astype(int) - np.array(overlay.AXIS)).sum(axis=2) < 30)
    assert axis_blue[rows.min():rows.max() + 1, cols.min():cols.max() + 1].sum() > 40  # the word, in the axis colour


def _badge_dark(path) -> list[float]:
    """The share of dark pixels where the badge sits (top left) in each frame."""
    from vision.io.video import iter_frames

    return [float((f.rgb[6:20, 6:60].max(axis=2) < 70).mean()) for f in iter_frames(path)]


def test_report_video_first_frames_say_finding_not_no_hand(tmp_path):
    """The thumbnail people see (frame 0) has a hand in it: before the engine believes it, the badge
    is the dark "finding your hand" plate, not the grey "NO HAND"; after, labels as they are."""
    from media import write_video

    from vision.core.report import FrameRecord, Report

    light = [np.full((240, 320, 3), 200, np.uint8) for _ in range(8)]
    times = [k / 10 for k in range(8)]
    src = write_video(tmp_path / "in.mp4", light, times)
    labels = ["no_hand"] * 3 + ["hold"] * 3 + ["no_hand"] * 2
    report = Report("in.mp4", 10.0, 0.8, 90.0,
                    frames=[FrameRecord(k, times[k], labels[k], credited_s=0.1) for k in range(8)],
                    technique="myofascial_hold")
    out = tmp_path / "out.mp4"
    overlay.render_report_video(src, report, lambda i: None, out)
    dark = _badge_dark(out)
    assert len(dark) == 8
    assert all(d > 0.5 for d in dark[:3]), dark  # the dark "finding" plate (NO HAND is on grey)
    assert all(d < 0.05 for d in dark[6:]), dark  # the hand was seen, then lost: "NO HAND" on grey
    # a video with no hand anywhere says so from its first frame
    nothing = Report("in.mp4", 10.0, 0.8, 90.0, frames=[FrameRecord(k, times[k], "no_hand", credited_s=0.1)
                                                         for k in range(8)], technique="myofascial_hold")
    overlay.render_report_video(src, nothing, lambda i: None, tmp_path / "none.mp4")
    assert all(d < 0.05 for d in _badge_dark(tmp_path / "none.mp4"))


def test_a_followed_axis_shows_its_confidence_in_words_on_a_real_frame():
    """Issue 13 item 4: a found axis is "shown on the overlay with its confidence". On a real marked
    foot photo the follower finds the axis; the verdict carries it with its confidence, and the live
    overlay writes it in words bottom left (a typed axis has no such words)."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
    from axis_variants import REPO_FEET, load_marked

    from vision.axis.follow import FootAxisFollower
    from vision.core.axis import AxisSource

    photo = load_marked(REPO_FEET, max_side=480)[2]
    found = FootAxisFollower().update(photo.rgb, 0.0)
    assert found is not None and found.source is AxisSource.FOUND and found.confidence >= overlay.SURE_AT
    verdict = FrameVerdict(i=0, t=0.0, credited_s=1 / 30, label=Label("no_hand"), axis=found)
    assert verdict.axis.confidence == found.confidence  # the verdict records the axis and how sure it is
    painter = overlay.LivePainter("cross_friction")
    view = painter.view(FrameResult(None, verdict))
    assert view.axis_note in ("foot found: sure", "foot found: fairly sure")
    shown = painter.paint(photo.rgb, FrameResult(None, verdict))
    typed = overlay.LivePainter("cross_friction").paint(
        photo.rgb, FrameResult(None, FrameVerdict(i=0, t=0.0, credited_s=1 / 30, label=Label("no_hand"),
                                                  axis=FootAxis(found.deg))))
    h, w = photo.rgb.shape[:2]
    moved = np.abs(shown.astype(int) - typed).max(axis=2) > 40
    rows, cols = np.nonzero(moved)
    assert rows.size > 500, rows.size  # the words' plate, where the typed axis leaves the picture
    assert rows.min() > h / 2 and cols.max() < w / 2 + 40  # bottom left, clear of the badge (top left)
    assert rows.max() - rows.min() >= 14  # legible: at least 14 px high on this small frame
    box = shown[rows.min():rows.max() + 1, cols.min():cols.max() + 1]
    assert (box.max(axis=2) < 40).mean() > 0.5  # a dark plate ...
    assert (np.abs(box.astype(int) - overlay.AXIS).sum(axis=2) < 60).sum() > 30  # ... with words in the axis colour
    # faded below sure (the follower keeps the last axis while unsure): the words say so
    kept = FootAxis(found.deg, AxisSource.FOUND, 0.2)
    assert overlay.axis_words(kept) == "foot: unsure, keeping the last axis"
    assert overlay.axis_words(FootAxis.typed(90)) is None


def test_the_axis_words_are_pasted_from_the_sprite_cache():
    """Issue 18: the words are drawn once per text and frame size, then pasted."""
    from vision.io.sprites import SpriteCache

    img = np.random.default_rng(1).integers(0, 256, (480, 640, 3), np.uint8)
    drawn = img.copy()
    overlay.draw_axis_note(drawn, "foot found: sure")
    cache = SpriteCache()
    for _ in range(2):
        pasted = img.copy()
        cache.draw(pasted, overlay.draw_axis_note, "foot found: sure")
        assert np.abs(drawn.astype(int) - pasted).max() <= 8
    assert len(cache._sprites) == 1
