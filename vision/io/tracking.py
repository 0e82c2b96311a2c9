"""The MediaPipe adapter: RGB frames in, HandObservation (or None) out.

Nothing MediaPipe-shaped leaves this module. One tracker per stream: VIDEO
mode keeps tracking state between frames and refuses timestamps that do not
increase, so the tracker feeds MediaPipe its own strictly increasing
millisecond count while the observation keeps the frame's true time.
"""

from __future__ import annotations

import importlib.util
import math
import os
import sys
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from types import SimpleNamespace
from typing import Callable

import numpy as np

from ..core.hands import TOES_SIZE_RATIO, toes_beside
from ..core.landmarks import HandObservation
from .closer_look import CloserLook, CloserLookOptions, same_hand_of_a_size, window_around
from .direct_calls import call_directly
from .model import hand_model_path
from .native_stderr import quiet as quiet_native_stderr
from .no_telemetry import block_outbound_http
from .scene_change import SceneOutsideHands
from .toes_look import ToesLook

block_outbound_http()  # MediaPipe's usage logger must not reach the network (no_telemetry.py)
os.environ.setdefault("GLOG_minloglevel", "2")  # MediaPipe's C++ logging: errors only
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


@dataclass(frozen=True)
class TrackerOptions:
    """Thresholds passed to MediaPipe's HandLandmarker (its defaults are 0.5)."""

    max_hands: int = 2  # one hand holds the foot while the other's thumb works (vision/core/hands.py picks)
    min_detection_confidence: float = 0.5
    min_presence_confidence: float = 0.5
    min_tracking_confidence: float = 0.5
    # With fewer hands in view than max_hands, MediaPipe's VIDEO mode runs its palm detector on
    # every frame (2.5 times the cost of tracking one hand here). While only one hand is seen,
    # track it with a one-hand landmarker and look for a second hand every this many frames.
    second_hand_search_every: int = 6
    second_hand_search_slowest: int = 24  # ... each search finding the hand and the toes again doubling it
    # ... and a search waits (up to the slowest) while nothing moved outside the hands since the last
    # one (io/scene_change.py): on a still camera, what it would see is what it saw. True: it never waits.
    search_while_still: bool = False
    # Look in quarters of the frame for hands too small for the whole frame's palm detector
    # (io/closer_look.py), while fewer than max_hands are found.
    closer_look: bool = True
    # ... and a quarter at once where the picture moves away from the hands found (the hand coming in
    # beside the toes the whole frame took for a hand: io/closer_look.py, _moved_look)
    closer_look_when_moved: bool = True
    # Two "hands" this far apart in size are a hand and the foot's toes (core/hands.py): only the hand
    # is followed (the one-hand landmarker, set on it), as when one hand is in view.
    toes_size_ratio: float = TOES_SIZE_RATIO
    # A hand followed alone that is suddenly that much larger than the hand last seen (this recently)
    # is the toes the landmarker jumped to: the closer look searches on as if no hand were found.
    hand_memory_s: float = 3.0
    # While the closer look follows a hand the whole frame has missed this many frames in a row, the
    # whole frame is looked at only on the second-hand search frames: its palm detector cannot see that
    # hand, and each look costs as much as following it (0: look every frame).
    whole_frame_rests_after: int = 3
    # A "hand" with short fingers is looked at in the picture (one look a place every 0.5 s): the toes of
    # a bare foot cover most of its skin (io/toes_look.py); core/hands.py believes them only once they move,
    # and only while no real hand has been seen.
    toes_look: bool = True


