"""`python -m etl refresh eurostat`: pull Eurostat's crim_thb datasets, snapshot them, rebuild, print a diff.

Needs internet. The `eurostat` package (PyPI, 1.1.x) is imported here only, inside `refresh()`, so the
build and the app never import it: it is in the `etl` extra (pyproject.toml), not in the app's dependencies
or the image; `make refresh` installs it.

What the package returns (read in its source, eurostat/eurostat.py 1.1.1, and its README on PyPI):
- `get_toc_df(agency="EUROSTAT")`: the table of contents, columns `title, code, type, last update of data,
  last table structure change, data start, data end`. THB datasets are found there by the domain code
  `crim_thb` (ESMS page crim_thb_esms), never from a hard-coded list.
- `get_pars(code)`: the dimension ids of the dataset, e.g. `['freq', 'unit', 'sex', 'age', 'geo']`
  (the time dimension is not listed).
- `get_dic(code)`: `[(dimension, name, description), ...]`; `get_dic(code, par, frmt="dict", full=False)`:
  `{code: label}` of the values present in the dataset.
- `get_data_df(code, flags=True, filter_pars={"geo": [...]})`: a wide DataFrame, header
  `('freq', ..., 'geo\\TIME_PERIOD', '2019_value', '2019_flag', '2020_value', '2020_flag', ...)`: the last
  dimension column carries `\\TIME_PERIOD`; a value is a float or None; a flag is '' (none), ':' (missing),
  ': c' (missing, confidential) or letters ('p', 'e', 'b', 'bp', ...). It returns None when nothing came back.
  With several geo codes the package sends one request per code and keeps only the first answer's header,
  so a code whose years differ would be misaligned: we therefore ask for one geo code at a time.

Nothing of this was run against the live API in the environment where it was written (no network to
Eurostat there); the tests feed fixtures of exactly these shapes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import pandas as pd

from etl.countries import BALTIC
from etl.errors import BuildError
from etl.figure_key import KEY
from etl.mapping import EUROSTAT_DIR, latest_eurostat_snapshot
from etl.paths import DataPaths
from etl.reference import EUROSTAT_CODE_COLUMNS

GEOS = [*BALTIC, "EU27_2020"]  # Eurostat's code of the EU of 27 since 2020
DOMAIN = "crim_thb"
# Other datasets every refresh pulls, with the dimension filters sent to the API: the population on
# 1 January (all ages, both sexes), the denominator of every per-capita rate.
EXTRA_DATASETS = {"demo_pjan": {"age": ["TOTAL"], "sex": ["T"]}}
LICENCE = "Eurostat/European Commission reuse policy: reuse with attribution."
STAGED = ["raw", "mapping", "codebook", "harmonised", "sources.csv", "i18n"]  # what the build needs from data/

EXIT_OK, EXIT_BUILD, EXIT_API, EXIT_REVIEW = 0, 1, 2, 3


class RefreshError(Exception):
    """Eurostat could not be reached, or answered something this code does not understand."""


@dataclass
class Dataset:
    code: str
    title: str
    last_update: str
    dimensions: list[str] = field(default_factory=list)
    codelists: dict[str, dict[str, str]] = field(default_factory=dict)
    tidy: pd.DataFrame = field(default_factory=pd.DataFrame)  # the observations, once fetched
    empty_geos: list[str] = field(default_factory=list)


@dataclass
class Outcome:
    exit_code: int
    text: str
    snapshot: Path | None = None


def source_id(code: str, day: dt.date) -> str:
    if code in EXTRA_DATASETS:
        return f"ESTAT_{code.upper()}_{day:%Y%m%d}"
    suffix = code[len(DOMAIN) + 1 :] if code.startswith(DOMAIN + "_") else code
    return f"ESTAT_CRIM_THB_{suffix.upper()}_{day:%Y%m%d}"


# ---------------------------------------------------------------- talking to Eurostat (through the package)


def _client() -> ModuleType:
    try:
        import eurostat  # noqa: PLC0415 (lazy on purpose: only the refresh needs it)
    except ImportError as exc:
        raise RefreshError(
            f"the 'eurostat' package is not installed ({exc}): it is in the refresh's own extra, "
            "not in the app's dependencies. `make refresh` installs it (requirements/etl.lock); "
            "by hand: `pip install --require-hashes -r requirements/etl.lock` or `pip install -e '.[etl]'`"
        ) from None
    return eurostat


def _package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("eurostat")
    except PackageNotFoundError:
        return "unknown"


def _call(what: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Every API call goes through here: any failure becomes one RefreshError naming the call."""
    try:
        return fn(*args, **kwargs)
    except Exception as exc:  # the package raises ConnectionError, HTTPError, ValueError, ParseError, ...
        raise RefreshError(f"{what} failed: {type(exc).__name__}: {exc}") from exc


