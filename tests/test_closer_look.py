"""The tracker's closer look (vision/io/closer_look.py), with the real hand model on a real picture.

tests/data/small_grip_on_foot.jpg: a thumbs-up grip 62 px across the palm on a foot, 640x480 (a
frame of make eval's hard-set clip h1_01; how it was made is in small_grip_on_foot.txt). MediaPipe's
palm detector, on the whole frame, finds the toes and never the hand.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pytest
from media import still_frame, write_video

from vision.io.closer_look import ninths, quarters
from vision.io.model import hand_model_path
from vision.io.tracking import HandTracker, TrackerOptions, import_hand_landmarker
from vision.io.video import iter_frames
from vision.pipeline import analyze_video

PICTURE = Path(__file__).parent / "data" / "small_grip_on_foot.jpg"
THUMB_XY = np.array([320.2, 239.7])  # where the generator put the thumb tip
PALM_PX = 62.4
FPS = 20


@pytest.fixture(scope="module")
def grip():
    return cv2.cvtColor(cv2.imread(str(PICTURE)), cv2.COLOR_BGR2RGB)


def frames_of(rgb, seconds: float, fps: int = FPS, seed: int = 0):
    """The picture as a camera would give it: a little sensor noise on every frame."""
    rng = np.random.default_rng(seed)
    noisy = [np.clip(rgb + rng.normal(0, 2.0, rgb.shape), 0, 255).astype(np.uint8) for _ in range(7)]
    for k in range(int(seconds * fps)):
        yield k / fps, noisy[k % len(noisy)]


def thumb_found(hands) -> bool:
    return any(np.linalg.norm(h.thumb_tip - THUMB_XY) < 0.5 * PALM_PX for h in hands)


def track(rgb, seconds: float, options: TrackerOptions = TrackerOptions()):
    with HandTracker(options=options) as tracker:
        found = [(t, tracker.process_all(frame, t)) for t, frame in frames_of(rgb, seconds)]
        return found, tracker


def test_the_whole_frame_alone_misses_the_hand_and_takes_the_toes(grip):
    """The control: without the closer look the hand is never found (so the test below can fail)."""
    found, _ = track(grip, 3.0, TrackerOptions(closer_look=False))
    assert not any(thumb_found(hands) for _, hands in found)
    assert sum(bool(hands) for _, hands in found) > 0.8 * len(found)  # the toes, taken for a hand


def test_a_quarter_finds_the_small_hand_and_a_window_follows_it(grip):
    found, tracker = track(grip, 4.0)
    first = next(t for t, hands in found if thumb_found(hands))
    assert first <= 0.5  # the first round of quarters (this grip is in each quarter)
    after = [thumb_found(hands) for t, hands in found if t > first]
    assert np.mean(after) > 0.95
    # followed frame by frame in its window, not searched for again
    assert tracker.closer_look.follows >= len(after) - 2
    assert tracker.closer_look.searches <= 4


def test_the_first_round_of_quarters_goes_at_once_and_again_when_hands_come_back():
    """Beside a hand the whole frame has, the first round of quarters goes a tenth of a second apart, so
    a second hand too small for the whole frame is found within half a second, not two (make
    eval-hands' both-thumbs scene: its second hand was found after 1.0 s); again when hands come back
    into an empty frame after a long stretch in view (the search had slowed to one every 2 s)."""
    hand = still_frame(640, 480)
    empty = np.full_like(hand, 128)
    stream = ([(t, frame) for t, frame in frames_of(hand, 10.0)]
              + [(10.0 + t, empty) for t, _ in frames_of(empty, 1.0)]
              + [(11.0 + t, frame) for t, frame in frames_of(hand, 2.0)])
    searched_at = []
    with HandTracker() as tracker:
        for t, frame in stream:
            before = tracker.closer_look.searches
            hands = tracker.process_all(frame, t)
            if tracker.closer_look.searches > before and hands:
                searched_at.append(t)
    at_start = [t for t in searched_at if t < 10.0]
    back = [t - 11.0 for t in searched_at if t >= 11.0]
    assert len([t for t in at_start if t <= 0.35]) == 4  # a round of four quarters in a third of a second
    assert len([t for t in at_start if 0.35 < t <= 2.5]) == 4  # then one every half second
    assert len([t for t in back if t <= 0.35]) == 4


def test_two_thumbs_side_by_side_are_both_followed_from_the_first_round():
    """make eval-hands' both-thumbs scene (two thumbs-up grips stroking side by side on a foot photo in
    footage/, 55 px palms, two palms apart): the whole frame finds one; a quarter finds the other in the
    first round, and its window, which holds both, follows that one (the whole frame's hand blacked out
    of its first frame), so the engine sees two working thumbs within 1.3 s. Before: the second hand
    was found after 1.0 s, and both said after 1.8 s; found in the first round, the window's landmarker
    took up the first hand and lost the second."""
    import evaluate_hands as eh
    from vision.core.hands import HandTracks

    scene = eh.Scene("both_thumbs", "found0", 150, 55, "thumbs_up_png",
                     [eh.stroke(90, 4.0, at=(-0.9, 0.0)), eh.hold(3.0, at=(-0.9, 0.0)), eh.absent(2.5)],
                     holder_still=None, seed=4,
                     second_worker=[eh.stroke(80, 4.0, rate=75, at=(0.9, 0.3)),
                                    eh.stroke(80, 3.0, rate=75, at=(0.9, 0.3)), eh.absent(2.5)])
    tracks, both_from, two_found = HandTracks(), None, []
    with HandTracker() as tracker:
        for t, rgb, truth in eh.render(scene):
            if t >= 2.5:
                break
            hands = tracker.process_all(rgb, t)
            near = [any(np.linalg.norm(h.thumb_tip - tip) < 0.5 * scene.palm_px for h in hands)
                    for tip in truth["tips"]]
            if t >= 0.5:
                two_found.append(all(near))
            if tracks.update(hands, t).both_working and both_from is None:
                both_from = t
    assert np.mean(two_found) >= 0.9
    assert both_from is not None and both_from <= 1.3  # 1.8 s before


SMALLER = Path(__file__).parent / "data" / "smaller_grip_on_foot.jpg"  # how it was made: the .txt beside it
SMALLER_THUMB_XY = np.array([319.8, 239.7])
SMALLER_PALM_PX = 49.2


def near_smaller_thumb(hands, offset=(0, 0)) -> bool:
    return any(np.linalg.norm(np.add(h, offset) - SMALLER_THUMB_XY) < 0.5 * SMALLER_PALM_PX for h in hands)


def test_a_grip_too_small_for_the_quarters_is_found_in_a_ninth():
    """A 49 px grip on a foot seen close (make eval's h3_08, lost for its first 7 s before ninths were
    searched): neither the whole frame nor any quarter finds it, a ninth of the frame does, and the
    tracker finds it within a second and a half (a ninth between each two quarters, once a round of
    quarters has found nothing) and follows it."""
    rgb = cv2.cvtColor(cv2.imread(str(SMALLER)), cv2.COLOR_BGR2RGB)
    tasks = import_hand_landmarker()
    options = tasks.HandLandmarkerOptions(base_options=tasks.BaseOptions(model_asset_path=str(hand_model_path())),
                                          running_mode=tasks.RunningMode.IMAGE, num_hands=2)
    landmarker = tasks.HandLandmarker.create_from_options(options)
    try:
        def thumbs_in(x, y, w, h):
            part = np.ascontiguousarray(rgb[y:y + h, x:x + w])
            result = landmarker.detect(tasks.Image(image_format=tasks.ImageFormat.SRGB, data=part))
            return [(lm[4].x * w, lm[4].y * h) for lm in result.hand_landmarks]

        assert not near_smaller_thumb(thumbs_in(0, 0, 640, 480))
        assert not any(near_smaller_thumb(thumbs_in(*q), q[:2]) for q in quarters(640, 480))
        assert any(near_smaller_thumb(thumbs_in(*n), n[:2]) for n in ninths(640, 480))
    finally:
        landmarker.close()
    found, _ = track(rgb, 3.0)
    tips = [(t, [h.thumb_tip for h in hands]) for t, hands in found]
    first = next(t for t, thumbs in tips if near_smaller_thumb(thumbs))
    assert 0.4 <= first <= 1.5
    assert np.mean([near_smaller_thumb(thumbs) for t, thumbs in tips if t > first]) > 0.95


def sample_in_a_wider_frame(seconds: float):
    """The bundled sample's frames in the middle of a 960x540 grey picture: its hand, 74 px across
    the palm, is then too small for the whole frame's palm detector, and a quarter finds it."""
    from vision.io.video import iter_frames

    sample = Path(__file__).resolve().parents[1] / "sample_videos" / "cross_friction_good.mp4"
    for frame in iter_frames(sample):
        if frame.t >= seconds:
            return
        wide = np.full((540, 960, 3), 90, np.uint8)
        wide[30:510, 160:800] = frame.rgb
        yield frame.t, wide


