"""The regional map as a static Vega-Lite choropleth, for PNG/SVG exports and slides. Pure: no Streamlit.

The interactive map (components/draw/map_deck.py, pydeck) needs a browser and a map canvas; a file or a slide
needs the same map drawn once, saying everything itself. `static_map` draws it from the same GeoJSON
(components/draw/geo.py) with the same colours:

- a Mercator projection fitted to the three Baltic states (with a margin), water as the background;
- neighbouring countries in the land grey [context], large lakes [lakes];
- each Baltic state filled by its class colour [baltic] — '<5' in its own fill and written "<5", never
  0; no figure in the 'no data' grey and written "no data" — and its name and value printed on it
  [labels]; the selected state outlined [selected]; the three capitals for orientation [capitals];
- a legend of the classes titled with the unit; the title (with the period), then the unit, the
  source line, the notes and the map data's attribution as subtitle lines.

The geometry is cut to the map's box and rounded to 2 decimals (about 1 km, under a pixel at this
scale), and rings are wound clockwise as d3-geo (Vega) expects: the spec stays small (see the tests).
That is done offline (data/geo/make_display.py, `*_static.geojson`); here the shapes are only read.

    choro, legend = components.draw.map_deck.static_inputs(map_spec, cb)
    chart = static_map(choro, legend, title="Registered victims, 2022", unit="persons",
                       source_line="Sources: …", notes=(...), sel="EE")
"""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from components.core import i18n, style
from components.draw import geo
from components.draw.files import AXIS_PX, note_line, wrap_lines  # one wrapping rule for every exported text
from etl.countries import BALTIC

WIDTH, HEIGHT = 460, 560  # the plot; the three states are taller than wide
MARGIN = 0.35  # degrees around the three states' box, so the neighbours frame them
LEGEND_PX = 250  # the legend right of the map (its longest label: "<5 (suppressed count, not a value)")
LABEL_COLOR = "#141414"
# neighbours' names (lon, lat) inside the fitted box, clear of the Baltic states
CONTEXT_LABELS = [
    ("RU", "Russia", 28.2, 58.25),
    ("BY", "Belarus", 27.4, 54.3),
    ("PL", "Poland", 22.2, 54.05),
    ("RU", "Russia", 21.1, 54.65),
]  # names shown in the run's language (CLDR)


# ------------------------------------------------------------------------------------- geometry


def _box() -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = geo.bounds(geo.countries())
    return x0 - MARGIN, y0 - MARGIN, x1 + MARGIN, y1 + MARGIN


def _fit_box() -> dict:
    """The projection is fitted to this rectangle (clockwise): the three states and a margin."""
    x0, y0, x1, y1 = _box()
    return {
        "type": "Feature",
        "properties": {},
        "geometry": {"type": "Polygon", "coordinates": [[[x0, y0], [x0, y1], [x1, y1], [x1, y0], [x0, y0]]]},
    }


# ------------------------------------------------------------------------------------------- map


def _value_text(r: dict, unit: str) -> str:
    if isinstance(r.get("shown"), str) and r["shown"]:
        return r["shown"]
    if r.get("status") == "no_data":
        return i18n._("no data")
    value = r.get("value")
    value = None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)
    return style.fmt_value(value, bool(r.get("suppressed")), unit or "persons", r.get("value_low"), r.get("value_high"))


def _wrap(lines) -> list[str]:
    return wrap_lines([x for x in lines if x], WIDTH + LEGEND_PX)


PICK = "pick"  # the point selection on the three states: a click on the page's map opens a country's detail


def selected_country(event) -> str | None:
    """The state clicked on the page's map (Streamlit's selection event of the chart), or None."""
    try:
        points = event["selection"][PICK] if event else []
    except (KeyError, TypeError):
        return None
    iso = points[0].get("iso") if points and isinstance(points[0], dict) else None
    return iso if iso in BALTIC else None


def _inline(spec: dict, named: dict[str, list]) -> dict:
    """Put the geometry in place of the layers' named data. Altair deep-copies and walks every coordinate
    of inline values (about 0.5 s for this map); a dict built after `to_dict` costs nothing."""
    for layer in spec.get("layer", ()):
        data = layer.get("data")
        if isinstance(data, dict) and data.get("name") in named:
            layer["data"] = {"values": named[data["name"]]}
    return spec