def discover(es: Any, only: list[str] | None = None) -> list[Dataset]:
    toc = _call("reading Eurostat's table of contents (get_toc_df)", es.get_toc_df, agency="EUROSTAT")
    if toc is None or "code" not in getattr(toc, "columns", []):
        raise RefreshError("Eurostat's table of contents came back without a 'code' column")
    found = {}
    for row in toc.to_dict("records"):
        code = str(row["code"]).strip().lower()
        if code.startswith(DOMAIN + "_") or code in EXTRA_DATASETS:
            updated = str(row.get("last update of data") or "")
            found[code] = Dataset(code, str(row.get("title") or ""), updated)
    if only:
        missing = [c for c in only if c.lower() not in found]
        if missing:
            raise RefreshError(
                f"dataset(s) {missing} are not in Eurostat's table of contents "
                f"(crim_thb datasets listed: {sorted(found) or 'none'})"
            )
        return [found[c.lower()] for c in only]
    if not found:
        raise RefreshError(f"no '{DOMAIN}_*' dataset in Eurostat's table of contents")
    if not any(c.startswith(DOMAIN + "_") for c in found):
        raise RefreshError(f"no '{DOMAIN}_*' dataset in Eurostat's table of contents")
    return [found[c] for c in sorted(found)]


def fetch(es: Any, ds: Dataset, geos: list[str], sid: str) -> Dataset:
    pars = _call(f"{ds.code}: get_pars", es.get_pars, ds.code)
    if not pars:
        raise RefreshError(f"{ds.code}: get_pars returned no dimension")
    ds.dimensions = [str(p) for p in pars]
    for par in ds.dimensions:
        labels = _call(f"{ds.code}: get_dic({par!r})", es.get_dic, ds.code, par, frmt="dict", full=False) or {}
        ds.codelists[par.lower()] = {str(k): str(v) for k, v in labels.items()}
    geo_par = next((p for p in ds.dimensions if p.lower() == "geo"), None)
    if geo_par is None:
        raise RefreshError(f"{ds.code}: no 'geo' dimension among {ds.dimensions}")
    extra = {
        p: EXTRA_DATASETS[ds.code][p.lower()] for p in ds.dimensions if p.lower() in EXTRA_DATASETS.get(ds.code, {})
    }
    parts = []
    for geo in geos:
        wide = _call(
            f"{ds.code}: get_data_df(geo={geo})",
            es.get_data_df,
            ds.code,
            flags=True,
            filter_pars={geo_par: [geo], **extra},
        )
        if wide is None or len(wide) == 0:
            ds.empty_geos.append(geo)
            continue
        parts.append(tidy(ds.code, sid, wide))
    if not parts:
        raise RefreshError(f"{ds.code}: Eurostat returned no data for any of {geos}")
    frame = pd.concat(parts, ignore_index=True)
    dup = frame.duplicated([c for c in frame.columns if c not in ("value", "flag")])
    if dup.any():
        raise RefreshError(f"{ds.code}: the same observation came back twice ({int(dup.sum())} rows)")
    ds.tidy = frame.sort_values([c for c in frame.columns if c not in ("value", "flag")], kind="stable").reset_index(
        drop=True
    )
    return ds


def _value_text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            raise RefreshError(f"unreadable value {value!r}") from None
    number = float(value)
    return str(int(number)) if number.is_integer() else repr(number)