def test_while_a_window_follows_the_hand_the_whole_frame_rests():
    """A hand the whole frame misses costs one landmark pass a frame, not two: the whole frame is looked
    at again only on the second-hand search frames (every 6th), and the hand is kept as often."""
    frames = list(sample_in_a_wider_frame(5.0))
    kept, passes = {}, {}
    for rests_after in (TrackerOptions().whole_frame_rests_after, 0):
        with HandTracker(options=TrackerOptions(whole_frame_rests_after=rests_after)) as tracker:
            hands = [tracker.process_all(rgb, t) for t, rgb in frames]
            assert tracker.closer_look.follows > 0.9 * len(frames)  # the window follows the hand throughout
            kept[rests_after], passes[rests_after] = sum(bool(h) for h in hands), tracker.whole_frame_passes
    assert kept[3] >= kept[0] > 0.95 * len(frames), kept
    assert passes[3] < 0.3 * len(frames) and passes[0] > len(frames), passes


def judged_here(report) -> float:
    """The share of frames whose judged thumb is the grip's."""
    return float(np.mean([f.thumb_xy is not None and np.linalg.norm(np.subtract(f.thumb_xy, THUMB_XY)) < 0.5 * PALM_PX
                          for f in report.frames]))


def test_the_engine_judges_the_hand_not_the_toes(grip, tmp_path):
    """Through the whole offline path (two time ranges, the hand choice): the grip's thumb is judged."""
    clip = tmp_path / "small_grip.mp4"
    times, frames = zip(*frames_of(grip, 12.0, fps=15))
    write_video(clip, list(frames), list(times))
    report = analyze_video(clip, 104.0)
    assert judged_here(report) > 0.8
    # the two time ranges tracked one after the other give the same report (the cut is the video's)
    assert analyze_video(clip, 104.0, tracking_workers=1).to_json() == report.to_json()
    control = analyze_video(clip, 104.0, open_tracker=lambda: HandTracker(options=TrackerOptions(closer_look=False)))
    assert judged_here(control) == 0.0


