"""Your own deck (issue 16), pure: the deck link (mydeck=) round trip and its length, the one set of slide
rules for deck files, links and uploads, and what a bad or tampered link or file gives: a plain notice
naming what was left out, the good slides kept, never an exception."""

from __future__ import annotations

import base64
import json
import random
import zlib

import pytest

from components.view import deck as dk
from components.view.state import ViewState
from tests.components.test_view_state import OPTS

SHIPPED = [dk.load(d) for d in dk.available()]


def _pack(data, version: str = "1") -> str:
    """A deck link written by hand (no checks): what a tampered or foreign link can hold."""
    raw = json.dumps(data, ensure_ascii=False).encode("utf-8")
    return version + "." + base64.urlsafe_b64encode(zlib.compress(raw)).rstrip(b"=").decode()


def _ten() -> dk.Deck:
    """Ten different slides with their notes (the shipped decks' first ten): a training session's deck."""
    slides = tuple(s for d in SHIPPED for s in d.slides)[:10]
    return dk.Deck(dk.OWN_ID, "Trafficking in the Baltic states: a training session", slides)


@pytest.mark.parametrize("deck", SHIPPED + [_ten()], ids=[d.id for d in SHIPPED] + ["ten"])
def test_round_trip(deck):
    text = dk.encode(deck)
    assert text.startswith("1.") and all(c.isalnum() or c in "._-" for c in text)  # URL-safe as it is
    back, problems = dk.decode(text)
    assert problems == []
    assert (back.title, back.slides) == (deck.title, deck.slides)
    assert dk.encode(back) == text  # canonical: a link read and written again is the same link


def test_round_trip_keeps_every_language_and_markup_as_text():
    s = dk.Slide(
        "compare",
        {"ind": "victims", "per": "2022"},
        "Кто жертвы: пол и возраст — Lietuvių ąčęėįšųūž",
        "Line one\nline two: *not bold* [not a link](x) <b>",
    )
    back, problems = dk.decode(dk.encode(dk.Deck(dk.OWN_ID, "Mano kaladė", (s,))))
    assert problems == [] and back.slides == (s,) and back.title == "Mano kaladė"


def test_link_length_of_a_ten_slide_deck():
    """Measured (docs/using.md): ten slides with their speaker notes ≈ 1,330 characters; without notes ≈ 460."""
    full = dk.encode(_ten())
    bare = dk.encode(
        dk.Deck(dk.OWN_ID, "My deck", tuple(dk.Slide(s.page, s.query, s.title, "") for s in _ten().slides))
    )
    print(f"10-slide deck link: {len(full)} characters with notes, {len(bare)} without")
    assert len(bare) < 800 and len(full) < 2000


def test_json_file_round_trip_is_the_data_decks_format():
    deck = _ten()
    text = dk.to_json(deck)
    assert set(json.loads(text)) == {"id", "title", "slides"}
    back, problems = dk.from_bytes(text.encode("utf-8"))
    assert problems == [] and back.slides == deck.slides and back.title == deck.title


GOOD = {"page": "trends", "query": {"ind": "victims", "yr": "2010-2020"}, "title": "Good one", "note": "Say this."}
BAD_SLIDES = [  # (slide, words of its notice)
    ({"page": "nowhere", "query": {}, "title": "Lost page"}, "not a chart page"),
    ({"page": "data", "query": {}, "title": "Not a slide page"}, "not a chart page"),
    ({"page": "compare", "query": {"zzz": "1"}, "title": "Odd setting"}, "does not know"),
    ({"page": "compare", "query": {"ind": ["victims"]}, "title": "List value"}, "unreadable value"),
    ({"page": "compare", "query": {"ind": "x" * 300}, "title": "Long value"}, "unreadable value"),
    ({"page": "compare", "query": {}, "title": "t" * 500}, "its title must be text"),
    ({"page": "compare", "query": {}, "title": ["a list"]}, "its title must be text"),
    ({"page": "compare", "query": {}, "title": "Long note", "note": "n" * 5000}, "speaker note"),
    ({"page": "compare", "query": "ind=victims", "title": "Query as text"}, "not a list of settings"),
    ("just a string", "not a slide"),
]


