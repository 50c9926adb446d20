"""The static map (PNG/SVG exports, slides): the same states, colours, values and legend as the
interactive pydeck map, with title, period, unit, sources and attribution in the file; it renders
offline through vl-convert and stays small."""

from __future__ import annotations

import io
import json
import math
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image

from components.core import i18n, style
from components.core.cite import source_line
from components.core.figure import Figure
from components.draw import files as ex, geo, map_deck as mp
from components.draw.map_static import static_map
from etl.countries import BALTIC

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 1, 2)


def _map(ds, period: str, sel: str | None = None, **kw):
    spec = mp.build(ds.table, ds.sources, ds.codebook, indicator="victims", period=period, unit="persons", sel=sel)
    choro, legend = mp.static_inputs(spec, ds.codebook)
    ids = tuple(dict.fromkeys(s for s in choro["source_id"] if s))
    chart = static_map(
        choro,
        legend,
        title=f"Registered victims, {period}",
        unit="persons",
        source_line=source_line(ids, ds.sources),
        sel=sel,
        validate=True,
        **kw,
    )
    return spec, choro, legend, chart, ids


def _layers(d: dict) -> list[dict]:
    return d["layer"]


def _geo_layers(d: dict) -> list[dict]:
    return [lay for lay in _layers(d) if (lay.get("mark") or {}).get("type") == "geoshape"]


def _baltic(d: dict) -> dict[str, dict]:
    lay = next(lay for lay in _geo_layers(d) if "color" in (lay.get("encoding") or {}))
    return {f["properties"]["iso_a2"]: f["properties"] for f in lay["data"]["values"]}, lay


def test_layers_projection_and_texts(ds):
    _, choro, legend, d, _ = _map(ds, "2014", sel="LV")
    shapes = _geo_layers(d)
    assert len(shapes) == 5  # sea, neighbours, the three states, lakes, the selected outline
    assert d["projection"]["type"] == "mercator" and d["projection"]["fit"]["geometry"]["type"] == "Polygon"
    fills = [(lay["mark"].get("fill") or "").upper() for lay in shapes]
    assert style.MAP_LAND.upper() in fills and style.MAP_WATER.upper() in fills
    outline = shapes[-1]
    assert outline["mark"]["filled"] is False and [f["properties"]["iso_a2"] for f in outline["data"]["values"]] == [
        "LV"
    ]
    texts = [lay for lay in _layers(d) if (lay.get("mark") or {}).get("type") == "text"]
    names = {
        r["name"]
        for lay in texts
        for r in (d["datasets"][lay["data"]["name"]] if "name" in lay.get("data", {}) else [])
    }
    assert {"Estonia", "Latvia", "Lithuania", "Tallinn", "Rīga", "Vilnius"} <= names


def _text_names(d: dict) -> set[str]:
    texts = [lay for lay in _layers(d) if (lay.get("mark") or {}).get("type") == "text"]
    return {
        r["name"]
        for lay in texts
        for r in (d["datasets"][lay["data"]["name"]] if "name" in lay.get("data", {}) else [])
    }


def test_capitals_in_the_readers_language_attribution_unchanged(ds):
    """Issue 29: a Russian map names the capitals as Russian does (CLDR's names, data/geo/place_names.csv);
    Latvian and Lithuanian too; the attribution line is the same, only translated."""
    with i18n.using("ru"):
        _, _, _, d, _ = _map(ds, "2014", sel="LV")
        credit = geo.attribution()
    names = _text_names(d)
    assert {"Таллин", "Рига", "Вильнюс"} <= names and not {"Tallinn", "Rīga", "Vilnius"} & names
    assert "Эстония" in names  # the countries' names were already CLDR's
    assert credit in " ".join(d["title"]["subtitle"]) and "GeoNames" in credit
    with i18n.using("lv"):
        assert {"Tallina", "Rīga", "Viļņa"} <= _text_names(_map(ds, "2014")[3])
    with i18n.using("lt"):
        assert {"Talinas", "Ryga", "Vilnius"} <= _text_names(_map(ds, "2014")[3])  # no CLDR name: GeoNames'
    with i18n.using("et"):
        assert {"Tallinn", "Riia", "Vilnius"} <= _text_names(_map(ds, "2014")[3])


