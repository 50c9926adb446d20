"""Chart sizing and labels (pure, on the specs): plots tall enough, legends that wrap when narrow, '<5'
labels that do not run into each other or into the lines' names, break markers in the country's colour,
sparklines with a scale, and no text cut with "…"."""

from __future__ import annotations

import json

import pandas as pd

from components.core import queries as q, style
from components.draw import charts
from etl.countries import BALTIC


def _layers(spec) -> list[dict]:
    return spec.get("layer", [])


def _rows(spec, layer) -> list[dict]:
    data = layer.get("data") or spec.get("data")
    return spec["datasets"][data["name"]]


def _trend(ds, indicator="victims"):
    t = q.trend_data(ds.table, ds.codebook, indicator=indicator, unit="persons")
    return charts.trend_chart(
        t, title="Registered victims, 2001–2025", unit_text="persons", source_line="Source: synthetic"
    ).to_dict()


def test_compare_plot_is_at_least_320_px_from_three_countries(ds):
    d = q.compare_data(ds.table, ds.codebook, indicator="victims", period="2022", breakdown="total", unit="persons")
    assert d["country"].nunique() == 3
    spec = charts.compare_chart(d, title="t", unit_text="persons", source_line="s").to_dict()
    assert spec["height"] >= 320 == style.CHART_HEIGHT
    bar = _layers(spec)[0]["mark"]["height"]["band"]
    assert bar * spec["height"] / 3 <= charts._BAR_PX + 0.5  # three bars, not three blocks
    one = charts.compare_chart(d[d["country"] == "EE"], title="t", unit_text="persons", source_line="s").to_dict()
    assert 100 <= one["height"] < 320  # one bar: room, not a 320 px plot around it


def test_trend_plot_is_320_px(ds):
    assert _trend(ds)["height"] == style.CHART_HEIGHT == 320


def test_legends_wrap_into_columns_when_the_chart_is_narrow(ds):
    spec = _trend(ds)
    enc = _layers(spec)[1]["encoding"]
    legend = enc["color"]["legend"]
    assert enc["shape"]["legend"] == legend  # colour and shape stay one legend
    expr = legend["columns"]["expr"]
    # wide: one row (0 columns); narrow: as many columns as fit, at least one
    assert expr.startswith("width >= ") and "? 0 : max(1, floor(width / " in expr
    need = float(expr.split(">= ")[1].split(" ?")[0])
    assert need > sum(len(x) for x in ("Estonia", "Latvia", "Lithuania")) * 6  # the labels' width at least
    d = q.compare_data(ds.table, ds.codebook, indicator="victims", period="2021", breakdown="sex", unit="persons")
    spec = charts.compare_chart(d, title="t", unit_text="persons", source_line="s").to_dict()
    assert "columns" in _layers(spec)[0]["encoding"]["color"]["legend"]


def test_break_markers_are_in_the_country_colour(ds):
    spec = _trend(ds)
    marks = [x for x in _layers(spec) if x["mark"].get("shape") == "triangle-down"]
    assert marks, "the synthetic data has a series break"
    color = marks[0]["encoding"]["color"]
    line_color = _layers(spec)[0]["encoding"]["color"]
    assert color["field"] == "country_label" and color["scale"] == line_color["scale"]
    assert color["scale"]["range"] == [style.country_color(c) for c in BALTIC]
    assert "color" not in marks[0]["mark"]  # no fixed colour over the scale


def test_withheld_marks_of_one_year_stand_side_by_side():
    supp = pd.DataFrame(
        {"country": ["LT", "EE", "LV", "EE"], "year": [2014, 2014, 2014, 2016], "value_low": 1.0, "value_high": 4.0}
    )
    s = charts.suppressed_offsets(supp, list(BALTIC))
    by = {(r.country, r.year): r.dx for r in s.itertuples()}
    assert by[("EE", 2014)] < by[("LV", 2014)] < by[("LT", 2014)]  # country order, centred
    assert by[("LV", 2014)] == 0 and by[("EE", 2016)] == 0  # alone in its year: on the year
    assert by[("LT", 2014)] - by[("LV", 2014)] == charts._SUPPRESSED_DX


def test_one_lt5_label_per_run_of_withheld_years():
    supp = pd.DataFrame(
        {
            "country": ["EE", "LV", "EE", "EE", "LT", "LT"],
            "year": [2003, 2003, 2007, 2008, 2009, 2013],
            "value_low": 1.0,
            "value_high": 4.0,
        }
    )
    labels = charts.suppressed_labels(supp)
    assert list(labels["year"]) == [2003, 2008, 2013]  # 2007–2009 is one run, labelled in its middle
    assert set(labels["label"]) == {"<5"} and set(labels["value_high"]) == {4.0}
    # a run next to a line's name (which runs to the right of its last year) is not labelled
    ends = pd.DataFrame({"year": [2012], "value": [6.0]})
    labels = charts.suppressed_labels(supp, ends, span=100.0)
    assert list(labels["year"]) == [2003, 2008]
    far = pd.DataFrame({"year": [2012], "value": [90.0]})  # far above: no clash
    assert list(charts.suppressed_labels(supp, far, span=100.0)["year"]) == [2003, 2008, 2013]


