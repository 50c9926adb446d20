"""Load the harmonised dataset (one cached loader keyed on file content) and query it.

The loader is the only Streamlit-aware function here. Everything below `# Queries` is pure:
DataFrame in, tidy DataFrame out, no widgets, so pages stay thin and tests need no Streamlit.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import streamlit as st

from components.style import BALTIC, COUNTRY_ORDER, humanise

REPO = Path(__file__).resolve().parent.parent
TABLE = Path("harmonised") / "thb_baltic.csv"
META = Path("harmonised") / "build_meta.json"

REQUIRED_COLUMNS = [
    "country", "period_start", "period_end", "indicator", "breakdown", "category", "unit",
    "value", "suppressed", "source_id", "preferred",
]
OPTIONAL_COLUMNS = ["period_label", "value_low", "value_high", "source_location", "flags", "note", "grade",
                    "raw_file", "raw_row"]
KEY = ["country", "period_start", "period_end", "indicator", "breakdown", "category", "unit"]
RATE_UNITS = ("per_million", "per_100k")
COUNT_UNITS = ("persons", "cases", "offences")
CHAIN = ("victims", "suspects", "investigations", "cases_to_court", "prosecuted", "convicted")
BREAK_FLAGS = ("series_break", "definition_change", "definition_differs")
MAX_COMPARE_CATEGORIES = 12  # more categories than distinguishable colours: left to the Data page


class DataError(Exception):
    """The data file is missing or unusable; `path` names it, `problem` says what is wrong."""

    def __init__(self, path: Path | str, problem: str):
        super().__init__(f"{path}: {problem}")
        self.path = str(path)
        self.problem = problem


def data_dir() -> Path:
    return Path(os.environ.get("THB_DATA_DIR") or (REPO / "data"))


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# ---------------------------------------------------------------------------------------------
# Reading and checking (pure) + the one cached loader
# ---------------------------------------------------------------------------------------------

def _to_bool(s: pd.Series) -> pd.Series:
    return s.astype("string").str.strip().str.lower().isin(["true", "1", "yes", "t"])


def read_table(path: Path | str) -> pd.DataFrame:
    """Read and check `thb_baltic.csv`. Raises DataError naming the problem; never returns junk."""
    path = Path(path)
    if not path.exists():
        raise DataError(path, "file not found. Build it with `make data` (python -m etl).")
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    except pd.errors.EmptyDataError:
        raise DataError(path, "the file is empty.") from None
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        raise DataError(path, f"cannot be parsed as CSV ({type(exc).__name__}: {str(exc)[:200]}).") from None
    missing = [c for c in REQUIRED_COLUMNS if c not in df.columns]
    if missing:
        raise DataError(path, f"missing required column(s): {', '.join(missing)}.")
    if df.empty:
        raise DataError(path, "the file has a header but no rows.")
    for c in OPTIONAL_COLUMNS:
        if c not in df.columns:
            df[c] = pd.NA
    for c in ("period_start", "period_end"):
        num = pd.to_numeric(df[c], errors="coerce")
        bad = num.isna()
        if bad.any():
            i = int(bad.idxmax())
            raise DataError(path, f"column '{c}' must be a year; row {i + 2} has {str(df.at[i, c])[:40]!r}.")
        df[c] = num.astype(int)
    for c in ("value", "value_low", "value_high"):
        num = pd.to_numeric(df[c], errors="coerce")
        bad = num.isna() & df[c].notna()
        if bad.any():
            i = int(bad.idxmax())
            raise DataError(path, f"column '{c}' must be numeric; row {i + 2} has {str(df.at[i, c])[:40]!r}.")
        df[c] = num.astype(float)
    df["suppressed"] = _to_bool(df["suppressed"])
    df["preferred"] = _to_bool(df["preferred"])
    for c in ("country", "indicator", "breakdown", "category", "unit", "source_id"):
        df[c] = df[c].fillna("").astype(str).str.strip()
    for c in ("flags", "note", "source_location", "period_label", "raw_file", "grade"):
        df[c] = df[c].fillna("").astype(str)
    df["period"] = period_key(df["period_start"], df["period_end"])
    df["single_year"] = df["period_start"] == df["period_end"]
    return df


def period_key(start: pd.Series, end: pd.Series) -> pd.Series:
    s, e = start.astype(str), end.astype(str)
    return s.where(start == end, s + "-" + e)


@st.cache_data(max_entries=4, show_spinner=False)
def _load_table_cached(path: str, digest: str) -> pd.DataFrame:  # digest: cache key only
    return read_table(path)


@st.cache_data(max_entries=16, show_spinner=False)
def _load_csv_cached(path: str, digest: str) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


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
            self._flag = {f: (lab, m) for f, lab, m in zip(self.flags["flag"], self.flags["label"],
                                                           self.flags.get("meaning", self.flags["label"]))}
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
            return r["short_label"]
        return r.get("label") or code

    def indicator_definition(self, code: str) -> str:
        return (self._ind.get(code) or {}).get("definition", "") or ""

    def indicator_order(self, code: str) -> float:
        try:
            return float((self._ind.get(code) or {}).get("order", 999))
        except (TypeError, ValueError):
            return 999.0

    def category_label(self, breakdown: str, category: str) -> str:
        r = self._cat.get((breakdown, category))
        if r and r.get("label"):
            return r["label"]
        if breakdown in ("citizenship_country", "repatriation_country") and category in self._cty:
            return self._cty[category]
        return category

    def category_order(self, breakdown: str, category: str) -> float:
        try:
            return float((self._cat.get((breakdown, category)) or {}).get("order", 999))
        except (TypeError, ValueError):
            return 999.0

    def breakdown_label(self, breakdown: str) -> str:
        if breakdown == "total":
            return "Total (no breakdown)"
        return self._bd.get(breakdown) or humanise(breakdown)

    def unit_label(self, unit: str) -> str:
        from components.style import unit_label

        return self._unit.get(unit) or unit_label(unit)

    def flag_label(self, flag: str) -> str:
        return (self._flag.get(flag) or (humanise(flag), ""))[0]

    def flag_meaning(self, flag: str) -> str:
        return (self._flag.get(flag) or ("", ""))[1]

    def flags_text(self, flags: str) -> str:
        return ", ".join(self.flag_label(f) for f in str(flags).split(";") if f)

    def country_label(self, code: str) -> str:
        return self._cty.get(code) or code

    # evidence grades (codebook/grades.csv): which figures the charts show by default
    def is_official(self, grade: str) -> bool:
        """Official grade (charted by default). A row without a grade (an older table) counts as official."""
        if not grade or not self._grade:
            return True
        return (self._grade.get(grade) or {}).get("official") == "yes"

    def official_grades(self) -> list[str]:
        return [g for g, r in self._grade.items() if r.get("official") == "yes"]

    def grade_label(self, grade: str) -> str:
        return (self._grade.get(grade) or {}).get("label") or humanise(grade)

    def grade_shown_as(self, grade: str) -> str:
        """How a figure of this grade is labelled next to its number ('unconfirmed: news report')."""
        return (self._grade.get(grade) or {}).get("shown_as") or humanise(grade)

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
        r = self._kind.get((indicator, breakdown)) or self._kind.get(("*", breakdown))
        return (r or {}).get("note") or ""


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


def _optional_csv(path: Path, warnings: list[str], digests: list[str] | None = None,
                  load_csv=None) -> pd.DataFrame:
    if not path.exists():
        warnings.append(f"{path.name} not found: showing codes instead of labels where needed.")
        return pd.DataFrame()
    try:
        digest = file_digest(path)
        if digests is not None:
            digests.append(digest)
        return (load_csv or _load_csv_cached)(str(path), digest)
    except Exception as exc:  # a broken side file must not take the app down
        warnings.append(f"{path.name} could not be read ({type(exc).__name__}); showing codes.")
        return pd.DataFrame()


SIDE_FILES = ("sources.csv", "codebook/indicators.csv", "codebook/categories.csv", "codebook/countries.csv",
              "codebook/grades.csv", "codebook/breakdown_rules.csv",
              "codebook/units.csv", "codebook/flags.csv", "codebook/country_definitions.csv", META)


def _stat_signature(d: Path) -> tuple:
    """(name, mtime, size, inode) of every file the dataset reads: cheap to take on every rerun."""
    sig = []
    for name in (TABLE, *SIDE_FILES):
        try:
            st_ = (d / name).stat()
            sig.append((name, st_.st_mtime_ns, st_.st_size, st_.st_ino))
        except OSError:
            sig.append((name, None))
    return tuple(sig)


def load_dataset(directory: Path | str | None = None) -> Dataset:
    """The dataset and its side files. Raises DataError only for the main table.

    Assembled once per version of the files (their stat signature), so a rerun costs a few stat
    calls; the table itself stays keyed on its content digest."""
    d = Path(directory) if directory is not None else data_dir()
    path = d / TABLE
    if not path.exists():
        raise DataError(path, "file not found. Build it with `make data` (python -m etl).")
    return _assemble_cached(str(d), _stat_signature(d))


@st.cache_resource(max_entries=4, show_spinner=False)
def _assemble_cached(directory: str, signature: tuple) -> Dataset:  # signature: cache key only
    # a resource, not data: shared, never mutated by the pages (no copy per rerun)
    return assemble_dataset(directory, _load_table_cached, _load_csv_cached)


def _read_csv_text(path: str, digest: str) -> pd.DataFrame:  # digest: unused (same call shape as the cached one)
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def assemble_dataset(directory: Path | str, load_table=None, load_csv=None) -> Dataset:
    """The dataset from its files, with no Streamlit cache (pure: the HTTP API calls it and keeps
    its own cache). `load_table(path, digest)` / `load_csv(path, digest)` default to plain reads."""
    load_table = load_table or (lambda path, digest: read_table(path))
    load_csv = load_csv or _read_csv_text
    d = Path(directory)
    path = d / TABLE
    if not path.exists():
        raise DataError(path, "file not found. Build it with `make data` (python -m etl).")
    digest = file_digest(path)
    table = load_table(str(path), digest)
    warnings: list[str] = []
    side: list[str] = []  # digests of the side files: derived caches are keyed on them too
    sources = _optional_csv(d / "sources.csv", warnings, side, load_csv)
    if not sources.empty and "source_id" in sources.columns:  # every figure must trace to a known source
        known = set(sources["source_id"])
        unknown = table["source_id"].map(lambda s: any(p not in known for p in str(s).split(";")))
        if unknown.any():
            i = int(unknown.values.argmax())
            raise DataError(path, f"row {i + 2} has source_id {str(table['source_id'].iat[i])[:60]!r}, "
                                  "which is not in sources.csv.")
    cb = Codebook(
        indicators=_optional_csv(d / "codebook" / "indicators.csv", warnings, side, load_csv),
        categories=_optional_csv(d / "codebook" / "categories.csv", warnings, side, load_csv),
        countries=_optional_csv(d / "codebook" / "countries.csv", [], side, load_csv),
        units=_optional_csv(d / "codebook" / "units.csv", [], side, load_csv),
        flags=_optional_csv(d / "codebook" / "flags.csv", [], side, load_csv),
        grades=_optional_csv(d / "codebook" / "grades.csv", [], side, load_csv),
        breakdown_rules=_optional_csv(d / "codebook" / "breakdown_rules.csv", [], side, load_csv),
    )
    defs = _optional_csv(d / "codebook" / "country_definitions.csv", warnings, side, load_csv)
    meta: dict = {}
    try:
        meta = json.loads((d / META).read_text(encoding="utf-8"))
        if not isinstance(meta, dict):
            meta = {}
    except FileNotFoundError:
        warnings.append("build_meta.json not found: dataset version unknown.")
    except (ValueError, OSError):
        warnings.append("build_meta.json could not be read: dataset version unknown.")
    key = hashlib.sha256(("|".join([digest, *side])).encode()).hexdigest() if side else digest
    return Dataset(table, sources, cb, defs, meta, key, d, warnings)


# ---------------------------------------------------------------------------------------------
# Queries (pure)
# ---------------------------------------------------------------------------------------------

def preferred(df: pd.DataFrame) -> pd.DataFrame:
    return df[df["preferred"]]


def has_value(df: pd.DataFrame) -> pd.Series:
    return df["value"].notna() | df["suppressed"]


def official_mask(df: pd.DataFrame, cb: Codebook) -> pd.Series:
    grades = {g: cb.is_official(g) for g in df["grade"].unique()} if "grade" in df.columns else {}
    if not grades:
        return pd.Series(True, index=df.index)
    return df["grade"].map(grades).astype(bool)


def chart_rows(df: pd.DataFrame, cb: Codebook, unconfirmed: bool = False) -> pd.DataFrame:
    """The rows a chart may draw: preferred values of an official grade; with `unconfirmed`, also the
    preferred values known only from weaker sources (news, secondary), which carry `confirmed` False."""
    p = df[df["preferred"]]
    official = official_mask(p, cb)
    if not unconfirmed:
        p = p[official]
        official = official[official]
    p = p.copy()
    p["confirmed"] = official.values
    return p


def sort_countries(codes) -> list[str]:
    order = {c: i for i, c in enumerate(COUNTRY_ORDER)}
    return sorted(set(codes), key=lambda c: (order.get(c, 99), c))


def countries_available(df: pd.DataFrame) -> list[str]:
    return sort_countries(df["country"].unique())


def indicators_available(df: pd.DataFrame, cb: Codebook, *, chartable: bool = True) -> list[str]:
    """Indicators with at least one preferred value; `chartable` drops context rows (population)."""
    p = preferred(df)
    p = p[has_value(p)]
    codes = set(p["indicator"].unique())
    if chartable:
        codes.discard("population")
    return sorted(codes, key=lambda c: (cb.indicator_order(c), c))


def measures_available(df: pd.DataFrame, indicator: str) -> list[str]:
    units = set(preferred(df).loc[lambda x: x["indicator"] == indicator, "unit"])
    out = []
    if units - set(RATE_UNITS) - {"percent"}:
        out.append("absolute")
    if "per_million" in units:
        out.append("per_million")
    return out or ["absolute"]


def unit_for(df: pd.DataFrame, indicator: str, measure: str) -> str:
    """The unit rows to show: 'per_million' or the indicator's main absolute unit."""
    if measure == "per_million":
        return "per_million"
    p = preferred(df)
    units = p.loc[(p["indicator"] == indicator) & ~p["unit"].isin(RATE_UNITS + ("percent",)), "unit"]
    if units.empty:
        return "persons"
    return units.value_counts().index[0]


