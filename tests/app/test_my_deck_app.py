"""AppTest: your own deck (issue 16). Add a view from a chart page; the deck in the Present page's link
(the link alone reproduces the deck in a new session); the panel reorders, retitles, removes and edits a
note, each change written into the link; a deck file opened (good and bad); a tampered link warns in plain
words and loses nothing of a good deck."""

from __future__ import annotations

import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from components.view import deck as dk
from tests.app import conftest
from tests.app.conftest import assert_ok
from tests.components.test_my_deck import _pack

SLIDES = dk.load(dk.DEFAULT_DECK).slides[:3]
DECK = dk.Deck(dk.OWN_ID, "Session for frontline staff", SLIDES)


def _present(params=None, at: AppTest | None = None) -> AppTest:
    at = at or AppTest.from_file(str(conftest.ROOT / "app.py"), default_timeout=30)
    at.switch_page("app_pages/present.py")
    at.query_params.clear()
    for k, v in (params or {}).items():
        at.query_params[k] = v
    return at.run()


def _plain(element) -> str:
    return element.value.replace("\\", "")  # the notices are Markdown-escaped


def _deck_in_link(at: AppTest) -> dk.Deck:
    deck, problems = dk.decode(at.query_params["mydeck"])
    assert problems == []
    return deck


def test_add_this_view_from_compare_then_present_it():
    at = conftest.open_page("compare", {"per": "2021"})
    at.button(key="mydeck_add_compare").click().run()
    assert_ok(at)
    assert "slide 1" in at.toast[0].value
    mine = at.session_state["_my_deck"]
    assert [(s.page, s.query) for s in mine.slides] == [("compare", {"per": "2021"})]
    link = next(p.proto for p in at.get("page_link") if p.proto.page.endswith("present"))
    assert "(1 slide)" in link.label
    assert at.button(key="mydeck_add_compare").disabled is False
    assert mine.slides[0].title == "" and mine.title == ""  # no text in the language it was added in
    title = json.loads(at.get("vega_lite_chart")[0].proto.spec)["usermeta"]["title"]
    # the link of "Open my deck": the slide shown is the page's own Figure for that view, titled with its title
    _present({"mydeck": dk.encode(mine)}, at)
    assert_ok(at)
    assert not at.warning
    assert at.title[0].value.replace("\\", "") == title
    assert _deck_in_link(at).slides == mine.slides


def test_panel_reorders_retitles_edits_a_note_and_removes_and_the_link_holds_it():
    at = _present({"mydeck": dk.encode(DECK)})
    assert_ok(at)
    assert at.title[0].value == SLIDES[0].title
    at.button(key="mydeck_down_0").click().run()  # slide 1 one place later: the moved slide is shown
    assert [s.title for s in _deck_in_link(at).slides] == [SLIDES[1].title, SLIDES[0].title, SLIDES[2].title]
    assert at.query_params["slide"] == "2" and at.title[0].value == SLIDES[0].title
    at.button(key="mydeck_up_2").click().run()
    assert [s.title for s in _deck_in_link(at).slides] == [SLIDES[1].title, SLIDES[2].title, SLIDES[0].title]
    title_box = next(t for t in at.text_input if t.label == "Title of slide 1")
    title_box.set_value("Who is counted, and who is not").run()
    note_box = next(t for t in at.text_area if t.label == "Speaker note of slide 1")
    note_box.set_value("Ask the room first: what would you expect?").run()
    deck_title = next(t for t in at.text_input if t.label == "Deck title")
    deck_title.set_value("Tallinn, 3 March").run()
    at.button(key="mydeck_remove_1").click().run()
    assert_ok(at)
    got = _deck_in_link(at)
    assert got.title == "Tallinn, 3 March"
    assert [s.title for s in got.slides] == ["Who is counted, and who is not", SLIDES[0].title]
    assert got.slides[0].note == "Ask the room first: what would you expect?"
    assert got.slides[0].query == SLIDES[1].query
    # the URL round trip: the link alone gives the same deck in a new session
    fresh = _present(dict(at.query_params))
    assert_ok(fresh)
    assert not fresh.warning
    assert _deck_in_link(fresh) == got and fresh.session_state["_my_deck"] == got
    assert fresh.title[0].value.replace("\\", "") == got.slides[int(at.query_params.get("slide", 1)) - 1].title
    # the deck picker offers it with the shipped decks; the downloads take it
    assert any("Tallinn" in o for o in fresh.selectbox(key="present_deck").options)
    assert {"Deck as PowerPoint", "Handout as PDF", "Download my deck (JSON)"} <= {
        d.proto.label for d in fresh.get("download_button")
    }


