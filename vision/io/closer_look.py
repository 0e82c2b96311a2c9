"""A closer look for hands too small in the frame for MediaPipe's palm detector.

Why: the palm detector sees the whole frame shrunk to 192x192. A gripping hand
(a fist with the thumb out: the massage grip) 60 px across the palm in a
640x480 frame is then about 18 px, and is not found, though the landmark model
follows it well once it is. In make eval's hard set (clip h1_01) the whole
frame found the toes in every frame and the hand in none; each quarter of the
frame, seen twice as large, finds it. A grip of 40-50 px on a large foot is
still too small for a quarter (draw 2's h2_06 and draw 3's h3_08: one find in
138 looks at the quarter it was in); a ninth of the frame (a 3x3 grid of
parts, each seen 2.2 times as large) found it in 54 of the same 138 frames.

So, while the whole frame shows fewer hands than wanted, a quarter of the
frame is searched every few frames (an IMAGE-mode landmarker); once the whole
frame has found no hand at all for a round of quarters, a ninth is searched
between each two quarters. Not sooner, and not beside a hand the whole frame
has: a ninth also takes parts of the toes for a hand, and the toes are often
what the whole frame finds beside a small hand. A hand found
there that the whole frame does not have is then followed in a window around
it by a VIDEO-mode landmarker of its own, until the whole frame finds it too
or it is gone. Hands the whole frame already has are left to it, and so are the toes beside them
(a find far larger than a found hand, core/hands.py, or than the hand the tracker saw lately: the
tracker does not count toes its landmarker jumped to as a found hand, so the search goes on).

Cost: a search costs a palm detection (about 7 ms here), and a landmark pass
when it finds a palm (17 ms in all). While the whole frame has no hand at all,
the tracker has little else to do: a quarter is searched every ``empty_s``, so
a hand coming back is found within half a second (a smaller one, in a ninth,
within a second and a half; the ninths double the searches in a long stretch
without a hand). Beside a hand the whole frame has, a first round of quarters goes
at once (one every ``first_round_s``: at the start, and when hands come into an empty frame, a
second hand is found within half a second); then the search slows while it finds
nothing new (down to a quarter every ``slowest_s``): a few hundredths of a
frame's time in a normal session. When the picture moves away from the found hands
(io/scene_change.py), the quarter where it moved is searched at once, at most every
``moved_look_every_s``: a hand coming in beside the foot's toes, which the whole frame took for a
hand, is found within a tenth of a second. A followed hand costs a landmark pass a frame; while the
whole frame goes on missing it, the tracker looks at the whole frame only on its second-hand search frames
(TrackerOptions.whole_frame_rests_after), so such a hand costs one pass a frame, not two.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..core.hands import TOES_SIZE_RATIO, toes_beside
from ..core.landmarks import HandObservation
from .scene_change import SceneOutsideHands

QUARTER_SHARE = 0.6  # each quarter's side, as a share of the frame's: they overlap in the middle
NINTH_SHARE = 0.45  # each ninth's side (a 3x3 grid of parts, overlapping), for hands smaller still
WINDOW_HANDS = 3.0  # a followed hand's window is this many times the hand's extent
OVERLAP_SHARE = 1 / 3  # hands whose landmark boxes overlap this much are one hand
PART_NEAR_SHARE = 0.25  # ... unless one is far larger: then this share of its landmarks near the smaller's
HAND_MARGIN = 0.15  # a hand blacked out of a followed window: its landmark box and this share of its extent


@dataclass(frozen=True)
class CloserLookOptions:
    first_round_s: float = 0.1  # between quarter searches beside a hand the whole frame has, the first round
    fastest_s: float = 0.5  # ... the round after it
    slowest_s: float = 2.0  # ... after rounds (doubling each round of four quarters)
    returned_after_s: float = 0.5  # hands found after the whole frame has had none this long: a first round again
    moved_look_every_s: float = 2.0  # at most this often, a quarter searched at once where the picture moved
    # away from the found hands since the last search (a hand coming in beside the toes the whole frame found)
    moved_check_s: float = 0.1  # ... the picture compared this often (0.14 ms at 640x480)
    empty_s: float = 0.1  # between quarter searches while the whole frame has no hand at all
    ninths_after_s: float = 0.4  # ... and once it has had none for a round of quarters, a ninth between each two
    lose_after_s: float = 0.5  # a followed hand not found for this long is let go
    followed_s: float = 2.0  # a hand followed this long and lost starts the search over
    handed_back_after: int = 3  # frames in a row the whole frame has it too: the whole frame keeps it
    toes_size_ratio: float = TOES_SIZE_RATIO  # a find this much larger than a found hand is the toes: not followed


@dataclass
class _Window:
    x: int
    y: int
    w: int
    h: int
    first_seen_t: float
    last_seen_t: float
    shared_frames: int = 0
    taken_up: bool = False  # its landmarker has had its first frame (the whole frame's hands blacked out)


def grid_parts(width: int, height: int, share: float, n: int) -> list[tuple[int, int, int, int]]:
    """(x, y, w, h) of an n x n grid of overlapping parts of a frame, each ``share`` of its sides, row by row."""
    w, h = max(1, round(width * share)), max(1, round(height * share))
    xs = [round(k * (width - w) / (n - 1)) for k in range(n)]
    ys = [round(k * (height - h) / (n - 1)) for k in range(n)]
    return [(x, y, w, h) for y in ys for x in xs]


def quarters(width: int, height: int) -> list[tuple[int, int, int, int]]:
    """(x, y, w, h) of the four overlapping quarters of a frame."""
    return grid_parts(width, height, QUARTER_SHARE, 2)


def ninths(width: int, height: int) -> list[tuple[int, int, int, int]]:
    """(x, y, w, h) of the nine overlapping parts of a frame, each seen 2.2 times as large as whole."""
    return grid_parts(width, height, NINTH_SHARE, 3)


def extent_px(obs: HandObservation) -> float:
    """The larger side of the hand's landmark box."""
    span = obs.xy.max(axis=0) - obs.xy.min(axis=0)
    return float(max(span.max(), 1.0))


