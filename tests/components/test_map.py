"""The map builder on the real harmonised data: layers, values per Baltic feature, no-data and '<5'
styles, arcs only where a source row names the country; the geometry and capitals behind it."""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from components.core import i18n, queries as q, style
from components.core.dataset import Dataset, load
from components.draw import geo, map_deck as mp
from components.view.options import Options
from components.view.state import ViewState
from etl.countries import BALTIC

ROOT = Path(__file__).resolve().parents[2]
BASE_LAYERS = ["context", "baltic", "lakes", "regions", "cities", "place_labels", "country_labels"]


@pytest.fixture(scope="module")
def real() -> Dataset:
    return load(ROOT / "data")


def _deck(spec: mp.MapSpec) -> dict:
    return json.loads(spec.deck.to_json())


def _layer(d: dict, layer_id: str) -> dict:
    return next(lay for lay in d["layers"] if lay["id"] == layer_id)


def _props(d: dict) -> dict[str, dict]:
    return {f["properties"]["iso_a2"]: f["properties"] for f in _layer(d, "baltic")["data"]["features"]}


def _build(ds, **kw):
    args = {"indicator": "victims", "period": "2020", "unit": "persons"} | kw
    return mp.build(ds.table, ds.sources, ds.codebook, **args)


# ------------------------------------------------------------------------------------------- deck


def test_layers_and_offline_base_style(real):
    d = _deck(_build(real))
    assert [lay["id"] for lay in d["layers"]] == BASE_LAYERS
    assert d["mapStyle"] == "app/static/blank-style.json"  # no tile server
    assert _layer(d, "baltic")["pickable"] is True
    assert len(_layer(d, "baltic")["data"]["features"]) == 3


def test_selected_and_flows_layers(real):
    d = _deck(_build(real, sel="LV", flows=True))
    ids = [lay["id"] for lay in d["layers"]]
    # zoomed out to the arcs, the city and neighbour names are left out (they would pile up)
    assert ids == BASE_LAYERS[:4] + ["selected", "cities", "flows", "flow_ends", "flow_labels"]
    sel = _layer(d, "selected")["data"]["features"]
    assert [f["properties"]["iso_a2"] for f in sel] == ["LV"]


def test_each_baltic_feature_carries_its_value(real):
    """LV 2020 victims = 48 persons (UNODC GLOTIP); EE and LT equal their preferred totals."""
    d = _deck(_build(real))
    props = _props(d)
    assert props["LV"]["value"] == 48.0 and props["LV"]["status"] == "value"
    assert props["LV"]["source_id"] == "UNODC_GLOTIP_2025"
    assert props["LV"]["tt_value"] == "48 persons"
    p = real.table[
        real.table["preferred"]
        & (real.table["indicator"] == "victims")
        & (real.table["period"] == "2020")
        & (real.table["breakdown"] == "total")
        & (real.table["unit"] == "persons")
    ]
    for c in ("EE", "LT"):
        assert props[c]["value"] == float(p.loc[p["country"] == c, "value"].iloc[0])
    spec = _build(real)
    for pr in props.values():
        assert pr["fill"][:3] == mp.rgba(mp.class_color(pr["value"], spec.breaks))[:3]
    labels = {r["text"].split("\n")[0]: r["text"].split("\n")[1] for r in _layer(d, "country_labels")["data"]}
    assert labels["Latvia"] == "48"


def test_per_million_uses_rate_rows(real):
    props = _props(_deck(_build(real, unit="per_million")))
    assert props["LV"]["value"] == pytest.approx(25.1615)  # 48 / 1,907,675 x 1e6, four decimals
    assert "per million" in props["LV"]["tt_value"]


