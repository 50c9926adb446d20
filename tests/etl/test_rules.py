"""Mapping, precedence, rates and flags on synthetic figures (all numbers invented)."""

from __future__ import annotations

import pytest

from etl.build import harmonise
from etl.errors import BuildError
from etl.periods import parse_period
from tests.etl.conftest import glotip_row, research_row


def rows(table, **where):
    mask = True
    for column, value in where.items():
        mask = mask & (table[column] == value)
    return table[mask]


def one(table, **where):
    found = rows(table, **where)
    assert len(found) == 1, found
    return found.iloc[0]


@pytest.mark.parametrize(
    "label, expected",
    [
        ("2020", (2020, 2020)),
        ("2012-2016", (2012, 2016)),
        ("2013-08/2015-12", (2013, 2015)),
        ("2012-01/05", (2012, 2012)),
        ("2025-06", (2025, 2025)),
    ],
)
def test_periods_keep_their_span(label, expected):
    assert parse_period(label) == expected


@pytest.mark.parametrize("label", ["20x0", "2016-2012", "", "last year"])
def test_unreadable_periods_are_refused(label):
    with pytest.raises(ValueError):
        parse_period(label)


def test_research_wording_maps_through_the_tables(tree):
    tree.research["national.csv"] += [
        research_row("LV", 2020, "identified_victims", "sex", "female", 11, "SYN_MINISTRY"),
        research_row("LV", 2020, "identified_victims", "citizenship", "uzbekistan", 3, "SYN_MINISTRY"),
        research_row("LV", 2020, "identified_victims", "exploitation", "forced_sham_marriage", 2, "SYN_MINISTRY"),
        research_row("LV", 2020, "hotline_contacts", "total", "all", 99, "SYN_MINISTRY"),
        research_row("LV", 2020, "population", "total", "all", "1.9", "SYN_STATS", unit="million persons"),
        research_row("LV", "2012-2016", "identified_victims", "total", "all", 50, "SYN_MINISTRY"),
    ]
    result = harmonise(tree.write())
    table = result.table
    assert one(table, indicator="victims", breakdown="sex", unit="persons")["category"] == "female"
    assert one(table, indicator="victims", breakdown="citizenship_country", unit="persons")["category"] == "UZ"
    assert one(table, indicator="victims", breakdown="exploitation", unit="persons")["category"] == "marriage"
    population = one(table, indicator="population")
    assert population["value"] == 1_900_000 and "rounded" in population["flags"]
    multi = one(table, indicator="victims", breakdown="total", unit="persons")
    assert (multi["period_start"], multi["period_end"], multi["period_label"]) == (2012, 2016, "2012-2016")
    assert "multi_year" in multi["flags"]
    assert [e.reason for e in result.excluded] == ["Hotline contacts are not victims."]
    assert rows(table, indicator="hotline_contacts").empty


def test_glotip_wording_sex_age_forms_and_demonyms(tree):
    tree.glotip += [
        glotip_row("LT", 2021, "Detected trafficking victims", "Total", "Total", 20, row=4),
        glotip_row(
            "LT", 2021, "Detected trafficking victims", "Total", "Total", 6, sex="Female", age="0 to 17 years", row=5
        ),
        glotip_row(
            "LT",
            2021,
            "Detected trafficking victims",
            "by form of exploitation",
            "Forced labour",
            "<5",
            sex="Male",
            age="18 years or over",
            row=6,
        ),
        glotip_row("LT", 2021, "Detected trafficking victims", "by citizenship", "Uzbecki", 7, row=7),
        glotip_row("LT", 2021, "Detected trafficking victims", "by citizenship", "Nationals", 9, row=8),
    ]
    table = harmonise(tree.write()).table
    counts = rows(table, unit="persons")
    assert one(counts, breakdown="sex_age")["category"] == "female_child"
    form = one(counts, breakdown="exploitation_sex_age")
    assert form["category"] == "labour.male_adult"
    assert form["suppressed"] and (form["value_low"], form["value_high"]) == (1, 4)
    assert form["value"] != form["value"]  # NaN: a suppressed count has no value, never 0
    assert set(rows(counts, breakdown="citizenship_country")["category"]) == {"UZ", "LT"}


def test_unmapped_wording_fails_the_build_naming_file_and_line(tree):
    tree.research["national.csv"] += [
        research_row("EE", 2020, "identified_victims", "total", "all", 3, "SYN_MINISTRY"),
        research_row("EE", 2020, "brand_new_indicator", "total", "all", 3, "SYN_MINISTRY"),
    ]
    with pytest.raises(BuildError) as caught:
        harmonise(tree.write())
    assert "national.csv line 3" in str(caught.value)
    assert "brand_new_indicator" in str(caught.value)


