"""Source locations in the reader's language (components/core/locations.py, data/i18n/locations.csv)."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from components.core import i18n, locations as loc
from etl.paths import REPO_ROOT
from tests.components.catalogues import assert_every_language

TRANSLATED = [lang for lang in i18n.LANGS if lang != i18n.DEFAULT]
REAL = REPO_ROOT / "data" / "harmonised" / "thb_baltic.csv"


def _real() -> list[str]:
    df = pd.read_csv(REAL, dtype=str, usecols=["source_location"])
    return sorted(df["source_location"].dropna().unique())


def test_catalogue_has_every_template_in_every_language_with_the_same_placeholders():
    t = loc.templates()
    assert set(t) == set(loc.TEMPLATE_IDS), "locations.csv: an id without a grammar piece, or a piece without a row"
    assert_every_language(t)


@pytest.mark.parametrize(
    ("text", "lang", "said"),
    [
        ("sheet data_glotip_1, row 15098", "lv", "lapa data_glotip_1, 15098. rinda"),
        ("PROSECUTION section, para 2", "et", "jaotis „PROSECUTION“, 2. lõik"),
        ("summary bullet 2 ('formally identified')", "ru", "резюме, пункт 2 ('formally identified')"),
        ("p. 12", "lv", "12. lpp."),
        (
            "sheet data_glotip_1, row 1 | population: tps00001.tsv.gz row 'JAN,LV', column 2020; "
            "latest Eurostat vintage read here for this year",
            "lt",
            "lapas data_glotip_1, 1 eilutė | gyventojų skaičius: tps00001.tsv.gz, eilutė 'JAN,LV', stulpelis 2020; "
            "naujausia čia perskaityta Eurostat duomenų versija už šiuos metus",
        ),
        ("tps00001.tsv row 'JAN,EE', column 2015 (flag 'b' = break in series)", "ru", None),
    ],
)
def test_a_location_is_said_in_the_language_and_keeps_what_the_publisher_printed(text, lang, said):
    out = loc.render(text, lang)
    if said is not None:
        assert out == said
    else:
        assert "разрыв временного ряда" in out and "tps00001.tsv" in out and "'JAN,EE'" in out
    assert loc.render(text, "en") == text


def test_free_text_outside_the_grammar_is_the_original_marked_as_english():
    text = "PROSECUTION section, para 2 (CONFLICT: TIP 2019 says 4 for 2018)"
    assert loc.parse(text) is None
    for lang in TRANSLATED:
        marked = i18n.translator(lang).gettext(i18n.UNTRANSLATED).format(text=text)
        assert loc.render(text, lang) == marked != text


def test_every_parsed_location_written_back_in_english_is_the_original():
    for text in _real():
        pieces = loc.parse(text)
        if pieces is not None:
            assert loc._render(pieces, "en") == text


def test_most_of_the_real_locations_parse_fully():
    """The vocabulary covers the locations the ETL writes; the rest are researchers' remarks (shown marked)."""
    full, n = loc.coverage(_real())
    assert n > 0 and full / n >= 0.9, (full, n)


def test_a_rendered_location_has_no_vocabulary_word_left_in_english():
    words = re.compile(r"\b(sheet|row|column|para|page|section|bullet|summary|heading|population|vintage)\b")
    for text in _real()[:: max(1, len(_real()) // 400)]:
        if loc.parse(text) is None:
            continue
        kept = " ".join(loc.printed(text))
        for lang in TRANSLATED:
            out = loc.render(text, lang)
            for name in loc.printed(text):
                out = out.replace(name, " ")
            assert not words.search(out) or words.search(kept), (text, lang, out)
