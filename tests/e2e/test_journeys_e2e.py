"""Four journeys as their users walk them, each in another language, on a fresh server (the full process:
the app and its data API), asserting what each one ends with (issue 26):

- the NGO worker (Estonian): upload 14 rows, see them on Trends with their label, download them (CSV and Excel)
  and find exactly the rows uploaded (the steps are tests/e2e/test_your_figures_e2e.py's `ngo_journey`);
- the trainer (deck built on Estonian pages, presented and exported in Russian): every slide's title in
  Russian on screen and in the PowerPoint, every shape inside its slide;
- the journalist (Lithuanian, on a phone): a key fact's number opens /check in Lithuanian, and the number
  quoted equals what /check and the API give for that figure;
- the files (Latvian): the chart's SVG carries its font and draws in it on a machine without it, the CSV has
  whole years and Latvian labels beside the codes, the PNG is 1600 px wide.
Screenshots and files: artifacts/screens/journey_*.
"""

from __future__ import annotations

import io
import json
import re
import urllib.parse
import urllib.request
from pathlib import Path

import pandas as pd
import pytest

from components.core import i18n
from tests.e2e.conftest import ARTIFACTS, CHROMIUM, app_console_errors, new_offline_page, run_server

pytestmark = pytest.mark.skipif(not CHROMIUM, reason="needs Debian's chromium (apt-get install chromium)")

READY = "[data-testid='stApp'][data-test-script-state='notRunning']"
CHART = "[data-testid='stVegaLiteChart'] svg, [data-testid='stVegaLiteChart'] canvas"
CYRILLIC = re.compile(r"[\u0400-\u04FF]")


@pytest.fixture(scope="module")
def fresh_url():
    """A server started for these journeys: the app and its API, as `make run` starts them."""
    with run_server("e2e-journeys.log", script="server.py") as url:
        yield url


def _ready(page, chart: bool = False) -> None:
    page.wait_for_selector(READY, timeout=90_000)
    if chart:
        page.wait_for_selector(CHART, timeout=90_000)
    page.wait_for_timeout(500)
    page.wait_for_selector(READY, timeout=90_000)


def _download(page, name: str) -> tuple[str, bytes]:
    with page.expect_download(timeout=120_000) as dl:
        page.get_by_test_id("stDownloadButton").filter(has_text=name).first.click()
    data = Path(dl.value.path()).read_bytes()
    (ARTIFACTS / f"journey_{dl.value.suggested_filename}").write_bytes(data)
    return dl.value.suggested_filename, data


def _t(lang: str, text: str, n: int | None = None, plural: str | None = None) -> str:
    with i18n.using(lang):
        return i18n.ngettext(text, plural or text, n) if n is not None else i18n._(text)


# ------------------------------------------------------------------------------------ the NGO worker


def test_the_ngo_worker_in_estonian(chromium_browser, fresh_url, tmp_path):
    from tests.e2e import test_your_figures_e2e as ngo

    ngo.ngo_journey(chromium_browser, fresh_url, tmp_path)


# ------------------------------------------------------------------------------------ the trainer


def test_the_trainer_builds_in_estonian_and_presents_in_russian(chromium_browser, fresh_url, tmp_path):
    from pptx import Presentation

    page = new_offline_page(chromium_browser, fresh_url)
    page.set_viewport_size({"width": 1440, "height": 900})
    add = _t("et", "Add this view to my deck")
    try:
        # one session (a new page load would start another): the pages reached by the menu
        page.goto(f"{fresh_url}/trends?lang=et")
        _ready(page, chart=True)
        for menu in (None, "Compare", "Overview"):
            if menu:
                page.locator("[data-testid='stSidebarNavLink']", has_text=_t("et", menu)).first.click()
                _ready(page, chart=True)
            page.get_by_role("button", name=add).first.click()
            _ready(page)
            page.wait_for_timeout(800)
        opened = _t("et", "Open my deck ({n} slide)", 3, "Open my deck ({n} slides)").format(n=3)
        page.get_by_role("link", name=opened).first.click()  # 'Ava minu slaidikomplekt (3 slaidi)'
        _ready(page, chart=True)
        assert "/present" in page.url and "mydeck=" in page.url
        # the same deck, shown in Russian: a deck has no language, a showing has one
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(page.url).query))
        query["lang"] = "ru"
        titles = []
        for n in (1, 2, 3):
            query["slide"] = str(n)
            page.goto(f"{fresh_url}/present?{urllib.parse.urlencode(query)}")
            _ready(page, chart=True)
            title = page.locator("h1").first.inner_text()
            titles.append(title)
            page.screenshot(path=str(ARTIFACTS / f"journey_trainer_slide{n}_ru.png"))
        assert all(CYRILLIC.search(t) for t in titles), titles
        assert not any("Minu" in t or "slaid" in t for t in titles), titles
        _, pptx = _download(page, _t("ru", "Deck as PowerPoint"))
        assert not app_console_errors(page) and not page.blocked
    finally:
        page.context.close()
    deck = Presentation(io.BytesIO(pptx))
    width, height = deck.slide_width, deck.slide_height
    slide_titles = []
    for slide in deck.slides:
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.top >= 0, shape.name
            assert shape.left + shape.width <= width and shape.top + shape.height <= height, shape.name
        texts = [sh.text_frame.text for sh in slide.shapes if sh.has_text_frame and sh.text_frame.text.strip()]
        slide_titles.append(texts[0])  # a slide's first text box is its title (components/decks/files.py)
    assert len(slide_titles) >= 3
    assert all(CYRILLIC.search(t) for t in slide_titles), slide_titles  # cover, slides, closing: all Russian
    assert not any("Minu" in t or "slaidikomplekt" in t for t in slide_titles), slide_titles


