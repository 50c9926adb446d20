"""The build refuses bad input with a message naming file and row, and overwrites nothing."""

from __future__ import annotations

import pytest

from etl.build import build
from etl.cli import main
from etl.errors import BuildError
from tests.etl.conftest import RESEARCH_HEADER, glotip_row, research_row, write_csv


def good_tree(tree):
    tree.glotip.append(glotip_row("EE", 2020, "Detected trafficking victims", "Total", "Total", 5))
    tree.research["national.csv"].append(
        research_row("EE", 2020, "identified_victims", "total", "all", 6, "SYN_MINISTRY")
    )
    return tree.write()


def refused(paths) -> str:
    with pytest.raises(BuildError) as caught:
        build(paths)
    return str(caught.value)


def test_a_good_tree_builds_and_writes_both_outputs(tree):
    paths = good_tree(tree)
    build(paths)
    assert paths.output.exists() and paths.meta.exists()


@pytest.mark.parametrize("value, expected", [("-3", "value"), ("twelve", "value"), ("", "value")])
def test_non_numeric_or_negative_values_are_refused(tree, value, expected):
    tree.research["national.csv"].append(
        research_row("EE", 2020, "identified_victims", "total", "all", value, "SYN_MINISTRY")
    )
    message = refused(tree.write())
    assert "national.csv line 2" in message and expected in message


def test_unknown_source_id_is_refused(tree):
    tree.research["us_tip.csv"].append(
        research_row("LT", 2019, "identified_victims", "total", "all", 3, "NOT_A_SOURCE")
    )
    message = refused(tree.write())
    assert "us_tip.csv line(s) 2" in message and "NOT_A_SOURCE" in message


def test_missing_column_empty_file_and_missing_file_are_named(tree):
    paths = good_tree(tree)
    write_csv(paths.raw / "greta.csv", [c for c in RESEARCH_HEADER if c != "location"], [])
    assert "greta.csv: missing column(s) ['location']" in refused(paths)
    (paths.raw / "greta.csv").write_text("")
    assert "greta.csv: file is empty" in refused(paths)
    (paths.raw / "greta.csv").unlink()
    assert "greta.csv: file is missing" in refused(paths)


def test_out_of_range_year_and_unknown_country_are_refused(tree):
    tree.research["national.csv"].append(
        research_row("FI", 1890, "identified_victims", "total", "all", 3, "SYN_MINISTRY")
    )
    message = refused(tree.write())
    assert "'country'" in message and "'period_start'" in message


def test_a_failed_build_leaves_the_previous_output_untouched(tree):
    paths = good_tree(tree)
    build(paths)
    before = paths.output.read_bytes(), paths.meta.read_bytes()
    tree.research["national.csv"].append(
        research_row("EE", 2021, "identified_victims", "total", "all", "x", "SYN_MINISTRY")
    )
    tree.write()
    refused(paths)
    assert (paths.output.read_bytes(), paths.meta.read_bytes()) == before


def test_cli_exit_code_and_message_on_bad_input(tree, capsys):
    tree.research["national.csv"].append(
        research_row("EE", 2020, "identified_victims", "total", "all", "-1", "SYN_MINISTRY")
    )
    paths = tree.write()
    assert main(["--data", str(paths.root)]) == 1
    err = capsys.readouterr().err
    assert "nothing was written" in err and "national.csv line 2" in err


def test_two_builds_are_byte_identical(tree):
    paths = good_tree(tree)
    build(paths)
    first = paths.output.read_bytes(), paths.meta.read_bytes()
    build(paths)
    assert (paths.output.read_bytes(), paths.meta.read_bytes()) == first