def test_with_the_hand_found_by_the_whole_frame_the_search_slows_and_opens_nothing():
    """The common case costs little: a few quarters searched over 20 s, no window followed."""
    rgb = still_frame(640, 480)
    found, tracker = track(rgb, 20.0)
    assert all(len(hands) == 1 for _, hands in found[1:])
    # four quarters at 0.1 s, four at 0.5 s, four at 1 s, then one every 2 s: 18 in 20 s
    assert tracker.closer_look.searches <= 19
    assert tracker.closer_look.follows == 0


def test_a_hand_coming_back_while_the_whole_frame_has_none_is_found_within_a_second(grip):
    """While the whole frame has no hand at all, a quarter is searched every tenth of a second (it was
    one every 2 s after a long stretch with a hand): the small grip, back after a gap, is found at once."""
    hand_first = still_frame(640, 480)  # a large hand the whole frame finds: the search slows to its slowest
    no_toes = grip.copy()
    no_toes[:150] = 128  # the toes out of the picture, so the whole frame finds nothing at all
    stream = ([(t, hand_first) for t, _ in frames_of(hand_first, 12.0)]
              + [(12.0 + t, np.full_like(grip, 128)) for t, _ in frames_of(grip, 1.0)]
              + [(13.0 + t, frame) for t, frame in frames_of(no_toes, 3.0)])
    with HandTracker() as tracker:
        back = next(t for t, frame in stream if thumb_found(tracker.process_all(frame, t)) and t >= 13.0)
    assert back - 13.0 <= 1.0


