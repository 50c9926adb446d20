"""Synthetic data trees for etl tests: the real codebook and mapping tables, invented raw figures.

Every number in these fixtures is made up (SYNTHETIC) and only exercises the rules.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from etl.paths import REPO_ROOT, DataPaths

RESEARCH_HEADER = [
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
GLOTIP_HEADER = [
    "country",
    "year",
    "src_indicator",
    "src_dimension",
    "src_category",
    "src_sex",
    "src_age",
    "value",
    "unit",
    "source_id",
    "location",
]
from etl.reference import SERIES_BREAK_COLUMNS, SOURCE_COLUMNS as SOURCE_HEADER  # noqa: E402

# curated note texts the tests write into the synthetic tree's mapping (registered in its catalogue)
SYNTHETIC_NOTES = ["synthetic reason"]

SYNTHETIC_SOURCES = [
    ("SYN_UNODC", "unodc", "official_statistics", "2025"),
    ("SYN_MINISTRY", "national", "official_publication", "2021"),
    ("SYN_NEWS", "national", "news_citing_official", "2021"),
    ("SYN_TIP", "us_tip", "international_monitoring", "2021"),
    ("SYN_STATS", "national", "official_statistics", "2021"),
    ("SYN_WIKI", "national", "tertiary", "2024"),
]


def write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def research_row(
    country,
    period,
    indicator,
    dimension,
    category,
    value,
    source,
    unit="persons",
    status="",
    location="synthetic table 1",
):
    start, _, end = str(period).partition("-")
    return [
        country,
        str(period),
        start,
        end or start,
        indicator,
        dimension,
        category,
        str(value),
        unit,
        status,
        source,
        location,
    ]


def glotip_row(country, year, indicator, dimension, category, value, sex="Total", age="Total", row=100):
    return [
        country,
        str(year),
        indicator,
        dimension,
        category,
        sex,
        age,
        str(value),
        "Counts",
        "SYN_UNODC",
        f"sheet data_glotip_1, row {row}",
    ]


class SyntheticTree:
    def __init__(self, root: Path):
        self.paths = DataPaths(root)
        for folder in ("codebook", "mapping"):
            shutil.copytree(REPO_ROOT / "data" / folder, root / folder)
        # the row notes' catalogue: the real one (the real mapping's notes), plus the tests' synthetic texts
        (root / "i18n").mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO_ROOT / "data" / "i18n" / "row_notes.csv", root / "i18n" / "row_notes.csv")
        # the real overrides and series breaks cite real documents; start the synthetic tree without them
        write_csv(
            root / "mapping" / "precedence_overrides.csv",
            [
                "country",
                "period_start",
                "period_end",
                "indicator",
                "breakdown",
                "category",
                "unit",
                "preferred_source_id",
                "why",
            ],
            [],
        )
        write_csv(
            root / "codebook" / "country_definitions.csv", ["country", "indicator", "definition", "source_ids"], []
        )
        self.sources = [
            [
                sid,
                fam,
                g,
                "synthetic grade",
                "",
                f"Synthetic publisher {sid}",
                f"Synthetic document {sid}",
                "",
                year,
                "2026-11-28",
                "synthetic",
                f"Synthetic citation {sid}",
                "",
                "",
                "",
                "",
            ]
            for sid, fam, g, year in SYNTHETIC_SOURCES
        ]
        self.research: dict[str, list[list]] = {
            name: [] for name in ("national.csv", "us_tip.csv", "greta.csv", "eurostat_ec.csv", "secondary.csv")
        }
        self.glotip: list[list] = []
        self.series_breaks: list[list] = []  # SERIES_BREAK_COLUMNS; a test adds its own

    def write(self) -> DataPaths:
        root = self.paths.root
        write_csv(root / "mapping" / "series_breaks.csv", SERIES_BREAK_COLUMNS, self.series_breaks)
        write_csv(root / "sources.csv", SOURCE_HEADER, self.sources)
        for name, rows in self.research.items():
            write_csv(root / "raw" / name, RESEARCH_HEADER, rows)
        write_csv(root / "raw" / "unodc_glotip_syn.csv", GLOTIP_HEADER, self.glotip)
        self.register_notes([t for r in self.series_breaks for t in (r[5], r[9]) if t] + SYNTHETIC_NOTES)
        return self.paths

    def register_notes(self, texts: list[str]) -> None:
        """Give the synthetic curated texts ids in the tree's row-notes catalogue (as a curator registers a note)."""
        path = self.paths.root / "i18n" / "row_notes.csv"
        with path.open(encoding="utf-8", newline="") as fh:
            known = {r["en"] for r in csv.DictReader(fh)}
        new = [t for t in dict.fromkeys(texts) if t not in known]
        with path.open("a", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerows([f"synthetic.{len(known) + i}", t, "", "", "", ""] for i, t in enumerate(new))


@pytest.fixture
def tree(tmp_path) -> SyntheticTree:
    return SyntheticTree(tmp_path / "data")
