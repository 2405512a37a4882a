"""Browser tests of the built course site (Playwright driving Debian's Chromium).

The site is built once (strict) and served on a localhost port by the fixtures in
conftest.py. Every request to any other host is aborted and recorded, so these tests
also prove the site works offline. Checked:

* every page of sitemap.xml loads with no console error, no failed request, no
  request off the site, and no unrendered or erroneous maths; it is loaded at a phone's
  viewport (390x844), where the document must not be wider than the screen and every
  formula, table and code block must be fully visible or inside a box that scrolls;
* maths is typeset on a Markdown page and on a notebook page, also after Material's
  instant (in-page) navigation;
* a heading's maths is typeset in the table of contents too;
* in the dark scheme on a phone, quiz, admonition, maths and notebook-code text reach
  WCAG AA contrast and plots keep a light background (screenshots in build/screenshots/);
* a quiz answers a click with feedback;
* the light/dark toggle switches the colour scheme;
* search finds a term.

Without Chromium (or Playwright) the tests are skipped with a message, except under
CI (CI=true), where that is a failure.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-background-networking", "--disable-gpu"]
TIMEOUT_MS = 20_000


@dataclass
class Recorder:
    """What the browser did that a page must not do."""

    origin: str
    offsite: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    http_errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def clear(self) -> None:
        for lst in (self.offsite, self.failed, self.http_errors, self.console_errors, self.page_errors):
            lst.clear()

    def problems(self) -> list[str]:
        return (
            [f"request off the site: {u}" for u in self.offsite]
            + [f"failed request: {u}" for u in self.failed]
            + [f"HTTP error: {u}" for u in self.http_errors]
            + [f"console error: {m}" for m in self.console_errors]
            + [f"page error: {m}" for m in self.page_errors]
        )


@pytest.fixture(scope="module")
def browser(chromium_exe):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium_exe, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture()
def session(browser, site_url):
    """A fresh browser context and page whose every off-site request is aborted and recorded."""
    origin = site_url.rstrip("/")
    host = urlsplit(site_url).netloc
    rec = Recorder(origin)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="light", service_workers="block")

    def route(r):
        url = r.request.url
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob") or parts.netloc == host:
            r.continue_()
        else:
            rec.offsite.append(url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.on("console", lambda m: rec.console_errors.append(f"{m.text} ({page.url})") if m.type == "error" else None)
    page.on("pageerror", lambda e: rec.page_errors.append(f"{e} ({page.url})"))
    def failed(r):
        # Off-site requests are aborted by `route` and recorded there; ERR_ABORTED on the
        # site itself is a load cut short by the test moving on (e.g. the favicon).
        if urlsplit(r.url).netloc == host and "ERR_ABORTED" not in (r.failure or ""):
            rec.failed.append(f"{r.url}: {r.failure}")

    page.on("requestfailed", failed)
    page.on("response", lambda r: rec.http_errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    yield page, rec
    context.close()


def _settle(page) -> None:
    """Wait until MathJax has typeset the page and its fonts have loaded."""
    page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
    page.evaluate("() => MathJax.startup.promise.then(() => document.fonts.ready).then(() => true)")


MATH_STATE_JS = r"""
(sel) => {
  const root = document.querySelector(sel) || document.querySelector("article");
  if (!root) return {containers: 0, errors: 0, raw: ["no " + sel]};
  const clone = root.cloneNode(true);
  clone.querySelectorAll("mjx-container, pre, code, script, style, textarea, .highlight, .jp-CodeCell .jp-InputArea, .jp-OutputArea")
       .forEach(e => e.remove());
  const text = clone.textContent;
  const raw = [];
  for (const d of ["$$", "\\(", "\\)", "\\[", "\\]"]) if (text.includes(d)) raw.push(d);
  const mdCells = Array.from(clone.querySelectorAll(".jp-RenderedMarkdown")).map(e => e.textContent).join("\n");
  const m = mdCells.match(/\$[^\s$][^$\n]*\$/);
  if (m) raw.push(m[0]);
  return {
    containers: root.querySelectorAll("mjx-container").length,
    errors: root.querySelectorAll("mjx-merror").length,
    raw: raw,
  };
}
"""


def _math_state(page, sel: str = "article") -> dict:
    return page.evaluate(MATH_STATE_JS, sel)


def _sitemap_paths(site_dir: Path, site_url: str) -> list[str]:
    tree = ET.parse(site_dir / "sitemap.xml")
    locs = [el.text.strip() for el in tree.iter() if el.tag.endswith("loc") and el.text]
    paths = []
    for loc in locs:
        assert loc.startswith(site_url), f"sitemap entry {loc} is not under {site_url}"
        paths.append(loc[len(site_url):])
    return paths


def _first_page(site_dir: Path, prefer: list[str], predicate) -> str:
    """A site path (e.g. 'ann/backpropagation/') among `prefer`, else any page, whose HTML satisfies predicate."""
    candidates = [p for p in prefer if (site_dir / p / "index.html").is_file()]
    candidates += sorted(
        str(p.parent.relative_to(site_dir)).replace(".", "") + "/" for p in site_dir.rglob("index.html")
        if "assets" not in p.parts
    )
    for cand in candidates:
        html = (site_dir / cand / "index.html").read_text(encoding="utf-8")
        if predicate(html):
            return cand.lstrip("/")
    pytest.fail("no built page fits: " + getattr(predicate, "__doc__", ""))


def _has_markdown_maths(html: str) -> bool:
    """a Markdown page with maths"""
    return 'class="arithmatex"' in html and "jupyter-wrapper" not in html


def _has_notebook_maths(html: str) -> bool:
    """a notebook page with maths in a Markdown cell"""
    cells = re.findall(r'jp-RenderedMarkdown jp-MarkdownOutput"[^>]*>(.*?)</div>', html, re.S)
    return "jupyter-wrapper" in html and any("$" in c for c in cells)


def _has_quiz(html: str) -> bool:
    """a page with a quiz"""
    return 'class="quiz"' in html


PHONE = {"width": 390, "height": 844}

# Layout problems of the page at the current viewport: a document wider than the
# viewport, or a formula, table or code block that sticks out of the viewport or is cut
# off by an ancestor, unless a box that scrolls sideways and fits the viewport holds it.
LAYOUT_JS = r"""
() => {
  const vw = document.documentElement.clientWidth;
  const problems = [];
  const docWidth = document.documentElement.scrollWidth;
  if (docWidth > vw + 1) problems.push(`the document is ${docWidth}px wide on a ${vw}px screen`);
  const name = (el) => {
    const text = (el.textContent || "").trim().replace(/\s+/g, " ").slice(0, 50);
    return `<${el.tagName.toLowerCase()}> "${text}"`;
  };
  const fits = (r, left, right) => r.left >= left - 1 && r.right <= right + 1;
  const check = (el) => {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) return;  // not displayed (e.g. a closed <details>)
    for (let a = el.parentElement; a && a !== document.documentElement; a = a.parentElement) {
      const overflow = getComputedStyle(a).overflowX;
      const box = a.getBoundingClientRect();
      if ((overflow === "auto" || overflow === "scroll") && fits(box, 0, vw)) return;  // it scrolls in there
      if ((overflow === "hidden" || overflow === "clip") && !fits(r, box.left, box.right)) {
        problems.push(`${name(el)} is cut off (${Math.round(r.left)}..${Math.round(r.right)}px) by ${name(a).slice(0, 40)}`);
        return;
      }
    }
    if (!fits(r, 0, vw)) problems.push(`${name(el)} sticks out of the screen (${Math.round(r.left)}..${Math.round(r.right)}px)`);
  };
  const own = (el) => getComputedStyle(el).overflowX;
  document.querySelectorAll("article mjx-container, article table, article pre").forEach((el) => {
    // an element that scrolls by itself only has to fit the screen
    if ((own(el) === "auto" || own(el) === "scroll") && fits(el.getBoundingClientRect(), 0, vw)) return;
    check(el);
  });
  return problems;
}
"""


def _page_problems(path: str, status: int | None, rec: Recorder, state: dict, layout: list[str]) -> list[str]:
    problems = [] if status == 200 else [f"{path}: HTTP {status}"]
    problems += [f"{path}: phone layout: {p}" for p in layout]
    problems += [f"{path}: {p}" for p in rec.problems()]
    if state["errors"]:
        problems.append(f"{path}: {state['errors']} MathJax error(s) (mjx-merror): invalid TeX")
    if state["raw"]:
        problems.append(f"{path}: maths left untypeset: {state['raw']}")
    return problems


async def _check_pages(exe: str, site_url: str, paths: list[str], workers: int) -> list[str]:
    """Load every path in a fresh page load, `workers` pages at a time (one per core)."""
    from playwright.async_api import async_playwright

    host = urlsplit(site_url).netloc
    todo = list(paths)
    problems: list[str] = []

    async def worker(browser) -> None:
        context = await browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, service_workers="block")
        rec = Recorder(site_url)

        async def route(r):
            parts = urlsplit(r.request.url)
            if parts.scheme in ("data", "blob") or parts.netloc == host:
                await r.continue_()
            else:
                rec.offsite.append(r.request.url)
                await r.abort()

        await context.route("**/*", route)
        page = await context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.on("console", lambda m: rec.console_errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: rec.page_errors.append(str(e)))
        page.on(
            "requestfailed",
            lambda r: rec.failed.append(f"{r.url}: {r.failure}")
            if urlsplit(r.url).netloc == host and "ERR_ABORTED" not in (r.failure or "")
            else None,
        )
        page.on("response", lambda r: rec.http_errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        while todo:
            path = todo.pop(0)
            rec.clear()
            resp = await page.goto(site_url + path, wait_until="load")
            await page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
            await page.evaluate("() => MathJax.startup.promise.then(() => document.fonts.ready).then(() => true)")
            state = await page.evaluate(MATH_STATE_JS, "article")
            layout = await page.evaluate(LAYOUT_JS)
            problems.extend(_page_problems(path, resp.status if resp else None, rec, state, layout))
        await context.close()

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=exe, headless=True, args=CHROMIUM_ARGS)
        await asyncio.gather(*(worker(browser) for _ in range(workers)))
        await browser.close()
    return problems


def test_every_page_loads_cleanly_and_fits_a_phone(chromium_exe, site_url, site_dir):
    """Each sitemap page, freshly loaded at a phone's viewport: no console error, no failed
    or off-site request, all maths typeset without TeX errors, nothing wider than the
    screen outside a box that scrolls. (Runs in its own thread with Playwright's async
    API, two pages at a time; one pass serves both checks.)"""
    paths = _sitemap_paths(site_dir, site_url)
    assert len(paths) >= 30, paths
    workers = max(1, min(2, os.cpu_count() or 1))
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        problems = pool.submit(asyncio.run, _check_pages(chromium_exe, site_url, paths, workers)).result()
    assert not problems, "\n".join(sorted(problems))


def test_maths_typeset_on_markdown_and_notebook_pages(session, site_url, site_dir):
    page, rec = session
    md_page = _first_page(site_dir, ["ann/backpropagation/", "ann/activation-functions/"], _has_markdown_maths)
    nb_page = _first_page(
        site_dir, ["ann/notebooks/backprop-by-hand/", "ann/notebooks/activation-functions/"], _has_notebook_maths
    )
    for path, sel in ((md_page, "article"), (nb_page, ".jupyter-wrapper")):
        page.goto(site_url + path, wait_until="load")
        _settle(page)
        state = _math_state(page, sel)
        assert state["containers"] > 0, f"{path}: no MathJax output in {sel}"
        assert not state["raw"] and not state["errors"], f"{path}: {state}"
    assert not rec.problems(), rec.problems()


def _has_toc_maths(html: str) -> bool:
    """a notebook page with maths in its table of contents"""
    return "jupyter-wrapper" in html and re.search(r'class="md-ellipsis">[^<]*<span class="arithmatex">', html) is not None


def test_maths_typeset_in_the_table_of_contents(session, site_url, site_dir):
    """A heading's maths shows typeset in the sidebar's table of contents, not as LaTeX."""
    page, rec = session
    path = _first_page(site_dir, ["rnn/notebooks/gradient-through-time/"], _has_toc_maths)
    page.goto(site_url + path, wait_until="load")
    _settle(page)
    state = _math_state(page, "nav.md-nav--secondary")
    assert state["containers"] > 0, f"{path}: no typeset maths in the table of contents"
    assert not state["errors"], f"{path}: {state}"
    text = page.evaluate(
        """() => { const c = document.querySelector('nav.md-nav--secondary').cloneNode(true);
                   c.querySelectorAll('mjx-container').forEach(e => e.remove()); return c.textContent; }"""
    )
    assert "$" not in text and "\\(" not in text, f"{path}: raw LaTeX in the table of contents: {text!r}"
    assert not rec.problems(), rec.problems()


def test_maths_typeset_after_instant_navigation(session, site_url, site_dir):
    page, rec = session
    md_page = _first_page(site_dir, ["ann/backpropagation/", "ann/activation-functions/"], _has_markdown_maths)
    nb_page = _first_page(
        site_dir, ["ann/notebooks/backprop-by-hand/", "ann/notebooks/activation-functions/"], _has_notebook_maths
    )
    page.goto(site_url, wait_until="load")
    _settle(page)
    page.evaluate("() => { window.__noReload = 'still here'; }")
    for path, sel in ((nb_page, ".jupyter-wrapper"), (md_page, "article")):
        # Follow an ordinary link, as a reader would; Material intercepts the click.
        page.evaluate(
            """(href) => {
                 const a = document.createElement('a');
                 a.href = href; a.id = '__test_link'; a.textContent = 'go';
                 document.querySelector('article').appendChild(a);
               }""",
            site_url + path,
        )
        page.click("#__test_link")
        # navigation.tracking may add the heading in view as a #fragment
        page.wait_for_url(lambda url, target=site_url + path: url.split("#")[0] == target)
        page.wait_for_function(
            "(sel) => document.querySelector(sel) && document.querySelector(sel).querySelector('mjx-container')",
            arg=sel,
        )
        _settle(page)
        assert page.evaluate("() => window.__noReload") == "still here", f"{path}: the page was reloaded, not swapped"
        state = _math_state(page, sel)
        assert state["containers"] > 0 and not state["raw"] and not state["errors"], f"{path}: {state}"
    assert not rec.problems(), rec.problems()


def test_quiz_gives_feedback(session, site_url, site_dir):
    page, rec = session
    path = _first_page(site_dir, ["", "ann/backpropagation/"], _has_quiz)
    page.goto(site_url + path, wait_until="load")
    quiz = page.locator("div.quiz").first
    quiz.scroll_into_view_if_needed()
    feedback = quiz.locator(".quiz-feedback")
    assert "hidden" in (feedback.get_attribute("class") or "")
    first_answer = quiz.locator("fieldset input").first
    first_answer.check() if first_answer.get_attribute("type") == "checkbox" else first_answer.click()
    submit = quiz.locator("button.quiz-button")
    if submit.count() and submit.first.is_visible():
        submit.first.click()
    page.wait_for_function(
        "(el) => !el.classList.contains('hidden') && el.textContent.trim().length > 0", arg=feedback.element_handle()
    )
    marked = quiz.locator("fieldset .correct, fieldset .wrong, fieldset .incorrect").count()
    assert marked > 0, "the answers were not marked correct/wrong"
    assert not rec.problems(), rec.problems()


def test_light_dark_toggle(session, site_url):
    page, rec = session
    page.goto(site_url, wait_until="load")
    scheme = lambda: page.evaluate("() => document.body.getAttribute('data-md-color-scheme')")  # noqa: E731
    before = scheme()
    assert before == "default"
    page.locator("form[data-md-component=palette] label:visible").first.click()
    page.wait_for_function("() => document.body.getAttribute('data-md-color-scheme') === 'slate'")
    # The choice is kept when moving to another page.
    page.goto(site_url + "setup/", wait_until="load")
    assert scheme() == "slate"
    page.locator("form[data-md-component=palette] label:visible").first.click()
    page.wait_for_function("() => document.body.getAttribute('data-md-color-scheme') === 'default'")
    assert not rec.problems(), rec.problems()


def test_search_finds_a_term(session, site_url):
    page, rec = session
    page.goto(site_url, wait_until="load")
    box = page.locator("input.md-search__input")
    if not box.is_visible():  # narrow layouts hide the box behind a button
        page.locator("label.md-header__button[for=__search]").click()
    box.click()
    box.fill("autograder")
    results = page.locator(".md-search-result__item")
    # Material reads the query on keyup (fill() sends none) and answers once its search
    # worker has built the index, which can take a while on a busy machine.
    for _ in range(8):
        box.press("End")
        try:
            results.first.wait_for(state="visible", timeout=5_000)
            break
        except Exception:  # not ready yet: ask again
            continue
    assert results.count() > 0, "search found nothing for 'autograder'"
    assert "autograder" in page.locator(".md-search-result").inner_text().lower()
    assert not rec.problems(), rec.problems()


# ----------------------------------------------------------------------------- phones and the dark scheme
SCREENSHOTS = Path(os.environ.get("COURSE_SCREENSHOTS", REPO_ROOT / "build" / "screenshots"))
MIN_CONTRAST = 4.5  # WCAG 2 AA for normal text
MIN_PLOT_BACKGROUND_LUMINANCE = 0.9  # figures sit on a light card, never on the dark page

# The lowest-contrast text in the elements matching a selector: each text's colour against
# the background it is really drawn on (translucent backgrounds and colours blended).
CONTRAST_JS = r"""
(sel) => {
  const parse = (c) => {
    const m = c.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
  };
  const over = (top, bottom) => ({
    r: top.r * top.a + bottom.r * (1 - top.a), g: top.g * top.a + bottom.g * (1 - top.a),
    b: top.b * top.a + bottom.b * (1 - top.a), a: 1,
  });
  const background = (el) => {
    const layers = [];
    for (let a = el; a; a = a.parentElement) {
      const c = parse(getComputedStyle(a).backgroundColor);
      if (c && c.a > 0) { layers.push(c); if (c.a >= 1) break; }
    }
    let bg = {r: 255, g: 255, b: 255, a: 1};
    for (let i = layers.length - 1; i >= 0; i--) bg = over(layers[i], bg);
    return bg;
  };
  const luminance = (c) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  };
  const ratio = (a, b) => {
    const x = luminance(a), y = luminance(b);
    return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
  };
  let worst = null, count = 0;
  for (const root of document.querySelectorAll(sel)) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!n.textContent.trim() || !el.getClientRects().length) continue;
      const style = getComputedStyle(el);
      if (style.visibility === "hidden" || style.display === "none") continue;
      const bg = background(el);
      const r = ratio(over(parse(style.color), bg), bg);
      count += 1;
      if (!worst || r < worst.ratio) worst = {ratio: Math.round(r * 100) / 100, text: n.textContent.trim().slice(0, 40),
                                              color: style.color, background: `rgb(${bg.r|0}, ${bg.g|0}, ${bg.b|0})`};
    }
  }
  return {count, worst};
}
"""
PLOT_BACKGROUND_JS = r"""
(sel) => Array.from(document.querySelectorAll(sel)).slice(0, 5).map((img) => {
  const m = getComputedStyle(img).backgroundColor.match(/[\d.]+/g).map(Number);
  const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  const alpha = m.length > 3 ? m[3] : 1;
  return alpha < 1 ? 0 : 0.2126 * f(m[0]) + 0.7152 * f(m[1]) + 0.0722 * f(m[2]);
})
"""


def _has_admonition(html: str) -> bool:
    """a page with an admonition"""
    return 'class="admonition' in html


def _has_notebook_plot(html: str) -> bool:
    """a notebook page with a plot and maths"""
    return _has_notebook_maths(html) and 'src="data:image/png' in html


def _contrast_problems(page, path: str, checks: dict[str, str]) -> list[str]:
    problems = []
    for what, selector in checks.items():
        result = page.evaluate(CONTRAST_JS, selector)
        if not result["count"]:
            problems.append(f"{path}: no {what} text found ({selector})")
        elif result["worst"]["ratio"] < MIN_CONTRAST:
            problems.append(f"{path}: {what}: contrast {result['worst']} below {MIN_CONTRAST}")
    return problems


def _shoot(page, locator, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = locator.first
    target.scroll_into_view_if_needed()
    target.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def test_dark_scheme_is_readable_on_a_phone(browser, site_url, site_dir):
    """In the slate scheme, at a phone's viewport: quiz, admonition, maths and notebook
    code text reach WCAG AA contrast against what they are drawn on, plots keep a light
    background, and a quiz still reads right once answered. Screenshots of each go to
    build/screenshots/ (or $COURSE_SCREENSHOTS) for a person to look at."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, color_scheme="dark",
                                  service_workers="block")
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    quiz_page = _first_page(site_dir, ["ann/backpropagation/"], _has_quiz)
    note_page = _first_page(site_dir, ["exercises/activations/", "ann/backpropagation/"], _has_admonition)
    plot_page = _first_page(site_dir, ["ann/notebooks/activation-functions/"], _has_notebook_plot)
    problems: list[str] = []
    try:
        for path, checks in (
            (quiz_page, {"quiz": "div.quiz", "maths": "article mjx-container"}),
            (note_page, {"admonition": "article .admonition, article details"}),
            (plot_page, {"notebook maths": ".jupyter-wrapper mjx-container", "notebook code": ".jp-InputArea-editor"}),
        ):
            page.goto(site_url + path, wait_until="load")
            _settle(page)
            assert page.evaluate("() => document.body.getAttribute('data-md-color-scheme')") == "slate", path
            name = path.strip("/").replace("/", "-") or "home"
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"{name}-dark-phone.png"))
            problems += _contrast_problems(page, path, checks)
            if path == quiz_page:
                quiz = page.locator("div.quiz").first
                _shoot(page, quiz, f"{name}-quiz-dark")
                answer = quiz.locator("fieldset input").first
                answer.check() if answer.get_attribute("type") == "checkbox" else answer.click()
                submit = quiz.locator("button.quiz-button")
                if submit.count() and submit.first.is_visible():
                    submit.first.click()
                page.wait_for_function("(el) => !el.classList.contains('hidden')",
                                       arg=quiz.locator(".quiz-feedback").element_handle())
                _shoot(page, quiz, f"{name}-quiz-answered-dark")
                problems += _contrast_problems(page, path + " (answered)", {"quiz feedback": "div.quiz"})
            if path == note_page:
                _shoot(page, page.locator("article .admonition, article details"), f"{name}-admonition-dark")
            if path == plot_page:
                _shoot(page, page.locator(".jp-OutputArea-output img"), f"{name}-plot-dark")
                for lum in page.evaluate(PLOT_BACKGROUND_JS, ".jp-OutputArea-output img"):
                    if lum < MIN_PLOT_BACKGROUND_LUMINANCE:
                        problems.append(f"{path}: a plot is drawn on a dark background (luminance {lum:.2f})")
    finally:
        context.close()
    assert not problems, "\n".join(problems)


def test_the_layout_and_contrast_checks_can_fail(session):
    """The two checks above, on a hand-made page that breaks both: they must object."""
    page, _ = session
    page.set_viewport_size(PHONE)
    page.set_content(
        """<body style="margin:0;background:#111">
        <article>
          <p><mjx-container style="display:inline-block;width:600px">wide</mjx-container></p>
          <div style="overflow:hidden;width:200px"><pre style="width:300px;margin:0">clipped code</pre></div>
          <div style="overflow-x:auto"><table style="width:900px"><tr><td>a wide table that scrolls</td></tr></table></div>
          <div class="quiz" style="color:#333">dark grey on near-black</div>
        </article></body>"""
    )
    layout = page.evaluate(LAYOUT_JS)
    assert any("the document is" in p for p in layout), layout
    assert any('"wide"' in p and "sticks out" in p for p in layout), layout
    assert any('"clipped code"' in p and "cut off" in p for p in layout), layout
    assert not any("wide table" in p for p in layout), layout  # scrolling in its own box is fine
    assert _contrast_problems(page, "test", {"quiz": "div.quiz"}), "low contrast was not reported"
