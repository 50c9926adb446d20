"""Map geometry and points from `data/geo/`, loaded once per process (no Streamlit import).

Every loader is cached (`functools.lru_cache`, the same lifetime as `st.cache_resource`) and returns
shared objects: **never mutate what they return**; the map builder copies what it changes.

What the maps draw is made offline (data/geo/make_display.py, with shapely): the interactive map's layers
rounded to 3 decimals (about 100 m, below what zoom 5-7 shows) and the orientation layers simplified; the
static map's shapes cut to its box and wound for d3-geo. Here they are only read. deck.gl does not care
about winding, so no rewinding is needed for it.
"""

from __future__ import annotations

import csv
import json
from functools import cache

from components.core import i18n
from components.core.i18n import N_
from etl.paths import REPO_ROOT

GEO_DIR = REPO_ROOT / "data" / "geo"

ATTRIBUTION = N_(
    "Boundaries: Natural Earth (public domain) · Regions: NUTS 2021, © European Union/Eurostat · "
    "Cities and capitals: GeoNames (geonames.org), CC BY 4.0, modified"
)


def attribution() -> str:
    """ATTRIBUTION in the run's language (the licensors' and products' names stay as they are)."""
    return i18n._(ATTRIBUTION)


# Where a Baltic state's name and value are written (lon, lat): inside the country, clear of the
# capital's label. Chosen by hand on the map; the centre of the largest polygon otherwise.
LABEL_POINTS: dict[str, tuple[float, float]] = {
    "EE": (25.9, 58.75),
    "LV": (25.6, 56.78),
    "LT": (23.9, 55.45),
}


@cache
def layer(name: str) -> dict:
    """A FeatureCollection as the interactive map draws it: data/geo/baltic_<name>_display.geojson, made
    offline by data/geo/make_display.py (rounded to 3 decimals; the orientation layers simplified, the
    states' borders kept exact)."""
    with (GEO_DIR / f"baltic_{name}_display.geojson").open(encoding="utf-8") as f:
        return json.load(f)


@cache
def static_layer(name: str) -> tuple[dict, ...]:
    """The features of data/geo/baltic_<name>_static.geojson (countries, context, lakes): the static map's
    shapes, cut to its box, rounded to 2 decimals and wound for d3-geo by data/geo/make_display.py."""
    with (GEO_DIR / f"baltic_{name}_static.geojson").open(encoding="utf-8") as f:
        return tuple(json.load(f)["features"])


def countries() -> dict:
    return layer("countries")


def context() -> dict:
    return layer("context")


def lakes() -> dict:
    return layer("lakes")


def regions() -> dict:
    return layer("regions")


def _geonameid(source: str) -> int | None:
    """The GeoNames id in a points file's `source` column ("GeoNames geonameid 588409")."""
    tail = source.rsplit(" ", 1)[-1]
    return int(tail) if source.startswith("GeoNames geonameid ") and tail.isdigit() else None


@cache
def place_names() -> dict[tuple[int, str], str]:
    """(geonameid, language) -> the place's name in that language: data/geo/place_names.csv, made offline by
    data/geo/make_place_names.py from the Unicode CLDR's exemplar cities (see data/geo/SOURCES.md). Only the
    places and languages CLDR names; the others keep their GeoNames name."""
    with (GEO_DIR / "place_names.csv").open(encoding="utf-8", newline="") as f:
        return {(int(r["geonameid"]), r["lang"]): r["name"] for r in csv.DictReader(f)}


def place_name(place: dict, lang: str | None = None) -> str:
    """A city's or capital's name in `lang` (default: the run's language). English keeps the map's long-standing
    names (the Baltic places in their own spelling, the others' English name); another language takes its
    sourced name, else the GeoNames name: never an English exonym on a page in another language."""
    lang = lang or i18n.lang()
    local = place.get("name") or place.get("capital") or ""
    if lang == i18n.DEFAULT:
        return local if place.get("country") in ("EE", "LV", "LT") else place.get("name_en") or local
    gid = place.get("geonameid")
    return place_names().get((gid, lang), local) if gid is not None else local


@cache
def cities() -> tuple[dict, ...]:
    """City points: name (local spelling), name_en, country, lon, lat, population, capital (bool), geonameid.
    Name them for a reader with `place_name`."""
    out = []
    with (GEO_DIR / "baltic_cities.csv").open(encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            out.append(
                {
                    "name": r["name"],
                    "name_en": r["name_en"],
                    "country": r["country"],
                    "lon": float(r["lon"]),
                    "lat": float(r["lat"]),
                    "population": int(float(r["population"] or 0)),
                    "capital": r["capital"] == "yes",
                    "geonameid": _geonameid(r["source"]),
                }
            )
    return tuple(out)


@cache
def capitals() -> dict[str, dict]:
    """ISO alpha-2 -> {capital, country, lon, lat, source, geonameid}: the end point of a flow arc (GeoNames)."""
    out: dict[str, dict] = {}
    with (GEO_DIR / "capitals.csv").open(encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            out[r["iso2"]] = {
                "capital": r["capital"],
                "country": r["country"],
                "lon": float(r["lon"]),
                "lat": float(r["lat"]),
                "source": r["source"],
                "geonameid": _geonameid(r["source"]),
            }
    return out


def _ring_area_centroid(ring: list) -> tuple[float, float, float]:
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:]):
        c = x0 * y1 - x1 * y0
        a += c
        cx += (x0 + x1) * c
        cy += (y0 + y1) * c
    if a == 0:
        return 0.0, ring[0][0], ring[0][1]
    return abs(a) / 2, cx / (3 * a), cy / (3 * a)


def label_point(iso2: str) -> tuple[float, float]:
    """Where to write a Baltic state's name: a hand-placed point, else its largest polygon's centre."""
    if iso2 in LABEL_POINTS:
        return LABEL_POINTS[iso2]
    for f in countries()["features"]:
        if f["properties"].get("iso_a2") == iso2:
            g = f["geometry"]
            polys = g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]]
            best = max((_ring_area_centroid(p[0]) for p in polys), key=lambda t: t[0])
            return best[1], best[2]
    raise KeyError(iso2)


def bounds(fc: dict) -> tuple[float, float, float, float]:
    """(min_lon, min_lat, max_lon, max_lat) of a FeatureCollection of polygons."""
    xs, ys = [], []
    for f in fc["features"]:
        g = f["geometry"]
        polys = g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]]
        for p in polys:
            for x, y in p[0]:
                xs.append(x)
                ys.append(y)
    return min(xs), min(ys), max(xs), max(ys)
