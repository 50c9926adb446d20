"""A corrupt or missing data file: the app shows a clear error naming the file (and the row), never
a traceback; the build refuses the same files (tests/etl/test_validation.py) and writes nothing."""

from __future__ import annotations

import shutil

import pytest

from tests.app.conftest import FIXTURE_DIR, open_page

TABLE = "harmonised/thb_baltic.csv"


def _corrupt(text: str, case: str) -> str:
    lines = text.splitlines()
    header = lines[0].split(",")
    if case == "missing_column":
        i = header.index("indicator")
        return "\n".join(",".join(c for j, c in enumerate(ln.split(",")) if j != i) for ln in lines) + "\n"
    if case == "non_numeric":
        i = header.index("value")
        row = lines[3].split(",")
        row[i] = "12abc"
        lines[3] = ",".join(row)
    if case == "unknown_source":
        i = header.index("source_id")
        row = lines[3].split(",")
        row[i] = "NO_SUCH_SOURCE"
        lines[3] = ",".join(row)
    if case == "empty":
        return ""
    return "\n".join(lines) + "\n"


CASES = {"missing_column": ("indicator",), "non_numeric": ("row 4", "12abc"),
         "unknown_source": ("row 4", "NO_SUCH_SOURCE"), "empty": ("empty",), "missing_file": ("not found",)}


@pytest.mark.parametrize("case", list(CASES))
def test_app_names_file_and_row(tmp_path, monkeypatch, case):
    shutil.copytree(FIXTURE_DIR, tmp_path / "d")
    f = tmp_path / "d" / TABLE
    if case == "missing_file":
        f.unlink()
    else:
        text = f.read_text()
        assert "," in text.splitlines()[3]
        f.write_text(_corrupt(text, case))
    monkeypatch.setenv("THB_DATA_DIR", str(tmp_path / "d"))
    at = open_page("trends")
    assert not at.exception
    assert at.error, case
    msg = at.error[0].value
    assert "thb_baltic.csv" in msg and "Problem:" in msg
    for want in CASES[case]:
        assert want in msg, (case, msg)
    assert not at.get("vega_lite_chart"), "no chart from a broken file"
