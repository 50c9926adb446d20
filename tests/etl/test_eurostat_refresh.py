"""`python -m etl refresh eurostat`, offline: the eurostat package's functions are monkeypatched, and any
real HTTP request fails the test.

Where the fixture shapes come from (eurostat 1.1.1, the version requirements/etl.lock pins):
- get_data_df(code, flags=True, filter_pars=...): README on PyPI ("Full download a dataset with flags":
  header ('freq', 'na_item', ..., 'geo\\TIME_PERIOD', '2018_value', '2018_flag', ...), rows like
  ('A', 'F3', 'S11', 'TOTAL', 'MIO_EUR', 'BE', None, ':', None, ':', 23.8, '', 39.3, '')) and its source
  (eurostat/eurostat.py, get_data): a value is a float or None; a flag is '' or the letters after the value
  ('12 p' -> 12.0, 'p'); ':' alone -> None, ':'; ': c' -> None, ': c'; the DataFrame is built from those tuples.
- get_toc_df(): README, columns ('title', 'code', 'type', 'last update of data', 'last table structure change',
  'data start', 'data end'), codes printed upper-case ('MET_10R_3EMP').
- get_pars(code): README, e.g. ['freq', 'unit', 'sex', 'age', 'geo'].
- get_dic(code): README, [(dimension, name, description), ...]; get_dic(code, par, frmt='dict', full=False):
  {code: label}, e.g. {'T': 'Total', 'M': 'Males', 'F': 'Females'}.

Every dataset, code and number below is SYNTHETIC (invented): only 'freq', 'unit', 'sex' and 'geo' and the
sex codes T/M/F appear in the package README; 'leg_stat' and 'exploit' codes are made up on purpose.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
import sys
import tomllib

import pandas as pd
import pytest
import requests

from etl.build import build
from etl.cli import main
from etl.errors import BuildError
from etl.eurostat_refresh import EXIT_API, EXIT_OK, EXIT_REVIEW, refresh, tidy
from etl.paths import REPO_ROOT, DataPaths
from etl.reference import EUROSTAT_CODE_COLUMNS
from tests.etl.conftest import glotip_row

DAY = dt.date(2026, 11, 28)
SEX_SID = "ESTAT_CRIM_THB_SYNSEX_20261128"
FORM_SID = "ESTAT_CRIM_THB_SYNFORM_20261128"
TIME = "geo\\TIME_PERIOD"


def wide(dims: list[str], years: list[int], rows: list[tuple]) -> pd.DataFrame:
    """A get_data_df(flags=True) frame: dimension columns, the last one 'geo\\TIME_PERIOD', then value/flag pairs."""
    columns = dims[:-1] + [f"{dims[-1]}\\TIME_PERIOD"] + [f"{y}_{k}" for y in years for k in ("value", "flag")]
    return pd.DataFrame(rows, columns=columns)


SEX_DIMS = ["freq", "unit", "sex", "leg_stat", "geo"]
FORM_DIMS = ["freq", "unit", "exploit", "geo"]


def sex_data(ee_total_2021=10.0, ee_total_2021_flag=""):
    return {
        "EE": wide(
            SEX_DIMS,
            [2021, 2022],
            [
                ("A", "NR", "T", "SYN_VICT", "EE", ee_total_2021, ee_total_2021_flag, 12.0, "p"),
                ("A", "NR", "F", "SYN_VICT", "EE", 7.0, "e", None, ":"),
                ("A", "NR", "M", "SYN_VICT", "EE", None, ": c", 3.0, "b"),
                ("A", "NR", "T", "SYN_SUSP", "EE", 4.0, "", 5.0, ""),
            ],
        ),
        "LV": wide(SEX_DIMS, [2021, 2022], [("A", "NR", "T", "SYN_VICT", "LV", 20.0, "", 22.0, "")]),
        "LT": None,  # nothing for this geo: get_data returns None
        "EU27_2020": wide(SEX_DIMS, [2021, 2022], [("A", "NR", "T", "SYN_VICT", "EU27_2020", 1000.0, "", 1100.0, "p")]),
    }


def form_data(new_value=2.0, new_flag=""):
    return {
        "EE": wide(
            FORM_DIMS,
            [2021],
            [
                ("A", "NR", "SYN_SEX", "EE", 4.0, ""),
                ("A", "NR", "SYN_LAB", "EE", 3.0, ""),
                ("A", "NR", "SYN_NEW", "EE", new_value, new_flag),  # a category the mapping has never seen
            ],
        ),
        "LV": None,
        "LT": None,
        "EU27_2020": None,
    }


class FakeEurostat:
    """Answers like the eurostat package would, from the dictionaries above."""

    def __init__(self):
        self.data = {"crim_thb_synsex": sex_data(), "crim_thb_synform": form_data()}
        self.fail: dict[str, Exception] = {}
        self.calls: list[tuple] = []

    def _maybe_fail(self, name):
        if name in self.fail:
            raise self.fail[name]

    def get_toc_df(self, **kwargs):
        self.calls.append(("get_toc_df", kwargs))
        self._maybe_fail("get_toc_df")
        head = ["title", "code", "type", "last update of data", "last table structure change", "data start", "data end"]
        return pd.DataFrame(
            [
                (
                    "Synthetic persons by sex and legal status",
                    "CRIM_THB_SYNSEX",
                    "dataset",
                    "2026-05-04T23:00:00+0200",
                    "2026-05-04T23:00:00+0200",
                    "2021",
                    "2022",
                ),
                (
                    "Synthetic victims by form",
                    "CRIM_THB_SYNFORM",
                    "dataset",
                    "2026-05-04T23:00:00+0200",
                    "2026-05-04T23:00:00+0200",
                    "2021",
                    "2021",
                ),
                ("Population on 1 January", "TPS00001", "dataset", "2026-03-01T23:00:00+0100", "", "2014", "2025"),
            ],
            columns=head,
        )

    def get_pars(self, code):
        self._maybe_fail("get_pars")
        return list(SEX_DIMS if code == "crim_thb_synsex" else FORM_DIMS)

    def get_dic(self, code, par=None, **kwargs):
        self._maybe_fail("get_dic")
        if par is None:
            return [(d, d.upper() + " (synthetic name)", None) for d in self.get_pars(code)]
        assert kwargs == {"frmt": "dict", "full": False}
        labels = {
            "freq": {"A": "Annual"},
            "unit": {"NR": "Number"},
            "sex": {"T": "Total", "M": "Males", "F": "Females"},
            "leg_stat": {"SYN_VICT": "Synthetic victims", "SYN_SUSP": "Synthetic suspects"},
            "exploit": {
                "SYN_SEX": "Synthetic sexual",
                "SYN_LAB": "Synthetic labour",
                "SYN_NEW": "Synthetic brand-new form",
            },
            "geo": {
                "EE": "Estonia",
                "LV": "Latvia",
                "LT": "Lithuania",
                "EU27_2020": "European Union - 27 countries (from 2020)",
                "BE": "Belgium",
            },
        }
        return labels[par]

    def get_data_df(self, code, flags=False, **kwargs):
        self.calls.append(("get_data_df", code, kwargs))
        self._maybe_fail(f"get_data_df:{code}")
        assert flags is True
        (geo,) = kwargs["filter_pars"]["geo"]
        frame = self.data[code][geo]
        return None if frame is None else frame.copy()


@pytest.fixture
def api(monkeypatch) -> FakeEurostat:
    import eurostat

    fake = FakeEurostat()
    for name in ("get_toc_df", "get_pars", "get_dic", "get_data_df"):
        monkeypatch.setattr(eurostat, name, getattr(fake, name))

    def no_network(*args, **kwargs):
        raise AssertionError("a test tried to reach the network")

    monkeypatch.setattr(requests.Session, "request", no_network)
    return fake


REVIEWED = [  # what a reviewer would write for the synthetic codes (dataset, dimension, code, action, fields...)
    ("*", "@dataset", "crim_thb_synsex", "ignore", {}),
    ("*", "@dataset", "crim_thb_synform", "map", {"indicator": "victims"}),
    ("*", "freq", "A", "ignore", {}),
    ("*", "unit", "NR", "map", {"unit": "persons"}),
    ("*", "sex", "T", "map", {"breakdown": "total", "category": "total"}),
    ("*", "sex", "F", "map", {"breakdown": "sex", "category": "female"}),
    ("*", "sex", "M", "map", {"breakdown": "sex", "category": "male"}),
    ("*", "leg_stat", "SYN_VICT", "map", {"indicator": "victims"}),
    ("*", "leg_stat", "SYN_SUSP", "map", {"indicator": "suspects"}),
    ("*", "exploit", "SYN_SEX", "map", {"breakdown": "exploitation", "category": "sexual"}),
    ("*", "exploit", "SYN_LAB", "map", {"breakdown": "exploitation", "category": "labour"}),
]


def review(paths: DataPaths, skip: tuple[str, ...] = ()) -> None:
    path = paths.mapping / "eurostat_codes.csv"
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    rows = []
    for dataset, dim, code, action, fields in REVIEWED:
        if code in skip:
            continue
        row = dict.fromkeys(EUROSTAT_CODE_COLUMNS, "")
        row.update(dataset=dataset, dimension=dim, code=code, action=action, **fields)
        rows.append(row)
    table = table[~table.set_index(["dimension", "code"]).index.isin([(r["dimension"], r["code"]) for r in rows])]
    pd.concat([table, pd.DataFrame(rows)], ignore_index=True).to_csv(path, index=False, lineterminator="\n")


@pytest.fixture
def paths(tree) -> DataPaths:
    tree.glotip += [
        glotip_row("EE", 2021, "Detected trafficking victims", "Total", "Total", 9, row=10),
        glotip_row("EE", 2020, "Detected trafficking victims", "Total", "Total", 6, row=11),
    ]
    paths = tree.write()
    build(paths)
    return paths


def snapshot_of_tree(root) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def table(paths: DataPaths) -> pd.DataFrame:
    return pd.read_csv(
        paths.output, keep_default_na=False, na_values={"value": [""], "value_low": [""], "value_high": [""]}
    )


def one(frame, **where):
    mask = pd.Series(True, index=frame.index)
    for column, value in where.items():
        mask &= frame[column] == value
    found = frame[mask]
    assert len(found) == 1, found
    return found.iloc[0]


# ------------------------------------------------------------------------------------------------ shape


def test_tidy_turns_the_wide_frame_into_one_observation_a_row():
    frame = tidy("crim_thb_synsex", SEX_SID, sex_data()["EE"])
    assert list(frame.columns) == [
        "dataset",
        "source_id",
        "geo",
        "time",
        "freq",
        "unit",
        "sex",
        "leg_stat",
        "value",
        "flag",
    ]
    assert len(frame) == 8
    got = {(r.sex, r.leg_stat, r.time): (r.value, r.flag) for r in frame.itertuples()}
    assert got[("T", "SYN_VICT", "2021")] == ("10", "")
    assert got[("T", "SYN_VICT", "2022")] == ("12", "p")
    assert got[("F", "SYN_VICT", "2021")] == ("7", "e")
    assert got[("F", "SYN_VICT", "2022")] == ("", ":")  # missing: empty, never 0
    assert got[("M", "SYN_VICT", "2021")] == ("", ": c")  # confidential: empty, flag kept


def test_tidy_refuses_an_unexpected_shape():
    from etl.eurostat_refresh import RefreshError

    bad = pd.DataFrame([("A", "EE", 1.0)], columns=["freq", "geo", "2021"])
    with pytest.raises(RefreshError, match="unexpected table shape"):
        tidy("crim_thb_synsex", SEX_SID, bad)


# ------------------------------------------------------------------------------------------------ review of new codes


def test_first_refresh_lists_every_new_code_and_writes_only_the_code_table(api, paths):
    before = snapshot_of_tree(paths.root)
    outcome = refresh(paths, day=DAY)
    assert outcome.exit_code == EXIT_REVIEW, outcome.text
    assert "unmapped, needs review" in outcome.text
    assert (
        "sex=F 'Females' (new)" in outcome.text and "exploit=SYN_NEW 'Synthetic brand-new form' (new)" in outcome.text
    )
    assert "@dataset=crim_thb_synsex" in outcome.text
    assert "geo=BE" not in outcome.text  # only the geo codes asked for
    after = snapshot_of_tree(paths.root)
    assert {k for k in after if after[k] != before.get(k)} == {"mapping/eurostat_codes.csv"}
    codes = pd.read_csv(paths.mapping / "eurostat_codes.csv", dtype=str, keep_default_na=False)
    new = codes[codes["action"] == "review"]
    assert ("exploit", "SYN_NEW", "Synthetic brand-new form") in set(zip(new["dimension"], new["code"], new["label"]))
    assert not (paths.raw / "eurostat").exists()
    # the requested geo rows got Eurostat's labels (LT too, though it has no data); other countries are not listed
    assert one(codes, dimension="geo", code="EE")["label"] == "Estonia"
    assert one(codes, dimension="geo", code="LT")["label"] == "Lithuania"
    assert codes[codes["dimension"] == "geo"]["code"].tolist() == ["EE", "EU27_2020", "LT", "LV"]


def test_a_new_category_with_a_value_stops_the_refresh_and_is_named(api, paths):
    review(paths)  # everything reviewed except SYN_NEW
    before = snapshot_of_tree(paths.root)
    outcome = refresh(paths, day=DAY)
    assert outcome.exit_code == EXIT_REVIEW
    assert "exploit=SYN_NEW 'Synthetic brand-new form' (new)" in outcome.text
    assert "Eurostat code exploit='SYN_NEW' of crim_thb_synform is unmapped (needs review)" in outcome.text
    after = snapshot_of_tree(paths.root)
    assert {k for k in after if after[k] != before.get(k)} == {"mapping/eurostat_codes.csv"}


def test_a_new_category_without_a_value_is_reported_not_dropped_silently(api, paths):
    review(paths)
    api.data["crim_thb_synform"] = form_data(new_value=None, new_flag=":")
    outcome = refresh(paths, day=DAY)
    assert outcome.exit_code == EXIT_OK, outcome.text
    assert "unmapped, needs review (mapping/eurostat_codes.csv, action 'review'): 1" in outcome.text
    assert "exploit=SYN_NEW" in outcome.text
    codes = pd.read_csv(paths.mapping / "eurostat_codes.csv", dtype=str, keep_default_na=False)
    assert one(codes, dimension="exploit", code="SYN_NEW")["action"] == "review"


def test_the_build_refuses_an_unmapped_code_in_the_snapshot(api, paths):
    review(paths)
    api.data["crim_thb_synform"] = form_data(new_value=None, new_flag=":")
    assert refresh(paths, day=DAY).exit_code == EXIT_OK
    codes = pd.read_csv(paths.mapping / "eurostat_codes.csv", dtype=str, keep_default_na=False)
    codes.loc[(codes["dimension"] == "sex") & (codes["code"] == "F"), "action"] = "review"
    codes.to_csv(paths.mapping / "eurostat_codes.csv", index=False, lineterminator="\n")
    with pytest.raises(BuildError, match=r"eurostat/2026-11-28/crim_thb_synsex.csv line \d+: Eurostat code sex='F'"):
        build(paths)


# ------------------------------------------------------------------------------------------------ a successful refresh


@pytest.fixture
def refreshed(api, paths):
    review(paths, skip=())
    codes = pd.read_csv(paths.mapping / "eurostat_codes.csv", dtype=str, keep_default_na=False)
    extra = dict.fromkeys(EUROSTAT_CODE_COLUMNS, "")
    extra.update(
        dataset="*", dimension="exploit", code="SYN_NEW", action="map", breakdown="exploitation", category="other"
    )
    pd.concat([codes, pd.DataFrame([extra])]).to_csv(
        paths.mapping / "eurostat_codes.csv", index=False, lineterminator="\n"
    )
    outcome = refresh(paths, day=DAY)
    assert outcome.exit_code == EXIT_OK, outcome.text
    return paths, outcome


def test_flags_missing_and_confidential_values(refreshed):
    paths, outcome = refreshed
    t = table(paths)
    es = t[t["source_id"] == SEX_SID]
    assert (
        one(es, country="EE", period_start=2022, indicator="victims", breakdown="total", unit="persons")["flags"]
        == "preliminary"
    )
    assert (
        "estimated"
        in one(es, country="EE", period_start=2021, breakdown="sex", category="female", unit="persons")["flags"]
    )
    assert (
        "series_break"
        in one(es, country="EE", period_start=2022, breakdown="sex", category="male", unit="persons")["flags"]
    )
    # ':' and 'c' give no row at all (never a zero)
    assert es[(es["country"] == "EE") & (es["period_start"] == 2022) & (es["category"] == "female")].empty
    assert es[(es["country"] == "EE") & (es["period_start"] == 2021) & (es["category"] == "male")].empty
    assert "Confidential values (flag c) treated as missing: 1" in outcome.text
    assert "Eurostat revisions: none to report, this is the first snapshot." in outcome.text
    # other mappings: indicator from leg_stat, EU27_2020 -> EU27, dataset-level indicator, exploitation forms
    assert one(es, country="EE", period_start=2021, indicator="suspects", unit="persons")["value"] == 4
    assert one(es, country="EU27", period_start=2021, indicator="victims", unit="persons")["value"] == 1000
    forms = t[(t["source_id"] == FORM_SID) & (t["unit"] == "persons")]
    assert set(zip(forms["category"], forms["value"])) == {("sexual", 4), ("labour", 3), ("other", 2)}
    assert set(t.loc[t["source_id"].isin([SEX_SID, FORM_SID]), "raw_file"]) == {
        "eurostat/2026-11-28/crim_thb_synsex.csv",
        "eurostat/2026-11-28/crim_thb_synform.csv",
    }


def test_eurostat_beats_unodc_for_the_same_figure(refreshed):
    paths, outcome = refreshed
    t = table(paths)
    figure = t[
        (t["country"] == "EE")
        & (t["period_start"] == 2021)
        & (t["indicator"] == "victims")
        & (t["breakdown"] == "total")
        & (t["unit"] == "persons")
    ]
    assert set(zip(figure["source_id"], figure["value"], figure["preferred"])) == {
        (SEX_SID, 10, True),
        ("SYN_UNODC", 9, False),
    }
    assert figure["flags"].str.contains("conflict").all()
    assert "official statistics (eurostat)" in one(figure, source_id=SEX_SID)["note"]
    # the diff names the old and the new value and the source now preferred
    assert "EE 2021 victims/total/total (persons): 9 [SYN_UNODC] -> 10 [ESTAT_CRIM_THB_SYNSEX_20261128]" in outcome.text
    assert (
        "Figures added:" in outcome.text
        and "EE 2022 victims/total/total (persons): 12 [ESTAT_CRIM_THB_SYNSEX_20261128]" in outcome.text
    )
    # a figure only UNODC has keeps UNODC
    assert (
        one(t, country="EE", period_start=2020, indicator="victims", unit="persons", preferred=True)["source_id"]
        == "SYN_UNODC"
    )


def test_snapshot_manifest_sources_and_meta(refreshed):
    paths, _ = refreshed
    folder = paths.raw / "eurostat" / "2026-11-28"
    manifest = json.loads((folder / "manifest.json").read_text())
    sources = pd.read_csv(paths.sources, dtype=str, keep_default_na=False).set_index("source_id")
    for code, sid in (("crim_thb_synsex", SEX_SID), ("crim_thb_synform", FORM_SID)):
        digest = hashlib.sha256((folder / f"{code}.csv").read_bytes()).hexdigest()
        assert manifest["datasets"][code]["sha256"] == digest
        row = sources.loc[sid]
        assert (row["family"], row["grade"], row["publisher"]) == ("eurostat", "official_statistics", "Eurostat")
        assert row["url"] == f"https://ec.europa.eu/eurostat/databrowser/view/{code}/default/table"
        assert row["date_accessed"] == "2026-11-28" and code in row["citation"]
        # the stored snapshot is provenance, not part of the citation line
        assert digest in row["copy_note"] and digest not in row["citation"] and row["copy_kind"] == "snapshot"
    assert manifest["datasets"]["crim_thb_synsex"]["geo_without_data"] == ["LT"]
    assert manifest["geo_requested"] == ["EE", "LV", "LT", "EU27_2020"]
    meta = json.loads(paths.meta.read_text())
    assert meta["eurostat_included"] is True
    assert "raw/eurostat/2026-11-28/crim_thb_synsex.csv" in meta["inputs_sha256"]
    # what was swapped in is exactly what a fresh build of data/ gives
    written = (paths.output.read_bytes(), paths.meta.read_bytes())
    build(paths)
    assert (paths.output.read_bytes(), paths.meta.read_bytes()) == written


def test_eurostat_revisions_between_the_two_latest_snapshots(refreshed, api):
    paths, _ = refreshed
    api.data["crim_thb_synsex"] = sex_data(ee_total_2021=11.0, ee_total_2021_flag="p")
    later = dt.date(2026, 12, 5)
    outcome = refresh(paths, day=later)
    assert outcome.exit_code == EXIT_OK, outcome.text
    assert "Eurostat revisions since the previous snapshot (2026-11-28):" in outcome.text
    assert "Same value, now cited from this snapshot instead of the previous one: 12" in outcome.text
    assert "Same value, preferred source changed: 0" in outcome.text
    assert "crim_thb_synsex geo=EE time=2021 freq=A unit=NR sex=T leg_stat=SYN_VICT: 10 -> 11 p" in outcome.text
    assert "values or flags revised: 1" in outcome.text
    assert (
        "EE 2021 victims/total/total (persons): 10 [ESTAT_CRIM_THB_SYNSEX_20261128] -> 11 [ESTAT_CRIM_THB_SYNSEX_20261205]"
        in outcome.text
    )
    # history kept; only the latest snapshot is read
    assert (paths.raw / "eurostat" / "2026-11-28" / "crim_thb_synsex.csv").exists()
    t = table(paths)
    eurostat_files = {f for f in t["raw_file"] if f.startswith("eurostat/")}
    assert eurostat_files == {"eurostat/2026-12-05/crim_thb_synsex.csv", "eurostat/2026-12-05/crim_thb_synform.csv"}
    sources = set(pd.read_csv(paths.sources, dtype=str)["source_id"])
    assert {SEX_SID, "ESTAT_CRIM_THB_SYNSEX_20261205"} <= sources


def test_a_second_refresh_on_the_same_day_replaces_that_days_snapshot(refreshed):
    paths, _ = refreshed
    outcome = refresh(paths, day=DAY)
    assert outcome.exit_code == EXIT_OK
    assert "values or flags revised: 0" in outcome.text
    assert [p.name for p in (paths.raw / "eurostat").iterdir()] == ["2026-11-28"]
    sources = pd.read_csv(paths.sources, dtype=str)
    assert (sources["source_id"] == SEX_SID).sum() == 1


# ------------------------------------------------------------------------------------------------ failures


@pytest.mark.parametrize("where", ["get_toc_df", "get_dic", "get_data_df:crim_thb_synform"])
def test_an_api_error_exits_non_zero_and_leaves_data_untouched(api, paths, capsys, where):
    review(paths)
    before = snapshot_of_tree(paths.root)
    api.fail[where] = requests.exceptions.ConnectionError("Failed to resolve 'ec.europa.eu'")
    code = main(["--data", str(paths.root), "refresh", "eurostat", "--date", "2026-11-28"])
    assert code == EXIT_API != 0
    err = capsys.readouterr().err
    assert "Eurostat refresh failed" in err and "ec.europa.eu" in err and "data/ is unchanged" in err
    assert snapshot_of_tree(paths.root) == before


def test_an_error_after_a_successful_refresh_keeps_the_previous_snapshot(refreshed, api):
    paths, _ = refreshed
    before = snapshot_of_tree(paths.root)
    api.fail["get_data_df:crim_thb_synsex"] = TimeoutError("read timed out")
    outcome = refresh(paths, day=dt.date(2026, 12, 5))
    assert outcome.exit_code == EXIT_API and "TimeoutError" in outcome.text
    assert snapshot_of_tree(paths.root) == before


def test_the_build_and_the_cli_do_not_import_eurostat():
    code = "import sys, etl.build, etl.cli, etl.report, etl.mapping; sys.exit('eurostat' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT).returncode == 0


def test_without_the_etl_extra_the_refresh_says_how_to_install_it(paths, capsys, monkeypatch):
    """`eurostat` is in the `etl` extra only (not in the app's dependencies nor the image): a refresh where it is
    missing stops with the command that installs it, and leaves data/ as it was."""
    before = snapshot_of_tree(paths.root)
    monkeypatch.setitem(sys.modules, "eurostat", None)  # what an install without the extra looks like to import
    code = main(["--data", str(paths.root), "refresh", "eurostat", "--date", "2026-11-28"])
    assert code == EXIT_API
    err = capsys.readouterr().err
    assert "'eurostat' package is not installed" in err and "make refresh" in err and "requirements/etl.lock" in err
    assert "Traceback" not in err and snapshot_of_tree(paths.root) == before


def test_eurostat_is_not_a_dependency_of_the_app():
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert not [d for d in project["dependencies"] if d.lower().startswith("eurostat")]
    assert [d for d in project["optional-dependencies"]["etl"] if d.startswith("eurostat")]
    assert "eurostat==" not in (REPO_ROOT / "requirements" / "run.lock").read_text(encoding="utf-8")
    assert "eurostat==" in (REPO_ROOT / "requirements" / "etl.lock").read_text(encoding="utf-8")
