"""Quotable to the last digit: what stands beside a number is as right as the number (issue 25).

One rule a section, each checked on the committed dataset and, where the build enforces it, on a synthetic
tree (tests/etl/conftest.py: every number there is made up) where the defect is reintroduced and refused.
"""

from __future__ import annotations

import pandas as pd
import pytest

from components.core.style import fmt_number, round_half_up, withheld_text
from etl import invariants
from etl.build import harmonise
from etl.errors import BuildError
from etl.hosts import CITABLE_KINDS, Hosts, host_of
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


def rows(t, **where):
    mask = pd.Series(True, index=t.index)
    for column, value in where.items():
        mask &= t[column] == value
    return t[mask]


def source(sid, grade="official_statistics", url="", publisher=None, title=None, citation=None, copy=("", "", "")):
    """A synthetic origin record in SOURCE_COLUMNS order."""
    return [
        sid,
        "national",
        grade,
        "synthetic grade",
        "",
        publisher or f"Synthetic publisher {sid}",
        title or f"Synthetic document {sid}",
        url,
        "2024",
        "2026-11-28",
        "synthetic",
        citation or f"Synthetic citation {sid}",
        *copy,
        "",
    ]


# ------------------------------------------------------------------ 1. citations name the publisher


def test_no_citation_line_names_a_copy_host_or_a_curator_note(ref):
    from etl.citation import curator_notes_in

    hosts = Hosts(ref.hosts)
    for r in ref.sources.to_dict("records"):
        for field in ("publisher", "title", "citation"):
            assert hosts.named_in(r[field]) == [], (r["source_id"], field, r[field])
            assert curator_notes_in(r[field]) == [], (r["source_id"], field, r[field])


def test_population_citations_name_eurostat_and_keep_the_copy_as_provenance(ref, table):
    src = ref.sources.set_index("source_id")
    copies = src[src.index.str.startswith("EUROSTAT_TPS00001_SNAP")]
    assert len(copies) == 6
    for _sid, r in copies.iterrows():
        assert r["publisher"] == "Eurostat" and "tps00001" in r["title"] and "release" in r["title"]
        assert host_of(r["url"]) == "ec.europa.eu" and "github" not in r["citation"].lower()
        assert host_of(r["copy_url"]) == "github.com" and r["copy_kind"] == "data_copy" and r["copy_note"]
    # every preferred rate's population cites the publisher (2,434 of 2,504 rested on these copies)
    rates = table[table["preferred"] & table["flags"].str.contains("derived_rate")]
    pops = {sid.split(";")[-1] for sid in rates["source_id"]}
    assert all(
        host_of(src.at[p, "url"])
        in ("ec.europa.eu", "www.stat.ee", "stat.ee", "osp.stat.gov.lt", "stat.gov.lv", "www.csp.gov.lv")
        or src.at[p, "url"] == ""
        for p in pops
    )


def test_the_source_line_of_a_rate_reads_eurostat_not_a_repository(table):
    from components.core.cite import source_line

    sources = pd.read_csv(DEFAULT_PATHS.sources, dtype=str, keep_default_na=False)
    rate = rows(
        table,
        country="LT",
        period_start=2022,
        period_end=2022,
        indicator="victims",
        breakdown="total",
        unit="per_million",
        preferred=True,
    ).iloc[0]
    line = source_line(rate["source_id"].split(";"), sources)
    assert "Eurostat: Population on 1 January (tps00001), 2023 release" in line
    assert "GitHub" not in line and "Climate" not in line and "repository" not in line


