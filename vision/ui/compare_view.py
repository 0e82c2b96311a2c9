"""The "Compare with a demonstration" page's logic: saving a demonstration, comparing an attempt with one,
and what the page shows (people's words, tables, the two videos in step, the HTML report to download).

The page (pages_/compare.py) only lays out widgets over these functions. Every
figure comes from the comparison (vision/compare/), never recomputed here.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from html import escape
from pathlib import Path

from ..compare import SIMILARITY_METHOD, Comparison, compare
from ..compare.references import Reference, ReferenceError, add_reference
from ..core.report import Report
from .uploads import Analysis, PrivateDir

PLAYABLE_CODECS = ("h264", "vp8", "vp9", "av1")
MAX_SIDE_BY_SIDE_MB = 120.0  # both videos are inlined in the page's component; beyond this, the attempt alone
SYNC_STEP_S = 0.1  # the alignment is handed to the browser as (attempt t, demonstration t) every 0.1 s of the latter
LABEL_WORDS = {"cross_grain": "across the foot", "lengthwise": "along the foot", "oblique": "at a slant",
               "hold": "holding still", "no_hand": "out of view", "settling": "not judged yet",
               None: "nothing seen"}


@dataclass
class ComparisonView:
    """One comparison on the page, kept in session state across reruns."""

    reference_name: str
    reference: Report
    reference_video: bytes | None  # the demonstration's kept clip, when a browser can play it
    reference_video_note: str | None  # why it is not shown, when it is not
    attempt: Analysis
    comparison: Comparison


# --------------------------------------------------------------------------- saving a demonstration

def save_demonstration(name: str, report: Report, video: bytes | Path | None, keep_video: bool,
                       technique: str | None = None) -> Reference:
    """Save ``report`` as the demonstration ``name``; its video (the annotated clip the page showed, or
    the live session's recording) is kept only when ``keep_video``. ReferenceError (one line) otherwise."""
    if report is None or not report.frames:
        raise ReferenceError("there is no session to save yet")
    if report.summary.get("note"):
        raise ReferenceError(f"{report.summary['note']}: nothing to save as a demonstration")
    if all(str(f.label) == "no_hand" for f in report.frames):
        raise ReferenceError("no hand was seen in this session: nothing to save as a demonstration")
    if not keep_video or video is None:
        return add_reference(name, report, technique=technique)
    if isinstance(video, Path):
        return add_reference(name, report, video=video, technique=technique)
    with PrivateDir("crossgrain-demo-") as tmp:
        path = tmp / "video.mp4"
        path.write_bytes(video)
        return add_reference(name, report, video=path, technique=technique)


def reference_caption(ref: Reference) -> str:
    """'cross_friction, 24 s, video kept, saved 2026-11-30 (from clip.mp4)' for the chooser."""
    return (f"{ref.technique or 'technique not given'}, {ref.duration_s:.0f} s, "
            f"{'video kept' if ref.video else 'no video kept'}, saved {ref.created[:10]} (from {ref.source})")


# --------------------------------------------------------------------------- comparing

def playable_video(data: bytes | None) -> tuple[bytes | None, str | None]:
    """The clip when a browser can play it (H.264, VP8/9, AV1), else (None, why not)."""
    if data is None:
        return None, "The demonstration's video was not kept, so only your attempt is shown."
    import av

    with PrivateDir("crossgrain-probe-") as tmp:
        path = tmp / "clip"
        path.write_bytes(data)
        try:
            with av.open(str(path)) as container:
                codec = container.streams.video[0].codec_context.name if container.streams.video else None
        except (av.FFmpegError, OSError, IndexError):
            codec = None
    if codec not in PLAYABLE_CODECS:
        return None, (f"The demonstration's kept video ({codec or 'unreadable'}) cannot be played in a browser; "
                      "only your attempt is shown.")
    return data, None


def run_comparison(ref: Reference, attempt: Analysis) -> ComparisonView:
    """Compare an analysed attempt with a saved demonstration (its report as saved, its clip when kept)."""
    reference = ref.report()
    video, note = playable_video(ref.video_bytes())
    return ComparisonView(ref.name, reference, video, note, attempt, compare(reference, attempt.report))


def _change(v: float | None, unit: str) -> str:
    return "–" if v is None else f"{v:+.0f}{unit}"


def overall_rows(comparison: Comparison) -> list[tuple[str, str]]:
    """The overall differences as (what, how much), with their units, for a small table."""
    o = comparison.overall
    return [("Strokes a minute", _change(o.get("rate_change_pct"), " %")),
            ("Angle across the foot", _change(o.get("angle_change_deg"), "°")),
            ("Stroke size", _change(o.get("amplitude_change_pct"), " %")),
            ("Hold time", _change(o.get("hold_change_s"), " s")),
            ("Length of the session", _change(o.get("duration_change_pct"), " %"))]


def stretch_rows(comparison: Comparison) -> list[dict]:
    """Stretch by stretch: when in each video, what was demonstrated and done, the differences, in words."""
    return [{"demonstration": f"{s.reference_start_s:.1f}–{s.reference_end_s:.1f} s",
             "you": f"{s.attempt_start_s:.1f}–{s.attempt_end_s:.1f} s",
             "demonstrated": LABEL_WORDS.get(s.label, s.label),
             "you did": LABEL_WORDS.get(s.attempt_label, s.attempt_label),
             "pace": _change(s.rate_change_pct, " %"), "angle": _change(s.angle_change_deg, "°"),
             "size": _change(s.amplitude_change_pct, " %"), "hold": _change(s.hold_change_s, " s"),
             "in words": s.said} for s in comparison.stretches]


def similarity_explained(comparison: Comparison) -> str:
    """How the score is made, and its parts for this comparison (Markdown)."""
    p = comparison.similarity_parts

    def pct(v):
        return "–" if v is None else f"{v:.0f} %"

    return (f"{SIMILARITY_METHOD}\n\n"
            f"- Same technique at the same moment of the routine: **{pct(p.get('same_technique_pct'))}** of the time\n"
            f"- Stroke figures (angle, pace, size) where the technique matched: **{pct(p.get('stroke_figures_pct'))}**"
            " close\n"
            f"- Holds: **{pct(p.get('hold_time_pct'))}** as long as the demonstration's")


def sync_path(comparison: Comparison) -> list[list[float]]:
    """(attempt t, demonstration t) pairs, in time order: the alignment inverted for playing the attempt
    and seeking the demonstration to the moment in step with it (Comparison.attempt_t, sampled)."""
    n = int(comparison.reference_duration_s / SYNC_STEP_S) + 1
    pairs, last = [], None
    for k in range(n + 1):
        r = min(k * SYNC_STEP_S, comparison.reference_duration_s)
        a = comparison.attempt_t(r)
        if last is None or a > last:
            pairs.append([round(a, 3), round(r, 3)])
            last = a
    return pairs or [[0.0, 0.0]]


SIDE_BY_SIDE_JS = """
const PATH = JSON.parse(document.getElementById('cg-path').textContent);
const ref = document.getElementById('cg-ref'), att = document.getElementById('cg-att');
const status = document.getElementById('cg-status');
function blobUrl(id, type) {
  const el = document.getElementById(id); if (!el) return null;
  const bin = atob(el.textContent.trim()); const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return URL.createObjectURL(new Blob([bytes], {type}));
}
att.src = blobUrl('cg-att-data', 'video/mp4');
if (ref) ref.src = blobUrl('cg-ref-data', 'video/mp4');
function refTime(a) {  // the demonstration's moment in step with the attempt's, linear between path points
  if (a <= PATH[0][0]) return PATH[0][1];
  let lo = 0, hi = PATH.length - 1;
  if (a >= PATH[hi][0]) return PATH[hi][1];
  while (hi - lo > 1) { const mid = (lo + hi) >> 1; if (PATH[mid][0] <= a) lo = mid; else hi = mid; }
  const [a0, r0] = PATH[lo], [a1, r1] = PATH[hi];
  return r0 + (r1 - r0) * (a - a0) / (a1 - a0);
}
function slope(a) {  // demonstration seconds per attempt second here: the demonstration's playback rate
  const lo = Math.max(a - 0.5, 0), hi = a + 0.5;
  return (refTime(hi) - refTime(lo)) / (hi - lo);
}
function sync() {
  const a = att.currentTime, r = refTime(a);
  if (ref && ref.readyState >= 1) {
    if (att.paused || att.seeking) {
      if (!ref.paused) ref.pause();
      if (Math.abs(ref.currentTime - r) > 0.04) ref.currentTime = r;
    } else {
      ref.playbackRate = Math.min(4, Math.max(0.25, slope(a) || 1));
      if (Math.abs(ref.currentTime - r) > 0.25) ref.currentTime = r;
      if (ref.paused) ref.play().catch(() => {});
    }
  }
  status.textContent = 'Your attempt at ' + a.toFixed(1) + ' s \\u2194 the demonstration at ' + r.toFixed(1) + ' s';
  status.dataset.attempt = a.toFixed(2); status.dataset.reference = r.toFixed(2);
  if (ref) status.dataset.shown = ref.currentTime.toFixed(2);
  requestAnimationFrame(sync);
}
requestAnimationFrame(sync);
"""


def side_by_side_html(view: ComparisonView) -> str | None:
    """A small page for st.components.v1.html: the demonstration and the attempt side by side, the attempt
    with controls and the demonstration following it by the alignment. None when the videos are too large to
    inline (the page then shows the attempt alone)."""
    att = view.attempt.video_mp4
    if att is None:
        return None
    ref = view.reference_video
    if (len(att) + len(ref or b"")) / 1024 / 1024 > MAX_SIDE_BY_SIDE_MB:
        return None
    path = json.dumps(sync_path(view.comparison))

    def data(el_id: str, payload: bytes) -> str:
        return f'<script type="text/plain" id="{el_id}">{base64.b64encode(payload).decode()}</script>'

    ref_block = (f'<figure><figcaption>Demonstration: {escape(view.reference_name)}</figcaption>'
                 '<video id="cg-ref" muted playsinline preload="auto"></video></figure>' if ref is not None else
                 f'<figure><figcaption>Demonstration: {escape(view.reference_name)}</figcaption>'
                 f'<p class="none">{escape(view.reference_video_note or "")}</p></figure>')
    return ("<!doctype html><html><head><meta charset='utf-8'><style>"
            "body{margin:0;font:14px system-ui,sans-serif;color:#1d1d1f}"
            ".sbs{display:grid;grid-template-columns:1fr 1fr;gap:10px}figure{margin:0}"
            "video{width:100%;border-radius:6px;background:#000}figcaption{font-weight:600;margin-bottom:4px}"
            ".none{color:#666;padding:2em 1em;border:1px dashed #bbb;border-radius:6px}#cg-status{color:#555}"
            "</style></head><body>"
            f'<div class="sbs">{ref_block}<figure><figcaption>Your attempt: {escape(view.attempt.display_name)}'
            '</figcaption><video id="cg-att" controls muted playsinline preload="auto"></video></figure></div>'
            '<p id="cg-status">Play your attempt: the demonstration follows, in step.</p>'
            f'<script type="application/json" id="cg-path">{path}</script>'
            + data("cg-att-data", att) + (data("cg-ref-data", ref) if ref is not None else "")
            + f"<script>{SIDE_BY_SIDE_JS}</script></body></html>")


def comparison_report_html(view: ComparisonView) -> str:
    """The comparison as one self-contained HTML file (vision/views/html_report.py), with the attempt's key
    frames and, when the demonstration's video was kept, its stills beside the attempt's."""
    from ..io.stills import key_frames
    from ..views.html_report import comparison_html, key_frame_times, paired_frame_times

    attempt = view.attempt.report
    stills = pairs = None
    with PrivateDir("crossgrain-stills-") as tmp:
        att_path = None
        if view.attempt.video_mp4:
            att_path = tmp / "attempt.mp4"
            att_path.write_bytes(view.attempt.video_mp4)
            stills = key_frames(att_path, key_frame_times(attempt))
        if att_path is not None and view.reference_video:
            ref_path = tmp / "reference.mp4"
            ref_path.write_bytes(view.reference_video)
            times = paired_frame_times(view.comparison)

            def at(video, wanted):
                return dict(zip(sorted(wanted), (jpeg for _, jpeg in key_frames(video, wanted))))

            ref = at(ref_path, [r for r, _ in times])
            att = at(att_path, [a for _, a in times])
            pairs = [(r, ref.get(r), a, att.get(a)) for r, a in times]
    return comparison_html(view.comparison, view.reference, attempt, stills, side_by_side=pairs)
