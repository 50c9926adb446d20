"""The regional map: a pure builder (harmonised table + view in, `pdk.Deck` out). No Streamlit here.

What the deck draws, bottom to top (layer ids in brackets):
- neighbouring countries in a neutral tone [context], large lakes [lakes];
- the three Baltic states filled by the chosen indicator/period/unit [baltic] (pickable: click opens
  the country's detail), NUTS-3 2021 borders as thin lines for orientation [regions], the selected
  country's outline [selected];
- cities and capitals [cities], their and the neighbours' names [place_labels], each state's name and value
  [country_labels];
- optionally flows [flows, flow_ends, flow_labels]: UNODC GLOTIP victims by citizenship (arcs into the
  state, from the capital of the citizenship country) and by country of repatriation (arcs out of the
  state, to the capital of the country the victims came back from). A `<5` count is drawn as `<5`;
  a country a source names without a count is a thin arc marked "reported, no count".

A figure that is suppressed or missing is never coloured as a value: '<5' and 'no data' have their
own fills and labels. The base map is `static/blank-style.json`, served by the app: no tile server.
"""

from __future__ import annotations

import html
import json
import math
import weakref
from dataclasses import dataclass, field

import pandas as pd
import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

from components.core import i18n, locations, style
from components.core.cite import source_name
from components.core.notes import row_note
from components.draw import geo
from etl.countries import BALTIC

MAP_STYLE = "app/static/blank-style.json"  # served by Streamlit (server.enableStaticServing)
FLOW_INDICATOR = "victims"
FLOW_BREAKDOWNS = {"citizenship_country": "in", "repatriation_country": "out"}
COUNT_UNITS = ("persons", "cases", "offences")
DEFAULT_VIEW = {"longitude": 24.6, "latitude": 56.9, "zoom": 5.0}  # the three states in a ~800x560 canvas
WIDTH, HEIGHT = 560, 560  # the view is fitted for about this canvas: the map column of the page

# context country names: hand-placed inside the box, clear of the city labels
# (ISO code, English name, lon, lat); the name is shown in the run's language (CLDR)
CONTEXT_LABELS = [
    ("FI", "Finland", 27.3, 60.75),
    ("SE", "Sweden", 15.6, 58.6),
    ("RU", "Russia", 31.0, 57.6),
    ("BY", "Belarus", 28.8, 54.6),
    ("PL", "Poland", 19.2, 53.2),
    ("RU", "Russia (Kaliningrad)", 21.2, 54.45),
]


def _context_name(code: str, english: str) -> str:
    t = i18n.current()
    base, _, place = english.partition(" (")
    return t.country(code, base) + (" " + i18n._("(Kaliningrad)") if place else "")


# pydeck reads a bare string argument as a JS expression; a quoted one stays a string
FONT = '"Source Sans Pro, Helvetica, Arial, sans-serif"'
TOOLTIP = {
    "html": "<b>{tt_title}</b><br/>{tt_value}<br/><span style='opacity:.8'>{tt_period}</span><br/>"
    "<span style='font-size:0.85em'>{tt_source}</span><br/><i style='font-size:0.85em'>{tt_flags}</i>",
    "style": {
        "backgroundColor": "#FFFFFF",
        "color": "#222222",
        "fontSize": "13px",
        "maxWidth": "340px",
        "border": "1px solid #999999",
        "padding": "6px 8px",
    },
}


def rgba(hex_color: str, alpha: int = 255) -> list[int]:
    h = hex_color.lstrip("#")
    return [int(h[i : i + 2], 16) for i in (0, 2, 4)] + [alpha]


def _esc(x) -> str:
    return html.escape(str(x), quote=True)


# --------------------------------------------------------------------------------------- data


def _preferred(table: pd.DataFrame) -> pd.DataFrame:
    return table[table["preferred"]]


