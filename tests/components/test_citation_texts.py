"""A source's citation in the reader's language: the publisher's names and titles as published, the project's own
words in them said in the language (components/core/citation_texts.py, data/i18n/citation_texts.csv)."""

from __future__ import annotations

import pandas as pd
import pytest

from components.core import citation_texts as ct, cite, i18n
from etl.paths import REPO_ROOT
from tests.components.catalogues import assert_every_language, placeholders

TRANSLATED = [lang for lang in i18n.LANGS if lang != i18n.DEFAULT]
SOURCES = REPO_ROOT / "data" / "sources.csv"
# the project's own English words a reader found in the citations of the other languages (issue 29)
PROJECT_WORDS = ("(n.d.)", " release.", "topic page", "tag page", "news item on", ", via ", ", citing ", "extracted 14")


def _records() -> list[dict]:
    return pd.read_csv(SOURCES, dtype=str).fillna("").to_dict("records")


def test_catalogue_rows_have_every_language_and_the_same_placeholders():
    rows = ct.catalogue()
    assert rows, "data/i18n/citation_texts.csv is missing or empty"
    assert_every_language(rows)
    for (field, tid), row in rows.items():
        assert field in ct.FIELDS, (field, tid)
        if field == "part":  # a value holds names, codes, numbers and quoted titles, never the project's words
            assert placeholders(row["en"]) <= set(ct.VALUES), (field, tid)


def test_every_row_is_used_by_a_source_and_says_it_again():
    used: set[tuple[str, str]] = set()
    for rec in _records():
        for text in (rec["publisher"], rec["title"]):
            for piece in ct._PIECES.split(text):
                inner = piece[1:-1] if piece.startswith("(") and piece.endswith(")") else piece.strip()
                if hit := ct.match_part(inner):
                    used.add(("part", hit[0]))
                    assert ct.catalogue()[("part", hit[0])]["en"].format(**dict(hit[1])) == inner
            used |= {("connector", w) for w in ct._CONNECTOR.findall(text)}
        used.add(("form", "dated_link" if rec["url"].strip() else "dated"))
        used |= {("form", "no_date")} if "(n.d.)" in rec["citation"] else set()
    assert set(ct.catalogue()) == used, f"rows no source uses: {set(ct.catalogue()) - used}"


def test_said_in_english_a_citation_is_the_record():
    for rec in _records():
        assert ct.english(rec) == rec["citation"], rec["source_id"]
        assert ct.citation(rec, "en") == rec["citation"]
        with i18n.using("en"):
            assert cite._cited(rec) == rec["citation"].rstrip(". ")


@pytest.mark.parametrize("lang", TRANSLATED)
def test_a_citation_says_the_projects_words_in_the_language_and_keeps_the_names(lang):
    marked = i18n.translator(lang).gettext(i18n.UNTRANSLATED).replace("{text}", "")
    for rec in _records():
        said = ct.citation(rec, lang)
        assert marked.strip() not in said, (rec["source_id"], said)
        found = [w for w in PROJECT_WORDS if w in said]
        assert not found, (rec["source_id"], found, said)
        for name in ct.printed(rec):  # the publisher's names, titles, codes and links as published
            assert name in said, (rec["source_id"], name, said)


@pytest.mark.parametrize(
    ("sid", "lang", "part"),
    [
        ("UNODC_GLOTIP_2025", "et", "(dataUNODC koondväljavõte data_glotip.xlsx, väljavõtte kuupäev 14/04/2025)"),
        ("UNODC_GLOTIP_2025", "ru", "(полная выгрузка dataUNODC data_glotip.xlsx, выгружено 14/04/2025)"),
        ("EUROSTAT_TPS00001_SNAP2016", "lv", "Population on 1 January (tps00001), 2016. gada laidiens."),
        ("EUROSTAT_TPS00001_SNAP2016", "ru", "Population on 1 January (tps00001), выпуск 2016 года."),
        ("LV_CSP_DEMOGRAFIJA", "lt", "Demogrāfija (temos puslapis)"),
        ("LFT_VICTIM_DEF", "et", "MTÜ Living for Tomorrow (lft.ee) (s.a.)."),
        ("LFT_VICTIM_DEF", "ru", "(б. г.)."),
        ("NAT_LT_OMBUDSMAN_2025", "lv", "(National Rapporteur), ar starpnieku: European Network of Ombudsmen"),
        ("LV_IEM_CT_2021", "lv", "(ziņa par Iekšlietu ministrijas pārskatu"),
    ],
)
def test_examples(sid, lang, part):
    rec = next(r for r in _records() if r["source_id"] == sid)
    assert part in ct.citation(rec, lang)


def test_source_lines_and_tables_name_releases_and_remarks_in_the_language():
    df = pd.read_csv(SOURCES, dtype=str).fillna("")
    ids = ["EUROSTAT_TPS00001_SNAP2016", "EUROSTAT_TPS00001_SNAP2020", "LV_CSP_DEMOGRAFIJA"]
    with i18n.using("en"):
        assert "2016, 2020 releases" in cite.source_line(ids, df)
        assert "(topic page)" in cite.source_line(ids, df)
    with i18n.using("et"):
        line = cite.source_line(ids, df)
        assert "Population on 1 January (tps00001)" in line and "(teemaleht)" in line, line
        assert "release" not in line and "topic page" not in line, line
        rows = pd.DataFrame({"source_id": ids})
        detail = cite.sources_detail(rows, df)
        assert "Demogrāfija (teemaleht)" in detail["Title"].tolist()


def test_source_names_are_kept_per_table_and_language():
    """cite.source_name keeps what it made (a select box names every source on each run): the same name for
    the same table, id, cut and language; another language or another cut gets its own."""
    sources = pd.read_csv(SOURCES, dtype=str, keep_default_na=False)
    made = {}
    for sid in sources["source_id"]:
        for lang in ("en", "lv"):
            with i18n.using(lang):
                made[sid, lang] = cite.source_name(sid, sources)
    changed = [sid for sid in sources["source_id"] if made[sid, "en"] != made[sid, "lv"]]
    assert changed  # some names have words in the reader's language
    for (sid, lang), name in made.items():
        with i18n.using(lang):
            assert cite.source_name(sid, sources) == name == cite._source_name(sid, sources, None)
    sid = max(sources["source_id"], key=lambda s: len(made[s, "en"]))
    with i18n.using("en"):
        assert cite.source_name(sid, sources, 20) == made[sid, "en"][:19] + "…"
    other = sources.copy()
    other.loc[other["source_id"] == sid, "publisher"] = "Another publisher"
    with i18n.using("en"):  # another table: its own names
        assert cite.source_name(sid, other).startswith("Another publisher")