def test_trend_lt5_labels_never_share_a_place(ds):
    for ind in ("victims", "convicted", "prosecuted"):
        spec = _trend(ds, ind)
        texts = [x for x in _layers(spec) if x["mark"]["type"] == "text" and x["encoding"]["text"]["field"] == "label"]
        for layer in texts:
            rows = _rows(spec, layer)
            years = sorted(r["year"] for r in rows)
            assert all(b - a >= 2 for a, b in zip(years, years[1:])), (ind, years)  # never in adjacent years
        diamonds = [x for x in _layers(spec) if x["mark"].get("shape") == "diamond"]
        for layer in diamonds:
            assert layer["mark"]["xOffset"] == {"expr": "datum.dx"}
            places = [(r["year"], r["dx"]) for r in _rows(spec, layer)]
            assert len(places) == len(set(places)), ind


def test_compare_lt5_labels_wrap_instead_of_running_off(ds):
    d = q.compare_data(ds.table, ds.codebook, indicator="victims", period="2022", breakdown="total", unit="persons")
    d = d.copy()
    d.loc[d["country"] == "LT", ["status", "suppressed", "value"]] = ["suppressed", True, None]
    spec = charts.compare_chart(d, title="t", unit_text="persons", source_line="s").to_dict()
    texts = [x for x in _layers(spec) if x["mark"]["type"] == "text" and x["mark"].get("lineBreak") == "\n"]
    assert texts
    for r in _rows(spec, texts[0]):
        assert all(len(line) <= charts._LABEL_CHARS for line in r["label"].split("\n"))


def test_sparkline_has_a_minimal_scale(ds):
    s = ds.table[
        (ds.table["country"] == "EE")
        & (ds.table["indicator"] == "victims")
        & (ds.table["unit"] == "persons")
        & ds.table["single_year"]
        & ds.table["preferred"]
    ]
    s = s[s["breakdown"] == "total"].sort_values("period_start")
    spec = charts.sparkline(s, country="EE", title="Registered or identified victims, 2008–2022").to_dict()
    enc = _layers(spec)[0]["encoding"]
    years = sorted(int(y) for y in s["period_start"])
    assert enc["x"]["axis"]["values"] == [years[0], years[-1]] and enc["x"]["axis"]["format"] == "d"
    top = float(s["value"].max())
    assert enc["y"]["axis"]["values"] == [0.0, top] and enc["y"]["scale"]["domain"] == [0, top]


def test_no_text_is_cut_with_an_ellipsis(ds):
    long_unit = "persons registered as victims by the police and the prosecution service together"
    t = q.trend_data(ds.table, ds.codebook, indicator="victims", unit="persons")
    spec = charts.trend_chart(t, title="t", unit_text=long_unit, source_line="s").to_dict()
    title = _layers(spec)[0]["encoding"]["y"]["title"]
    assert isinstance(title, list) and " ".join(title) == long_unit and all(len(x) <= 34 for x in title)
    assert "…" not in json.dumps(spec, ensure_ascii=False).replace(charts.SUPPRESSED_NOTE, "")


def test_a_line_is_named_after_its_last_mark_a_withheld_year_too(ds):
    t = q.trend_data(ds.table, ds.codebook, indicator="victims", unit="persons").copy()
    last = t[t["country"] == "EE"]["year"].max()
    at = (t["country"] == "EE") & (t["year"] == last)
    t.loc[at, ["suppressed", "value", "value_low", "value_high"]] = [True, None, 1.0, 4.0]
    spec = charts.trend_chart(t, title="t", unit_text="persons", source_line="s").to_dict()
    names = [
        x for x in _layers(spec) if x["mark"]["type"] == "text" and x["encoding"]["text"]["field"] == "country_label"
    ][0]
    ee = [r for r in _rows(spec, names) if r["country_label"] == "Estonia"][0]
    assert ee["year"] == last  # after the '<5' diamond, not on it


def test_not_given_notes_sit_under_their_bar_on_short_lines(ds):
    d = q.compare_data(ds.table, ds.codebook, indicator="victims", period="2022", breakdown="total", unit="persons")
    d = d.copy()
    lt = d["country"] == "LT"
    d.loc[lt, "status"] = "not_given"
    d.loc[lt, "category_label"] = "Sexual exploitation, Forced labour, Other or unspecified"
    d.loc[lt, "breakdown"] = "exploitation"
    spec = charts.compare_chart(d, title="t", unit_text="persons", source_line="s").to_dict()
    notes = [x for x in _layers(spec) if x["mark"]["type"] == "text" and x["mark"].get("baseline") == "top"]
    rows = _rows(spec, notes[0])
    assert rows and all(r["x"] == 0.0 for r in rows)  # from the bar's start, not past its end
    for r in rows:
        lines = r["label"].split("\n")
        assert len(lines) > 1 and all(len(x) <= charts._LABEL_CHARS + 6 for x in lines)
        assert " ".join(lines) == "not given: Sexual exploitation, Forced labour, Other or unspecified"
