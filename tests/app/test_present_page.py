"""AppTest: /present shows one slide per screen, moves with previous/next, keeps the slide in the
URL, and falls back to the first slide of the default deck on bad links."""

from __future__ import annotations

import pytest

from components.builders import main_figure
from components.decks.present import slide_view
from components.view import deck as dk
from tests.app import conftest
from tests.app.conftest import assert_ok

N = len(dk.load(dk.DEFAULT_DECK).slides)


def _open(params=None):
    """Like conftest.open_page, for a page not in the shared PAGES list (kept out of the generic sweeps)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(conftest.ROOT / "app.py"), default_timeout=30)
    at.switch_page("app_pages/present.py")
    for k, v in (params or {}).items():
        at.query_params[k] = v
    return at.run()


def test_deck_is_6_to_10_slides_with_titles_and_notes():
    d = dk.load(dk.DEFAULT_DECK)
    assert 6 <= len(d.slides) <= 10
    assert all(s.title and s.note and s.page in dk.SLIDE_PAGES for s in d.slides)
    assert {"trends", "compare", "map"} <= {s.page for s in d.slides}


def test_present_first_slide_clean_url():
    at = _open()
    assert_ok(at)
    assert not at.info
    assert at.title[0].value == dk.load(dk.DEFAULT_DECK).slides[0].title
    assert dict(at.query_params) == {}
    assert at.get("vega_lite_chart")


def test_next_and_previous_write_the_slide_into_the_url():
    at = _open()
    at.button(key="present_next").click().run()
    assert_ok(at)
    assert dict(at.query_params) == {"slide": "2"}
    assert at.title[0].value == dk.load(dk.DEFAULT_DECK).slides[1].title
    at.button(key="present_next").click().run()
    assert dict(at.query_params) == {"slide": "3"}
    at.button(key="present_prev").click().run()
    assert dict(at.query_params) == {"slide": "2"}


@pytest.mark.parametrize("n", range(1, N + 1))
def test_every_slide_renders(n):
    at = _open({"deck": dk.DEFAULT_DECK, "slide": str(n)})
    assert_ok(at)
    assert not at.info
    assert at.title[0].value == dk.load(dk.DEFAULT_DECK).slides[n - 1].title
    assert at.get("vega_lite_chart") or at.get("deck_gl_json_chart")
    assert dict(at.query_params) == ({"slide": str(n)} if n > 1 else {})


@pytest.mark.parametrize(
    "params",
    [
        {"deck": "../../etc/passwd"},
        {"deck": "<script>alert(1)</script>"},
        {"deck": "no-such-deck"},
        {"slide": "0"},
        {"slide": "-1"},
        {"slide": "999"},
        {"slide": "abc"},
        {"slide": str(N + 1)},
        {"deck": "x" * 600, "slide": "=cmd|' /C calc'!A0"},
    ],
)
def test_present_hostile_links_show_notice_and_first_slide(params):
    at = _open(params)
    assert_ok(at)
    assert at.info
    assert all("<script" not in i.value for i in at.info)
    assert at.title[0].value == dk.load(dk.DEFAULT_DECK).slides[0].title
    assert dict(at.query_params) == {}


def test_every_slide_of_the_shipped_deck_shows_real_data():
    """On the committed dataset: each slide's link decodes without notices and has figures to draw."""
    from components.core import queries as q
    from components.core.dataset import load
    from components.view.options import options_from

    ds = load(conftest.ROOT / "data")
    opts = options_from(ds.table, ds.codebook, tuple(q.source_ids_of(ds.table)))
    for s in dk.load(dk.DEFAULT_DECK).slides:
        v, notices = slide_view(s, opts)
        assert notices == [], (s.title, notices)
        f = main_figure(ds, v, opts)
        rows = f.rows
        if "status" in rows:
            rows = rows[rows["status"] != "no_data"]
        assert len(rows) >= 3, s.title


def test_present_offers_the_deck_as_powerpoint_and_pdf():
    """Issue 16: the deck to take away from the deck page (built when clicked, so the page stays fast)."""
    at = _open({"slide": "2"})
    assert_ok(at)
    downloads = {d.proto.label: d for d in at.get("download_button")}
    assert {"Deck as PowerPoint", "Handout as PDF"} <= set(downloads)


def test_present_switches_deck_from_the_page():
    """Two shipped decks: the page offers both; picking one opens its first slide and puts it in the link."""
    at = _open({"slide": "3"})
    sb = at.selectbox(key="present_deck")
    assert set(sb.options) >= {dk.load(d).title for d in dk.available()}
    sb.set_value("frontline-staff").run()
    assert_ok(at)
    assert dict(at.query_params) == {"deck": "frontline-staff"}
    assert at.title[0].value == dk.load("frontline-staff").slides[0].title


@pytest.mark.parametrize("lang", ["et", "lv", "lt", "ru"])
def test_the_shipped_deck_is_shown_in_the_page_language(lang):
    """Issue 26: a deck has no language, a showing has one: the shipped deck's title, slide titles and speaker
    notes come from the catalogue in the page's language (lang=lt: not "Registered victims over time"); the
    slide shows a short source line (every source in its tooltip)."""
    from components.core import cite, i18n

    deck = dk.load(dk.DEFAULT_DECK)
    for n in (1, 6):
        at = _open({"lang": lang, "slide": str(n)})
        assert_ok(at)
        slide = deck.slides[n - 1]
        with i18n.using(lang):
            title, note, deck_title = i18n._(slide.title), i18n._(slide.note), i18n._(deck.title)
            heads = (i18n._("Source: {names}").format(names=""), i18n._("Sources: {names}").format(names=""))
        assert title != slide.title and note != slide.note and deck_title != deck.title
        assert at.title[0].value.replace("\\", "") == title
        assert any(m.value.replace("\\", "") == f"*{note}*" for m in at.markdown)
        assert any(deck_title in c.value.replace("\\", "") for c in at.caption)
        source = next(c for c in at.caption if c.value.replace("\\", "").startswith(heads))
        assert len(source.value.replace("\\", "")) <= cite.SHORT_SOURCE_CHARS + 2 and source.proto.help
        assert at.selectbox(key="present_deck").value == dk.DEFAULT_DECK
        assert deck_title in at.selectbox(key="present_deck").options


def test_the_map_slide_carries_its_attribution_and_the_chain_stands_side_by_side():
    import json

    from components.core import i18n
    from components.draw import geo

    deck = dk.load(dk.DEFAULT_DECK)
    chain = next(i for i, s in enumerate(deck.slides, 1) if s.query.get("view") == "chain")
    at = _open({"slide": str(chain)})
    specs = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    assert len(specs[0]["hconcat"]) == 3  # wide screens (a phone gets the stacked one: CSS picks)
    assert len(specs[1]["vconcat"]) == 3
    where = next(i for i, s in enumerate(deck.slides, 1) if s.page == "map")
    at = _open({"slide": str(where), "lang": "lv"})
    assert_ok(at)
    with i18n.using("lv"):
        credit = geo.attribution()
    assert any(c.value.replace("\\", "").replace("\u2060", "") == credit for c in at.caption)
