"""Row notes (issue 29): the catalogue covers every note in every language, English renders exactly the table's
`note`, numbers follow the language, sources are named (never their ids), a missing translation is marked."""

from __future__ import annotations

import csv
import json
import re
from functools import cache

import pandas as pd
import pytest

from components.core import i18n, notes
from etl import notes as etl_notes
from etl.paths import REPO_ROOT
from tests.components.test_i18n import GLOSSARY_EXCEPTIONS, _stem, _term_forms

DATA = REPO_ROOT / "data"
TRANSLATED = [lang for lang in i18n.LANGS if lang != i18n.DEFAULT]
FIELD = re.compile(r"\{(\w+)\}")


@cache
def _table() -> pd.DataFrame:
    return pd.read_csv(DATA / "harmonised" / "thb_baltic.csv", dtype=str, keep_default_na=False)


@cache
def _sources() -> pd.DataFrame:
    return pd.read_csv(DATA / "sources.csv", dtype=str, keep_default_na=False)


def _rows() -> list[dict[str, str]]:
    with notes.CATALOGUE.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_the_catalogue_has_one_row_per_id_and_every_language():
    rows = _rows()
    assert list(rows[0]) == ["id", *i18n.LANGS]
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids))
    empty = [(r["id"], lang) for r in rows for lang in i18n.LANGS if not r[lang].strip()]
    assert not empty, f"untranslated row notes: {empty}"


def test_the_builds_templates_are_in_the_catalogue_as_written():
    cat = notes.catalogue()
    assert {i: cat.get(i, {}).get("en") for i in etl_notes.TEMPLATES} == etl_notes.TEMPLATES


@pytest.mark.parametrize("lang", TRANSLATED)
def test_each_translation_has_the_english_placeholders(lang):
    off = [
        (r["id"], r[lang])
        for r in _rows()
        if sorted(FIELD.findall(r[lang])) != sorted(FIELD.findall(etl_notes.english_template(r["id"], {r["id"]: r})))
    ]
    assert not off


def _ids_used(cells) -> set[str]:
    """Every note id (nested ones too) in `note_keys` cells."""
    found: set[str] = set()

    def walk(v: object) -> None:
        if isinstance(v, dict):
            found.update([str(v["id"])] if "id" in v else [])
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)

    for cell in cells:
        if cell:
            walk(json.loads(cell))
    return found


def test_every_note_of_the_table_has_an_id_in_the_catalogue():
    used = _ids_used(_table()["note_keys"])
    assert used and used <= set(notes.catalogue())
    assert (_table()["note"] == "").equals(_table()["note_keys"] == "")


def test_no_curated_entry_is_stale():
    """A curated text is registered because the data uses it: a note of a mapping table or a series break."""
    texts: set[str] = set()
    for path in (DATA / "mapping").glob("*.csv"):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        for column in ("note", "differs_note", "why"):
            if column in frame.columns:
                texts |= set(frame[column])
    stale = [r["id"] for r in _rows() if r["id"] not in etl_notes.TEMPLATES and r["en"] not in texts]
    assert not stale


def test_english_renders_exactly_the_note_column():
    t = _table()
    pairs = set(zip(t["note_keys"], t["note"]))
    off = [(k, e) for k, e in pairs if notes.render_keys(k, "en", _sources()) != e]
    assert not off, off[:3]


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_note_renders_in_the_language_without_source_ids_or_marks(lang):
    t = _table()
    ids = sorted(set(_sources()["source_id"]), key=len, reverse=True)
    marked = i18n.translator(lang).gettext(i18n.UNTRANSLATED).replace("{text}", "").strip()
    for keys in sorted(set(t["note_keys"]) - {""}):
        text = notes.render_keys(keys, lang, _sources())
        assert text and not any(re.search(rf"\b{re.escape(s)}\b", text) for s in ids), text
        assert marked not in text, text


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_numbers_in_notes_follow_the_language(lang):
    keys = json.dumps(
        [{"id": "rate_computed", "year": 2017, "population": 1950116, "source": "EUROSTAT_TPS00001_SNAP2023"}]
    )
    text = notes.render_keys(keys, lang, _sources())
    number = i18n.translator(lang).number(1950116)
    assert number in text and "2017" in text and "2,017" not in text
    assert "EUROSTAT_TPS00001_SNAP2023" not in text and "Eurostat: Population on 1 January" in text
    assert ("1,950,116" in text) == (lang == "en")
    if lang != "en":
        assert re.search(r"1\s950\s116", text)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_a_note_without_translation_shows_the_english_marked(lang, monkeypatch):
    cat = {k: dict(v) for k, v in notes.catalogue().items()}
    cat["repeats_victims"].pop(lang)
    monkeypatch.setattr(notes, "catalogue", lambda: cat)
    text = notes.render_keys('[{"id":"repeats_victims"},{"id":"all_forms"}]', lang)
    english = etl_notes.TEMPLATES["repeats_victims"]
    assert i18n.translator(lang).gettext(i18n.UNTRANSLATED).format(text=english) in text
    assert cat["all_forms"][lang] in text


@pytest.mark.parametrize("lang", TRANSLATED)
def test_a_row_with_a_note_but_no_ids_shows_the_english_marked(lang):
    assert notes.row_note("", "Some note.", lang=lang) == i18n.translator(lang).gettext(i18n.UNTRANSLATED).format(
        text="Some note."
    )
    assert notes.row_note("", "", lang=lang) == ""
    assert notes.row_note("", "Some note.", lang="en") == "Some note."


def test_a_breakdown_is_named_by_its_label_in_the_language():
    from components.core.dataset import load

    ds = load(DATA)
    keys = '[{"id":"set_taken_whole","breakdown":"exploitation","source":"UNODC_GLOTIP_2025","others":1}]'
    with i18n.using("et"):
        text = notes.render_keys(keys, "et", ds.sources, ds.codebook)
        assert f"„{ds.codebook.breakdown_label('exploitation')}“" in text
    assert "exploitation breakdown" in notes.render_keys(keys, "en", ds.sources, ds.codebook)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_notes_naming_a_glossary_concept_use_its_sourced_term(lang):
    """As tests/components/test_i18n.py checks the catalogues: a note whose English names a glossary concept uses
    the language's sourced term for it (inflected forms count; an 'unverified draft' binds nothing yet)."""
    with (DATA / "i18n" / "glossary.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    english = {r["term"]: r["text"] for r in rows if r["lang"] == "en"}
    sourced = {
        r["term"]: r["text"] for r in rows if r["lang"] == lang and "unverified draft" not in r["source"] and r["text"]
    }
    off = []
    for term, translation in sourced.items():
        pattern = re.compile(rf"\b{re.escape(english[term])}\b", re.I)
        excepted = GLOSSARY_EXCEPTIONS.get((term, lang))  # the catalogues' reasoned exceptions hold here too
        for r in _rows():
            low = r[lang].lower().replace("ё", "е")
            if excepted and re.search(excepted[0], r["en"]):
                continue
            if pattern.search(r["en"]) and not any(
                all(_stem(w) in low for w in form.split()) for form in _term_forms(translation)
            ):
                off.append(f"{term} -> {translation}: {r['id']}: {r[lang][:90]}")
    assert not off, "\n".join(off)