def test_a_tampered_link_warns_keeps_the_good_slides_and_rewrites_the_link():
    mixed = _pack(
        {
            "t": "Mixed",
            "s": [[s.page, s.query, s.title, s.note] for s in SLIDES]
            + [["nowhere", {}, "A slide of no page", ""], ["compare", {"zz": "1"}, "Odd setting", ""]],
        }
    )
    at = _present({"mydeck": mixed, "slide": "2"})
    assert_ok(at)
    text = " ".join(_plain(w) for w in at.warning)
    assert "left out" in text and "Slide 4" in text and "Slide 5" in text and "3 slides are kept" in text
    assert _deck_in_link(at).slides == SLIDES and at.title[0].value == SLIDES[1].title
    assert at.query_params["mydeck"] != mixed and not at.exception
    # a link that cannot be read at all: a warning, and the good deck of the session is kept and shown
    for bad in ("1.garbage", "9." + dk.encode(DECK)[2:], dk.encode(DECK)[:-6], "x" * 7000):
        _present({"mydeck": bad}, at)
        assert_ok(at)
        assert "could not be read" in _plain(at.warning[0]) and "Your own deck" in _plain(at.warning[0])
        assert _deck_in_link(at).slides == SLIDES
    # ... and with no deck in the session: the shipped deck
    fresh = _present({"mydeck": "1.garbage", "slide": "2"})
    assert_ok(fresh)
    assert "could not be read" in _plain(fresh.warning[0])
    assert "mydeck" not in fresh.query_params and fresh.title[0].value == dk.load(dk.DEFAULT_DECK).slides[0].title


def test_open_a_deck_file_good_and_bad():
    at = _present()
    assert not at.text_input  # no own deck yet: nothing to edit
    up = at.get("file_uploader")[0]
    good = dk.to_json(DECK).encode("utf-8")
    up.set_value(("session.json", good, "application/json")).run()
    assert_ok(at)
    assert _deck_in_link(at).slides == SLIDES and at.title[0].value == SLIDES[0].title
    for name, data in (
        ("notes.json", b"not json at all"),
        ("list.json", b"[1, 2, 3]"),
        ("empty.json", json.dumps({"title": "x", "slides": []}).encode()),
    ):
        at.get("file_uploader")[0].set_value((name, data, "application/json")).run()
        assert_ok(at)
        assert any(name in _plain(w) and "not changed" in _plain(w) for w in at.warning), [w.value for w in at.warning]
        assert _deck_in_link(at).slides == SLIDES  # the good deck stays
    # a file with one bad slide: opened without it, the slide named
    data = json.dumps({"title": "Mixed", "slides": [*dk.to_dict(DECK)["slides"], {"page": "x", "title": "Bad"}]})
    at.get("file_uploader")[0].set_value(("mixed.json", data.encode(), "application/json")).run()
    assert any("Slide 4" in _plain(w) for w in at.warning)
    assert _deck_in_link(at).title == "Mixed" and _deck_in_link(at).slides == SLIDES


CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)