def same_hand(a: HandObservation, b: HandObservation) -> bool:
    """Their landmark boxes overlap by over a third of the smaller: one hand (a quarter may cut it in
    two; a quarter's find inside the toes' box is taken for the toes, which a quarter may cut too)."""
    lo, hi = np.maximum(a.xy.min(axis=0), b.xy.min(axis=0)), np.minimum(a.xy.max(axis=0), b.xy.max(axis=0))
    inter = float(np.prod(np.clip(hi - lo, 0, None)))
    smaller = min(float(np.prod(o.xy.max(axis=0) - o.xy.min(axis=0))) for o in (a, b))
    return inter > OVERLAP_SHARE * max(smaller, 1.0)


def same_hand_of_a_size(a: HandObservation, b: HandObservation, ratio: float = TOES_SIZE_RATIO) -> bool:
    """One hand seen twice: overlapping boxes (``same_hand``) of a size (the toes' box can hold the hand's)."""
    return same_hand(a, b) and not toes_beside(a, [b], ratio) and not toes_beside(b, [a], ratio)


def part_of(find: HandObservation, hand: HandObservation, ratio: float = TOES_SIZE_RATIO) -> bool:
    """``find`` is ``hand`` seen again, or a part of it (a quarter may cut a hand, and find its fingers
    as a smaller hand): their boxes overlap (``same_hand``) and, when ``hand`` is far larger, at least
    ``PART_NEAR_SHARE`` of its landmarks lie within half the find's size of the find's.

    Why: the foot's toes, taken for a hand by the whole frame, have a landmark box over much of the
    sole, where the real hand works; a hand found there had been taken for part of the toes until the
    whole frame found it too (0.3-0.6 s on the foot-first composites, tools/evaluate_hands.py). Its
    landmarks lie away from the toes' (5-14 % of those near it, measured); a part of a hand lies along
    that hand (43-62 %: make eval's h2_11 and the bundled lengthwise sample).
    """
    if not same_hand(find, hand):
        return False
    if not toes_beside(hand, [find], ratio):
        return True
    gaps = np.linalg.norm(hand.xy[:, None, :] - find.xy[None, :, :], axis=2).min(axis=1)
    return float(np.mean(gaps < 0.5 * find.size_px)) >= PART_NEAR_SHARE


