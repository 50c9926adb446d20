"""The figures a journalist can quote: grades, coherent breakdowns, one key per figure, official rates.

Invariants over the committed dataset (the build refuses a table that breaks them) and the cases found
when the dashboard was tried as a new user would, as regressions. Synthetic rules at the end.
"""

from __future__ import annotations

import pandas as pd
import pytest

from etl import invariants
from etl.build import harmonise
from etl.citation import clean_citation, curator_notes_in
from etl.paths import DEFAULT_PATHS
from etl.reference import load_reference
from tests.etl.conftest import glotip_row, research_row


@pytest.fixture(scope="module")
def ref():
    return load_reference(DEFAULT_PATHS)


@pytest.fixture(scope="module")
def table():
    t = pd.read_csv(
        DEFAULT_PATHS.output, keep_default_na=False, na_values={"value": [""], "value_low": [""], "value_high": [""]}
    )
    for c in ("preferred", "suppressed"):
        t[c] = t[c].astype(str) == "True"
    return t


def fig(t, **where):
    mask = pd.Series(True, index=t.index)
    for column, value in where.items():
        mask &= t[column] == value
    return t[mask]


# ------------------------------------------------------------------ invariants on the real dataset


def test_no_preferred_breakdown_set_mixes_sources(table):
    assert invariants.mixed_source_sets(table) == []


def test_no_preferred_exclusive_set_sums_above_its_total(table, ref):
    assert invariants.exclusive_sets_over_total(table, ref.breakdown_kind) == []


def test_every_overlapping_set_is_flagged(table, ref):
    assert invariants.overlapping_unflagged(table, ref.breakdown_kind) == []
    assert (
        fig(table, indicator="convicted", breakdown="exploitation")["flags"]
        .str.contains("overlapping_categories")
        .all()
    )


def test_no_figure_preferred_under_two_keys(table):
    assert invariants.preferred_twice(table) == []


def test_every_rate_uses_an_official_population(table, ref):
    assert invariants.weak_population_rates(table, ref.grade_of) == []
    rates = table[table["flags"].str.contains("derived_rate")]
    assert len(rates) > 1000
    assert {ref.grade_of(s.split(";")[-1]) for s in rates["source_id"]} == {"official_statistics"}


def test_every_source_is_graded_with_a_reason_and_cited_cleanly(ref):
    grades = set(ref.grades["grade"])
    assert set(ref.sources["grade"]) <= grades
    assert (ref.sources["grade_reason"].str.strip() != "").all()
    for record in ref.sources.to_dict("records"):
        assert curator_notes_in(record["citation"]) == [], record["source_id"]


def test_each_row_carries_its_source_grade(table, ref):
    first = table["source_id"].str.split(";").str[0]
    assert (table["grade"] == first.map(ref.grade_of)).all()


# ------------------------------------------------------------------ the cases a new user found


def test_news_sites_are_not_rated_official_and_the_document_is_cited(table, ref):
    lt = fig(table, country="LT", period_start=2024, indicator="victims", breakdown="total", unit="persons")
    best = lt[lt["preferred"]].iloc[0]
    assert best["source_id"] == "NAT_LT_OMBUDSMAN_2025" and best["grade"] == "official_publication"
    assert ref.grade_of("LT_OMB_TV3_2025") == "news_citing_official"
    reports = dict(zip(ref.sources["source_id"], ref.sources["reports_on"]))
    assert reports["LT_OMB_TV3_2025"] == "NAT_LT_OMBUDSMAN_2025"


def test_weak_population_sources_are_never_behind_a_rate(table, ref):
    for weak in ("EE_WIKI_RAHVASTIK", "LV_RIA24_2020", "EE_STAT_EN_2022"):
        assert ref.grade_of(weak) in {"secondary", "tertiary"}
        assert not table["source_id"].str.endswith(";" + weak).any()


def test_the_eu_benchmark_comes_from_eurostat_or_the_commission(table, ref):
    eu = fig(table, country="EU27", indicator="victims", breakdown="total", unit="per_million")
    shown = eu[eu["preferred"] & eu["grade"].isin(ref.official_grades)]
    assert not shown.empty
    for ids in shown["source_id"]:
        assert all(ref.grade_of(s) == "official_statistics" for s in ids.split(";"))
    assert set(shown["period_start"]) <= set(range(2020, 2030))  # EU27_2020 composition only
    havocscope = fig(table, country="EU27", period_start=2010, indicator="victims", source_id="SEC_HAVOCSCOPE_2013")
    assert not havocscope.empty and set(havocscope["grade"]) == {"secondary"}


