"""Queries on the harmonised table: DataFrame in, tidy DataFrame (or list) out, no widgets.

What the charts may draw (preferred, official-grade figures; `unconfirmed` adds weaker sources), what
the controls offer (`*_available`, `unit_for`, `best_period`), the rows of each chart (`compare_data`,
`trend_data`, `chain_data`, `overview_cards`), what the chart leaves out (`hidden_unconfirmed`,
`newer_figures`), the coverage grid and the source ids behind a frame. Pure: no Streamlit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import pandas as pd

from components.core import i18n
from components.core.dataset import Codebook
from components.core.i18n import N_
from components.core.notes import row_note
from components.core.style import (
    fmt_number as style_fmt_count,
    fmt_ratio as style_fmt_ratio,
    round_half_up,
    year_runs,
)
from etl.countries import BALTIC, COUNTRY_ORDER

RATE_UNITS = ("per_million", "per_100k")
CHAIN = ("victims", "suspects", "investigations", "cases_to_court", "prosecuted", "convicted")
# A break starts a new series on the row that carries it; `definition_differs` is carried by every row of the
# years that count something else (etl: series_breaks.csv `differs_from..differs_to`), so two years compare
# only when both carry it or neither does.
BREAK_FLAGS = ("series_break", "definition_change")
DEFINITION_FLAG = "definition_differs"


def flag_set(flags: object) -> set[str]:
    return {f for f in str(flags or "").split(";") if f}


def not_comparable(prev: Mapping[str, Any], cur: Mapping[str, Any]) -> str | None:
    """Why two years of one series cannot be compared: 'series_break' (a break in `cur`),
    'definition_differs' (one of the two counts something else), 'source' (the source changes); None if they
    can. `prev`, `cur`: rows (mappings) with `flags` and `source_id`."""
    cur_flags, prev_flags = flag_set(cur.get("flags")), flag_set(prev.get("flags"))
    if cur_flags & set(BREAK_FLAGS):
        return "series_break"
    if (DEFINITION_FLAG in cur_flags) != (DEFINITION_FLAG in prev_flags):
        return DEFINITION_FLAG
    if str(prev.get("source_id") or "").split(";")[0] != str(cur.get("source_id") or "").split(";")[0]:
        return "source"
    return None


LATEST_PERIOD = "latest"  # Compare's 'latest year per country': each country its own newest year, labelled
MAX_COMPARE_CATEGORIES = 12  # more categories than distinguishable colours: left to the Data page


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


def sort_countries(codes: Iterable[str]) -> list[str]:
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


def periods_available(df: pd.DataFrame, indicator: str, countries: Iterable[str] = BALTIC) -> list[str]:
    """Period keys ('2022', '2012-2016') with a preferred value for the indicator, newest first."""
    p = preferred(df)
    p = p[(p["indicator"] == indicator) & p["country"].isin(countries) & has_value(p)]
    per = p[["period", "period_start", "period_end"]].drop_duplicates()
    per = per.sort_values(["period_end", "period_start"], ascending=[False, False])
    return per["period"].tolist()


def best_period(df: pd.DataFrame, indicator: str, countries: Iterable[str] = BALTIC) -> str | None:
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


def breakdowns_available(
    df: pd.DataFrame, indicator: str, period: str | None = None, max_categories: int | None = MAX_COMPARE_CATEGORIES
) -> list[str]:
    """Breakdowns with a preferred value; those with too many categories for one chart are left out."""
    p = preferred(df)
    p = p[(p["indicator"] == indicator) & has_value(p) & p["country"].isin(BALTIC) & (p["unit"] != "percent")]
    if period:
        p = p[p["period"] == period]
    n = p.groupby("breakdown")["category"].nunique()
    return _in_order(set(n.index if max_categories is None else n[n <= max_categories].index))


BREAKDOWN_ORDER = ("total", "exploitation", "sex", "age", "sex_age", "citizenship")


def _in_order(b: set) -> list[str]:
    return [x for x in BREAKDOWN_ORDER if x in b] + sorted(b - set(BREAKDOWN_ORDER))


def breakdowns_by_period(df: pd.DataFrame, max_categories: int = MAX_COMPARE_CATEGORIES) -> dict:
    """`breakdowns_available(df, indicator, period)` for every (indicator, period) at once (one groupby)."""
    p = preferred(df)
    p = p[has_value(p) & p["country"].isin(BALTIC) & (p["unit"] != "percent")]
    n = p.groupby(["indicator", "period", "breakdown"])["category"].nunique()
    n = n[n <= max_categories].reset_index()
    return {(i, per): tuple(_in_order(set(g["breakdown"]))) for (i, per), g in n.groupby(["indicator", "period"])}


def compare_data(
    df: pd.DataFrame,
    cb: Codebook,
    *,
    indicator: str,
    period: str,
    breakdown: str,
    unit: str,
    countries: Iterable[str] = BALTIC,
    unconfirmed: bool = False,
) -> pd.DataFrame:
    """One row per (country, category) for the compare chart.

    status: 'value' | 'suppressed' | 'no_data' (the country has no figure) | 'not_given' (the country's
    source gives this breakdown without this category, which another country in the view has).
    A breakdown is the preferred set the build chose, from one source per country; `kind` says whether
    its categories add up ('exclusive') or overlap ('overlapping': never stacked). `confirmed` is False
    for a figure known only from a weaker source (drawn only with `unconfirmed`).
    """
    p = chart_rows(df, cb, unconfirmed)
    sel = p[
        (p["indicator"] == indicator)
        & (p["breakdown"] == breakdown)
        & (p["unit"] == unit)
        & p["country"].isin(countries)
        & has_value(p)
    ]
    if period == LATEST_PERIOD:  # each country its own newest single year with this breakdown
        per = latest_periods(sel)
        sel = sel[sel["period"] == sel["country"].map(per)].copy()
    else:
        sel = sel[sel["period"] == period].copy()
    if breakdown != "total":
        sel = sel[sel["category"] != "total"]
    sel["status"] = sel["suppressed"].map({True: "suppressed", False: "value"})
    rows = [sel]
    have = set(sel["country"])
    blank = {
        "value": float("nan"),
        "suppressed": False,
        "source_id": "",
        "flags": "",
        "note": "",
        "grade": "",
        "period": "" if period == LATEST_PERIOD else period,
        "unit": unit,
        "indicator": indicator,
        "breakdown": breakdown,
        "confirmed": True,
    }
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
                rows.append(
                    pd.DataFrame(
                        {
                            "country": c,
                            "status": "not_given",
                            "category": lacking,
                            **{**blank, "source_id": src, "period": sel.loc[sel["country"] == c, "period"].iloc[0]},
                        }
                    )
                )
    out = pd.concat(rows, ignore_index=True) if len(rows) > 1 else sel
    out = with_labels(out, cb)
    out["kind"] = cb.breakdown_kind(indicator, breakdown)
    order = {c: i for i, c in enumerate(countries)}
    out["country_order"] = out["country"].map(order)
    out["category_order"] = [cb.category_order(b, c) for b, c in zip(out["breakdown"], out["category"])]
    return out.sort_values(["country_order", "category_order", "category"]).reset_index(drop=True)


def latest_periods(rows: pd.DataFrame) -> dict[str, str]:
    """country -> its newest single-year period among `rows` (multi-year totals never count as 'latest')."""
    one = rows[rows["single_year"]]
    if one.empty:
        return {}
    newest = one.sort_values("period_start").groupby("country")["period"].last()
    return {str(c): str(p) for c, p in newest.items()}


def with_labels(df: pd.DataFrame, cb: Codebook) -> pd.DataFrame:
    df = df.copy()
    df["country_label"] = [cb.country_label(c) for c in df["country"]]
    df["category_label"] = [cb.category_label(b, c) if c else "" for b, c in zip(df["breakdown"], df["category"])]
    return df


def trend_data(
    df: pd.DataFrame,
    cb: Codebook,
    *,
    indicator: str,
    unit: str,
    countries: Iterable[str] = BALTIC,
    year_from: int | None = None,
    year_to: int | None = None,
    index_base: int | None = None,
    unconfirmed: bool = False,
) -> pd.DataFrame:
    """Single-year preferred totals per country, split into comparable segments, with an optional index.

    A line never runs across a change that makes two years incomparable: a series break or change of
    definition (flag), or a change of source from one year to the next. Each starts a new `segment`
    (the line breaks there) and gets a `marker` ('break' | 'source') with its `marker_note`.
    `index` = value / value in `index_base` x 100, only within the base year's segment: across a break
    the index is refused (NaN) and `index_note` says why.
    """
    p = chart_rows(df, cb, unconfirmed)
    s = p[
        (p["indicator"] == indicator)
        & (p["unit"] == unit)
        & (p["breakdown"] == "total")
        & (p["category"] == "total")
        & p["single_year"]
        & p["country"].isin(countries)
        & has_value(p)
    ].copy()
    if year_from is not None:
        s = s[s["period_start"] >= year_from]
    if year_to is not None:
        s = s[s["period_start"] <= year_to]
    s["year"] = s["period_start"].astype(int)
    s = s.sort_values(["country", "year"])
    s["main_source"] = s["source_id"].str.split(";").str[0]
    prev_src = s.groupby("country")["main_source"].shift()
    definition = s["flags"].str.contains(DEFINITION_FLAG, regex=False)
    prev_definition = definition.groupby(s["country"]).shift()
    flag_break = s["flags"].str.contains("|".join(BREAK_FLAGS), regex=True) | (
        prev_definition.notna() & (prev_definition != definition)
    )
    src_change = prev_src.notna() & (prev_src != s["main_source"])
    s["marker"] = ""
    s.loc[src_change, "marker"] = "source"
    s.loc[flag_break & s.groupby("country").cumcount().gt(0), "marker"] = "break"
    notes = []
    for r, fb, sc, ps in zip(s.itertuples(), flag_break, src_change, prev_src):
        parts = []
        if fb:
            fl = [f for f in r.flags.split(";") if f in BREAK_FLAGS + (DEFINITION_FLAG,)]
            note = row_note(getattr(r, "note_keys", ""), r.note, None, cb) if r.note else ""
            parts.append(", ".join(cb.flag_label(f) for f in fl) + (f": {note}" if note else ""))
        if sc:
            parts.append(i18n._("source changes from {old} to {new}").format(old=ps, new=r.main_source))
        notes.append("; ".join(parts))
    s["marker_note"] = notes
    # a new segment starts at a break or a change of source (not at the first year of a country)
    s["segment"] = (s["marker"] != "").astype(int).groupby(s["country"]).cumsum()
    s["index"] = float("nan")
    s["index_note"] = ""
    if index_base is not None:
        for _country, rows in s.groupby("country"):
            base = rows[(rows["year"] == index_base) & ~rows["suppressed"]]
            if base.empty or not base["value"].iloc[0]:
                s.loc[rows.index, "index_note"] = i18n._("no index: no (unsuppressed) value in {year}").format(
                    year=index_base
                )
                continue
            seg = base["segment"].iloc[0]
            same = rows["segment"] == seg
            s.loc[rows.index[same], "index"] = rows.loc[same, "value"] / float(base["value"].iloc[0]) * 100
            if (~same).any():
                years = rows.loc[~same, "year"]
                cut = rows.loc[rows["marker"] != "", ["year", "marker_note"]]
                why = "; ".join(f"{y}: {n}" for y, n in zip(cut["year"], cut["marker_note"]))
                s.loc[rows.index, "index_note"] = i18n._(
                    "index only for {first}-{last}: not indexed across a break ({left_first}-{left_last} left out; "
                    "{why})"
                ).format(
                    first=int(rows.loc[same, "year"].min()),
                    last=int(rows.loc[same, "year"].max()),
                    left_first=int(years.min()),
                    left_last=int(years.max()),
                    why=why,
                )
    s = with_labels(s, cb)
    return s.reset_index(drop=True)


def chain_data(
    df: pd.DataFrame,
    cb: Codebook,
    *,
    countries: Iterable[str] = BALTIC,
    year_from: int | None = None,
    year_to: int | None = None,
    unconfirmed: bool = False,
) -> pd.DataFrame:
    """Justice chain: victims → suspects/investigations → cases to court → prosecuted → convicted."""
    p = chart_rows(df, cb, unconfirmed)
    s = p[
        p["indicator"].isin(CHAIN)
        & (p["breakdown"] == "total")
        & p["single_year"]
        & ~p["unit"].isin(RATE_UNITS + ("percent",))
        & p["country"].isin(countries)
        & has_value(p)
    ].copy()
    if year_from is not None:
        s = s[s["period_start"] >= year_from]
    if year_to is not None:
        s = s[s["period_start"] <= year_to]
    s["year"] = s["period_start"].astype(int)
    s["stage_order"] = s["indicator"].map({k: i for i, k in enumerate(CHAIN)})
    s["stage"] = [cb.indicator_label(i, short=True) for i in s["indicator"]]
    s = with_labels(s, cb)
    return s.sort_values(["country", "year", "stage_order"]).reset_index(drop=True)


def chain_table(chain: pd.DataFrame, cb: Codebook) -> pd.DataFrame:
    """Wide country-year table of the chain, '<5' kept as text."""
    from components.core.style import fmt_value

    if chain.empty:
        return pd.DataFrame(columns=[N_("Country"), N_("Year")])
    c = chain.copy()
    c["shown"] = [fmt_value(v, s, u) for v, s, u in zip(c["value"], c["suppressed"], c["unit"])]
    # by the country code, in the one country order (a translated name would sort Латвия before Эстония)
    w = c.pivot_table(index=["country", "year"], columns="indicator", values="shown", aggfunc="first")
    w = w[[i for i in CHAIN if i in w.columns]]
    w.columns = [cb.indicator_label(i, short=True) for i in w.columns]
    w = w.reset_index()
    rank = {code: i for i, code in enumerate(sort_countries(w["country"]))}
    w = w.sort_values(["country", "year"], key=lambda s: s.map(rank) if s.name == "country" else s)
    labels = dict(zip(c["country"], c["country_label"]))
    w.insert(0, "Country", w.pop("country").map(labels))
    w = w.rename(columns={"year": "Year"}).reset_index(drop=True)
    return w.fillna(i18n._("no data"))


# ------------------------------------------------------------- conversion: convictions per 100 victims

CONVERSION = "convictions_per_100_victims"  # the derived figure's indicator code in CSV rows
CONVERSION_UNIT = "per_100_victims"
CONVERSION_YEARS = 5  # the latest five years with both figures
CONVERSION_MIN_YEARS = 3  # fewer common years: "not enough data" (one or two years say more about lags than rates)
CONVERSION_CAVEAT = N_(
    "Convictions per 100 registered victims is not a success rate: victims are counted by the police, "
    "social services and NGOs, convictions by the courts (different registers); a conviction often comes "
    "years after the victim was identified (time lags), so a year's convictions are not that year's "
    "victims; and one convicted person may have exploited many victims, or several persons one victim "
    "(persons, not cases). Totals over five years smooth the lags a little; compare orders of magnitude, "
    "not single points."
)


def years_text(years: Iterable[int], dash: str = "–") -> str:
    """[2015, 2017, 2018, 2019] -> '2015, 2017–2019' (runs of consecutive years joined)."""
    runs = year_runs(years)
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}{dash}{r[-1]}" for r in runs)


def _bounds(rows: list[dict]) -> tuple[float, float]:
    """Sum of a count over years as (low, high): a '<5' year adds its own low and high (1 and 4 when the
    source gives none), never a number picked in between."""
    low = high = 0.0
    for r in rows:
        if r["suppressed"]:
            lo = r["value_low"] if pd.notna(r["value_low"]) else 1.0
            hi = r["value_high"] if pd.notna(r["value_high"]) else 4.0
        else:
            lo = hi = float(r["value"])
        low, high = low + float(lo), high + float(hi)
    return low, high


def _span(lo: float, hi: float, fmt: Callable[[float], str]) -> str:
    a, b = fmt(lo), fmt(hi)
    return a if a == b else f"{a}–{b}"


def conversion(
    df: pd.DataFrame,
    cb: Codebook,
    *,
    countries: Iterable[str] = BALTIC,
    year_from: int | None = None,
    year_to: int | None = None,
    n_years: int = CONVERSION_YEARS,
    min_years: int = CONVERSION_MIN_YEARS,
) -> pd.DataFrame:
    """Convictions per 100 registered victims, totals over the latest `n_years` years, one row per country.

    The years: within [year_from, year_to], the latest `n_years` single years in which the country has an
    official-grade total for BOTH registered victims and convicted persons, counted in persons (the
    toggle for unconfirmed figures does not apply). The ratio: sum of convicted persons over those years /
    sum of registered victims over the same years × 100. A '<5' year is kept, not dropped (dropping the
    years with few convictions would raise the ratio): its count adds its range (1 to 4) and the ratio
    becomes a range (`ratio_low`: fewest convictions over most victims; `ratio_high`: the reverse).
    Fewer than `min_years` common years: not computed (status 'not_enough'); fewer than `n_years` but at
    least `min_years`: computed over those (status 'few_years'). Either count not in persons (cases,
    offences): not computed (status 'units').

    Columns: country, country_label, status ('ok', 'few_years', 'not_enough', 'units', 'no_data'),
    years (tuple), convicted_low/high, victims_low/high, ratio_low/high, suppressed_years (tuple),
    source_ids, short (the line under the country's chart), text (the sentence in the notes)."""
    cols = [
        "country",
        "indicator",
        "unit",
        "period_start",
        "value",
        "value_low",
        "value_high",
        "suppressed",
        "source_id",
        "preferred",
    ] + (["grade"] if "grade" in df.columns else [])
    p = df.loc[
        df["indicator"].isin(("victims", "convicted"))
        & (df["breakdown"] == "total")
        & (df["category"] == "total")
        & df["single_year"]
        & df["country"].isin(countries),
        cols,
    ]
    p = chart_rows(p, cb, unconfirmed=False)  # row by row: the same rows as from the whole table, faster
    p = p[has_value(p) & ~p["unit"].isin(RATE_UNITS + ("percent",))]
    if year_from is not None:
        p = p[p["period_start"] >= year_from]
    if year_to is not None:
        p = p[p["period_start"] <= year_to]
    what = i18n._("convictions per 100 registered victims")
    head = i18n._("Convictions per 100 victims: {status}")
    recs = p.sort_values("period_start").to_dict("records")  # a few hundred rows: plain Python from here
    out = []
    for c in sort_countries(countries):
        label = cb.country_label(c)
        rec: dict[str, Any] = dict(
            country=c,
            country_label=label,
            status="no_data",
            years=(),
            convicted_low=None,
            convicted_high=None,
            victims_low=None,
            victims_high=None,
            ratio_low=None,
            ratio_high=None,
            suppressed_years=(),
            source_ids=(),
            short=head.format(status=i18n._("no data")),
            text="",
        )
        vic = [r for r in recs if r["country"] == c and r["indicator"] == "victims"]
        con = [r for r in recs if r["country"] == c and r["indicator"] == "convicted"]
        if not vic or not con:
            missing = i18n._(" and ").join(
                n for n, x in ((i18n._("registered victims"), vic), (i18n._("convicted persons"), con)) if not x
            )
            rec["text"] = i18n._(
                "{country}: {what} not computed: no official figure for {missing} in these years."
            ).format(country=label, what=what, missing=missing)
            out.append(rec)
            continue
        vp: dict[int, dict] = {}  # year -> row, in persons (the first of a year if a table ever held two)
        kp: dict[int, dict] = {}
        for rows, into in ((vic, vp), (con, kp)):
            for r in rows:
                if r["unit"] == "persons":
                    into.setdefault(int(r["period_start"]), r)
        if not vp or not kp:
            units = lambda x: ", ".join(sorted({r["unit"] for r in x}))  # noqa: E731
            rec.update(
                status="units",
                short=head.format(status=i18n._("not computed (units differ)")),
                text=i18n._(
                    "{country}: {what} not computed: victims are counted in {victim_units}, "
                    "convictions in {conviction_units}; the ratio needs persons for both."
                ).format(country=label, what=what, victim_units=units(vic), conviction_units=units(con)),
            )
            out.append(rec)
            continue
        years = sorted(set(vp) & set(kp))[-n_years:]
        if len(years) < min_years:
            have = (
                i18n.ngettext("only {n} year", "only {n} years", len(years)).format(n=len(years))
                if years
                else i18n._("no year")
            )
            rec.update(
                status="not_enough",
                years=tuple(years),
                short=head.format(status=i18n._("not enough data")),
                text=i18n._(
                    "{country}: {what} not computed: not enough data ({have} with official figures "
                    "for both registered victims and convicted persons{years}; at least {min} "
                    "needed)."
                ).format(
                    country=label, what=what, have=have, min=min_years, years=f": {years_text(years)}" if years else ""
                ),
            )
            out.append(rec)
            continue
        v_y, k_y = [vp[y] for y in years], [kp[y] for y in years]
        v_lo, v_hi = _bounds(v_y)
        k_lo, k_hi = _bounds(k_y)
        if v_lo <= 0:
            rec.update(
                status="not_enough",
                years=tuple(years),
                short=head.format(status=i18n._("not computed")),
                text=i18n._("{country}: {what} not computed: no registered victims in {years}.").format(
                    country=label, what=what, years=years_text(years)
                ),
            )
            out.append(rec)
            continue
        r_lo, r_hi = 100 * k_lo / v_hi, 100 * k_hi / v_lo
        supp = tuple(sorted({int(r["period_start"]) for r in v_y + k_y if r["suppressed"]}))
        ids = dict.fromkeys(part.strip() for r in v_y + k_y for part in str(r["source_id"]).split(";") if part.strip())
        ratio = _span(r_lo, r_hi, style_fmt_ratio)
        span = years_text(years)
        few = len(years) < n_years
        rec.update(
            status="few_years" if few else "ok",
            years=tuple(years),
            convicted_low=k_lo,
            convicted_high=k_hi,
            victims_low=v_lo,
            victims_high=v_hi,
            ratio_low=r_lo,
            ratio_high=r_hi,
            suppressed_years=supp,
            source_ids=tuple(ids),
        )
        counts = i18n._("{convicted} persons convicted, {victims} registered victims").format(
            convicted=_span(k_lo, k_hi, style_fmt_count), victims=_span(v_lo, v_hi, style_fmt_count)
        )
        why = (
            i18n._("; '<5' in {years} counted as 1 to 4, hence a range").format(years=years_text(supp)) if supp else ""
        )
        which = (
            i18n._("only {n} years with official figures for both: {span}").format(n=len(years), span=span)
            if few
            else i18n._("{n}-year totals, {span}").format(n=n_years, span=span)
        )
        rec["text"] = f"{label}: {ratio} {what} ({which}: {counts}{why})."
        rec["short"] = i18n._("{ratio} convictions per 100 victims, {span}").format(ratio=ratio, span=span) + (
            " " + i18n._("({n} years)").format(n=len(years)) if few else ""
        )
        out.append(rec)
    return pd.DataFrame(
        out,
        columns=[
            "country",
            "country_label",
            "status",
            "years",
            "convicted_low",
            "convicted_high",
            "victims_low",
            "victims_high",
            "ratio_low",
            "ratio_high",
            "suppressed_years",
            "source_ids",
            "short",
            "text",
        ],
    )


def conversion_rows(conv: pd.DataFrame) -> pd.DataFrame:
    """The computed ratios as rows in the harmonised table's columns (for a CSV next to the chain's rows):
    indicator 'convictions_per_100_victims', unit 'per_100_victims', the years used as the period, grade
    'derived', the sources of every count summed; a range in value_low/value_high (value empty)."""
    rows = []
    for r in conv.itertuples():
        if r.ratio_low is None or pd.isna(r.ratio_low):
            continue
        low, high = float(round_half_up(r.ratio_low, 1)), float(round_half_up(r.ratio_high, 1))
        exact = low == high
        rows.append(
            dict(
                country=r.country,
                period_label=years_text(r.years, dash="-"),
                period_start=min(r.years),
                period_end=max(r.years),
                indicator=CONVERSION,
                breakdown="total",
                category="total",
                unit=CONVERSION_UNIT,
                value=low if exact else float("nan"),
                value_low=float("nan") if exact else low,
                value_high=float("nan") if exact else high,
                suppressed=False,
                preferred=True,
                grade="derived",
                flags="derived_ratio"
                + (";few_years" if r.status == "few_years" else "")
                + (";suppressed_lt5_in_sum" if r.suppressed_years else ""),
                note=f"{r.text} {i18n._(CONVERSION_CAVEAT)}",
                source_id=";".join(r.source_ids),
                source_location="",
            )
        )
    return pd.DataFrame(rows)


def overview_cards(
    df: pd.DataFrame, cb: Codebook, countries: Iterable[str] = BALTIC, indicator: str = "victims"
) -> list[dict]:
    """Per country: the latest year with an official-grade total, value, change vs previous year, per
    million, the series for a sparkline, the dominant forms of exploitation in that year, and `newer`:
    every figure for a later (or overlapping multi-year) period that is not an official yearly total
    (unconfirmed, low confidence, multi-year), with its grade, so nothing newer is hidden."""
    p = chart_rows(df, cb, unconfirmed=False)
    out = []
    for c in countries:
        tot = p[
            (p["country"] == c)
            & (p["indicator"] == indicator)
            & (p["breakdown"] == "total")
            & (p["category"] == "total")
            & p["single_year"]
            & has_value(p)
        ]
        counts = tot[tot["unit"] == unit_for(df, indicator, "absolute")].sort_values("period_start")
        card = {
            "country": c,
            "country_label": cb.country_label(c),
            "year": None,
            "value": None,
            "suppressed": False,
            "unit": "persons",
            "prev_year": None,
            "change": None,
            "change_note": "",
            "per_million": None,
            "per_million_suppressed": False,
            "series": counts,
            "top_forms": [],
            "forms_year": None,
            "source_ids": [],
            "flags": "",
            "grade": "",
            "newer": [],
        }
        years = sorted(int(y) for y in counts["period_start"])
        # newer and in-between: every other figure for a period ending after the year before the card's
        # (a news item for a year the official series skips is named, not hidden), but not the official
        # figures the card and its sparkline already show
        after = years[-2] if len(years) > 1 else (years[-1] if years else None)
        shown = {
            (int(y), float(v))
            for y, v, s_ in zip(counts["period_start"], counts["value"], counts["suppressed"])
            if not s_
        }
        card["newer"] = [
            n
            for n in newer_figures(df, cb, c, indicator, unit_for(df, indicator, "absolute"), after)
            if not (
                n["period_start"] == n["period_end"]
                and not n["suppressed"]
                and (n["period_start"], float(n["value"])) in shown
            )
        ]
        if counts.empty:
            out.append(card)
            continue
        last = counts.iloc[-1]
        y = int(last["period_start"])
        card.update(
            year=y,
            value=last["value"],
            suppressed=bool(last["suppressed"]),
            unit=last["unit"],
            source_ids=[last["source_id"]],
            flags=last["flags"],
            grade=last.get("grade", ""),
        )
        prev = counts[counts["period_start"] == y - 1]
        if not prev.empty:
            pr = prev.iloc[0]
            card["prev_year"] = y - 1
            if pr["suppressed"] or last["suppressed"]:
                card["change_note"] = i18n._("not computed: a suppressed (<5) value is involved")
            else:
                why = not_comparable(pr, last)
                if why == "series_break":
                    card["change_note"] = i18n._("not comparable (series break)")
                elif why == DEFINITION_FLAG:
                    card["change_note"] = i18n._("not comparable (the two years count different things)")
                elif why == "source":
                    card["change_note"] = i18n._("not comparable (the source changes between the two years)")
                else:
                    card["change"] = float(last["value"] - pr["value"])
        else:
            card["change_note"] = i18n._("no official figure for {year}").format(year=y - 1)
        pm = tot[(tot["unit"] == "per_million") & (tot["period_start"] == y)]
        if not pm.empty:
            card["per_million"] = pm.iloc[0]["value"]
            card["per_million_suppressed"] = bool(pm.iloc[0]["suppressed"])
            card["source_ids"].append(pm.iloc[0]["source_id"])
        # dominant forms: in the card's year, else the latest year that has a breakdown by form
        ex_all = p[
            (p["country"] == c)
            & (p["indicator"] == indicator)
            & (p["breakdown"] == "exploitation")
            & (p["period_start"] <= y)
            & p["single_year"]
            & (p["unit"] == card["unit"])
            & p["value"].notna()
            & (p["category"] != "total")
        ]
        if not ex_all.empty:
            fy = int(ex_all["period_start"].max())
            ex = ex_all[ex_all["period_start"] == fy].sort_values("value", ascending=False).head(2)
            card["forms_year"] = fy
            card["top_forms"] = [(cb.category_label("exploitation", r.category), r.value) for r in ex.itertuples()]
        out.append(card)
    return out


def hidden_unconfirmed(
    df: pd.DataFrame,
    cb: Codebook,
    *,
    indicator: str,
    unit: str,
    countries: Iterable[str] = BALTIC,
    period: str | None = None,
    breakdown: str = "total",
    newer_than: dict[str, int] | None = None,
) -> list[str]:
    """Plain lines for the preferred figures of this view that the chart leaves out because their
    source is below official grade ('Latvia 2023: 21 (unconfirmed: news report)'). `newer_than`
    (country -> year): only figures ending after the year the chart shows for that country."""
    p = df[df["preferred"]]
    p = p[
        ~official_mask(p, cb)
        & (p["indicator"] == indicator)
        & (p["unit"] == unit)
        & (p["breakdown"] == breakdown)
        & p["country"].isin(countries)
        & has_value(p)
    ]
    if period is not None:
        p = p[p["period"] == period]
    if newer_than is not None:
        p = p[
            pd.Series(
                [int(end) > newer_than.get(c, -1) for c, end in zip(p["country"], p["period_end"])],
                index=p.index,
                dtype=bool,
            )
        ]
    from components.core.style import fmt_value

    out = []
    for r in p.sort_values(["country", "period_start", "category"]).itertuples():
        cat = "" if breakdown == "total" else f" {cb.category_label(r.breakdown, r.category)}"
        out.append(
            f"{cb.country_label(r.country)} {r.period}{cat}: "
            f"{fmt_value(r.value, r.suppressed, r.unit, r.value_low, r.value_high)} ({cb.grade_shown_as(r.grade)})"
        )
    return out


def newer_figures(
    df: pd.DataFrame, cb: Codebook, country: str, indicator: str, unit: str, after: int | None
) -> list[dict]:
    """Totals for periods ending after the latest official yearly figure (or any, when there is none),
    from any source, preferred or not: unconfirmed figures, low-confidence figures, multi-year totals.
    One entry per period and value, the best-graded source first."""
    t = df[
        (df["country"] == country)
        & (df["indicator"] == indicator)
        & (df["breakdown"] == "total")
        & (df["category"] == "total")
        & (df["unit"] == unit)
        & has_value(df)
    ]
    if after is not None:
        t = t[t["period_end"] > after]
    if t.empty:
        return []
    t = t.assign(_g=[cb.grade_order(g) for g in t["grade"]]).sort_values(["period_end", "period_start", "_g"])
    out = []
    for (start, end, _value, _supp), rows in t.groupby(
        ["period_start", "period_end", "value", "suppressed"], sort=False, dropna=False
    ):
        r = rows.iloc[0]
        flags = str(r["flags"])
        what = []
        if end > start:
            what.append(i18n._("multi-year total"))
        if not cb.is_official(r["grade"]):
            what.append(cb.grade_shown_as(r["grade"]))
        elif end == start:
            what.append(cb.grade_label(r["grade"]).lower())
        if "low_confidence" in flags:
            what.append(i18n._("low confidence"))
        out.append(
            {
                "period": r["period_label"] or (str(start) if start == end else f"{start}-{end}"),
                "period_start": int(start),
                "period_end": int(end),
                "value": r["value"],
                "suppressed": bool(r["suppressed"]),
                "unit": unit,
                "source_id": r["source_id"],
                "grade": r["grade"],
                "preferred": bool(r["preferred"]),
                "flags": flags,
                "what": what,
            }
        )
    return out


def coverage(df: pd.DataFrame, cb: Codebook) -> pd.DataFrame:
    """Country × year × indicator: number of sources and what the charts can show.

    status: 'value' (an official-grade preferred figure) | 'suppressed (<5)' | 'unconfirmed only' (the
    preferred figure is known only from weaker sources) | 'no preferred value' | 'no data'."""
    s = df[df["single_year"] & (df["breakdown"] == "total") & ~df["unit"].isin(RATE_UNITS)]
    s = s[s["country"].isin(BALTIC)].copy()
    s["official_pref"] = s["preferred"] & official_mask(s, cb)
    g = (
        s.groupby(["country", "period_start", "indicator"])
        .agg(
            n_sources=("source_id", "nunique"),
            has_preferred=("preferred", "any"),
            has_official=("official_pref", "any"),
            all_suppressed=("suppressed", "all"),
        )
        .reset_index()
        .rename(columns={"period_start": "year"})
    )
    g["status"] = "value"
    g.loc[g["all_suppressed"], "status"] = "suppressed (<5)"
    g.loc[g["has_preferred"] & ~g["has_official"], "status"] = "unconfirmed only"
    g.loc[~g["has_preferred"], "status"] = "no preferred value"
    if not g.empty:  # complete the grid so a missing figure is a visible 'no data' cell
        full = pd.MultiIndex.from_product(
            [
                sort_countries(g["country"]),
                range(int(g["year"].min()), int(g["year"].max()) + 1),
                sorted(g["indicator"].unique()),
            ],
            names=["country", "year", "indicator"],
        ).to_frame(index=False)
        g = full.merge(g, on=["country", "year", "indicator"], how="left")
        g["n_sources"] = g["n_sources"].fillna(0).astype(int)
        g["status"] = g["status"].fillna("no data")
    g["indicator_label"] = [cb.indicator_label(i, short=True) for i in g["indicator"]]
    g["indicator_order"] = [cb.indicator_order(i) for i in g["indicator"]]
    g["country_label"] = [cb.country_label(c) for c in g["country"]]
    return g


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
