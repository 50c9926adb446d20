"""Importing a dataUNODC export: a SYNTHETIC file in the export's layout (numbers invented)."""

from __future__ import annotations

import csv

import pandas as pd
import pytest
from openpyxl import Workbook

from etl.cli import main
from etl.glotip_import import EXPORT_COLUMNS, GlotipFormatError, import_glotip
from tests.etl.conftest import write_csv

SYNTHETIC_ROWS = [
    [
        "EST",
        "Estonia",
        "Europe",
        "Northern Europe",
        "Detected trafficking victims",
        "Total",
        "Total",
        "Total",
        "Total",
        "2023",
        "Counts",
        "41",
        "GLOTIP",
    ],
    [
        "EST",
        "Estonia",
        "Europe",
        "Northern Europe",
        "Detected trafficking victims",
        "by citizenship",
        "Ukraineans",
        "Total",
        "Total",
        "2023",
        "Counts",
        "<5",
        "GLOTIP",
    ],
    [
        "FIN",
        "Finland",
        "Europe",
        "Northern Europe",
        "Detected trafficking victims",
        "Total",
        "Total",
        "Total",
        "Total",
        "2023",
        "Counts",
        "99",
        "GLOTIP",
    ],
    [
        "LVA",
        "Latvia",
        "Europe",
        "Northern Europe",
        "Persons convicted",
        "Total",
        "Total",
        "Male",
        "18 years or over",
        "2023",
        "Counts",
        "7",
        "GLOTIP",
    ],
]


def export_grid(rows=SYNTHETIC_ROWS, date="02/03/2026"):
    return [["UNODC", "unodc_dass@un.org"], [date], EXPORT_COLUMNS] + rows


def write_xlsx(path, grid):
    book = Workbook()
    sheet = book.active
    sheet.title = "data_glotip_1"
    for row in grid:
        sheet.append(row)
    book.save(path)


@pytest.fixture
def paths(tree):
    return tree.write()


def test_xlsx_export_becomes_a_raw_file_and_a_source(paths, tmp_path):
    export = tmp_path / "data_glotip.xlsx"
    write_xlsx(export, export_grid())
    target, count, source_id = import_glotip(export, paths)
    assert source_id == "UNODC_GLOTIP_2026" and count == 3  # Finland is left out
    raw = pd.read_csv(target, dtype=str, keep_default_na=False)
    assert raw["value"].tolist() == ["41", "<5", "7"]  # '<5' kept as printed
    assert raw["location"].tolist() == [f"sheet data_glotip_1, row {n}" for n in (4, 5, 7)]
    sources = pd.read_csv(paths.sources, dtype=str, keep_default_na=False)
    record = sources[sources["source_id"] == "UNODC_GLOTIP_2026"].iloc[0]
    assert "extracted 2026-03-02" in record["title"] and record["grade"] == "official_statistics"


def test_csv_export_and_one_command_import_then_build(paths, tmp_path):
    export = tmp_path / "data_glotip.csv"
    with export.open("w", newline="") as handle:
        csv.writer(handle).writerows(export_grid())
    # the synthetic tree needs a country label for the demonym: it has one (Ukraineans -> UA)
    assert main(["--data", str(paths.root), "import-glotip", str(export)]) == 0
    table = pd.read_csv(paths.output, keep_default_na=False)
    mine = table[table["source_id"] == "UNODC_GLOTIP_2026"]
    assert set(mine["category"]) == {"total", "UA", "male_adult"}


@pytest.mark.parametrize(
    "grid, message",
    [
        ([["just", "a", "table"], ["1", "2", "3"]], "Iso3_code"),
        (export_grid(rows=[r[:11] + ["12.5", "GLOTIP"] for r in SYNTHETIC_ROWS[:1]]), "neither a count"),
        (export_grid(rows=SYNTHETIC_ROWS[2:3]), "no rows for EST, LVA or LTU"),
    ],
)
def test_wrong_shape_is_refused_with_a_clear_message(paths, tmp_path, grid, message):
    export = tmp_path / "wrong.csv"
    with export.open("w", newline="") as handle:
        csv.writer(handle).writerows(grid)
    with pytest.raises(GlotipFormatError, match=message):
        import_glotip(export, paths)
    assert not list(paths.raw.glob("unodc_glotip_2026*"))


def test_cli_reports_a_wrong_file_with_exit_code_2(paths, tmp_path, capsys):
    export = tmp_path / "notes.csv"
    write_csv(export, ["a", "b"], [["1", "2"]])
    assert main(["--data", str(paths.root), "import-glotip", str(export)]) == 2
    assert "import-glotip:" in capsys.readouterr().err