def tidy(code: str, sid: str, wide: pd.DataFrame) -> pd.DataFrame:
    """get_data_df(flags=True) wide frame -> one observation a row:
    dataset, source_id, geo, time, <other dimensions in Eurostat's order>, value, flag."""
    columns = [str(c) for c in wide.columns]
    first = next((i for i, c in enumerate(columns) if c.endswith("_value") or c.endswith("_flag")), None)
    if first is None or first == 0 or "\\" not in columns[first - 1]:
        raise RefreshError(
            f"{code}: unexpected table shape from get_data_df (columns {columns[:8]}...); "
            "expected dimension columns, the last one '<dim>\\TIME_PERIOD', then '<year>_value', '<year>_flag'"
        )
    text = columns[:first]
    dims = [c.lower() for c in text[:-1]] + [text[-1].split("\\")[0].lower()]
    times = [c[: -len("_value")] for c in columns[first:] if c.endswith("_value")]
    if [c for c in columns[first:]] != [f"{t}_{k}" for t in times for k in ("value", "flag")]:
        raise RefreshError(f"{code}: value and flag columns are not in pairs: {columns[first : first + 6]}...")
    if "geo" not in dims:
        raise RefreshError(f"{code}: no geo column in {dims}")
    reserved = {"dataset", "source_id", "time", "value", "flag"} & set(dims)
    if reserved:
        raise RefreshError(f"{code}: a dimension is called {sorted(reserved)}, which the snapshot uses itself")
    records = []
    for row in wide.itertuples(index=False, name=None):
        keys = dict(zip(dims, (str(v) for v in row[:first])))
        for i, time in enumerate(times):
            value, flag = row[first + 2 * i], row[first + 2 * i + 1]
            flag = "" if flag is None or (isinstance(flag, float) and math.isnan(flag)) else str(flag).strip()
            try:
                shown = _value_text(value)
            except RefreshError as exc:
                raise RefreshError(f"{code} {keys} {time}: {exc}") from None
            records.append(
                {
                    "dataset": code,
                    "source_id": sid,
                    "geo": keys["geo"],
                    "time": time.strip(),
                    **{d: keys[d] for d in dims if d != "geo"},
                    "value": shown,
                    "flag": flag,
                }
            )
    order = ["dataset", "source_id", "geo", "time"] + [d for d in dims if d != "geo"] + ["value", "flag"]
    return pd.DataFrame.from_records(records, columns=order)


# ---------------------------------------------------------------- writing (always into a staging copy first)


def _csv(frame: pd.DataFrame) -> str:
    return frame.to_csv(index=False, lineterminator="\n")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_snapshot(folder: Path, datasets: list[Dataset], accessed: dt.datetime, geos: list[str]) -> dict[str, str]:
    """data/raw/eurostat/<date>/<dataset>.csv + _codelists.csv + manifest.json; returns {dataset: sha256}."""
    folder.mkdir(parents=True, exist_ok=True)
    sums: dict[str, str] = {}
    codelists: list[tuple[str, str, str, str]] = []
    manifest: dict[str, Any] = {
        "accessed": accessed.isoformat(timespec="seconds"),
        "api": "Eurostat dissemination API via the "
        f"'eurostat' Python package {_package_version()} (get_data_df, flags=True)",
        "geo_requested": geos,
        "datasets": {},
    }
    for ds in datasets:
        path = folder / f"{ds.code}.csv"
        path.write_text(_csv(ds.tidy), encoding="utf-8")
        sums[ds.code] = _sha256(path)
        manifest["datasets"][ds.code] = {
            "file": path.name,
            "sha256": sums[ds.code],
            "rows": int(len(ds.tidy)),
            "title": ds.title,
            "last_update_of_data": ds.last_update,
            "dimensions": ds.dimensions,
            "geo_without_data": ds.empty_geos,
        }
        for dim, labels in sorted(ds.codelists.items()):
            codelists += [(ds.code, dim, code, label) for code, label in sorted(labels.items())]
    frame = pd.DataFrame(codelists, columns=["dataset", "dimension", "code", "label"])
    (folder / "_codelists.csv").write_text(_csv(frame), encoding="utf-8")
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return sums


