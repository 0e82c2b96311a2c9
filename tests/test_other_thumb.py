"""Both thumbs working: the second thumb judged beside the first (vision/core/other_thumb.py).

Scripted hands (tests/test_hands.py's shape) through the real engine and report; the foot
axis is vertical on the screen (90 deg), so a thumb stroking sideways works across the foot.
"""

from __future__ import annotations

import math
from dataclasses import replace

from test_hands import FPS, hand

from vision.core.labels import Label
from vision.core.report import Report
from vision.pipeline import Session

PALM = 60.0


def sideways(k: int, rate_hz: float = 1.5) -> tuple[float, float]:
    return (0.25 * PALM * math.sin(2 * math.pi * rate_hz * k / FPS), 0.0)


def up_and_down(k: int, rate_hz: float = 1.2) -> tuple[float, float]:
    return (0.0, 0.25 * PALM * math.sin(2 * math.pi * rate_hz * k / FPS))


class _NoTracker:
    def close(self) -> None:
        pass


def session_of(frames) -> Session:
    session = Session(90.0, tracker=_NoTracker())
    for k, hands in enumerate(frames):
        session.add_observation(hands, k / FPS)
    return session


def two_hands(k: int, thumb_a, thumb_b) -> list:
    t = k / FPS
    return [hand((200, 300), PALM, t, thumb=thumb_a), hand((450, 280), PALM, t, thumb=thumb_b, handedness="Left")]


def test_two_thumbs_stroking_each_get_their_own_verdict():
    session = Session(90.0, tracker=_NoTracker())
    verdicts = [session.add_observation(two_hands(k, sideways(k), up_and_down(k)), k / FPS).verdict
                for k in range(150)]
    judged = verdicts[75:]  # both working said after half a second of both moving; each analyzer settled
    assert all(v.other_thumb is not None for v in judged)
    assert all({v.label, v.other_thumb.label} == {Label.CROSS_GRAIN, Label.LENGTHWISE} for v in judged)
    for v in judged:  # each thumb's angle and rate are its own
        cross = v if v.label == Label.CROSS_GRAIN else v.other_thumb
        along = v.other_thumb if cross is v else v
        assert cross.angle_to_grain_deg > 80 and along.angle_to_grain_deg < 10
    assert not any(v.other_thumb for v in verdicts[:15])


def test_a_still_hand_holding_the_foot_is_not_a_second_working_thumb():
    session = session_of([two_hands(k, sideways(k), (0.0, 0.0)) for k in range(150)])
    assert session.latest.verdict.label == Label.CROSS_GRAIN
    report = session.report()
    assert all(f.other_thumb_label is None for f in report.frames)
    assert report.summary["both_thumbs_s"] == 0.0
    assert all("other_thumb_label" not in f for f in report.to_dict()["frames"])


def test_the_report_keeps_the_second_thumb_live_and_offline_and_reads_back():
    from vision.compare import report_from_dict

    frames = [two_hands(k, sideways(k), up_and_down(k)) if k < 150 else two_hands(k, sideways(k), (0.0, 0.0))
              for k in range(240)]
    session = session_of(frames)
    for report in (session.report(), session.report(causal=False)):
        both = [f for f in report.frames if f.other_thumb_label is not None]
        # both working ends once the stopped thumb's last second of strokes is behind it, and half a second more
        assert both and max(f.t for f in both) < 150 / FPS + 2.0
        assert 2.5 < report.summary["both_thumbs_s"] < 5.0 + 1.0
        stroking = [f for f in both if 3.0 < f.t < 150 / FPS]
        assert all({f.label, f.other_thumb_label} == {"cross_grain", "lengthwise"} for f in stroking)
        assert {f.other_thumb_label for f in both if f.t > 150 / FPS + 1.0} <= {"hold"}  # the stopped thumb
        back = report_from_dict(report.to_dict())
        assert isinstance(back, Report)
        assert [f.other_thumb_label for f in back.frames] == [f.other_thumb_label for f in report.frames]
        assert all(f.other_thumb_xy is not None for f in back.frames if f.other_thumb_label is not None)
        assert all(f.other_thumb_xy is None for f in back.frames if f.other_thumb_label is None)


def test_the_views_show_the_second_thumb_in_words_and_on_the_picture():
    import numpy as np

    from vision.io.overlay import LivePainter, annotate
    from vision.ui.panel import other_thumb_text
    from vision.ui.tables import summary_rows

    session = session_of([two_hands(k, sideways(k), up_and_down(k)) for k in range(150)])
    result = session.latest
    other = result.verdict.other_thumb
    assert other is not None and other.rate_per_min
    words = other_thumb_text(other)
    assert words.startswith(("Cross-grain, ", "Lengthwise, ")) and words.endswith(" strokes a minute")
    rows = dict(summary_rows(session.report()))
    assert rows["Both thumbs working"].endswith("s (the score follows one of them)")

    painter = LivePainter("cross_friction")
    view = painter.view(result)
    assert view.other_label == other.label and view.other_xy == other.thumb_xy
    assert view.other_quality == ("good" if other.label == Label.CROSS_GRAIN else "bad")
    blank = np.zeros((480, 640, 3), np.uint8)
    x, y = map(int, other.thumb_xy)
    near = (slice(max(y - 40, 0), y + 10), slice(x, min(x + 220, 640)))
    without = annotate(blank, type(view)(**{**view.__dict__, "other_label": None}))
    with_tag = annotate(blank, view)
    assert with_tag[near].sum() > without[near].sum() + 1000  # the tag is drawn beside the second thumb


def test_the_annotated_video_tags_the_second_thumb(tmp_path):
    """The upload's annotated video is drawn from the report: the second thumb's tag is there too."""
    import av
    import numpy as np
    from media import write_video

    from vision.io.overlay import render_report_video

    session = session_of([two_hands(k, sideways(k), up_and_down(k)) for k in range(120)])
    report = session.report()
    n = 120
    src = write_video(tmp_path / "in.mp4", [np.zeros((480, 640, 3), np.uint8)] * n, [k / FPS for k in range(n)])
    tagged = [f for f in report.frames if f.other_thumb_label is not None]
    assert tagged
    without = replace(report, frames=[replace(f, other_thumb_label=None) for f in report.frames])
    render_report_video(src, report, lambda i: None, tmp_path / "with.mp4")
    render_report_video(src, without, lambda i: None, tmp_path / "without.mp4")
    k = tagged[-1].i
    x, y = map(int, tagged[-1].other_thumb_xy)
    near = (slice(max(y - 40, 0), y + 10), slice(x, min(x + 220, 640)))

    def frame(path):
        with av.open(str(path)) as c:
            for j, f in enumerate(c.decode(video=0)):
                if j == k:
                    return f.to_ndarray(format="rgb24").astype(int)
    assert frame(tmp_path / "with.mp4")[near].sum() > frame(tmp_path / "without.mp4")[near].sum() + 1000