@pytest.mark.parametrize("bad,words", BAD_SLIDES, ids=[str(i) for i in range(len(BAD_SLIDES))])
def test_a_bad_slide_is_named_and_left_out_and_the_good_ones_kept(bad, words):
    link = _pack(
        {
            "t": "Mixed",
            "s": [[GOOD["page"], GOOD["query"], GOOD["title"], GOOD["note"]], bad]
            if not isinstance(bad, dict)
            else [
                [GOOD["page"], GOOD["query"], GOOD["title"], GOOD["note"]],
                [bad["page"], bad["query"], bad["title"], bad.get("note", "")],
            ],
        }
    )
    deck, problems = dk.decode(link)
    assert [s.title for s in deck.slides] == ["Good one"] and deck.title == "Mixed"
    assert len(problems) == 1 and problems[0].startswith("Slide 2") and words in problems[0], problems
    # the same rules for a file
    deck, problems = dk.from_bytes(json.dumps({"title": "Mixed", "slides": [GOOD, bad]}).encode())
    assert [s.title for s in deck.slides] == ["Good one"] and words in problems[0]


def test_a_deck_has_no_language_a_showing_has_one():
    """Issue 26: a slide added without a title shows its chart's title; the default deck title saved in any
    language is the default (shown translated); a link or file made when slides carried `lang` still opens,
    its `lang` ignored; the shipped decks' texts are shown in the showing's language, typed text as typed."""
    from components.core import i18n

    with i18n.using("et"):
        estonian_default = i18n._(dk.DEFAULT_TITLE)
    assert estonian_default == "Minu slaidikomplekt"
    old = {
        "title": estonian_default,
        "lang": "et",
        "slides": [
            {"page": "compare", "query": {"ind": "victims", "per": "2021", "lang": "et"}, "title": "", "note": ""},
            {"page": "trends", "query": {"lang": "lv"}, "title": "Minu oma pealkiri", "note": "Minu märkus"},
            {
                "page": "trends",
                "query": {"ind": "victims", "yr": "2010-2024"},
                "title": "Registered victims over time",
                "note": SHIPPED[0].slides[0].note,
            },
        ],
    }
    for deck, problems in (
        dk.from_bytes(json.dumps(old).encode()),
        dk.decode(
            _pack({"t": old["title"], "s": [[x["page"], x["query"], x["title"], x["note"]] for x in old["slides"]]})
        ),
    ):
        assert problems == [] and deck.title == ""
        assert [s.query for s in deck.slides] == [
            {"ind": "victims", "per": "2021"},
            {},
            {"ind": "victims", "yr": "2010-2024"},
        ]
        with i18n.using("ru"):
            assert dk.deck_title(deck) == "Мой набор слайдов"
            assert dk.slide_title(deck.slides[0], "Заголовок графика") == "Заголовок графика"  # the chart's own
            assert dk.slide_title(deck.slides[1], "x") == "Minu oma pealkiri"  # typed: as typed
            assert dk.slide_note(deck.slides[1]) == "Minu märkus"
            assert dk.slide_title(deck.slides[2], "x") == "Зарегистрированные жертвы по годам"  # shipped: translated
            assert dk.slide_note(deck.slides[2]).startswith("Это жертвы")
        assert "lang" not in dk.to_json(deck) and dk.encode(deck) == dk.encode(dk.decode(dk.encode(deck))[0])


def test_shipped_decks_are_shown_in_every_language():
    from components.core import i18n

    for deck in SHIPPED:
        for lang in ("et", "lv", "lt", "ru"):
            with i18n.using(lang):
                assert dk.deck_title(deck) != deck.title
                assert all(dk.slide_title(s, "") != s.title and dk.slide_note(s) != s.note for s in deck.slides)