def test_each_state_filled_like_the_pydeck_map(ds):
    for period in ("2014", "2020", "2012-2016"):  # a '<5', values in several classes, 'no data'
        spec, choro, legend, d, _ = _map(ds, period)
        deck_props = {
            f["properties"]["iso_a2"]: f["properties"]
            for f in next(lay for lay in json.loads(spec.deck.to_json())["layers"] if lay["id"] == "baltic")["data"][
                "features"
            ]
        }
        props, lay = _baltic(d)
        scale = lay["encoding"]["color"]["scale"]
        colour_of = dict(zip(scale["domain"], scale["range"]))
        for iso in BALTIC:
            drawn = colour_of[props[iso]["cls"]]
            assert mp.rgba(drawn)[:3] == deck_props[iso]["fill"][:3], (period, iso)


def test_suppressed_and_no_data_are_said_never_zero(ds):
    _, choro, _, d, _ = _map(ds, "2014")
    props, _ = _baltic(d)
    assert choro.set_index("country").loc["LT", "status"] == "suppressed"
    assert props["LT"]["value"] == "<5" and props["LT"]["fill"] == style.MAP_SUPPRESSED.upper()
    assert props["LT"]["cls"].startswith("<5")
    _, _, _, d, _ = _map(ds, "2012-2016")
    props, _ = _baltic(d)
    assert props["EE"]["value"] == "no data" and props["EE"]["fill"] == style.MAP_NO_DATA.upper()
    assert props["EE"]["cls"] == "no data"


def test_legend_classes_and_unit(ds):
    _, _, legend, d, _ = _map(ds, "2020")
    _, lay = _baltic(d)
    col = lay["encoding"]["color"]
    assert col["legend"]["title"] == "persons"
    assert col["scale"]["domain"] == [x["label"] for x in legend]
    assert [c.upper() for c in col["scale"]["range"]] == [x["color"].upper() for x in legend]
    assert "no data" in col["scale"]["domain"] and any(x.startswith("<5") for x in col["scale"]["domain"])
    assert col["legend"]["labelLimit"] == 0  # never cut


def test_title_period_unit_sources_notes_attribution(ds):
    _, _, _, d, ids = _map(ds, "2020", notes=("Synthetic note: a definition changed",))
    assert d["title"]["text"] == "Registered victims, 2020"
    sub = " ".join(d["title"]["subtitle"])
    assert sub.startswith("persons")
    assert "Note: Synthetic note: a definition changed" in sub
    assert "Natural Earth" in sub and "GeoNames" in sub  # geo.ATTRIBUTION
    for i in ids:
        rec = ds.sources[ds.sources["source_id"] == i].iloc[0]
        assert f"{rec['publisher']}: {rec['title']}" in sub  # whole, not cut


def test_a_fill_is_needed_for_a_value():
    choro = pd.DataFrame([{"country": "EE", "status": "value", "value": 3.0, "suppressed": False}])
    with pytest.raises(ValueError):
        static_map(choro, [], title="t", unit="persons", source_line="Source: S")


def test_geometry_is_small_and_wound_for_d3(ds):
    _, _, _, d, _ = _map(ds, "2020")
    kb = len(json.dumps(d, separators=(",", ":"))) / 1024
    assert kb < 120, f"static map spec is {kb:.0f} KB"
    for name in ("countries", "context", "lakes"):
        for f in geo.static_layer(name):
            g = f["geometry"]
            polys = g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]]
            for p in polys:
                ring = p[0]
                area = sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:]))
                assert area < 0  # exterior clockwise: d3-geo would otherwise fill the whole globe
                assert all(math.isfinite(c) for pt in ring for c in pt)


def test_renders_offline_to_a_sensible_png_and_svg(ds):
    _, choro, _, d, ids = _map(ds, "2020", sel="EE")
    fig = Figure(
        kind="map",
        key="map",
        title="Registered victims, 2020",
        unit="persons",
        period=(2020, 2020),
        rows=choro,
        table=choro,
        source_ids=ids,
        source_line=source_line(ids, ds.sources),
        alt_text="",
        spec=d,
        notes=("Synthetic note",),
        file_stem="thb-baltic_victims_2020",
    )
    png = ex.figure_png(fig, ds.meta, ds.sources, today=TODAY)
    w, h = Image.open(io.BytesIO(png)).size
    assert 1500 <= w <= 1700 and 0.8 * w <= h <= 1.4 * w  # a map, not a strip or a globe
    svg = ex.figure_svg(fig, ds.meta, ds.sources, today=TODAY).decode()
    assert "Registered victims, 2020" in svg and "Data as of 2026-01-01" in svg and "Natural Earth" in svg
    assert svg.count(">Note: Synthetic note<") == 1  # drawn once (the map gave no notes; the figure has one)
    again = ex.figure_spec(
        Figure(
            **{
                **fig.__dict__,
                "spec": static_map(choro, [], title="t", unit="persons", source_line="S", notes=("Synthetic note",)),
            }
        ),
        "f",
    )
    assert sum("Synthetic note" in x for x in again["title"]["subtitle"]) == 1  # the map's own note, not repeated
    assert "<path" in svg and "Estonia" in svg and ex.figure_file_name(fig, "png") == "thb-baltic_victims_2020.png"