def choropleth_data(
    table: pd.DataFrame, *, indicator: str, period: str | None, unit: str, countries=BALTIC
) -> pd.DataFrame:
    """One row per Baltic state: the preferred total for (indicator, period, unit), or 'no_data'.

    status: 'value' | 'suppressed' | 'no_data'.
    """
    p = _preferred(table)
    s = p[
        (p["indicator"] == indicator)
        & (p["period"] == (period or ""))
        & (p["breakdown"] == "total")
        & (p["category"] == "total")
        & (p["unit"] == unit)
        & p["country"].isin(countries)
        & (p["value"].notna() | p["suppressed"])
    ]
    s = s.drop_duplicates("country")
    rows = []
    for c in countries:
        m = s[s["country"] == c]
        if m.empty:
            rows.append(
                {
                    "country": c,
                    "status": "no_data",
                    "value": float("nan"),
                    "suppressed": False,
                    "value_low": float("nan"),
                    "value_high": float("nan"),
                    "source_id": "",
                    "source_location": "",
                    "flags": "",
                    "note": "",
                    "note_keys": "",
                    "period_label": period or "",
                }
            )
            continue
        r = m.iloc[0]
        rows.append(
            {
                "country": c,
                "status": "suppressed" if bool(r["suppressed"]) else "value",
                "value": r["value"],
                "suppressed": bool(r["suppressed"]),
                "value_low": r.get("value_low"),
                "value_high": r.get("value_high"),
                "source_id": r["source_id"],
                "source_location": r.get("source_location", ""),
                "flags": r["flags"],
                "note": r["note"],
                "note_keys": r.get("note_keys", ""),
                "period_label": r.get("period_label") or period or "",
            }
        )
    return pd.DataFrame(rows)


def _ladder(hi: float) -> list[float]:
    """Round class edges a reader takes in at a glance: 1, 2.5, 5, 10, 25, 50, 100, 250 … (and 0.1, 0.25, 0.5
    below 1), up to `hi`."""
    out, mag = [], 0.1
    while mag <= max(hi, 1.0) * 10:
        out += [mag, 2.5 * mag, 5 * mag]
        mag *= 10
    return [round(x, 2) for x in out]


def class_breaks(table: pd.DataFrame, *, indicator: str, unit: str, n: int = len(style.MAP_RAMP)) -> list[float]:
    """Upper-open class breaks for one indicator and measure: the quantiles of every single-year Baltic
    total of it (so a colour means the same in every year), each moved to the nearest round edge of the
    1–2.5–5 ladder (0–10, 10–25, 25–50, 50+ rather than 22 to under 25). k breaks make k+1 classes; a value
    on an edge belongs to the class above it."""
    p = _preferred(table)
    v = p[
        (p["indicator"] == indicator)
        & (p["unit"] == unit)
        & (p["breakdown"] == "total")
        & (p["category"] == "total")
        & p["country"].isin(BALTIC)
        & (p["period_start"] == p["period_end"])
        & p["value"].notna()
        & ~p["suppressed"]
    ]["value"].astype(float)
    if v.empty:
        return []
    ladder = _ladder(float(v.max()))
    if unit in COUNT_UNITS:
        ladder = [x for x in ladder if x >= 1 and float(x).is_integer()] or [1.0]
    out: list[float] = []
    for i in range(1, n):
        q = float(v.quantile(i / n))
        edge = min(ladder, key=lambda x: (abs(math.log(x) - math.log(q)) if q > 0 else x, x))
        if edge > float(v.min()) and (not out or edge > out[-1]):
            out.append(float(edge))
    return out


def class_index(value: float, breaks: list[float]) -> int:
    return sum(value >= b for b in breaks)


def class_color(value: float, breaks: list[float]) -> str:
    """Colour of a value: the ramp is spread over the classes that exist."""
    k = len(breaks) + 1
    ramp = style.MAP_RAMP
    idx = class_index(value, breaks)
    pos = 0 if k == 1 else round(idx * (len(ramp) - 1) / (k - 1))
    return ramp[pos]


def legend_items(breaks: list[float], unit: str) -> list[dict]:
    """Legend rows: {color, label} for each class, then '<5' and 'no data'."""
    f = lambda x: style.fmt_number(x, "persons" if float(x).is_integer() else "per_million")  # noqa: E731
    items = []
    if not breaks:
        items.append({"color": class_color(0, []), "label": i18n._("any value")})
    else:
        edges = [None] + breaks + [None]
        for lo, hi in zip(edges, edges[1:]):
            if lo is None:
                label = i18n._("under {n}").format(n=f(hi))
            elif hi is None:
                label = i18n._("{n} or more").format(n=f(lo))
            else:
                label = f"{f(lo)}–{f(hi)}"  # upper-open: a value on an edge is in the class above
            items.append({"color": class_color(lo if lo is not None else -math.inf, breaks), "label": label})
    items.append(
        {
            "color": style.MAP_SUPPRESSED,
            "label": i18n._("withheld count of 1–4 persons (its range in this unit)")
            if unit in style.RATE_UNITS
            else i18n._("<5 (suppressed count, not a value)"),
        }
    )
    items.append({"color": style.MAP_NO_DATA, "label": i18n._("no data")})
    return items


