"""AppTest: /present shows one slide per screen, moves with previous/next, keeps the slide in the
URL, and falls back to the first slide of the default deck on bad links."""

from __future__ import annotations

import pytest

from components import deck as dk
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


@pytest.mark.parametrize("params", [
    {"deck": "../../etc/passwd"}, {"deck": "<script>alert(1)</script>"}, {"deck": "no-such-deck"},
    {"slide": "0"}, {"slide": "-1"}, {"slide": "999"}, {"slide": "abc"}, {"slide": str(N + 1)},
    {"deck": "x" * 600, "slide": "=cmd|' /C calc'!A0"},
])
def test_present_hostile_links_show_notice_and_first_slide(params):
    at = _open(params)
    assert_ok(at)
    assert at.info
    assert all("<script" not in i.value for i in at.info)
    assert at.title[0].value == dk.load(dk.DEFAULT_DECK).slides[0].title
    assert dict(at.query_params) == {}


def test_every_slide_of_the_shipped_deck_shows_real_data():
    """On the committed dataset: each slide's link decodes without notices and has figures to draw."""
    from components import queries as q
    from components.dataset import load
    from components.view_state import options_from

    ds = load(conftest.ROOT / "data")
    opts = options_from(ds.table, ds.codebook, tuple(q.source_ids_of(ds.table)))
    for s in dk.load(dk.DEFAULT_DECK).slides:
        v, notices = dk.slide_view(s, opts)
        assert notices == [], (s.title, notices)
        f = dk.slide_figure(ds, opts, v)
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