def _sooner(t: float, since: float | None, wait_s: float) -> bool:
    """``t`` is less than ``wait_s`` after ``since`` (never, if ``since`` is None)."""
    return since is not None and t - since < wait_s


def window_around(obs: HandObservation, width: int, height: int) -> tuple[int, int, int, int]:
    """A square window (clipped to the frame) around a hand, ``WINDOW_HANDS`` times its extent."""
    side = int(min(max(WINDOW_HANDS * extent_px(obs), 96), width, height))
    cx, cy = obs.xy.mean(axis=0)
    x = int(min(max(round(cx - side / 2), 0), width - side))
    y = int(min(max(round(cy - side / 2), 0), height - side))
    return x, y, side, side


class CloserLook:
    """Hands the whole-frame pass missed, one frame at a time (``step``), with the landmarkers it is given.

    ``detect_image(rgb) -> result`` and ``detect_video(rgb, timestamp_ms) -> result`` run MediaPipe
    HandLandmarkers (IMAGE and VIDEO mode); ``forget_video(timestamp_ms)`` makes the VIDEO one forget
    the hand it followed; ``read(result, width, height, t)`` turns a result into HandObservations of a
    picture of that size. ``scene`` (None: never) tells where the picture moved away from the found
    hands since the last search: the quarter there is searched at once (``_moved_look``).
    """

    def __init__(self, detect_image: Callable, detect_video: Callable, forget_video: Callable,
                 read: Callable, options: CloserLookOptions = CloserLookOptions(),
                 scene: SceneOutsideHands | None = None):
        self._detect_image, self._detect_video, self._forget_video = detect_image, detect_video, forget_video
        self._read = read
        self.options = options
        self._scene = scene
        self.reset()

    def reset(self) -> None:
        self._window: _Window | None = None
        self._next_search_t: float | None = None  # beside a hand the whole frame has: the next search
        self._last_search_t: float | None = None
        self._first_round()
        self._next_quarter = 0
        self._next_ninth = 0
        self._ninth_due = False  # the next search in ninths' time is a ninth
        self._empty_since: float | None = None  # the whole frame has found no hand since
        self._moved_look_t: float | None = None  # when a quarter was last searched because the picture moved
        self._moved_check_t: float | None = None  # when the picture was last compared
        if self._scene is not None:
            self._scene.forget()
        self.searches = 0
        self.follows = 0

    @property
    def following(self) -> bool:
        """A hand found in a quarter is followed in its window."""
        return self._window is not None

    def step(self, rgb: np.ndarray, t: float, timestamp_ms: int, found: list[HandObservation],
             wanted: int, known: tuple[HandObservation, ...] = (),
             set_aside: tuple[HandObservation, ...] = ()) -> list[HandObservation]:
        """The hands to add to ``found`` (at most one) for the frame ``rgb`` taken at ``t``.

        ``known``: a hand seen lately but not in ``found``; a find far larger than it is the toes too.
        ``set_aside``: what the whole frame found but the caller left out of ``found`` as toes; a
        followed hand over one of them and of its size is that one, taken for toes wrongly (a toe a
        search found beside the hand may have been taken for the hand): the window hands it back.
        """
        height, width = rgb.shape[:2]
        if found and self._empty_since is not None and t - self._empty_since >= self.options.returned_after_s:
            self._first_round()  # hands came into an empty frame: a second one may have come with them
        self._empty_since = None if found else (t if self._empty_since is None else self._empty_since)
        if len(found) >= wanted:  # the whole frame has all the hands wanted
            if self._window is not None:
                self._let_go(t)
            return []
        if self._window is not None:
            return self._follow(rgb, t, timestamp_ms, found, set_aside)
        in_turn = True
        if not found:  # the whole frame has no hand at all: little else to do, so a quarter often
            wait = self.options.empty_s / 2 if self._ninths_time(t) else self.options.empty_s
            if self._last_search_t is not None and t - self._last_search_t < wait:
                return []
        elif self._next_search_t is not None and t < self._next_search_t:
            if not self._moved_look(rgb, t, found):
                return []
            in_turn = False  # out of turn, because the picture moved: the pace is left as it was
        return self._search(rgb, t, timestamp_ms, found, width, height, known, in_turn)

    def _first_round(self) -> None:
        """The next round of quarters beside a hand goes at once: at the start, or when hands come into
        view, a second hand too small for the whole frame is found within half a second, not two."""
        self._interval_s = self.options.first_round_s
        self._paced = 0  # searches made beside a hand the whole frame has
        self._next_search_t = None

    def _moved_look(self, rgb: np.ndarray, t: float, found: list[HandObservation]) -> bool:
        """Search now, in the quarter nearest where the picture moved away from the found hands' landmarks.

        Why: the foot's toes, found by the whole frame before any hand, count as a hand found, so the
        search beside them has slowed to a quarter every ``slowest_s`` (a round of four in 8 s); the real
        hand coming in was found up to 2.4 s late (tools/evaluate_hands.py, the foot in view first). Its
        coming in moves the picture where no found hand is, and the quarter around that spot has it. At
        most every ``moved_look_every_s``: a working hand's surroundings, a swaying foot or a changing
        light move the picture all the time (one search every 2 s costs under half a millisecond a frame).
        The searches' own pace is left as it was."""
        if (self._scene is None or _sooner(t, self._moved_look_t, self.options.moved_look_every_s)
                or _sooner(t, self._moved_check_t, self.options.moved_check_s)):
            return False
        self._moved_check_t = t
        at = self._scene.moved_at(rgb, found)
        if at is None:
            return False
        height, width = rgb.shape[:2]
        centres = [(x + w / 2, y + h / 2) for x, y, w, h in quarters(width, height)]
        self._next_quarter = min(range(4), key=lambda k: math.dist(centres[k], at))
        self._moved_look_t = t
        return True

    def _ninths_time(self, t: float) -> bool:
        """The whole frame has found no hand for ``ninths_after_s``: the quarters have had a round or
        more and found nothing it could not; a hand smaller still may be there."""
        return self._empty_since is not None and t - self._empty_since >= self.options.ninths_after_s

    def _next_part(self, t: float, width: int, height: int) -> tuple[int, int, int, int]:
        """The quarters in turn; in ninths' time, a ninth (in turn) between each two quarters."""
        if self._ninths_time(t) and self._ninth_due:
            self._ninth_due = False
            part = ninths(width, height)[self._next_ninth]
            self._next_ninth = (self._next_ninth + 1) % 9
            return part
        self._ninth_due = True
        part = quarters(width, height)[self._next_quarter]
        self._next_quarter = (self._next_quarter + 1) % 4
        return part

    def _search(self, rgb, t, timestamp_ms, found, width, height, known=(), in_turn=True) -> list[HandObservation]:
        x, y, w, h = self._next_part(t, width, height)
        ratio = self.options.toes_size_ratio
        self.searches += 1
        new = [o for o in self._in_part(self._detect_image(np.ascontiguousarray(rgb[y:y + h, x:x + w])),
                                        x, y, w, h, t)
               if not any(part_of(o, f, ratio) for f in found) and not toes_beside(o, [*found, *known], ratio)]
        self._last_search_t = t
        if self._scene is not None:
            self._scene.looked(rgb, [*found, *new])
        if found and in_turn:  # beside a hand the whole frame has, the search slows: each round of four
            # doubles the wait
            self._paced += 1
            if self._paced % 4 == 0:
                self._interval_s = min(max(2 * self._interval_s, self.options.fastest_s), self.options.slowest_s)
            self._next_search_t = t + self._interval_s
        if not new:
            return []
        hand = max(new, key=lambda o: o.score)
        self._window = _Window(*window_around(hand, width, height), first_seen_t=t, last_seen_t=t)
        self._forget_video(timestamp_ms)  # the window's landmarker starts from a palm detection in its window
        return [hand]

    def _follow(self, rgb, t, timestamp_ms, found, set_aside=()) -> list[HandObservation]:
        win = self._window
        part = rgb[win.y:win.y + win.h, win.x:win.x + win.w]
        if not win.taken_up:  # its landmarker starts from a palm detection: only on the hand found
            part, win.taken_up = _without_hands(part, (win.x, win.y), found), True
        part = np.ascontiguousarray(part)
        hands = self._in_part(self._detect_video(part, timestamp_ms), win.x, win.y, win.w, win.h, t)
        self.follows += 1
        if not hands:
            if t - win.last_seen_t > self.options.lose_after_s:
                self._let_go(t)
            return []
        hand = max(hands, key=lambda o: o.score)
        win.last_seen_t = t
        ratio = self.options.toes_size_ratio
        if any(part_of(hand, f, ratio) for f in found) or any(same_hand_of_a_size(hand, f, ratio) for f in set_aside):
            win.shared_frames += 1
            if win.shared_frames >= self.options.handed_back_after:
                self._let_go(t)
            return []
        win.shared_frames = 0
        cx, cy = hand.xy.mean(axis=0)
        if not (win.x + win.w / 4 <= cx <= win.x + 3 * win.w / 4 and win.y + win.h / 4 <= cy <= win.y + 3 * win.h / 4):
            height, width = rgb.shape[:2]
            win.x, win.y, win.w, win.h = window_around(hand, width, height)  # off-centre: centre it again
        return [hand]

    def _let_go(self, t: float) -> None:
        """Stop following. A hand followed for a while (not toes glimpsed in a quarter) may come back:
        the search starts again at its fastest."""
        win, self._window = self._window, None
        if win.last_seen_t - win.first_seen_t >= self.options.followed_s:
            self._interval_s = self.options.fastest_s
        self._next_search_t = t + self._interval_s

    def _in_part(self, result, x: int, y: int, w: int, h: int, t: float) -> list[HandObservation]:
        """The result's hands, read in a (w, h) part of the frame, moved to the frame's pixels."""
        offset = np.array([x, y], np.float32)
        return [HandObservation(xy=o.xy + offset, handedness=o.handedness, score=o.score, t=o.t, depth_px=o.depth_px)
                for o in self._read(result, w, h, t)]


def _without_hands(part: np.ndarray, origin: tuple[int, int], hands: list[HandObservation]) -> np.ndarray:
    """A copy of a window of the frame (its top-left at ``origin``) with the whole frame's hands blacked
    out, for the window's first frame: its one-hand landmarker then takes up the hand it was opened
    for, not a more confident one beside it (two hands working side by side are two palms apart, well
    inside a window three hands wide), and follows it from there. Not on later frames: a moving hand's
    black box would cut into a hand beside it and shake its landmarks."""
    shown = np.array(part)
    for hand in hands:
        pad = HAND_MARGIN * extent_px(hand)
        (x0, y0), (x1, y1) = hand.xy.min(axis=0) - pad - origin, hand.xy.max(axis=0) + pad - origin
        x0, y0 = max(int(x0), 0), max(int(y0), 0)
        x1, y1 = min(int(np.ceil(x1)), shown.shape[1]), min(int(np.ceil(y1)), shown.shape[0])
        if x1 > x0 and y1 > y0:
            shown[y0:y1, x0:x1] = 0
    return shown