@pytest.mark.parametrize(
    "record, says",
    [
        (source("SYN_COPY", url="https://github.com/someone/repo/blob/abc/tps00001.tsv"), "host 'github.com'"),
        (source("SYN_COPY", grade="secondary", publisher="Eurostat; copy stored in GitHub repository x/y"), "names"),
        (source("SYN_COPY", title="Report [2012 edition, year inferred]"), "curator notes"),
        (
            source(
                "SYN_COPY", grade="international_monitoring", copy=("https://statenewswire.com/x", "reprint", "wire")
            ),
            "reprint",
        ),
        (source("SYN_COPY", url="https://www.example-news.test/a"), "not listed"),
        (source("SYN_COPY", copy=("https://github.com/x", "", "")), "go together"),
    ],
)
def test_the_build_refuses_a_citation_that_names_a_copy(tree, record, says):
    tree.sources.append(record)
    with pytest.raises(BuildError) as err:
        harmonise(tree.write())
    assert says in str(err.value)


def test_a_copy_kept_as_provenance_is_accepted(tree):
    tree.sources.append(
        source(
            "SYN_COPY",
            url="https://ec.europa.eu/eurostat/databrowser/view/tps00001/default/table",
            copy=("https://github.com/x/y/blob/1/tps00001.tsv", "data_copy", "synthetic copy"),
        )
    )
    harmonise(tree.write())  # no error


def test_a_new_research_source_read_on_a_copy_is_not_graded_official(tmp_path):
    from etl.research_import import new_record

    hosts = Hosts(load_reference(DEFAULT_PATHS).hosts)
    rec = {
        "source_id": "EUROSTAT_SYN",
        "family": "eurostat",
        "publisher": "Eurostat",
        "title": "Synthetic table",
        "url": "https://github.com/x/y/blob/1/t.tsv",
        "year_published": "2024",
        "notes": "OFFICIAL synthetic",
    }
    out = new_record(rec, hosts, "2026-12-01")
    assert out["grade"] == "secondary" and out["url"] == "" and out["copy_url"] == rec["url"]
    assert "github" not in out["citation"]


# ------------------------------------------------------------------ 2. comparable or said not to be


def test_the_estonian_break_is_flagged_on_every_row_before_it(table):
    before = table[
        (table["country"] == "EE") & table["indicator"].isin(["victims", "convicted"]) & (table["period_end"] < 2012)
    ]
    assert len(before) > 40
    assert before["flags"].str.contains("definition_differs").all()
    assert before["note"].str.contains("Before 2012").all()
    victims = rows(table, country="EE", indicator="victims", breakdown="total", unit="persons", preferred=True)
    assert victims.set_index("period_start").loc[2008:2011, "value"].tolist() == [55, 78, 57, 61]
    assert "definition_differs" not in rows(victims, period_start=2012).iloc[0]["flags"]
    assert "series_break" in rows(victims, period_start=2012).iloc[0]["flags"]


def test_estonia_2022_is_flagged_as_counting_presumed_victims(table):
    e = rows(table, country="EE", indicator="victims", period_start=2022)
    assert e["flags"].str.contains("definition_differs").all()
    assert e["note"].str.contains("presumed victims").all()


def test_definition_spans_invariant_holds(table, ref):
    assert invariants.definition_spans_unflagged(table, ref.series_breaks) == []
    broken = table.copy()
    i = broken.index[(broken["country"] == "EE") & (broken["period_start"] == 2009)][0]
    broken.at[i, "flags"] = ""
    assert invariants.definition_spans_unflagged(broken, ref.series_breaks)


def _break(year, kind="definition", start="", end="", note="Synthetic: counts something else."):
    return [
        "EE",
        "victims",
        str(year),
        "series_break",
        kind,
        "Synthetic break note.",
        "SYN_MINISTRY",
        start,
        end,
        note if kind == "definition" else "",
    ]