def test_country_without_data_gets_no_data_style(real):
    t = real.table
    drop = (t["country"] == "LT") & (t["indicator"] == "victims") & (t["period"] == "2020")
    spec = mp.build(t[~drop], real.sources, real.codebook, indicator="victims", period="2020", unit="persons")
    props = _props(_deck(spec))
    assert props["LT"]["status"] == "no_data" and props["LT"]["value"] is None
    assert props["LT"]["fill"][:3] == mp.rgba(style.MAP_NO_DATA)[:3]
    assert props["LT"]["tt_value"] == "No data for this period"
    assert all(props["LT"]["fill"][:3] != mp.rgba(c)[:3] for c in style.MAP_RAMP)  # never a class colour
    labels = [r["text"] for r in _layer(_deck(spec), "country_labels")["data"]]
    assert "Lithuania\nno data" in labels
    assert {"color": style.MAP_NO_DATA, "label": "no data"} in spec.legend


def test_a_real_gap_is_no_data(real):
    """Some real indicator-period lacks a country: it must come out as no data, not 0."""
    opts_inds = q.indicators_available(real.table, real.codebook)
    for ind in opts_inds:
        unit = q.unit_for(real.table, ind, "absolute")
        for per in q.periods_available(real.table, ind):
            ch = mp.choropleth_data(real.table, indicator=ind, period=per, unit=unit)
            if (ch["status"] == "no_data").any() and (ch["status"] != "no_data").any():
                props = _props(
                    _deck(mp.build(real.table, real.sources, real.codebook, indicator=ind, period=per, unit=unit))
                )
                for c in ch.loc[ch["status"] == "no_data", "country"]:
                    assert props[c]["fill"][:3] == mp.rgba(style.MAP_NO_DATA)[:3]
                return
    pytest.skip("every indicator-period has all three countries")


def test_suppressed_is_drawn_as_lt5_not_zero(real):
    t = real.table.copy()
    m = (
        (t["country"] == "EE")
        & (t["indicator"] == "victims")
        & (t["period"] == "2020")
        & (t["breakdown"] == "total")
        & (t["unit"] == "persons")
        & t["preferred"]
    )
    t.loc[m, ["value", "suppressed", "value_low", "value_high"]] = [float("nan"), True, 1.0, 4.0]
    spec = mp.build(t, real.sources, real.codebook, indicator="victims", period="2020", unit="persons")
    props = _props(_deck(spec))
    assert props["EE"]["status"] == "suppressed"
    assert props["EE"]["fill"][:3] == mp.rgba(style.MAP_SUPPRESSED)[:3]
    assert props["EE"]["tt_value"].startswith("&lt;5")
    assert "Estonia\n<5" in [r["text"] for r in _layer(_deck(spec), "country_labels")["data"]]


def test_class_breaks_and_legend(real):
    b = mp.class_breaks(real.table, indicator="victims", unit="persons")
    assert b == sorted(set(b)) and all(float(x).is_integer() for x in b)
    leg = mp.legend_items(b, "persons")
    assert len(leg) == len(b) + 3 and leg[-2]["color"] == style.MAP_SUPPRESSED
    assert mp.class_color(-1, b) == style.MAP_RAMP[0] and mp.class_color(1e9, b) == style.MAP_RAMP[-1]
    assert mp.legend_items([], "persons")[0]["label"] == "any value"


def test_tooltip_fields_on_every_pickable_layer(real):
    d = _deck(_build(real, flows=True))
    tooltip_keys = re.findall(r"\{(\w+)\}", mp.TOOLTIP["html"])
    assert len(tooltip_keys) == 5
    for lay in d["layers"]:
        if not lay.get("pickable"):
            continue
        rows = lay["data"]["features"] if isinstance(lay["data"], dict) else lay["data"]
        for r in rows:
            r = r.get("properties", r)
            assert all(k in r for k in tooltip_keys), lay["id"]


def test_tooltip_escapes_markup(real):
    s = real.sources.copy()
    s.loc[s["source_id"] == "UNODC_GLOTIP_2025", "publisher"] = "<img src=x onerror=alert(1)>"
    props = _props(_deck(mp.build(real.table, s, real.codebook, indicator="victims", period="2020", unit="persons")))
    assert "<img" not in props["LV"]["tt_source"] and "&lt;img" in props["LV"]["tt_source"]


# ------------------------------------------------------------------------------------------ flows