# make eval's hard-set clip h2_03 (draw 2), its first three segments: a thumbs-up grip 46 px across the
# palm on a foot, 30 fps, blurred, held and then stroked fast. Both pictures are in footage/.
JUMP_SPEC = {
    "name": "h2_03_start", "still": "thumbs_up_png", "background": "ar_4", "foot_axis_deg": 119.63011037973811,
    "palm_px": 45.6, "fps": 30, "drop_prob": 0.03788327012325221, "vfr_jitter": 0.07512271353557534,
    "seed": 5203, "noise_sigma": 3.880318695055485, "blur_shutter": 0.6568424021233903, "thumb_only": False,
    "skin_match": False, "segments": [
        {"kind": "hold", "dur": 3.6892301723200944, "drift": 0.015766333727498978, "at": [0, 0], "jitter_px": 0.15},
        {"kind": "stroke", "dur": 3.567722342810501, "rel_deg": 43.9897594604537, "amp": 0.269, "rate": 208,
         "wave": "sine", "at": [0, 0], "expect": "oblique"},
        {"kind": "stroke", "dur": 5.204359562119023, "rel_deg": -36.74965923612733, "amp": 0.058, "rate": 127,
         "wave": "dwell", "at": [0, 0], "expect": "oblique"}]}


@pytest.fixture(scope="module")
def jump_clip(tmp_path_factory):
    import make_clips

    out = tmp_path_factory.mktemp("jump")
    truth = make_clips.make_clip(JUMP_SPEC, out, verify=False)
    return out / truth["video"], truth


def test_toes_the_landmarker_jumped_to_do_not_stop_the_search_for_the_hand(jump_clip):
    """In the fast strokes the landmarkers leave the blurred hand for the toes (3.6 times its size), and
    the whole frame finds only the toes from then on (none of the hand without the closer look). Those
    toes are no hand to leave alone: the closer look searches on, finds the hand in a quarter and follows
    it. Before, the hand was lost for seconds at a time (make eval's h2_03: 0.61 live -> 0.96): the
    tracker's memory of the hand's size told the toes apart. A hand found over the toes' landmark box is
    now not taken for part of them (io/closer_look.py, part_of), so it is kept even without that memory,
    the whole frame's rest or the quarter searched when the picture moves."""
    from vision.io.video import iter_frames

    path, truth = jump_clip
    frames = list(iter_frames(path))
    palm = truth["palm_px"]
    found = {}
    alone = dict(whole_frame_rests_after=0, closer_look_when_moved=False)
    configs = {"whole frame only": TrackerOptions(closer_look=False),
               "forgotten": TrackerOptions(hand_memory_s=0.0, **alone), "remembered": TrackerOptions(**alone),
               "default": TrackerOptions()}
    for name, options in configs.items():
        hits = counted = 0
        with HandTracker(options=options) as tracker:
            for frame, true in zip(frames, truth["frames"]):
                hands = tracker.process_all(frame.rgb, frame.t)
                if frame.t >= 4.0:  # the strokes (the hand is in view throughout)
                    counted += 1
                    hits += any(np.linalg.norm(h.thumb_tip - true["thumb_xy"]) < palm for h in hands)
        found[name] = hits / counted
    assert found["whole frame only"] < 0.6, found  # the whole frame has the toes here (4-9 s)...
    for name in ("forgotten", "remembered", "default"):
        assert found[name] > 0.95, found  # ...and the closer look the hand


@pytest.fixture(scope="module")
def large_hand_clip(tmp_path_factory):
    """make eval's hard-set clip h2_11 (draw 2): a grip 86 px across the palm on a foot photo (both
    pictures in footage/), 24 fps with dropped frames, holding still for its first 4.5 s."""
    import make_clips

    spec = next(s for s in make_clips.hard_set_specs(2) if s["name"].startswith("h2_11"))
    out = tmp_path_factory.mktemp("large")
    truth = make_clips.make_clip(spec, out, verify=False)
    return out / truth["video"], truth


def test_a_toe_found_beside_a_large_hand_does_not_make_the_hand_toes(large_hand_clip):
    """The closer look finds a toe (53 px) in a quarter beside the whole frame's hand (110 px). The
    tracker remembers the toe as the hand (a small hand a quarter finds beside the whole frame's toes
    must replace them at once: h1_01), so the hand is "toes by memory" and left out of what the closer
    look is told the whole frame found; its window then took up the hand and reported it as a second
    hand (h2_11 lost 5 % of its frames live). Now a followed hand over one the whole frame found, and of
    its size, is handed back even when the tracker took that one for toes: the hand is reported once."""
    path, truth = large_hand_clip
    thumbs = {round(f["t"], 3): np.array(f["thumb_xy"]) for f in truth["frames"]}
    twice = found = 0
    with HandTracker() as tracker:
        for frame in iter_frames(path):
            if frame.t > 4.5:
                break
            tip = thumbs[round(frame.t, 3)]
            on_it = [h for h in tracker.process_all(frame.rgb, frame.t)
                     if np.linalg.norm(h.thumb_tip - tip) < 0.5 * truth["palm_px"]]
            found += bool(on_it)
            twice += len(on_it) > 1
    assert found >= 0.95 * sum(t <= 4.5 for t in thumbs)
    assert twice <= 3  # before: 41 frames from 2.7 s on


