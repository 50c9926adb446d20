"""Generate the lighter display copies of the map's context layers (the map's first draw sends less).

    make geo                                 # installs the geo extra (shapely: never needed by the app), runs this

The interactive map and the static map draw neighbours, lakes and NUTS-3 lines for orientation only;
at the zooms shown (5-7: about 1.3 km a pixel at zoom 6) the source linework's detail is invisible but
costs the browser parse and triangulation time. `TOLERANCE` degrees (about 1.1 km north-south, 0.6 km
east-west here) is dropped from them. The Baltic states' own outlines (the data layer) stay as copied.

- context (neighbours): simplified as one coverage with the states (neighbours keep sharing their
  borders), then the original geometry within 2 x TOLERANCE of the Baltic states is put back, so the
  land border under the states' outlines matches exactly (no sliver at any zoom).
- lakes: simplified on their own (drawn over the land fill; their outlines are for orientation).
- regions: simplified as one coverage with the outer boundary kept (`shapely.coverage_simplify`,
  `simplify_boundary=False`), so inner region lines stay shared and end exactly on the state borders.

Output is deterministic (same input, same bytes); tests/components/test_map.py checks that the files are
what this script makes from the copied originals.
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
DECIMALS = 5  # as the originals


def _rounded(geom) -> dict:
    g = shapely.set_precision(geom, 10 ** -DECIMALS)
    return json.loads(json.dumps(mapping(g)))


def _read(name: str) -> dict:
    return json.loads((GEO / f"baltic_{name}.geojson").read_text(encoding="utf-8"))


def _features(fc: dict, geoms) -> dict:
    return {"type": "FeatureCollection",
            "features": [{"type": "Feature", "properties": f["properties"], "geometry": _rounded(g)}
                         for f, g in zip(fc["features"], geoms) if not g.is_empty]}


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
    return _features(fc, [shape(f["geometry"]).simplify(TOLERANCE, preserve_topology=True)
                          for f in fc["features"]])


def regions() -> dict:
    fc = _read("regions")
    geoms = shapely.coverage_simplify([shape(f["geometry"]) for f in fc["features"]], COVERAGE_TOLERANCE,
                                      simplify_boundary=False)
    return _features(fc, list(geoms))


BUILDERS = {"context": context, "lakes": lakes, "regions": regions}


def text(name: str) -> str:
    return json.dumps(BUILDERS[name](), ensure_ascii=False, separators=(",", ":")) + "\n"


def main() -> int:
    for name in BUILDERS:
        path = GEO / f"baltic_{name}_display.geojson"
        path.write_text(text(name), encoding="utf-8")
        print(f"{path.name}: {path.stat().st_size:,} bytes (original {(GEO / f'baltic_{name}.geojson').stat().st_size:,})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
