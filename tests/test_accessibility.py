"""Accessibility in a real Chromium: axe-core run inside the page on both tabs, before and after an analysis.

axe-core is vendored (tests/vendor/axe.min.js, MPL-2.0) and injected with Playwright's
add_script_tag, so the test needs no network. The page must have no serious or critical
violation; every violation found is printed (`pytest -s`) and written to test-artifacts/.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from browser_support import ARTIFACTS, chromium, chromium_path, streamlit_server

from vision.ui.samples import list_samples

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


TABBABLE = ("a[href], button, input, select, textarea, summary, iframe, [role='slider'], [role='tab'], "
            "[tabindex]")


def unreachable_by_tab(page, max_presses: int = 400) -> list[str]:
    """The page's visible, enabled controls that pressing Tab from the top never focuses.

    A radio group is one stop (arrow keys move within it); an inactive tab is reached with the
    arrow keys from the active one (the ARIA tabs pattern); controls inside the webcam
    component's iframe are its own (the iframe itself must be reached).
    """
    count = page.evaluate("""(sel) => {
        let n = 0;
        const seenRadio = new Set();
        for (const el of document.querySelectorAll(sel)) {
            el.removeAttribute('data-kb');
            const style = getComputedStyle(el);
            const hidden = !el.getClientRects().length || style.visibility === 'hidden' || el.closest('[inert]')
                || (el.tagName === 'INPUT' && el.type === 'file') || el.closest('details:not([open]) > :not(summary)');
            if (hidden || el.disabled || el.getAttribute('aria-disabled') === 'true') continue;
            if (el.getAttribute('tabindex') === '-1') continue;
            if (el.getAttribute('role') === 'tab' && el.getAttribute('aria-selected') !== 'true') continue;
            if (el.type === 'radio') { if (seenRadio.has(el.name)) continue; seenRadio.add(el.name); }
            el.setAttribute('data-kb', String(n++));
        }
        return n;
    }""", TABBABLE)
    assert count >= 5, f"only {count} controls found: the check would prove nothing"
    print(f"\nkeyboard: {count} controls to reach with Tab")
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
    page.locator("body").focus()
    seen: set[str] = set()
    for _ in range(max_presses):
        page.keyboard.press("Tab")
        kb = page.evaluate("""() => { const a = document.activeElement; if (!a) return null;
            if (a.type === 'radio') { const g = document.querySelector(`input[type=radio][name="${a.name}"][data-kb]`);
                                      return g ? g.getAttribute('data-kb') : null; }
            const k = a.closest('[data-kb]'); return k ? k.getAttribute('data-kb') : null; }""")
        if kb is not None:
            seen.add(kb)
        if len(seen) == count:
            break
    missing = page.evaluate("""(seen) => [...document.querySelectorAll('[data-kb]')]
        .filter(el => !seen.includes(el.getAttribute('data-kb')))
        .map(el => `${el.tagName.toLowerCase()} ${el.getAttribute('role') || ''} ${el.getAttribute('aria-label') ||
                    (el.innerText || '').slice(0, 40)}`)""", sorted(seen))
    return missing


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
        page.wait_for_timeout(1500)  # the camera check has looked: with Chromium's fake camera it says nothing
        assert page.locator("#crossgrain-camera-check").inner_text().strip() == ""
        assert not unreachable_by_tab(page), unreachable_by_tab(page)  # every control by keyboard
        slider = page.get_by_role("slider").first  # and the axis is set with the arrow keys
        def value():
            return slider.evaluate("e => e.getAttribute('aria-valuenow') || e.value")
        before = value()
        slider.focus()
        page.keyboard.press("ArrowRight")
        for _ in range(60):
            if value() != before:
                break
            page.wait_for_timeout(500)
        assert (before, value()) == ("90", "91")
        _settle(page)

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
        assert not unreachable_by_tab(page), unreachable_by_tab(page)
        analyse = page.get_by_role("tabpanel", name="Analyse a video")
        analyse.get_by_text("For therapists: the figures").click()  # the expander's table is read too
        analyse.get_by_text("Frames analysed").first.wait_for()
        found["analyse_therapists"] = _report("analyse_therapists", run_axe(page))

        page.get_by_role("tab", name="Live practice").click()
        _settle(page)
        found["live_after"] = _report("live_after", run_axe(page))
        page.close()
    assert not any(found.values()), {k: [v["id"] for v in vs] for k, vs in found.items()}