def periods_available(df: pd.DataFrame, indicator: str, countries=BALTIC) -> list[str]:
    """Period keys ('2022', '2012-2016') with a preferred value for the indicator, newest first."""
    p = preferred(df)
    p = p[(p["indicator"] == indicator) & p["country"].isin(countries) & has_value(p)]
    per = p[["period", "period_start", "period_end"]].drop_duplicates()
    per = per.sort_values(["period_end", "period_start"], ascending=[False, False])
    return per["period"].tolist()


def best_period(df: pd.DataFrame, indicator: str, countries=BALTIC) -> str | None:
    """The default period for a comparison: the single year where most countries have a total
    (ties: the one with most breakdown rows, then the newest)."""
    p = preferred(df)
    p = p[(p["indicator"] == indicator) & p["country"].isin(countries) & has_value(p) & p["single_year"]]
    if p.empty:
        per = periods_available(df, indicator, countries)
        return per[0] if per else None
    tot = p[p["breakdown"] == "total"].groupby("period")["country"].nunique()
    rows = p.groupby("period").size()
    score = pd.DataFrame({"n": tot, "rows": rows}).fillna(0)
    score["end"] = [int(x) for x in score.index]
    return str(score.sort_values(["n", "rows", "end"], ascending=False).index[0])


def years_available(df: pd.DataFrame, indicator: str | None = None) -> list[int]:
    p = preferred(df)
    p = p[p["single_year"] & has_value(p)]
    if indicator:
        p = p[p["indicator"] == indicator]
    return sorted(int(y) for y in p["period_start"].unique())