def merge_codes(table: pd.DataFrame, datasets: list[Dataset], day: dt.date) -> tuple[pd.DataFrame, list[dict]]:
    """Add every code the API listed or the data used that the table has never seen, as 'review' rows with
    Eurostat's label; fill empty labels of known rows. Returns the new table and the rows added."""
    table = table.copy()
    seen: dict[tuple[str, str], dict] = {}
    known = {(r["dimension"], r["code"]) for r in table.to_dict("records")}
    known_geo = {code for dim, code in known if dim == "geo"}

    def note(dimension: str, code: str, label: str, dataset: str) -> None:
        entry = seen.setdefault((dimension, code), {"label": "", "datasets": set()})
        entry["label"] = entry["label"] or label
        entry["datasets"].add(dataset)

    for ds in datasets:
        note("@dataset", ds.code, ds.title, ds.code)
        for dim, labels in ds.codelists.items():
            for code, label in labels.items():
                # geo: label the codes the table knows (the ones we ask for), do not list every country Eurostat has
                if dim != "geo" or code in known_geo:
                    note(dim, code, label, ds.code)
        for dim in [c for c in ds.tidy.columns if c not in ("dataset", "source_id", "time", "value", "flag")]:
            for code in ds.tidy[dim].unique():
                note(dim, code, ds.codelists.get(dim, {}).get(code, ""), ds.code)
        for flag in ds.tidy["flag"].unique():
            for ch in flag:
                if ch != " ":
                    note("@flag", ch, "", ds.code)
    for i, r in table.iterrows():
        entry = seen.get((r["dimension"], r["code"]))
        if entry and not r["label"] and entry["label"]:
            table.at[i, "label"] = entry["label"]
    added = []
    for (dimension, code), entry in sorted(seen.items()):
        if (dimension, code) in known:
            continue
        row = dict.fromkeys(EUROSTAT_CODE_COLUMNS, "")
        row.update(
            dataset="*",
            dimension=dimension,
            code=code,
            label=entry["label"],
            action="review",
            note=f"New in the Eurostat refresh of {day:%Y-%m-%d} ({', '.join(sorted(entry['datasets']))}); needs review.",
        )
        added.append(row)
    if added:
        table = pd.concat([table, pd.DataFrame(added, columns=EUROSTAT_CODE_COLUMNS)], ignore_index=True)
    return table, added


def needs_review(table: pd.DataFrame, datasets: list[Dataset]) -> list[dict]:
    """Rows of the code table still marked 'review' for a code this refresh saw."""
    seen = {("@dataset", ds.code) for ds in datasets}
    for ds in datasets:
        seen |= {(dim, c) for dim, labels in ds.codelists.items() if dim != "geo" for c in labels}
        for dim in [c for c in ds.tidy.columns if c not in ("dataset", "source_id", "time", "value", "flag")]:
            seen |= {(dim, c) for c in ds.tidy[dim].unique()}
        seen |= {("@flag", ch) for f in ds.tidy["flag"].unique() for ch in f if ch != " "}
    return [r for r in table.to_dict("records") if r["action"] == "review" and (r["dimension"], r["code"]) in seen]


def source_rows(datasets: list[Dataset], sums: dict[str, str], day: dt.date, snapshot_rel: str) -> list[dict]:
    rows = []
    for ds in datasets:
        sid = source_id(ds.code, day)
        url = f"https://ec.europa.eu/eurostat/databrowser/view/{ds.code}/default/table"
        updated = ds.last_update[:10] if ds.last_update else ""
        rows.append(
            {
                "source_id": sid,
                "family": "eurostat",
                "grade": "official_statistics",
                "grade_reason": "Eurostat dataset read from Eurostat's API (a dated snapshot with its checksum).",
                "reports_on": "",
                "publisher": "Eurostat",
                "title": f"{ds.title} ({ds.code})" if ds.title else ds.code,
                "url": url,
                "date_published": updated,
                "date_accessed": f"{day:%Y-%m-%d}",
                "licence": LICENCE,
                # who published it and where it lives; the stored snapshot is provenance (copy_*), never the citation
                "citation": (
                    f"Eurostat ({updated[:4] or 'n.d.'}). {ds.title or ds.code} [dataset {ds.code}]"
                    + (f", last update of data {updated}" if updated else "")
                    + f", extracted {day:%Y-%m-%d}. {url}"
                ),
                "copy_url": f"{snapshot_rel}/{ds.code}.csv",
                "copy_kind": "snapshot",
                "copy_note": (
                    f"Dated snapshot of Eurostat's dissemination API for geo "
                    f"{', '.join(sorted(ds.tidy['geo'].unique()))}, sha256 {sums[ds.code]} "
                    f"(manifest {snapshot_rel}/manifest.json)."
                ),
                "notes": f"Written by `python -m etl refresh eurostat`; manifest {snapshot_rel}/manifest.json.",
            }
        )
    return rows