def test_static_inputs_leave_the_deck_alone(ds):
    spec = mp.build(ds.table, ds.sources, ds.codebook, indicator="victims", period="2020", unit="persons")
    before = spec.deck.to_json()
    choro, legend = mp.static_inputs(spec, ds.codebook)
    assert "fill" not in spec.choropleth.columns and spec.deck.to_json() == before
    assert list(choro["name"]) == [ds.codebook.country_label(c) for c in BALTIC]
    assert legend == spec.legend and legend is not spec.legend
    rate = mp.build(ds.table, ds.sources, ds.codebook, indicator="victims", period="2020", unit="per_million")
    shown = mp.static_inputs(rate, ds.codebook)[0]
    for r in shown.itertuples():
        assert r.shown == (
            "no data"
            if r.status == "no_data"
            else style.fmt_value(r.value, r.suppressed, "per_million", r.value_low, r.value_high)
        )
    assert geo.ATTRIBUTION


def test_a_slide_leaves_the_legend_the_room_its_longest_label_takes(ds):
    """/present: Streamlit fits map and legend into the spec's width; with a fixed room for the legend, a language
    whose longest label is long (lt 'neskelbtinas skaičius, 1–4 asmenys (…)') squeezed the map to a strip."""
    from components.decks import layout as lay

    _, choro, legend, _, _ = _map(ds, "2022")
    short = static_map(choro, legend, title="t", unit="persons", source_line="s")
    long_legend = [dict(x) for x in legend]
    long_legend[-1]["label"] = "neskelbtinas skaičius, 1–4 asmenys (jo intervalas šiuo matavimo vienetu)"
    long = static_map(choro, long_legend, title="t", unit="persons", source_line="s")
    assert lay.legend_px(short) == lay.SCREEN_MAP_LEGEND_PX  # English fits the usual room
    extra = lay.legend_px(long) - lay.legend_px(short)
    assert extra >= lay.text_width(long_legend[-1]["label"], 12, wider=1) - lay.SCREEN_MAP_LEGEND_PX + 40 > 0


def test_on_a_phone_the_slide_s_map_puts_its_legend_under_it(ds):
    """/present below its breakpoint: the map as its page draws it for a phone (the column's width, the legend
    under it); the wide slide's legend beside the map was cut off at a phone's edge."""
    from types import SimpleNamespace

    from components.decks import layout as lay
    from components.ui import page_data

    _, choro, legend, _, _ = _map(ds, "2022")
    spec = static_map(choro, legend, title="t", unit="persons", source_line="s")
    fig = SimpleNamespace(chart_spec=lambda: spec, unit="persons", source_line="s", notes=())
    narrow = lay.screen_stacked(fig)
    assert narrow is not None and "projection" in narrow
    assert page_data.screen_spec(narrow)["config"]["legend"]["orient"] == "bottom"
    assert "screen_config" not in (lay.screen_spec(fig).get("usermeta") or {})  # the wide slide: beside it
    # a slide's long labels (lt 'neskelbiamas skaičius, 1–4 asmenys (…)'): one a line, not two columns cut off
    long_legend = [dict(x) for x in legend]
    long_legend[-1]["label"] = "neskelbiamas skaičius, 1–4 asmenys (jo intervalas šiuo matavimo vienetu)"
    long = static_map(choro, long_legend, title="t", unit="persons", source_line="s")
    wide_fig = SimpleNamespace(chart_spec=lambda: long, unit="persons", source_line="s", notes=())
    assert page_data.screen_spec(lay.screen_stacked(wide_fig))["config"]["legend"]["columns"] == 1
