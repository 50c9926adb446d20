"""No chart title is cut, on a desktop (1440×900) or a phone (390×844): Overview, Compare, Trends (one
indicator, justice chain) and Map (with a country's detail charts).

Streamlit draws Vega-Lite charts as SVG: the test reads each chart's title and subtitle lines from the
SVG text (one <tspan> a line) and checks that
- the title, its lines joined, is the title of one of the page's Figures (built here by the same
  builders from the same link), and no line ends in "…" (nothing cut by Vega's `limit`);
- every title and subtitle line lies inside the chart's visible box (the chart element's width: a chart
  wider than its panel scrolls, and its title must not need that scroll);
the Map's title (HTML, over the map) is the map Figure's title and does not overflow its box.
Each page is loaded once at the phone's size, then the window is widened to the desktop's (the charts
follow a resize), to keep the test near a minute. Screenshots go to artifacts/screens/titles_<page>_<size>.png.
"""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from tests.e2e.conftest import ARTIFACTS, new_offline_page

ROOT = Path(__file__).resolve().parents[2]
READY = "[data-testid='stApp'][data-test-script-state='notRunning']"
CHART = "[data-testid='stVegaLiteChart'] svg"
SIZES = {"phone": (390, 844), "desktop": (1440, 900)}  # the page opens at the first
# (name, page id, link, how many Vega charts at least)
# English and the long languages (Lithuanian and Latvian labels run long; Russian in Cyrillic)
PAGES = [
    ("overview", "overview", "/", 3),
    ("compare", "compare", "/compare?lang=lt", 1),
    ("trends", "trends", "/trends?lang=ru", 1),
    ("trends_chain", "trends", "/trends?view=chain&lang=lv", 1),
    ("map", "map", "/map?sel=LV&lang=lt", 1),
]

# each chart: its visible box and its title/subtitle lines (text, left and right edge, relative to the box)
TITLES_JS = """() => [...document.querySelectorAll("[data-testid='stVegaLiteChart']")].map(c => {
  const box = c.getBoundingClientRect();
  // the chart's own title: not the headers of small multiples (also titles to Vega)
  // (a stacked chart's panels are nested scopes with their own titles: the countries' names)
  const own = (t) => !t.closest('.role-column-header, .role-row-header, .role-header, .role-scope');
  const lines = (role) => [...c.querySelectorAll('.role-' + role + ' text')].filter(own).flatMap(t => {
    const spans = t.querySelectorAll('tspan');
    return [...(spans.length ? spans : [t])].map(s => {
      const r = s.getBoundingClientRect();
      return {text: s.textContent, left: r.left - box.left, right: r.right - box.left};
    });
  });
  return {width: c.clientWidth, title: lines('title-text'), subtitle: lines('title-subtitle')};
})"""


@pytest.fixture(scope="module")
def expected_titles():
    """Each page's Figure titles for its link, from the builders the page uses (same data, same code)."""
    from components.builders import build
    from components.builders.page_rows import options_for
    from components.core import i18n
    from components.core.dataset import load
    from components.view.state import ViewState, resolve

    ds = load(ROOT / "data")
    options = options_for(ds)
    out = {}
    for name, page_id, link, _ in PAGES:
        query = dict(parse_qsl(urlsplit(link).query))
        view, _ = ViewState.from_query(query, options, page_id)
        with i18n.using(query.get("lang")):  # the link's language is the text layer's, not the view's
            out[name] = [f.title for f in build(ds, resolve(view, options), options).figures]
    return out


def _norm(text: str) -> str:
    return " ".join(text.split())


def test_no_chart_title_is_cut(chromium_browser, app_url, expected_titles):
    """Each page is opened once at the phone's size, then the window widens to the desktop's: single charts
    follow the resize (their titles rewrap to the new width); small multiples wrap by the window's width
    when they are drawn, so theirs stay as narrow as on the phone, which fits too."""
    page = new_offline_page(chromium_browser, app_url)
    problems = []
    try:
        for name, _, link, n_charts in PAGES:
            t0 = time.perf_counter()
            page.set_viewport_size(dict(zip(("width", "height"), SIZES["phone"])))
            page.goto(app_url + link)
            page.wait_for_selector(READY, timeout=120_000)
            page.locator(CHART).nth(n_charts - 1).wait_for(state="attached", timeout=60_000)
            page.wait_for_selector(READY, timeout=60_000)
            for size, (w, h) in SIZES.items():
                page.set_viewport_size({"width": w, "height": h})
                page.wait_for_timeout(600)  # Vega lays the titles out again after the resize
                _screenshot(page, ARTIFACTS / f"titles_{name}_{size}.png")
                problems += _check(page, name, size, n_charts, expected_titles[name])
            print(f"{name}: {time.perf_counter() - t0:.1f} s")
    finally:
        page.context.close()
    assert not problems, "\n".join(problems)


def _screenshot(page, path) -> None:
    """An artifact to look at, not a check: a slow machine (the map draws in software GL) may skip it."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.screenshot(path=str(path), animations="disabled", timeout=15_000)
    except PlaywrightTimeout:
        print(f"no screenshot {path.name}: timed out")


def _check(page, name: str, size: str, n_charts: int, figure_titles: list[str]) -> list[str]:
    problems = []
    charts = page.evaluate(TITLES_JS)
    if len(charts) < n_charts:
        return [f"{name} {size}: {len(charts)} charts, expected at least {n_charts}"]
    titles = {_norm(t) for t in figure_titles}
    for i, c in enumerate(charts):
        where = f"{name} {size} chart {i}"
        shown = _norm(" ".join(line["text"] for line in c["title"]))
        if shown not in titles:
            problems.append(f"{where}: title {shown!r} is not one of the page's Figure titles {sorted(titles)}")
        for line in c["title"] + c["subtitle"]:
            if line["text"].rstrip().endswith("…"):
                problems.append(f"{where}: cut line {line['text']!r}")
            if line["left"] < -1 or line["right"] > c["width"] + 1:
                problems.append(
                    f"{where}: line {line['text']!r} spans {line['left']:.0f}–{line['right']:.0f} px "
                    f"in a chart {c['width']} px wide"
                )
    # the map is a chart like the others (its title drawn in it, checked above): it must be there
    if name == "map" and _norm(figure_titles[0]) not in {
        _norm(" ".join(line["text"] for line in c["title"])) for c in charts
    }:
        problems.append(f"map {size}: the map's title {figure_titles[0]!r} is not on the page")
    return problems
