"""Row notes as ids with values (issue 29): the build writes `note_keys` beside the English `note`, and stops on a
curated note the catalogue does not register. Synthetic data only."""

from __future__ import annotations

import json

import pytest

from etl.build import harmonise
from etl.errors import BuildError
from tests.etl.conftest import glotip_row


def _victims(tree, years=(2020, 2021)):
    for i, year in enumerate(years):
        tree.glotip.append(glotip_row("EE", year, "Detected trafficking victims", "Total", "Total", 10 + i, row=i + 2))


def test_an_unregistered_curated_note_stops_the_build_with_where_to_register_it(tree):
    _victims(tree)
    tree.series_breaks.append(
        ["EE", "victims", "2021", "series_break", "collection", "A brand-new break.", "SYN_MINISTRY", "", "", ""]
    )
    paths = tree.write()
    catalogue = paths.root / "i18n" / "row_notes.csv"
    catalogue.write_text(
        "".join(line for line in catalogue.read_text(encoding="utf-8").splitlines(True) if "A brand-new" not in line),
        encoding="utf-8",
    )
    with pytest.raises(BuildError) as err:
        harmonise(paths)
    assert "'A brand-new break.' has no id: register it in data/i18n/row_notes.csv" in str(err.value)


def test_note_keys_hold_the_notes_as_ids_with_values_and_note_their_english(tree):
    _victims(tree)
    tree.series_breaks.append(
        ["EE", "victims", "2021", "series_break", "collection", "A brand-new break.", "SYN_MINISTRY", "", "", ""]
    )
    table = harmonise(tree.write()).table
    row = table[(table["period_start"] == 2021) & (table["unit"] == "persons")].iloc[0]
    keys = json.loads(row["note_keys"])
    assert keys[0]["id"] == "series_break" and keys[0]["source"] == "SYN_MINISTRY"
    assert keys[0]["note"]["id"].startswith("synthetic.")
    # the English names the source as the source line does, never by its id
    assert row["note"] == "A brand-new break. [Synthetic publisher SYN_MINISTRY: Synthetic document SYN_MINISTRY]"
    assert (table["note"] == "").equals(table["note_keys"] == "")
