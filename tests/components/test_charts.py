"""Pure chart builders: encodings, titles, source lines and the data behind each chart."""

from __future__ import annotations

import json

import pytest

from components.core import queries as q, style
from components.core.cite import dataset_citation, licence_summary, source_line
from components.core.style import COUNTRY_COLORS
from components.draw import charts


def _spec(chart) -> dict:
    return chart.to_dict()


def _datasets(spec) -> list[list[dict]]:
    return list(spec.get("datasets", {}).values())


def _rows(spec, layer) -> list[dict]:
    """The data behind one layer (Altair hoists shared data to the top level)."""
    data = layer.get("data") or spec.get("data")
    return spec["datasets"][data["name"]]


def _title(spec) -> dict:
    return spec["title"]


def test_source_line_names_sources(ds):
    line = source_line(["SYN_NAT_EE", "SYN_POP_EE"], ds.sources)
    assert line.startswith("Sources: ") and "SYNTHETIC Estonian ministry" in line and "population EE" in line
    assert source_line([], ds.sources).startswith("Source: none")
    assert "UNKNOWN_ID" in source_line(["UNKNOWN_ID"], ds.sources)
    assert "+2 more" in source_line(["A", "B", "C", "D", "E"], None)


def _compare(ds, **kw):
    args = dict(indicator="victims", period="2022", breakdown="total", unit="per_million")
    args.update(kw)
    d = q.compare_data(ds.table, ds.codebook, **args)
    src = source_line(q.source_ids_of(d), ds.sources)
    return d, charts.compare_chart(
        d,
        title="Victims, 2022",
        unit_text="per million inhabitants",
        source_line=src,
        stack=kw.get("stack", "stacked") if "stack" in kw else "stacked",
    )


def test_compare_per_million_value_behind_chart(ds):
    d, ch = _compare(ds)
    spec = _spec(ch)
    t = _title(spec)
    assert t["text"] == "Victims, 2022"
    assert t["subtitle"][0] == "per million inhabitants"
    assert any("SYNTHETIC Estonian ministry" in s for s in t["subtitle"])
    bars = spec["layer"][0]
    assert bars["mark"]["type"] == "bar"
    assert bars["encoding"]["x"]["field"] == "value" and bars["encoding"]["y"]["field"] == "country_label"
    rows = _rows(spec, bars)
    ee = [r for r in rows if r["country"] == "EE"][0]
    assert ee["value"] == pytest.approx(85.38, abs=0.01)  # 111 / 1.3 million (fake)
    # one colour per country, from the shared palette
    scale = bars["encoding"]["color"]["scale"]
    assert scale["range"][:3] == [COUNTRY_COLORS["EE"], COUNTRY_COLORS["LV"], COUNTRY_COLORS["LT"]]


def test_compare_no_data_and_suppressed_marks(ds):
    d, ch = _compare(ds, period="2023", breakdown="total", unit="persons")
    spec = _spec(ch)
    texts = [layer for layer in spec["layer"] if layer["mark"]["type"] == "text"]
    labels = [r["label"] for layer in texts for r in _rows(spec, layer)]
    assert "no data" in labels
    bar_rows = _rows(spec, spec["layer"][0])
    assert all(r["country"] != "LV" for r in bar_rows)  # never a zero bar
    d, ch = _compare(ds, period="2014", breakdown="total", unit="persons")
    spec = _spec(ch)
    kinds = [(layer["mark"]["type"], layer["mark"].get("shape")) for layer in spec["layer"]]
    assert ("point", "diamond") in kinds
    bar_rows = _rows(spec, spec["layer"][0])
    assert all(r["country"] != "LT" for r in bar_rows)  # the <5 is not a bar
    texts = [layer for layer in spec["layer"] if layer["mark"]["type"] == "text"]
    labels = [r["label"] for layer in texts for r in _rows(spec, layer)]
    assert "<5" in labels
    assert any("<5" in s for s in spec["title"]["subtitle"])


def test_compare_stacked_and_percent(ds):
    d = q.compare_data(ds.table, ds.codebook, indicator="victims", period="2021", breakdown="sex", unit="persons")
    ch = charts.compare_chart(d, title="t", unit_text="persons", source_line="Source: x", stack="percent")
    bars = _spec(ch)["layer"][0]
    assert bars["encoding"]["x"]["stack"] == "normalize"
    assert bars["encoding"]["color"]["field"] == "category_label"
    ch = charts.compare_chart(d, title="t", unit_text="persons", source_line="Source: x", stack="stacked")
    assert _spec(ch)["layer"][0]["encoding"]["x"]["stack"] == "zero"


