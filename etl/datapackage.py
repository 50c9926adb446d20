"""The Frictionless Data Package descriptor (datapackage.json) of the published dataset.

Built from the files themselves and the build's own rules, never written by hand, so it follows the
data: the harmonised table's fields are its CSV header in order (a column added to the build, such as
`grade`, appears with its type; an unknown one as a documented string), enums come from the codebook
(`indicators.csv`, `units.csv`, `flags.csv`, `categories.csv`) and from `etl.schema` (countries, years),
and each codebook table's fields are its own header.

Resource paths are relative (`thb_baltic.csv`, `sources.csv`, `codebook/<table>.csv`): the same
descriptor is right inside the dataset zip and at `/api/v1/datapackage.json`, where they resolve to
`/api/v1/thb_baltic.csv` and so on.

What a foreign key cannot say (so the descriptor says it in words and the tests check it):
- `source_id` of a rate row holds two ids joined by ';' (count;population), `flags` several flag
  codes joined by ';', and `country_definitions.source_ids` several ids: a pattern constrains them,
  and every part is checked against `sources.csv` / `flags.csv` by the test suite;
- `(breakdown, category)` refers to `codebook/categories.csv`, except the country breakdowns
  (`citizenship_country`, `repatriation_country`), whose category is any country code of `countries.csv`
  (written `*` there).

Pure: pandas and the standard library (the build's schema module is imported lazily).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

PROFILE_PACKAGE = "tabular-data-package"
PROFILE_RESOURCE = "tabular-data-resource"
TABLE_PATH = "thb_baltic.csv"
SOURCES_PATH = "sources.csv"
# Codebook tables published with the data (a fixed list: the API serves exactly these)
CODEBOOK_TABLES = (
    "indicators",
    "categories",
    "countries",
    "units",
    "flags",
    "country_definitions",
    "grades",
    "breakdown_rules",
)
ENCODING = "utf-8-sig"  # the published CSVs start with a BOM so that spreadsheets read Baltic letters

CC_BY = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0 International",
}
MIT = {"name": "MIT", "path": "https://opensource.org/licenses/MIT", "title": "MIT License"}
PUBLISHER_TERMS = (
    "Each figure keeps its publisher's terms: see sources.csv, column 'licence'. "
    "Cite the original publisher together with this dataset."
)

# Field documentation of the harmonised table (data/README.md says the same in a table)
HARMONISED_DOC = {
    "country": "EE, LV, LT; EU27/EU28 for context rows (codebook/countries.csv).",
    "period_start": "First reference year (equal to period_end for a single year).",
    "period_end": "Last reference year (a multi-year total keeps its span).",
    "period_label": "The period as printed in the source (2020, 2012-2016, 2013-08/2015-12).",
    "indicator": "What is counted: a code of codebook/indicators.csv.",
    "breakdown": "The breakdown: a code of codebook/categories.csv (total for no breakdown).",
    "category": (
        "Category within the breakdown (total for the total): codebook/categories.csv; for "
        "citizenship_country and repatriation_country any country code of codebook/countries.csv."
    ),
    "unit": "Unit of value: a code of codebook/units.csv.",
    "value": "The figure as published (rates: computed in the build from cited population). Empty when suppressed.",
    "value_low": "Lower end of a suppressed count's range ('<5' is 1 to 4; rates scaled accordingly).",
    "value_high": "Upper end of a suppressed count's range.",
    "suppressed": "True for a count the source withholds ('<5'): never read it as 0, never sum it.",
    "source_id": (
        "The source record in sources.csv. A rate row cites two records joined by ';' (the count's "
        "and the population's), so no foreign key is declared: every part is a source_id of "
        "sources.csv (checked by the build and the test suite)."
    ),
    "source_location": "Where in the source: table, page, section, sheet row.",
    "preferred": "True for the one value the dashboard uses for this figure (precedence rule); False for the others.",
    "flags": "Codes of codebook/flags.csv joined by ';'.",
    "note": "What a reader must know about this row (in English; `note_keys` holds the same notes as ids with values).",
    "note_keys": (
        'The row\'s notes as a JSON list of {"id": …, named values}: `note` is their English rendering; '
        "data/i18n/row_notes.csv holds every id in every language. Empty when the row has no note."
    ),
    "raw_file": "The transcription file under data/raw/ this row comes from.",
    "raw_row": "The line of raw_file (header = line 1).",
    "grade": "The evidence grade of this row's source (from official statistics to tertiary sources).",
}
BOOL = {"trueValues": ["True", "true", "1"], "falseValues": ["False", "false", "0"]}


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _header(path: Path) -> list[str]:
    return list(pd.read_csv(path, dtype=str, nrows=0).columns)


def _codes(frame: pd.DataFrame, column: str) -> list[str]:
    if frame is None or column not in frame.columns:
        return []
    return sorted({v for v in frame[column] if v and v != "*"})


def _joined_pattern(codes: list[str]) -> str:
    """A pattern for one or more of `codes` joined by ';' (fields that are lists)."""
    one = "(" + "|".join(re.escape(c) for c in sorted(codes, key=len, reverse=True)) + ")"
    return f"{one}(;{one})*"


ID_PATTERN = r"[A-Za-z0-9_.\-]+(;[A-Za-z0-9_.\-]+)*"


def harmonised_fields(columns: list[str], codebook: dict[str, pd.DataFrame]) -> list[dict]:
    from etl.countries import COUNTRY_ORDER
    from etl.periods import YEAR_MAX, YEAR_MIN

    ind = _codes(codebook.get("indicators"), "indicator")
    units = _codes(codebook.get("units"), "unit")
    flags = _codes(codebook.get("flags"), "flag")
    cats = codebook.get("categories")
    breakdowns = _codes(cats, "breakdown")
    categories = sorted(set(_codes(cats, "category")) | set(_country_codes(codebook.get("countries"))))
    grades = _codes(codebook.get("grades"), "grade")
    years = {"minimum": YEAR_MIN, "maximum": YEAR_MAX}
    spec: dict[str, dict] = {
        "country": {"type": "string", "constraints": {"required": True, "enum": list(COUNTRY_ORDER)}},
        "period_start": {"type": "integer", "constraints": {"required": True, **years}},
        "period_end": {"type": "integer", "constraints": {"required": True, **years}},
        "period_label": {"type": "string"},
        "indicator": {"type": "string", "constraints": {"required": True, **({"enum": ind} if ind else {})}},
        "breakdown": {
            "type": "string",
            "constraints": {"required": True, **({"enum": breakdowns} if breakdowns else {})},
        },
        "category": {
            "type": "string",
            "constraints": {"required": True, **({"enum": categories} if cats is not None else {})},
        },
        "unit": {"type": "string", "constraints": {"required": True, **({"enum": units} if units else {})}},
        "value": {"type": "number", "constraints": {"minimum": 0}},
        "value_low": {"type": "number", "constraints": {"minimum": 0}},
        "value_high": {"type": "number", "constraints": {"minimum": 0}},
        "suppressed": {"type": "boolean", **BOOL, "constraints": {"required": True}},
        "source_id": {"type": "string", "constraints": {"required": True, "pattern": ID_PATTERN}},
        "source_location": {"type": "string", "constraints": {"required": True}},
        "preferred": {"type": "boolean", **BOOL, "constraints": {"required": True}},
        "flags": {"type": "string", **({"constraints": {"pattern": _joined_pattern(flags)}} if flags else {})},
        "note": {"type": "string"},
        "note_keys": {"type": "string"},
        "raw_file": {"type": "string", "constraints": {"required": True}},
        "raw_row": {"type": "integer", "constraints": {"required": True, "minimum": 2}},
        "grade": {"type": "string", **({"constraints": {"enum": grades}} if grades else {})},
    }
    out = []
    for c in columns:
        f = {"name": c, **spec.get(c, {"type": "string"})}
        f["description"] = HARMONISED_DOC.get(c, "A column of the harmonised table (see data/README.md).")
        out.append(f)
    return out


def _country_codes(countries: pd.DataFrame | None) -> list[str]:
    if countries is None or "iso2" not in countries.columns:
        return []
    if "kind" in countries.columns:
        countries = countries[countries["kind"] != "aggregate"]
    return sorted(set(countries["iso2"]))


# Known columns of the side tables: type and constraints (any other column is a string)
SIDE_FIELDS: dict[str, dict[str, dict]] = {
    "sources": {
        "source_id": {"type": "string", "constraints": {"required": True, "unique": True}},
        "grade": {
            "type": "string",
            "constraints": {"required": True},
            "description": "The source's evidence grade (codebook/grades.csv), rated by what the document is.",
        },
        "grade_reason": {"type": "string", "description": "Why the source has its grade."},
        "reports_on": {
            "type": "string",
            "description": "For a news item: the official document it reports (a source_id), if listed.",
        },
        "publisher": {"type": "string", "constraints": {"required": True}},
        "title": {"type": "string", "constraints": {"required": True}},
        "date_accessed": {"type": "date"},
        "licence": {"type": "string", "constraints": {"required": True}},
        "citation": {
            "type": "string",
            "constraints": {"required": True},
            "description": "The citation line: who published the document and where it lives at the publisher.",
        },
        "copy_url": {
            "type": "string",
            "description": "Where the project read a copy, when not at the publisher "
            "(provenance, never part of the citation).",
        },
        "copy_kind": {
            "type": "string",
            "constraints": {"enum": ["", "data_copy", "reprint", "platform", "snapshot"]},
            "description": "How the copy was obtained: data_copy, reprint, platform or snapshot (etl/hosts.py).",
        },
        "copy_note": {"type": "string", "description": "Where the copy was read and why."},
    },
    "indicators": {
        "indicator": {"type": "string", "constraints": {"required": True, "unique": True}},
        "label": {"type": "string", "constraints": {"required": True}},
        "order": {"type": "integer"},
    },
    "categories": {
        "breakdown": {"type": "string", "constraints": {"required": True}},
        "category": {"type": "string", "constraints": {"required": True}},
        "order": {"type": "integer"},
    },
    "countries": {
        "iso2": {"type": "string", "constraints": {"required": True, "unique": True, "pattern": "[A-Z]{2}|EU\\d\\d"}},
        "eu_member_from": {"type": "integer", "constraints": {"minimum": 1950}},
        "eu_member_until": {"type": "integer", "constraints": {"minimum": 1950}},
    },
    "units": {"unit": {"type": "string", "constraints": {"required": True, "unique": True}}},
    "flags": {"flag": {"type": "string", "constraints": {"required": True, "unique": True}}},
    "country_definitions": {
        "country": {"type": "string", "constraints": {"required": True}},
        "indicator": {"type": "string", "constraints": {"required": True}},
        "source_ids": {"type": "string", "constraints": {"pattern": ID_PATTERN}},
    },
}
PRIMARY_KEYS = {
    "sources": ["source_id"],
    "indicators": ["indicator"],
    "categories": ["breakdown", "category"],
    "countries": ["iso2"],
    "units": ["unit"],
    "flags": ["flag"],
    "country_definitions": ["country", "indicator"],
}
# foreign keys between side tables: (fields, resource, reference fields)
SIDE_FOREIGN_KEYS = {
    "indicators": [("unit", "units", "unit")],
    "country_definitions": [("country", "countries", "iso2"), ("indicator", "indicators", "indicator")],
}
TITLES = {
    "sources": "Source records: one per document (publisher, title, link, dates, licence, citation)",
    "indicators": "Codebook: indicators (what is counted)",
    "categories": "Codebook: breakdowns and categories",
    "countries": "Codebook: countries",
    "units": "Codebook: units",
    "flags": "Codebook: flags",
    "country_definitions": "Codebook: what each country counts, per indicator",
}
# harmonised table: the row identity (the build's sort key, unique in every build)
HARMONISED_KEY = [
    "country",
    "indicator",
    "breakdown",
    "category",
    "unit",
    "period_start",
    "period_end",
    "source_id",
    "raw_file",
    "raw_row",
]


def _side_fields(
    name: str, columns: list[str], sources: pd.DataFrame | None = None, qualities: list[str] | None = None
) -> list[dict]:
    known = SIDE_FIELDS.get(name, {})
    out = []
    for c in columns:
        f = {"name": c, **known.get(c, {"type": "string"})}
        if name == "sources" and c == "grade" and qualities:
            f = {**f, "constraints": {**f.get("constraints", {}), "enum": qualities}}
        if name == "country_definitions" and c == "source_ids":
            f["description"] = "Source records (sources.csv) joined by ';' (no foreign key: a list)."
        out.append(f)
    return out


def descriptor(
    root: Path | str, meta: dict | None = None, *, table_columns: list[str] | None = None, citation: str | None = None
) -> dict:
    """The datapackage.json of the dataset in `root` (a data folder: harmonised/, sources.csv, codebook/).

    `table_columns`: the harmonised table's columns as published (default: its CSV header);
    `citation`: the dataset citation (the app's wording, passed in: etl does not import the app)."""
    root = Path(root)
    meta = meta or {}
    table_path = root / "harmonised" / TABLE_PATH
    columns = list(table_columns) if table_columns is not None else _header(table_path)
    codebook: dict[str, pd.DataFrame] = {}
    for name in CODEBOOK_TABLES:
        p = root / "codebook" / f"{name}.csv"
        if p.is_file():
            codebook[name] = _read(p)
    qualities = _codes(codebook.get("grades"), "grade") if "grades" in codebook else []
    published = [n for n in CODEBOOK_TABLES if n in codebook]
    has_sources = (root / SOURCES_PATH).is_file()

    fk = []  # no key on source_id: a ';' list on rate rows (see the field's description)
    for field, res, ref in (
        ("country", "countries", "iso2"),
        ("indicator", "indicators", "indicator"),
        ("unit", "units", "unit"),
    ):
        if res in published and field in columns:
            fk.append({"fields": field, "reference": {"resource": res, "fields": ref}})
    table = {
        "name": "thb_baltic",
        "title": "Harmonised figures: one number a row, every source kept, one preferred per figure",
        "path": TABLE_PATH,
        "profile": PROFILE_RESOURCE,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": ENCODING,
        "description": (
            "A figure is identified by (country, period_start, period_end, indicator, breakdown, category, unit). "
            "Several sources may give the same figure: every value is kept and at most one is preferred. "
            "Registered victims are the cases the authorities detected, not how many people are trafficked; "
            "each country counts a different thing (codebook/country_definitions.csv). "
            "Not expressible as foreign keys (checked by the build and the test suite): source_id of a rate "
            "row holds two source ids joined by ';'; flags holds flag codes joined by ';'; (breakdown, category) "
            "refers to codebook/categories.csv, where '*' stands for any country code. " + PUBLISHER_TERMS
        ),
        "licenses": [{**CC_BY, "title": CC_BY["title"] + " (the harmonisation: codes, selection, derived rates)"}],
        "schema": {
            "fields": harmonised_fields(columns, codebook),
            "missingValues": [""],
            **({"primaryKey": HARMONISED_KEY} if all(c in columns for c in HARMONISED_KEY) else {}),
            **({"foreignKeys": fk} if fk else {}),
        },
    }
    resources = [table]
    if has_sources:
        resources.append(
            _side_resource("sources", SOURCES_PATH, _header(root / SOURCES_PATH), published, qualities=qualities)
        )
    for name in published:
        resources.append(_side_resource(name, f"codebook/{name}.csv", list(codebook[name].columns), published))

    version = str(meta.get("dataset_version") or "unknown")
    pkg = {
        "profile": PROFILE_PACKAGE,
        "name": "thb-baltic",
        "title": "Trafficking in human beings in Estonia, Latvia and Lithuania: harmonised official statistics",
        "description": (
            "Official figures on trafficking in human beings (THB) in the three Baltic states, harmonised into "
            "one table. Every number is traceable to its source (sources.csv: publisher, document, location); "
            "where sources disagree every value is kept and one is chosen by a documented rule. Registered "
            "victims are the cases the authorities detected, not how many people are trafficked. "
            "Dataset version " + version + ", data as of " + str(meta.get("data_as_of") or "unknown") + ". "
            "Licences: the harmonisation (codes, codebook, selection, derived rates) is CC BY 4.0; the code that "
            "builds it is MIT; " + PUBLISHER_TERMS
        ),
        "version": version,
        "keywords": [
            "trafficking in human beings",
            "THB",
            "Estonia",
            "Latvia",
            "Lithuania",
            "official statistics",
            "UNODC GLOTIP",
            "Eurostat",
        ],
        "licenses": [CC_BY],
        "code_licenses": [MIT],
        "sources": [
            {
                "title": "One source record per document: sources.csv (publisher, title, link, licence, citation)",
                "path": SOURCES_PATH,
            }
        ]
        if has_sources
        else [],
        "resources": resources,
    }
    if meta.get("data_as_of"):
        pkg["data_as_of"] = str(meta["data_as_of"])
    if citation:
        pkg["citation"] = citation
    return pkg


def _side_resource(
    name: str, path: str, columns: list[str], published: list[str], qualities: list[str] | None = None
) -> dict:
    schema: dict = {"fields": _side_fields(name, columns, qualities=qualities), "missingValues": [""]}
    pk = PRIMARY_KEYS.get(name)
    if pk and all(c in columns for c in pk):
        schema["primaryKey"] = pk
    fks = [
        {"fields": f, "reference": {"resource": r, "fields": rf}}
        for f, r, rf in SIDE_FOREIGN_KEYS.get(name, [])
        if r in published and f in columns
    ]
    if fks:
        schema["foreignKeys"] = fks
    return {
        "name": name,
        "title": TITLES.get(name, name),
        "path": path,
        "profile": PROFILE_RESOURCE,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": ENCODING,
        "licenses": [CC_BY],
        "schema": schema,
    }
