"""Languages in a real browser: a link copied in Latvian reopens in Latvian on a fresh server; the
browser's language chooses when the link has none; long languages (lt, ru) fit: no cut label or button.
Screenshots: artifacts/screens/i18n_<lang>_<page>_<width>.png."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit, urlunsplit

import pytest

from components.core import i18n
from tests.e2e.conftest import ARTIFACTS, app_console_errors, new_offline_page, run_server

READY = "[data-testid='stApp'][data-test-script-state='notRunning']"
CHART = "[data-testid='stVegaLiteChart'] svg, [data-testid='stVegaLiteChart'] canvas"

# every text of the controls and the frame that could be cut: labels, buttons, segmented choices, nav links
CUT_JS = """() => {
  const sel = ['[data-testid="stWidgetLabel"] p', '[data-testid="stMain"] button p',
               '[data-testid="stSidebar"] button p', '[data-testid="stSidebarNavLink"] span',
               '[data-testid="stMain"] h1', '[data-testid="stSelectbox"] [data-baseweb="select"] div[value]'];
  const out = [];
  for (const el of document.querySelectorAll(sel.join(','))) {
    const r = el.getBoundingClientRect();
    if (!r.width || !el.textContent.trim()) continue;
    if (el.scrollWidth > el.clientWidth + 1) out.push(el.textContent.trim());
  }
  return out;
}"""


def _ready(page, chart: bool = True) -> None:
    page.wait_for_selector(READY, timeout=90_000)
    if chart:
        page.wait_for_selector(CHART, timeout=90_000)
    page.wait_for_timeout(400)
    page.wait_for_selector(READY, timeout=90_000)


def _query(url: str) -> dict:
    return parse_qs(urlsplit(url).query)


def test_a_latvian_link_reopens_in_latvian_on_a_fresh_server(chromium_browser):
    with run_server("e2e-i18n-server-a.log") as a:
        page = new_offline_page(chromium_browser, a)
        try:
            page.goto(a + "/compare")
            _ready(page)
            page.locator(f"[data-testid='stSidebar'] input[role='combobox'][aria-label='{i18n.PICKER_LABEL}']").click()
            page.get_by_role("option", name="Latviešu", exact=True).click()
            page.get_by_text("Valstis", exact=True).first.wait_for(timeout=60_000)
            _ready(page)
            copied = page.url
            assert _query(copied).get("lang") == ["lv"], copied
            assert not app_console_errors(page) and not page.blocked
        finally:
            page.context.close()
    with run_server("e2e-i18n-server-b.log") as b:
        link = urlunsplit(urlsplit(copied)._replace(netloc=urlsplit(b).netloc))
        page = new_offline_page(chromium_browser, b)
        try:
            page.goto(link)  # the first request server B gets
            _ready(page)
            page.screenshot(path=str(ARTIFACTS / "i18n_lv_share_B.png"), full_page=True, animations="disabled")
            assert _query(page.url) == _query(copied)
            assert page.evaluate("document.documentElement.lang") == "lv"
            assert page.get_by_text("Valstis", exact=True).count() >= 1
            assert page.locator("[data-testid='stSidebarNavLink']", has_text="Salīdzināt").count() == 1
            assert page.get_by_text("Kā citēt", exact=True).count() >= 1
            assert "Salīdzināt" in page.title()
            assert not app_console_errors(page) and not page.blocked
        finally:
            page.context.close()


def test_the_browser_language_chooses_without_lang_in_the_link(chromium_browser, app_url):
    ctx = chromium_browser.new_context(viewport={"width": 1400, "height": 1000}, locale="lt-LT")
    page = ctx.new_page()
    try:
        page.goto(app_url + "/compare")
        _ready(page)
        assert page.get_by_text("Šalys", exact=True).count() >= 1
        assert _query(page.url).get("lang") == ["lt"]
    finally:
        ctx.close()


@pytest.mark.parametrize("lang", ["lt", "ru"])
def test_long_languages_fit_on_desktop_and_phone(chromium_browser, app_url, lang):
    cut = {}
    for width, height in ((1440, 900), (390, 844)):
        ctx = chromium_browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=1)
        page = ctx.new_page()
        try:
            for name, path in (("overview", ""), ("compare", "compare")):
                page.goto(f"{app_url}/{path}?lang={lang}")
                _ready(page)
                page.screenshot(
                    path=str(ARTIFACTS / f"i18n_{lang}_{name}_{width}.png"), full_page=True, animations="disabled"
                )
                found = page.evaluate(CUT_JS)
                if found:
                    cut[f"{name} {width}px"] = found
                assert page.evaluate("document.documentElement.lang") == lang
        finally:
            ctx.close()
    assert not cut, cut
