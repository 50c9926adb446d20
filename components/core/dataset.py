"""The harmonised dataset: where it lives, how it is read and checked, its codebook labels.

`read_table` reads and checks `harmonised/thb_baltic.csv` (a DataError names the file and the problem,
never junk); `assemble_dataset` adds the side files (sources, codebook, build metadata) into a
`Dataset` whose `digest` covers the content of every file it read (the key of every derived cache).
Pure: no Streamlit. `load` caches one `Dataset` per version of the files for tests and scripts; the server's
(the app's, the data API's and the warm-up's) is the process-wide store, `components.store.dataset`.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from components.core import i18n
from components.core.i18n import N_
from components.core.style import humanise
from etl.paths import REPO_ROOT

TABLE = Path("harmonised") / "thb_baltic.csv"
META = Path("harmonised") / "build_meta.json"
# a reader of a data file: (path, its digest) -> the table (the app passes its cached readers)
CsvReader = Callable[[str, str], pd.DataFrame]

REQUIRED_COLUMNS = [
    "country",
    "period_start",
    "period_end",
    "indicator",
    "breakdown",
    "category",
    "unit",
    "value",
    "suppressed",
    "source_id",
    "preferred",
]
OPTIONAL_COLUMNS = [
    "period_label",
    "value_low",
    "value_high",
    "source_location",
    "flags",
    "note",
    "note_keys",
    "grade",
    "raw_file",
    "raw_row",
]


class DataError(Exception):
    """The data file is missing, unreadable, unusable or not the file the build wrote.

    `path` names it (for the server log), `file` is its name within the data folder (what a reader may see:
    never the server's path), `problem` says what is wrong in English (the API, the log) and `localised()` in
    the language of the run (the pages). `template` is the English text marked for translation, `params` its
    values (whole numbers are written in the reader's number format)."""

    def __init__(self, path: Path | str, template: str, **params: object) -> None:
        self.path = str(path)
        self.template, self.params = template, params
        self.problem = template.format(**{k: f"{v:,}" if isinstance(v, int) else v for k, v in params.items()})
        super().__init__(f"{path}: {self.problem}")

    @property
    def file(self) -> str:
        parts = Path(self.path).parts
        return "/".join(parts[-2:]) if len(parts) >= 2 else Path(self.path).name

    def localised(self) -> str:
        t = i18n.current()
        return t.gettext(self.template).format(
            **{k: t.number(v) if isinstance(v, int) else v for k, v in self.params.items()}
        )

    def copy(self) -> DataError:
        """A fresh exception with the same content (raising one stored instance again would grow its traceback)."""
        return DataError(self.path, self.template, **self.params)


NOT_FOUND = N_("file not found. Build it with `make data` (python -m etl).")


def data_dir() -> Path:
    return Path(os.environ.get("THB_DATA_DIR") or (REPO_ROOT / "data"))


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# ---------------------------------------------------------------------------------------------
# Reading and checking
# ---------------------------------------------------------------------------------------------


def _to_bool(s: pd.Series) -> pd.Series:
    return s.astype("string").str.strip().str.lower().isin(["true", "1", "yes", "t"])


def read_table(path: Path | str) -> pd.DataFrame:
    """Read and check `thb_baltic.csv`. Raises DataError naming the problem; never returns junk."""
    path = Path(path)
    if not path.exists():
        raise DataError(path, NOT_FOUND)
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    except pd.errors.EmptyDataError:
        raise DataError(path, N_("the file is empty.")) from None
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        raise DataError(
            path, N_("cannot be parsed as CSV ({detail})."), detail=f"{type(exc).__name__}: {str(exc)[:200]}"
        ) from None
    missing = [c for c in REQUIRED_COLUMNS if c not in df.columns]
    if missing:
        raise DataError(path, N_("missing required column(s): {columns}."), columns=", ".join(missing))
    if df.empty:
        raise DataError(path, N_("the file has a header but no rows."))
    for c in OPTIONAL_COLUMNS:
        if c not in df.columns:
            df[c] = pd.NA
    for c in ("period_start", "period_end"):
        num = pd.to_numeric(df[c], errors="coerce")
        bad = num.isna()
        if bad.any():
            i = int(bad.idxmax())
            raise DataError(
                path,
                N_("column '{column}' must be a year; row {row} has {value}."),
                column=c,
                row=str(i + 2),
                value=repr(str(df.at[i, c])[:40]),
            )
        df[c] = num.astype(int)
    for c in ("value", "value_low", "value_high"):
        num = pd.to_numeric(df[c], errors="coerce")
        bad = num.isna() & df[c].notna()
        if bad.any():
            i = int(bad.idxmax())
            raise DataError(
                path,
                N_("column '{column}' must be numeric; row {row} has {value}."),
                column=c,
                row=str(i + 2),
                value=repr(str(df.at[i, c])[:40]),
            )
        df[c] = num.astype(float)
    df["suppressed"] = _to_bool(df["suppressed"])
    df["preferred"] = _to_bool(df["preferred"])
    for c in ("country", "indicator", "breakdown", "category", "unit", "source_id"):
        df[c] = df[c].fillna("").astype(str).str.strip()
    for c in ("flags", "note", "note_keys", "source_location", "period_label", "raw_file", "grade"):
        df[c] = df[c].fillna("").astype(str)
    df["period"] = period_key(df["period_start"], df["period_end"])
    df["single_year"] = df["period_start"] == df["period_end"]
    # Text as Python strings (object columns), not pandas 3's Arrow-backed default: the pages filter this table
    # on every build, and each filter of an Arrow text column goes through pyarrow's `take` (the options index
    # took 0.14-0.17 s, now 0.08 s). Same values: the text columns hold no missing values (filled with "" above).
    text = [c for c in df.columns if isinstance(df[c].dtype, pd.StringDtype)]
    df[text] = df[text].astype(object)
    return df


def period_key(start: pd.Series, end: pd.Series) -> pd.Series:
    s, e = start.astype(str), end.astype(str)
    return s.where(start == end, s + "-" + e)


def _tr(kind: str, code: str, english: str, fld: str = "label") -> str:
    """A codebook text in the language of this run (data/i18n/codebook_labels.csv; English when none)."""
    return i18n.current().label(kind, code, english, fld) if english else english


@dataclass
class Codebook:
    """Labels from `codebook/*.csv`; any code not found falls back to the code itself."""

    indicators: pd.DataFrame = field(default_factory=pd.DataFrame)
    categories: pd.DataFrame = field(default_factory=pd.DataFrame)
    countries: pd.DataFrame = field(default_factory=pd.DataFrame)
    units: pd.DataFrame = field(default_factory=pd.DataFrame)
    flags: pd.DataFrame = field(default_factory=pd.DataFrame)
    grades: pd.DataFrame = field(default_factory=pd.DataFrame)
    breakdown_rules: pd.DataFrame = field(default_factory=pd.DataFrame)
    series_breaks: pd.DataFrame = field(default_factory=pd.DataFrame)  # mapping/series_breaks.csv
    sources: pd.DataFrame = field(default_factory=pd.DataFrame)  # sources.csv: row notes name their sources

    def __post_init__(self) -> None:
        self._grade = {}
        if {"grade", "official"} <= set(self.grades.columns):
            self._grade = {r["grade"]: r for r in self.grades.to_dict("records")}
        self._kind = {}
        if {"indicator", "breakdown", "kind"} <= set(self.breakdown_rules.columns):
            self._kind = {(r["indicator"], r["breakdown"]): r for r in self.breakdown_rules.to_dict("records")}
        ind = self.indicators
        self._ind = {}
        if {"indicator", "label"} <= set(ind.columns):
            for r in ind.to_dict("records"):
                self._ind[r["indicator"]] = r
        self._cat = {}
        if {"breakdown", "category", "label"} <= set(self.categories.columns):
            for r in self.categories.to_dict("records"):
                self._cat[(r["breakdown"], r["category"])] = r
        self._bd = {}
        if {"breakdown", "breakdown_label"} <= set(self.categories.columns):
            self._bd = dict(zip(self.categories["breakdown"], self.categories["breakdown_label"]))
        self._unit = {}
        if {"unit", "label"} <= set(self.units.columns):
            self._unit = dict(zip(self.units["unit"], self.units["label"]))
        self._flag = {}
        if {"flag", "label"} <= set(self.flags.columns):
            self._flag = {
                f: (lab, m)
                for f, lab, m in zip(
                    self.flags["flag"], self.flags["label"], self.flags.get("meaning", self.flags["label"])
                )
            }
        # (country, indicator) -> [(first year, last year, note)] of the years that count something else
        self._differs: dict[tuple[str, str], list[tuple[int, int, str, str]]] = {}
        sb = self.series_breaks
        if {"kind", "differs_from", "differs_to", "differs_note"} <= set(sb.columns):
            for r in sb[sb["kind"] == "definition"].to_dict("records"):
                span = (int(r["differs_from"] or -10_000), int(r["differs_to"] or 10_000), r["differs_note"], r["year"])
                self._differs.setdefault((r["country"], r["indicator"]), []).append(span)
        self._cty = {}
        cols = set(self.countries.columns)
        code_col = next((c for c in ("iso2", "country", "code") if c in cols), None)
        name_col = next((c for c in ("name", "label", "name_en") if c in cols), None)
        if code_col and name_col:
            self._cty = dict(zip(self.countries[code_col], self.countries[name_col]))

    def indicator_label(self, code: str, short: bool = False) -> str:
        r = self._ind.get(code)
        if not r:
            return code
        if short and r.get("short_label"):
            return _tr("indicator", code, r["short_label"], "short_label")
        return _tr("indicator", code, r.get("label") or code)

    def indicator_definition(self, code: str) -> str:
        return _tr("indicator", code, (self._ind.get(code) or {}).get("definition", "") or "", "definition")

    def indicator_order(self, code: str) -> float:
        try:
            return float((self._ind.get(code) or {}).get("order", 999))
        except (TypeError, ValueError):
            return 999.0

    def category_label(self, breakdown: str, category: str) -> str:
        r = self._cat.get((breakdown, category))
        if r and r.get("label"):
            return _tr("category", f"{breakdown}:{category}", r["label"])
        if breakdown in ("citizenship_country", "repatriation_country") and category in self._cty:
            return self.country_label(category)
        return category

    def category_order(self, breakdown: str, category: str) -> float:
        try:
            return float((self._cat.get((breakdown, category)) or {}).get("order", 999))
        except (TypeError, ValueError):
            return 999.0

    def breakdown_label(self, breakdown: str) -> str:
        if breakdown == "total":
            return i18n._("Total (no breakdown)")
        return _tr("breakdown", breakdown, self._bd.get(breakdown) or humanise(breakdown))

    def unit_label(self, unit: str) -> str:
        """The unit's words, from codebook/units.csv (the one place units are labelled)."""
        return _tr("unit", unit, self._unit.get(unit) or unit)

    def flag_label(self, flag: str) -> str:
        return _tr("flag", flag, (self._flag.get(flag) or (humanise(flag), ""))[0])

    def flag_meaning(self, flag: str) -> str:
        return _tr("flag", flag, (self._flag.get(flag) or ("", ""))[1], "meaning")

    def flags_text(self, flags: str) -> str:
        return ", ".join(self.flag_label(f) for f in str(flags).split(";") if f)

    def country_label(self, code: str) -> str:
        return i18n.current().country(code, self._cty.get(code) or code)

    # evidence grades (codebook/grades.csv): which figures the charts show by default
    def is_official(self, grade: str) -> bool:
        """Official grade (charted by default). A row without a grade (an older table) counts as official."""
        if not grade or not self._grade:
            return True
        return (self._grade.get(grade) or {}).get("official") == "yes"

    def official_grades(self) -> list[str]:
        return [g for g, r in self._grade.items() if r.get("official") == "yes"]

    def grade_label(self, grade: str) -> str:
        return _tr("grade", grade, (self._grade.get(grade) or {}).get("label") or humanise(grade))

    def grade_shown_as(self, grade: str) -> str:
        """How a figure of this grade is labelled next to its number ('unconfirmed: news report')."""
        return _tr("grade", grade, (self._grade.get(grade) or {}).get("shown_as") or humanise(grade), "shown_as")

    @staticmethod
    def country_definition(country: str, indicator: str, english: str) -> str:
        """A country's definition (codebook/country_definitions.csv) in the run's language; the national law's
        own name is kept in the translation (data/i18n/codebook_labels.csv)."""
        return _tr("country_definition", f"{country}:{indicator}", english or "", "definition")

    def definition_note(self, country: str, indicator: str, year: int) -> str:
        """What a year's figure counts when it differs from the indicator's definition ('' when it does not)."""
        for start, end, note, break_year in self._differs.get((country, indicator), []):
            if start <= int(year) <= end:  # translations keyed on the break: country:indicator:year
                return _tr("definition_note", f"{country}:{indicator}:{break_year}", note, "note")
        return ""

    def grade_definition(self, grade: str) -> str:
        return _tr("grade", grade, (self._grade.get(grade) or {}).get("definition") or "", "definition")

    def grade_order(self, grade: str) -> int:
        try:
            return int((self._grade.get(grade) or {}).get("rank", 99))
        except (TypeError, ValueError):
            return 99

    # breakdown rules (codebook/breakdown_rules.csv)
    def breakdown_kind(self, indicator: str, breakdown: str) -> str:
        """'exclusive' (the categories add up to the total: stackable) or 'overlapping' (never stacked)."""
        if breakdown == "total":
            return "exclusive"
        r = self._kind.get((indicator, breakdown)) or self._kind.get(("*", breakdown))
        return (r or {}).get("kind") or "overlapping"

    def breakdown_note(self, indicator: str, breakdown: str) -> str:
        key = (indicator, breakdown) if (indicator, breakdown) in self._kind else ("*", breakdown)
        return _tr("breakdown_rule", ":".join(key), (self._kind.get(key) or {}).get("note") or "", "note")


@dataclass
class Dataset:
    table: pd.DataFrame
    sources: pd.DataFrame
    codebook: Codebook
    country_definitions: pd.DataFrame
    meta: dict
    digest: str  # sha256 of the table and the side files: the key of every derived cache
    data_dir: Path
    warnings: list[str] = field(default_factory=list)


def _optional_csv(
    path: Path, warnings: list[str], digests: list[str] | None = None, load_csv: CsvReader | None = None
) -> pd.DataFrame:
    if not path.exists():
        warnings.append(f"{path.name} not found: showing codes instead of labels where needed.")
        return pd.DataFrame()
    try:
        digest = file_digest(path)
        if digests is not None:
            digests.append(digest)
        return (load_csv or read_csv_text)(str(path), digest)
    except Exception as exc:  # a broken side file must not take the app down
        warnings.append(f"{path.name} could not be read ({type(exc).__name__}); showing codes.")
        return pd.DataFrame()


SIDE_FILES = (
    "sources.csv",
    "codebook/indicators.csv",
    "codebook/categories.csv",
    "codebook/countries.csv",
    "codebook/grades.csv",
    "codebook/breakdown_rules.csv",
    "codebook/units.csv",
    "codebook/flags.csv",
    "codebook/country_definitions.csv",
    META,
)


def stat_signature(d: Path) -> tuple:
    """(name, mtime, size, inode) of every file the dataset reads: cheap to take on every rerun."""
    sig: list[tuple] = []
    for name in (TABLE, *SIDE_FILES):
        try:
            st_ = (d / name).stat()
            sig.append((name, st_.st_mtime_ns, st_.st_size, st_.st_ino))
        except OSError:
            sig.append((name, None))
    return tuple(sig)


def read_csv_text(path: str, digest: str | None = None) -> pd.DataFrame:  # digest: unused (the cached call's shape)
    return pd.read_csv(path, dtype=str, keep_default_na=False)


BUILD_DIGEST = re.compile(r"[0-9a-f]{12}")  # the build's dataset_version: sha256 of the table's text, 12 hex


def _unreadable(path: Path, exc: OSError) -> DataError:
    if exc.errno in (errno.EACCES, errno.EPERM):
        return DataError(path, N_("the server cannot read the file (permission denied)."))
    if exc.errno == errno.EISDIR:
        return DataError(path, N_("the server cannot read the file (it is a folder)."))
    return DataError(
        path,
        N_("the server cannot read the file ({reason})."),
        reason=errno.errorcode.get(exc.errno or 0, type(exc).__name__),
    )


def read_build_record(d: Path, warnings: list[str]) -> dict:
    """build_meta.json. Missing: {} and a warning (a hand-made data folder); present but unreadable: DataError
    (the record that would verify the table is damaged, so the table cannot be trusted either)."""
    path = d / META
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        warnings.append("build_meta.json not found: dataset version unknown, the table not verified.")
        return {}
    except (ValueError, OSError) as exc:
        raise DataError(
            path, N_("the build record cannot be read, so the table cannot be checked against it.")
        ) from exc
    if not isinstance(meta, dict):
        raise DataError(path, N_("the build record cannot be read, so the table cannot be checked against it."))
    return meta


def verify_against_build(path: Path, table: pd.DataFrame, digest: str, meta: dict) -> None:
    """The table is the one the build wrote: as many rows as `n_rows`, and (when `dataset_version` is the
    build's content digest) the same content. A truncated, cut or edited copy is refused, never served."""
    expected = meta.get("n_rows")
    if isinstance(expected, int) and not isinstance(expected, bool) and expected != len(table):
        raise DataError(
            path,
            N_(
                "the file has {n} rows but the build recorded {expected}: it is incomplete or "
                "not the file the build wrote."
            ),
            n=int(len(table)),
            expected=expected,
        )
    version = meta.get("dataset_version")
    if isinstance(version, str) and BUILD_DIGEST.fullmatch(version) and digest[:12] != version:
        raise DataError(
            path,
            N_(
                "the file's content does not match the build record (version {version}): it was "
                "changed or damaged after the build."
            ),
            version=version,
        )


def assemble_dataset(
    directory: Path | str, load_table: CsvReader | None = None, load_csv: CsvReader | None = None
) -> Dataset:
    """The dataset from its files, uncached and verified against the build record. `load_table(path, digest)` /
    `load_csv(path, digest)` default to plain reads (the store passes its cached table reader, see
    `components.store`)."""
    load_table = load_table or (lambda path, digest: read_table(path))
    load_csv = load_csv or read_csv_text
    d = Path(directory)
    path = d / TABLE
    if not path.exists():
        raise DataError(path, NOT_FOUND)
    try:
        digest = file_digest(path)
        table = load_table(str(path), digest)
    except OSError as exc:  # unreadable (permissions, a folder, an I/O error): a clear error, not a traceback
        raise _unreadable(path, exc) from None
    warnings: list[str] = []
    meta = read_build_record(d, warnings)
    verify_against_build(path, table, digest, meta)
    side: list[str] = []  # digests of the side files: derived caches are keyed on them too
    sources = _optional_csv(d / "sources.csv", warnings, side, load_csv)
    if not sources.empty and "source_id" in sources.columns:  # every figure must trace to a known source
        known = set(sources["source_id"])
        unknown = table["source_id"].map(lambda s: any(p not in known for p in str(s).split(";")))
        if unknown.any():
            i = int(unknown.values.argmax())
            raise DataError(
                path,
                N_("row {row} has source_id {value}, which is not in sources.csv."),
                row=str(i + 2),
                value=repr(str(table["source_id"].iat[i])[:60]),
            )
    cb = Codebook(
        indicators=_optional_csv(d / "codebook" / "indicators.csv", warnings, side, load_csv),
        categories=_optional_csv(d / "codebook" / "categories.csv", warnings, side, load_csv),
        countries=_optional_csv(d / "codebook" / "countries.csv", [], side, load_csv),
        units=_optional_csv(d / "codebook" / "units.csv", [], side, load_csv),
        flags=_optional_csv(d / "codebook" / "flags.csv", [], side, load_csv),
        grades=_optional_csv(d / "codebook" / "grades.csv", [], side, load_csv),
        breakdown_rules=_optional_csv(d / "codebook" / "breakdown_rules.csv", [], side, load_csv),
        series_breaks=_optional_csv(d / "mapping" / "series_breaks.csv", [], side, load_csv),
        sources=sources,
    )
    defs = _optional_csv(d / "codebook" / "country_definitions.csv", warnings, side, load_csv)
    key = hashlib.sha256(("|".join([digest, *side])).encode()).hexdigest() if side else digest
    return Dataset(table, sources, cb, defs, meta, key, d, warnings)


_FAILED: OrderedDict[tuple[str, tuple], DataError] = OrderedDict()  # (folder, stat signature) -> DataError


def assemble_once(directory: Path | str, signature: tuple, assemble: Callable[[], Dataset]) -> Dataset:
    """`assemble()` for this version of the files, unless it already failed for that version: then the same
    DataError again at the cost of nothing (a broken file is read once, not on every request and rerun;
    any change to the files gives a new signature and a new try)."""
    key = (str(directory), signature)
    err = _FAILED.get(key)
    if err is not None:
        raise err.copy()
    try:
        return assemble()
    except DataError as exc:
        _FAILED[key] = exc.copy()
        while len(_FAILED) > 8:
            _FAILED.popitem(last=False)
        raise


def load(directory: Path | str | None = None) -> Dataset:
    """The dataset of `directory` (default: `data_dir()`), assembled once per version of its files
    (their stat signature: a few stat calls per call). Raises DataError only for the main table."""
    d = Path(directory) if directory is not None else data_dir()
    path = d / TABLE
    if not path.exists():
        raise DataError(path, NOT_FOUND)
    sig = stat_signature(d)
    return assemble_once(d, sig, lambda: _load_cached(str(d), sig))


@lru_cache(maxsize=4)
def _load_cached(directory: str, signature: tuple) -> Dataset:  # signature: cache key only
    return assemble_dataset(directory)