class SecondHandSearch:
    """Which landmarker a frame goes to: the two-hand one while two hands are tracked, else the cheap
    one-hand one, with the two-hand one looking for a second hand now and then: ``every`` frames after
    one hand is left. A hand and the foot's toes found together are one hand worth following: the
    cheap one at once, and each search finding them again doubles the wait, up to ``slowest`` frames
    (a search costs a palm detection: 2.3 times a tracked frame). Any other search finding one hand
    keeps the wait at ``every``: the one-hand landmarker may follow the toes while the hand comes back.
    A search that is due waits while ``moved()`` says nothing moved outside the hands since the last
    one, up to ``slowest`` frames after it."""

    def __init__(self, every: int, slowest: int | None = None):
        self.every = every
        self.slowest = max(every, slowest or every)
        self.two = True  # start by looking for both
        self._frames_with_fewer = 0
        self._since_search = 0
        self._wait = every
        self._asked = False  # look_now: the next search is due and does not wait

    def use_two(self, moved: Callable[[], bool] = lambda: True) -> bool:
        """Whether this frame goes to the two-hand landmarker; ``moved`` is asked only when a search is due."""
        if self.two or self.every <= 1:
            return True
        self._since_search += 1
        if self._since_search >= self._wait and (self._asked or self._since_search >= self.slowest or moved()):
            self._since_search, self._asked = 0, False
            return True
        return False

    def found(self, used_two: bool, hands: int, toes: bool = False) -> None:
        """What the frame's landmarker found: ``hands`` worth following, and whether toes were beside them."""
        if not used_two:
            return
        if hands >= 2:
            self.two, self._frames_with_fewer = True, 0
        elif not self.two:  # a search that found no second hand: the hand and the toes again wait longer
            self._wait = min(2 * self._wait, self.slowest) if toes else self.every
        elif toes and hands:
            self._one_hand_left()
        else:
            self._frames_with_fewer += 1
            if self._frames_with_fewer >= self.every:
                self._one_hand_left()

    def _one_hand_left(self) -> None:
        self.two, self._frames_with_fewer, self._since_search, self._wait = False, 0, 0, self.every

    def look_now(self) -> None:
        """The next frame goes to the two-hand landmarker (the one-hand one followed the toes)."""
        self._since_search, self._asked = self._wait, True


landmarkers_loaded = 0  # MediaPipe HandLandmarkers made (each loads the model) in this process: for tests
_BLANK_SIDE = 64


