"""Accessibility of the built course site (WCAG 2.1 AA), in Chromium with Playwright.

* axe-core (from the PyPI package axe-playwright-python, which bundles it) on every page
  of sitemap.xml, in the light ("default") and dark ("slate") schemes, at desktop width
  (1280x900) and on a phone (390x844): no serious or critical violation of a WCAG 2.0/2.1
  A or AA rule. The run is site_tools/a11y_audit.py; its axe_runs says where the slow
  colour-contrast rule skips what another run covers. The report prints the count per rule.
* Disabled axe rules: none (site_tools/a11y_audit.py, DISABLED_RULES, lists any with its
  reason; the test below prints them).
* By keyboard alone a quiz is answered, checked and retried, and its result is a live
  region that receives focus; a box of code that scrolls sideways is reached with Tab,
  scrolls with the arrow keys, and shows its focus.
* A quiz answer that is only a formula is named by the formula's text.
* With prefers-reduced-motion, Material's transitions are off.
* The audit itself finds violations on a page made to have them (it can fail).
"""

from __future__ import annotations

import os

import pytest

from site_tools import a11y_audit

PHONE = a11y_audit.VIEWPORTS["phone"]


@pytest.fixture(scope="module", autouse=True)
def _axe_installed():
    try:
        a11y_audit.axe_source()
    except ModuleNotFoundError:
        reason = "axe-core is not installed (pip install -e '.[browser]' brings axe-playwright-python)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(reason)
        pytest.skip(reason)


def test_no_serious_or_critical_axe_violations(chromium_exe, site_url, site_dir, capsys):
    paths = a11y_audit.sitemap_paths(site_dir)
    assert len(paths) >= 30, paths
    workers = max(1, min(2, os.cpu_count() or 1))
    violations = a11y_audit.audit(chromium_exe, site_url, paths, workers)
    with capsys.disabled():
        counts = a11y_audit.counts_per_rule(violations)
        print(f"\naxe-core, {len(paths)} pages x 2 schemes x 2 viewports, serious or critical violations per rule: "
              + (", ".join(f"{r} {n}" for r, n in counts.items()) or "none")
              + "; disabled rules: " + (", ".join(f"{r} ({why})" for r, why in a11y_audit.DISABLED_RULES.items())
                                        or "none"))
    assert not violations, "axe-core: serious or critical violations\n" + a11y_audit.report(violations)


@pytest.fixture()
def page(chromium_exe, site_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_exe, headless=True, args=a11y_audit.CHROMIUM_ARGS)
        context = browser.new_context(viewport=PHONE, service_workers="block", reduced_motion="reduce")
        page = context.new_page()
        page.set_default_timeout(a11y_audit.TIMEOUT_MS)
        yield page
        browser.close()


def _load(page, url: str) -> None:
    page.goto(url, wait_until="load")
    page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
    page.evaluate("() => MathJax.startup.promise.then(() => document.fonts.ready).then(() => true)")


def _quiz_page(site_dir) -> str:
    for cand in ["ann/backpropagation/"] + sorted(
        str(p.parent.relative_to(site_dir)) + "/" for p in site_dir.rglob("index.html")
    ):
        html = (site_dir / cand / "index.html").read_text(encoding="utf-8")
        if 'class="quiz"' in html and 'type="radio"' in html:
            return cand
    pytest.fail("no page with a single-choice quiz")