def breakdowns_available(df: pd.DataFrame, indicator: str, period: str | None = None,
                         max_categories: int | None = MAX_COMPARE_CATEGORIES) -> list[str]:
    """Breakdowns with a preferred value; those with too many categories for one chart are left out."""
    p = preferred(df)
    p = p[(p["indicator"] == indicator) & has_value(p) & p["country"].isin(BALTIC) & (p["unit"] != "percent")]
    if period:
        p = p[p["period"] == period]
    n = p.groupby("breakdown")["category"].nunique()
    b = set(n.index if max_categories is None else n[n <= max_categories].index)
    ordered = ["total", "exploitation", "sex", "age", "sex_age", "citizenship"]
    return [x for x in ordered if x in b] + sorted(b - set(ordered))


def compare_data(df: pd.DataFrame, cb: Codebook, *, indicator: str, period: str, breakdown: str,
                 unit: str, countries=BALTIC, unconfirmed: bool = False) -> pd.DataFrame:
    """One row per (country, category) for the compare chart.

    status: 'value' | 'suppressed' | 'no_data' (the country has no figure) | 'not_given' (the country's
    source gives this breakdown without this category, which another country in the view has).
    A breakdown is the preferred set the build chose, from one source per country; `kind` says whether
    its categories add up ('exclusive') or overlap ('overlapping': never stacked). `confirmed` is False
    for a figure known only from a weaker source (drawn only with `unconfirmed`).
    """
    p = chart_rows(df, cb, unconfirmed)
    sel = p[(p["indicator"] == indicator) & (p["period"] == period) & (p["breakdown"] == breakdown)
            & (p["unit"] == unit) & p["country"].isin(countries) & has_value(p)].copy()
    if breakdown != "total":
        sel = sel[sel["category"] != "total"]
    sel["status"] = sel["suppressed"].map({True: "suppressed", False: "value"})
    rows = [sel]
    have = set(sel["country"])
    blank = {"value": float("nan"), "suppressed": False, "source_id": "", "flags": "", "note": "", "grade": "",
             "period": period, "unit": unit, "indicator": indicator, "breakdown": breakdown, "confirmed": True}
    missing = [c for c in countries if c not in have]
    if missing:
        rows.append(pd.DataFrame({"country": missing, "status": "no_data", "category": "", **blank}))
    if breakdown != "total" and len(have) > 0:
        cats = set(sel["category"])
        for c in countries:
            if c not in have:
                continue
            given = set(sel.loc[sel["country"] == c, "category"])
            lacking = sorted(cats - given)
            if lacking:
                src = sel.loc[sel["country"] == c, "source_id"].iloc[0]
                rows.append(pd.DataFrame({"country": c, "status": "not_given", "category": lacking,
                                          **{**blank, "source_id": src}}))
    out = pd.concat(rows, ignore_index=True) if len(rows) > 1 else sel
    out = _label(out, cb)
    out["kind"] = cb.breakdown_kind(indicator, breakdown)
    order = {c: i for i, c in enumerate(countries)}
    out["country_order"] = out["country"].map(order)
    out["category_order"] = [cb.category_order(b, c) for b, c in zip(out["breakdown"], out["category"])]
    return out.sort_values(["country_order", "category_order", "category"]).reset_index(drop=True)