def test_a_deck_built_in_estonian_is_presented_in_russian():
    """Issue 26: views added on Estonian pages, the deck opened with lang=ru: the deck's title, each slide's
    title (the chart's own), chart title and unit, source line and notes in Russian; nothing Estonian kept."""
    at = conftest.open_page("compare", {"per": "2021", "lang": "et"})
    at.button(key="mydeck_add_compare").click().run()
    at.switch_page("app_pages/trends.py")
    at.query_params.clear()
    at.query_params["lang"] = "et"
    at.run()
    at.button(key="mydeck_add_trends").click().run()
    assert_ok(at)
    mine = at.session_state["_my_deck"]
    assert len(mine.slides) == 2 and mine.title == "" and all(s.title == "" for s in mine.slides)
    link = dk.encode(mine)
    assert "Minu" not in json.dumps(dk.to_dict(mine), ensure_ascii=False)
    for n, slide in enumerate(mine.slides, 1):
        page = conftest.open_page(slide.page, {**slide.query, "lang": "ru"})  # the page's chart in Russian
        want = json.loads(page.get("vega_lite_chart")[0].proto.spec)["usermeta"]["title"]
        ru = _present({"mydeck": link, "slide": str(n), "lang": "ru"})
        assert_ok(ru)
        assert ru.title[0].value.replace("\\", "") == want  # the chart's own title, as the Russian page has it
        assert "Мой набор слайдов" in " ".join(c.value for c in ru.caption)
        assert next(t for t in ru.text_input if t.label == "Название набора").value == "Мой набор слайдов"
        line = ru.markdown[1].value if ru.markdown[0].value.startswith("<style>") else ru.markdown[0].value
        assert CYRILLIC.search(line), line  # the chart's unit line
        assert any(c.value.startswith(("Источник", "Источники")) for c in ru.caption)
    # the same link in Latvian: Latvian
    lv = _present({"mydeck": link, "lang": "lv"})
    assert_ok(lv)
    assert "Mans slaidu komplekts" in " ".join(c.value for c in lv.caption)


# GitHub-flavoured Markdown's autolinks (what Streamlit's Markdown turns into <a href>), on the text the reader
# sees (backslash escapes removed): www.…, http(s)://…, and e-mail addresses
AUTOLINK = re.compile(r"(?i)(?:^|[\s*_~(])(?:www\.|https?://)|[\w.+-]+@[\w-]+\.[\w-]")
EVIL = {
    "t": "https://evil.example/login",
    "s": [
        ["compare", {"per": "2021"}, "www.evil.example/x", "Write to admin@evil.example or https://evil.example/login"],
        ["trends", {}, "admin@evil.example", "[click](https://evil.example/login) <https://evil.example/login>"],
    ],
}


def _markdown_sources(at: AppTest) -> list[str]:
    """Every Markdown text of the page as it reaches the browser, help tooltips included."""
    out = []
    for kind in ("title", "markdown", "caption", "warning", "info", "toast"):
        for el in getattr(at, kind):
            out.append(str(el.value))
            if getattr(el.proto, "help", ""):
                out.append(el.proto.help)
    return out


@pytest.mark.parametrize("slide", ["1", "2"])
def test_a_crafted_deck_link_shows_its_text_and_no_link(slide):
    """Issue 27 (6): a shared /present?mydeck=… whose titles and notes hold www.…, an e-mail address or https://…
    shows them as text: no Markdown text of the page autolinks (nor links: [x](y), <…>)."""
    at = _present({"mydeck": _pack(EVIL), "slide": slide})
    assert_ok(at)
    texts = _markdown_sources(at)
    shown = " ".join(t.replace("\\", "").replace("\u2060", "") for t in texts)
    assert ("www.evil.example/x" if slide == "1" else "admin@evil.example") in shown  # the reader sees the text
    assert "https://evil.example/login" in shown
    for t in texts:
        if t.startswith("<style>"):  # the page's own CSS (a constant)
            continue
        seen = t.replace("\\", "")
        assert not AUTOLINK.search(seen), seen
        syntax = re.sub(r"\\.", "", t)  # what Markdown reads as markup: no link, no HTML
        assert "](" not in syntax and "<" not in syntax, t
