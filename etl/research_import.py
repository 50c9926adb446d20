"""Import the project's research collection (figures.csv + sources.csv) into data/raw and data/sources.csv.

The research collection (shared/sources in the NGO partnership's workspace) is the reviewed record of
what each document printed. This importer carries the *figures* over one row per number, keeps the
researcher's wording in columns of its own, keeps printed periods as they are, and drops the
verbatim quotes (they are for checking only and are not republished).

It is run once per research release; the result is committed and reviewed like any data change.
"""
from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd

from etl.paths import DataPaths
from etl.periods import parse_period

# Research "family" -> raw transcription file (one per source family).
FAMILY_FILES = {
    "national": "national.csv",
    "us_tip": "us_tip.csv",
    "greta": "greta.csv",
    "eurostat": "eurostat_ec.csv",
    "eurostat_ec": "eurostat_ec.csv",
    "secondary": "secondary.csv",
}

RAW_COLUMNS = [
    "country", "period_label", "period_start", "period_end",
    "src_indicator", "src_dimension", "src_category",
    "value", "unit", "status", "source_id", "location",
]

SOURCE_COLUMNS = [
    "source_id", "family", "quality", "publisher", "title", "url", "date_published",
    "date_accessed", "licence", "citation", "notes",
]

# The research collection was transcribed into this project on this date.
TRANSCRIBED_ON = "2026-11-28"

_PRELIMINARY = re.compile(r"PRELIMINARY|provisional|earlier estimate|superseded", re.IGNORECASE)
_REFINED = re.compile(r"REFINED|revised figure|\(revised\)|final", re.IGNORECASE)


def revision_status(location: str) -> str:
    """preliminary / refined / '' from the researcher's location note (population vintages)."""
    if _PRELIMINARY.search(location or ""):
        return "preliminary"
    if _REFINED.search(location or ""):
        return "refined"
    return ""


def source_quality(row: dict) -> str:
    """Classify a document for the precedence rule (see data/mapping/precedence.csv)."""
    family = row["family"]
    sid = row["source_id"]
    notes = (row.get("notes") or "").upper()
    publisher = (row.get("publisher") or "").lower()
    if "TERTIARY" in notes or sid.startswith("WIKI"):
        return "tertiary"
    if family == "unodc":
        return "official_statistics"
    if family in {"eurostat", "eurostat_ec"}:
        if sid.startswith("SEC_"):
            return "secondary"
        if sid.startswith("NAT_"):
            return "news_citing_official"
        return "official_statistics"
    if family == "greta":
        return "international_monitoring"
    if family == "us_tip":
        return "us_tip"
    if family == "secondary" or notes.startswith("SECONDARY"):
        return "secondary"
    if notes.startswith("NATIONAL STATISTICAL OFFICE"):
        return "national_statistics_office"
    if re.match(r"(NATIONAL OFFICIAL|OFFICIAL|NATIONAL RAPPORTEUR|NATIONAL POLICE)", notes):
        return "national_official"
    if notes.startswith("NGO") or "ngo" in publisher.split(",")[0]:
        return "ngo"
    if any(k in publisher for k in ("ministry", "statistics estonia", "social insurance board", "sotsiaalkindlustusamet", "seimas ombudsmen")) and "citing" not in publisher and "quoting" not in publisher and "via" not in publisher:
        return "national_official"
    return "news_citing_official"


LICENCES = {
    "unodc": "UN/UNODC terms of use; the export states no licence. Facts reused with attribution.",
    "eurostat": "Eurostat/European Commission reuse policy: reuse with attribution.",
    "eurostat_ec": "Eurostat/European Commission reuse policy: reuse with attribution.",
    "us_tip": "US Government work (public domain in the US). Facts reused with attribution.",
    "greta": "(c) Council of Europe. Facts reused with attribution.",
}
DEFAULT_LICENCE = "(c) the publisher. Individual facts (figures) reused with attribution; no text reproduced."


def citation(row: dict) -> str:
    year = str(row.get("year_published") or "").strip() or "n.d."
    parts = [f"{row['publisher']} ({year}).", f"{row['title']}."]
    if row.get("url"):
        parts.append(str(row["url"]))
    return " ".join(p for p in parts if p.strip(". "))


def _ids_cited_by_mapping(paths: DataPaths) -> set[str]:
    """Documents cited by mapping tables and country definitions need an origin record too."""
    ids: set[str] = set()
    for path, column in ((paths.mapping / "series_breaks.csv", "source_id"),
                         (paths.mapping / "precedence_overrides.csv", "preferred_source_id"),
                         (paths.codebook / "country_definitions.csv", "source_ids")):
        if path.exists():
            for cell in pd.read_csv(path, dtype=str, keep_default_na=False)[column]:
                ids |= set(filter(None, cell.split(";")))
    return ids


def import_research(research_dir: Path, paths: DataPaths) -> dict[str, int]:
    figures = pd.read_csv(research_dir / "figures.csv", dtype=str, keep_default_na=False)
    sources = pd.read_csv(research_dir / "sources.csv", dtype=str, keep_default_na=False)
    paths.raw.mkdir(parents=True, exist_ok=True)

    rows_by_file: dict[str, list[dict]] = {}
    for rec in figures.to_dict("records"):
        if rec["family"] not in FAMILY_FILES:
            raise ValueError(f"figures.csv: unknown family {rec['family']!r}")
        start, end = parse_period(rec["year"])
        rows_by_file.setdefault(FAMILY_FILES[rec["family"]], []).append({
            "country": rec["country"],
            "period_label": rec["year"],
            "period_start": start,
            "period_end": end,
            "src_indicator": rec["indicator"],
            "src_dimension": rec["dimension"],
            "src_category": rec["category"],
            "value": rec["value"],
            "unit": rec["unit"],
            "status": revision_status(rec["location"]),
            "source_id": rec["source_id"],
            "location": rec["location"],
        })
    counts = {}
    for name, rows in sorted(rows_by_file.items()):
        frame = pd.DataFrame(rows, columns=RAW_COLUMNS)
        frame = frame.sort_values(["country", "period_start", "period_end", "src_indicator",
                                   "src_dimension", "src_category", "source_id", "value"], kind="stable")
        frame.to_csv(paths.raw / name, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        counts[name] = len(frame)

    used = set(figures["source_id"]) | {"UNODC_GLOTIP_2025"} | _ids_cited_by_mapping(paths)
    out = []
    for rec in sources.to_dict("records"):
        if rec["source_id"] not in used:
            continue  # documents only cited in the research notes carry no figure here
        out.append({
            "source_id": rec["source_id"],
            "family": rec["family"],
            "quality": source_quality(rec),
            "publisher": rec["publisher"],
            "title": rec["title"],
            "url": rec["url"],
            "date_published": rec["year_published"],
            "date_accessed": TRANSCRIBED_ON,
            "licence": LICENCES.get(rec["family"], DEFAULT_LICENCE),
            "citation": citation(rec),
            "notes": rec["notes"],
        })
    frame = pd.DataFrame(out, columns=SOURCE_COLUMNS).sort_values("source_id")
    frame.to_csv(paths.sources, index=False, lineterminator="\n")
    counts["sources.csv"] = len(frame)
    return counts
