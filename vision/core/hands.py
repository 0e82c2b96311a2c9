"""HandTracks: which hands are real, who is who from frame to frame, and which thumb works.

Self-massage is two-handed: one hand holds the foot while the other's thumb
strokes or presses, or both thumbs work. The tracker reports up to two hands a
frame, in no stable order; this module, called once a frame (``update``, with
an empty list when nothing was found, so that time advances), keeps:

- **identity**: each detection continues the track it is nearest to (landmark
  centroid, in hand sizes), of a similar size and, when both are sure, the
  same handedness; a detection nobody continues starts a new track;
- **the defence against toes**: MediaPipe's palm detector fires on feet. A new
  track is believed only after ``confirm_frames`` consecutive consistent
  detections (consecutive among the frames analysed, at most ``confirm_gap_s``
  apart: a live stream that analyses only 8 frames a second, the fewest at which
  the live panel judges, still believes a hand; toes often jump in
  size and shape; two when a real hand of its
  size was seen lately), and only if its size is
  within ``max_size_ratio`` of a real hand seen in the last ``forget_s``
  (toes seen as a hand are 1.5-2.5 times a real hand's size). Toes seen
  before any hand are believed, having nothing to be compared with; a smaller
  candidate detected steadily for ``smaller_steady_s`` is then the real hand,
  and the larger tracks lose belief (tests/test_hands.py). A believed
  track is never dropped for a changing shape or palm width: real hands turn
  and fold (their 2D palm width falls to a fifth of itself when seen edge-on),
  so size is measured in 3D where the tracker gives depth;
- **back-fill**: the frames of a new hand's consistent streak before it was
  believed held the same hand; the frame that believes it names them
  (``HandSelection.backfill``). A view that may look back (the offline
  report, the evaluation) keeps the hand there too; a live view cannot, it has
  shown them. Toes are no more at risk: only a streak that is believed is
  named, and it is at most ``confirm_frames`` - 1 frames long;
- **the working thumb**: the thumb whose tip moves to and fro (the spread
  about a straight drift), on the picture or relative to its own palm, over
  the last ``working_window_s``; the hand holding the foot stays still or
  sways slowly with it. The choice has hysteresis (another hand takes over only
  when it moves clearly more for ``switch_after_s``) so a hold that follows
  strokes stays with the hand that stroked. After the worker leaves, a hand
  first seen since takes over only if it moved in or came back where the
  worker was (toes pop up in place); one seen before, only if its thumb
  starts to work. When both thumbs move alike,
  ``both_working`` says so.

Nothing here knows MediaPipe; observations come in as HandObservation.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

import numpy as np

from .landmarks import HandLandmark, HandObservation
from .params import Checked
from .periodicity import fit_sinusoid, trial_frequencies

OUTLIER_MEDIANS = 3.0  # a thumb position this many times the median distance off the drift is MediaPipe's error
FORM_FRAMES = 5  # a track's form at first and lately: the mean of this many detections

_PALM = [HandLandmark.WRIST, HandLandmark.INDEX_MCP, HandLandmark.MIDDLE_MCP, HandLandmark.RING_MCP,
         HandLandmark.PINKY_MCP]


def hand_size_px(obs: HandObservation) -> float:
    """Mean length of the palm's four bones, in 3D when the tracker gave depth (``HandObservation.size_px``).

    Unlike the palm width (2D), it barely changes as the hand turns: on real
    footage its 5th percentile is 0.86-0.97 of its median, the palm width's 0.13-0.84.
    """
    return obs.size_px


# MediaPipe's palm detector fires on a foot's toes beside the hand: 1.9-2.5 times a real hand's size on the
# bundled sample, 1.6-5 on make eval's hard sets (a few frames at 1.4-1.6); two real hands measured
# 1.0-1.55 apart (the sign-language footage).
TOES_SIZE_RATIO = 1.6


def toes_beside(candidate: HandObservation, others, ratio: float = TOES_SIZE_RATIO) -> bool:
    """``candidate`` is more than ``ratio`` times the size of a hand found with it: the foot's toes,
    not the hand's fellow (the tracker then follows only the hand; HandTracks still judges what it gets)."""
    size = hand_size_px(candidate)
    return any(size > ratio * hand_size_px(o) for o in others if o is not candidate)


