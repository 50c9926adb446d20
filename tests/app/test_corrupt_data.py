"""A corrupt or missing data file: the app shows a clear error naming the file (and the row), never
a traceback; the build refuses the same files (tests/etl/test_validation.py) and writes nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

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


CASES = {
    "missing_column": ("indicator",),
    "non_numeric": ("row 4", "12abc"),
    "unknown_source": ("row 4", "NO_SUCH_SOURCE"),
    "empty": ("empty",),
    "missing_file": ("not found",),
}


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


# ---- the table is verified against the build record (issue 27): a cut or edited copy, an unreadable file


def _copy(tmp_path) -> Path:
    shutil.copytree(FIXTURE_DIR, tmp_path / "d")
    return tmp_path / "d"


def _with_digest_version(d) -> None:
    """The fixture's record as the build writes it: dataset_version = the table's content digest."""
    import hashlib
    import json

    meta_path = d / "harmonised" / "build_meta.json"
    meta = json.loads(meta_path.read_text())
    meta["dataset_version"] = hashlib.sha256((d / TABLE).read_bytes()).hexdigest()[:12]
    meta_path.write_text(json.dumps(meta))


def _error_text(at) -> str:
    assert not at.exception, [e.value for e in at.exception]
    assert at.error, "a clear error is shown"
    assert not at.get("vega_lite_chart"), "no chart from an unverified file"
    return at.error[0].value


@pytest.mark.parametrize("page", ["overview", "compare", "trends", "data"])
def test_a_truncated_table_is_refused_on_every_page(tmp_path, monkeypatch, page):
    """`head -n 500` of the table (a cut at a row boundary: still a valid CSV) was served as if whole."""
    d = _copy(tmp_path)
    lines = (d / TABLE).read_text().splitlines(keepends=True)
    (d / TABLE).write_text("".join(lines[:500]))
    monkeypatch.setenv("THB_DATA_DIR", str(d))
    msg = _error_text(open_page(page))
    assert "499 rows" in msg and "1,028" in msg and "harmonised/thb_baltic.csv" in msg, msg
    assert str(tmp_path) not in msg and "/d/" not in msg  # never the server's path


def test_the_error_is_in_the_readers_language(tmp_path, monkeypatch):
    d = _copy(tmp_path)
    lines = (d / TABLE).read_text().splitlines(keepends=True)
    (d / TABLE).write_text("".join(lines[:500]))
    monkeypatch.setenv("THB_DATA_DIR", str(d))
    msg = _error_text(open_page("compare", {"lang": "lv"})).replace("\u00a0", " ").replace("\u202f", " ")
    assert "Datus neizdevās ielādēt" in msg and "rindu skaits failā ir 499" in msg and "1 028" in msg, msg
    assert str(tmp_path) not in msg


def test_an_edited_table_is_refused_by_its_digest(tmp_path, monkeypatch):
    d = _copy(tmp_path)
    _with_digest_version(d)
    text = (d / TABLE).read_text()
    i = text.index("\n", 400)  # one character of one row changed: same rows, other content
    (d / TABLE).write_text(text[: i - 1] + ("8" if text[i - 1] != "8" else "9") + text[i:])
    monkeypatch.setenv("THB_DATA_DIR", str(d))
    msg = _error_text(open_page("trends"))
    assert "does not match the build record" in msg, msg


def test_the_untouched_copy_with_a_digest_version_loads(tmp_path, monkeypatch):
    d = _copy(tmp_path)
    _with_digest_version(d)
    monkeypatch.setenv("THB_DATA_DIR", str(d))
    at = open_page("trends")
    assert not at.exception and not at.error


def test_a_damaged_build_record_is_refused(tmp_path, monkeypatch):
    d = _copy(tmp_path)
    (d / "harmonised" / "build_meta.json").write_text('{"n_rows": 10')
    monkeypatch.setenv("THB_DATA_DIR", str(d))
    msg = _error_text(open_page("overview"))
    assert "build_meta.json" in msg and "cannot be checked" in msg, msg


@pytest.mark.parametrize("how", ["permission", "folder"])
def test_an_unreadable_table_is_a_clear_error_without_the_servers_path(tmp_path, monkeypatch, how):
    """The page showed the server's absolute path and the exception's class. A folder in place of the file
    is unreadable even for root (the tests may run as root, for whom chmod 000 changes nothing); the
    permission case is the OS error the reader of a chmod-000 file gets."""
    import errno

    from components.core import dataset

    d = _copy(tmp_path)
    if how == "folder":
        (d / TABLE).unlink()
        (d / TABLE).mkdir()
    else:

        def denied(path):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))

        monkeypatch.setattr(dataset, "file_digest", denied)
    monkeypatch.setenv("THB_DATA_DIR", str(d))
    msg = _error_text(open_page("overview"))
    assert "cannot read the file" in msg and ("permission denied" in msg if how == "permission" else "folder" in msg)
    assert str(tmp_path) not in msg and "Error" not in msg.split("Problem:")[1], msg
