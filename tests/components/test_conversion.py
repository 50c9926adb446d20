"""Issue 13: the justice chain answers "how many victims end in a conviction": convictions per 100
registered victims, totals over the latest five years with official figures for both, computed in the build
(components.core.queries.conversion), shown under each country's panel, in the notes and in the CSV rows.

Expected totals are computed by hand from the SYNTHETIC fixture (tests/fixtures/make_synthetic.py: fake
numbers), official-grade preferred totals in persons:

    EE victims   2019 45, 2020 38, 2021 52, 2022 111, 2023 90          = 336
    EE convicted 2019 11, 2020 10, 2021 13, 2022 28,  2023 22          =  84   -> 84 / 336 × 100 = 25.0
    LV victims   2018 27, 2019 33, 2020 20, 2021 19, 2022 24           = 123   (2023: a news report only)
    LV convicted 2018 7,  2019 8,  2020 5,  2021 5,  2022 6            =  31   -> 31 / 123 × 100 = 25.2
    LT victims   2019 38, 2020 44, 2021 47, 2022 52, 2023 58           = 239   (2020: 44, the preferred of two)
    LT convicted 2019 10, 2020 11, 2021 12, 2022 13, 2023 14           =  60   -> 60 / 239 × 100 = 25.1
"""

from __future__ import annotations

import pandas as pd
import pytest

from components.builders import main_figure
from components.builders.page_rows import options_for
from components.core import queries as q
from components.view.state import ViewState
from etl.countries import BALTIC


def _by_country(conv: pd.DataFrame) -> dict:
    return {r["country"]: r for r in conv.to_dict("records")}


def test_latest_five_common_years(ds):
    c = _by_country(q.conversion(ds.table, ds.codebook, countries=BALTIC))
    ee, lv, lt = c["EE"], c["LV"], c["LT"]
    assert ee["years"] == (2019, 2020, 2021, 2022, 2023) and ee["status"] == "ok"
    assert (ee["convicted_low"], ee["convicted_high"], ee["victims_low"], ee["victims_high"]) == (84, 84, 336, 336)
    assert ee["ratio_low"] == ee["ratio_high"] == pytest.approx(25.0)
    # Latvia's 2023 victims come from a news report only: not official, so 2023 is not a common year
    assert lv["years"] == (2018, 2019, 2020, 2021, 2022)
    assert (lv["convicted_low"], lv["victims_low"]) == (31, 123)
    assert lv["ratio_low"] == pytest.approx(100 * 31 / 123)
    assert (lt["convicted_low"], lt["victims_low"]) == (60, 239)
    assert ee["short"] == "25 convictions per 100 victims, 2019–2023"
    assert ee["text"] == (
        "Estonia: 25 convictions per 100 registered victims (5-year totals, 2019–2023: "
        "84 persons convicted, 336 registered victims)."
    )


def test_a_suppressed_year_gives_a_range_never_a_number(ds):
    """EE 2013–2017: convicted 15, 12, 18, 6 and '<5' (2017) = 52 to 55; victims 61, 48, 70, 25, 18 = 222."""
    ee = _by_country(q.conversion(ds.table, ds.codebook, countries=["EE"], year_from=2013, year_to=2017))["EE"]
    assert ee["years"] == (2013, 2014, 2015, 2016, 2017) and ee["suppressed_years"] == (2017,)
    assert (ee["convicted_low"], ee["convicted_high"]) == (52, 55) and ee["victims_low"] == ee["victims_high"] == 222
    assert ee["ratio_low"] == pytest.approx(100 * 52 / 222) and ee["ratio_high"] == pytest.approx(100 * 55 / 222)
    assert ee["short"].startswith("23–25 convictions per 100 victims, 2013–2017")
    assert "52–55 persons convicted" in ee["text"] and "'<5' in 2017 counted as 1 to 4" in ee["text"]
    row = q.conversion_rows(pd.DataFrame([ee])).iloc[0]
    assert pd.isna(row["value"]) and (row["value_low"], row["value_high"]) == (23.4, 24.8)
    assert "suppressed_lt5_in_sum" in row["flags"]