class HandTracker:
    """The hands of one stream, from MediaPipe HandLandmarkers (which runs when: TrackerOptions,
    SecondHandSearch, io/closer_look.py); use as a context manager.

    >>> with HandTracker() as tracker:
    ...     obs = tracker.process(rgb, t=0.033)
    """

    def __init__(self, model_path: str | Path | None = None, options: TrackerOptions = TrackerOptions()):
        tasks = import_hand_landmarker()
        self._mp_image = _mp_image_factory(tasks)
        # Each landmarker's first inferences with a hand print native warnings (once per landmarker,
        # e.g. LiteRT's "Input tensor memory is not aligned"): each stays quiet until it has found one.
        self._warmed: set[int] = set()
        with quiet_native_stderr():
            self._landmarker = self._create(tasks, model_path, options)
            self._one_hand = None
            if options.max_hands == 2 and options.second_hand_search_every > 1:
                self._one_hand = self._create(tasks, model_path, replace(options, max_hands=1))
            # The closer look's quarter searcher, made now (it searches from the first frame on); the
            # landmarker that follows a hand in a window is made when a quarter first finds one.
            self._quarter_searcher = (self._create(tasks, model_path, replace(options, max_hands=2), image_mode=True)
                                      if options.closer_look else None)
        self._window_follower = None
        self._search = SecondHandSearch(options.second_hand_search_every, options.second_hand_search_slowest)
        self._scene = None if options.search_while_still else SceneOutsideHands()
        self._last_hands: list[HandObservation] = []  # the last frame's: where the hands are followed now
        self._toes_look = ToesLook() if options.toes_look else None
        self._options, self._model_path, self._tasks = options, model_path, tasks
        self._closer = CloserLook(self._search_quarter, self._follow_window, self._forget_window, _observations,
                                  CloserLookOptions(toes_size_ratio=options.toes_size_ratio),
                                  SceneOutsideHands(tight=True) if options.closer_look_when_moved else None
                                  ) if options.closer_look else None
        # Set when a hand and the toes were found together: the one-hand landmarker's next frame shows
        # only this window (x, y, w, h) around the hand, so it takes up the hand and not the toes.
        self._set_on: tuple[int, int, int, int] | None = None
        self._set_on_hand: HandObservation | None = None  # the hand found beside the toes
        self._hand_seen: tuple[float, HandObservation] | None = None  # (t, the last real hand seen)
        self._on_toes = False  # the one-hand landmarker follows the toes (a look for both was asked)
        self._missed_followed = 0  # frames in a row the whole frame found nothing while the closer look followed
        self._last_timestamp_ms = -1
        self._last_t: float | None = None  # the frame time behind it
        self._closed = False
        self.resets = 0
        self.whole_frame_passes = 0  # landmarker passes over the whole frame (either landmarker)

    @property
    def closer_look(self) -> CloserLook | None:
        """The quarter searcher, with its counts of ``searches`` and ``follows`` (None when it is off)."""
        return self._closer

    @staticmethod
    def _create(tasks, model_path, options, image_mode: bool = False):
        global landmarkers_loaded
        with _IMPORT_LOCK:
            landmarkers_loaded += 1
        landmarker = tasks.HandLandmarker.create_from_options(
            tasks.HandLandmarkerOptions(
                base_options=tasks.BaseOptions(model_asset_path=str(hand_model_path(model_path))),
                running_mode=tasks.RunningMode.IMAGE if image_mode else tasks.RunningMode.VIDEO,
                num_hands=options.max_hands,
                min_hand_detection_confidence=options.min_detection_confidence,
                min_hand_presence_confidence=options.min_presence_confidence,
                min_tracking_confidence=options.min_tracking_confidence,
            )
        )
        call_directly(landmarker, tasks.c_signatures)  # no thread hand-offs a call (io/direct_calls.py)
        return landmarker

    def process_all(self, rgb: np.ndarray, t: float) -> list[HandObservation]:
        """Every hand found in one RGB uint8 (H, W, 3) frame taken at ``t`` seconds, most confident first.

        Up to ``TrackerOptions.max_hands``; an empty list when no hand is found. Which
        of them is the working hand is not decided here (vision/core/hands.py does).
        """
        if self._closed:
            raise RuntimeError("HandTracker is closed")
        if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8:
            raise ValueError(f"expected an RGB uint8 (H, W, 3) frame, got {rgb.dtype} {rgb.shape}")
        timestamp_ms = self._clock_ms(t)
        height, width = rgb.shape[:2]
        following_one = self._one_hand is not None and not self._search.two
        search = self._one_hand is None or self._search.use_two(lambda: self._scene_moved(rgb))
        if following_one:
            if self._whole_frame_rests():
                hands = []
            else:
                shown = rgb if self._set_on is None else _only_window(rgb, self._set_on)
                self._set_on = None
                hands = self._track(self._one_hand, shown, timestamp_ms, t)
            on_toes = bool(hands) and self._toes_by_memory(hands[0], t)
            if on_toes and not self._on_toes:
                self._search.look_now()  # it took up the toes: both are looked at again
            self._on_toes = on_toes
            if search:
                # The followed hand keeps coming from the one-hand landmarker: the two-hand one's view
                # of it differs (its own smoothing, a stale region) and would jolt a hold into strokes.
                found = self._track(self._landmarker, rgb, timestamp_ms, t)
                self._note_toes(found, hands, width, height)
                hands += [h for h in found if not any(self._seen_twice(h, k) for k in hands)]
                if self._scene is not None:
                    self._scene.looked(rgb, hands)
        else:
            hands = self._track(self._landmarker, rgb, timestamp_ms, t)
            self._note_toes(hands, [], width, height)
            if self._scene is not None:
                self._scene.forget()
        toes = {id(h) for h in hands if self._toes_by_memory(h, t)}  # judged once, after _note_toes
        self._missed_followed = self._missed_followed + 1 if not hands and self._closer_follows() else 0
        if self._closer is not None:
            # Toes the landmarkers jumped to are no hand to leave alone: the closer look searches on.
            seen = self._recent_hand(t)
            found = self._closer.step(rgb, t, timestamp_ms, [h for h in hands if id(h) not in toes],
                                      self._options.max_hands, () if seen is None else (seen,),
                                      tuple(h for h in hands if id(h) in toes))
            toes |= {id(h) for h in found if self._toes_by_memory(h, t)}
            hands += found
        if self._toes_look is not None:
            marked = self._toes_look.mark(rgb, hands, t)
            toes = {id(new) for old, new in zip(hands, marked) if id(old) in toes}
            hands = marked
        hands.sort(key=lambda h: -h.score)
        self._remember_hand(hands, toes, t)
        self._last_hands = hands
        return hands

    def _scene_moved(self, rgb: np.ndarray) -> bool:
        """Whether a due search is worth making: anything moved outside the hands since the last one."""
        return self._scene is None or self._scene.moved(rgb, self._last_hands)

    def _closer_follows(self) -> bool:
        return self._closer is not None and self._closer.following

    def _whole_frame_rests(self) -> bool:
        """Skip the one-hand landmarker this frame: the closer look follows a hand the whole frame has
        missed ``whole_frame_rests_after`` frames in a row (the search frames still look at all of it)."""
        after = self._options.whole_frame_rests_after
        return (after > 0 and self._missed_followed >= after and self._set_on is None
                and self._closer_follows())

    def _toes_by_memory(self, hand: HandObservation, t: float) -> bool:
        """Far larger than the hand set on beside the toes, or than the last real hand seen lately."""
        ratio = self._options.toes_size_ratio
        if self._set_on_hand is not None and toes_beside(hand, [self._set_on_hand], ratio):
            return True
        seen = self._recent_hand(t)
        return seen is not None and toes_beside(hand, [seen], ratio)

    def _recent_hand(self, t: float) -> HandObservation | None:
        """The last real hand seen, if within ``hand_memory_s``."""
        if self._hand_seen is None or t - self._hand_seen[0] > self._options.hand_memory_s:
            return None
        return self._hand_seen[1]

    def _remember_hand(self, hands: list[HandObservation], toes_by_memory: set[int], t: float) -> None:
        """The most confident hand of the frame that is neither toes beside another, nor toes by memory
        (``toes_by_memory``: the ids of the frame's hands ``_toes_by_memory`` took for toes), nor the
        toes of a bare foot by their look (``covers_the_foot``)."""
        ratio = self._options.toes_size_ratio
        real = [h for h in hands if id(h) not in toes_by_memory and not toes_beside(h, hands, ratio)
                and h.covers_the_foot is not True]
        if real:
            self._hand_seen = (t, real[0])

    def _track(self, landmarker, rgb: np.ndarray, timestamp_ms: int, t: float) -> list[HandObservation]:
        self.whole_frame_passes += 1
        image = self._mp_image(np.ascontiguousarray(rgb))
        result = self._detect(landmarker, lambda: landmarker.detect_for_video(image, timestamp_ms))
        return _observations(result, rgb.shape[1], rgb.shape[0], t)

    def _note_toes(self, hands: list[HandObservation], followed: list[HandObservation], width: int,
                   height: int) -> None:
        """Tell the second-hand search what the two-hand landmarker found; a hand with the toes beside
        it sets the one-hand landmarker on the hand, unless it ``followed`` that hand this frame."""
        ratio = self._options.toes_size_ratio
        kept = [h for h in hands if not toes_beside(h, hands, ratio)]
        toes = len(kept) < len(hands)
        self._search.found(True, len(kept), toes)
        if not toes:
            self._set_on_hand = None
            return
        self._set_on_hand = kept[0]
        if self._one_hand is not None and not self._search.two and \
                not any(self._seen_twice(kept[0], f) for f in followed):
            self._set_on = window_around(kept[0], width, height)

    def _seen_twice(self, a: HandObservation, b: HandObservation) -> bool:
        """One hand from both landmarkers."""
        return same_hand_of_a_size(a, b, self._options.toes_size_ratio)

    def _detect(self, landmarker, run):
        """``run()``'s result: quiet until ``landmarker`` has found a hand (its first inferences warn)."""
        if id(landmarker) in self._warmed:
            return run()
        with quiet_native_stderr():
            result = run()
        if result.hand_landmarks:
            self._warmed.add(id(landmarker))
        return result

    def _search_quarter(self, rgb: np.ndarray):
        searcher = self._quarter_searcher
        return self._detect(searcher, lambda: searcher.detect(self._mp_image(rgb)))

    def _follow_window(self, rgb: np.ndarray, timestamp_ms: int):
        if self._window_follower is None:
            with quiet_native_stderr():
                self._window_follower = self._create(self._tasks, self._model_path,
                                                     replace(self._options, max_hands=1))
        follower = self._window_follower
        return self._detect(follower, lambda: follower.detect_for_video(self._mp_image(rgb), timestamp_ms))

    def _forget_window(self, timestamp_ms: int) -> None:
        """The window's landmarker forgets the hand it followed."""
        self._show_blank((self._window_follower,), timestamp_ms)

    def _show_blank(self, landmarkers, timestamp_ms: int) -> None:
        """Show VIDEO-mode landmarkers (None: skipped) a blank frame: no hand there, so nothing is left
        to track from, and their next frame starts from a palm detection."""
        blank = self._mp_image(np.zeros((_BLANK_SIDE, _BLANK_SIDE, 3), np.uint8))
        with quiet_native_stderr():
            for landmarker in landmarkers:
                if landmarker is not None:
                    landmarker.detect_for_video(blank, timestamp_ms)

    def process(self, rgb: np.ndarray, t: float) -> HandObservation | None:
        """The most confident hand in the frame, or None: a convenience for one-hand callers."""
        hands = self.process_all(rgb, t)
        return hands[0] if hands else None

    def reset(self) -> None:
        """Forget the stream so far: the next frame is tracked as a new tracker's first frame would be.

        For reusing one tracker (its loaded model) across videos, e.g. a batch worker's.
        A HandLandmarker in VIDEO mode cannot be rewound, and keeps two things between
        frames: its clock, which must keep increasing (so it goes on, and the next frame
        is its last timestamp + 1 ms, whatever that frame's own time), and the hands of
        the last frame, from which it tracks instead of running the palm detector. Each
        landmarker is shown one blank frame: no hand there, so nothing is left to track
        from, and the next frame starts from a palm detection, as a new tracker's does.
        The second-hand search starts over too. tests/test_tracking_reset.py checks that
        a reset tracker's reports equal a new tracker's.
        """
        if self._closed:
            raise RuntimeError("HandTracker is closed")
        if self._last_timestamp_ms >= 0:  # a tracker that saw no frame has nothing to forget
            self._last_t = None
            self._show_blank((self._landmarker, self._one_hand, self._window_follower), self._clock_ms(0.0))
            self._last_t = None  # the next frame's gap is unknown: 1 ms on
        self._search = SecondHandSearch(self._search.every, self._search.slowest)
        if self._scene is not None:
            self._scene.forget()
        self._last_hands = []
        self._set_on, self._set_on_hand, self._hand_seen, self._on_toes = None, None, None, False
        self._missed_followed = 0
        if self._closer is not None:
            self._closer.reset()
        if self._toes_look is not None:
            self._toes_look.forget()
        self._warmed.clear()
        self.resets += 1

    MAX_STEP_MS = 10_000  # MediaPipe's tracking needs no larger gap; its clock must stay far from overflow

    @property
    def clock_ms(self) -> int:
        """The MediaPipe timestamp (ms) given to the last frame; -1 before any."""
        return self._last_timestamp_ms

    def _clock_ms(self, t: float) -> int:
        """MediaPipe's clock: 0 at the first frame, then strictly increasing by the frame gaps (1 ms to
        MAX_STEP_MS), whatever the times were: 1e13 s, NaN and backward jumps cannot reach it."""
        last_ms, last_t = self._last_timestamp_ms, self._last_t
        if last_ms < 0:
            ms = 0
        else:
            gap = (t - last_t) * 1000.0 if math.isfinite(t) and last_t is not None else 1.0
            ms = last_ms + int(min(max(round(gap), 1), self.MAX_STEP_MS))
        if math.isfinite(t):
            self._last_t = t
        self._last_timestamp_ms = ms
        return ms

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            with quiet_native_stderr():
                for landmarker in (self._landmarker, self._one_hand, self._quarter_searcher, self._window_follower):
                    if landmarker is not None:
                        landmarker.close()

    def __enter__(self) -> "HandTracker":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _only_window(rgb: np.ndarray, window: tuple[int, int, int, int]) -> np.ndarray:
    """The frame black outside ``window`` (x, y, w, h): what the one-hand landmarker sees to take up
    the hand there (same pixels, so its landmarks need no moving)."""
    x, y, w, h = window
    shown = np.zeros_like(rgb)
    shown[y:y + h, x:x + w] = rgb[y:y + h, x:x + w]
    return shown