def test_a_definition_break_flags_every_row_of_the_years_it_qualifies(tree):
    tree.series_breaks.append(_break(2012, end="2011"))
    for year, value in ((2010, 9), (2011, 8), (2012, 4), (2013, 5)):
        tree.glotip.append(glotip_row("EE", year, "Detected trafficking victims", "Total", "Total", value, row=year))
        tree.glotip.append(
            glotip_row("EE", year, "Detected trafficking victims", "Total", "Total", 3, sex="Female", row=year + 100)
        )
    table = harmonise(tree.write()).table
    before = table[table["period_end"] <= 2011]
    assert len(before) == 4 and before["flags"].str.contains("definition_differs").all()  # totals and by sex
    assert before["note"].str.contains("Synthetic: counts something else.").all()
    assert not rows(table, period_start=2012)["flags"].str.contains("definition_differs").any()
    assert rows(table, period_start=2012, breakdown="total")["flags"].str.contains("series_break").all()


@pytest.mark.parametrize(
    "record",
    [
        _break(2012),
        _break(2012, end="2009"),
        _break(2012, start="2013"),
        _break(2012, end="2011", note=""),
        _break(2012, kind="typo"),
    ],
)
def test_a_definition_break_must_name_the_years_it_qualifies(tree, record):
    tree.series_breaks.append(record)
    with pytest.raises(BuildError):
        harmonise(tree.write())


# ------------------------------------------------------------------ 3. grades by where a document was read


def test_official_grades_live_on_a_publishers_host(ref):
    hosts = Hosts(ref.hosts)
    official = ref.official_grades
    for r in ref.sources.to_dict("records"):
        if r["grade"] in official and r["url"]:
            assert hosts.kind_of_url(r["url"]) in CITABLE_KINDS, (r["source_id"], r["url"])
        for field in ("url",):  # news, aggregators, sharing sites and code hosts: never an official grade
            if hosts.kind_of_url(r[field]) in ("news", "aggregator", "document_sharing", "code_hosting"):
                assert r["grade"] not in official, r["source_id"]


def test_reprints_are_graded_below_the_original(ref):
    src = ref.sources.set_index("source_id")
    for sid in ("TIP2015_EE_AASSONE", "TIP2023_EE_SNW", "TIP2023_LT_SNW", "TIP2023_LV_SNW", "GRETA_LT3_PR"):
        assert src.at[sid, "copy_kind"] == "reprint" and src.at[sid, "grade"] not in ref.official_grades, sid
        assert src.at[sid, "grade_reason"]


# ------------------------------------------------------------------ 4. contradictions demote


def test_the_eu_2019_2020_secondary_rate_is_flagged_and_not_preferred(table):
    r = rows(table, country="EU27", period_start=2019, period_end=2020, indicator="victims", unit="per_million")
    assert len(r) == 1 and not r.iloc[0]["preferred"]
    assert "contradicts_official" in r.iloc[0]["flags"] and "conflict" in r.iloc[0]["flags"]


def test_no_preferred_unofficial_figure_contradicts_an_official_one(table):
    assert not table[table["preferred"]]["flags"].str.contains("contradicts_official").any()


def test_a_contradicting_secondary_figure_is_demoted(tree):
    tree.glotip += [
        glotip_row("LV", 2019, "Detected trafficking victims", "Total", "Total", 30, row=1),
        glotip_row("LV", 2020, "Detected trafficking victims", "Total", "Total", 40, row=2),
    ]
    tree.sources.append(source("SYN_BLOG", grade="secondary"))
    tree.research["secondary.csv"] += [
        research_row("LV", "2019-2020", "identified_victims", "total", "all", 20, "SYN_BLOG"),  # below 40: wrong
        research_row("LV", "2021-2022", "identified_victims", "total", "all", 90, "SYN_BLOG"),  # no official: kept
    ]
    table = harmonise(tree.write()).table
    wrong = rows(table, country="LV", period_start=2019, period_end=2020, unit="persons").iloc[0]
    assert "contradicts_official" in wrong["flags"] and not wrong["preferred"]
    kept = rows(table, country="LV", period_start=2021, period_end=2022, unit="persons").iloc[0]
    assert "contradicts_official" not in kept["flags"] and kept["preferred"]


