"""Accessibility in a real browser: axe-core (WCAG 2.0/2.1 A and AA rules) on every page and view, at a
desktop (1440×900) and a phone (390×844) viewport, with every part of the page rendered and checked.

axe-core comes with the `axe-playwright-python` package (no network). One server and one browser for
the module, one browser context per viewport. Each page is opened by deep link, every expander is
opened, and the main area (Streamlit scrolls it inside `[data-testid="stMain"]`) is scrolled from top
to bottom in viewport steps so that anything drawn on scroll is drawn, then axe runs on the whole
document. A page passes with 0 critical and 0 serious findings, apart from the findings listed in
`STREAMLIT_KNOWN` below: each is caused by Streamlit's own markup, which the app cannot change, and is
matched by rule id *and* a selector pattern, never silenced by rule alone. Every finding (any impact)
is written to artifacts/a11y/axe_<page>_<viewport>.json and summarised in artifacts/a11y/summary.txt.
"""

from __future__ import annotations

import json
import re
import time

import pytest

from tests.e2e.conftest import ARTIFACTS, CHROMIUM, new_offline_page

READY = "[data-testid='stApp'][data-test-script-state='notRunning']"
CHART = "[data-testid='stVegaLiteChart'] svg, [data-testid='stVegaLiteChart'] canvas"
MAP = "[data-testid='stVegaLiteChart'] svg"  # the page's map (zoom=1 draws the deck.gl canvas)
TABLE = "[data-testid='stDataFrame'], [data-testid='stTable']"
UPLOADER = "[data-testid='stFileUploader']"
OUT = ARTIFACTS.parent / "a11y"

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
VIEWPORTS = {"desktop": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}
MAX_HEIGHT = 16_000

# (name, deep link, what must be drawn before checking)
PAGES = [
    ("overview", "/", CHART),
    ("compare", "/compare", CHART),
    ("trends", "/trends", CHART),
    ("trends_chain", "/trends?view=chain", CHART),
    ("map", "/map?sel=LV", MAP),
    ("data", "/data", TABLE),
    ("check", "/check", TABLE),
    ("methodology", "/methodology", CHART),
    ("present", "/present", CHART),
    ("your_figures", "/your-figures", UPLOADER),
]

# The document title of each page and view: "<page> · Baltic THB statistics".
TITLES = {
    "overview": "Overview",
    "compare": "Compare",
    "trends": "Trends",
    "trends_chain": "Justice chain",
    "map": "Map",
    "data": "Data",
    "check": "Check a figure",
    "methodology": "Methodology",
    "present": "Present",
    "your_figures": "Add your figures",
}

# Findings caused by Streamlit's own markup that the app cannot fix: (rule id, regex on the node's
# CSS selector as axe reports it, why). Matched per node; anything else fails the test.
STREAMLIT_KNOWN: list[tuple[str, str, str]] = []

