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

from etl.citation import clean_citation
from etl.hosts import CITABLE_KINDS, Hosts
from etl.paths import DataPaths
from etl.periods import parse_period
from etl.reference import SOURCE_COLUMNS

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
    "country",
    "period_label",
    "period_start",
    "period_end",
    "src_indicator",
    "src_dimension",
    "src_category",
    "value",
    "unit",
    "status",
    "source_id",
    "location",
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


def first_guess_grade(row: dict) -> tuple[str, str]:
    """An evidence grade (codebook/grades.csv) for a new source, from its family and the researcher's notes.

    The grade says what the document is, not whom it quotes: a news item quoting a ministry is
    `news_citing_official`. This is a first guess for sources the project has not graded yet; the reason
    says it, and a reviewer corrects `grade` and `grade_reason` in data/sources.csv (graded sources keep
    their grade on a re-import)."""
    family, sid = row["family"], row["source_id"]
    notes = (row.get("notes") or "").upper()
    url = (row.get("url") or "").lower()
    rule = "first guess from the research notes; review"
    if "TERTIARY" in notes or "wikipedia" in url:
        return "tertiary", rule
    if family == "unodc" or sid.startswith(("EUROSTAT_", "ESTAT_CRIM_THB_", "ESTAT_DEMO_")):
        return "official_statistics", rule
    if "otsing" in url or "search" in url:
        return "secondary", rule + " (a search-result listing, not the release itself)"
    if family in {"eurostat", "eurostat_ec"} and sid.startswith("ESTAT_"):
        return "official_statistics", rule
    if family == "greta" or family == "us_tip":
        return "international_monitoring", rule
    if notes.startswith(("NATIONAL STATISTICAL OFFICE", "OFFICIAL")):
        return "official_statistics" if "STATISTIC" in notes[:40] else "official_publication", rule
    if notes.startswith(("NATIONAL OFFICIAL", "NATIONAL RAPPORTEUR")) and "VIA" not in notes[:60]:
        return "official_publication", rule
    if notes.startswith("NGO"):
        return "ngo_publication", rule
    if family == "secondary" or sid.startswith("SEC_") or notes.startswith("SECONDARY"):
        return "secondary", rule
    return "news_citing_official", rule


LICENCES = {
    "unodc": "UN/UNODC terms of use; the export states no licence. Facts reused with attribution.",
    "eurostat": "Eurostat/European Commission reuse policy: reuse with attribution.",
    "eurostat_ec": "Eurostat/European Commission reuse policy: reuse with attribution.",
    "us_tip": "US Government work (public domain in the US). Facts reused with attribution.",
    "greta": "(c) Council of Europe. Facts reused with attribution.",
}
DEFAULT_LICENCE = "(c) the publisher. Individual facts (figures) reused with attribution; no text reproduced."


def citation(row: dict) -> str:
    """A clean citation (no curator notes) from a research source record."""
    return clean_citation({**row, "date_published": row.get("year_published", row.get("date_published", ""))})


def _ids_cited_by_mapping(paths: DataPaths) -> set[str]:
    """Documents cited by mapping tables and country definitions need an origin record too."""
    ids: set[str] = set()
    for path, column in (
        (paths.mapping / "series_breaks.csv", "source_id"),
        (paths.mapping / "precedence_overrides.csv", "preferred_source_id"),
        (paths.codebook / "country_definitions.csv", "source_ids"),
    ):
        if path.exists():
            for cell in pd.read_csv(path, dtype=str, keep_default_na=False)[column]:
                ids |= set(filter(None, cell.split(";")))
    return ids