def test_precedence_official_collection_over_national_over_tip(tree):
    tree.glotip.append(glotip_row("LT", 2018, "Detected trafficking victims", "Total", "Total", 44))
    tree.research["us_tip.csv"].append(research_row("LT", 2018, "identified_victims", "total", "all", 58, "SYN_TIP"))
    tree.research["national.csv"].append(research_row("LT", 2019, "identified_victims", "total", "all", 36, "SYN_NEWS"))
    tree.research["us_tip.csv"].append(research_row("LT", 2019, "identified_victims", "total", "all", 35, "SYN_TIP"))
    tree.research["national.csv"].append(
        research_row("LT", 2019, "identified_victims", "total", "all", 37, "SYN_MINISTRY")
    )
    table = harmonise(tree.write()).table
    y2018 = rows(table, indicator="victims", unit="persons", period_start=2018)
    assert y2018.loc[y2018["preferred"], "source_id"].tolist() == ["SYN_UNODC"]
    assert y2018["flags"].str.contains("conflict").all()
    y2019 = rows(table, indicator="victims", unit="persons", period_start=2019)
    assert y2019.loc[y2019["preferred"], "source_id"].tolist() == ["SYN_MINISTRY"]
    assert len(y2019) == 3  # every value is kept


def test_population_official_first_then_newest_and_overrides_apply(tree):
    tree.research["national.csv"] += [
        research_row("EE", 2019, "population", "total", "all", 1300000, "SYN_STATS", status="preliminary"),
        research_row("EE", 2019, "population", "total", "all", 1301000, "SYN_WIKI", status="refined"),
        research_row("EE", 2020, "population", "total", "all", 1310000, "SYN_NEWS"),
        research_row("EE", 2020, "population", "total", "all", 1311000, "SYN_WIKI"),
    ]
    paths = tree.write()
    from tests.etl.conftest import write_csv

    write_csv(
        paths.mapping / "precedence_overrides.csv",
        [
            "country",
            "period_start",
            "period_end",
            "indicator",
            "breakdown",
            "category",
            "unit",
            "preferred_source_id",
            "why",
        ],
        [["EE", 2020, 2020, "population", "total", "total", "persons", "SYN_WIKI", "synthetic reason"]],
    )
    table = harmonise(paths).table
    preferred = rows(table, indicator="population", preferred=True).set_index("period_start")["source_id"]
    # 2019: the official statistic beats the tertiary page even though that one says "refined"
    assert preferred.to_dict() == {2019: "SYN_STATS", 2020: "SYN_WIKI"}
    assert "synthetic reason" in one(table, indicator="population", period_start=2020, preferred=True)["note"]


def test_no_rate_from_a_population_below_official_grade(tree):
    tree.glotip += [
        glotip_row("EE", 2019, "Detected trafficking victims", "Total", "Total", 13, row=40),
        glotip_row("EE", 2020, "Detected trafficking victims", "Total", "Total", 13, row=41),
    ]
    tree.research["national.csv"] += [
        research_row("EE", 2019, "population", "total", "all", 1300000, "SYN_STATS"),
        research_row("EE", 2020, "population", "total", "all", 1311000, "SYN_WIKI"),
    ]
    result = harmonise(tree.write())
    rates = rows(result.table, indicator="victims", unit="per_million")
    assert set(rates["period_start"]) == {2019}
    assert [(g.country, g.year, g.indicator) for g in result.rate_gaps] == [("EE", 2020, "victims")]
    assert "tertiary" in result.rate_gaps[0].why


def test_suppressed_count_and_a_number_inside_its_range_do_not_conflict(tree):
    tree.glotip.append(glotip_row("EE", 2014, "Persons convicted", "Total", "Total", "<5"))
    tree.research["us_tip.csv"].append(research_row("EE", 2014, "convicted_persons", "total", "all", 4, "SYN_TIP"))
    tree.glotip.append(glotip_row("EE", 2011, "Persons convicted", "Total", "Total", "<5", row=101))
    tree.research["us_tip.csv"].append(research_row("EE", 2011, "convicted_persons", "total", "all", 0, "SYN_TIP"))
    table = harmonise(tree.write()).table
    convicted = rows(table, indicator="convicted", unit="persons")
    assert not convicted[convicted["period_start"] == 2014]["flags"].str.contains("conflict").any()
    assert convicted[convicted["period_start"] == 2011]["flags"].str.contains("conflict").all()
    assert one(convicted, period_start=2014, preferred=True)["source_id"] == "SYN_UNODC"


