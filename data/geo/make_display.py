"""Generate what the maps draw from the copied originals, offline, so the app only reads files.

    make geo                                 # installs the geo extra (shapely: never needed by the app), runs this

Two sets, both deterministic (same input, same bytes); tests/components/test_map.py checks that the committed
files are what this script makes:

1. `baltic_<layer>_display.geojson` (countries, context, lakes, regions): what the interactive map sends to
   the browser, rounded to DISPLAY_DECIMALS (3: about 100 m, below what zooms 5-7 show) on a precision grid
   (shapely.set_precision: rings stay valid; parts that collapse are dropped). The orientation layers lose
   more: at those zooms (about 1.3 km a pixel at zoom 6) the source linework's detail is invisible but costs
   the browser parse and triangulation time, so `TOLERANCE` degrees (about 1.1 km north-south, 0.6 km
   east-west here) is dropped from them. The Baltic states' own outlines (the data layer) are only rounded.
   - context (neighbours): simplified as one coverage with the states (neighbours keep sharing their
     borders), then the original geometry within 2 x TOLERANCE of the Baltic states is put back, so the
     land border under the states' outlines matches exactly (no sliver at any zoom).
   - lakes: simplified on their own (drawn over the land fill; their outlines are for orientation).
   - regions: simplified as one coverage with the outer boundary kept (`shapely.coverage_simplify`,
     `simplify_boundary=False`), so inner region lines stay shared and end exactly on the state borders.
2. `baltic_<layer>_static.geojson` (countries, context, lakes): the static map of the exports and slides
   (components/draw/map_static.py), from the display copies: neighbours and lakes cut to the map's box
   (the states' box plus STATIC_PAD), rounded to STATIC_DECIMALS (2: about 1 km, under a pixel at its
   scale), exterior rings clockwise as d3-geo (Vega) expects, only the `iso_a2` property kept.
"""

from __future__ import annotations

import json
from pathlib import Path

import shapely
from shapely.geometry import mapping, shape
from shapely.ops import unary_union

GEO = Path(__file__).resolve().parent
TOLERANCE = 0.01  # degrees: Douglas-Peucker distance (lakes); the 'near the states' margin is 2 x this
COVERAGE_TOLERANCE = 0.02  # coverage_simplify's (Visvalingam-Whyatt) measure, about the same visible detail
DISPLAY_DECIMALS = 3
STATIC_DECIMALS = 2
# degrees kept around the three states' box on the static map: its margin (components/draw/map_static.py MARGIN,
# 0.35) and 3 more of context, as a wide screen or slide shows more than the fitted box
STATIC_PAD = 3.35


def _coords(c, nd: int):
    """Coordinates as JSON lists, written with at most `nd` decimals (the grid already holds them there)."""
    return [_coords(x, nd) for x in c] if isinstance(c[0], (list, tuple)) else [round(float(v), nd) for v in c]


def _geojson(geom, nd: int, clockwise: bool = False) -> dict | None:
    g = shapely.set_precision(geom, 10**-nd)
    if clockwise:
        g = shapely.orient_polygons(g, exterior_cw=True)
    if g.is_empty:
        return None
    m = mapping(g)
    return {"type": m["type"], "coordinates": _coords(m["coordinates"], nd)}


def _read(name: str, suffix: str = "") -> dict:
    return json.loads((GEO / f"baltic_{name}{suffix}.geojson").read_text(encoding="utf-8"))


def _features(fc: dict, geoms) -> dict:
    feats = []
    for f, g in zip(fc["features"], geoms):
        geometry = _geojson(g, DISPLAY_DECIMALS)
        if geometry is not None:
            feats.append({"type": "Feature", "properties": f["properties"], "geometry": geometry})
    return {"type": "FeatureCollection", "features": feats}


def countries() -> dict:
    fc = _read("countries")
    return _features(fc, [shape(f["geometry"]) for f in fc["features"]])


def context() -> dict:
    fc = _read("context")
    states = [shape(f["geometry"]) for f in _read("countries")["features"]]
    neighbours = [shape(f["geometry"]) for f in fc["features"]]
    # one coverage with the states: neighbours keep sharing their borders (no gap between Russia and Belarus)
    simplified = shapely.coverage_simplify(neighbours + states, COVERAGE_TOLERANCE)[: len(neighbours)]
    near = unary_union(states).buffer(2 * TOLERANCE)
    out = [shapely.make_valid(unary_union([s, g.intersection(near)])) for s, g in zip(simplified, neighbours)]
    return _features(fc, out)


def lakes() -> dict:
    fc = _read("lakes")
    return _features(fc, [shape(f["geometry"]).simplify(TOLERANCE, preserve_topology=True) for f in fc["features"]])


def regions() -> dict:
    fc = _read("regions")
    geoms = shapely.coverage_simplify(
        [shape(f["geometry"]) for f in fc["features"]], COVERAGE_TOLERANCE, simplify_boundary=False
    )
    return _features(fc, list(geoms))


def static_box(display_countries: dict) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = unary_union([shape(f["geometry"]) for f in display_countries["features"]]).bounds
    return x0 - STATIC_PAD, y0 - STATIC_PAD, x1 + STATIC_PAD, y1 + STATIC_PAD


def static(name: str, display: dict, box: tuple[float, float, float, float]) -> dict:
    """A display copy cut to `box` (not the states themselves), rounded and wound for d3-geo."""
    feats = []
    for f in display["features"]:
        g = shape(f["geometry"])
        if name != "countries":
            g = shapely.clip_by_rect(g, *box)
        g = shapely.union_all([p for p in shapely.get_parts(g) if p.geom_type == "Polygon"])  # no stray lines
        geometry = _geojson(g, STATIC_DECIMALS, clockwise=True)
        if geometry is not None:
            feats.append(
                {"type": "Feature", "properties": {"iso_a2": f["properties"].get("iso_a2", "")}, "geometry": geometry}
            )
    return {"type": "FeatureCollection", "features": feats}


BUILDERS = {"countries": countries, "context": context, "lakes": lakes, "regions": regions}
STATIC = ("countries", "context", "lakes")


def _text(fc: dict) -> str:
    return json.dumps(fc, ensure_ascii=False, separators=(",", ":")) + "\n"


def texts() -> dict[str, str]:
    """File name -> the text this script writes there."""
    display = {name: build() for name, build in BUILDERS.items()}
    box = static_box(display["countries"])
    out = {f"baltic_{name}_display.geojson": _text(fc) for name, fc in display.items()}
    out.update({f"baltic_{name}_static.geojson": _text(static(name, display[name], box)) for name in STATIC})
    return out


def main() -> int:
    for name, text in texts().items():
        path = GEO / name
        path.write_text(text, encoding="utf-8")
        print(f"{path.name}: {path.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