def _label(df: pd.DataFrame, cb: Codebook) -> pd.DataFrame:
    df = df.copy()
    df["country_label"] = [cb.country_label(c) for c in df["country"]]
    df["category_label"] = [cb.category_label(b, c) if c else "" for b, c in
                            zip(df["breakdown"], df["category"])]
    return df


def trend_data(df: pd.DataFrame, cb: Codebook, *, indicator: str, unit: str, countries=BALTIC,
               year_from: int | None = None, year_to: int | None = None,
               index_base: int | None = None, unconfirmed: bool = False) -> pd.DataFrame:
    """Single-year preferred totals per country, split into comparable segments, with an optional index.

    A line never runs across a change that makes two years incomparable: a series break or change of
    definition (flag), or a change of source from one year to the next. Each starts a new `segment`
    (the line breaks there) and gets a `marker` ('break' | 'source') with its `marker_note`.
    `index` = value / value in `index_base` x 100, only within the base year's segment: across a break
    the index is refused (NaN) and `index_note` says why.
    """
    p = chart_rows(df, cb, unconfirmed)
    s = p[(p["indicator"] == indicator) & (p["unit"] == unit) & (p["breakdown"] == "total")
          & (p["category"] == "total") & p["single_year"] & p["country"].isin(countries)
          & has_value(p)].copy()
    if year_from is not None:
        s = s[s["period_start"] >= year_from]
    if year_to is not None:
        s = s[s["period_start"] <= year_to]
    s["year"] = s["period_start"].astype(int)
    s = s.sort_values(["country", "year"])
    s["main_source"] = s["source_id"].str.split(";").str[0]
    prev_src = s.groupby("country")["main_source"].shift()
    flag_break = s["flags"].str.contains("|".join(BREAK_FLAGS), regex=True)
    src_change = prev_src.notna() & (prev_src != s["main_source"])
    s["marker"] = ""
    s.loc[src_change, "marker"] = "source"
    s.loc[flag_break & s.groupby("country").cumcount().gt(0), "marker"] = "break"
    notes = []
    for r, fb, sc, ps in zip(s.itertuples(), flag_break, src_change, prev_src):
        parts = []
        if fb:
            fl = [f for f in r.flags.split(";") if f in BREAK_FLAGS]
            parts.append(", ".join(f.replace("_", " ") for f in fl) + (f": {r.note}" if r.note else ""))
        if sc:
            parts.append(f"source changes from {ps} to {r.main_source}")
        notes.append("; ".join(parts))
    s["marker_note"] = notes
    # a new segment starts at a break or a change of source (not at the first year of a country)
    s["segment"] = (s["marker"] != "").astype(int).groupby(s["country"]).cumsum()
    s["index"] = float("nan")
    s["index_note"] = ""
    if index_base is not None:
        for country, rows in s.groupby("country"):
            base = rows[(rows["year"] == index_base) & ~rows["suppressed"]]
            if base.empty or not base["value"].iloc[0]:
                s.loc[rows.index, "index_note"] = f"no index: no (unsuppressed) value in {index_base}"
                continue
            seg = base["segment"].iloc[0]
            same = rows["segment"] == seg
            s.loc[rows.index[same], "index"] = rows.loc[same, "value"] / float(base["value"].iloc[0]) * 100
            if (~same).any():
                years = rows.loc[~same, "year"]
                cut = rows.loc[rows["marker"] != "", ["year", "marker_note"]]
                why = "; ".join(f"{y}: {n}" for y, n in zip(cut["year"], cut["marker_note"]))
                s.loc[rows.index, "index_note"] = (
                    f"index only for {int(rows.loc[same, 'year'].min())}-{int(rows.loc[same, 'year'].max())}: "
                    f"not indexed across a break ({int(years.min())}-{int(years.max())} left out; {why})")
    s = _label(s, cb)
    return s.reset_index(drop=True)