def first_found_after(scene, came_in_s: float, until_s: float):
    """(when the working thumb was first found at or after ``came_in_s``, searches made before it came in)."""
    import evaluate_hands

    with HandTracker() as tracker:
        searches_before = 0
        for t, rgb, truth in evaluate_hands.render(scene):
            if t > until_s:
                return None, searches_before
            hands = tracker.process_all(rgb, t)
            if t < came_in_s:
                searches_before = tracker.closer_look.searches
            tip = truth["tips"][0]
            if tip is not None and any(np.linalg.norm(h.thumb_tip - tip) < 0.5 * scene.palm_px for h in hands):
                return t, searches_before
    return None, searches_before


@pytest.mark.parametrize("still", ["thumbs_up_png", "three"])
def test_a_hand_coming_in_beside_the_toes_taken_for_a_hand_is_found_at_once(still):
    """The bare foot for 3 s (all pictures in footage/): the whole frame takes its toes for a hand, so
    the search beside that "hand" has slowed to a quarter every 2 s, and the real hand (60 px palm)
    coming in was found 2.4 s late (thumbs up). Its coming in moves the picture where no found hand is:
    the quarter there is searched at once. A hand found over the toes' landmark box was taken
    for part of the toes until the whole frame found it (three fingers: 0.57 s late): a part of a hand
    lies along that hand's landmarks, this one away from the toes' (io/closer_look.py, part_of)."""
    import evaluate_hands as eh

    scene = eh.Scene("foot_first", "ar_4", 60, 60, still, [eh.absent(3.0), eh.stroke(90, 3.0)],
                     holder_still=None, seed=20)
    found_t, searches_before = first_found_after(scene, 3.0, 4.0)
    assert found_t is not None and found_t <= 3.2, found_t  # the picture is compared every 0.1 s
    # the still foot moves nothing: the search beside the toes kept its own pace (rounds slowing down)
    assert searches_before <= 10, searches_before


def test_a_part_of_a_large_hand_found_in_a_quarter_is_that_hand_not_a_second_one():
    """A quarter cutting the bundled lengthwise sample's hand (73 px) finds its fingers as a hand of 41
    px, inside the whole frame's hand and far smaller, as a real hand is beside the toes: it is part of
    the hand (a quarter or more of the hand's landmarks lie along it), so no window follows a second
    hand."""
    from vision.core.hands import toes_beside
    from vision.io.closer_look import part_of
    from vision.io.tracking import _mp_image_factory, _observations

    sample = Path(__file__).parents[1] / "sample_videos" / "lengthwise_mistake.mp4"
    frame = next(f for f in iter_frames(sample) if f.t >= 0.2)
    tasks = import_hand_landmarker()
    image = _mp_image_factory(tasks)
    options = tasks.HandLandmarkerOptions(base_options=tasks.BaseOptions(model_asset_path=str(hand_model_path())),
                                          running_mode=tasks.RunningMode.IMAGE, num_hands=2)
    with tasks.HandLandmarker.create_from_options(options) as landmarker:
        height, width = frame.rgb.shape[:2]
        (hand,) = _observations(landmarker.detect(image(frame.rgb)), width, height, frame.t)
        parts = []
        for x, y, w, h in quarters(width, height):
            found = _observations(landmarker.detect(image(np.ascontiguousarray(frame.rgb[y:y + h, x:x + w]))),
                                  w, h, frame.t)
            parts += [replace(o, xy=o.xy + np.array([x, y], np.float32)) for o in found]
    smaller = [o for o in parts if toes_beside(hand, [o])]  # far smaller than the hand: the size rule can't tell
    assert smaller, "no quarter found a part of the hand (the case this test is about)"
    assert all(part_of(o, hand) for o in smaller)

    with HandTracker() as tracker:
        for frame in iter_frames(sample):
            assert len(tracker.process_all(frame.rgb, frame.t)) <= 1
        assert tracker.closer_look.follows == 0