def merge_sources(sources: pd.DataFrame, rows: list[dict]) -> pd.DataFrame:
    """Add (or, for a second refresh on the same day, replace) the snapshot's source rows; keep all others."""
    ids = {r["source_id"] for r in rows}
    kept = sources[~sources["source_id"].isin(ids)]
    new = pd.DataFrame(rows).reindex(columns=list(sources.columns), fill_value="")
    return pd.concat([kept, new], ignore_index=True)


# ---------------------------------------------------------------- diffs


def _read_harmonised(path: Path) -> pd.DataFrame | None:
    if not path.exists():
        return None
    return pd.read_csv(path, keep_default_na=False, na_values={"value": [""], "value_low": [""], "value_high": [""]})


def _show(row: Mapping[str, Any]) -> str:
    if row["suppressed"] in (True, "True"):
        return "<5"
    value = float(row["value"])
    return f"{value:g}"


def _figure(key: tuple) -> str:
    country, start, end, indicator, breakdown, category, unit = key
    period = str(start) if start == end else f"{start}-{end}"
    return f"{country} {period} {indicator}/{breakdown}/{category} ({unit})"


def _series(sid: str) -> str:
    """ESTAT_CRIM_THB_SEX_20261128 -> ESTAT_CRIM_THB_SEX (one dataset across snapshots); others unchanged."""
    head, _, tail = sid.rpartition("_")
    return head if sid.startswith("ESTAT_CRIM_THB_") and len(tail) == 8 and tail.isdigit() else sid


def diff_harmonised(old: pd.DataFrame | None, new: pd.DataFrame) -> dict[str, list[str]]:
    """Preferred figures added, changed (old -> new value, with the preferred source) and removed.
    Computed rates are left out (they follow their counts)."""

    def preferred(table: pd.DataFrame | None) -> dict[tuple, dict]:
        if table is None:
            return {}
        keep = table[table["preferred"].astype(str) == "True"]
        keep = keep[~keep["flags"].str.contains("derived_rate")]
        return {tuple(r[k] for k in KEY): r for r in keep.to_dict("records")}

    before, after = preferred(old), preferred(new)
    out: dict[str, list[str]] = {"added": [], "changed": [], "source_switched": [], "same_series": [], "removed": []}
    for key in sorted(after, key=str):
        now = after[key]
        if key not in before:
            out["added"].append(f"{_figure(key)}: {_show(now)} [{now['source_id']}]")
            continue
        was = before[key]
        if _show(was) != _show(now):
            out["changed"].append(
                f"{_figure(key)}: {_show(was)} [{was['source_id']}] -> {_show(now)} [{now['source_id']}]"
            )
        elif was["source_id"] == now["source_id"]:
            continue
        elif _series(was["source_id"]) == _series(now["source_id"]):
            out["same_series"].append(_figure(key))  # the same Eurostat dataset, newer snapshot: not listed one by one
        else:
            out["source_switched"].append(
                f"{_figure(key)}: {_show(now)}, now preferred from {now['source_id']} (was {was['source_id']})"
            )
    for key in sorted(set(before) - set(after), key=str):
        out["removed"].append(f"{_figure(key)}: {_show(before[key])} [{before[key]['source_id']}]")
    return out


