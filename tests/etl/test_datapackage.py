"""The Frictionless Data Package (etl/datapackage.py): the descriptor shipped in the dataset zip and
served at /api/v1/datapackage.json validates with `frictionless` on the real data, describes every
column in order, and its constraints catch what they claim to. What a foreign key cannot express
(';'-joined ids and flags, the '*' country categories) is checked here instead."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import frictionless
import pandas as pd
import pytest

from components.core.dataset import Dataset, assemble_dataset
from components.draw import files as ex
from etl.datapackage import CODEBOOK_TABLES, descriptor

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"


@pytest.fixture(scope="module")
def real() -> Dataset:
    return assemble_dataset(DATA)


@pytest.fixture(scope="module")
def unzipped(real, tmp_path_factory) -> Path:
    """The dataset zip as a user gets it from the Data page or /api/v1/dataset.zip, unpacked."""
    d = tmp_path_factory.mktemp("zip")
    zipfile.ZipFile(io.BytesIO(ex.dataset_zip(real.table, real.sources, real.data_dir, real.meta))).extractall(d)
    return d


def _validate(path: Path):
    return frictionless.validate(str(path))


def _errors(report) -> list[str]:
    return [f"{t.name}: {e.type}: {e.note}" for t in report.tasks for e in t.errors] + [
        f"package: {e.type}: {e.note}" for e in report.errors
    ]


def test_the_zipped_package_validates(unzipped):
    report = _validate(unzipped / "datapackage.json")
    assert report.valid, _errors(report)[:10]
    names = {t.name for t in report.tasks}
    assert names == {"thb_baltic", "sources", *CODEBOOK_TABLES}


def test_frictionless_cli_validates_it_too(unzipped):
    import subprocess
    import sys

    cli = Path(sys.executable).parent / "frictionless"
    if not cli.exists():
        pytest.skip("frictionless CLI not installed")
    out = subprocess.run(
        [str(cli), "validate", "datapackage.json"], cwd=unzipped, capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]


def test_descriptor_describes_every_column_in_order(real, unzipped):
    pkg = json.loads((unzipped / "datapackage.json").read_text())
    table = pkg["resources"][0]
    header = list(pd.read_csv(unzipped / "thb_baltic.csv", encoding="utf-8-sig", nrows=0).columns)
    assert [f["name"] for f in table["schema"]["fields"]] == header
    assert header == list(pd.read_csv(DATA / "harmonised" / "thb_baltic.csv", nrows=0).columns)  # as built
    for res in pkg["resources"][1:]:
        cols = list(pd.read_csv(unzipped / res["path"], encoding="utf-8-sig", nrows=0).columns)
        assert [f["name"] for f in res["schema"]["fields"]] == cols, res["name"]
    f = {x["name"]: x for x in table["schema"]["fields"]}
    assert f["value"]["type"] == "number" and f["value"]["constraints"]["minimum"] == 0
    assert f["period_start"]["type"] == "integer" and f["suppressed"]["type"] == "boolean"
    assert set(f["indicator"]["constraints"]["enum"]) == set(real.codebook.indicators["indicator"])
    assert "victims" in f["indicator"]["constraints"]["enum"] and "EE" in f["country"]["constraints"]["enum"]
    assert "';'" in f["source_id"]["description"] and "no foreign key" in f["source_id"]["description"]
    assert all(f[c].get("description") for c in f)


def test_keys_licences_and_citation(real, unzipped):
    pkg = json.loads((unzipped / "datapackage.json").read_text())
    table = pkg["resources"][0]
    fks = {fk["fields"]: fk["reference"] for fk in table["schema"]["foreignKeys"]}
    assert fks == {
        "country": {"resource": "countries", "fields": "iso2"},
        "indicator": {"resource": "indicators", "fields": "indicator"},
        "unit": {"resource": "units", "fields": "unit"},
    }
    assert "source_id" not in fks  # rate rows hold two ids: said in the descriptor, checked below
    assert table["schema"]["primaryKey"][:2] == ["country", "indicator"]
    by = {r["name"]: r for r in pkg["resources"]}
    assert by["sources"]["schema"]["primaryKey"] == ["source_id"]
    assert by["categories"]["schema"]["primaryKey"] == ["breakdown", "category"]
    assert {"fields": "indicator", "reference": {"resource": "indicators", "fields": "indicator"}} in by[
        "country_definitions"
    ]["schema"]["foreignKeys"]
    assert pkg["licenses"][0]["name"] == "CC-BY-4.0" and pkg["code_licenses"][0]["name"] == "MIT"
    assert "sources.csv" in pkg["description"] and "licence" in table["description"]
    assert pkg["version"] == real.meta["dataset_version"]
    assert real.meta["dataset_version"] in pkg["citation"] and "original source" in pkg["citation"]


def test_what_a_foreign_key_cannot_say(real):
    """Every part of a ';'-joined source_id / flags / source_ids exists; '*' categories are country codes."""
    t, src = real.table, set(real.sources["source_id"])
    parts = {p for s in t["source_id"] for p in s.split(";")}
    assert parts <= src
    assert t["source_id"].str.contains(";").any()  # the case a foreign key cannot express exists
    flags = set(pd.read_csv(DATA / "codebook" / "flags.csv", dtype=str)["flag"])
    assert {f for fl in t["flags"] for f in fl.split(";") if f} <= flags
    defs = pd.read_csv(DATA / "codebook" / "country_definitions.csv", dtype=str, keep_default_na=False)
    assert {p for s in defs["source_ids"] for p in s.split(";") if p} <= src
    cats = pd.read_csv(DATA / "codebook" / "categories.csv", dtype=str, keep_default_na=False)
    countries = pd.read_csv(DATA / "codebook" / "countries.csv", dtype=str, keep_default_na=False)
    wild = set(cats.loc[cats["category"] == "*", "breakdown"])
    pairs = set(zip(cats["breakdown"], cats["category"]))
    for b, c in set(zip(t["breakdown"], t["category"])):
        assert (b, c) in pairs or (b in wild and c in set(countries["iso2"])), (b, c)


def test_constraints_catch_bad_rows(real, unzipped, tmp_path):
    """The schema is not decoration: a negative value, an unknown code, flag or country fails validation."""
    import shutil

    d = tmp_path / "pkg"
    shutil.copytree(unzipped, d)
    t = pd.read_csv(d / "thb_baltic.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    t.loc[0, "value"] = "-1"
    t.loc[1, "indicator"] = "made_up"
    t.loc[2, "flags"] = "no_such_flag"
    t.loc[3, "country"] = "XX"
    t.loc[4, "preferred"] = "maybe"
    t.to_csv(d / "thb_baltic.csv", index=False, encoding="utf-8-sig")
    report = _validate(d / "datapackage.json")
    errs = "\n".join(_errors(report))
    assert not report.valid
    assert "minimum" in errs and "made_up" in errs and "pattern" in errs and "XX" in errs
    assert "type-error" in errs  # 'maybe' is not a boolean


def test_descriptor_follows_a_new_column(tmp_path):
    """A column the build gains (the coming `grade`) is described, in place, with no code change."""
    import shutil

    d = tmp_path / "data"
    shutil.copytree(DATA / "codebook", d / "codebook")
    (d / "harmonised").mkdir(parents=True)
    shutil.copy(DATA / "sources.csv", d / "sources.csv")
    t = pd.read_csv(DATA / "harmonised" / "thb_baltic.csv", dtype=str, keep_default_na=False, nrows=5)
    if "grade" not in t.columns:
        t.insert(13, "grade", "official_statistics")
    t["something_new"] = "x"
    t.to_csv(d / "harmonised" / "thb_baltic.csv", index=False)
    fields = descriptor(d, {})["resources"][0]["schema"]["fields"]
    assert [f["name"] for f in fields] == list(t.columns)
    by = {f["name"]: f for f in fields}
    assert by["grade"]["type"] == "string" and "evidence grade" in by["grade"]["description"]
    assert by["something_new"]["type"] == "string" and by["something_new"]["description"]


def test_served_and_zipped_descriptors_are_the_same(real, unzipped):
    served = ex.datapackage(real.data_dir, real.meta, real.table)
    assert served == json.loads((unzipped / "datapackage.json").read_text())
    assert all(not re.match(r"^(/|[A-Za-z]:|\.\.)", r["path"]) for r in served["resources"])  # relative paths only
