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
* Focus shows on every tab stop: on the home page, a quiz page, a notebook page and an
  exercise page, at both widths, each kind of element Tab reaches is screenshotted focused
  and unfocused, and the two must differ (a computed outline can still be clipped by a
  parent, or be the colour of what is behind it; only the pixels tell). Nothing that
  takes focus may be off screen (a closed drawer's links, an empty results box).
* On a phone the navigation drawer opens from the keyboard, takes focus, and closes with
  Escape, giving focus back to its button.
* A quiz answer that is only a formula is named by the formula's text. (Every formula's
  assistive MathML and every figure's alt text are checked on every page by the audit.)
* With prefers-reduced-motion, Material's transitions are off.
* The audit itself finds violations on a page made to have them (it can fail).
"""

from __future__ import annotations

import os

import pytest

from site_tools import a11y_audit

PHONE = a11y_audit.VIEWPORTS["phone"]

# The focused element and what a sighted user sees of it: itself, its labels, and the label
# right after it (a visually hidden radio or checkbox shows itself through that label).
FOCUS_INFO_JS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  window.__courseFocused = el;
  const next = el.nextElementSibling && el.nextElementSibling.tagName === 'LABEL' ? [el.nextElementSibling] : [];
  const boxes = [el, ...(el.labels ? Array.from(el.labels) : []), ...next]
    .map((e) => e.getBoundingClientRect()).filter((r) => r.width > 0 && r.height > 0);
  const classes = Array.from(el.classList).filter((c) => c !== 'focus-visible').sort().join('.');
  const kind = el.tagName.toLowerCase() + (classes ? '.' + classes : '');
  const name = (el.getAttribute('aria-label') || el.title || el.innerText || el.id || '').trim().slice(0, 40).replace(/\\s+/g, ' ');
  const pad = 6;  // room for a ring drawn outside the box (width plus offset)
  const x0 = Math.max(0, Math.min(...boxes.map((r) => r.left)) - pad);
  const y0 = Math.max(0, Math.min(...boxes.map((r) => r.top)) - pad);
  const x1 = Math.min(innerWidth, Math.max(...boxes.map((r) => r.right)) + pad);
  const y1 = Math.min(innerHeight, Math.max(...boxes.map((r) => r.bottom)) + pad);
  const onScreen = boxes.length && x1 - x0 >= 1 && y1 - y0 >= 1;
  const own = el.getBoundingClientRect();
  const ring = own.width > 0 && own.height > 0 ? own.width + own.height : (x1 - x0) + (y1 - y0);
  return {kind, name, ring, clip: onScreen ? {x: x0, y: y0, width: x1 - x0, height: y1 - y0} : null};
}"""


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


def changed_pixels(png_a: bytes, png_b: bytes, threshold: int = 48) -> int:
    """Pixels whose colour differs by more than threshold (0-255) in some channel."""
    import io

    import numpy as np
    from PIL import Image

    a, b = (np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.int16) for png in (png_a, png_b))
    return int((np.abs(a - b).max(axis=2) > threshold).sum()) if a.shape == b.shape else a.size


def focus_problems(page, per_kind: int = 3, limit: int = 600) -> tuple[int, list[str]]:
    """Tab through the page once. Up to per_kind stops of each kind of element are checked:
    on screen, and drawn differently focused than unfocused. Returns (stops, problems)."""
    checked: dict[str, int] = {}
    problems = []
    stops, first = 0, None
    for _ in range(limit):
        page.keyboard.press("Tab")
        info = page.evaluate(FOCUS_INFO_JS)
        if info is None or (info["kind"], info["name"]) == first:
            break  # back at the start of the page
        first = first or (info["kind"], info["name"])
        stops += 1
        if checked.get(info["kind"], 0) >= per_kind:
            continue
        checked[info["kind"]] = checked.get(info["kind"], 0) + 1
        where = f"{info['kind']} ({info['name']!r})"
        if info["clip"] is None:
            problems.append(f"{where}: takes focus but is not on screen")
            continue
        focused = page.screenshot(clip=info["clip"], animations="disabled")
        page.evaluate("() => window.__courseFocused.blur()")
        unfocused = page.screenshot(clip=info["clip"], animations="disabled")
        page.evaluate("() => window.__courseFocused.focus({preventScroll: true})")
        # A focus indicator changes at least as many pixels as half the focused box's
        # perimeter (a 1 px line around half of it); sub-pixel rendering alone changes a few.
        if changed_pixels(focused, unfocused) < info["ring"]:
            problems.append(f"{where}: focus does not show")
    return stops, problems


def _focus_pages(site_dir) -> list[str]:
    notebook = next(str(p.parent.relative_to(site_dir)) + "/" for p in sorted(site_dir.rglob("index.html"))
                    if "jupyter-wrapper" in p.read_text(encoding="utf-8"))
    return ["", _quiz_page(site_dir), notebook, "exercises/activations/"]


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_focus_shows_on_every_tab_stop(chromium_exe, site_url, site_dir, viewport):
    from playwright.sync_api import sync_playwright

    phone = viewport == "phone"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_exe, headless=True, args=a11y_audit.CHROMIUM_ARGS)
        context = browser.new_context(viewport=a11y_audit.VIEWPORTS[viewport], is_mobile=phone, has_touch=phone,
                                      service_workers="block", reduced_motion="reduce")
        page = context.new_page()
        page.set_default_timeout(a11y_audit.TIMEOUT_MS)
        found = []
        for path in _focus_pages(site_dir):
            _load(page, site_url + path)
            stops, problems = focus_problems(page)
            assert stops >= 10, f"{path or '/'}: only {stops} tab stops"
            found += [f"{path or '/'}: {p}" for p in problems]
        browser.close()
    assert not found, "\n".join(found)


def test_focus_check_sees_a_hidden_ring(page):
    """The check can fail: an outline the same colour as the page, and a focusable element
    off screen, are both reported."""
    page.set_content("""<html lang="en"><body style="background:#fff">
        <a href="#a" id="a" style="outline:3px solid #fff">plain link</a>
        <a href="#b" style="position:absolute;left:-9999px">off screen</a>
        <button>fine</button></body></html>""")
    _, problems = focus_problems(page)
    assert any("plain link" in p and "does not show" in p for p in problems), problems
    assert any("off screen" in p and "not on screen" in p for p in problems), problems
    assert not any("fine" in p for p in problems), problems


def test_the_drawer_by_keyboard(page, site_url, site_dir):
    """On a phone: Tab reaches the drawer button, Enter opens the drawer and focus moves
    into it; Escape closes it and gives focus back to the button. Closed, the drawer's
    links take no Tab stop."""
    _load(page, site_url + _quiz_page(site_dir))
    assert page.evaluate("() => document.querySelector('.md-sidebar--primary').inert"), "the closed drawer is not inert"
    button = 'label.md-header__button[for="__drawer"]'
    _tab_to(page, button, limit=10)
    assert page.get_attribute(button, "aria-expanded") == "false"
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('.md-sidebar--primary').contains(document.activeElement)")
    assert page.get_attribute(button, "aria-expanded") == "true"
    assert page.evaluate("() => document.getElementById('__drawer').checked")
    page.keyboard.press("Escape")
    page.wait_for_function("(sel) => document.activeElement === document.querySelector(sel)", arg=button)
    assert not page.evaluate("() => document.getElementById('__drawer').checked")


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