def _flow_rows_expected(t: pd.DataFrame, country: str, period: str) -> set[tuple[str, str]]:
    p = t[
        t["preferred"]
        & (t["indicator"] == "victims")
        & (t["unit"] == "persons")
        & (t["period"] == period)
        & (t["country"] == country)
        & t["breakdown"].isin(["citizenship_country", "repatriation_country"])
        & (t["value"].notna() | t["suppressed"])
        & (t["category"] != country)
        & t["category"].str.fullmatch(r"[A-Z]{2}")
    ]
    return {(mp.FLOW_BREAKDOWNS[b], c) for b, c in zip(p["breakdown"], p["category"])}


def test_arcs_only_where_a_source_row_exists(real):
    spec = _build(real, sel="LV", flows=True)
    got = set(zip(spec.flows["direction"], spec.flows["partner"]))
    assert got == _flow_rows_expected(real.table, "LV", "2020")
    assert ("in", "TJ") in got and ("in", "UZ") in got and ("out", "GB") in got
    assert "LV" not in set(spec.flows["partner"])  # own citizens are not a flow
    assert (spec.flows["source_id"] != "").all()
    tj = spec.flows[spec.flows["partner"] == "TJ"].iloc[0]
    assert tj["label"] == "18" and tj["status"] == "value"
    gb = spec.flows[spec.flows["partner"] == "GB"].iloc[0]
    assert gb["label"] == "<5" and gb["status"] == "suppressed"
    arcs = _layer(_deck(spec), "flows")["data"]
    assert len(arcs) == len(spec.flows)
    assert {a["label"] for a in arcs} >= {"Tajikistan: 18", "United Kingdom: <5"}
    # an arc's far end is the partner's capital (GeoNames)
    cap = geo.capitals()["TJ"]
    tj_arc = next(a for a in arcs if a["label"].startswith("Tajikistan"))
    assert tj_arc["source"] == [cap["lon"], cap["lat"]] and tj_arc["target"][0] == geo.capitals()["LV"]["lon"]


def test_all_three_states_without_selection(real):
    spec = _build(real, period="2022", flows=True)
    assert set(spec.flows["country"]) <= set(BALTIC)
    for c in BALTIC:
        sub = spec.flows[spec.flows["country"] == c]
        assert set(zip(sub["direction"], sub["partner"])) == _flow_rows_expected(real.table, c, "2022")


def test_reported_no_count_arc_only_for_a_named_country(real):
    t = real.table
    base = (
        t[
            (t["country"] == "EE")
            & (t["indicator"] == "victims")
            & (t["period"] == "2020")
            & (t["breakdown"] == "total")
            & (t["unit"] == "persons")
            & t["preferred"]
        ]
        .iloc[[0]]
        .copy()
    )
    named = base.assign(
        breakdown="citizenship_country",
        category="VN",
        value=float("nan"),
        suppressed=False,
        preferred=False,
        source_id="TEST_NAMES_VN",
        source_location="p. 1",
        flags="",
    )
    spec = mp.build(
        pd.concat([t, named], ignore_index=True),
        real.sources,
        real.codebook,
        indicator="victims",
        period="2020",
        unit="persons",
        sel="EE",
        flows=True,
    )
    vn = spec.flows[spec.flows["partner"] == "VN"]
    assert len(vn) == 1 and vn.iloc[0]["status"] == "named" and vn.iloc[0]["label"] == "reported, no count"
    arc = next(a for a in _layer(_deck(spec), "flows")["data"] if a["label"].endswith("reported, no count"))
    assert arc["width"] == 1.0 and "TEST_NAMES_VN" in arc["tt_source"]
    # and without that row there is no VN arc: nothing is invented
    assert "VN" not in set(_build(real, sel="EE", flows=True).flows["partner"])