def test_rates_per_million_cite_count_and_population(tree):
    tree.glotip += [
        glotip_row("EE", 2020, "Detected trafficking victims", "Total", "Total", 5, row=10),
        glotip_row("EE", 2021, "Detected trafficking victims", "Total", "Total", "<5", row=11),
    ]
    tree.research["national.csv"] += [
        research_row("EE", 2020, "population", "total", "all", 1250000, "SYN_STATS", location="table P"),
        research_row("EE", 2021, "population", "total", "all", 1000000, "SYN_STATS", location="table P"),
    ]
    table = harmonise(tree.write()).table
    rate = one(table, indicator="victims", unit="per_million", period_start=2020)
    assert rate["value"] == 4.0
    assert rate["source_id"] == "SYN_UNODC;SYN_STATS"
    assert "table P" in rate["source_location"] and "derived_rate" in rate["flags"]
    assert one(table, indicator="victims", unit="per_100k", period_start=2020)["value"] == 0.4
    suppressed = one(table, indicator="victims", unit="per_million", period_start=2021)
    assert suppressed["suppressed"] and (suppressed["value_low"], suppressed["value_high"]) == (1.0, 4.0)
    assert rows(table, indicator="population", unit="per_million").empty


def test_no_rate_without_a_population_figure(tree):
    tree.glotip.append(glotip_row("LT", 2003, "Detected trafficking victims", "Total", "Total", 8))
    table = harmonise(tree.write()).table
    assert rows(table, unit="per_million").empty


def test_breakdown_above_total_is_flagged_and_convictions_repeating_victims_are_not_used(tree):
    tree.glotip += [
        glotip_row("EE", 2021, "Persons convicted", "Total", "Total", "<5", row=20),
        glotip_row("EE", 2021, "Persons convicted", "by form of exploitation", "Sexual exploitation", 26, row=21),
        glotip_row("EE", 2021, "Detected trafficking victims", "Total", "Total", 35, row=22),
        glotip_row(
            "EE", 2021, "Detected trafficking victims", "by form of exploitation", "Sexual exploitation", 26, row=23
        ),
        glotip_row("LV", 2020, "Detected trafficking victims", "Total", "Total", 48, row=24),
        glotip_row("LV", 2020, "Detected trafficking victims", "by citizenship", "Latvian", 30, row=25),
        glotip_row("LV", 2020, "Detected trafficking victims", "by citizenship", "Tajiki", 20, row=26),
    ]
    table = harmonise(tree.write()).table
    wrong = one(table, indicator="convicted", breakdown="exploitation", unit="persons")
    assert {"breakdown_exceeds_total", "probable_source_error"} <= set(wrong["flags"].split(";"))
    assert not wrong["preferred"]
    citizenship = rows(table, country="LV", breakdown="citizenship_country", unit="persons")
    assert citizenship["flags"].str.contains("breakdown_exceeds_total").all()  # 30 + 20 > 48
    assert not citizenship["preferred"].any()  # the categories exclude each other: the set cannot be right


def test_repeated_unodc_key_is_kept_flagged_and_never_preferred(tree):
    tree.glotip += [
        glotip_row(
            "EE",
            2017,
            "Detected trafficking victims",
            "by form of exploitation",
            "Other forms of exploitation",
            "<5",
            row=30,
        ),
        glotip_row(
            "EE",
            2017,
            "Detected trafficking victims",
            "by form of exploitation",
            "Other forms of exploitation",
            6,
            row=31,
        ),
    ]
    table = harmonise(tree.write()).table
    other = rows(table, breakdown="exploitation", category="other", unit="persons")
    assert len(other) == 2
    assert other["flags"].str.contains("repeated_key_in_source").all()
    assert not other["preferred"].any()


def test_same_figure_twice_from_one_source_with_different_values_is_refused(tree):
    tree.research["national.csv"] += [
        research_row("LV", 2017, "identified_victims", "total", "all", 20, "SYN_MINISTRY"),
        research_row("LV", 2017, "identified_victims", "total", "all", 21, "SYN_MINISTRY"),
    ]
    with pytest.raises(BuildError, match="different values"):
        harmonise(tree.write())


def test_tip_tier_period_is_the_report_year(tree):
    tree.research["us_tip.csv"].append(research_row("EE", 2018, "tip_tier", "total", "all", 1, "SYN_TIP", unit="tier"))
    tier = one(harmonise(tree.write()).table, indicator="tip_tier")
    assert tier["value"] == 1 and "report_year" in tier["flags"]


def test_low_confidence_figure_is_kept_but_never_preferred(tree):
    tree.sources.append(
        [
            "SYN_SHAKY",
            "national",
            "tertiary",
            "synthetic grade",
            "",
            "Synthetic aggregator",
            "Synthetic item",
            "",
            "2025",
            "2026-11-28",
            "synthetic",
            "Synthetic citation",
            "",
            "",
            "",
            "TERTIARY, LOW CONFIDENCE. Truncated text.",
        ]
    )
    tree.research["national.csv"].append(
        research_row("LV", 2024, "identified_victims", "total", "all", 38, "SYN_SHAKY")
    )
    figure = one(harmonise(tree.write()).table, indicator="victims", unit="persons")
    assert "low_confidence" in figure["flags"] and not figure["preferred"]
