"""The project's own texts about a source in the reader's language: how it was read in a copy (`copy_note`) and
when it was published (`date_published`) (components/core/source_texts.py, data/i18n/source_texts.csv)."""

from __future__ import annotations

import pandas as pd
import pytest

from components.core import cite, i18n, source_texts as st
from etl.paths import REPO_ROOT
from tests.components.catalogues import assert_every_language, placeholders

TRANSLATED = [lang for lang in i18n.LANGS if lang != i18n.DEFAULT]
SOURCES = REPO_ROOT / "data" / "sources.csv"


def _sources() -> pd.DataFrame:
    return pd.read_csv(SOURCES, dtype=str).fillna("")


def _marked(text: str, lang: str) -> str:
    return i18n.translator(lang).gettext(i18n.UNTRANSLATED).format(text=text)


def test_catalogue_rows_have_every_language_and_the_same_placeholders():
    rows = st.catalogue()
    assert rows, "data/i18n/source_texts.csv is missing or empty"
    assert_every_language(rows)
    for (field, tid), row in rows.items():
        assert field in st.FIELDS, (field, tid)
        # a value holds names, codes and numbers only (never English words): every placeholder says what it holds
        assert placeholders(row["en"]) <= set(st.VALUES), (field, tid)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_copy_note_has_a_translation_in_every_language(lang):
    """The catalogue is complete: each copy note of data/sources.csv is one template, said in the language."""
    notes = _sources()["copy_note"]
    missing = [n for n in dict.fromkeys(notes) if n.strip() and st.match("copy_note", n) is None]
    assert not missing, "copy notes with no template in data/i18n/source_texts.csv:\n" + "\n".join(missing)
    for note in dict.fromkeys(n for n in notes if n.strip()):
        said = st.render("copy_note", note, lang)
        assert said != _marked(note, lang) and said != note, (lang, note)


def test_a_template_says_the_original_again_and_every_row_is_used():
    df = _sources()
    used: set[tuple[str, str]] = set()
    for field in st.FIELDS:
        for text in dict.fromkeys(df[field]):
            hit = st.match(field, text)
            if hit is None:
                continue
            used.add((field, hit[0]))
            assert st.catalogue()[(field, hit[0])]["en"].format(**dict(hit[1])) == " ".join(text.split())
    assert set(st.catalogue()) == used, f"rows no text of data/sources.csv uses: {set(st.catalogue()) - used}"


@pytest.mark.parametrize(
    ("field", "text", "lang", "said"),
    [
        ("date_published", "unknown (c. 2013)", "et", "teadmata (u 2013)"),
        ("date_published", "unknown (c. 2013)", "lv", "nav zināms (ap 2013. gadu)"),
        ("date_published", "2023 (inferred)", "lt", "2023 (nustatyta netiesiogiai)"),
        ("date_published", "2025 (dated 2025-01-28)", "ru", "2025 (датировано 2025-01-28)"),
        ("date_published", "2019-2022", "ru", "2019-2022"),
        ("copy_note", "Text read as republished by statenewswire.com (a news wire).", "lv",
         "Teksts lasīts ziņu aģentūras statenewswire.com atkārtotā publikācijā."),
        ("copy_note", "Read on scribd.com, a document-sharing site; the publisher's own copy was not read.", "ru",
         "Прочитано на сайте для обмена документами scribd.com; оригинал самого издателя не просматривался."),
    ],
)  # fmt: skip
def test_a_text_is_said_in_the_language_and_keeps_its_names_and_numbers(field, text, lang, said):
    assert st.render(field, text, lang) == said
    assert st.render(field, text, "en") == text


@pytest.mark.parametrize("lang", TRANSLATED)
def test_a_text_outside_the_catalogue_shows_whole_marked_as_english(lang):
    # a host value with English words around it is not half translated
    for field, text in [
        ("copy_note", "Read on scribd.com, a document-sharing site; seen twice."),
        ("date_published", "2024 (inferred from the teaser)"),
        ("copy_note", "Read on a site, a document-sharing site; the publisher's own copy was not read."),
    ]:
        assert st.render(field, text, lang) == _marked(text, lang)
    assert st.render("copy_note", "", lang) == ""


def test_the_dates_a_reader_sees_are_mostly_said():
    """Of the dates that are more than numbers, the recurring forms are said; one-off remarks stay English,
    marked (a floor: a new template may raise it, nothing may lower it)."""
    said, distinct = st.coverage("date_published", _sources()["date_published"])
    assert said >= 30 and distinct >= said


def test_tables_show_copy_notes_and_dates_in_the_language():
    sources = pd.DataFrame(
        {
            "source_id": ["A"],
            "title": ["T"],
            "publisher": ["P"],
            "licence": [""],
            "url": [""],
            "copy_url": ["https://statenewswire.com/x"],
            "copy_note": ["Text read as republished by statenewswire.com (a news wire)."],
            "date_published": ["unknown (c. 2013)"],
        }
    )
    with i18n.using("et"):
        lic = cite.licences(sources)
        detail = cite.sources_detail(pd.DataFrame({"source_id": ["A"]}), sources)
    assert lic["Read in a copy"].tolist() == ["Tekst on loetud uudisteagentuuri statenewswire.com taasavaldusest."]
    assert detail["Published"].tolist() == ["teadmata (u 2013)"]
    with i18n.using("en"):
        assert cite.licences(sources)["Read in a copy"].tolist() == sources["copy_note"].tolist()