def _cut(text: str) -> str:
    return text[: len(text) // 2]


TAMPERED = [  # (link, words of the notice)
    ("", "damaged"),
    ("garbage", "damaged"),
    ("1.", "damaged"),
    ("1.!!!!", "damaged"),
    ("1.AAAA", "damaged"),
    ("<script>alert(1)</script>", "damaged"),
    (_cut(dk.encode(SHIPPED[0])), "cut short"),  # only part of the link copied
    (dk.encode(SHIPPED[0])[:-3], "cut short"),
    ("2." + dk.encode(SHIPPED[0])[2:], "another version"),
    ("1." + "A" * 7000, "too long"),
    (_pack({"t": "x", "s": [["trends", {}, "y" * 100_000, ""]]}), "more than a deck"),  # a small link, huge inside
    (_pack([1, 2, 3]), "damaged"),
    (_pack({"t": "no slides"}), "damaged"),
    (_pack({"t": "x", "s": []}), "None of its slides"),
    (_pack({"t": "x", "s": [["nowhere", {}, "a", ""]]}), "not a chart page"),
]


@pytest.mark.parametrize("link,words", TAMPERED, ids=[str(i) for i in range(len(TAMPERED))])
def test_a_tampered_link_gives_a_plain_notice_and_no_deck(link, words):
    deck, problems = dk.decode(link)
    assert deck is None
    assert problems and words in " ".join(problems), problems
    assert all("<script" not in p and len(p) < 400 for p in problems)


def test_a_bad_file_gives_a_plain_notice():
    for data, words in (
        (b"\x89PNG\r\n", "not JSON"),
        (b"[1, 2]", "not a deck"),
        (b'{"title": "x"}', "not a deck"),
        (b'{"slides": []}', "None of its slides"),
        (b" " * 70_000, "too large"),
    ):
        deck, problems = dk.from_bytes(data)
        assert deck is None and words in " ".join(problems), (data[:20], problems)


def test_too_many_slides_keeps_the_first_thirty():
    deck, problems = dk.decode(_pack({"t": "x", "s": [["trends", {}, f"S{i}", ""] for i in range(40)]}))
    assert len(deck.slides) == dk.MAX_OWN_SLIDES and "first 30" in problems[0]


def test_encode_refuses_a_deck_too_long_for_a_link():
    rng = random.Random(16)  # notes that barely compress: thirty full ones do not fit a link
    slides = tuple(
        dk.Slide("trends", {}, f"Slide {i}", "".join(rng.choice("abcdefgh ") for _ in range(dk.MAX_NOTE)))
        for i in range(dk.MAX_OWN_SLIDES)
    )
    with pytest.raises(dk.DeckError, match="too long for a link"):
        dk.encode(dk.Deck(dk.OWN_ID, "Long", slides))


def test_shipped_decks_keep_the_rules(tmp_path):
    """`load` is strict: a shipped deck file with a slide that breaks a rule is an error, not a shorter deck."""
    (tmp_path / "odd.json").write_text(json.dumps({"title": "x", "slides": [GOOD, {**GOOD, "query": {"zz": "1"}}]}))
    with pytest.raises(dk.DeckError, match="does not know"):
        dk.load("odd", tmp_path)


# ------------------------------------------------------------------ the view field (the Present page's link)


def test_the_link_field_keeps_a_good_deck_and_drops_what_it_cannot_use():
    good = dk.encode(SHIPPED[0])
    v, notices = ViewState.from_query({"mydeck": good, "slide": "3"}, OPTS, "present")
    assert (v.mydeck, v.slide, notices) == (good, 3, [])
    assert v.to_query() == {"mydeck": good, "slide": "3"}
    mixed = _pack({"t": "Mixed", "s": [["trends", {}, "Good", ""], ["nowhere", {}, "Bad", ""]]})
    v, notices = ViewState.from_query({"mydeck": mixed}, OPTS, "present")
    assert [s.title for s in dk.decode(v.mydeck)[0].slides] == ["Good"] and "Slide 2" in notices[0]
    v, notices = ViewState.from_query({"mydeck": "1.garbage"}, OPTS, "present")
    assert v.mydeck is None and notices and "deck link" in notices[0]