def test_named_row_does_not_duplicate_a_count(real):
    t = real.table
    row = t[
        (t["country"] == "LV")
        & (t["period"] == "2020")
        & (t["breakdown"] == "citizenship_country")
        & (t["category"] == "TJ")
        & (t["unit"] == "persons")
        & t["preferred"]
    ].copy()
    row = row.assign(value=float("nan"), suppressed=False, preferred=False, source_id="TEST_TJ")
    spec = mp.build(
        pd.concat([t, row], ignore_index=True),
        real.sources,
        real.codebook,
        indicator="victims",
        period="2020",
        unit="persons",
        sel="LV",
        flows=True,
    )
    assert (spec.flows["partner"] == "TJ").sum() == 1
    assert spec.flows.loc[spec.flows["partner"] == "TJ", "status"].iloc[0] == "value"


def test_flows_off_or_empty_draw_no_arcs(real):
    assert "flows" not in [lay["id"] for lay in _deck(_build(real))["layers"]]
    spec = _build(real, period="2012-2016", flows=True)
    assert spec.flows.empty and "flows" not in [lay["id"] for lay in _deck(spec)["layers"]]
    assert "No flow" in spec.alt_text


def test_view_widens_with_flows(real):
    d0 = _deck(_build(real))["initialViewState"]
    d1 = _deck(_build(real, sel="LV", flows=True))["initialViewState"]
    assert d0["zoom"] == mp.DEFAULT_VIEW["zoom"] and d1["zoom"] < d0["zoom"]
    v = mp.fit_view(20.9, 53.9, 28.2, 59.7)
    assert 4.5 < v["zoom"] < 6 and 56 < v["latitude"] < 58


def test_arc_width():
    assert mp.arc_width("named", float("nan")) == 1.0
    assert mp.arc_width("value", 1) < mp.arc_width("suppressed", float("nan")) < mp.arc_width("value", 5)
    assert mp.arc_width("value", 100) > mp.arc_width("value", 25)


def test_compact_json(real):
    js = _build(real).deck.to_json()
    assert "\n" not in js and len(js) < 600_000  # pydeck's indent=2 would be ~6x larger


def test_alt_text_names_the_values(real):
    assert "Latvia 48" in _build(real).alt_text


def test_selected_country_from_selection_event():
    ev = {
        "selection": {
            "indices": {"baltic": [1]},
            "objects": {"baltic": [{"type": "Feature", "properties": {"iso_a2": "LV"}}]},
        }
    }
    assert mp.selected_country(ev) == "LV"
    assert mp.selected_country({"selection": {"objects": {"baltic": [{"iso_a2": "EE"}]}}}) == "EE"
    assert mp.selected_country({"selection": {"objects": {"flows": [{"label": "x"}]}}}) is None
    assert mp.selected_country({"selection": {"objects": {"baltic": [{"properties": {"iso_a2": "XX"}}]}}}) is None
    assert mp.selected_country(None) is None and mp.selected_country("junk") is None


# ------------------------------------------------------------------------------------ view state

OPTS = Options(
    countries=(*BALTIC, "EU27"),
    indicators=("victims",),
    periods={"victims": ("2020",)},
    measures={"victims": ("absolute", "per_million")},
)


def test_map_view_state_round_trip():
    v = ViewState(page="map", indicator="victims", period="2020", measure="per_million", sel="LT", flows=True)
    assert v.to_query() == {"per": "2020", "m": "pm", "sel": "LT", "flows": "1"}
    assert ViewState.from_query(v.to_query(), OPTS, "map") == (v, [])
    assert ViewState(page="map").to_query() == {}


@pytest.mark.parametrize("params", [{"sel": "EU27"}, {"sel": "<script>"}, {"flows": "maybe"}, {"sel": ""}])
def test_map_view_state_hostile(params):
    v, notices = ViewState.from_query(params, OPTS, "map")
    assert v.sel is None and v.flows is False and notices
    assert all("<" not in n for n in notices)


# ------------------------------------------------------------------------------- geometry and files


