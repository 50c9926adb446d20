"""Exports: PNG/SVG open and carry title, source and build line; CSV holds exactly the rows with
formula injection neutralised; the dataset zip holds what its README promises."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from components import export as ex
from components import queries as q
from components.charts import chain_chart, compare_chart, trend_chart
from components.cite import figure_citation, source_line, sources_detail

TODAY = date(2026, 1, 2)


@pytest.fixture(scope="module")
def compare(ds):
    d = q.compare_data(ds.table, ds.codebook, indicator="victims", period=q.best_period(ds.table, "victims"),
                       breakdown="exploitation", unit="persons", countries=["EE", "LV", "LT"])
    src = source_line(q.source_ids_of(d), ds.sources)
    return d, compare_chart(d, title="Registered victims by exploitation", unit_text="persons", source_line=src), src


def test_svg_has_title_source_and_build_line(ds, compare):
    _, ch, src = compare
    svg = ex.chart_svg(ch, ex.footer_line(ds.meta, TODAY)).decode()
    assert svg.lstrip().startswith("<svg")
    assert "Registered victims by exploitation" in svg
    assert "SYNTHETIC" in svg and "Source" in svg  # the source line
    assert "synthetic-0.0.1" in svg and "Data as of 2026-01-01" in svg


def test_png_is_slide_sized(ds, compare):
    from PIL import Image

    png = ex.chart_png(compare[1], ex.footer_line(ds.meta, TODAY))
    w, h = ex.png_size(png)
    img = Image.open(io.BytesIO(png))
    assert img.size == (w, h)
    assert 1500 <= w <= 1700 and h >= 300


def test_every_chart_kind_exports(ds):
    cb = ds.codebook
    t = q.trend_data(ds.table, cb, indicator="victims", unit="persons", countries=["EE", "LV", "LT"])
    c = q.chain_data(ds.table, cb, countries=["EE", "LV", "LT"])
    for ch in (trend_chart(t, title="Trend T", unit_text="persons", source_line="Source: S"),
               chain_chart(c, title="Chain T", unit_text="persons", source_line="Source: S",
                           stage_order=[cb.indicator_label(i, short=True) for i in q.CHAIN])):
        svg = ex.chart_svg(ch, "Data as of X").decode()
        assert "Data as of X" in svg and "Source: S" in svg
        assert ex.png_size(ex.chart_png(ch, "f"))[0] >= 1500


def test_export_spec_does_not_touch_the_screen_chart(compare):
    ch = compare[1]
    before = ch.to_dict(validate=False)["title"]
    ex.export_spec(ch, "footer")
    assert ch.to_dict(validate=False)["title"] == before


def test_csv_exact_rows_with_sources(ds, compare):
    d = compare[0]
    shown = d[["country", "category", "value", "source_id"]].head(7)
    out = pd.read_csv(io.BytesIO(ex.csv_bytes(ex.with_source_columns(shown, ds.sources))), encoding="utf-8-sig",
                      keep_default_na=False)
    assert len(out) == len(shown)
    assert list(out["country"]) == list(shown["country"])
    assert {"source_publisher", "source_title", "source_url"} <= set(out.columns)
    assert all(p.startswith("SYNTHETIC") for p in out["source_publisher"] if p)


def test_csv_injection_neutralised():
    df = pd.DataFrame({"a": ["=HYPERLINK(\"x\")", "+1", "-2", "@SUM(A1)", "\tx", "\rx", "ok", "a=b"],
                       "n": [-1, 2, -3.5, 4, 5, 6, 7, 8]})
    out = pd.read_csv(io.BytesIO(ex.csv_bytes(df)), encoding="utf-8-sig", keep_default_na=False)
    assert list(out["a"][:4]) == ["'=HYPERLINK(\"x\")", "'+1", "'-2", "'@SUM(A1)"]
    assert out["a"][4] == "'\tx" and out["a"][6] == "ok" and out["a"][7] == "a=b"
    assert list(out["n"]) == [-1, 2, -3.5, 4, 5, 6, 7, 8]  # numbers untouched, negative stays a number


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(max_size=12), min_size=1, max_size=6), st.lists(st.integers(-1000, 1000), min_size=1,
                                                                         max_size=6))
def test_csv_property_no_cell_starts_a_formula(texts, nums):
    n = min(len(texts), len(nums))
    df = pd.DataFrame({"t": texts[:n], "v": nums[:n]})
    safe = ex.safe_frame(df)
    for orig, cell in zip(df["t"], safe["t"]):
        assert not cell.startswith(ex.FORMULA_START)
        assert cell == orig or cell == "'" + orig  # nothing else changes
    assert list(safe["v"]) == list(df["v"])


def test_file_names():
    assert ex.file_name("csv", indicator="victims", unit="per_million", period="2015-2023") == \
        "thb-baltic_victims_per-million_2015-2023.csv"
    assert ex.file_name("png", countries=["EE", "LT"], indicator="convicted", period="2022") == \
        "thb-ee-lt_convicted_2022.png"
    assert ex.file_name("svg", indicator="../../etc/passwd") == "thb-baltic_etc-passwd.svg"


def test_dataset_zip(ds):
    z = zipfile.ZipFile(io.BytesIO(ex.dataset_zip(ds.table, ds.sources, ds.data_dir, ds.meta, TODAY)))
    names = set(z.namelist())
    assert {"thb_baltic.csv", "sources.csv", "README.txt", "codebook/indicators.csv",
            "codebook/country_definitions.csv"} <= names
    t = pd.read_csv(z.open("thb_baltic.csv"), encoding="utf-8-sig")
    assert len(t) == len(ds.table)
    readme = z.read("README.txt").decode()
    assert "How to cite" in readme and "synthetic-0.0.1" in readme and "CC BY 4.0" in readme
    assert "Caveats" in readme and "<5" in readme


def test_sources_detail_and_citation(ds):
    rows = pd.DataFrame({"source_id": ["SYN_NAT_EE", "SYN_NAT_EE;SYN_EUROSTAT", "SYN_UNODC"],
                         "source_location": ["Table 1", "Table 2", ""]})
    d = sources_detail(rows, ds.sources)
    assert list(d["Source id"]) == ["SYN_NAT_EE", "SYN_EUROSTAT", "SYN_UNODC"]
    assert d.iloc[0]["Location"] == "Table 1; Table 2"
    assert d.iloc[0]["Link"] == "https://example.org/syn_nat_ee" and d.iloc[0]["Accessed"] == "2026-01-01"
    rec = ds.sources[ds.sources["source_id"] == "SYN_NAT_EE"].iloc[0].to_dict()
    c = figure_citation("Registered victims, Estonia, 2022", "90", rec, "Table 1", ds.meta, TODAY)
    assert "SYNTHETIC Estonian ministry (2025)" in c and "Table 1" in c and "synthetic-0.0.1" in c