def flow_data(
    table: pd.DataFrame, *, period: str | None, countries=BALTIC, capitals: dict[str, dict] | None = None
) -> pd.DataFrame:
    """Arcs for a single-year period: one row per (Baltic state, breakdown, partner country).

    Preferred GLOTIP-style rows of victims by citizenship_country (direction 'in') and by
    repatriation_country ('out'), in persons. The Baltic state's own citizens, 'abroad', regions and
    unknowns are not arcs. A row naming a country with neither a value nor '<5' is 'named' (reported,
    no count) and is drawn only when no preferred count exists for the same partner.
    status: 'value' | 'suppressed' | 'named'.
    """
    capitals = geo.capitals() if capitals is None else capitals
    cols = [
        "country",
        "partner",
        "direction",
        "breakdown",
        "status",
        "value",
        "label",
        "source_id",
        "source_location",
        "flags",
        "note",
        "note_keys",
        "period",
    ]
    if not period:
        return pd.DataFrame(columns=cols)
    t = table[
        (table["indicator"] == FLOW_INDICATOR)
        & table["breakdown"].isin(list(FLOW_BREAKDOWNS))
        & (table["unit"] == "persons")
        & (table["period"] == period)
        & table["country"].isin(countries)
        & (table["category"] != table["country"])
        & table["category"].isin(list(capitals))
    ]
    counted = t[t["preferred"] & (t["value"].notna() | t["suppressed"])]
    named = t[t["value"].isna() & ~t["suppressed"]]
    have = set(zip(counted["country"], counted["breakdown"], counted["category"]))
    named = named[[k not in have for k in zip(named["country"], named["breakdown"], named["category"])]]
    named = named.drop_duplicates(["country", "breakdown", "category"])
    rows = []
    for r in pd.concat([counted, named]).itertuples(index=False):
        if r.suppressed:
            status, label = "suppressed", "<5"
        elif pd.isna(r.value):
            status, label = "named", "reported, no count"
        else:
            status, label = "value", style.fmt_number(r.value, "persons")
        rows.append(
            {
                "country": r.country,
                "partner": r.category,
                "direction": FLOW_BREAKDOWNS[r.breakdown],
                "breakdown": r.breakdown,
                "status": status,
                "value": r.value,
                "label": label,
                "source_id": r.source_id,
                "source_location": r.source_location,
                "flags": r.flags,
                "note": r.note,
                "note_keys": getattr(r, "note_keys", ""),
                "period": r.period,
            }
        )
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(["country", "direction", "partner"]).reset_index(drop=True)


def arc_width(status: str, value: float) -> float:
    """Pixels: sqrt-scaled by count (1 -> 1.8 px, 25 -> 5 px); '<5' as 2.5 persons; named: hairline."""
    if status == "named":
        return 1.0
    v = 2.5 if status == "suppressed" else float(value)
    return round(1.0 + 0.8 * math.sqrt(max(v, 0.0)), 2)


# --------------------------------------------------------------------------------------- view


def fit_view(
    min_lon: float,
    min_lat: float,
    max_lon: float,
    max_lat: float,
    *,
    width: int = WIDTH,
    height: int = HEIGHT,
    margin: float = 0.12,
) -> dict:
    """Centre and zoom (Web Mercator) so that the box fills the canvas with a margin."""

    def merc(lat: float) -> float:
        lat = max(min(lat, 85.0), -85.0)
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    dx = math.radians(max(max_lon - min_lon, 0.5))
    dy = max(merc(max_lat) - merc(min_lat), 0.01)
    scale = min(width * (1 - 2 * margin) / dx, height * (1 - 2 * margin) / dy)  # px per radian
    zoom = math.log2(scale * 2 * math.pi / 512)
    yc = (merc(max_lat) + merc(min_lat)) / 2
    lat_c = math.degrees(2 * math.atan(math.exp(yc)) - math.pi / 2)
    return {
        "longitude": round((min_lon + max_lon) / 2, 4),
        "latitude": round(lat_c, 4),
        "zoom": round(max(min(zoom, 8.0), 0.5), 2),
    }