def test_trend_chart(ds):
    t = q.trend_data(ds.table, ds.codebook, indicator="victims", unit="persons")
    ch = charts.trend_chart(t, title="Victims", unit_text="persons", source_line="Source: x")
    spec = _spec(ch)
    line = spec["layer"][0]
    assert line["mark"]["type"] == "line" and line["mark"]["invalid"] == "break-paths-show-path-domains"
    assert line["encoding"]["x"]["field"] == "year" and line["encoding"]["y"]["field"] == "value"
    rows = _rows(spec, line)
    lv2023 = [r for r in rows if r["country"] == "LV" and r["year"] == 2023][0]
    assert lv2023["value"] is None  # a gap stays a gap
    shapes = [layer["mark"].get("shape") for layer in spec["layer"]]
    assert "triangle-down" in shapes and "diamond" in shapes
    assert any("break" in s for s in spec["title"]["subtitle"])


def test_trend_chart_indexed(ds):
    t = q.trend_data(ds.table, ds.codebook, indicator="victims", unit="persons", index_base=2015)
    spec = _spec(charts.trend_chart(t, title="x", unit_text="index", source_line="s", indexed=True))
    assert spec["layer"][0]["encoding"]["y"]["field"] == "index"


def test_empty_charts_say_no_data():
    import pandas as pd

    for ch in (
        charts.compare_chart(pd.DataFrame(), title="t", unit_text="u", source_line="s"),
        charts.trend_chart(pd.DataFrame(), title="t", unit_text="u", source_line="s"),
        charts.chain_chart(pd.DataFrame(), title="t", unit_text="u", source_line="s", stage_order=[]),
    ):
        spec = _spec(ch)
        assert json.dumps(spec).count("No data for this selection") == 1
        assert spec["title"]["text"] == "t"


def test_chain_and_coverage_charts(ds):
    c = q.chain_data(ds.table, ds.codebook)
    spec = _spec(
        charts.chain_chart(
            c,
            title="Chain",
            unit_text="persons",
            source_line="Source: x",
            stage_order=["Victims", "Suspects", "Investigations", "Prosecuted", "Convicted"],
        )
    )
    # small multiples: one panel per country, in the countries' order, stacked (each takes the column's
    # width on screen), one y scale for all
    panels = spec["vconcat"]
    assert [p["title"]["text"] for p in panels] == ["Estonia", "Latvia", "Lithuania"]
    assert spec["resolve"]["scale"]["y"] == "shared" and spec["autosize"]["type"] == "fit-x"
    # every stage its own colour, its own point shape and its own dash (none by colour alone)
    enc = {k: v for layer in panels[0]["layer"] for k, v in layer.get("encoding", {}).items()}
    colours, shapes = enc["color"]["scale"]["range"], enc["shape"]["scale"]["range"]
    dashes = [tuple(x) for x in enc["strokeDash"]["scale"]["range"]]
    assert enc["color"]["scale"]["domain"] == ["Victims", "Suspects", "Investigations", "Prosecuted", "Convicted"]
    assert len(set(colours)) == len(set(shapes)) == 5 and "diamond" not in shapes
    assert len(set(zip(colours, shapes, dashes))) == 5
    assert colours[0] == style.STAGE_STYLES["victims"][0] and shapes[-1] == style.STAGE_STYLES["convicted"][1]
    # the conversion line under each country's name
    noted = _spec(
        charts.chain_chart(
            c,
            title="Chain",
            unit_text="persons",
            source_line="Source: x",
            stage_order=["Victims", "Convicted"],
            panel_notes={"Latvia": "25 per 100"},
        )
    )
    assert [p["title"]["subtitle"] for p in noted["vconcat"]] == ["", "25 per 100", ""]
    one = _spec(
        charts.chain_chart(
            c[c["country"] == "LV"],
            title="Chain",
            unit_text="persons",
            source_line="Source: x",
            stage_order=["Victims"],
        )
    )
    assert len(one["vconcat"]) == 1 and one["vconcat"][0]["height"] > panels[0]["height"]
    cov = q.coverage(ds.table, ds.codebook)
    spec = _spec(charts.coverage_chart(cov, title="Coverage", source_line="Source: x"))
    assert spec["facet"]["row"]["field"] == "country_label"
    assert spec["spec"]["layer"][0]["mark"]["type"] == "rect"


def test_sparkline(ds):
    card = q.overview_cards(ds.table, ds.codebook, ["EE"])[0]
    spec = _spec(charts.sparkline(card["series"], country="EE", title="Victims, 2012–2023"))
    assert spec["layer"][0]["mark"]["color"] == COUNTRY_COLORS["EE"]


def test_citation_and_licences(ds):
    import datetime

    c = dataset_citation(ds.meta, datetime.date(2026, 11, 28))
    assert "synthetic-0.0.1" in c and "2026-01-01" in c and "2026-11-28" in c
    assert "CC BY 4.0" in licence_summary(ds.sources)