def test_geometry_small_valid_and_in_place():
    total = sum(p.stat().st_size for p in (ROOT / "data" / "geo").iterdir())
    assert total < 800_000  # originals as copied + their lighter display copies
    # what the browser gets for the orientation layers (issue 18: the map's first draw): about half
    sent = sum(len(json.dumps(geo.layer(n), separators=(",", ":"))) for n in ("context", "lakes", "regions"))
    assert sent < 200_000
    x0, y0, x1, y1 = geo.bounds(geo.countries())
    assert (20.5 < x0 < 21.5) and (53.5 < y0 < 54.2) and (28 < x1 < 28.5) and (59.5 < y1 < 60)
    for name in ("countries", "context", "lakes", "regions"):
        for f in geo.layer(name)["features"]:
            g = f["geometry"]
            for poly in g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]]:
                for ring in poly:
                    assert len(ring) >= 4 and ring[0] == ring[-1]
    assert {f["properties"]["iso_a2"] for f in geo.countries()["features"]} == set(BALTIC)
    assert len(geo.regions()["features"]) == 21
    for c in BALTIC:
        lon, lat = geo.label_point(c)
        assert x0 < lon < x1 and y0 < lat < y1


def test_every_named_country_has_a_capital(real):
    t = real.table
    cats = set(t.loc[t["breakdown"].isin(["citizenship_country", "repatriation_country"]), "category"])
    iso = {c for c in cats if len(c) == 2 and c.isupper()}
    assert iso and iso <= set(geo.capitals())
    assert geo.capitals()["UZ"]["capital"] == "Tashkent"
    assert all(-180 <= c["lon"] <= 180 and -90 <= c["lat"] <= 90 for c in geo.capitals().values())


def test_place_names_in_the_readers_language(real):
    """Issue 29: the interactive map's city labels in the run's language where a source names them (CLDR), the
    GeoNames name otherwise (never an English exonym on a non-English page); English keeps its names."""

    def labels() -> set[str]:
        return {r["label"] for r in _layer(_deck(_build(real)), "place_labels")["data"]}

    with i18n.using("ru"):
        ru = labels()
    assert {"Таллин", "Рига", "Вильнюс", "Хельсинки", "Стокгольм", "Калининград"} <= ru
    assert "Kaunas" in ru and "Sankt-Peterburg" in ru and "Saint Petersburg" not in ru  # no sourced Russian name
    with i18n.using("en"):
        en = labels()
    assert {"Tallinn", "Rīga", "Vilnius", "Helsinki", "Saint Petersburg"} <= en
    names = geo.place_names()
    assert names[(588409, "ru")] == "Таллин" and names[(456172, "lt")] == "Ryga" and names[(593116, "lv")] == "Viļņa"
    rows = (ROOT / "data" / "geo" / "place_names.csv").read_text(encoding="utf-8").splitlines()
    assert rows[0].split(",")[-1] == "source" and all(r.split(",")[-1].startswith("CLDR ") for r in rows[1:])
    ids = {c["geonameid"] for c in geo.cities()} | {c["geonameid"] for c in geo.capitals().values()}
    assert None not in ids and {gid for gid, _ in names} <= ids