def view_for(flows: pd.DataFrame | None, capitals: dict[str, dict] | None = None) -> dict:
    """The Baltic view; widened to take in every arc end when flows are shown."""
    if flows is None or flows.empty:
        return dict(DEFAULT_VIEW)
    capitals = geo.capitals() if capitals is None else capitals
    x0, y0, x1, y1 = geo.bounds(geo.countries())
    for p in flows["partner"]:
        c = capitals[p]
        x0, y0, x1, y1 = min(x0, c["lon"]), min(y0, c["lat"]), max(x1, c["lon"]), max(y1, c["lat"])
    return fit_view(x0, y0, x1, y1)


# --------------------------------------------------------------------------------------- deck

_DECK_JSON: weakref.WeakKeyDictionary[pdk.Deck, str] = weakref.WeakKeyDictionary()


class CompactDeck(pdk.Deck):
    """pydeck pretty-prints its JSON (indent=2), which makes the GeoJSON 6x larger on the wire;
    `st.pydeck_chart` sends `to_json()`, so serialise compactly instead (same content).

    The JSON is kept per deck: a built deck is cached per view and never changed afterwards, and
    serialising its GeoJSON was most of a warm rerun of the map page."""

    def to_json(self):  # noqa: D102
        text = _DECK_JSON.get(self)
        if text is None:
            text = json.dumps(self, sort_keys=True, default=default_serialize, separators=(",", ":"))
            _DECK_JSON[self] = text
        return text


@dataclass
class MapSpec:
    deck: pdk.Deck
    choropleth: pd.DataFrame
    breaks: list[float]
    legend: list[dict]
    flows: pd.DataFrame
    alt_text: str
    unit: str
    notes: list[str] = field(default_factory=list)


def _sources_text(source_id: str, sources: pd.DataFrame | None) -> str:
    ids = [s for s in str(source_id).split(";") if s]
    if not ids:
        return ""
    return (i18n._("Source: {names}") if len(ids) == 1 else i18n._("Sources: {names}")).format(
        names="; ".join(source_name(s, sources, 60) for s in ids)
    )


def _flags_text(flags: str, cb) -> str:
    fl = [f for f in str(flags).split(";") if f and f not in ("suppressed_lt5",)]
    if not fl:
        return ""
    return i18n._("Flags: {flags}").format(flags=", ".join(cb.flag_label(f) for f in fl))


def _value_text(r: dict, unit: str, cb) -> str:
    if r["status"] == "no_data":
        return i18n._("No data for this period")
    v = style.fmt_value(r["value"], r["suppressed"], unit, r.get("value_low"), r.get("value_high"))
    return f"{v} {cb.unit_label(unit)}"


def fill_color(r: dict, breaks: list[float]) -> str:
    """A state's fill: its class colour for a value, the '<5' or the 'no data' fill otherwise."""
    if r["status"] == "value":
        return class_color(float(r["value"]), breaks)
    if r["status"] == "suppressed":
        return style.MAP_SUPPRESSED
    return style.MAP_NO_DATA


def static_inputs(spec: MapSpec, cb=None) -> tuple[pd.DataFrame, list[dict]]:
    """What `components.draw.map_static.static_map` needs from a built map: the choropleth rows with each
    state's `fill` (the colour this map draws it in), `shown` (its value as the map writes it: '<5',
    'no data') and `name` (with `cb`), and the legend."""
    choro = spec.choropleth.copy()
    recs = choro.to_dict("records")
    choro["fill"] = [fill_color(r, spec.breaks) for r in recs]
    choro["shown"] = [
        "no data"
        if r["status"] == "no_data"
        else style.fmt_value(r["value"], r["suppressed"], spec.unit, r.get("value_low"), r.get("value_high"))
        for r in recs
    ]
    if cb is not None:
        choro["name"] = [cb.country_label(c) for c in choro["country"]]
    return choro, [dict(x) for x in spec.legend]


