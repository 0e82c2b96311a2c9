"""Accessibility in a real Chromium: axe-core run inside the page on both tabs, before and after an analysis.

axe-core is vendored (tests/vendor/axe.min.js, MPL-2.0) and injected with Playwright's
add_script_tag, so the test needs no network. The page must have no serious or critical
violation; every violation found is printed (`pytest -s`) and written to test-artifacts/.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vision.ui.samples import list_samples

from browser_support import ARTIFACTS, chromium, chromium_path, streamlit_server

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(chromium_path() is None, reason="Debian's chromium is not installed (make browser-deps)"),
]

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
SAMPLE = "cross_friction_good"  # 20 s: the quickest bundled sample to analyse
BLOCKING = ("serious", "critical")


def run_axe(page) -> list[dict]:
    """axe.run on the whole document (the webcam component's iframe is its own document: left out)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate("""async () => {
        const r = await axe.run(document, {exclude: [['iframe']], resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary}))}));
    }""")


def _settle(page) -> None:
    """Wait until Streamlit has finished running the script (no 'Running…' status)."""
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=120_000)
    page.wait_for_timeout(1500)


def _report(name: str, violations: list[dict]) -> list[dict]:
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    print(f"\naxe {name}: {len(violations)} violation(s), {len(blocking)} serious or critical")
    for v in violations:
        print(f"  [{v['impact']}] {v['id']}: {v['help']} ({len(v['nodes'])} node(s))")
        for n in v["nodes"][:4]:
            print(f"      {n['target']}: {n['summary'][:300]}")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"axe_{name}.json").write_text(json.dumps(violations, indent=1))
    return blocking


def test_axe_no_serious_violation_on_either_tab(tmp_path):
    if SAMPLE not in {s.name for s in list_samples()}:
        pytest.skip(f"sample clip {SAMPLE}.mp4 not found")
    ARTIFACTS.mkdir(exist_ok=True)
    found = {}
    with streamlit_server(log_path=ARTIFACTS / "streamlit_axe.log") as url, chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(90_000)
        page.goto(url, timeout=180_000)
        page.get_by_text("Foot axis").first.wait_for(timeout=180_000)
        _settle(page)
        found["live_before"] = _report("live_before", run_axe(page))

        page.get_by_role("tab", name="Analyse a video").click()
        page.get_by_role("button", name="Analyse sample").wait_for()
        _settle(page)
        found["analyse_before"] = _report("analyse_before", run_axe(page))

        box = page.locator("[data-testid='stSelectbox']").filter(has_text="Sample video").first
        box.click()
        page.get_by_role("option").filter(has_text=SAMPLE).first.click()
        # keyboard only: focus the button and press Enter
        button = page.get_by_role("button", name="Analyse sample")
        button.focus()
        page.keyboard.press("Enter")
        page.get_by_text("Download report (JSON)").wait_for(timeout=420_000)
        _settle(page)
        found["analyse_after"] = _report("analyse_after", run_axe(page))

        page.get_by_role("tab", name="Live practice").click()
        _settle(page)
        found["live_after"] = _report("live_after", run_axe(page))
        page.close()
    assert not any(found.values()), {k: [v["id"] for v in vs] for k, vs in found.items()}
