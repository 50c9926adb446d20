"""Every page in a real browser, with no network, opened by deep link.

One server for this module, started fresh: the first page below is the first request it ever gets
(a cold deep link), the others follow in the same order on the same server, each in a new browser
session. For each page: the frame (sidebar, navigation, footer) is there, a chart/map/table is
drawn, no error element, no console error (except Streamlit's own deep-link 404s), no request
leaves the machine, and the URL keeps the view after the page has rendered. Full-page screenshots
go to artifacts/screens/e2e_<page>.png.
"""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.e2e.conftest import ARTIFACTS, CHROMIUM, app_console_errors, new_offline_page, run_server

READY = "[data-testid='stApp'][data-test-script-state='notRunning']"
CHART = "[data-testid='stVegaLiteChart'] svg, [data-testid='stVegaLiteChart'] canvas"
MAP = "[data-testid='stVegaLiteChart'] svg"  # the page's map (zoom=1 draws the deck.gl canvas)
TABLE = "[data-testid='stDataFrame'], [data-testid='stTable']"

# (name, deep link, what must be drawn). Order matters: the first is the cold deep link.
PAGES = [
    ("trends", "/trends?c=EE,LT&ind=convicted", CHART),
    ("compare", "/compare?c=EE,LV&m=pm&stack=pct", CHART),
    ("trends_chain", "/trends?view=chain", CHART),
    ("overview", "/?c=EE,LT", CHART),
    ("data", "/data?c=LT&fi=victims", TABLE),
    ("methodology", "/methodology", CHART),
    ("map", "/map?per=2019&sel=LV", MAP),
]
TIMES: dict[str, float] = {}


@pytest.fixture(scope="module")
def fresh_url():
    if not CHROMIUM:
        pytest.skip("needs Debian's chromium")
    with run_server("e2e-pages-server.log") as url:
        yield url


@pytest.mark.parametrize("name,link,drawn", PAGES, ids=[p[0] for p in PAGES])
def test_page_by_deep_link(chromium_browser, fresh_url, name, link, drawn):
    page = new_offline_page(chromium_browser, fresh_url)
    try:
        t0 = time.perf_counter()
        page.goto(fresh_url + link)
        page.wait_for_selector(READY, timeout=120_000)
        page.locator(drawn).first.wait_for(state="visible", timeout=60_000)
        TIMES[name] = time.perf_counter() - t0
        page.wait_for_selector(READY, timeout=60_000)  # a rerun the URL sync may trigger
        page.wait_for_timeout(800)
        page.screenshot(path=str(ARTIFACTS / f"e2e_{name}.png"), full_page=True, animations="disabled")

        # the frame from app.py ran around the page
        assert page.get_by_test_id("stSidebar").count() == 1
        nav = page.get_by_test_id("stSidebarNav")
        for title in ("Overview", "Compare", "Trends", "Map", "Data", "Methodology"):
            assert nav.get_by_text(title, exact=True).count() == 1, title
        assert page.get_by_text("How to cite").count() >= 1
        assert page.locator(drawn).first.is_visible()
        # no error element, no traceback, no warning notice about the link
        assert page.get_by_test_id("stException").count() == 0
        errors = page.locator("[data-testid='stAlertContentError']")
        assert errors.count() == 0, errors.all_inner_texts()
        assert page.get_by_text("Ignored").count() == 0, "a valid link must not produce a notice"
        # the URL round-trips the view
        want = parse_qs(urlsplit(link).query)
        got = parse_qs(urlsplit(page.url).query)
        assert urlsplit(page.url).path.rstrip("/") == urlsplit(link).path.rstrip("/")
        assert got == want, (page.url, link)
        # nothing left the machine; no console errors but Streamlit's own deep-link 404s
        assert page.blocked == [], page.blocked
        assert app_console_errors(page) == [], app_console_errors(page)
    finally:
        page.context.close()


def test_timings_recorded():
    """Write the time to the first drawn element per page (first = cold deep link)."""
    if not TIMES:
        pytest.skip("no page ran")
    lines = [f"{n}: {TIMES[n]:.2f} s" for n, *_ in PAGES if n in TIMES]
    (ARTIFACTS / "e2e_times.txt").write_text("\n".join(lines) + "\n")
    print("\n" + "\n".join(lines))


def test_csv_download_arrives_with_its_name(chromium_browser, fresh_url):
    """The export panel's CSV under the Compare chart downloads, offline, with the view in its name."""
    page = new_offline_page(chromium_browser, fresh_url)
    try:
        page.goto(fresh_url + "/compare?c=EE,LV&m=pm")
        page.wait_for_selector(READY, timeout=120_000)
        page.locator(CHART).first.wait_for(state="visible", timeout=60_000)
        button = page.get_by_test_id("stDownloadButton").filter(has_text="CSV").first
        with page.expect_download(timeout=60_000) as dl:
            button.click()
        name = dl.value.suggested_filename
        assert name.startswith("thb-") and name.endswith(".csv"), name
        assert "ee" in name.lower() and "lv" in name.lower() and "per-million" in name, name
        body = Path(dl.value.path()).read_text(encoding="utf-8-sig")
        assert body.count("\n") >= 2 and "source" in body.splitlines()[0].lower()
        assert page.blocked == [], page.blocked
    finally:
        page.context.close()