def _observations(result, width: int, height: int, t: float) -> list[HandObservation]:
    """A HandLandmarker result's hands, in the pixels of the (width x height) picture it was given."""
    hands = []
    for landmarks, handedness in zip(result.hand_landmarks, result.handedness):
        points = np.array([(p.x, p.y, p.z) for p in landmarks], dtype=np.float32)
        category = handedness[0]
        hands.append(HandObservation.from_normalized(points, width, height, category.category_name,
                                                     category.score, t))
    return hands


def _mp_image_factory(tasks):
    Image, srgb = tasks.Image, tasks.ImageFormat.SRGB

    def make(rgb: np.ndarray):
        return Image(image_format=srgb, data=rgb)

    return make


# MediaPipe's package __init__ files import every task, the audio tasks (sounddevice) and the
# drawing utilities (matplotlib): about half a second a process that hand tracking never uses.
_IMPORT_LOCK = threading.Lock()
_EAGER_PACKAGES = ("mediapipe", "mediapipe.tasks.python", "mediapipe.tasks.python.vision")


def import_hand_landmarker() -> SimpleNamespace:
    """The HandLandmarker's Tasks modules, imported without the rest of MediaPipe.

    The three package __init__ files in ``_EAGER_PACKAGES`` are deferred, not
    skipped: the first attribute asked of such a package that is not yet there
    (``mediapipe.Image``, ``mediapipe.tasks.python.vision.drawing_utils``...)
    runs its __init__ then, so other code importing MediaPipe still gets all of it.
    """
    with _IMPORT_LOCK:  # two trackers may start at once, on two threads
        if _EAGER_PACKAGES[0] not in sys.modules:
            for name in _EAGER_PACKAGES:
                _defer_package_init(name)
            del sys.modules["mediapipe"].__dict__["tasks"]  # set by the import machinery; see __getattr__
        from mediapipe.tasks.python.core.base_options import BaseOptions
        from mediapipe.tasks.python.vision import hand_landmarker
        from mediapipe.tasks.python.vision.core.image import Image, ImageFormat
        from mediapipe.tasks.python.vision.core.vision_task_running_mode import VisionTaskRunningMode

    return SimpleNamespace(BaseOptions=BaseOptions, HandLandmarker=hand_landmarker.HandLandmarker,
                           HandLandmarkerOptions=hand_landmarker.HandLandmarkerOptions,
                           RunningMode=VisionTaskRunningMode, Image=Image, ImageFormat=ImageFormat,
                           c_signatures=getattr(hand_landmarker, "_CTYPES_SIGNATURES", ()))