def test_overlapping_convictions_by_form_are_flagged_not_summed(table):
    lt = fig(table, country="LT", period_start=2015, indicator="convicted", breakdown="exploitation", unit="persons")
    assert set(lt.loc[lt["preferred"], "category"]) == {"labour", "sexual"}
    assert lt["flags"].str.contains("overlapping_categories").all()


def test_lv_2018_forms_come_from_one_source(table):
    lv = fig(table, country="LV", period_start=2018, indicator="victims", breakdown="exploitation", unit="persons")
    assert set(lv.loc[lv["preferred"], "source_id"]) == {"UNODC_GLOTIP_2025"}
    marriage = fig(lv, category="marriage")
    assert not marriage.empty and not marriage["preferred"].any()  # UNODC's 'other' already holds it


def test_lv_2020_sets_that_exceed_the_total_are_not_used(table):
    sex = fig(table, country="LV", period_start=2020, indicator="victims", breakdown="sex", unit="persons")
    assert not sex["preferred"].any() and sex["flags"].str.contains("breakdown_exceeds_total").all()
    cit = fig(
        table, country="LV", period_start=2020, indicator="victims", breakdown="citizenship_country", unit="persons"
    )
    chosen = cit[cit["preferred"]]
    assert set(chosen["source_id"]) == {"LV_IEM_CT_2020"} and chosen["value"].sum() == 48


def test_one_key_per_figure(table):
    lv = fig(table, country="LV", period_start=2017, indicator="victims", category="LV", unit="persons")
    assert set(lv["breakdown"]) == {"citizenship_country"} and set(lv["value"]) == {18, 23}
    assert lv["flags"].str.contains("conflict").all()
    ee = fig(table, country="EE", period_start=2017, indicator="offences_thb_related", category="s175_minors")
    assert set(ee["unit"]) == {"offences"} and ee["preferred"].sum() == 1


def test_newer_figures_stay_visible_but_are_not_headlines(table):
    lv = fig(table, country="LV", period_start=2024, indicator="victims", breakdown="total", unit="persons")
    assert list(lv["value"]) == [38] and not lv["preferred"].any()
    assert "low_confidence" in lv["flags"].iloc[0]


def test_series_breaks_are_marked(table):
    for country, year, indicator in (("EE", 2012, "victims"), ("EE", 2022, "victims"), ("LV", 2019, "victims")):
        rows = fig(table, country=country, period_start=year, indicator=indicator, breakdown="total", unit="persons")
        assert rows["flags"].str.contains("series_break").all(), (country, year)


# ------------------------------------------------------------------ the rules, on synthetic figures


def test_the_set_that_reconciles_with_the_total_is_chosen_whole(tree):
    tree.glotip += [
        glotip_row("LV", 2020, "Detected trafficking victims", "Total", "Total", 48, row=24),
        glotip_row("LV", 2020, "Detected trafficking victims", "by citizenship", "Latvian", 30, row=25),
        glotip_row("LV", 2020, "Detected trafficking victims", "by citizenship", "Tajiki", 20, row=26),
    ]
    tree.research["national.csv"] += [
        research_row("LV", 2020, "identified_victims", "citizenship", "latvia", 28, "SYN_MINISTRY"),
        research_row("LV", 2020, "identified_victims", "citizenship", "tajikistan", 20, "SYN_MINISTRY"),
    ]
    t = harmonise(tree.write()).table
    chosen = t[(t["breakdown"] == "citizenship_country") & t["preferred"]]
    assert set(chosen["source_id"]) == {"SYN_MINISTRY"} and chosen["value"].sum() == 48


def test_a_category_from_another_source_never_joins_the_set(tree):
    tree.glotip += [
        glotip_row("LV", 2018, "Detected trafficking victims", "Total", "Total", 23, row=1),
        glotip_row("LV", 2018, "Detected trafficking victims", "by form of exploitation", "Forced labour", 11, row=2),
        glotip_row(
            "LV",
            2018,
            "Detected trafficking victims",
            "by form of exploitation",
            "Other forms of exploitation",
            6,
            row=3,
        ),
        glotip_row(
            "LV", 2018, "Detected trafficking victims", "by form of exploitation", "Sexual exploitation", 6, row=4
        ),
    ]
    tree.research["national.csv"] += [
        research_row("LV", 2018, "identified_victims", "exploitation", "sham_marriage", 5, "SYN_NEWS")
    ]
    t = harmonise(tree.write()).table
    forms = t[(t["breakdown"] == "exploitation") & t["preferred"]]
    assert set(forms["source_id"]) == {"SYN_UNODC"} and "marriage" not in set(forms["category"])


def test_own_nationals_are_spelled_as_the_country_code(tree):
    tree.research["national.csv"].append(
        research_row("LV", 2017, "identified_victims", "citizenship", "latvian_citizens", 18, "SYN_MINISTRY")
    )
    t = harmonise(tree.write()).table
    row = t[t["indicator"] == "victims"].iloc[0]
    assert (row["breakdown"], row["category"]) == ("citizenship_country", "LV")