def chain_data(df: pd.DataFrame, cb: Codebook, *, countries=BALTIC, year_from: int | None = None,
               year_to: int | None = None, unconfirmed: bool = False) -> pd.DataFrame:
    """Justice chain: victims → suspects/investigations → cases to court → prosecuted → convicted."""
    p = chart_rows(df, cb, unconfirmed)
    s = p[p["indicator"].isin(CHAIN) & (p["breakdown"] == "total") & p["single_year"]
          & ~p["unit"].isin(RATE_UNITS + ("percent",)) & p["country"].isin(countries) & has_value(p)].copy()
    if year_from is not None:
        s = s[s["period_start"] >= year_from]
    if year_to is not None:
        s = s[s["period_start"] <= year_to]
    s["year"] = s["period_start"].astype(int)
    s["stage_order"] = s["indicator"].map({k: i for i, k in enumerate(CHAIN)})
    s["stage"] = [cb.indicator_label(i, short=True) for i in s["indicator"]]
    s = _label(s, cb)
    return s.sort_values(["country", "year", "stage_order"]).reset_index(drop=True)


def chain_table(chain: pd.DataFrame, cb: Codebook) -> pd.DataFrame:
    """Wide country-year table of the chain, '<5' kept as text."""
    from components.style import fmt_value

    if chain.empty:
        return pd.DataFrame(columns=["Country", "Year"])
    c = chain.copy()
    c["shown"] = [fmt_value(v, s, u) for v, s, u in zip(c["value"], c["suppressed"], c["unit"])]
    w = c.pivot_table(index=["country_label", "year"], columns="indicator", values="shown", aggfunc="first")
    w = w[[i for i in CHAIN if i in w.columns]]
    w.columns = [cb.indicator_label(i, short=True) for i in w.columns]
    w = w.reset_index().rename(columns={"country_label": "Country", "year": "Year"})
    return w.fillna("no data")


def overview_cards(df: pd.DataFrame, cb: Codebook, countries=BALTIC, indicator: str = "victims") -> list[dict]:
    """Per country: the latest year with an official-grade total, value, change vs previous year, per
    million, the series for a sparkline, the dominant forms of exploitation in that year, and `newer`:
    every figure for a later (or overlapping multi-year) period that is not an official yearly total
    (unconfirmed, low confidence, multi-year), with its grade, so nothing newer is hidden."""
    p = chart_rows(df, cb, unconfirmed=False)
    out = []
    for c in countries:
        tot = p[(p["country"] == c) & (p["indicator"] == indicator) & (p["breakdown"] == "total")
                & (p["category"] == "total") & p["single_year"] & has_value(p)]
        counts = tot[tot["unit"] == unit_for(df, indicator, "absolute")].sort_values("period_start")
        card = {"country": c, "country_label": cb.country_label(c), "year": None, "value": None,
                "suppressed": False, "unit": "persons", "prev_year": None, "change": None,
                "change_note": "", "per_million": None, "per_million_suppressed": False,
                "series": counts, "top_forms": [], "forms_year": None, "source_ids": [], "flags": "",
                "grade": "", "newer": []}
        last_year = int(counts["period_start"].max()) if not counts.empty else None
        card["newer"] = newer_figures(df, cb, c, indicator, unit_for(df, indicator, "absolute"), last_year)
        if counts.empty:
            out.append(card)
            continue
        last = counts.iloc[-1]
        y = int(last["period_start"])
        card.update(year=y, value=last["value"], suppressed=bool(last["suppressed"]), unit=last["unit"],
                    source_ids=[last["source_id"]], flags=last["flags"], grade=last.get("grade", ""))
        prev = counts[counts["period_start"] == y - 1]
        if not prev.empty:
            pr = prev.iloc[0]
            card["prev_year"] = y - 1
            if pr["suppressed"] or last["suppressed"]:
                card["change_note"] = "not computed: a suppressed (<5) value is involved"
            elif any(f in last["flags"] for f in BREAK_FLAGS):
                card["change_note"] = "not comparable: series break"
            elif str(pr["source_id"]).split(";")[0] != str(last["source_id"]).split(";")[0]:
                card["change_note"] = "not comparable: the source changes between the two years"
            else:
                card["change"] = float(last["value"] - pr["value"])
        else:
            card["change_note"] = f"no figure for {y - 1}"
        pm = tot[(tot["unit"] == "per_million") & (tot["period_start"] == y)]
        if not pm.empty:
            card["per_million"] = pm.iloc[0]["value"]
            card["per_million_suppressed"] = bool(pm.iloc[0]["suppressed"])
            card["source_ids"].append(pm.iloc[0]["source_id"])
        # dominant forms: in the card's year, else the latest year that has a breakdown by form
        ex_all = p[(p["country"] == c) & (p["indicator"] == indicator) & (p["breakdown"] == "exploitation")
                   & (p["period_start"] <= y) & p["single_year"] & (p["unit"] == card["unit"])
                   & p["value"].notna() & (p["category"] != "total")]
        if not ex_all.empty:
            fy = int(ex_all["period_start"].max())
            ex = ex_all[ex_all["period_start"] == fy].sort_values("value", ascending=False).head(2)
            card["forms_year"] = fy
            card["top_forms"] = [(cb.category_label("exploitation", r.category), r.value) for r in ex.itertuples()]
        out.append(card)
    return out


