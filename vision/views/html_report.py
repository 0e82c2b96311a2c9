"""A self-contained HTML report of a session, or of a comparison with a demonstration.

A pure function of the Report (and Comparison): every figure shown is one the
report or comparison already holds. One file with its CSS, static inline SVG
charts and optional JPEG stills as data: URIs, so it opens from disk or a mail
attachment with no network, reads on a phone (fluid width) and prints.

Hook for the app's download button (one line)::

    st.download_button("Download the report (HTML)", report_html(report), "crossgrain-report.html", "text/html")

With stills: ``report_html(report, key_frames(video, key_frame_times(report)))``
(vision/io/stills.py decodes them).
"""

from __future__ import annotations

import base64
from html import escape

from ..core.report import Report, Segment
from ..ui.coaching_view import correction_lines, next_lines
from ..ui.labels import LABEL_COLOURS

# People's words for the labels (the engineering names stay in the JSON).
LABEL_WORDS = {"cross_grain": "Across the foot", "lengthwise": "Along the foot", "oblique": "At a slant",
               "hold": "Holding still", "no_hand": "Hand out of view",
               "settling": "Not judged yet (watching the thumb)"}
MIN_ROW_S = 0.3  # segments shorter than this are label edges, left out of the table (as the CLI does)
CHART_W, CHART_H = 720, 150

CSS = """
*{box-sizing:border-box} body{font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;
color:#1d1d1f;background:#fff} main{max-width:860px;margin:0 auto;padding:16px}
h1{font-size:1.5em;margin:.2em 0} h2{font-size:1.15em;margin:1.4em 0 .4em;border-bottom:1px solid #ddd}
.muted{color:#666;font-size:.9em} .score{font-size:2.6em;font-weight:700;line-height:1}
.cards{display:flex;flex-wrap:wrap;gap:10px} .card{border:1px solid #ddd;border-radius:8px;padding:8px 12px;
min-width:130px;flex:1} .card b{display:block;font-size:1.3em}
table{border-collapse:collapse;width:100%;font-size:.92em} th,td{padding:4px 6px;border-bottom:1px solid #eee;
text-align:left} td.n,th.n{text-align:right} .table{overflow-x:auto}
svg{width:100%;height:auto;display:block} .key{display:inline-block;width:.9em;height:.9em;border-radius:2px;
vertical-align:-.1em;margin-right:4px} .legend span{margin-right:12px;white-space:nowrap;font-size:.9em}
.stills{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:8px}
.pairs{display:grid;gap:10px} .pair{display:grid;grid-template-columns:1fr 1fr;gap:8px}
.pair figure,.stills figure{margin:0} .pair img,.stills img{width:100%;border-radius:6px}
.pair figcaption,.stills figcaption{font-size:.8em;color:#555}
.safety{background:#fff6e5;border:1px solid #f0c36d;border-radius:8px;padding:8px 14px}
ul{padding-left:1.2em} .said li{margin:.2em 0}
@media print{main{max-width:none;padding:0} h2{break-after:avoid} figure,svg,.card,tr{break-inside:avoid}
body{font-size:11pt}}
"""


def _num(v: float | None, fmt: str = "{:.0f}", unit: str = "") -> str:
    return "–" if v is None else fmt.format(v) + unit


def _words(label: str) -> str:
    return LABEL_WORDS.get(label, label.replace("_", " "))


def _clock(t: float) -> str:
    m, s = divmod(max(t, 0.0), 60)
    return f"{int(m)}:{s:04.1f}"


def _legend(labels) -> str:
    return '<p class="legend">' + "".join(
        f'<span><i class="key" style="background:{LABEL_COLOURS.get(x, "#999")}"></i>{escape(_words(x))}</span>'
        for x in labels) + "</p>"


