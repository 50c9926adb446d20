"""Presenting in a real browser (issues 26 and 27): every slide of the shipped decks fits a 1440×900 screen in
the page's language (its title from the catalogue, the whole slide and previous/next without scrolling, no
chart wider than the screen), a deck with the longest title and note too; a crafted deck link whose titles and
notes hold www.…, an e-mail address or https://… shows them as text, with no <a href> to the crafted host.
Screenshots: artifacts/screens/present_<deck>_<n>_<lang>.png."""

from __future__ import annotations

import base64
import json
import zlib

import pytest

from components.core import i18n
from components.view import deck as dk
from tests.e2e.conftest import ARTIFACTS, app_console_errors, new_offline_page

READY = "[data-testid='stApp'][data-test-script-state='notRunning']"
CHART = "[data-testid='stVegaLiteChart'] svg, [data-testid='stVegaLiteChart'] canvas"


def _pack(data) -> str:
    """A deck link written by hand, as anyone can craft one."""
    raw = json.dumps(data, ensure_ascii=False).encode("utf-8")
    return "1." + base64.urlsafe_b64encode(zlib.compress(raw)).rstrip(b"=").decode()


def _open(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(READY, timeout=60_000)
    page.wait_for_selector(CHART, state="attached", timeout=60_000)
    page.wait_for_timeout(600)  # the chart's layout settles


def _fits(page) -> dict:
    """Where the slide's parts end on the screen (px from the top/left of the viewport)."""
    return page.evaluate("""() => {
        const box = (sel) => { const e = [...document.querySelectorAll(sel)].find(x => x.offsetParent !== null);
                               return e ? e.getBoundingClientRect() : null; };
        const next = box('.st-key-present_next');
        const charts = [...document.querySelectorAll("[data-testid='stVegaLiteChart']")]
            .filter(x => x.offsetParent !== null).map(x => x.getBoundingClientRect().right);
        return {next_bottom: next ? next.bottom : 1e9, chart_right: Math.max(0, ...charts),
                title: document.querySelector('h1').innerText};
    }""")


@pytest.mark.parametrize("deck_id,lang", [("baltic-overview", "lt"), ("frontline-staff", "ru")])
def test_every_slide_fits_a_1440x900_screen_in_the_page_language(chromium_browser, app_url, deck_id, lang):
    deck = dk.load(deck_id)
    page = new_offline_page(chromium_browser, app_url)
    page.set_viewport_size({"width": 1440, "height": 900})
    try:
        for n, slide in enumerate(deck.slides, 1):
            _open(page, f"{app_url}/present?deck={deck_id}&slide={n}&lang={lang}")
            got = _fits(page)
            page.screenshot(path=str(ARTIFACTS / f"present_{deck_id}_{n}_{lang}.png"))
            with i18n.using(lang):
                assert got["title"] == i18n._(slide.title) != slide.title
            assert got["next_bottom"] <= 900, (n, got)  # title, chart, source, note and previous/next
            assert got["chart_right"] <= 1440, (n, got)
        assert not page.blocked and not app_console_errors(page), (page.blocked, page.console_errors)
    finally:
        page.context.close()


def test_a_deck_with_the_longest_title_and_note_fits(chromium_browser, app_url):
    link = _pack(
        {
            "t": "T" * dk.MAX_TITLE,
            "s": [
                [
                    "trends",
                    {"view": "chain", "yr": "2015-2024"},
                    ("Long title words " * 10)[: dk.MAX_TITLE],
                    ("A speaker note that says a lot. " * 30)[: dk.MAX_NOTE],
                ],
                [
                    "map",
                    {"ind": "victims", "per": "2022"},
                    ("Kartē " * 30)[: dk.MAX_TITLE],
                    ("Piezīme. " * 80)[: dk.MAX_NOTE],
                ],
            ],
        }
    )
    page = new_offline_page(chromium_browser, app_url)
    page.set_viewport_size({"width": 1440, "height": 900})
    try:
        for n in (1, 2):
            _open(page, f"{app_url}/present?mydeck={link}&slide={n}")
            got = _fits(page)
            page.screenshot(path=str(ARTIFACTS / f"present_longest_{n}.png"))
            assert got["next_bottom"] <= 900 and got["chart_right"] <= 1440, (n, got)
    finally:
        page.context.close()


EVIL = {
    "t": "https://evil.example/login",
    "s": [
        ["compare", {"per": "2021"}, "www.evil.example/x", "Write to admin@evil.example or https://evil.example/login"],
        [
            "trends",
            {},
            "admin@evil.example",
            "See WWW.EVIL.EXAMPLE/x, http://evil.example and [this](https://evil.example)",
        ],
    ],
}


def test_a_crafted_deck_link_shows_text_and_no_link(chromium_browser, app_url):
    """Issue 27 (6): Markdown's autolinks do not turn a shared deck's titles and notes into links."""
    page = new_offline_page(chromium_browser, app_url)
    try:
        for n in (1, 2):
            _open(page, f"{app_url}/present?mydeck={_pack(EVIL)}&slide={n}")
            page.screenshot(path=str(ARTIFACTS / f"present_crafted_{n}.png"))
            hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
            # (the heading's own anchor, "#www-evil-example-x", stays on this page)
            assert not [
                h for h in hrefs if not h.startswith("#") and ("evil" in h.lower() or h.lower().startswith("mailto:"))
            ], hrefs
            text = page.inner_text("[data-testid='stMain']").replace("\u2060", "")
            assert ("www.evil.example/x" if n == 1 else "admin@evil.example") in text  # shown, as text
            assert ("https://evil.example/login" if n == 1 else "http://evil.example") in text
        assert not page.blocked, page.blocked
    finally:
        page.context.close()
