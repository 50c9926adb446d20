"""Chart images by URL on the real server (`streamlit run server.py`, real data) in Chromium: the browser opens
/api/v1/view/compare.png as an image, and the snippet of the embed panel (from the sidecar), pasted into a
page of its own, shows the chart as an image linking to the interactive view."""

from __future__ import annotations

import json
import urllib.request

import pytest

from tests.e2e.conftest import ARTIFACTS, CHROMIUM, new_offline_page, run_server

pytestmark = pytest.mark.skipif(not CHROMIUM, reason="needs Debian's chromium (apt-get install chromium)")


@pytest.fixture(scope="module")
def base():
    with run_server("e2e-embed-server.log", script="server.py") as url:
        yield url


def test_the_browser_opens_a_chart_png_by_url(base, chromium_browser):
    page = new_offline_page(chromium_browser, base)
    try:
        r = page.goto(base + "/api/v1/view/compare.png?lang=lv", timeout=120_000)
        assert r.status == 200 and r.headers["content-type"] == "image/png"
        size = page.evaluate(
            "() => { const i = document.querySelector('img'); return [i.naturalWidth, i.naturalHeight] }"
        )
        assert size[0] >= 1500 and size[1] > 500, size
    finally:
        page.context.close()


def test_the_embed_snippet_renders_as_an_image_linking_to_the_view(base, chromium_browser):
    card = json.loads(urllib.request.urlopen(base + "/api/v1/view/trends.embed.json?lang=et", timeout=120).read())
    page = new_offline_page(chromium_browser, base)
    try:
        page.set_content(f"<!doctype html><html><body>{card['html']}</body></html>")
        img = page.locator("figure img")
        page.wait_for_function(
            "() => { const i = document.querySelector('figure img'); return i && i.complete && i.naturalWidth > 0 }",
            timeout=120_000,
        )
        assert img.get_attribute("alt") == card["alt_text"]
        assert page.evaluate("() => document.querySelector('figure img').currentSrc").startswith(
            base + "/api/v1/view/trends.svg"
        )  # the picture's SVG source wins where SVG is shown
        assert page.locator("figure a").first.get_attribute("href") == card["link"]
        assert card["source_line"] in page.locator("figcaption").inner_text()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.locator("figure").screenshot(path=str(ARTIFACTS / "embed_snippet_trends_et.png"))
        assert not page.blocked
    finally:
        page.context.close()