def timeline_svg(report: Report, title: str = "What the thumb did, second by second") -> str:
    """Label bands (the report's segments), its holds beneath, a time axis."""
    dur = max(report.duration_s, max((s.end_s for s in report.segments), default=0.0), 1e-6)
    w, pad = CHART_W, 8
    x = lambda t: pad + (w - 2 * pad) * t / dur
    parts = [(f'<svg viewBox="0 0 {w} 90" role="img" aria-label="{escape(title)}" class="timeline">'
             f"<title>{escape(title)}</title>")]
    for s in report.segments:
        parts.append(f'<rect x="{x(s.start_s):.1f}" y="8" width="{max(x(s.end_s) - x(s.start_s), 0.5):.1f}" '
                     f'height="34" fill="{LABEL_COLOURS.get(s.label, "#999")}"><title>{escape(_words(s.label))} '
                     f'{_clock(s.start_s)}–{_clock(s.end_s)}</title></rect>')
    for h in report.holds:
        parts.append(f'<rect x="{x(h.start_s):.1f}" y="48" width="{max(x(h.end_s) - x(h.start_s), 0.5):.1f}" '
                     f'height="10" rx="3" fill="#1f5fbf"><title>hold {h.duration_s:.0f} s</title></rect>')
    step = _tick_step(dur)
    t = 0.0
    while t <= dur + 1e-9:
        parts.append(f'<line x1="{x(t):.1f}" x2="{x(t):.1f}" y1="62" y2="67" stroke="#888"/>'
                     f'<text x="{x(t):.1f}" y="80" font-size="11" text-anchor="middle" fill="#555">{t:.0f} s</text>')
        t += step
    parts.append("</svg>")
    return "".join(parts)


def key_frame_times(report: Report, max_count: int = 8, min_s: float = 1.0) -> list[float]:
    """The middle of each segment of ``min_s`` or more (the longest ``max_count``), in time order."""
    long = sorted((s for s in report.segments if s.duration_s >= min_s and s.label != "no_hand"),
                  key=lambda s: -s.duration_s)[:max_count]
    return sorted(round((s.start_s + s.end_s) / 2, 2) for s in long)


def aligned_timelines_svg(comparison, reference: Report, attempt: Report) -> str:
    """Both timelines, one above the other, each compared stretch joined to its aligned stretch below."""
    w, pad, band = CHART_W, 8, 26
    ref_dur = max(reference.duration_s, 1e-6)
    att_dur = max(attempt.duration_s, 1e-6)
    xr = lambda t: pad + (w - 2 * pad) * min(t, ref_dur) / ref_dur
    xa = lambda t: pad + (w - 2 * pad) * min(t, att_dur) / att_dur
    top, bottom = 18, 18 + band + 50
    out = [(f'<svg viewBox="0 0 {w} {bottom + band + 24}" role="img" class="aligned" '
           'aria-label="The demonstration above, your attempt below, matching stretches joined">'
           "<title>The demonstration above, your attempt below, matching stretches joined</title>"),
           f'<text x="{pad}" y="12" font-size="12" fill="#333">Demonstration ({ref_dur:.0f} s)</text>',
           (f'<text x="{pad}" y="{bottom + band + 18}" font-size="12" fill="#333">'
           f"Your attempt ({att_dur:.0f} s)</text>")]
    for st in comparison.stretches:
        out.append(f'<polygon points="{xr(st.reference_start_s):.1f},{top + band} {xr(st.reference_end_s):.1f},'
                   f'{top + band} {xa(st.attempt_end_s):.1f},{bottom} {xa(st.attempt_start_s):.1f},{bottom}" '
                   f'fill="{LABEL_COLOURS.get(st.label, "#999")}" opacity=".25"><title>{escape(st.said)}</title>'
                   "</polygon>")
    for rep, y, x in ((reference, top, xr), (attempt, bottom, xa)):
        for seg in rep.segments:
            out.append(f'<rect x="{x(seg.start_s):.1f}" y="{y}" width="{max(x(seg.end_s) - x(seg.start_s), 0.5):.1f}" '
                       f'height="{band}" fill="{LABEL_COLOURS.get(seg.label, "#999")}"/>')
    out.append("</svg>")
    return "".join(out)


def _tick_step(dur: float) -> float:
    for step in (1, 2, 5, 10, 15, 30, 60, 120, 300, 600):
        if dur / step <= 10:
            return float(step)
    return 1200.0