def _tab_to(page, selector: str, limit: int = 400) -> None:
    """Press Tab until the focused element matches selector."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(sel) => document.activeElement && document.activeElement.matches(sel)", selector):
            return
    pytest.fail(f"Tab never reached {selector}")


def test_a_quiz_by_keyboard_alone(page, site_url, site_dir):
    """Tab into a quiz, choose with the arrow keys (which must not answer yet), submit with
    Enter, hear the result (focus and a live region), then retry with Try Again."""
    _load(page, site_url + _quiz_page(site_dir))
    quiz_id = page.evaluate("() => document.querySelector('.quiz').id")
    quiz = page.locator(f"#{quiz_id}")
    assert quiz.locator("fieldset").get_attribute("aria-labelledby"), "the question does not name its choices"
    feedback = quiz.locator(".quiz-feedback")
    assert feedback.get_attribute("role") == "status"
    _tab_to(page, f"#{quiz_id} input[type=radio]")
    page.keyboard.press("ArrowDown")
    assert "hidden" in feedback.get_attribute("class"), "moving between choices answered the quiz"
    assert quiz.locator("input[type=radio]:checked").count() == 1
    _tab_to(page, f"#{quiz_id} button[type=submit]", limit=5)
    page.keyboard.press("Enter")
    page.wait_for_function("(el) => !el.classList.contains('hidden') && el.textContent.trim()",
                           arg=feedback.element_handle())
    assert page.evaluate("() => document.activeElement.classList.contains('quiz-feedback')"), \
        "focus did not move to the result"
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "the focused result shows no focus"
    _tab_to(page, f"#{quiz_id} .quiz-reset-button", limit=5)
    page.keyboard.press("Enter")
    assert "hidden" in feedback.get_attribute("class")
    assert quiz.locator("input[type=radio]:checked").count() == 0
    assert quiz.locator("input[type=radio]:disabled").count() == 0, "the quiz cannot be answered again"


def test_answers_that_are_formulas_have_a_name(page, site_url, site_dir):
    _load(page, site_url + _quiz_page(site_dir))
    unnamed = page.evaluate("""() => Array.from(document.querySelectorAll('.quiz fieldset label[for]'))
        .filter((l) => l.querySelector('mjx-container'))
        .filter((l) => !(document.getElementById(l.htmlFor).getAttribute('aria-label') || '').trim())
        .map((l) => l.htmlFor)""")
    assert not unnamed, f"answers with maths but no name: {unnamed}"


def test_a_scroll_box_by_keyboard(page, site_url, site_dir):
    """On a phone, Tab reaches a notebook code cell that overflows; the arrow keys scroll it,
    and its focus shows."""
    path = next(str(p.parent.relative_to(site_dir)) + "/" for p in sorted(site_dir.rglob("index.html"))
                if "jupyter-wrapper" in p.read_text(encoding="utf-8"))
    _load(page, site_url + path)
    box = page.evaluate("""() => {
        const el = Array.from(document.querySelectorAll('.highlight-ipynb')).find((e) => e.scrollWidth > e.clientWidth + 1);
        if (!el) return null;
        el.id = el.id || '__wide_cell';
        return '#' + el.id;
    }""")
    assert box, f"{path}: no notebook code cell wider than a phone"
    _tab_to(page, box)
    assert page.evaluate("(sel) => getComputedStyle(document.querySelector(sel)).outlineStyle", box) != "none"
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    # Chromium animates keyboard scrolling: wait for it to move
    page.wait_for_function("(sel) => document.querySelector(sel).scrollLeft > 0", arg=box, timeout=5_000)


def test_reduced_motion_turns_transitions_off(page, site_url):
    _load(page, site_url)
    seconds = page.evaluate("() => getComputedStyle(document.querySelector('.md-header')).transitionDuration")
    assert all(float(s.rstrip("ms")) < 0.01 for s in seconds.split(",")), seconds


def test_the_audit_finds_violations(page):
    """A hand-made page with an unlabelled radio, an unnamed progress bar and grey on
    white text: the audit must report each."""
    page.set_content(
        """<html lang="en"><head><title>t</title></head><body><main>
        <div role="progressbar"></div>
        <input type="radio" name="answer" id="q-0">
        <p style="color:#bbb;background:#fff">faint text</p>
        </main></body></html>"""
    )
    page.evaluate(a11y_audit.axe_source())
    found = page.evaluate(a11y_audit.RUN_AXE_JS, ["default", a11y_audit.axe_runs("desktop", "default")])
    rules = {v["rule"] for v in found if v["impact"] in a11y_audit.COUNTED_IMPACTS}
    assert {"label", "aria-progressbar-name", "color-contrast"} <= rules, found