def static_map(
    choro: pd.DataFrame,
    legend: list[dict],
    *,
    title: str,
    unit: str,
    source_line: str,
    notes: tuple[str, ...] = (),
    sel: str | None = None,
    unit_code: str | None = None,
    validate: bool = False,
) -> dict:
    """The map of `choro` (one row per Baltic state: country, status, value, suppressed, fill, and
    optionally name and shown — components.draw.map_deck.static_inputs gives all) with `legend` ({color, label}
    rows, as components.draw.map_deck.legend_items), as a Vega-Lite spec. `unit`: the unit's words (legend
    title, subtitle); without a `shown` column, `unit_code` ('persons', 'per_million' …) formats the
    printed values (default: a count when `unit` names one). A click on a state selects it (`PICK`,
    read by `selected_country`); in a file the selection does nothing."""
    code = unit_code or ("persons" if unit in ("persons", "cases", "offences") else unit)
    labels = [str(x["label"]) for x in legend]
    colors = [str(x["color"]).upper() for x in legend]
    by_color = dict(zip(colors, labels))
    rows = {r["country"]: r for r in choro.to_dict("records")}
    baltic, label_rows = [], []
    for f in geo.static_layer("countries"):
        iso = f["properties"]["iso_a2"]
        r = rows.get(iso) or {"country": iso, "status": "no_data", "value": float("nan"), "suppressed": False}
        fill = r.get("fill")
        if not isinstance(fill, str) or not fill:
            if r.get("status") == "value":  # a class colour needs the breaks: map.static_inputs gives it
                raise ValueError(f"choro needs a 'fill' for {iso} (components.draw.map_deck.static_inputs)")
            fill = style.MAP_SUPPRESSED if r.get("status") == "suppressed" else style.MAP_NO_DATA
        fill = fill.upper()
        if fill not in by_color:  # a colour the legend does not name: add it, never leave it unexplained
            by_color[fill] = {style.MAP_SUPPRESSED.upper(): "<5", style.MAP_NO_DATA.upper(): i18n._("no data")}.get(
                fill, fill
            )
            labels.append(by_color[fill])
            colors.append(fill)
        name = str(r.get("name") or iso)
        value = _value_text(r, code)
        baltic.append(
            {
                "type": "Feature",
                "geometry": f["geometry"],
                "properties": {
                    "iso_a2": iso,
                    "name": name,
                    "status": r.get("status"),
                    "fill": fill,
                    "cls": by_color[fill],
                    "value": value,
                },
            }
        )
        lon, lat = geo.label_point(iso)
        label_rows.append(
            {"lon": lon, "lat": lat, "country": iso, "name": name, "value": value, "status": r.get("status")}
        )
    # Cut to the view by the projection itself (d3's clipExtent, as the paths are made), not by an SVG clip-path
    # per layer: a rasteriser masks a clipped layer pixel by pixel, and the map's PNG took 4-5 s at 1600 px wide
    # (1.1 s at its own size; 0.25 s without the clips)
    proj = alt.Projection(type="mercator", fit=_fit_box(), clipExtent=alt.ExprRef("[[0, 0], [width, height]]"))
    base = alt.Chart()
    named = {
        "context": list(geo.static_layer("context")),
        "lakes": list(geo.static_layer("lakes")),
        "baltic": baltic,
        "selected": [f for f in baltic if f["properties"]["iso_a2"] == sel],
    }
    context = base.mark_geoshape(fill=style.MAP_LAND, stroke="#A5A5A5", strokeWidth=0.6).properties(
        data=alt.Data(name="context")
    )
    lakes = base.mark_geoshape(fill=style.MAP_WATER, stroke="#A0B4C3", strokeWidth=0.4).properties(
        data=alt.Data(name="lakes")
    )
    states = (
        base.mark_geoshape(stroke="#464646", strokeWidth=1.0, cursor="pointer")
        .transform_calculate(iso="datum.properties.iso_a2")
        .add_params(alt.selection_point(name=PICK, fields=["iso"], on="click", toggle=False))
        .encode(
            color=alt.Color(
                "properties.cls:N",
                scale=alt.Scale(domain=labels, range=colors),
                legend=alt.Legend(
                    title=unit,
                    symbolType="square",
                    symbolSize=220,
                    symbolStrokeColor="#464646",
                    symbolStrokeWidth=0.6,
                    labelLimit=0,
                    titleLimit=0,
                    labelFontSize=12,
                    titleFontSize=12,
                ),
            ),
            # on the page, hovering a state shows its figure (as on the zoomable map); inert in files
            tooltip=[
                alt.Tooltip("properties.name:N", title=i18n._("Country")),
                alt.Tooltip("properties.value:N", title=unit),
            ],
        )
        .properties(data=alt.Data(name="baltic"))
    )
    sea = base.mark_geoshape(fill=style.MAP_WATER, stroke=None).properties(data=alt.Data(sphere=True))
    layers = [sea, context, states, lakes]
    if sel in BALTIC:
        layers.append(
            base.mark_geoshape(filled=False, stroke="#000000", strokeWidth=3).properties(data=alt.Data(name="selected"))
        )
    caps = pd.DataFrame(
        [
            {"lon": c["lon"], "lat": c["lat"], "name": geo.place_name(c)}
            for c in geo.cities()
            if c["capital"] and c["country"] in BALTIC
        ]
    )
    if not caps.empty:
        pos = dict(longitude=alt.Longitude("lon:Q"), latitude=alt.Latitude("lat:Q"))
        layers.append(
            alt.Chart(caps)
            .mark_circle(size=36, color="#282828", stroke="#FFFFFF", strokeWidth=1, opacity=1)
            .encode(**pos)
        )
        layers.append(
            alt.Chart(caps)
            .mark_text(dy=-10, fontSize=11, color="#2D2D2D", stroke="#FFFFFF", strokeWidth=3, strokeOpacity=0.9)
            .encode(text=alt.Text("name:N"), **pos)
        )
        layers.append(
            alt.Chart(caps).mark_text(dy=-10, fontSize=11, color="#2D2D2D").encode(text=alt.Text("name:N"), **pos)
        )
    box = _box()
    ctx = pd.DataFrame(
        [
            {"lon": x, "lat": y, "name": i18n.current().country(code, n)}
            for code, n, x, y in CONTEXT_LABELS
            if box[0] < x < box[2] and box[1] < y < box[3]
        ]
    )
    if not ctx.empty:
        layers.append(
            alt.Chart(ctx)
            .mark_text(fontSize=12, fontStyle="italic", color=style.MAP_CONTEXT_LABEL)
            .encode(longitude=alt.Longitude("lon:Q"), latitude=alt.Latitude("lat:Q"), text=alt.Text("name:N"))
        )
    lab = pd.DataFrame(label_rows)
    pos = dict(longitude=alt.Longitude("lon:Q"), latitude=alt.Latitude("lat:Q"))
    for halo in (True, False):
        extra = dict(stroke="#FFFFFF", strokeWidth=4, strokeOpacity=0.9) if halo else {}
        layers.append(
            alt.Chart(lab)
            .mark_text(dy=-10, fontSize=15, fontWeight="bold", color=LABEL_COLOR, **extra)
            .encode(text=alt.Text("name:N"), **pos)
        )
        layers.append(
            alt.Chart(lab)
            .mark_text(dy=9, fontSize=15, fontWeight="bold", color=LABEL_COLOR, **extra)
            .encode(text=alt.Text("value:N"), **pos)
        )
    credit = geo.attribution()
    subtitle = _wrap([unit, source_line, *(note_line(n) for n in notes), credit])
    # one layered chart made once: every .properties() or .configure_*() call makes a copy, and a copy of a
    # layered chart makes each of its layers again (a third of the map's build)
    chart = alt.layer(
        *layers,
        title=alt.TitleParams(
            text=title,
            subtitle=subtitle,
            anchor="start",
            fontSize=16,
            subtitleFontSize=12,
            font=style.FONT,
            subtitleFont=style.FONT,
            subtitleColor=style.CHART_SUBTEXT,
            offset=10,
            limit=0,
        ),
        width=WIDTH,
        height=HEIGHT,
        projection=proj,
        # exports wrap their lines to map + legend; the screen rewraps the paragraphs to its width and puts the
        # legend under the map (a phone's column is too narrow for both side by side)
        usermeta={
            "export_width": WIDTH + LEGEND_PX - AXIS_PX,
            "subtitle": [x for x in (unit, source_line, *(note_line(n) for n in notes), credit) if x],
            "attribution": credit,  # the exports put a figure's notes before it
            "screen_config": {"legend": {"orient": "bottom", "direction": "horizontal", "columns": 2}},
        },
    )
    # aria off on every mark too, as the charts (components/draw/charts.py): the chart's alt text names each state
    chart.config = alt.Config(
        font=style.FONT,
        background="#FFFFFF",
        aria=False,
        mark=alt.MarkConfig(aria=False),
        view=alt.ViewConfig(fill=style.MAP_WATER, stroke=None),
        legend=alt.LegendConfig(orient="right", labelColor=style.CHART_TEXT, titleColor=style.CHART_TEXT, aria=False),
        title=alt.TitleConfig(subtitleColor=style.CHART_SUBTEXT, aria=False),
    )
    return _inline(chart.to_dict(validate=validate), named)