def baltic_features(
    choro: pd.DataFrame,
    breaks: list[float],
    *,
    unit: str,
    indicator_label: str,
    cb,
    sources: pd.DataFrame | None,
    sel: str | None = None,
) -> dict:
    """The Baltic FeatureCollection with fill colour, status, value and tooltip fields per state."""
    by = {r["country"]: r for r in choro.to_dict("records")}
    feats = []
    for f in geo.countries()["features"]:
        iso = f["properties"]["iso_a2"]
        r = by.get(iso) or {
            "status": "no_data",
            "value": float("nan"),
            "suppressed": False,
            "source_id": "",
            "flags": "",
            "note": "",
            "period_label": "",
        }
        fill = fill_color(r, breaks)
        props = {
            "iso_a2": iso,
            "name": cb.country_label(iso),
            "status": r["status"],
            "value": None if pd.isna(r["value"]) else float(r["value"]),
            "suppressed": bool(r["suppressed"]),
            "unit": unit,
            "fill": rgba(fill, 235),
            "selected": iso == sel,
            "source_id": r["source_id"],
            "tt_title": _esc(cb.country_label(iso)),
            "tt_value": _esc(_value_text(r, unit, cb)),
            "tt_period": _esc(f"{indicator_label} · {r.get('period_label') or ''}"),
            "tt_source": _esc(_sources_text(r["source_id"], sources)),
            "tt_flags": _esc(
                _flags_text(r["flags"], cb) + (f" — {_note(r, sources, cb)}" if r["note"] and r["flags"] else "")
            ),
        }
        feats.append({"type": "Feature", "properties": props, "geometry": f["geometry"]})
    return {"type": "FeatureCollection", "features": feats}


def _note(r: dict, sources: pd.DataFrame | None, cb) -> str:
    """A row's note in the reader's language."""
    return row_note(str(r.get("note_keys") or ""), str(r.get("note") or ""), sources, cb)


def _country_label_rows(choro: pd.DataFrame, unit: str, cb) -> list[dict]:
    rows = []
    for r in choro.to_dict("records"):
        lon, lat = geo.label_point(r["country"])
        v = i18n._("no data") if r["status"] == "no_data" else style.fmt_value(r["value"], r["suppressed"], unit)
        rows.append({"lon": lon, "lat": lat, "text": f"{cb.country_label(r['country'])}\n{v}"})
    return rows


def _city_rows() -> list[dict]:
    rows = []
    for c in geo.cities():
        baltic = c["country"] in BALTIC
        major = c["capital"] or c["population"] >= 95000
        if not (major or (baltic and c["population"] >= 54000)):
            continue
        rows.append(
            {
                "lon": c["lon"],
                "lat": c["lat"],
                "capital": c["capital"],
                "label": geo.place_name(c),  # in the run's language where a source names it
                "radius": 5500 if c["capital"] else 3500,
            }
        )
    return rows


def _place_label_rows(cities: list[dict]) -> list[dict]:
    """Cities' names above their dots, then the neighbours' names (larger, grey, centred)."""
    return [
        {
            "lon": c["lon"],
            "lat": c["lat"],
            "label": c["label"],
            "size": 12,
            "color": [45, 45, 45, 255],
            "offset": [0, -11],
        }
        for c in cities
    ] + [
        {
            "lon": x,
            "lat": y,
            "label": _context_name(code, name),
            "size": 13,
            "color": rgba(style.MAP_CONTEXT_LABEL),
            "offset": [0, 0],
        }
        for code, name, x, y in CONTEXT_LABELS
    ]


def _flow_rows(flows: pd.DataFrame, cb, sources: pd.DataFrame | None, capitals: dict[str, dict]) -> list[dict]:
    rows = []
    for r in flows.to_dict("records"):
        home, far = capitals[r["country"]], capitals[r["partner"]]
        inbound = r["direction"] == "in"
        color = style.MAP_FLOW_IN if inbound else style.MAP_FLOW_OUT
        alpha = 110 if r["status"] == "named" else 210
        what = (
            i18n._("Victims detected in {b} with citizenship of {p}")
            if inbound
            else i18n._("Victims of {b} repatriated from {p}")
        )
        b, p = cb.country_label(r["country"]), cb.country_label(r["partner"])
        rows.append(
            {
                "source": [far["lon"], far["lat"]] if inbound else [home["lon"], home["lat"]],
                "target": [home["lon"], home["lat"]] if inbound else [far["lon"], far["lat"]],
                "far": [far["lon"], far["lat"]],
                "width": arc_width(r["status"], r["value"]),
                "color": rgba(color, alpha),
                "label": f"{p}: {r['label']}",
                "tt_title": _esc(f"{p} → {b}" if inbound else f"{b} → {p}"),
                "tt_value": _esc(f"{r['label']}" + ("" if r["status"] == "named" else " " + i18n._("persons"))),
                "tt_period": _esc(what.format(b=b, p=p) + f" · {r['period']}"),
                "tt_source": _esc(
                    _sources_text(r["source_id"], sources)
                    + (f" ({locations.said(r['source_location'])})" if r["source_location"] else "")
                ),
                "tt_flags": _esc(_flags_text(r["flags"], cb)),
            }
        )
    return rows