def thumb_relative_to_palm(obs: HandObservation) -> np.ndarray:
    """The thumb tip's place relative to the palm's centre, in pixels: thumb-only motion."""
    return obs.xy[HandLandmark.THUMB_TIP] - obs.xy[_PALM].mean(axis=0)


@dataclass(frozen=True)
class HandTrackParams(Checked):
    """Lengths in hand sizes (``hand_size_px``), times in seconds."""

    confirm_frames: int = 3  # consecutive consistent detections before a new hand is believed
    confirm_frames_known_size: int = 2  # ... when a real hand of its size was seen in the last forget_s
    # ... in analysed frames in a row at most this far apart: a live stream analysing 8 frames a second
    # (the fewest at which strokes are told from holds, vision/ui/frame_pacing.py) with room for jitter
    confirm_gap_s: float = 0.16
    max_step_size_ratio: float = 1.25  # a new track's size, frame to frame (toes jump)
    max_step_shape_change: float = 0.25  # a new track's mean landmark move relative to its wrist, frame to frame
    max_move_per_frame: float = 1.0  # centroid move that still continues a track, per 1/30 s
    # ... and at most this, however long the gap: a hand gone for a few frames comes back near where it was;
    # toes found by the tracker's closer look 0.4 s after the hand left, 2.9 sizes away, are not it
    max_move: float = 2.0
    max_size_ratio: float = 1.35  # vs a real hand seen lately: larger or smaller is another object (toes)
    max_track_size_ratio: float = 1.5  # a believed track's size, detection to its smoothed size
    handedness_sure: float = 0.8  # handedness scores above this make a mismatch count
    handedness_penalty: float = 0.5  # added to the match cost when sure handedness differs
    forget_s: float = 8.0  # a real hand's size is remembered this long after it was last seen
    lost_s: float = 0.5  # a track not seen this long ends
    size_smoothing_s: float = 1.0
    working_window_s: float = 1.0  # thumb motion is measured over this
    smaller_steady_s: float = 0.5  # a candidate smaller than every real hand, steady this long: those were toes
    working_min: float = 0.025  # thumb-tip spread (RMS, hand sizes) above which a thumb works
    came_back_within: float = 1.5  # after the worker left: a new hand first seen this near where it was...
    came_in_travel: float = 0.5  # ... or that has moved this far since first seen, takes the role
    foot_shape_change: float = 0.3  # toes by their look are believed once they move, or change shape this much,
    foot_stroke_share: float = 0.7  # ... or their thumb strokes: a sinusoid explains this share of its path
    foot_stroke_window_s: float = 1.5  # ... over this long (a stroke a second or faster)
    switch_ratio: float = 1.6  # another thumb takes over when it moves this much more...
    switch_after_s: float = 0.5  # ... for this long
    both_ratio: float = 0.5  # both thumbs work when the lesser moves at least this share of the greater
    both_after_s: float = 0.5  # ... for this long (and stop after as long without)

    def __post_init__(self) -> None:
        self.check(positive=("confirm_gap_s", "max_step_shape_change", "max_move_per_frame", "max_move", "forget_s",
                             "lost_s", "came_back_within", "came_in_travel", "foot_shape_change", "foot_stroke_share",
                             "foot_stroke_window_s",
                             "size_smoothing_s", "working_window_s", "smaller_steady_s", "working_min"),
                   non_negative=("handedness_penalty", "switch_after_s", "both_after_s"),
                   at_least_one=("confirm_frames", "confirm_frames_known_size", "max_step_size_ratio",
                                 "max_size_ratio", "max_track_size_ratio", "switch_ratio"),
                   between_0_1=("handedness_sure", "both_ratio"))