def hidden_unconfirmed(df: pd.DataFrame, cb: Codebook, *, indicator: str, unit: str, countries=BALTIC,
                       period: str | None = None, breakdown: str = "total") -> list[str]:
    """Plain lines for the preferred figures of this view that the chart leaves out because their
    source is below official grade ('Latvia 2023: 21 (unconfirmed: news report)')."""
    p = df[df["preferred"]]
    p = p[~official_mask(p, cb) & (p["indicator"] == indicator) & (p["unit"] == unit)
          & (p["breakdown"] == breakdown) & p["country"].isin(countries) & has_value(p)]
    if period is not None:
        p = p[p["period"] == period]
    from components.style import fmt_value

    out = []
    for r in p.sort_values(["country", "period_start", "category"]).itertuples():
        cat = "" if breakdown == "total" else f" {cb.category_label(r.breakdown, r.category)}"
        out.append(f"{cb.country_label(r.country)} {r.period}{cat}: "
                   f"{fmt_value(r.value, r.suppressed, r.unit, r.value_low, r.value_high)} ({cb.grade_shown_as(r.grade)})")
    return out


def newer_than_shown(df: pd.DataFrame, cb: Codebook, **view) -> list[str]:
    return hidden_unconfirmed(df, cb, **view)


def newer_figures(df: pd.DataFrame, cb: Codebook, country: str, indicator: str, unit: str,
                  after: int | None) -> list[dict]:
    """Totals for periods ending after the latest official yearly figure (or any, when there is none),
    from any source, preferred or not: unconfirmed figures, low-confidence figures, multi-year totals.
    One entry per period and value, the best-graded source first."""
    t = df[(df["country"] == country) & (df["indicator"] == indicator) & (df["breakdown"] == "total")
           & (df["category"] == "total") & (df["unit"] == unit) & has_value(df)]
    if after is not None:
        t = t[t["period_end"] > after]
    if t.empty:
        return []
    t = t.assign(_g=[cb.grade_order(g) for g in t["grade"]]).sort_values(["period_end", "period_start", "_g"])
    out = []
    for (start, end, value, supp), rows in t.groupby(["period_start", "period_end", "value", "suppressed"],
                                                      sort=False, dropna=False):
        r = rows.iloc[0]
        flags = str(r["flags"])
        what = []
        if end > start:
            what.append("multi-year total")
        if not cb.is_official(r["grade"]):
            what.append(cb.grade_shown_as(r["grade"]))
        elif end == start:
            what.append(cb.grade_label(r["grade"]).lower())
        if "low_confidence" in flags:
            what.append("low confidence")
        out.append({"period": r["period_label"] or (str(start) if start == end else f"{start}-{end}"),
                    "period_start": int(start), "period_end": int(end), "value": r["value"],
                    "suppressed": bool(r["suppressed"]), "unit": unit, "source_id": r["source_id"],
                    "grade": r["grade"], "preferred": bool(r["preferred"]), "flags": flags, "what": what})
    return out


def figure_key(row) -> str:
    """URL-safe id of a figure: EE~2022~2022~victims~total~total~persons."""
    return "~".join(str(row[k]) for k in KEY)


def figure_label(figure: str, cb: Codebook) -> str:
    """'Latvia 2020: Registered victims, Female (persons)' for a figure key; the key if it does not parse."""
    k = parse_figure_key(figure)
    if not k:
        return str(figure)
    per = str(k["period_start"]) if k["period_start"] == k["period_end"] else f"{k['period_start']}-{k['period_end']}"
    cat = "" if k["breakdown"] == "total" else f", {cb.category_label(k['breakdown'], k['category'])}"
    return f"{cb.country_label(k['country'])} {per}: {cb.indicator_label(k['indicator'])}{cat} ({cb.unit_label(k['unit'])})"


def figure_labels(figures, cb: Codebook) -> dict[str, str]:
    return {f: figure_label(f, cb) for f in figures}


def multi_source_figures(rows: pd.DataFrame) -> list[str]:
    """Figure keys among these rows that several sources give (the Data page's 'compare sources' list)."""
    return rows.loc[rows["n_sources"] > 1, "figure"].drop_duplicates().tolist()


def parse_figure_key(s: str) -> dict | None:
    parts = str(s).split("~")
    if len(parts) != len(KEY):
        return None
    d = dict(zip(KEY, parts))
    try:
        d["period_start"], d["period_end"] = int(d["period_start"]), int(d["period_end"])
    except ValueError:
        return None
    return d