def diff_snapshots(previous: Path | None, current: Path) -> tuple[str, dict[str, list[str]]]:
    """What Eurostat revised between two snapshots: values or flags changed, observations new or gone."""
    out: dict[str, list[str]] = {"revised": [], "new": [], "gone": []}
    if previous is None:
        return "", out
    for path in sorted(p for p in current.glob("*.csv") if not p.name.startswith("_")):
        old_path = previous / path.name
        if not old_path.exists():
            out["new"].append(f"{path.stem}: whole dataset (not in the snapshot of {previous.name})")
            continue
        new = pd.read_csv(path, dtype=str, keep_default_na=False)
        old = pd.read_csv(old_path, dtype=str, keep_default_na=False)
        keys = [c for c in new.columns if c not in ("source_id", "value", "flag")]
        if sorted(keys) != sorted(c for c in old.columns if c not in ("source_id", "value", "flag")):
            out["revised"].append(
                f"{path.stem}: the dimensions changed ({list(old.columns)} -> {list(new.columns)}); "
                "compare the files by hand"
            )
            continue
        merged = old.merge(new, on=keys, how="outer", suffixes=("_old", "_new"), indicator=True)
        for r in merged.to_dict("records"):
            where = f"{path.stem} " + " ".join(f"{k}={r[k]}" for k in keys if k != "dataset")
            if r["_merge"] == "right_only":
                if r["value_new"] != "":
                    out["new"].append(f"{where}: {r['value_new']} {r['flag_new']}".rstrip())
            elif r["_merge"] == "left_only":
                out["gone"].append(f"{where}: was {r['value_old'] or ':'} {r['flag_old']}".rstrip())
            elif (r["value_old"], r["flag_old"]) != (r["value_new"], r["flag_new"]):
                out["revised"].append(
                    f"{where}: {(r['value_old'] or ':')} {r['flag_old']}".rstrip()
                    + f" -> {(r['value_new'] or ':')} {r['flag_new']}".rstrip()
                )
    return previous.name, out


def _section(title: str, lines: list[str]) -> list[str]:
    return [f"{title}: {len(lines)}"] + [f"  {line}" for line in lines]


# ---------------------------------------------------------------- the command


def _stage(paths: DataPaths, into: Path) -> DataPaths:
    root = into / "data"
    root.mkdir(parents=True)
    for name in STAGED:
        src = paths.root / name
        if src.is_dir():
            shutil.copytree(src, root / name)
        elif src.exists():
            shutil.copy2(src, root / name)
    return DataPaths(root)


def _replace_file(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=dst.parent, prefix=f".{dst.name}.", suffix=".tmp")
    os.close(fd)
    shutil.copyfile(src, tmp)
    os.replace(tmp, dst)