@dataclass
class _Track:
    id: int
    obs: HandObservation
    size: float
    first_t: float
    last_t: float
    last_frame: int = 0  # the update() call that last saw it
    streak: int = 1
    streak_t: float = 0.0  # when the current streak of consistent detections began
    first_xy: np.ndarray | None = None  # landmark centroid where it was first seen
    confirmed: bool = False
    toes_votes: int = 0  # detections the look called toes, less the others (HandTracks._count_look)
    first_forms: list = field(default_factory=list)  # while foot_like: the form (_form) of its first detections,
    forms: deque = field(default_factory=lambda: deque(maxlen=FORM_FRAMES))  # ... of its latest,
    foot_path: deque = field(default_factory=deque)  # ... and its thumb tip's (t, xy)
    handedness_votes: float = 0.0  # > 0 right, < 0 left, weighted by score
    tips: deque = field(default_factory=deque)  # (t, tip xy, thumb relative xy)
    pending: list = field(default_factory=list)  # (t, observation) of the streak while not yet believed
    score: float = 0.0  # working score: thumb motion, hand sizes

    @property
    def foot_like(self) -> bool:
        """The look at the picture called it the foot's toes in more than a third of its detections."""
        return self.toes_votes > 0

    @property
    def handedness(self) -> str | None:
        return None if abs(self.handedness_votes) < 1e-9 else ("Right" if self.handedness_votes > 0 else "Left")


@dataclass(frozen=True)
class TrackedHand:
    """One believed hand in this frame: its identity, observation and how much its thumb moves."""

    id: int
    observation: HandObservation
    working_score: float
    working: bool


@dataclass(frozen=True)
class HandSelection:
    """What ``HandTracks.update`` decided for one frame.

    ``working`` is the working thumb's hand in this frame (None when it is not
    seen: a gap, never another hand's thumb); ``working_ids`` names the working
    hand(s), two when ``both_working``; ``hands`` are all believed hands seen
    this frame; ``refused`` counts detections not believed (toes, new hands
    still being confirmed). ``backfill`` lists (track id, t, observation) of
    earlier frames in which a hand believed at this frame was already seen,
    consistently (its streak before belief): a view that may look back keeps
    them; a live view has already shown those frames without it.
    """

    t: float
    hands: tuple[TrackedHand, ...] = ()
    working: HandObservation | None = None
    working_ids: tuple[int, ...] = ()
    both_working: bool = False
    refused: int = 0
    backfill: tuple[tuple[int, float, HandObservation], ...] = ()

    @property
    def kept(self) -> bool:
        """A real hand is in view (the working one or not)."""
        return bool(self.hands)

    def hand(self, track_id: int) -> HandObservation | None:
        return next((h.observation for h in self.hands if h.id == track_id), None)


