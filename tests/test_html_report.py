"""The HTML report: written by `crossgrain analyze --html` from a real clip, opened from disk in a real
Chromium with the network off: no request leaves the file, no console error, the charts are drawn,
the stills decode, and it fits a phone's width."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from browser_support import chromium, chromium_path

from vision.compare import compare, load_report
from vision.views.html_report import comparison_html, report_html

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_videos" / "myofascial_hold.mp4"


@pytest.fixture(scope="module")
def written(analysed_sample, tmp_path_factory):
    """`crossgrain analyze SAMPLE --foot-axis 90 --json ... --html ...`: the run tests/test_cli.py reads too
    (conftest.py), its report and HTML copied here beside the comparison written from it."""
    run, analysed = analysed_sample
    assert run.returncode == 0, run.stderr
    out = tmp_path_factory.mktemp("html")
    shutil.copy2(analysed / "r.html", out / "r.html")
    report = load_report(analysed / "r.json")
    (out / "c.html").write_text(comparison_html(compare(report, report), report, report))
    return out, report


def test_html_is_one_file_that_names_no_other(written):
    out, report = written
    html = (out / "r.html").read_text()
    # nothing to fetch: no src/href to anything but inline data, and a policy that forbids fetching
    assert not re.search(r"""(src|href)\s*=\s*["']?(?!data:)[a-z]""", html, re.IGNORECASE)
    assert "default-src 'none'" in html
    assert html.count("data:image/jpeg;base64,") >= 2  # key frames at the segments
    # it says what the report says, in people's words
    assert f"{report.coaching['score']}<small>/100</small>" in html
    assert "Across the foot" in html and "Holding still" in html
    for warning in report.coaching["warnings"]:
        assert warning.replace("'", "&#x27;") in html
    assert report_html(report) == report_html(report)  # a pure function


@pytest.mark.browser
@pytest.mark.skipif(chromium_path() is None, reason="Debian's chromium is not installed")
def test_opens_offline_in_chromium(written):
    out, report = written
    with chromium() as browser:
        for name, width in (("r.html", 390), ("c.html", 390), ("c.html", 1000)):
            context = browser.new_context(offline=True, viewport={"width": width, "height": 800})
            page = context.new_page()
            requests, failed, errors = [], [], []
            page.on("request", lambda r, seen=requests: seen.append(r.url))
            page.on("requestfailed", lambda r, seen=failed: seen.append(r.url))
            page.on("console", lambda m, seen=errors: seen.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e, seen=errors: seen.append(str(e)))
            page.goto((out / name).as_uri())
            page.wait_for_load_state("load")
            assert failed == [] and errors == [], (failed, errors)
            assert all(u.startswith(("file:", "data:")) for u in requests), requests
            # the timeline: one band a segment, drawn with a real size
            bands = page.locator("svg.timeline").first.locator("rect")
            assert bands.count() >= len(report.segments)
            box = page.locator("svg.timeline").first.bounding_box()
            assert box["width"] > 300 * (width / 1000) and box["height"] > 20
            # readable on a phone: nothing wider than the screen (wide tables scroll in their own box)
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            if name == "r.html":
                line = page.locator("svg.chart path")
                assert line.count() == 1 and line.bounding_box()["width"] > 50
                natural = page.eval_on_selector_all(".stills img", "els => els.map(e => e.naturalWidth)")
                assert natural and all(w > 0 for w in natural)
                # printable: Chromium prints it to PDF, the safety notes included
                pdf = page.pdf()
                assert pdf.startswith(b"%PDF") and len(pdf) > 20_000
            else:
                assert "100" in page.locator(".score").first.inner_text()
                joins = page.locator("svg.aligned polygon")
                assert joins.count() == len(compare(report, report).stretches) >= 2
                assert page.locator("svg.aligned").bounding_box()["width"] > 0.8 * width
            context.close()