def _replace_dir(src: Path, dst: Path) -> None:
    """Copy next to the target, then rename into place; a same-day snapshot is replaced whole."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=dst.parent, prefix=f".{dst.name}."))
    shutil.copytree(src, tmp, dirs_exist_ok=True)
    old = None
    if dst.exists():
        old = Path(tempfile.mkdtemp(dir=dst.parent, prefix=f".{dst.name}.old."))
        os.replace(dst, old / dst.name)
    os.replace(tmp, dst)
    if old is not None:
        shutil.rmtree(old)


def refresh(
    paths: DataPaths, *, day: dt.date | None = None, datasets: list[str] | None = None, geos: list[str] | None = None
) -> Outcome:
    """Download, snapshot, map, build and diff, all in a staging copy; swap into data/ only on success."""
    from etl.build import build

    accessed = dt.datetime.now(dt.UTC).replace(microsecond=0)
    day = day or accessed.date()
    geos = geos or GEOS
    snapshot_rel = f"raw/{EUROSTAT_DIR}/{day:%Y-%m-%d}"
    lines = [f"Eurostat refresh {day:%Y-%m-%d} (geo {', '.join(geos)})"]
    try:
        es = _client()
        found = discover(es, datasets)
        lines.append(f"datasets: {', '.join(ds.code for ds in found)}")
        fetched = [fetch(es, ds, geos, source_id(ds.code, day)) for ds in found]
    except RefreshError as exc:
        return Outcome(
            EXIT_API,
            "\n".join(
                lines
                + [
                    f"Eurostat refresh failed: {exc}",
                    "Nothing was written: data/ is unchanged. This command needs internet access to ec.europa.eu.",
                ]
            ),
        )

    previous = latest_eurostat_snapshot(paths.raw)
    old_table = _read_harmonised(paths.output)
    with tempfile.TemporaryDirectory(prefix="thb-eurostat-refresh-") as tmp:
        staged = _stage(paths, Path(tmp))
        folder = staged.root / snapshot_rel
        if folder.exists():
            shutil.rmtree(folder)
        sums = write_snapshot(folder, fetched, accessed, geos)
        codes_path = staged.mapping / "eurostat_codes.csv"
        codes = pd.read_csv(codes_path, dtype=str, keep_default_na=False)
        codes, added = merge_codes(codes, fetched, day)
        codes.to_csv(codes_path, index=False, lineterminator="\n")
        sources = pd.read_csv(staged.sources, dtype=str, keep_default_na=False)
        sources = merge_sources(sources, source_rows(fetched, sums, day, snapshot_rel))
        sources.to_csv(staged.sources, index=False, lineterminator="\n")
        review = needs_review(codes, fetched)
        for ds in fetched:
            counts = ds.tidy["value"].eq("").sum()
            lines.append(
                f"  {ds.code}: {len(ds.tidy)} observations ({counts} missing or confidential)"
                + (f"; no data for {', '.join(ds.empty_geos)}" if ds.empty_geos else "")
            )
        lines += _section(
            "Eurostat codes unmapped, needs review (mapping/eurostat_codes.csv, action 'review')",
            [f"{r['dimension']}={r['code']} {r['label']!r}" + (" (new)" if r in added else "") for r in review],
        )
        try:
            result = build(staged)
        except BuildError as exc:
            lines.append(str(exc))
            if review:
                _replace_file(codes_path, paths.mapping / "eurostat_codes.csv")
                lines.append(
                    "Stopped: review the codes above in data/mapping/eurostat_codes.csv (set action map, ignore or "
                    "exclude, and the harmonised fields), then run the refresh again. Only that table was written; "
                    "the snapshot, sources.csv and data/harmonised are unchanged."
                )
                return Outcome(EXIT_REVIEW, "\n".join(lines))
            lines.append("Stopped: the build refused the refreshed data; nothing was written, data/ is unchanged.")
            return Outcome(EXIT_BUILD, "\n".join(lines))
        new_table = _read_harmonised(staged.output)
        figures = diff_harmonised(old_table, new_table)
        against, revisions = diff_snapshots(previous, folder)
        confidential = [
            e for e in result.excluded if e.raw_file.startswith(f"{EUROSTAT_DIR}/") and "onfidential" in e.reason
        ]
        lines += [""] + _section("Figures added", figures["added"])
        lines += _section("Figures changed (old -> new, preferred source)", figures["changed"])
        lines += _section("Same value, preferred source changed", figures["source_switched"])
        if figures["same_series"]:
            lines.append(
                f"Same value, now cited from this snapshot instead of the previous one: {len(figures['same_series'])}"
            )
        lines += _section("Figures no longer in the dataset", figures["removed"])
        lines += [
            "",
            f"Eurostat revisions since the previous snapshot ({against}):"
            if against
            else "Eurostat revisions: none to report, this is the first snapshot.",
        ]
        lines += _section("  values or flags revised", revisions["revised"])
        lines += _section("  new observations", revisions["new"])
        lines += _section("  observations no longer published", revisions["gone"])
        lines += ["", f"Confidential values (flag c) treated as missing: {len(confidential)}"]
        lines += [f"  {e.raw_file} line {e.raw_row}" for e in confidential]
        (folder / "_refresh_report.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        # Swap: the snapshot first, then the tables, the harmonised output last (each file atomically).
        _replace_dir(folder, paths.root / snapshot_rel)
        _replace_file(codes_path, paths.mapping / "eurostat_codes.csv")
        _replace_file(staged.sources, paths.sources)
        _replace_file(staged.output, paths.output)
        _replace_file(staged.meta, paths.meta)
    meta = json.loads(paths.meta.read_text(encoding="utf-8"))
    lines += [
        "",
        f"Wrote data/{snapshot_rel}/, data/sources.csv, data/mapping/eurostat_codes.csv and data/harmonised/ "
        f"({meta['n_rows']} rows; eurostat_included={meta['eurostat_included']}).",
    ]
    return Outcome(EXIT_OK, "\n".join(lines), paths.root / snapshot_rel)