def test_attribution_and_static_style():
    assert "Natural Earth" in geo.ATTRIBUTION and "GeoNames" in geo.ATTRIBUTION and "Eurostat" in geo.ATTRIBUTION
    sources = (ROOT / "data" / "geo" / "SOURCES.md").read_text(encoding="utf-8")
    assert "CC BY 4.0" in sources and "capitals.csv" in sources
    st = json.loads((ROOT / "static" / "blank-style.json").read_text(encoding="utf-8"))
    assert st["version"] == 8 and st["sources"] == {}
    assert st["layers"][0]["paint"]["background-color"].upper() == style.MAP_WATER
    cfg = (ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8")
    assert "enableStaticServing = true" in cfg


def test_rgba():
    assert mp.rgba("#FF8000") == [255, 128, 0, 255] and mp.rgba("#000000", 10)[3] == 10
    assert not math.isnan(mp.fit_view(0, 0, 1, 1)["zoom"])


def test_class_breaks_are_round_and_read_as_ranges(real):
    """Issue 13: round edges from the 1-2.5-5 ladder ('10–25', not '22 to under 25'), per indicator and measure."""
    ladder = {1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000}
    for ind in ("victims", "suspects", "convicted"):
        for unit in ("persons", "per_million"):
            b = mp.class_breaks(real.table, indicator=ind, unit=unit)
            assert b and set(b) <= ladder, (ind, unit, b)
            labels = [i["label"] for i in mp.legend_items(b, unit)][:-2]
            assert labels[0].startswith("under ") and labels[-1].endswith(" or more")
            assert all("–" in x and "under" not in x for x in labels[1:-1])
    assert [i["label"] for i in mp.legend_items([10.0, 25.0, 50.0], "persons")][:4] == [
        "under 10",
        "10–25",
        "25–50",
        "50 or more",
    ]


def test_display_copies_are_what_the_script_makes_and_keep_the_states_borders():
    """data/geo/*_display.geojson are make_display.py's output from the copied originals (reproducible), and the
    simplified neighbours still meet the Baltic states' outlines exactly (no sliver under the border)."""
    import importlib.util

    import shapely
    from shapely.geometry import shape
    from shapely.ops import unary_union

    spec = importlib.util.spec_from_file_location("make_display", ROOT / "data" / "geo" / "make_display.py")
    make = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make)
    texts = make.texts()
    assert {f"baltic_{n}_display.geojson" for n in ("countries", "context", "lakes", "regions")} | {
        f"baltic_{n}_static.geojson" for n in ("countries", "context", "lakes")
    } == set(texts)
    for name, text in texts.items():
        assert (ROOT / "data" / "geo" / name).read_text(encoding="utf-8") == text, f"{name}: run `make geo`"

    def union(features):
        return unary_union([shapely.make_valid(shape(f["geometry"])) for f in features])

    baltic = union(geo.countries()["features"])
    near = baltic.buffer(make.TOLERANCE)
    original = union(json.loads((ROOT / "data" / "geo" / "baltic_context.geojson").read_text())["features"])
    display = union(geo.context()["features"])
    missing_near_border = original.intersection(near).difference(display.buffer(1e-3))
    assert missing_near_border.area < 1e-5, missing_near_border.area
    assert original.symmetric_difference(display).area < 0.005 * original.area  # islets under 1 km may go
    # neighbours still share their borders (a gap would show as a water-coloured line between them)
    before = json.loads((ROOT / "data" / "geo" / "baltic_context.geojson").read_text())["features"]
    after = geo.context()["features"]
    for i, a in enumerate(before):
        for b in before[i + 1 :]:
            shared = union([a]).boundary.intersection(union([b]).buffer(1e-4)).length
            if shared < 0.1:
                continue
            a2, b2 = (
                union([f for f in after if f["properties"]["iso_a2"] == x["properties"]["iso_a2"]]) for x in (a, b)
            )
            kept = a2.boundary.intersection(b2.buffer(1e-3)).length
            assert kept > 0.8 * shared, (a["properties"]["iso_a2"], b["properties"]["iso_a2"], shared, kept)


def test_the_app_reads_the_map_geometry_as_made_offline():
    """Clipping, rounding and winding happen in data/geo/make_display.py (shapely, the geo extra); the app only
    reads its files: what it draws is the file's content, and the static map's box lies inside what was cut."""
    from components.draw import map_static as ms

    for name in ("countries", "context", "lakes", "regions"):
        path = ROOT / "data" / "geo" / f"baltic_{name}_display.geojson"
        assert geo.layer(name) == json.loads(path.read_text(encoding="utf-8"))
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_display", ROOT / "data" / "geo" / "make_display.py")
    make = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make)
    assert make.STATIC_PAD > ms.MARGIN  # context beyond the fitted box
    x0, y0, x1, y1 = ms._box()
    xs = [
        pt[0]
        for f in geo.static_layer("context")
        for poly in (
            f["geometry"]["coordinates"] if f["geometry"]["type"] == "MultiPolygon" else [f["geometry"]["coordinates"]]
        )
        for pt in poly[0]
    ]
    assert min(xs) < x0 and max(xs) > x1  # the neighbours reach past the fitted box on both sides
    code = "import sys, components.draw.map_deck, components.draw.map_static, components.draw.geo; sys.exit('shapely' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0
