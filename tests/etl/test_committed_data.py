"""The committed dataset: equal to a fresh build, traceable to raw rows, and right on known figures."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from etl.build import build
from etl.countries import BALTIC, COUNTRY_ORDER, EU_AGGREGATES
from etl.figure_key import KEY
from etl.paths import DEFAULT_PATHS, DataPaths


@pytest.fixture(scope="module")
def committed() -> pd.DataFrame:
    return pd.read_csv(
        DEFAULT_PATHS.output, keep_default_na=False, na_values={"value": [""], "value_low": [""], "value_high": [""]}
    )


def test_the_codebook_names_the_countries_of_the_code_in_their_order():
    countries = pd.read_csv(DEFAULT_PATHS.codebook / "countries.csv", dtype=str, keep_default_na=False)
    assert tuple(countries.loc[countries["kind"] == "baltic", "iso2"]) == BALTIC
    assert tuple(countries.loc[countries["kind"] == "aggregate", "iso2"]) == EU_AGGREGATES
    assert COUNTRY_ORDER == BALTIC + EU_AGGREGATES


def test_committed_harmonised_equals_a_fresh_build(tmp_path):
    copy = tmp_path / "data"
    shutil.copytree(DEFAULT_PATHS.root, copy)
    build(DataPaths(copy))
    assert (copy / "harmonised" / "thb_baltic.csv").read_bytes() == DEFAULT_PATHS.output.read_bytes(), (
        "data/harmonised is stale: run `python -m etl` and commit the result"
    )
    assert (copy / "harmonised" / "build_meta.json").read_bytes() == DEFAULT_PATHS.meta.read_bytes()


def test_every_harmonised_row_traces_to_a_raw_row(committed):
    raw = {}
    for name in committed["raw_file"].unique():
        frame = pd.read_csv(DEFAULT_PATHS.raw / name, dtype=str, keep_default_na=False)
        frame.index = frame.index + 2
        raw[name] = frame
    for row in committed.itertuples():
        source = raw[row.raw_file].loc[row.raw_row]
        assert source["source_id"] == row.source_id.split(";")[0]
        if row.raw_file.startswith("eurostat/"):  # an API snapshot row: located by its dimension codes
            assert f"geo={source['geo']}, time={source['time']}" in row.source_location
        else:
            assert source["location"] in row.source_location
        if (
            row.unit in ("persons", "cases", "offences", "tier", "percent", "per_million")
            and not row.suppressed
            and row.indicator != "population"
            and "derived_rate" not in row.flags
        ):
            assert float(source["value"]) == row.value


def test_every_source_is_described(committed):
    known = set(pd.read_csv(DEFAULT_PATHS.sources, dtype=str)["source_id"])
    used = {s for ids in committed["source_id"] for s in ids.split(";")}
    assert used <= known


def test_at_most_one_preferred_value_per_figure(committed):
    assert committed[committed["preferred"]].groupby(KEY).size().max() == 1


def test_all_three_countries_are_covered(committed):
    victims = committed[
        (committed["indicator"] == "victims")
        & (committed["breakdown"] == "total")
        & (committed["unit"] == "persons")
        & committed["preferred"]
    ]
    for country in BALTIC:
        assert len(victims[victims["country"] == country]) >= 10


def pick(table, **where):
    mask = table["preferred"]
    for column, value in where.items():
        mask &= table[column] == value
    found = table[mask]
    assert len(found) == 1, found
    return found.iloc[0]


def test_known_figures(committed):
    # UNODC GLOTIP export 14/04/2025 (sheet rows in data/raw/unodc_glotip_2025.csv)
    lv = pick(
        committed,
        country="LV",
        period_start=2020,
        period_end=2020,
        indicator="victims",
        breakdown="total",
        unit="persons",
    )
    assert lv["value"] == 48 and lv["source_id"] == "UNODC_GLOTIP_2025"
    ee = pick(
        committed,
        country="EE",
        period_start=2014,
        period_end=2014,
        indicator="victims",
        breakdown="total",
        unit="persons",
    )
    assert ee["suppressed"] and pd.isna(ee["value"])
    # LT 2015: UNODC 62 preferred, US TIP's 79 kept and visible
    lt = committed[
        (committed["country"] == "LT")
        & (committed["period_start"] == 2015)
        & (committed["indicator"] == "victims")
        & (committed["breakdown"] == "total")
        & (committed["unit"] == "persons")
    ]
    assert set(lt["value"]) == {62, 79} and lt["flags"].str.contains("conflict").all()
    # EE 2020 rate: 5 victims / 1 328 976 inhabitants (Eurostat tps00001, newest vintage read) * 1e6
    rate = pick(
        committed,
        country="EE",
        period_start=2020,
        period_end=2020,
        indicator="victims",
        breakdown="total",
        unit="per_million",
    )
    assert rate["value"] == pytest.approx(5 / 1_328_976 * 1e6, abs=0.005)
    assert rate["source_id"] == "UNODC_GLOTIP_2025;EUROSTAT_TPS00001_SNAP2023"