def drawable(table: pd.DataFrame, cb, unconfirmed: bool = False) -> pd.DataFrame:
    """The rows the map may draw: official-grade figures, or every grade with `unconfirmed`."""
    if unconfirmed or "grade" not in table.columns:
        return table
    official = {g: cb.is_official(g) for g in table["grade"].unique()}
    return table[table["grade"].map(official).astype(bool)]


def build(
    table: pd.DataFrame,
    sources: pd.DataFrame | None,
    cb,
    *,
    indicator: str,
    period: str | None,
    unit: str,
    sel: str | None = None,
    flows: bool = False,
    show_regions: bool = True,
    unconfirmed: bool = False,
) -> MapSpec:
    """The whole map for one view. `cb` is a `components.core.dataset.Codebook` (labels, evidence grades).
    Only official-grade figures are drawn unless `unconfirmed` (then weaker ones too, labelled so)."""
    table = drawable(table, cb, unconfirmed)
    capitals = geo.capitals()
    choro = choropleth_data(table, indicator=indicator, period=period, unit=unit)
    breaks = class_breaks(table, indicator=indicator, unit=unit)
    ind_label = cb.indicator_label(indicator)
    baltic = baltic_features(choro, breaks, unit=unit, indicator_label=ind_label, cb=cb, sources=sources, sel=sel)
    layers = [
        pdk.Layer(
            "GeoJsonLayer",
            geo.context(),
            id="context",
            stroked=True,
            filled=True,
            get_fill_color=rgba(style.MAP_LAND),
            get_line_color=[165, 165, 165, 255],
            line_width_min_pixels=0.8,
            pickable=False,
        ),
        pdk.Layer(
            "GeoJsonLayer",
            baltic,
            id="baltic",
            stroked=True,
            filled=True,
            get_fill_color="properties.fill",
            get_line_color=[70, 70, 70, 255],
            line_width_min_pixels=1.2,
            pickable=True,
            auto_highlight=True,
            highlight_color=[0, 0, 0, 40],
        ),
        pdk.Layer(
            "GeoJsonLayer",
            geo.lakes(),
            id="lakes",
            stroked=True,
            filled=True,
            get_fill_color=rgba(style.MAP_WATER),
            get_line_color=[160, 180, 195, 255],
            line_width_min_pixels=0.5,
            pickable=False,
        ),
    ]
    if show_regions:
        layers.append(
            pdk.Layer(
                "GeoJsonLayer",
                geo.regions(),
                id="regions",
                stroked=True,
                filled=False,
                get_line_color=[255, 255, 255, 190],
                line_width_min_pixels=0.8,
                pickable=False,
            )
        )
    if sel in BALTIC:
        selected = {
            "type": "FeatureCollection",
            "features": [f for f in baltic["features"] if f["properties"]["iso_a2"] == sel],
        }
        layers.append(
            pdk.Layer(
                "GeoJsonLayer",
                selected,
                id="selected",
                stroked=True,
                filled=False,
                get_line_color=[0, 0, 0, 255],
                line_width_min_pixels=3,
                pickable=False,
            )
        )
    cities = _city_rows()
    country_labels = _country_label_rows(choro, unit, cb)
    layers += [
        pdk.Layer(
            "ScatterplotLayer",
            cities,
            id="cities",
            get_position=["lon", "lat"],
            get_radius="radius",
            radius_min_pixels=2.5,
            radius_max_pixels=6,
            get_fill_color=[40, 40, 40, 230],
            stroked=True,
            get_line_color=[255, 255, 255, 255],
            line_width_min_pixels=1,
            pickable=False,
        ),
        # city and neighbour names in one text layer: one font atlas less to build on the first draw
        pdk.Layer(
            "TextLayer",
            _place_label_rows(cities),
            id="place_labels",
            get_position=["lon", "lat"],
            get_text="label",
            get_size="size",
            get_color="color",
            get_pixel_offset="offset",
            character_set='"auto"',
            font_family=FONT,
            # a finer glyph atlas than the default 64 px: at 12 px thin letters (i, l) broke up in it
            font_settings={"sdf": True, "fontSize": 96, "buffer": 8, "radius": 16},
            outline_width=3,
            outline_color=[255, 255, 255, 230],
            pickable=False,
        ),
        pdk.Layer(
            "TextLayer",
            country_labels,
            id="country_labels",
            get_position=["lon", "lat"],
            get_text="text",
            get_size=16,
            font_weight='"bold"',
            get_color=[20, 20, 20, 255],
            character_set='"auto"',
            font_family=FONT,
            line_height=1.1,
            font_settings={"sdf": True},
            outline_width=4,
            outline_color=[255, 255, 255, 235],
            pickable=False,
        ),
    ]
    fl = (
        flow_data(table, period=period, countries=[sel] if sel in BALTIC else BALTIC, capitals=capitals)
        if flows
        else flow_data(table, period=None)
    )
    if flows and not fl.empty:
        # zoomed out to the arcs' ends, city and neighbour names would pile up on the Baltic
        layers = [lay for lay in layers if lay.id not in ("place_labels", "country_labels")]
        rows = _flow_rows(fl, cb, sources, capitals)
        layers += [
            pdk.Layer(
                "ArcLayer",
                rows,
                id="flows",
                get_source_position="source",
                get_target_position="target",
                get_source_color="color",
                get_target_color="color",
                get_width="width",
                width_units='"pixels"',
                get_height=0.5,
                great_circle=False,
                pickable=True,
                auto_highlight=True,
            ),
            pdk.Layer(
                "ScatterplotLayer",
                rows,
                id="flow_ends",
                get_position="far",
                get_radius=20000,
                radius_min_pixels=3,
                radius_max_pixels=5,
                get_fill_color="color",
                pickable=False,
            ),
            pdk.Layer(
                "TextLayer",
                rows,
                id="flow_labels",
                get_position="far",
                get_text="label",
                get_size=11,
                get_color=[30, 30, 30, 255],
                get_pixel_offset=[0, 12],
                character_set='"auto"',
                font_settings={"sdf": True},
                outline_width=3,
                outline_color=[255, 255, 255, 230],
                pickable=False,
            ),
        ]
    vs = view_for(fl if flows else None, capitals)
    deck = CompactDeck(
        layers=layers,
        initial_view_state=pdk.ViewState(**vs, pitch=0, bearing=0, min_zoom=0.5, max_zoom=9),
        map_style=MAP_STYLE,
        tooltip=TOOLTIP,
    )
    period_text = period or i18n._("no period")
    parts = []
    for r in choro.to_dict("records"):
        v = i18n._("no data") if r["status"] == "no_data" else style.fmt_value(r["value"], r["suppressed"], unit)
        parts.append(f"{cb.country_label(r['country'])} {v}")
    alt_text = i18n._("Map of Estonia, Latvia and Lithuania shaded by {indicator}, {period}, {unit}: {values}.").format(
        indicator=ind_label.lower(), period=period_text, unit=cb.unit_label(unit), values="; ".join(parts)
    )
    if flows:
        alt_text += " " + (
            i18n.ngettext("{n} flow arc is drawn.", "{n} flow arcs are drawn.", len(fl)).format(n=len(fl))
            if not fl.empty
            else i18n._("No flow of victims by citizenship or repatriation country is recorded for this period.")
        )
    alt_text += " " + i18n._("The same numbers are in the table below the map.")
    return MapSpec(
        deck=deck,
        choropleth=choro,
        breaks=breaks,
        legend=legend_items(breaks, unit),
        flows=fl,
        alt_text=alt_text,
        unit=unit,
    )


def selected_country(selection) -> str | None:
    """The Baltic state clicked in `st.pydeck_chart(..., on_select=...)`'s selection state, if any."""
    try:
        objs = (selection or {}).get("selection", {}).get("objects", {}).get("baltic") or []
    except AttributeError:
        return None
    for o in objs:
        props = (o or {}).get("properties") or o or {}
        iso = props.get("iso_a2")
        if iso in BALTIC:
            return iso
    return None
