#!/usr/bin/env python3
"""Accessibility audit of the built course site with axe-core (WCAG 2.0/2.1 A and AA).

Every page of sitemap.xml is loaded once per viewport (desktop 1280x900 and a phone's
390x844) and audited in both colour schemes: light ("default") and dark ("slate"). The
scheme is switched the way Material's palette toggle does it (the body's
data-md-color-scheme attribute), so one page load serves both audits. Not every rule
runs on every part of every page: the slow colour-contrast rule skips what another run
already covers (the same DOM in the second scheme, the same chrome on the pages of one
section, the same article colours at phone width); axe_runs says exactly what runs where.

Two rules of the course's own run beside axe's on every page (COURSE_RULES_JS): every
formula keeps MathJax's assistive MathML, and no figure keeps nbconvert's placeholder alt.

axe-core comes from the PyPI package axe-playwright-python (which bundles axe.min.js);
only its JavaScript file is used here. Only violations whose impact is serious or
critical count: those are the ones the course promises to have none of.

Used by tests/site/test_site_accessibility.py (which fails on any such violation) and
by `make bench` (benchmarks/run.py prints the count per rule). By hand:

    python site_tools/a11y_audit.py SITE_DIR [--paths ann/bias/ ...]

serves SITE_DIR on a localhost port and prints one line per violation and a count per rule.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import functools
import http.server
import sys
import threading
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
COUNTED_IMPACTS = ("serious", "critical")
SCHEMES = ("default", "slate")
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-background-networking", "--disable-gpu"]
TIMEOUT_MS = 30_000

# Rules switched off, each with the reason. Empty: every WCAG A/AA rule runs.
DISABLED_RULES: dict[str, str] = {}


def axe_source() -> str:
    """The axe-core script bundled by the axe-playwright-python package."""
    from importlib.resources import files

    return files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Violation:
    page: str
    scheme: str
    viewport: str
    rule: str
    impact: str
    target: str
    summary: str

    def line(self) -> str:
        return f"{self.page} [{self.scheme}, {self.viewport}] {self.rule} ({self.impact}): {self.target} - {self.summary}"


# Switch the scheme as Material's toggle does, wait two frames for styles to apply, then
# run axe once per [context, options] pair. Results are reduced in the page: one entry
# per failing element.
RUN_AXE_JS = r"""
async ([scheme, runs]) => {
  document.body.setAttribute("data-md-color-scheme", scheme);
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  const out = [];
  for (const [context, options] of runs) {
    const results = await axe.run(context || document, options);
    for (const v of results.violations) {
      for (const n of v.nodes) {
        out.push({rule: v.id, impact: n.impact || v.impact || "", target: n.target.join(" "),
                  summary: (n.failureSummary || v.help).replace(/\s+/g, " ").slice(0, 200)});
      }
    }
  }
  return out;
}
"""


# What axe cannot know about this site, checked on every page once (at desktop width):
# every formula keeps MathJax's assistive MathML (the MathML a screen reader reads, while
# the visual rendering is hidden from it), and no image keeps nbconvert's placeholder alt.
COURSE_RULES_JS = r"""
() => {
  const out = [];
  const where = (el) => el.id ? "#" + el.id : el.tagName.toLowerCase() + "." + Array.from(el.classList).join(".");
  document.querySelectorAll("mjx-container").forEach((el) => {
    const mml = el.querySelector("mjx-assistive-mml math");
    const visual = el.querySelector(":scope > mjx-math");
    if (!mml || !mml.textContent.trim() || !visual || visual.getAttribute("aria-hidden") !== "true")
      out.push({rule: "course-maths-assistive-mml", impact: "serious", target: where(el.parentElement),
                summary: "a formula without MathJax's assistive MathML: a screen reader gets nothing from it"});
  });
  document.querySelectorAll("img").forEach((el) => {
    if ((el.getAttribute("alt") || "").startsWith("No description has been provided"))
      out.push({rule: "course-figure-alt", impact: "serious", target: where(el.closest("[id]") || el),
                summary: "a figure with nbconvert's placeholder alt text (site_tools/figure_alt.py writes one)"});
  });
  return out;
}
"""


# The page chrome: the same template on every page (only which nav item is current
# differs). color-contrast, the slow rule, checks it on the first page of each top-level
# section (see chrome_pages), and on every page checks everything else.
CHROME = [[".md-header"], [".md-tabs"], [".md-sidebar--primary"], [".md-footer"]]


def chrome_pages(paths: list[str]) -> set[str]:
    """The first page of each top-level section ('', 'setup/', 'ann/...', ...), in sitemap order."""
    first: dict[str, str] = {}
    for path in paths:
        first.setdefault(path.split("/", 1)[0], path)
    return set(first.values())


def axe_runs(viewport: str, scheme: str, chrome: bool = True) -> list:
    """The axe.run calls for one page in one scheme at one viewport, as [context, options] pairs.

    In the first scheme every WCAG rule runs; in the second only the rules whose result
    depends on colours (color-contrast, link-in-text-block): the DOM is the same.
    color-contrast, which takes most of axe's time on a page of highlighted code, runs on
    what differs: at desktop width on the whole page, or without the chrome when `chrome`
    is false; at phone width only on the chrome (drawer, header; Material's and
    course.css's width media queries change the article's layout, not its colours, and
    the desktop run has checked those), and not at all when `chrome` is false."""
    disabled = {rule: {"enabled": False} for rule in DISABLED_RULES}
    if scheme == SCHEMES[0]:
        rest = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"],
                "rules": dict(disabled, **{"color-contrast": {"enabled": False}})}
    else:
        rest = {"runOnly": {"type": "rule", "values": ["link-in-text-block"]}, "resultTypes": ["violations"],
                "rules": disabled}
    runs = [[None, rest]]
    if viewport == "desktop":
        context = None if chrome else {"exclude": CHROME}
    else:
        context = {"exclude": [["article"]]} if chrome else False
    if context is not False and "color-contrast" not in DISABLED_RULES:
        runs.append([context, {"runOnly": {"type": "rule", "values": ["color-contrast"]},
                               "resultTypes": ["violations"]}])
    return runs


def sitemap_paths(site_dir: Path) -> list[str]:
    """Site paths ("ann/bias/") of every page in sitemap.xml (whatever host its site_url names)."""
    tree = ET.parse(site_dir / "sitemap.xml")
    locs = [el.text.strip() for el in tree.iter() if el.tag.endswith("loc") and el.text]
    return [urlsplit(loc).path.lstrip("/") for loc in locs]


async def _audit_async(chromium: str, base_url: str, paths: list[str], workers: int) -> list[Violation]:
    from playwright.async_api import async_playwright

    host = urlsplit(base_url).netloc
    source = axe_source()
    todo = [(path, name) for name in VIEWPORTS for path in paths]
    with_chrome = chrome_pages(paths)
    found: list[Violation] = []

    async def worker(browser) -> None:
        contexts = {}
        for name, size in VIEWPORTS.items():
            phone = name == "phone"
            ctx = await browser.new_context(viewport=size, is_mobile=phone, has_touch=phone,
                                            service_workers="block", reduced_motion="reduce")

            async def route(r):
                if urlsplit(r.request.url).netloc == host or urlsplit(r.request.url).scheme in ("data", "blob"):
                    await r.continue_()
                else:
                    await r.abort()

            await ctx.route("**/*", route)
            page = await ctx.new_page()
            page.set_default_timeout(TIMEOUT_MS)
            contexts[name] = page
        while todo:
            path, name = todo.pop(0)
            page = contexts[name]
            await page.goto(base_url + path, wait_until="load")
            await page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
            await page.evaluate("() => MathJax.startup.promise.then(() => document.fonts.ready).then(() => true)")
            await page.evaluate(source)
            for scheme in SCHEMES:
                for v in await page.evaluate(RUN_AXE_JS, [scheme, axe_runs(name, scheme, path in with_chrome)]):
                    if v["impact"] in COUNTED_IMPACTS:
                        found.append(Violation(path or "/", scheme, name, v["rule"], v["impact"], v["target"],
                                               v["summary"]))
            if name == "desktop":
                for v in await page.evaluate(COURSE_RULES_JS):
                    found.append(Violation(path or "/", "any", name, v["rule"], v["impact"], v["target"], v["summary"]))
        for page in contexts.values():
            await page.context.close()

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        await asyncio.gather(*(worker(browser) for _ in range(workers)))
        await browser.close()
    return found


def audit(chromium: str, base_url: str, paths: list[str], workers: int = 1) -> list[Violation]:
    """Serious and critical violations on every path, in both schemes and both viewports.
    Runs Playwright's async API in a thread of its own (safe inside pytest's event loop)."""
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, _audit_async(chromium, base_url, paths, workers)).result()


def counts_per_rule(violations: list[Violation]) -> dict[str, int]:
    """Failing elements per rule, over every page, scheme and viewport."""
    return dict(sorted(collections.Counter(v.rule for v in violations).items()))


def report(violations: list[Violation], limit: int = 200) -> str:
    """A readable list (page, scheme, viewport, rule, target) followed by the count per rule."""
    lines = [v.line() for v in sorted(violations, key=lambda v: (v.page, v.rule, v.scheme, v.viewport, v.target))]
    if len(lines) > limit:
        lines = lines[:limit] + [f"... and {len(lines) - limit} more"]
    lines.append("count per rule: " + (", ".join(f"{r} {n}" for r, n in counts_per_rule(violations).items()) or "none"))
    return "\n".join(lines)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        pass


def serve(site_dir: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Serve site_dir on a free localhost port in a daemon thread; returns (server, base URL)."""
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site_dir", type=Path, help="a built site (mkdocs build -d SITE_DIR)")
    parser.add_argument("--paths", nargs="*", help="site paths to audit (default: every page of sitemap.xml)")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args(argv)
    server, base_url = serve(args.site_dir)
    paths = args.paths if args.paths is not None else sitemap_paths(args.site_dir)
    start = time.perf_counter()
    try:
        violations = audit(args.chromium, base_url, paths, args.workers)
    finally:
        server.shutdown()
    print(report(violations, limit=10_000))
    print(f"{len(paths)} pages x {len(SCHEMES)} schemes x {len(VIEWPORTS)} viewports in {time.perf_counter() - start:.1f} s",
          file=sys.stderr)
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main())
