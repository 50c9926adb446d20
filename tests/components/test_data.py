"""Loader checks and pure query functions, on the synthetic fixture (fake numbers)."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from components.core import provenance as prov, queries as q
from components.core.dataset import DataError, load
from components.draw import charts
from etl.figure_key import KEY, figure_key, figure_keys, parse_figure_key
from tests.components.conftest import FIXTURE_DIR


def test_loads_fixture(ds):
    t = ds.table
    assert len(t) == ds.meta["n_rows"]
    assert t["period_start"].dtype.kind == "i" and t["value"].dtype.kind == "f"
    assert t["suppressed"].dtype == bool and t["preferred"].dtype == bool
    # text as Python strings, no missing values: every filter of an Arrow-backed column was a pyarrow take
    for c in ("country", "indicator", "unit", "source_id", "flags", "period", "grade"):
        assert t[c].dtype == object and t[c].map(type).eq(str).all(), c
    assert ds.warnings == []
    # at most one preferred row per figure
    assert t[t["preferred"]].groupby(KEY).size().max() == 1


@pytest.mark.parametrize(
    "content, problem",
    [
        (None, "file not found"),
        ("", "empty"),
        ("country,period_start\nEE,2020\n", "missing required column"),
        (
            "country,period_start,period_end,indicator,breakdown,category,unit,value,suppressed,source_id,preferred\n",
            "no rows",
        ),
        (
            "country,period_start,period_end,indicator,breakdown,category,unit,value,suppressed,source_id,preferred\n"
            "EE,twenty,2020,victims,total,total,persons,1,False,S,True\n",
            "must be a year",
        ),
        (
            "country,period_start,period_end,indicator,breakdown,category,unit,value,suppressed,source_id,preferred\n"
            "EE,2020,2020,victims,total,total,persons,lots,False,S,True\n",
            "must be numeric",
        ),
        ('a,b\n"unterminated\n', "cannot be parsed as CSV"),
    ],
)
def test_read_table_errors_name_the_problem(tmp_path, content, problem):
    path = tmp_path / "harmonised" / "thb_baltic.csv"
    if content is not None:
        path.parent.mkdir(parents=True)
        path.write_text(content)
    with pytest.raises(DataError) as e:
        load(tmp_path)
    assert problem in e.value.problem
    assert e.value.path.endswith("thb_baltic.csv")


def test_binary_garbage_is_a_data_error(tmp_path):
    path = tmp_path / "harmonised" / "thb_baltic.csv"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\xff\xfe\x00\x00garbage\x00\x81")
    with pytest.raises(DataError):
        load(tmp_path)


def test_missing_codebook_falls_back_to_codes(tmp_path):
    (tmp_path / "harmonised").mkdir()
    shutil.copy(FIXTURE_DIR / "harmonised" / "thb_baltic.csv", tmp_path / "harmonised" / "thb_baltic.csv")
    ds = load(tmp_path)
    assert ds.codebook.indicator_label("victims") == "victims"
    assert ds.codebook.category_label("sex", "female") == "female"
    assert ds.meta == {} and ds.warnings


def test_cache_key_follows_content(tmp_path):
    (tmp_path / "harmonised").mkdir()
    dst = tmp_path / "harmonised" / "thb_baltic.csv"
    shutil.copy(FIXTURE_DIR / "harmonised" / "thb_baltic.csv", dst)
    a = load(tmp_path)
    lines = dst.read_text().splitlines()
    dst.write_text("\n".join(lines[:50]) + "\n")
    b = load(tmp_path)
    assert a.digest != b.digest and len(b.table) == 49
    assert load(tmp_path) is b  # same files: assembled once


def test_app_loader_caches_per_version_of_the_files(tmp_path):
    """The app's loader (the process-wide store, components/store.py, through components/ui/page_data.py)
    gives the same dataset as the pure one."""
    from components import store
    from components.ui import page_data

    with pytest.raises(DataError):
        page_data.load_dataset(tmp_path)
    (tmp_path / "harmonised").mkdir()
    dst = tmp_path / "harmonised" / "thb_baltic.csv"
    shutil.copy(FIXTURE_DIR / "harmonised" / "thb_baltic.csv", dst)
    a = page_data.load_dataset(tmp_path)
    assert page_data.load_dataset(tmp_path) is a  # a shared resource: no copy per rerun
    assert store.dataset(tmp_path) is a  # the API's and the warm-up's too
    assert a.digest == load(tmp_path).digest and a.table.equals(load(tmp_path).table)
    dst.write_text("\n".join(dst.read_text().splitlines()[:50]) + "\n")
    b = page_data.load_dataset(tmp_path)
    assert b.digest != a.digest and len(b.table) == 49


def test_labels_from_codebook(ds):
    cb = ds.codebook
    assert cb.indicator_label("victims") == "Registered victims"
    assert cb.category_label("exploitation", "labour") == "Forced labour"
    assert cb.country_label("LV") == "Latvia"
    assert cb.indicator_label("not_a_code") == "not_a_code"


def test_compare_data_no_data_and_suppressed(ds):
    d = q.compare_data(ds.table, ds.codebook, indicator="victims", period="2023", breakdown="total", unit="persons")
    st = dict(zip(d["country"], d["status"]))
    assert st == {"EE": "value", "LV": "no_data", "LT": "value"}
    assert d.loc[d["country"] == "EE", "value"].item() == 90
    d = q.compare_data(ds.table, ds.codebook, indicator="victims", period="2014", breakdown="total", unit="persons")
    lt = d[d["country"] == "LT"].iloc[0]
    assert lt["status"] == "suppressed" and pd.isna(lt["value"]) and (lt["value_low"], lt["value_high"]) == (1, 4)


def test_compare_breakdown_excludes_total_and_keeps_order(ds):
    d = q.compare_data(
        ds.table, ds.codebook, indicator="victims", period="2022", breakdown="exploitation", unit="persons"
    )
    assert "total" not in set(d["category"])
    ee = d[d["country"] == "EE"]
    assert list(ee["category"]) == ["sexual", "labour", "criminality"]
    assert d[d["country"] == "LT"]["status"].tolist() == ["no_data"]  # a gap in the fixture


def test_preferred_value_wins(ds):
    d = q.compare_data(ds.table, ds.codebook, indicator="victims", period="2022", breakdown="total", unit="persons")
    assert d.loc[d["country"] == "EE", "value"].item() == 111  # not 115 (US TIP) or 120 (news)


def test_trend_markers_and_index(ds):
    t = q.trend_data(ds.table, ds.codebook, indicator="victims", unit="persons", index_base=2015)
    ee = t[t["country"] == "EE"].set_index("year")
    assert ee.loc[2017, "marker"] == "break" and "new register" in ee.loc[2017, "marker_note"]
    assert ee.loc[2022, "marker"] == "source"  # SYN_UNODC -> SYN_NAT_EE
    assert ee.loc[2015, "index"] == 100
    # 2017 (break) and 2022 (change of source) start new segments: the index stays within 2012-2016
    assert list(ee["segment"].loc[[2016, 2017, 2021, 2022]]) == [0, 1, 1, 2]
    assert ee.loc[2016, "index"] == pytest.approx(25 / 70 * 100)
    assert pd.isna(ee.loc[2017, "index"]) and pd.isna(ee.loc[2022, "index"])
    assert "not indexed across a break" in ee.loc[2022, "index_note"]
    assert not (t["period_start"] != t["period_end"]).any()  # multi-year totals stay off the line


def test_per_million_trend(ds):
    t = q.trend_data(ds.table, ds.codebook, indicator="victims", unit="per_million", countries=["EE"])
    assert t.set_index("year").loc[2022, "value"] == pytest.approx(111 / 1.3, abs=0.01)


def test_overview_cards(ds):
    cards = {c["country"]: c for c in q.overview_cards(ds.table, ds.codebook)}
    ee, lv, lt = cards["EE"], cards["LV"], cards["LT"]
    assert (ee["year"], ee["value"], ee["change"]) == (2023, 90, -21)
    assert ee["per_million"] == pytest.approx(69.23, abs=0.01)
    assert lv["year"] == 2022 and lv["change"] is None and "source changes" in lv["change_note"]
    assert lt["year"] == 2023 and lt["change"] == 6
    assert [n for n, _ in ee["top_forms"]] == ["Sexual exploitation", "Forced labour"]


def test_change_not_computed_across_break_or_suppression(ds):
    t = ds.table.copy()
    t = t[~((t["country"] == "EE") & (t["period_start"] >= 2018))]
    ee = q.overview_cards(t, ds.codebook, ["EE"])[0]
    assert ee["year"] == 2017 and ee["change"] is None and "series break" in ee["change_note"]
    t2 = ds.table[~((ds.table["country"] == "LT") & (ds.table["period_start"] >= 2016))]
    lt = q.overview_cards(t2, ds.codebook, ["LT"])[0]
    assert lt["year"] == 2015 and lt["change"] is None and "suppressed" in lt["change_note"]


def test_chain(ds):
    c = q.chain_data(ds.table, ds.codebook, countries=["EE"], year_from=2020, year_to=2020)
    assert list(c["indicator"]) == ["victims", "suspects", "investigations", "prosecuted", "convicted"]
    tbl = q.chain_table(c, ds.codebook)
    assert tbl.iloc[0]["Victims"] == "38"


def test_figure_rows_and_why_preferred(ds):
    key = parse_figure_key("EE~2022~2022~victims~total~total~persons")
    rows = prov.figure_rows(ds.table, key, ds.sources)
    assert list(rows["value"]) == [111, 115, 120]
    assert rows.iloc[0]["preferred"] and not rows.iloc[1:]["preferred"].any()
    why = prov.why_preferred(rows)
    assert "official publication" in why and "international monitoring" in why and "differ" in why


def test_figure_key_round_trip(ds):
    r = ds.table.iloc[0]
    assert parse_figure_key(figure_key(r))["indicator"] == r["indicator"]
    assert parse_figure_key("junk") is None


def test_figure_keys_match_figure_key_row_by_row(ds):
    """The vectorised keys (Data page, share links, the options' figure set) are the row-wise ones."""
    t = ds.table
    keys = figure_keys(t)
    assert keys.index.equals(t.index)
    assert keys.tolist() == [figure_key(r) for r in t[KEY].to_dict("records")]
    assert figure_key(t.iloc[0]) == keys.iloc[0] == "~".join(str(t.iloc[0][k]) for k in KEY)
    assert figure_keys(t.iloc[0:0]).empty
    assert prov.figures_table(t, ds.sources, ds.codebook)["figure"].map(parse_figure_key).notna().all()


def test_coverage_and_conflicts(ds):
    cov = q.coverage(ds.table, ds.codebook)
    row = cov[(cov["country"] == "EE") & (cov["year"] == 2022) & (cov["indicator"] == "victims")].iloc[0]
    assert row["n_sources"] == 3 and row["status"] == "value"
    weak = cov[(cov["country"] == "LV") & (cov["year"] == 2023) & (cov["indicator"] == "victims")].iloc[0]
    assert weak["status"] == "unconfirmed only"
    gap = cov[(cov["country"] == "LV") & (cov["year"] == 2023) & (cov["indicator"] == "investigations")].iloc[0]
    assert gap["status"] == "no data"
    conf = prov.conflicts(ds.table, ds.sources, ds.codebook)
    keys = set(conf["figure"] if "figure" in conf else figure_key(r) for r in conf[KEY].to_dict("records"))
    assert "EE~2022~2022~victims~total~total~persons" in keys
    assert "LT~2020~2020~victims~total~total~persons" in keys


def test_options_from_dataset(ds):
    from components.view.options import options_from

    o = options_from(ds.table, ds.codebook)
    assert "population" not in o.indicators and "victims" in o.indicators
    assert "2012-2016" in o.periods_for("victims")
    assert "exploitation" in o.breakdowns_for("victims")
    assert o.measures_for("victims") == ("absolute", "per_million")
    assert o.measures_for("offences") == ("absolute",)


def test_suppressed_agrees_only_with_values_in_its_range():
    base = {
        "suppressed": [True, False],
        "value": [float("nan"), 2.0],
        "value_low": [1.0, None],
        "value_high": [4.0, None],
    }
    assert prov.values_agree(pd.DataFrame(base))
    base["value"] = [float("nan"), 0.0]
    assert not prov.values_agree(pd.DataFrame(base))


def test_dominant_forms_fall_back_to_latest_year_with_breakdown(ds):
    t = ds.table[~((ds.table["country"] == "LT") & (ds.table["period_start"] == 2023))]
    lt = q.overview_cards(t, ds.codebook, ["LT"])[0]
    assert lt["year"] == 2022 and lt["forms_year"] == 2021  # the fixture has no LT breakdown for 2022
    assert lt["top_forms"][0][0] == "Sexual exploitation"


def test_trend_hides_unconfirmed_figures_unless_asked(ds):
    off = q.trend_data(ds.table, ds.codebook, indicator="victims", unit="persons", countries=["LV"])
    on = q.trend_data(ds.table, ds.codebook, indicator="victims", unit="persons", countries=["LV"], unconfirmed=True)
    assert 2023 not in set(off["year"])
    row = on.set_index("year").loc[2023]
    assert row["value"] == 21 and not row["confirmed"]
    assert off["confirmed"].all()


def test_overview_card_shows_newer_unconfirmed_figures(ds):
    lv = {c["country"]: c for c in q.overview_cards(ds.table, ds.codebook)}["LV"]
    assert lv["year"] == 2022  # the latest official figure
    newer = {n["period"]: n for n in lv["newer"]}
    assert newer["2023"]["value"] == 21 and "unconfirmed" in ", ".join(newer["2023"]["what"])


def test_overlapping_breakdown_is_marked_and_never_stacked(ds):
    d = q.compare_data(
        ds.table,
        ds.codebook,
        indicator="convicted",
        period="2020",
        breakdown="exploitation",
        unit="persons",
        countries=["LT"],
    )
    assert set(d["kind"]) == {"overlapping"}
    spec = charts.compare_chart(d, title="t", unit_text="persons", source_line="s", stack="percent").to_dict()
    bars = [layer for layer in spec["layer"] if layer.get("mark", {}).get("type") == "bar"][0]
    assert bars["encoding"]["x"].get("stack") is None and "yOffset" in bars["encoding"]


def test_categories_a_source_does_not_give_are_said_so(ds):
    d = q.compare_data(
        ds.table,
        ds.codebook,
        indicator="victims",
        period="2022",
        breakdown="exploitation",
        unit="persons",
        countries=["EE", "LT"],
    )
    lt = d[d["country"] == "LT"]
    assert set(lt["status"]) == {"no_data"}  # no breakdown at all for LT 2022 in the fixture
    d = q.compare_data(
        ds.table,
        ds.codebook,
        indicator="victims",
        period="2021",
        breakdown="citizenship",
        unit="persons",
        countries=["EE", "LV"],
    )
    assert "not_given" not in set(d["status"]) or set(d.loc[d["status"] == "not_given", "category"]) <= {
        "non_eu",
        "own_country",
    }