def test_the_licence_footer_says_a_translated_licence_once_and_unmarked():
    """The footer counts the licences the table has already translated: translating them again found no
    entry for the translated text and marked every one '(in English: not yet translated)'."""
    import pandas as pd

    from components.core import i18n

    english = "(c) the publisher. Individual facts (figures) reused with attribution; no text reproduced."
    sources = pd.DataFrame({"source_id": ["A", "B"], "licence": [english, english]})
    with i18n.using("et"):
        text = licence_summary(sources)
        marker = i18n._(i18n.UNTRANSLATED).format(text="").strip()
    assert "© väljaandja. Üksikuid fakte (arve) kasutatakse allikale viidates" in text, text
    assert marker not in text and english not in text, text


def test_charts_render_offline_to_svg(ds):
    """Export parity: the same builder output renders with vl-convert (no browser, no network)."""
    vlc = pytest.importorskip("vl_convert")
    _, ch = _compare(ds)
    svg = vlc.vegalite_to_svg(ch.to_json())
    assert "<svg" in svg and "Victims, 2022" in svg


def test_the_chain_legend_wraps_on_a_phone_and_keeps_three_columns_in_files(ds):
    """The justice chain's legend: three columns ran off a phone's edge with lv/lt/ru stage names ('Patraukti
    baudžiamojon atsakomybėn asmenys'); fewer columns when the window is narrow, three in a file (no window)."""
    vlc = pytest.importorskip("vl_convert")
    stages = ["Upuri", "Aizdomās turētie", "Izmeklēšanas", "Kriminālvajāšanai nodotie", "Notiesātie"]
    c = q.chain_data(ds.table, ds.codebook)
    c["stage"] = c["stage"].map(dict(zip(["Victims", "Suspects", "Investigations", "Prosecuted", "Convicted"], stages)))
    spec = _spec(charts.chain_chart(c, title="t", unit_text="u", source_line="s", stage_order=stages))
    enc = {k: v for layer in spec["vconcat"][0]["layer"] for k, v in layer.get("encoding", {}).items()}
    expr = enc["color"]["legend"]["columns"]["expr"]
    assert "windowSize()[0] > 0" in expr and expr.endswith(": 3")
    assert "<svg" in vlc.vegalite_to_svg(json.dumps(spec))  # a file still draws (three columns)


def test_altairs_schema_check_is_on_in_the_tests_and_off_when_serving():
    """Altair checks each object against the schema as it is made (a fifth of a chart's build): the tests keep
    the check (tests/conftest.py), the app, the API and the command-line files skip it (components/draw/altair_use.py)."""
    import os
    import subprocess
    import sys

    from altair.utils import schemapi

    from etl.paths import REPO_ROOT

    assert schemapi.DEBUG_MODE is True  # here: every spec a test builds is checked as it is made
    env = {k: v for k, v in os.environ.items() if k != "THB_ALTAIR_DEBUG"}
    code = "import components.draw.charts; from altair.utils import schemapi; print(schemapi.DEBUG_MODE)"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


def test_the_fast_rows_are_altairs_rows_for_every_column_type():
    """components/draw/altair_use.py turns a chart's DataFrame into rows without Altair's pandas conversion: the
    same rows for text (missing as None, NaN or pd.NA), numbers (NaN and infinities as None), booleans and
    integers, on synthetic values and on the real table; any other column type goes to Altair's own conversion."""
    import math

    import altair as alt
    import pandas as pd
    from altair.vegalite.data import default_data_transformer

    from components.core.dataset import load
    from components.draw import altair_use
    from etl.paths import REPO_ROOT

    synthetic = pd.DataFrame(
        {
            "text": ["a", None, "c", "d"],
            "arrow_text": pd.array(["x", None, "z", "w"], dtype="string"),
            "value": [1.5, float("nan"), math.inf, -math.inf],
            "count": [1, 2, 3, 4],
            "flag": [True, False, True, False],
            "mixed": ["a", 1, 2.5, None],
        },
        index=[10, 11, 12, 13],  # Altair drops the index; so do the rows
    )
    real = load(REPO_ROOT / "data").table.head(40)
    for frame in (synthetic, real, synthetic.iloc[:0]):
        assert altair_use.rows(frame) is not None
        assert altair_use._transform(frame) == default_data_transformer(frame)
    dated = pd.DataFrame({"when": pd.to_datetime(["2022-01-01"]), "kind": pd.Categorical(["a"])})
    assert altair_use.rows(dated) is None  # left to Altair, whose rows it then gives
    assert altair_use._transform(dated) == default_data_transformer(dated)
    assert alt.data_transformers.active == altair_use.TRANSFORMER  # what every chart's spec goes through
    with pytest.raises(alt.MaxRowsError):  # Altair's row limit holds as before
        altair_use._transform(pd.DataFrame({"n": range(5001)}))