class HandTracks:
    """Call ``update(observations, t)`` once a frame, even with none; see the module docstring."""

    def __init__(self, params: HandTrackParams = HandTrackParams()):
        self.params = params
        self._tracks: list[_Track] = []
        self._next_id = 1
        self._frame = 0  # update() calls so far: "consecutive" counts analysed frames, whatever their rate
        self._remembered: dict[int, tuple[float, float]] = {}  # track id -> (size, last seen t), real hands
        self._working_id: int | None = None
        self._challenger: tuple[int, float] | None = None  # (track id, since t)
        self._left_t: float | None = None  # when the working hand was last lost
        self._worker_at: tuple[np.ndarray, float] | None = None  # its last centroid and size
        self._both = False
        self._both_since: float | None = None
        self.refused = 0

    # ------------------------------------------------------------------ update

    def update(self, observations, t: float) -> HandSelection:
        """Advance one frame: ``observations`` is a list (possibly empty), one HandObservation or None."""
        if observations is None:
            observations = []
        elif isinstance(observations, HandObservation):
            observations = [observations]
        dets = [o for o in observations if o.palm_width_px > 0 and np.all(np.isfinite(o.xy))]
        p = self.params
        self._frame += 1
        self._tracks = [k for k in self._tracks if t - k.last_t <= p.lost_s]
        self._remembered = {i: (s, seen) for i, (s, seen) in self._remembered.items() if t - seen <= p.forget_s}
        matched = self._associate(dets, t)
        seen_now: list[_Track] = []
        backfill: list[tuple[int, float, HandObservation]] = []
        for det, track in matched:
            if track is None:
                track = _Track(self._next_id, det, hand_size_px(det), t, t, self._frame, streak_t=t,
                               first_xy=det.xy.mean(axis=0), pending=[(t, det)])
                self._next_id += 1
                self._tracks.append(track)
            else:
                self._continue(track, det, t)
            self._vote(track, det)
            self._count_look(track, det, t)
            if not track.confirmed:
                if self._foot_at_rest(track):
                    pass  # the toes of a bare foot, before any hand: never believed while they rest
                elif self._size_believable(track.size):
                    # a second hand, or one coming back, the size of a real hand seen lately: one frame sooner
                    needed = p.confirm_frames_known_size if self._remembered else p.confirm_frames
                    track.confirmed = track.streak >= needed
                elif self._smaller_and_steady(track, t):
                    track.confirmed = True
                    self._unbelieve_larger_than(track)
                if track.confirmed:
                    backfill += [(track.id, pt, pobs) for pt, pobs in track.pending if pt < t]
                    track.pending = []
            if track.confirmed:
                self._remembered[track.id] = (track.size, t)
                self._record_thumb(track, det, t)
                seen_now.append(track)
        seen_now = [k for k in seen_now if k.confirmed]  # toes unbelieved this frame are gone
        refused = len(dets) - len(seen_now)
        self.refused += refused
        self._choose_working(t)
        self._update_both(t)
        working_ids = self._working_ids()
        hands = tuple(TrackedHand(k.id, k.obs, k.score, k.id in working_ids) for k in seen_now)
        working = next((k.obs for k in seen_now if k.id == self._working_id), None)
        return HandSelection(t=t, hands=hands, working=working, working_ids=working_ids,
                             both_working=len(working_ids) == 2, refused=refused, backfill=tuple(backfill))

    # ------------------------------------------------------------------ identity

    def _match_cost(self, det: HandObservation, track: _Track, t: float) -> float | None:
        p = self.params
        size = hand_size_px(det)
        ratio = max(size, track.size) / max(min(size, track.size), 1e-6)
        limit = p.max_track_size_ratio if track.confirmed else p.max_step_size_ratio
        if ratio > limit:
            return None
        frames = max((t - track.last_t) * 30.0, 1.0)
        move = float(np.linalg.norm(det.xy.mean(axis=0) - track.obs.xy.mean(axis=0))) / track.size
        if move > min(p.max_move_per_frame * frames, p.max_move):
            return None
        cost = move + abs(math.log(ratio))
        if (track.handedness and det.score >= p.handedness_sure and det.handedness != track.handedness
                and abs(track.handedness_votes) >= p.handedness_sure * p.confirm_frames):
            cost += p.handedness_penalty
        return cost

    def _associate(self, dets: list[HandObservation], t: float) -> list[tuple[HandObservation, _Track | None]]:
        """Greedy by cost (at most a few hands a frame): believed tracks first, then the cheapest pair."""
        pairs = []
        for i, det in enumerate(dets):
            for track in self._tracks:
                cost = self._match_cost(det, track, t)
                if cost is not None:
                    pairs.append((0 if track.confirmed else 1, cost, i, track))
        pairs.sort(key=lambda x: (x[0], x[1]))
        used_dets: set[int] = set()
        used_tracks: set[int] = set()
        out: list[tuple[HandObservation, _Track | None]] = []
        for _, _, i, track in pairs:
            if i in used_dets or track.id in used_tracks:
                continue
            used_dets.add(i)
            used_tracks.add(track.id)
            out.append((dets[i], track))
        out += [(det, None) for i, det in enumerate(dets) if i not in used_dets]
        return out

    def _continue(self, track: _Track, det: HandObservation, t: float) -> None:
        p = self.params
        size = hand_size_px(det)
        if not track.confirmed:
            # consecutive: seen in the previous analysed frame, not too long ago (a live stream on a slow
            # machine analyses 8-12 a second: 0.08-0.12 s apart), or at most one 30 fps frame missed
            gap = t - track.last_t
            consecutive = gap <= 2.5 / 30.0 or (track.last_frame == self._frame - 1 and gap <= p.confirm_gap_s)
            consistent = consecutive and _shape_change(det, track.obs) <= p.max_step_shape_change
            track.streak = track.streak + 1 if consistent else 1
            track.streak_t = track.streak_t if consistent else t
            # only the streak that earns belief is named: its last confirm_frames frames at most
            track.pending = ((track.pending if consistent else []) + [(t, det)])[-p.confirm_frames:]
            track.size = size  # a candidate is judged on its latest size, not an average with a jump in it
        else:
            alpha = 1.0 - math.exp(-max(t - track.last_t, 0.0) / p.size_smoothing_s)
            track.size += alpha * (size - track.size)
        track.obs, track.last_t, track.last_frame = det, t, self._frame

    def _vote(self, track: _Track, det: HandObservation) -> None:
        sign = 1.0 if det.handedness == "Right" else -1.0 if det.handedness == "Left" else 0.0
        track.handedness_votes = max(-10.0, min(10.0, track.handedness_votes + sign * det.score))

    def _smaller_and_steady(self, track: _Track, t: float) -> bool:
        """A candidate refused as smaller than every real hand remembered, yet detected steadily for a
        whole ``smaller_steady_s``: the hand believed first was the foot's toes (believed with nothing
        to compare them with; they are larger than a real hand, never smaller)."""
        smallest = min(s for s, _ in self._remembered.values())
        return (track.size * self.params.max_size_ratio < smallest
                and t - track.streak_t >= self.params.smaller_steady_s)

    def _unbelieve_larger_than(self, hand: _Track) -> None:
        """Believed tracks and remembered sizes too large to be ``hand``'s fellow hand were toes: they
        are candidates again (never believed while the hand's size is remembered), and the working
        thumb is chosen afresh."""
        limit = self.params.max_size_ratio * hand.size
        for k in self._tracks:
            if k.confirmed and k.size > limit:
                k.confirmed, k.pending = False, []
                k.tips.clear()
                if k.id == self._working_id:
                    self._working_id, self._left_t, self._challenger = None, None, None
        if self._worker_at is not None and self._worker_at[1] > limit:
            # the worker was the toes too, though gone from view: nobody worked, so nobody left, and the
            # hand need not have moved in to take the role
            self._working_id, self._worker_at, self._left_t, self._challenger = None, None, None, None
        self._remembered = {i: (s, seen) for i, (s, seen) in self._remembered.items() if s <= limit}

    def _size_believable(self, size: float) -> bool:
        if not self._remembered:
            return True
        limit = math.log(self.params.max_size_ratio)
        return any(abs(math.log(size / s)) <= limit for s, _ in self._remembered.values())

    # ------------------------------------------------------------------ the working thumb

    def _record_thumb(self, track: _Track, det: HandObservation, t: float) -> None:
        track.tips.append((t, det.xy[HandLandmark.THUMB_TIP].astype(np.float64),
                           thumb_relative_to_palm(det).astype(np.float64)))
        while track.tips and t - track.tips[0][0] > self.params.working_window_s:
            track.tips.popleft()
        if len(track.tips) < 3:
            track.score = 0.0
            return
        times = np.array([x[0] for x in track.tips])
        tips = np.array([x[1] for x in track.tips])
        rel = np.array([x[2] for x in track.tips])
        track.score = max(_detrended_spread(times, tips), _detrended_spread(times, rel)) / track.size

    def _confirmed(self) -> list[_Track]:
        return [k for k in self._tracks if k.confirmed]

    def _choose_working(self, t: float) -> None:
        p = self.params
        tracks = self._confirmed()
        current = next((k for k in tracks if k.id == self._working_id), None)
        live = [k for k in tracks if k.last_t == t]
        if current is None:
            if self._working_id is not None:  # the working hand just left
                self._left_t, self._working_id = t, None
            self._challenger = None
            if self._left_t is not None and t - self._left_t <= p.forget_s:
                # Not handed to the hand still holding the foot (its still thumb would read as a
                # hold) unless its thumb starts to work; a hand that came into view after the worker
                # left takes it if it moved in, or came back where the worker was: toes taken for a
                # hand pop up in place, at the toes, and their "thumb" jitters as if it worked.
                back = [k for k in live if (self._came_in(k) if k.first_t > self._left_t - p.lost_s
                                            else k.score >= p.working_min)]
                if back:
                    self._working_id = max(back, key=lambda k: (k.score, k.first_t)).id
                    self._left_t = None
                return
            # no worker yet: the most active believed hand, the longest followed on a tie (the
            # holding hand and a pressing thumb are both still)
            self._working_id = max(live, key=lambda k: (k.score, -k.first_t)).id if live else None
            return
        self._worker_at = (current.obs.xy.mean(axis=0), current.size)
        others = [k for k in live if k.id != current.id]
        best = max(others, key=lambda k: k.score, default=None)
        if best is not None and best.score >= p.working_min and best.score > p.switch_ratio * current.score:
            if self._challenger is None or self._challenger[0] != best.id:
                self._challenger = (best.id, t)
            elif t - self._challenger[1] >= p.switch_after_s:
                self._working_id, self._challenger = best.id, None
        else:
            self._challenger = None

    def _count_look(self, track: _Track, det: HandObservation, t: float) -> None:
        """Count what the look at the picture said of this detection (``covers_the_foot``) and, while
        the track is foot-like and not believed, keep what _foot_at_rest asks of it.

        Toes' "fingers" are short in most frames (long in a fifth: not looked at), a real hand's now
        and then: a look of toes counts 2, long fingers -1, a look of a hand -2. Toes then win from
        their second frame on; a fist whose look said toes in 10 of 120 frames does not."""
        track.toes_votes += {True: 2, None: -1, False: -2}[det.covers_the_foot]
        if not track.foot_like or track.confirmed:
            return
        form = _form(det)
        if len(track.first_forms) < FORM_FRAMES:
            track.first_forms.append(form)
        track.forms.append(form)
        track.foot_path.append((t, det.xy[HandLandmark.THUMB_TIP].astype(np.float64)))
        while t - track.foot_path[0][0] > self.params.foot_stroke_window_s:
            track.foot_path.popleft()

    def _foot_at_rest(self, track: _Track) -> bool:
        """A track the picture mostly said is the foot's toes (``covers_the_foot``), with no real hand
        seen lately, that has not moved ``came_in_travel`` hand sizes since first seen, nor changed
        its form by ``foot_shape_change`` (_form_change), nor stroked (its thumb tip's path a sinusoid
        for ``foot_stroke_share`` of its variance, over ``foot_stroke_window_s``).

        A hand alone in view (no foot) can look the same, since it is then most of the skin: it is
        believed once it moves, its fingers do (real footage: 5-43 frames) or its thumb strokes in
        place, which toes did not (3 s of 11 bare feet: form change at most 0.13, the thumb's
        sinusoid at most 0.48 of its jitter; strokes 0.65-0.99 at the median)."""
        if not track.foot_like or self._remembered:
            return False
        p = self.params
        return (not self._travelled(track)
                and _form_change(track.first_forms, track.forms) < p.foot_shape_change
                and not _strokes(track.foot_path, p.foot_stroke_share, track.size))

    def _came_in(self, k: _Track) -> bool:
        """A hand seen first where the worker was last seen, or that has moved since it was first seen."""
        p = self.params
        if self._worker_at is not None:
            where, size = self._worker_at
            if float(np.linalg.norm(k.first_xy - where)) <= p.came_back_within * size:
                return True
        return self._travelled(k)

    def _travelled(self, k: _Track) -> bool:
        """It has moved ``came_in_travel`` hand sizes since it was first seen."""
        return float(np.linalg.norm(k.obs.xy.mean(axis=0) - k.first_xy)) >= self.params.came_in_travel * k.size

    def _both_now(self) -> bool:
        tracks = self._confirmed()
        if len(tracks) < 2:
            return False
        a, b = sorted(tracks, key=lambda k: -k.score)[:2]
        return b.score >= self.params.working_min and b.score >= self.params.both_ratio * a.score

    def _update_both(self, t: float) -> None:
        now = self._both_now()
        if now == self._both:
            self._both_since = None
        elif self._both_since is None:
            self._both_since = t
        elif t - self._both_since >= self.params.both_after_s:
            self._both, self._both_since = now, None

    def _working_ids(self) -> tuple[int, ...]:
        if self._working_id is None:
            return ()
        if self._both:
            other = max((k for k in self._confirmed() if k.id != self._working_id), key=lambda k: k.score,
                        default=None)
            if other is not None:
                return (self._working_id, other.id)
        return (self._working_id,)