def test_a_missing_year_is_skipped_and_fewer_years_are_said(ds):
    """LT 2013–2017: 2014 has '<5' victims and no conviction figure, so the common years are 2013, 2015, 2016,
    2017: convicted 11 + 8 + 12 + 14 = 45, victims 44 + 33 + 50 + 57 = 184."""
    lt = _by_country(q.conversion(ds.table, ds.codebook, countries=["LT"], year_from=2013, year_to=2017))["LT"]
    assert lt["years"] == (2013, 2015, 2016, 2017) and lt["status"] == "few_years"
    assert (lt["convicted_low"], lt["victims_low"]) == (45, 184)
    assert "only 4 years with official figures for both: 2013, 2015–2017" in lt["text"]
    assert lt["short"] == "24 convictions per 100 victims, 2013, 2015–2017 (4 years)"


def test_too_few_years_is_not_enough_data(ds):
    lv = _by_country(q.conversion(ds.table, ds.codebook, countries=["LV"], year_from=2021, year_to=2023))["LV"]
    assert lv["status"] == "not_enough" and lv["ratio_low"] is None
    assert lv["short"] == "Convictions per 100 victims: not enough data"
    assert "only 2 years" in lv["text"] and "at least 3 needed" in lv["text"]
    assert q.conversion_rows(pd.DataFrame([lv])).empty  # no number in the CSV for it


def test_counts_in_cases_are_not_divided_by_persons(ds):
    t = ds.table.copy()
    t.loc[(t["country"] == "LV") & (t["indicator"] == "convicted") & (t["unit"] == "persons"), "unit"] = "cases"
    lv = _by_country(q.conversion(t, ds.codebook, countries=["LV"]))["LV"]
    assert lv["status"] == "units" and lv["ratio_low"] is None
    assert "victims are counted in persons, convictions in cases" in lv["text"]


def test_years_text():
    assert q.years_text([2019, 2017, 2018, 2021]) == "2017–2019, 2021"
    assert q.years_text([2020]) == "2020"


def test_the_chain_figure_carries_the_ratio(ds):
    options = options_for(ds)
    fig = main_figure(ds, ViewState(page="trends", chart="chain"), options)
    assert any(n.startswith("Estonia: 25 convictions per 100 registered victims") for n in fig.notes)
    assert q.CONVERSION_CAVEAT in fig.notes
    # under each country's panel
    subtitles = [p["title"]["subtitle"] for p in fig.spec["vconcat"]]
    assert subtitles[:3] == [
        "25 convictions per 100 victims, 2019–2023",
        "25 convictions per 100 victims, 2018–2022",
        "25 convictions per 100 victims, 2019–2023",
    ]
    # in the rows (the CSV and the API): one derived row per country, with its years, sources and caveat
    ratios = fig.rows[fig.rows["indicator"] == q.CONVERSION].set_index("country")
    assert ratios.loc["EE", "value"] == 25.0 and ratios.loc["LV", "value"] == 25.2 and ratios.loc["LT", "value"] == 25.1
    assert ratios.loc["LV", "period_label"] == "2018-2022" and ratios.loc["LV", "unit"] == "per_100_victims"
    assert ratios.loc["EE", "source_id"] == "SYN_UNODC;SYN_NAT_EE" and (ratios["grade"] == "derived").all()
    assert all(q.CONVERSION_CAVEAT in n for n in ratios["note"])
    # the chart's own rows are unchanged: the period and the sources are the chain's
    assert fig.period == (2012, 2023)


def test_the_unconfirmed_toggle_does_not_change_the_ratio(ds):
    """Drawing unconfirmed figures adds Latvia's 2023 news figure to the chart, not to the ratio."""
    options = options_for(ds)
    fig = main_figure(ds, ViewState(page="trends", chart="chain", countries=("LV",), unconfirmed=True), options)
    assert 2023 in set(fig.rows.loc[fig.rows["indicator"] == "victims", "period_start"])
    ratio = fig.rows[fig.rows["indicator"] == q.CONVERSION].iloc[0]
    assert ratio["period_label"] == "2018-2022" and ratio["value"] == 25.2