def test_unit_synonyms_merge_into_one_key(tree):
    tree.research["national.csv"] += [
        research_row(
            "EE", 2017, "registered_offences", "penal_code_section", "s175_minors", 67, "SYN_MINISTRY", unit="offences"
        ),
        research_row(
            "EE", 2017, "registered_offences", "penal_code_section", "s175_minors", 67, "SYN_NEWS", unit="cases"
        ),
    ]
    t = harmonise(tree.write()).table
    assert set(t["unit"]) == {"offences"} and t["preferred"].sum() == 1


def test_clean_citation_drops_curator_notes():
    record = {
        "publisher": "delfi.lv, citing CSB",
        "title": "Population (title reconstructed from URL slug)",
        "date_published": "2023 (inferred)",
        "url": "https://example.org/x",
    }
    text = clean_citation(record)
    assert text == "delfi.lv, citing CSB (2023). Population. https://example.org/x"
    assert curator_notes_in(text) == []
    assert curator_notes_in("Copy read is TRUNCATED (LOW CONFIDENCE)") != []


def test_research_additions_are_added_once_with_a_grade_to_review(tree, tmp_path):
    from etl.research_import import add_research
    from tests.etl.conftest import write_csv

    tree.research["national.csv"].append(research_row("EE", 2019, "population", "total", "all", 1300000, "SYN_STATS"))
    paths = tree.write()
    folder = tmp_path / "additions"
    write_csv(
        folder / "2026-11-30_figures.csv",
        [
            "family",
            "country",
            "year",
            "indicator",
            "dimension",
            "category",
            "value",
            "unit",
            "source_id",
            "location",
            "quote",
        ],
        [
            [
                "national",
                "EE",
                "2020",
                "population",
                "total",
                "all",
                "1310000",
                "persons",
                "SYN_NEW_NEWS",
                "para 1",
                "synthetic quote, never imported",
            ]
        ],
    )
    write_csv(
        folder / "2026-11-30_sources.csv",
        ["source_id", "family", "title", "publisher", "year_published", "url", "notes", "aliases"],
        [
            [
                "SYN_NEW_NEWS",
                "national",
                "Synthetic news (fake)",
                "Synthetic outlet, citing the office",
                "2024 (inferred)",
                "",
                "NEWS citing the office",
                "",
            ]
        ],
    )
    first = add_research(folder, paths, accessed="2026-11-30")
    again = add_research(folder, paths, accessed="2026-11-30")
    assert first == {"national.csv": 1, "sources.csv": 1} and again == {"national.csv": 0, "sources.csv": 0}
    sources = pd.read_csv(paths.sources, dtype=str, keep_default_na=False).set_index("source_id")
    assert sources.at["SYN_NEW_NEWS", "grade"] == "news_citing_official"
    assert "review" in sources.at["SYN_NEW_NEWS", "grade_reason"]
    assert (
        sources.at["SYN_NEW_NEWS", "citation"] == "Synthetic outlet, citing the office (2024). Synthetic news (fake)."
    )
    raw = (paths.raw / "national.csv").read_text()
    assert "synthetic quote" not in raw  # quotes stay out of the project
    harmonise(paths)  # the added rows and source build


# Official-grade sources whose publisher line says they were read in a copy or a republication: each one
# reviewed (an unmodified Eurostat file, a verbatim press release, an EU institution's page). A new source
# of this kind must be reviewed and added here, or graded by what it is (a news report).
REVIEWED_COPIES = {
    "EUROSTAT_TPS00001_SNAP2016",
    "EUROSTAT_TPS00001_SNAP2017",
    "EUROSTAT_TPS00001_SNAP2020",
    "EUROSTAT_TPS00001_SNAP2021",
    "EUROSTAT_TPS00001_SNAP2022",
    "EUROSTAT_TPS00001_SNAP2023",
    "GRETA_LT3_PR",
    "NAT_LT_OMBUDSMAN_2025",
    "TIP2015_EE_AASSONE",
}


def test_no_source_is_graded_official_for_whom_it_quotes(ref):
    """A general check, not a list of the cases found: an official grade for a document that says it
    quotes, cites or reports someone else is a news report unless reviewed."""
    official = ref.sources[ref.sources["grade"].isin(ref.official_grades)]
    says_quoted = official[
        official["publisher"].str.contains(
            r"citing|quoting|reporting|\bvia\b|republish|copy|hosted|summaris", case=False, regex=True
        )
    ]
    assert set(says_quoted["source_id"]) <= REVIEWED_COPIES, sorted(set(says_quoted["source_id"]) - REVIEWED_COPIES)