def figure_rows(df: pd.DataFrame, key: dict, sources: pd.DataFrame,
                precedence: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every source's value for one figure, preferred first, with source metadata joined."""
    m = pd.Series(True, index=df.index)
    for k in KEY:
        m &= df[k] == key[k]
    rows = df[m].copy()
    rows = with_sources(rows, sources, precedence, scope="population" if key["indicator"] == "population"
                        else "default")
    return rows.sort_values(["preferred", "grade_rank"], ascending=[False, True]).reset_index(drop=True)


# precedence: lower rank wins. Used only to *explain* the choice made by etl; read from
# data/mapping/precedence.csv when present (scope 'default' and 'population'), else the grades' order.
GRADE_RANK_DEFAULT = {
    "official_statistics": 1, "official_publication": 2, "international_monitoring": 3, "ngo_publication": 4,
    "news_citing_official": 5, "secondary": 6, "tertiary": 7,
}

PRECEDENCE_TEXT = (
    "When several sources give the same figure, the dashboard shows one (marked preferred) and keeps "
    "the others visible. The source's evidence grade decides: official statistics (Eurostat, UNODC, the "
    "statistics offices) > official publications (ministries, police, prosecutors, rapporteurs) > "
    "international monitoring reports (GRETA, US TIP) > NGO publications > news reports > secondary > "
    "tertiary sources. Within the same grade, a refined figure beats a preliminary one, then the newest. "
    "A breakdown is taken whole from one source: the set that adds up to no more than the total. "
    "Population for rates comes only from a statistics office or Eurostat, the newest vintage first. "
    "The choice is made when the dataset is built (etl), not in the app."
)


def precedence_table(directory: Path) -> pd.DataFrame:
    """`data/mapping/precedence.csv` when present (read-only), else an empty frame."""
    p = Path(directory) / "mapping" / "precedence.csv"
    if not p.exists():
        return pd.DataFrame()
    try:
        return pd.read_csv(p, dtype=str, keep_default_na=False)
    except Exception:
        return pd.DataFrame()


def grade_ranks(precedence: pd.DataFrame | None, scope: str = "default") -> dict[str, int]:
    if precedence is None or precedence.empty or not {"grade", "rank"} <= set(precedence.columns):
        return GRADE_RANK_DEFAULT
    p = precedence
    if "scope" in p.columns:
        p = p[p["scope"] == scope]
    if "family" in p.columns:
        p = p[p["family"] == ""]  # a family ranked apart (the Eurostat API) is a refinement within a grade
    out = {}
    for g, r in zip(p["grade"], p["rank"]):
        try:
            out[g] = int(r)
        except (TypeError, ValueError):
            continue
    return out or GRADE_RANK_DEFAULT


def with_sources(rows: pd.DataFrame, sources: pd.DataFrame, precedence: pd.DataFrame | None = None,
                 scope: str = "default") -> pd.DataFrame:
    """Join source title/publisher/link on the first source id of each row (rates cite two)."""
    rows = rows.copy()
    rows["main_source"] = rows["source_id"].str.split(";").str[0]
    cols = ["source_id", "title", "publisher", "licence", "url", "family", "reports_on"]
    if sources is not None and not sources.empty and "source_id" in sources.columns:
        s = sources[[c for c in cols if c in sources.columns]].rename(columns={"source_id": "main_source"})
        rows = rows.merge(s.drop_duplicates("main_source"), on="main_source", how="left")
        if "grade" not in rows.columns and "grade" in sources.columns:
            rows["grade"] = rows["main_source"].map(dict(zip(sources["source_id"], sources["grade"])))
    for c in cols[1:] + ["grade"]:
        if c not in rows.columns:
            rows[c] = ""
        rows[c] = rows[c].fillna("")
    rows["title"] = rows["title"].where(rows["title"] != "", rows["main_source"])
    ranks = grade_ranks(precedence, scope)
    rows["grade_rank"] = [ranks.get(str(g), 99) for g in rows["grade"]]
    return rows


def values_agree(rows: pd.DataFrame) -> bool:
    """Do the sources agree? A suppressed '<5' agrees with a value inside its range, not with 0."""
    vals = set(rows.loc[~rows["suppressed"], "value"].dropna().round(6))
    if len(vals) > 1:
        return False
    sup = rows[rows["suppressed"]]
    for v in vals:
        for lo, hi in zip(sup["value_low"], sup["value_high"]):
            if pd.notna(lo) and pd.notna(hi) and not (lo - 1e-9 <= v <= hi + 1e-9):
                return False
    return True


def _words(code: str) -> str:
    return str(code or "unknown").replace("_", " ")


def why_preferred(rows: pd.DataFrame) -> str:
    """Plain-language reason the preferred row won, from the sources' quality and flags."""
    if rows.empty:
        return "No row for this figure."
    pref = rows[rows["preferred"]]
    if pref.empty:
        return "No source is marked preferred for this figure, so it is not shown in charts."
    if len(rows) == 1:
        return "Only one source gives this figure."
    w = pref.iloc[0]
    others = rows[~rows["preferred"]]
    reasons = []
    lower = others[others["grade_rank"] > w["grade_rank"]]
    if not lower.empty:
        reasons.append(f"its source's grade ({_words(w['grade'])}) ranks above "
                       + ", ".join(sorted(set(_words(g) for g in lower["grade"]))))
    same = others[others["grade_rank"] == w["grade_rank"]]
    if not same.empty:
        if any("preliminary" in f for f in same["flags"]) and "preliminary" not in w["flags"]:
            reasons.append("same source type, and the refined figure beats the preliminary one")
        else:
            reasons.append("same source type as another; chosen by the dataset build's tie rule")
    higher = others[others["grade_rank"] < w["grade_rank"]]
    if not higher.empty:
        reasons.append("a higher-ranked source exists but was not preferred (see its flags and note)")
    agree = "All sources agree on the value." if values_agree(rows) else "The sources differ on the value."
    return f"Preferred: {w['title']} — " + "; ".join(reasons) + ". " + agree


def figures_table(df: pd.DataFrame, sources: pd.DataFrame, cb: Codebook) -> pd.DataFrame:
    """The harmonised rows with labels and source metadata, ready for the Data page.

    Call it on the whole table (n_sources counts every source of a figure), then filter."""
    t = with_sources(df, sources)
    t["n_sources"] = t.groupby(KEY)["source_id"].transform("size") if not t.empty else 0
    t["figure"] = (t["country"] + "~" + t["period_start"].astype(str) + "~" + t["period_end"].astype(str) + "~"
                   + t["indicator"] + "~" + t["breakdown"] + "~" + t["category"] + "~" + t["unit"])
    t = _label(t, cb)
    ind_label = {i: cb.indicator_label(i) for i in t["indicator"].unique()}
    t["indicator_label"] = t["indicator"].map(ind_label)
    corder = {c: i for i, c in enumerate(COUNTRY_ORDER)}
    iorder = {i: cb.indicator_order(i) for i in t["indicator"].unique()}
    corder_cat = {(b, c): cb.category_order(b, c) for b, c in set(zip(t["breakdown"], t["category"]))}
    t["_c"] = t["country"].map(corder).fillna(99)
    t["_i"] = t["indicator"].map(iorder)
    t["_bt"] = t["breakdown"] != "total"
    t["_co"] = [corder_cat[(b, c)] for b, c in zip(t["breakdown"], t["category"])]
    t["_u"] = ~t["unit"].isin(COUNT_UNITS)
    t["_np"] = ~t["preferred"]
    order = ["_c", "_i", "_bt", "breakdown", "_co", "category", "_u", "unit", "period_start", "period_end", "_np"]
    t = t.sort_values(order, kind="stable").drop(columns=["_c", "_i", "_bt", "_co", "_u", "_np"])
    return t.reset_index(drop=True)


def coverage(df: pd.DataFrame, cb: Codebook) -> pd.DataFrame:
    """Country × year × indicator: number of sources and what the charts can show.

    status: 'value' (an official-grade preferred figure) | 'suppressed (<5)' | 'unconfirmed only' (the
    preferred figure is known only from weaker sources) | 'no preferred value' | 'no data'."""
    s = df[df["single_year"] & (df["breakdown"] == "total") & ~df["unit"].isin(RATE_UNITS)]
    s = s[s["country"].isin(BALTIC)].copy()
    s["official_pref"] = s["preferred"] & official_mask(s, cb)
    g = s.groupby(["country", "period_start", "indicator"]).agg(
        n_sources=("source_id", "nunique"),
        has_preferred=("preferred", "any"),
        has_official=("official_pref", "any"),
        all_suppressed=("suppressed", "all"),
    ).reset_index().rename(columns={"period_start": "year"})
    g["status"] = "value"
    g.loc[g["all_suppressed"], "status"] = "suppressed (<5)"
    g.loc[g["has_preferred"] & ~g["has_official"], "status"] = "unconfirmed only"
    g.loc[~g["has_preferred"], "status"] = "no preferred value"
    if not g.empty:  # complete the grid so a missing figure is a visible 'no data' cell
        full = pd.MultiIndex.from_product(
            [sort_countries(g["country"]), range(int(g["year"].min()), int(g["year"].max()) + 1),
             sorted(g["indicator"].unique())], names=["country", "year", "indicator"]).to_frame(index=False)
        g = full.merge(g, on=["country", "year", "indicator"], how="left")
        g["n_sources"] = g["n_sources"].fillna(0).astype(int)
        g["status"] = g["status"].fillna("no data")
    g["indicator_label"] = [cb.indicator_label(i, short=True) for i in g["indicator"]]
    g["indicator_order"] = [cb.indicator_order(i) for i in g["indicator"]]
    g["country_label"] = [cb.country_label(c) for c in g["country"]]
    return g


def conflicts(df: pd.DataFrame, sources: pd.DataFrame, cb: Codebook) -> pd.DataFrame:
    """Figures where sources disagree on the value, or rows flagged 'conflict'."""
    v = df[df["value"].notna()]
    n = v.groupby(KEY)["value"].nunique()
    keys = set(n[n > 1].index)
    flagged = df[df["flags"].str.contains("conflict")]
    keys |= set(map(tuple, flagged[KEY].itertuples(index=False)))
    if not keys:
        return pd.DataFrame()
    rows = df[[tuple(k) in keys for k in df[KEY].itertuples(index=False)]]
    rows = with_sources(rows, sources)
    rows = _label(rows, cb)
    rows["indicator_label"] = [cb.indicator_label(i) for i in rows["indicator"]]
    return rows.sort_values(KEY + ["preferred"], ascending=[True] * len(KEY) + [False])


def source_ids_of(frame: pd.DataFrame) -> list[str]:
    """Unique source ids behind a frame (rates cite 'count;population'), in first-seen order."""
    if frame is None or frame.empty or "source_id" not in frame.columns:
        return []
    seen: dict[str, None] = {}  # insertion-ordered set
    for s in frame["source_id"].dropna().unique():
        for part in str(s).split(";"):
            part = part.strip()
            if part:
                seen.setdefault(part)
    return list(seen)


def total_source_ids(df: pd.DataFrame) -> list[str]:
    """Source ids behind the totals (no breakdown): the coverage chart's source line."""
    return source_ids_of(df[df["breakdown"] == "total"])