_deferred_inits: dict = {}  # package name -> (module, spec) whose __init__ has not run yet


def _defer_package_init(name: str) -> None:
    """Register package ``name`` with its __path__ but without running its __init__ until needed."""
    spec = importlib.util.find_spec(name)
    module = importlib.util.module_from_spec(spec)

    def __getattr__(attr: str):
        # A submodule can be imported without the __init__, except from the top package, whose
        # __init__ rebinds ``mediapipe.tasks`` to ``mediapipe.tasks.python``.
        if "." in name and not attr.startswith("__") and importlib.util.find_spec(f"{name}.{attr}"):
            return importlib.import_module(f"{name}.{attr}")  # a submodule: no need for the __init__
        _run_deferred_inits()
        return getattr(module, attr)

    module.__getattr__ = __getattr__
    _deferred_inits[name] = (module, spec)
    sys.modules[name] = module
    parent, _, child = name.rpartition(".")
    if parent:
        setattr(sys.modules[parent], child, module)


def _run_deferred_inits() -> None:
    """Run every deferred __init__, innermost package first: the order a plain ``import mediapipe``
    ends in (mediapipe's own __init__ rebinds ``mediapipe.tasks``, so it must come last)."""
    if "mediapipe" in _deferred_inits:  # until then ``mediapipe.tasks`` is the package, as in a plain import
        sys.modules["mediapipe"].__dict__.setdefault("tasks", sys.modules["mediapipe.tasks"])
    for name in reversed(_EAGER_PACKAGES):
        if name in _deferred_inits:
            module, spec = _deferred_inits.pop(name)
            del module.__dict__["__getattr__"]
            spec.loader.exec_module(module)  # the real __init__, in this very module