def import_research(research_dir: Path, paths: DataPaths) -> dict[str, int]:
    figures = pd.read_csv(research_dir / "figures.csv", dtype=str, keep_default_na=False)
    sources = pd.read_csv(research_dir / "sources.csv", dtype=str, keep_default_na=False)
    paths.raw.mkdir(parents=True, exist_ok=True)

    rows_by_file = _raw_rows(figures)
    counts = {}
    for name, rows in sorted(rows_by_file.items()):
        frame = pd.DataFrame(rows, columns=RAW_COLUMNS)
        frame = frame.sort_values(
            [
                "country",
                "period_start",
                "period_end",
                "src_indicator",
                "src_dimension",
                "src_category",
                "source_id",
                "value",
            ],
            kind="stable",
        )
        frame.to_csv(paths.raw / name, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        counts[name] = len(frame)

    used = set(figures["source_id"]) | {"UNODC_GLOTIP_2025"} | _ids_cited_by_mapping(paths)
    reviewed = _reviewed(paths)
    hosts = _hosts(paths)
    out = [
        reviewed.get(rec["source_id"]) or new_record(rec, hosts, TRANSCRIBED_ON)
        for rec in sources.to_dict("records")
        if rec["source_id"] in used
    ]
    frame = pd.DataFrame(out, columns=SOURCE_COLUMNS).fillna("").sort_values("source_id")
    frame.to_csv(paths.sources, index=False, lineterminator="\n")
    counts["sources.csv"] = len(frame)
    return counts


def new_record(rec: dict, hosts: Hosts, accessed: str) -> dict:
    """An origin record for a research source the project has not reviewed yet: a first-guess grade, a clean
    citation, and a copy read on a host that is no publisher's (a code host, a document-sharing site, a news
    wire) kept as provenance, never in the citation, and never graded official until a reviewer says so."""
    grade, reason = first_guess_grade(rec)
    url, copy_url, copy_kind, copy_note = rec["url"], "", "", ""
    kind = hosts.kind_of_url(url)
    if kind in ("code_hosting", "document_sharing") or (grade in OFFICIAL_GUESSES and kind not in CITABLE_KINDS):
        url, copy_url, copy_kind = "", rec["url"], "reprint"
        copy_note = (
            f"Read on {kind.replace('_', ' ') or 'a host not listed in codebook/hosts.csv'}; first guess, review."
        )
        if grade in OFFICIAL_GUESSES:
            grade, reason = "secondary", reason + " (read on a third-party copy: graded below the original)"
    record = {
        "source_id": rec["source_id"],
        "family": rec["family"],
        "grade": grade,
        "grade_reason": reason,
        "reports_on": "",
        "publisher": rec["publisher"],
        "title": rec["title"],
        "url": url,
        "date_published": rec["year_published"],
        "date_accessed": accessed,
        "licence": LICENCES.get(rec["family"], DEFAULT_LICENCE),
        "copy_url": copy_url,
        "copy_kind": copy_kind,
        "copy_note": copy_note,
        "notes": rec["notes"],
    }
    record["citation"] = citation({**rec, "url": url})
    return record


OFFICIAL_GUESSES = {"official_statistics", "official_publication", "international_monitoring"}


def _hosts(paths: DataPaths) -> Hosts:
    path = paths.codebook / "hosts.csv"
    frame = (
        pd.read_csv(path, dtype=str, keep_default_na=False) if path.exists() else pd.DataFrame(columns=["host", "kind"])
    )
    return Hosts(frame)


def _reviewed(paths: DataPaths) -> dict[str, dict]:
    """Records already reviewed in data/sources.csv: a re-import keeps them whole (grade, citation, copy)."""
    if not paths.sources.exists():
        return {}
    current = pd.read_csv(paths.sources, dtype=str, keep_default_na=False)
    for column in SOURCE_COLUMNS:
        if column not in current.columns:
            current[column] = ""
    return {r["source_id"]: {c: r[c] for c in SOURCE_COLUMNS} for r in current.to_dict("records") if r.get("grade")}


def _raw_rows(figures: pd.DataFrame) -> dict[str, list[dict]]:
    rows_by_file: dict[str, list[dict]] = {}
    for rec in figures.to_dict("records"):
        if rec["family"] not in FAMILY_FILES:
            raise ValueError(f"figures: unknown family {rec['family']!r}")
        start, end = parse_period(rec["year"])
        rows_by_file.setdefault(FAMILY_FILES[rec["family"]], []).append(
            {
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
            }
        )
    return rows_by_file


def add_research(folder: Path, paths: DataPaths, accessed: str) -> dict[str, int]:
    """Add a dated set of research additions (`<date>_figures.csv`, `<date>_sources.csv`) to data/raw and
    data/sources.csv: new rows are appended (rows already present are not repeated), new sources get an
    origin record with a first-guess grade to review, graded sources keep theirs."""
    counts: dict[str, int] = {}
    for fig_path in sorted(Path(folder).glob("*_figures.csv")):
        figures = pd.read_csv(fig_path, dtype=str, keep_default_na=False)
        sources = pd.read_csv(
            fig_path.with_name(fig_path.name.replace("_figures", "_sources")), dtype=str, keep_default_na=False
        )
        for name, rows in _raw_rows(figures).items():
            target = paths.raw / name
            old = (
                pd.read_csv(target, dtype=str, keep_default_na=False)
                if target.exists()
                else pd.DataFrame(columns=RAW_COLUMNS)
            )
            new = pd.DataFrame(rows, columns=RAW_COLUMNS).astype(str)
            both = pd.concat([old, new], ignore_index=True).drop_duplicates()
            both["_s"], both["_e"] = both["period_start"].astype(int), both["period_end"].astype(int)
            both = both.sort_values(
                ["country", "_s", "_e", "src_indicator", "src_dimension", "src_category", "source_id", "value"],
                kind="stable",
            ).drop(columns=["_s", "_e"])
            both.to_csv(target, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
            counts[name] = counts.get(name, 0) + len(both) - len(old)
        current = pd.read_csv(paths.sources, dtype=str, keep_default_na=False)
        known = set(current["source_id"])
        used = set(figures["source_id"])
        hosts = _hosts(paths)
        added = [
            new_record(rec, hosts, accessed)
            for rec in sources.to_dict("records")
            if rec["source_id"] not in known and rec["source_id"] in used
        ]
        for column in SOURCE_COLUMNS:
            if column not in current.columns:
                current[column] = ""
        out = pd.concat([current, pd.DataFrame(added, columns=SOURCE_COLUMNS)], ignore_index=True).fillna("")
        out[SOURCE_COLUMNS].sort_values("source_id").to_csv(paths.sources, index=False, lineterminator="\n")
        counts["sources.csv"] = counts.get("sources.csv", 0) + len(added)
    return counts