def test_a_secondary_figure_within_the_tolerance_is_not_a_contradiction(tree):
    tree.glotip.append(glotip_row("LV", 2020, "Detected trafficking victims", "Total", "Total", 40, row=2))
    tree.sources.append(source("SYN_BLOG", grade="secondary"))
    tree.research["secondary.csv"].append(
        research_row("LV", 2020, "identified_victims", "total", "all", 43, "SYN_BLOG")
    )
    table = harmonise(tree.write()).table
    blog = rows(table, country="LV", period_start=2020, unit="persons", source_id="SYN_BLOG").iloc[0]
    assert "contradicts_official" not in blog["flags"] and "conflict" in blog["flags"]


# ------------------------------------------------------------------ 5. numbers as statistics offices write them


@pytest.mark.parametrize(
    "value, unit, shown",
    [
        (5.35, "per_million", "5.4"),
        (3.95, "per_million", "4.0"),
        (0.05, "per_million", "0.1"),
        (2.675, "per_100k", "2.7"),
        (-0.25, "index", "-0.3"),
        (1314870, "persons", "1,314,870"),
        (24.45, "percent", "24.5 %"),
    ],
)
def test_one_function_rounds_half_up_on_the_decimal_value(value, unit, shown):
    assert fmt_number(value, unit) == shown


def test_half_up_in_every_language():
    from components.core import i18n

    i18n.use("lv")
    try:
        assert fmt_number(5.35, "per_million") == "5,4" and fmt_number(3.95, "per_million") == "4,0"
    finally:
        i18n.use("en")


def test_every_rate_shown_is_the_exact_rate_rounded_once(table):
    """Recompute every preferred computed rate from its count and its population, as an auditor would: the
    digit shown is the exact rate rounded half up (5.3457 -> 5.3, never 5.35 -> 5.4)."""
    t = table
    pop = t[(t["indicator"] == "population") & (t["breakdown"] == "total") & t["preferred"]]
    population = {(c, int(y)): float(v) for c, y, v in zip(pop["country"], pop["period_start"], pop["value"])}
    rates = t[
        t["preferred"] & t["flags"].str.contains("derived_rate") & (t["unit"] == "per_million") & t["value"].notna()
    ]
    counts = t[t["unit"] == "persons"].set_index(
        ["country", "period_start", "period_end", "indicator", "breakdown", "category", "source_id"]
    )["value"]
    checked = 0
    for r in rates.itertuples():
        count = counts.get(
            (r.country, r.period_start, r.period_end, r.indicator, r.breakdown, r.category, r.source_id.split(";")[0])
        )
        if isinstance(count, pd.Series):
            count = count.iloc[0]
        exact = float(count) / population[(r.country, r.period_start)] * 1_000_000
        assert fmt_number(r.value, "per_million") == fmt_number(exact, "per_million"), (r, exact)
        checked += 1
    assert checked > 500
    lt = rows(
        t, country="LT", period_start=2022, indicator="victims", breakdown="total", unit="per_million", preferred=True
    ).iloc[0]
    assert fmt_number(lt["value"], "per_million") == "5.3" == str(round_half_up(15 / 2_805_998 * 1e6, 1))


def test_a_withheld_count_is_never_written_under_five_in_a_rate():
    assert withheld_text("per_million", 0.5176, 2.0704) == "0.5–2.1"
    assert withheld_text("persons") == "<5"


# ------------------------------------------------------------------ 6. the report lists every rule's findings


def test_the_report_lists_each_rule():
    from etl.report import report

    text = report(DEFAULT_PATHS)
    for heading in (
        "1. Citations name the publisher",
        "2. Grades by where a document was read",
        "3. Definition differs",
        "4. Contradictions",
        "5. Rounding",
    ):
        assert heading in text
    assert "0 citation line(s) name a code host" in text
    assert "0 differ" in text  # Eurostat copies equal the statistics offices' own values