def _detrended_spread(times: np.ndarray, xy: np.ndarray) -> float:
    """RMS distance of the points from a straight-line drift in time: strokes go to and fro,
    while a holding hand swaying with the foot (0.2-0.3 a second) drifts nearly straight over 1 s.

    A landmark set MediaPipe gets badly wrong for one frame (a second hand's first detection by the
    two-hand landmarker: its thumb 90 px off) would make a still thumb "work" for a whole window, so
    the farthest points, over ``OUTLIER_MEDIANS`` times the median distance, are left out and the line
    fitted again: at most one in ten (one below ten points). Strokes are never that uneven (a sine's
    farthest point is 1.4 times its median distance, a triangle's 2), nor is sensor jitter (3 times
    its median in about one point in 500)."""
    residual = _off_line(times, xy)
    dist = np.sqrt(np.sum(residual ** 2, axis=1))
    limit = OUTLIER_MEDIANS * float(np.median(dist))
    far = np.argsort(dist)[::-1][:max(1, len(dist) // 10)]
    far = far[dist[far] > limit]
    if far.size and len(dist) - far.size >= 3:
        keep = np.ones(len(dist), bool)
        keep[far] = False
        residual = _off_line(times[keep], xy[keep])
    return float(np.sqrt(np.mean(np.sum(residual ** 2, axis=1))))


def _form(obs: HandObservation) -> np.ndarray:
    """The landmarks about the wrist in the detection's own hand size: its shape without its scale
    (toes' "hand" is found 20 % larger or smaller from one frame to the next)."""
    return (obs.xy - obs.xy[HandLandmark.WRIST]) / max(hand_size_px(obs), 1e-6)


def _form_change(first: list, latest) -> float:
    """Mean landmark move (hand sizes) between a track's mean form at first and its mean form lately.
    Means of a few frames: toes' skeleton flickers among a few fits (0.39-0.46 between two frames on
    one bare foot) and comes back; fingers that change their shape stay changed."""
    if not first or not latest:
        return 0.0
    return float(np.mean(np.linalg.norm(np.mean(first, axis=0) - np.mean(list(latest), axis=0), axis=1)))


def _strokes(path, share: float, size: float) -> bool:
    """Whether the thumb tip's path ((t, xy) pairs) strokes: one sinusoid of 1.5 cycles or more in the
    window, up to 4.5 a second, explains at least ``share`` of its variance (jitter: a fraction of that),
    and swings at least 0.02 hand sizes (a still thumb's noise is no stroke, however regular)."""
    if len(path) < 10:
        return False
    times = np.array([x[0] for x in path])
    tips = np.array([x[1] for x in path])
    fit = fit_sinusoid(times, tips, trial_frequencies(times, 1.5, 4.5))
    if fit is None or fit.explained_var < 0.5 * (0.02 * size) ** 2:  # a sine of amplitude A: A^2 / 2 a sample
        return False
    return fit.explained_var >= share * (fit.explained_var + fit.residual_var)


def _off_line(times: np.ndarray, xy: np.ndarray) -> np.ndarray:
    """The points' offsets from their least-squares straight line in time."""
    # The least-squares line in closed form: the centred time is orthogonal to the constant term.
    centred_t = times - times.mean()
    residual = xy - xy.mean(axis=0)
    t_var = float(centred_t @ centred_t)
    if t_var > 0:
        residual = residual - np.outer(centred_t, centred_t @ residual / t_var)
    return residual


def _shape_change(a: HandObservation, b: HandObservation) -> float:
    """Mean landmark move relative to the wrist between two detections, in hand sizes."""
    wrist = HandLandmark.WRIST
    moved = np.linalg.norm((a.xy - a.xy[wrist]) - (b.xy - b.xy[wrist]), axis=1)
    return float(np.mean(moved)) / max(hand_size_px(b), 1e-6)