# The element that scrolls the page: Streamlit's main area, or the document when it does not scroll.
_SCROLLER_JS = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const box = (main && main.scrollHeight > main.clientHeight + 2) ? main : document.scrollingElement;
  return [box.scrollHeight, box.clientHeight];
}"""
_SCROLL_TO_JS = """(y) => {
  const main = document.querySelector('[data-testid="stMain"]');
  const box = (main && main.scrollHeight > main.clientHeight + 2) ? main : document.scrollingElement;
  box.scrollTo(0, y);
  return box.scrollTop;
}"""

# Headings of the page (sidebar excluded), in document order, as their level.
_HEADINGS_JS = """() => [...document.querySelectorAll('[data-testid="stMain"] :is(h1,h2,h3,h4,h5,h6)')]
  .map(h => [Number(h.tagName[1]), h.textContent.trim().slice(0, 60)])"""

_OPEN_EXPANDERS_JS = """() => {
  let n = 0;
  for (const d of document.querySelectorAll('[data-testid="stMain"] [data-testid="stExpander"] details')) {
    if (!d.open) { d.querySelector('summary').click(); n++; }
  }
  return n;
}"""


@pytest.fixture(scope="module")
def axe():
    pytest.importorskip("axe_playwright_python")
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.fixture(scope="module")
def contexts(chromium_browser, app_url):
    """One page per viewport, reused for every deep link (one browser, one server)."""
    if not CHROMIUM:
        pytest.skip("needs Debian's chromium")
    pages = {}
    for name, vp in VIEWPORTS.items():
        p = new_offline_page(chromium_browser, app_url)
        p.set_viewport_size(vp)
        pages[name] = p
    yield pages
    for p in pages.values():
        p.context.close()


def start_loading(page, url: str) -> None:
    page.goto(url, wait_until="commit")


def finish_loading(page, drawn: str) -> None:
    page.wait_for_load_state("load", timeout=120_000)
    page.wait_for_selector(READY, timeout=120_000)
    page.locator(drawn).first.wait_for(state="attached", timeout=90_000)
    page.wait_for_selector(READY, timeout=60_000)  # a rerun the URL sync may trigger
    page.wait_for_timeout(300)


def open_expanders(page) -> None:
    if page.evaluate(_OPEN_EXPANDERS_JS):
        page.wait_for_timeout(400)


def known_reason(rule: str, target: str) -> str | None:
    for rid, pattern, why in STREAMLIT_KNOWN:
        if rid == rule and re.search(pattern, target):
            return why
    return None


def _axe(axe, page, options: dict) -> dict:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe.axe_script)
    return page.evaluate("(o) => axe.run(document, o)", options)


def _nodes(response: dict) -> dict[tuple[str, str], dict]:
    out = {}
    for v in response["violations"]:
        for n in v["nodes"]:
            target = " ".join(str(t) for t in n["target"])
            out[(v["id"], target)] = {
                "rule": v["id"],
                "impact": n.get("impact") or v["impact"],
                "target": target,
                "html": n["html"][:300],
                "summary": n.get("failureSummary", "")[:400],
                "known": known_reason(v["id"], target),
            }
    return out


def check_page(axe, page, viewport: dict) -> list[dict]:
    """All WCAG A/AA rules on the whole document, with all of it on screen.

    Colour contrast can only be measured on what is on screen, and Streamlit scrolls its main area
    inside the page, so a normal viewport would leave everything below the fold unmeasured ("needs
    review", not a failure). The page is first scrolled top to bottom (anything drawn on scroll is
    drawn), then the viewport is made as tall as the content, at the same width (the same layout),
    axe runs once, and the viewport goes back."""
    height, view = page.evaluate(_SCROLLER_JS)
    step = max(int(view * 0.85), 200)
    for y in range(step, height, step):
        page.evaluate(_SCROLL_TO_JS, y)
        page.wait_for_timeout(60)
    page.evaluate(_SCROLL_TO_JS, 0)
    tall = viewport["height"]
    try:
        for _ in range(4):  # the content may grow a little once the viewport is taller (maps, charts)
            if height <= tall:
                break
            tall = min(height + 200, MAX_HEIGHT)
            page.set_viewport_size({"width": viewport["width"], "height": tall})
            page.wait_for_timeout(500)  # charts and tables re-measure their size
            height = page.evaluate(_SCROLLER_JS)[0]
        assert height <= tall, f"the page ({height} px) is taller than the viewport checked ({tall} px)"
        found = _nodes(_axe(axe, page, {"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]}))
    finally:
        page.set_viewport_size(viewport)
    return list(found.values())


def heading_problems(page) -> list[str]:
    """One h1 first, and no level skipped on the way down (h1 → h3)."""
    hs = page.evaluate(_HEADINGS_JS)
    problems = []
    if not hs or hs[0][0] != 1:
        problems.append(f"the first heading is not an h1: {hs[:1]}")
    if sum(1 for lvl, _ in hs if lvl == 1) != 1:
        problems.append(f"not exactly one h1: {[t for lvl, t in hs if lvl == 1]}")
    for (a, ta), (b, tb) in zip(hs, hs[1:]):
        if b > a + 1:
            problems.append(f"h{a} '{ta}' is followed by h{b} '{tb}'")
    return problems


SUMMARY: dict[str, str] = {}


@pytest.mark.parametrize("name,link,drawn", PAGES, ids=[p[0] for p in PAGES])
def test_axe_no_serious_findings(axe, contexts, app_url, name, link, drawn):
    """Both viewports load at once (two sessions on one server), then each is checked in turn."""
    t0 = time.perf_counter()
    for vp in VIEWPORTS:
        start_loading(contexts[vp], app_url + link)
    failures = []
    for vp in VIEWPORTS:
        page = contexts[vp]
        finish_loading(page, drawn)
        t1 = time.perf_counter()
        open_expanders(page)
        found = check_page(axe, page, VIEWPORTS[vp])
        headings = heading_problems(page)
        title = page.title()
        OUT.mkdir(parents=True, exist_ok=True)
        (OUT / f"axe_{name}_{vp}.json").write_text(json.dumps(found, indent=1))
        bad = [f for f in found if f["impact"] in ("critical", "serious") and not f["known"]]
        counts = {
            k: sum(1 for f in found if f["impact"] == k and not f["known"])
            for k in ("critical", "serious", "moderate", "minor")
        }
        known = sum(1 for f in found if f["known"])
        SUMMARY[f"{name}@{vp}"] = (
            f"critical {counts['critical']}, serious {counts['serious']}, moderate "
            f"{counts['moderate']}, minor {counts['minor']}, known-Streamlit {known} "
            f"(loaded after {t1 - t0:.1f} s, check {time.perf_counter() - t1:.1f} s)"
        )
        (OUT / "summary.txt").write_text("\n".join(f"{k}: {v}" for k, v in SUMMARY.items()) + "\n")
        if not (title.endswith(" · Baltic THB statistics") and title.split(" · ")[0] == TITLES[name]):
            failures.append(f"{vp}: document title {title!r}")
        failures += [f"{vp}: headings: {h}" for h in headings]
        failures += [
            f"{vp}: {f['impact']} {f['rule']}: {f['target']}\n   {f['html'][:160]}\n   {f['summary'][:240]}"
            for f in bad
        ]
    assert failures == [], "\n".join(failures)
