"""Hands kept, toes refused, the working thumb chosen: the real hand model on real footage.

    python tools/evaluate_hands.py [--quick]        (make eval-hands)

Prints, against issue 11's targets:

1. **Real footage** (``shared/hands/videos``: 12 clips, the sign-language ones
   with two hands): the share of frames in which MediaPipe finds a hand that
   CrossGrain keeps (target >= 0.95), per clip and over all: live (as the
   frame was shown) and offline (a hand believed later is also kept in the
   frames of its streak before belief: HandSelection.backfill).
2. **Composites** on real foot photos (``shared/feet/photos``): a real hand
   photo holds the foot (still, swaying a little) while another real hand's
   thumb strokes and presses along a scripted path (tools/make_clips.py's
   paths), leaves and comes back; scenes where both thumbs stroke; and
   stretches with no hand in view over the foot, where the palm detector
   takes toes for a hand. Printed: hands kept, toes kept as a hand (target
   < 2 % of no-hand frames), both live and offline (back-filled), the working
   thumb chosen right (its tip within half a palm of the truth), and both
   thumbs reported as working. Apart from them, the same figures for scenes
   where **the foot is in view before any hand** (3 s of the bare foot, then a
   thumb that strokes and holds): the palm detector takes the toes for a hand
   before there is a real hand to compare them with.
3. **Cost**: ms a frame for the tracker with one hand, two hands with the
   palm detector on every frame, and two hands as tracked by default (the
   second hand searched every 6th frame while one is seen), on the same
   frames, and for HandTracks.update.

Figures are printed, not asserted: this is an evaluation, not a test.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

import make_clips as mc  # noqa: E402
from footage import hand_videos_dir  # noqa: E402
from vision.core.hands import HandTracks  # noqa: E402
from vision.core.landmarks import HandLandmark  # noqa: E402
from vision.io.tracking import HandTracker, TrackerOptions  # noqa: E402
from vision.io.video import iter_frames  # noqa: E402

TWO_HANDED = ("sign-language-processing",)  # clips with both hands in view
FPS = 30.0
W, H = 640, 480
RIGHT_PALM = 0.5  # the chosen thumb is right when its tip lies within this many palm widths of the truth


# --------------------------------------------------------------------------- real footage

class KeptLog:
    """Per frame: did MediaPipe find a hand, did CrossGrain keep one live, and offline (back-filled)."""

    def __init__(self) -> None:
        self.found: list[bool] = []
        self.live: list[bool] = []
        self.offline: list[bool] = []
        self._at: dict[float, int] = {}

    def add(self, t: float, found: bool, selection) -> None:
        self._at[t] = len(self.found)
        self.found.append(found)
        self.live.append(selection.kept)
        self.offline.append(selection.kept)
        for _, earlier_t, _ in selection.backfill:
            self.offline[self._at[earlier_t]] = True

    def count(self, frames, which: list[bool]) -> int:
        return sum(which[k] for k in frames)


def evaluate_videos(max_frames: int | None) -> list[tuple[str, int, int, int, int]]:
    """(clip, frames, frames where MediaPipe finds a hand, frames where CrossGrain keeps one live, offline)."""
    rows = []
    for path in sorted(hand_videos_dir().glob("*.mp4")):
        tracks = HandTracks()
        log = KeptLog()
        with HandTracker(options=TrackerOptions(max_hands=2)) as tracker:
            for frame in iter_frames(path, max_side=1280):
                if max_frames is not None and len(log.found) >= max_frames:
                    break
                hands = tracker.process_all(frame.rgb, frame.t)
                log.add(frame.t, bool(hands), tracks.update(hands, frame.t))
        with_hand = [k for k, f in enumerate(log.found) if f]
        rows.append((path.name, len(log.found), len(with_hand), log.count(with_hand, log.live),
                     log.count(with_hand, log.offline)))
    return rows


# --------------------------------------------------------------------------- composites

def turned(sprite: mc.HandSprite, angle_deg: float, mirror: bool) -> mc.HandSprite:
    """The sprite mirrored (the other hand) and turned by ``angle_deg`` (CCW on screen), landmarks with it."""
    bgr, alpha, lm = sprite.bgr, sprite.alpha, sprite.landmarks.copy()
    h, w = alpha.shape
    if mirror:
        bgr, alpha = bgr[:, ::-1].copy(), alpha[:, ::-1].copy()
        lm[:, 0] = w - lm[:, 0]
    side = int(math.ceil(math.hypot(w, h))) + 4
    m = cv2.getRotationMatrix2D((w / 2.0, h / 2.0), angle_deg, 1.0)
    m[:, 2] += [(side - w) / 2.0, (side - h) / 2.0]
    bgr = cv2.warpAffine(bgr, m, (side, side), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
    alpha = cv2.warpAffine(alpha, m, (side, side), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
    lm = lm @ m[:, :2].T + m[:, 2]
    return mc.HandSprite(bgr, alpha, lm, sprite.still)


@dataclass
class Scene:
    """A composite: ``worker`` segments for the working thumb (make_clips path specs), an optional
    holding hand (still, swaying), an optional second worker stroking with the first."""

    name: str
    foot: str
    axis_deg: float
    palm_px: float
    worker_still: str
    worker: list[dict]
    holder_still: str | None = "open"
    holder_at: float = 0.33  # along the foot axis from the centre, in foot half-lengths (toes > 0)
    holder_turn_deg: float = 0.0
    second_worker: list[dict] | None = None
    seed: int = 0


def stroke(rel_deg: float, dur: float, amp: float = 0.2, rate: float = 90.0, at=(0.0, 0.0)) -> dict:
    return {"kind": "stroke", "dur": dur, "rel_deg": rel_deg, "amp": amp, "rate": rate, "at": at}


def hold(dur: float, at=(0.0, 0.0)) -> dict:
    return {"kind": "hold", "dur": dur, "drift": 0.02, "at": at}


def absent(dur: float) -> dict:
    return {"kind": "absent", "dur": dur}


def scenes(quick: bool) -> list[Scene]:
    work = [stroke(90, 3.0), hold(3.0), stroke(0, 2.5), absent(2.0), stroke(45, 2.5, rate=120), absent(3.0)]
    out = [
        Scene("hold_toes_found4", "found4", 90, 60, "thumbs_up_png", work, holder_at=0.55, holder_turn_deg=-90),
        Scene("hold_heel_ar4", "ar_4", 90, 60, "thumb_up_jpg", work, holder_at=-0.55, holder_turn_deg=160, seed=1),
        Scene("hold_toes_ar5", "ar_5", 0, 60, "three", work, holder_still="v_sign", holder_at=0.5,
              holder_turn_deg=-60, seed=2),
        Scene("starts_with_hold_ar1", "ar_1", 90, 60, "open",
              [hold(3.0), stroke(90, 3.0), hold(2.0), absent(3.0)], holder_still="thumbs_up_png", holder_at=-0.5,
              holder_turn_deg=180, seed=3),
        Scene("both_thumbs_found0", "found0", 150, 55, "thumbs_up_png",
              [stroke(90, 4.0, at=(-0.9, 0.0)), hold(3.0, at=(-0.9, 0.0)), absent(2.5)], holder_still=None,
              second_worker=[stroke(80, 4.0, rate=75, at=(0.9, 0.3)), stroke(80, 3.0, rate=75, at=(0.9, 0.3)),
                             absent(2.5)], seed=4),
    ]
    # hand stills MediaPipe finds on these photos (as in make_clips' evaluation set)
    leave = [("ar_side", 90, "open"), ("ar_default", 20, "open"), ("ar_5", 90, "three"), ("ar_3", 135, "three"),
             ("found4", 20, "thumbs_up_png"), ("ar_4", 60, "thumb_up_jpg")]
    for k, (foot, axis, still) in enumerate(leave[:2] if quick else leave):
        out.append(Scene(f"leaves_{foot}_{axis}", foot, axis, 60, still,
                         [stroke(90, 2.0), absent(6.0)], holder_still=None, seed=10 + k))
    return out[:2] + out[-1:] if quick else out


# (foot photo, axis, working hand still): feet whose toes the palm detector takes for a hand
FOOT_FIRST = [("ar_4", 60, "thumbs_up_png"), ("ar_5", 0, "three"), ("ar_1", 90, "open"),
              ("found0", 150, "thumb_up_jpg"), ("ar_side", 90, "v_sign"), ("ar_default", 20, "open")]


def foot_first_scenes(quick: bool) -> list[Scene]:
    """The bare foot for 3 s, then a thumb comes in, strokes across the foot for 3 s and holds for 3 s."""
    return [Scene(f"foot_first_{foot}", foot, axis, 60, still, [absent(3.0), stroke(90, 3.0), hold(3.0)],
                  holder_still=None, seed=20 + k)
            for k, (foot, axis, still) in enumerate(FOOT_FIRST[:2] if quick else FOOT_FIRST)]


def render(scene: Scene):
    """Yield (t, rgb, truth) frame by frame: truth holds the working tip(s) and whether any hand is drawn."""
    rng = np.random.default_rng(scene.seed)
    bg, axis, centre, _ = mc.make_background(scene.foot, W, H, scene.axis_deg, rng)
    base = bg.astype(np.float32)
    along = mc._unit(axis) * 0.85 * min(W / max(abs(math.cos(math.radians(axis))), 1e-6),
                                        H / max(abs(math.sin(math.radians(axis))), 1e-6)) / 2.0
    workers = []
    for k, segs in enumerate([scene.worker] + ([scene.second_worker] if scene.second_worker else [])):
        sprite = mc.calibrated_sprite(scene.worker_still, scene.palm_px, W, H)
        if k == 1:
            sprite = turned(sprite, 0.0, mirror=True)
        rel = sprite.landmarks - sprite.landmarks[mc.THUMB_TIP]
        margin = 0.15 * scene.palm_px
        box = (margin - rel[:, 0].min(), margin - rel[:, 1].min(), W - margin - rel[:, 0].max(),
               H - margin - rel[:, 1].max())
        plan = mc.plan_path(segs, axis, scene.palm_px, np.asarray(centre), box, 0.4, rng)
        workers.append((sprite, plan))
    holder = None
    if scene.holder_still:
        sprite = turned(mc.calibrated_sprite(scene.holder_still, scene.palm_px, W, H), scene.holder_turn_deg,
                        mirror=True)
        palm_centre = sprite.landmarks[[0, 5, 9, 13, 17]].mean(axis=0)
        at = np.asarray(centre) + along * scene.holder_at
        holder = (sprite, at - palm_centre)
    duration = workers[0][1][-1].end
    noise = [np.repeat(rng.normal(0, 1.2, (H, W, 1)).astype(np.float32), 3, axis=2) for _ in range(6)]
    for i in range(int(duration * FPS)):
        t = i / FPS
        img = base.copy()
        if holder is not None:
            sprite, offset = holder
            sway = 0.03 * scene.palm_px * np.array([math.sin(2 * math.pi * 0.3 * t), math.cos(2 * math.pi * 0.2 * t)])
            mc._composite(img, sprite.bgr, sprite.alpha, *(offset + sway))
        tips, kinds = [], []
        for sprite, plan in workers:
            seg = next((s for s in plan if s.start <= t < s.end), plan[-1])
            kinds.append(seg.kind)
            if seg.kind == "absent":
                tips.append(None)
                continue
            p = mc._seg_pos(seg, t, rng)
            mc._composite(img, sprite.bgr, sprite.alpha, *(p - sprite.landmarks[mc.THUMB_TIP]))
            tips.append(p)
        img = cv2.addWeighted(img, 1.0, noise[i % len(noise)], 1.0, 0.5, dtype=cv2.CV_8U)
        truth = {"tips": tips, "any_hand": holder is not None or any(p is not None for p in tips),
                 "both_work": kinds == ["stroke", "stroke"]}
        yield t, cv2.cvtColor(img, cv2.COLOR_BGR2RGB), truth


@dataclass
class Tally:
    hand_found: int = 0  # a hand drawn and MediaPipe finds one
    hand_kept: int = 0
    hand_kept_offline: int = 0  # ... kept, counting the frames back-filled once the hand was believed
    no_hand: int = 0  # no hand drawn
    no_hand_found: int = 0  # ... and MediaPipe reports one anyway (toes)
    no_hand_kept: int = 0  # ... and CrossGrain keeps it
    no_hand_kept_offline: int = 0
    work_seen: int = 0  # the working hand drawn and MediaPipe finds a hand near its thumb
    work_reported: int = 0
    work_right: int = 0
    both_truth: int = 0
    both_said: int = 0
    single_truth: int = 0
    both_said_wrongly: int = 0

    def add(self, other: "Tally") -> None:
        for k in self.__dataclass_fields__:
            setattr(self, k, getattr(self, k) + getattr(other, k))


def evaluate_scene(scene: Scene) -> Tally:
    tally = Tally()
    tracks = HandTracks()
    log = KeptLog()
    drawn: list[bool] = []
    palm = scene.palm_px
    with HandTracker(options=TrackerOptions(max_hands=2)) as tracker:
        for t, rgb, truth in render(scene):
            hands = tracker.process_all(rgb, t)
            sel = tracks.update(hands, t)
            log.add(t, bool(hands), sel)
            drawn.append(truth["any_hand"])
            if truth["any_hand"]:
                if hands:
                    tally.hand_found += 1
                    tally.hand_kept += sel.kept
            else:
                tally.no_hand += 1
                tally.no_hand_found += bool(hands)
                tally.no_hand_kept += sel.kept
            tips = [p for p in truth["tips"] if p is not None]
            if not tips:
                continue
            near = lambda obs, p: np.linalg.norm(obs.xy[HandLandmark.THUMB_TIP] - p) <= RIGHT_PALM * palm  # noqa: E731
            if any(near(h, tips[0]) for h in hands):
                tally.work_seen += 1
                if sel.working is not None:
                    tally.work_reported += 1
                    tally.work_right += any(near(sel.working, p) for p in tips)
            if truth["both_work"]:
                tally.both_truth += 1
                tally.both_said += sel.both_working
            elif len(tips) == 1:
                tally.single_truth += 1
                tally.both_said_wrongly += sel.both_working
    tally.hand_kept_offline = log.count([k for k, d in enumerate(drawn) if d and log.found[k]], log.offline)
    tally.no_hand_kept_offline = log.count([k for k, d in enumerate(drawn) if not d], log.offline)
    return tally


COST_CONFIGS = {
    "one hand (num_hands=1)": TrackerOptions(max_hands=1),
    "two hands, palm search every frame": TrackerOptions(max_hands=2, second_hand_search_every=1),
    "two hands, search every 6th frame (default)": TrackerOptions(max_hands=2),
}


def cost_ms(scene_list: list[Scene]) -> dict[str, tuple[float, float]]:
    """ms a frame on the same frames for each tracker configuration: (tracker, HandTracks.update)."""
    out = {}
    for name, options in COST_CONFIGS.items():
        n, spent, update_s = 0, 0.0, 0.0
        with HandTracker(options=options) as tracker:
            for scene in scene_list:
                tracks = HandTracks()
                for t, rgb, _ in render(scene):
                    t0 = time.perf_counter()
                    found = tracker.process_all(rgb, t + 100.0 * len(out))
                    t1 = time.perf_counter()
                    tracks.update(found, t)
                    update_s += time.perf_counter() - t1
                    spent += t1 - t0
                    n += 1
        out[name] = (1000 * spent / n, 1000 * update_s / n)
    return out


def share(a: int, b: int) -> str:
    return f"{a / b:.3f} ({a}/{b})" if b else "–"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer frames and scenes (a smoke run)")
    parser.add_argument("--scenes", nargs="*", help="only these composite scenes (and no real footage)")
    args = parser.parse_args(argv)
    t_start = time.monotonic()

    print("1. Real footage (shared/hands/videos): frames where MediaPipe finds a hand that CrossGrain keeps")
    rows = [] if args.scenes else evaluate_videos(60 if args.quick else None)
    print(f"   {'clip':<62} {'frames':>6} {'found':>6} {'kept':>6} {'offline':>7}  share  offline")
    for name, n, found, kept, kept_off in rows:
        mark = "  (two hands)" if name.startswith(TWO_HANDED) else ""
        print(f"   {name:<62} {n:>6} {found:>6} {kept:>6} {kept_off:>7}  "
              f"{kept / found if found else float('nan'):.3f}  {kept_off / found if found else float('nan'):.3f}{mark}")
    found = sum(r[2] for r in rows)
    two = [r for r in rows if r[0].startswith(TWO_HANDED)]
    for col, name in ((3, "live"), (4, "offline (back-filled)")):
        print(f"   {name}: all clips: {share(sum(r[col] for r in rows), found)}; two-handed clips: "
              f"{share(sum(r[col] for r in two), sum(r[2] for r in two))}  [target >= 0.95]")

    print("\n2. Composites on real foot photos (a holding hand and a working hand; both thumbs; hand leaving)")
    scene_list = [s for s in scenes(args.quick) if not args.scenes or s.name in args.scenes]
    print_scenes(scene_list)
    print("\n   The foot in view before any hand (3 s of the bare foot, then a thumb strokes and holds)")
    print_scenes([s for s in foot_first_scenes(args.quick) if not args.scenes or s.name in args.scenes])

    print("\n3. Cost of two hands (same frames: a scene with a holding hand and one where the hand leaves)")
    print(f"   load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (other jobs slow everything)")
    for name, (tracker_ms, update_ms) in (cost_ms([scene_list[0], scene_list[-1]]) if scene_list else {}).items():
        print(f"   {name:<46} tracker {tracker_ms:6.1f} ms a frame, HandTracks.update {update_ms:5.2f} ms")
    print(f"\n({time.monotonic() - t_start:.0f} s)")
    return 0


def print_scenes(scene_list: list[Scene]) -> None:
    """Each scene's figures, then their totals against issue 11's targets."""
    if not scene_list:
        return
    total = Tally()
    print(f"   {'scene':<26} {'kept':>18} {'offline':>18} {'toes kept':>16} {'offline':>16} {'thumb right':>18} "
          f"{'both said':>14}")
    for scene in scene_list:
        tally = evaluate_scene(scene)
        total.add(tally)
        print(f"   {scene.name:<26} {share(tally.hand_kept, tally.hand_found):>18} "
              f"{share(tally.hand_kept_offline, tally.hand_found):>18} "
              f"{share(tally.no_hand_kept, tally.no_hand):>16} {share(tally.no_hand_kept_offline, tally.no_hand):>16} "
              f"{share(tally.work_right, tally.work_reported):>18} "
              f"{share(tally.both_said, tally.both_truth):>14}")
    print(f"   hands kept (MediaPipe finds a hand, CrossGrain keeps one): live {share(total.hand_kept, total.hand_found)}"
          f", offline {share(total.hand_kept_offline, total.hand_found)}  [target >= 0.95]")
    print(f"   no-hand frames where MediaPipe reports a hand (toes): {share(total.no_hand_found, total.no_hand)}; "
          f"kept by CrossGrain: live {share(total.no_hand_kept, total.no_hand)}, "
          f"offline {share(total.no_hand_kept_offline, total.no_hand)}  [target < 0.02]")
    print(f"   working thumb reported when MediaPipe sees it: {share(total.work_reported, total.work_seen)}; "
          f"chosen right: {share(total.work_right, total.work_reported)}")
    print(f"   both thumbs working said when both stroke: {share(total.both_said, total.both_truth)}; "
          f"said wrongly with one working thumb: {share(total.both_said_wrongly, total.single_truth)}")


if __name__ == "__main__":
    raise SystemExit(main())