# ------------------------------------------------------------------------------------ the journalist


def test_the_journalist_quotes_a_number_in_lithuanian_on_a_phone(chromium_browser, fresh_url):
    page = new_offline_page(chromium_browser, fresh_url)
    page.set_viewport_size({"width": 390, "height": 844})
    try:
        page.goto(f"{fresh_url}/?lang=lt")
        _ready(page, chart=True)
        links = page.locator("[data-testid='stMarkdownContainer'] a[href*='/check?fig=']")
        links.first.wait_for(timeout=60_000)
        hrefs = links.evaluate_all("els => els.map(e => e.getAttribute('href'))")
        assert hrefs and all("lang=lt" in h for h in hrefs), hrefs
        # Latvia's latest number, as the key fact writes it
        link = links.filter(has=page.locator("xpath=self::*[contains(@href, 'LV~')]")).first
        quoted = link.inner_text().strip()
        figure = re.search(r"fig=([^&]+)", link.get_attribute("href")).group(1)
        page.screenshot(path=str(ARTIFACTS / "journey_journalist_overview_lt_390.png"))
        with page.context.expect_page(timeout=30_000) as opened:  # a link in the text opens a new tab
            link.click()
        check = opened.value
        check.set_viewport_size({"width": 390, "height": 844})
        _ready(check)
        assert "/check" in check.url and "lang=lt" in check.url
        home, page = page, check
        page.get_by_test_id("stMetricValue").first.wait_for(timeout=60_000)
        shown = page.get_by_test_id("stMetricValue").first.inner_text().strip()
        assert page.locator("h1").first.inner_text() == _t("lt", "Check a figure")
        page.screenshot(path=str(ARTIFACTS / "journey_journalist_check_lt_390.png"))
        assert not app_console_errors(home) and not home.blocked
    finally:
        page.context.close()
    assert shown == quoted
    # and the API gives the same figure
    country, start, end, indicator, breakdown, category, unit = figure.split("~")
    q = urllib.parse.urlencode(
        {
            "country": country,
            "from": start,
            "to": end,
            "indicator": indicator,
            "breakdown": breakdown,
            "category": category,
            "unit": unit,
        }
    )
    body = json.loads(urllib.request.urlopen(f"{fresh_url}/api/v1/figures.json?{q}", timeout=30).read())
    rows = body["rows"]  # the preferred value (the API's default: the values the charts use)
    assert len(rows) == 1 and f"{float(rows[0]['value']):g}" == quoted.replace("\u00a0", "").replace(",", ".")


# ------------------------------------------------------------------------------------ the files


def test_the_files_in_latvian(chromium_browser, fresh_url, tmp_path):
    from PIL import Image

    page = new_offline_page(chromium_browser, fresh_url)
    page.set_viewport_size({"width": 1440, "height": 900})
    try:
        page.goto(f"{fresh_url}/trends?ind=convicted&m=pm&lang=lv")
        _ready(page, chart=True)
        _, svg = _download(page, "SVG")
        _, csv = _download(page, "CSV")
        _, png = _download(page, "PNG")
        assert not app_console_errors(page) and not page.blocked
    finally:
        page.context.close()
    # the SVG carries its font: drawn in Source Sans Pro where no such font is installed
    text = svg.decode("utf-8")
    assert '@font-face{font-family:"Source Sans Pro"' in text and "data:font/woff;base64," in text
    path = tmp_path / "chart.svg"
    path.write_bytes(svg)
    viewer = chromium_browser.new_page()
    try:
        viewer.goto(path.as_uri())
        viewer.wait_for_timeout(800)
        loaded = viewer.evaluate("[...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)")
        viewer.screenshot(path=str(ARTIFACTS / "journey_files_svg_lv.png"))
    finally:
        viewer.close()
    assert loaded and all(f.strip('"') == "Source Sans Pro" for f in loaded)
    # the CSV: whole years, Latvian labels beside the codes
    table = pd.read_csv(io.BytesIO(csv), dtype=str, keep_default_na=False)
    assert not table["period_start"].str.contains(r"\.").any()
    assert {"country_label", "indicator_label", "unit_label"} <= set(table.columns)
    assert "Latvija" in set(table["country_label"]) and "Latvia" not in set(table["country_label"])
    assert 1500 <= Image.open(io.BytesIO(png)).size[0] <= 1700