def rate_chart_svg(report: Report) -> str:
    """Strokes a minute over time, from each frame's own figure (the report's), with the target band."""
    pts = [(f.t, f.rate_per_min) for f in report.frames if f.rate_per_min is not None]
    if not pts:
        return '<p class="muted">No strokes to chart.</p>'
    every = max(1, len(pts) // 600)
    pts = pts[::every]
    dur = max(report.duration_s, pts[-1][0], 1e-6)
    target = ((report.coaching or {}).get("targets") or {}).get("rate_per_min")
    top = max(max(r for _, r in pts), target[1] if target else 0) * 1.15 or 1.0
    w, h, left, pad = CHART_W, CHART_H, 40, 8
    x = lambda t: left + (w - left - pad) * t / dur
    y = lambda r: h - 20 - (h - 30) * r / top
    out = [(f'<svg viewBox="0 0 {w} {h}" role="img" aria-label="Strokes a minute" class="chart">'
           "<title>Strokes a minute</title>")]
    if target:
        out.append(f'<rect x="{left}" y="{y(target[1]):.1f}" width="{w - left - pad}" '
                   f'height="{y(target[0]) - y(target[1]):.1f}" fill="#2ecc40" opacity=".12"/>')
    for v in _nice_ticks(top):
        out.append(f'<line x1="{left}" x2="{w - pad}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#eee"/>'
                   f'<text x="{left - 4}" y="{y(v) + 4:.1f}" font-size="11" text-anchor="end" fill="#555">{v:.0f}</text>')
    # break the line where strokes stop (gaps longer than a second)
    path, last_t = [], None
    for t, r in pts:
        path.append(("M" if last_t is None or t - last_t > 1.0 else "L") + f"{x(t):.1f},{y(r):.1f}")
        last_t = t
    out.append(f'<path d="{" ".join(path)}" fill="none" stroke="#1d1d1f" stroke-width="1.5"/>')
    out.append(f'<text x="{w - pad}" y="{h - 4}" font-size="11" text-anchor="end" fill="#555">{dur:.0f} s</text>')
    out.append("</svg>")
    return "".join(out)


def _nice_ticks(top: float) -> list[float]:
    step = next((s for s in (10, 20, 50, 100) if top / s <= 6), 200)
    return [float(v) for v in range(0, int(top) + 1, step)]


def _segments_table(segments: list[Segment]) -> str:
    rows = "".join(
        f"<tr><td>{_clock(s.start_s)}</td><td>{escape(_words(s.label))}</td><td class=n>{s.duration_s:.1f} s</td>"
        f"<td class=n>{_num(s.rate_per_min)}</td><td class=n>{_num(s.angle_to_grain_deg, unit='°')}</td>"
        f"<td class=n>{_num(s.amplitude_palm, '{:.2f}')}</td></tr>"
        for s in segments if s.duration_s >= MIN_ROW_S)
    return ('<div class="table"><table><tr><th>From</th><th>What</th><th class=n>How long</th>'
            '<th class=n>Strokes a minute</th><th class=n>Angle to the foot\'s length</th>'
            '<th class=n>Stroke size (palm widths)</th></tr>' + rows + "</table></div>")


def _holds_table(report: Report) -> str:
    if not report.holds:
        return '<p class="muted">No holds.</p>'
    rows = "".join(f"<tr><td>{_clock(h.start_s)}</td><td class=n>{h.duration_s:.0f} s</td>"
                   f"<td class=n>{h.drift_palm:.2f}</td></tr>" for h in report.holds)
    return ('<div class="table"><table><tr><th>From</th><th class=n>Held for</th>'
            '<th class=n>Drift (palm widths)</th></tr>' + rows + "</table></div>")


def _coaching(coaching: dict | None) -> str:
    if not coaching:
        return ""
    debrief = coaching.get("debrief") or {}
    out = [f"<h2>Score and debrief: {escape(coaching.get('title', ''))}</h2>"]
    if coaching.get("score") is not None:
        progress = coaching.get("progress")
        out.append(f'<div class="cards"><div class="card"><span class="muted">Score</span>'
                   f'<b class="score">{coaching["score"]}<small>/100</small></b></div>'
                   f'<div class="card"><span class="muted">Done right</span><b>{debrief.get("good_s", 0):.0f} s</b>'
                   f'of {debrief.get("work_s", 0):.0f} s of work</div>'
                   + (f'<div class="card"><span class="muted">Progress</span><b>{100 * progress:.0f} %</b>'
                      'of the target</div>' if progress is not None else "") + "</div>")
    if coaching.get("targets_text"):
        out.append("<p><b>Targets:</b> " + escape("; ".join(coaching["targets_text"])) + "</p>")
    tips = correction_lines(coaching)  # each with what its seconds are
    if tips:
        out.append("<p><b>Top corrections</b> (most needed first)</p>"
                   "<ol>" + "".join(f"<li>{escape(t)}</li>" for t in tips) + "</ol>")
    steps = next_lines(coaching)  # apart from the corrections, none repeated
    if steps:
        out.append("<p><b>What to do next</b></p><ul>" + "".join(f"<li>{escape(t)}</li>" for t in steps) + "</ul>")
    if coaching.get("camera_cannot_see"):
        out.append(f'<p class="muted">{escape(coaching["camera_cannot_see"])}</p>')
    return "".join(out)


def _safety(coaching: dict | None) -> str:
    warnings = (coaching or {}).get("warnings") or []
    disclaimer = (coaching or {}).get("disclaimer") or "CrossGrain coaches form; it does not diagnose."
    return ('<h2>Safety</h2><div class="safety"><ul>' + "".join(f"<li>{escape(w)}</li>" for w in warnings)
            + f"</ul><p>{escape(disclaimer)}</p></div>")


def _stills(stills) -> str:
    if not stills:
        return ""
    figs = "".join(f'<figure><img alt="the picture at {t:.0f} s" src="data:image/jpeg;base64,'
                   f'{base64.b64encode(jpeg).decode()}"><figcaption>{_clock(t)}</figcaption></figure>'
                   for t, jpeg in stills)
    return f'<h2>Key moments</h2><div class="stills">{figs}</div>'


def _page(title: str, body: str) -> str:
    return ("<!doctype html><html lang=en><head><meta charset=utf-8>"
            '<meta name=viewport content="width=device-width,initial-scale=1">'
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; "
            "style-src 'unsafe-inline'\">"
            f"<title>{escape(title)}</title><style>{CSS}</style></head><body><main>{body}</main></body></html>")


def _session_body(report: Report, stills=None, heading: str | None = None) -> str:
    s = report.summary or {}
    times = s.get("time_by_label_s") or {}
    share = s.get("cross_grain_share")
    cards = [("Length", f"{report.duration_s:.0f} s"),
             ("Hand in view", f"{100 * s.get('hand_found_fraction', 0):.0f} %"),
             ("Stroking", f"{s.get('stroking_s', 0):.0f} s"),
             ("Of it across the foot", "–" if share is None else f"{100 * share:.0f} %"),
             ("Longest hold", f"{report.longest_hold_s:.0f} s")]
    shown = [k for k, v in times.items() if v > 0]
    return "".join([
        f"<h1>{escape(heading or 'CrossGrain session report')}</h1>",
        (f'<p class="muted">{escape(report.source)} · foot axis {report.foot_axis_deg:.0f}° on screen · '
        f"{report.fps:.0f} frames a second</p>"),
        '<div class="cards">' + "".join(f'<div class="card"><span class="muted">{escape(k)}</span><b>{escape(v)}</b>'
                                        "</div>" for k, v in cards) + "</div>",
        _coaching(report.coaching),
        "<h2>Timeline</h2>", timeline_svg(report), _legend(shown or ["no_hand"]),
        '<p class="muted">Dark blue bars beneath: holds, timed from when the thumb came to rest.</p>',
        "<h2>Strokes a minute</h2>", rate_chart_svg(report),
        '<p class="muted">Green band: the technique\'s target.</p>' if (report.coaching or {}).get("targets", {}).get("rate_per_min") else "",
        "<h2>What you did</h2>", _segments_table(report.segments),
        "<h2>Holds</h2>", _holds_table(report),
        _stills(stills),
    ])


def report_html(report: Report, stills: list[tuple[float, bytes]] | None = None) -> str:
    """One session's report as one HTML page. ``stills``: (seconds, JPEG bytes) key frames, optional."""
    return _page(f"CrossGrain: {report.source}", _session_body(report, stills) + _safety(report.coaching))


def _change(v: float | None, unit: str, fmt: str = "{:+.0f}") -> str:
    return "–" if v is None else fmt.format(v) + unit


def paired_frame_times(comparison) -> list[tuple[float, float]]:
    """(demonstration t, attempt t) at the middle of each compared stretch, the attempt's in step with it."""
    pairs = []
    for st in comparison.stretches:
        mid = (st.reference_start_s + st.reference_end_s) / 2
        pairs.append((round(mid, 2), round(comparison.attempt_t(mid), 2)))
    return pairs


def _side_by_side(pairs) -> str:
    """Demonstration and attempt stills at the same moment of the routine, a row each."""
    if not pairs:
        return ""

    def img(jpeg, who, t):
        if jpeg is None:
            return '<figure><figcaption>no picture</figcaption></figure>'
        return (f'<figure><img alt="{who} at {t:.0f} s" src="data:image/jpeg;base64,{base64.b64encode(jpeg).decode()}">'
                f"<figcaption>{who}, {_clock(t)}</figcaption></figure>")

    rows = "".join(f'<div class="pair">{img(rj, "Demonstration", rt)}{img(aj, "You", at)}</div>'
                   for rt, rj, at, aj in pairs)
    return f'<h2>Side by side</h2><div class="pairs">{rows}</div>'


def comparison_html(comparison, reference: Report, attempt: Report,
                    stills: list[tuple[float, bytes]] | None = None,
                    side_by_side: list[tuple[float, bytes | None, float, bytes | None]] | None = None) -> str:
    """A comparison with a demonstration as one HTML page: score, what to say, stretch by stretch, both timelines.

    ``stills``: the attempt's key frames; ``side_by_side``: (demonstration t, JPEG, attempt t, JPEG) at the
    moments ``paired_frame_times`` gives, when the demonstration's video was kept.
    """
    d = comparison.to_dict()
    parts = d["similarity_parts"]
    rows = "".join(
        f"<tr><td>{_clock(s['reference_start_s'])}–{_clock(s['reference_end_s'])}</td>"
        f"<td>{_clock(s['attempt_start_s'])}–{_clock(s['attempt_end_s'])}</td>"
        f"<td>{escape(_words(s['label']))}</td><td>{escape(_words(s['attempt_label'] or 'no_hand'))}</td>"
        f"<td class=n>{_change(s['rate_change_pct'], ' %')}</td><td class=n>{_change(s['angle_change_deg'], '°')}</td>"
        f"<td class=n>{_change(s['amplitude_change_pct'], ' %')}</td><td class=n>{_change(s['hold_change_s'], ' s')}</td>"
        f"<td>{escape(s['said'])}</td></tr>" for s in d["stretches"])
    overall = [("Strokes a minute", _change(d["rate_change_pct"], " %")),
               ("Angle across the foot", _change(d["angle_change_deg"], "°")),
               ("Stroke size", _change(d["amplitude_change_pct"], " %")),
               ("Hold time", _change(d["hold_change_s"], " s"))]
    body = "".join([
        "<h1>Your attempt compared with the demonstration</h1>",
        (f'<p class="muted">Attempt: {escape(d["attempt"])} ({d["attempt_duration_s"]:.0f} s) · '
        f'demonstration: {escape(d["reference"])} ({d["reference_duration_s"]:.0f} s)</p>'),
        '<div class="cards"><div class="card"><span class="muted">Similarity</span>'
        f'<b class="score">{d["similarity"]}<small>/100</small></b></div>'
        + "".join(f'<div class="card"><span class="muted">{escape(k)}</span><b>{escape(v)}</b></div>' for k, v in overall)
        + "</div>",
        '<ul class="said">' + "".join(f"<li>{escape(s)}</li>" for s in d["said"]) + "</ul>",
        "<h2>Stretch by stretch</h2>",
        '<div class="table"><table><tr><th>Demonstration</th><th>Attempt</th><th>Demonstrated</th><th>You did</th>'
        '<th class=n>Pace</th><th class=n>Angle</th><th class=n>Size</th><th class=n>Hold</th><th>In words</th></tr>'
        + rows + "</table></div>",
        "<h2>Both timelines, lined up</h2>", aligned_timelines_svg(comparison, reference, attempt),
        '<p class="muted">Shaded: each stretch of the demonstration and the part of your attempt matched to it.</p>',
        _legend([k for k in LABEL_WORDS if any(s.label == k for s in reference.segments + attempt.segments)]),
        "<h2>How the similarity is made</h2>",
        f"<p>{escape(d['similarity_method'])}</p>",
        (f'<p class="muted">Same technique {_num(parts["same_technique_pct"], unit=" %")} of the time; '
        f'stroke figures {_num(parts["stroke_figures_pct"], unit=" %")} close; '
        f'holds {_num(parts["hold_time_pct"], unit=" %")} as long.</p>'),
        _side_by_side(side_by_side),
        "<hr>", _session_body(attempt, stills, heading="Your attempt in detail"),
        _safety(attempt.coaching or reference.coaching),
    ])
    return _page("CrossGrain: attempt compared with the demonstration", body)
