"""Parts every builder uses: the source line, file names, labelled tables, check links (pure)."""

from __future__ import annotations

import pandas as pd

from components.core import i18n, queries as q
from components.core.cite import source_line
from components.core.figure import Figure, years_covered
from components.core.style import fmt_value
from components.draw import files as ex
from etl.figure_key import figure_key


def shown_rows(data: pd.DataFrame) -> pd.DataFrame:
    """The rows with a figure (not the 'no data' / 'not given' placeholders): what a chart's CSV holds."""
    return data[~data["status"].isin(["no_data", "not_given"])] if "status" in data.columns else data


def value_texts(rows: pd.DataFrame) -> list[str]:
    """'25', '<5', '20–30' for each row; 'no data' / 'not given by this source' for placeholders."""
    status = rows["status"] if "status" in rows.columns else pd.Series("value", index=rows.index)
    low = rows["value_low"] if "value_low" in rows.columns else rows["value"]
    high = rows["value_high"] if "value_high" in rows.columns else rows["value"]
    no_data, not_given = i18n._("no data"), i18n._("not given by this source")
    return [
        no_data if s == "no_data" else not_given if s == "not_given" else fmt_value(v, sp, u, lo, hi)
        for v, sp, u, lo, hi, s in zip(rows["value"], rows["suppressed"], rows["unit"], low, high, status)
    ]


def definition_notes(rows: pd.DataFrame, cb, *, indicator: str, year: int | None = None) -> list[str]:
    """One sentence per country whose figure counts something else (flag definition_differs): said in words
    before a chart compares it with other countries, years or the EU."""
    out = []
    if rows is None or rows.empty or "flags" not in rows.columns:
        return out
    for country, r in rows.groupby("country", sort=False):
        flagged = r[r["flags"].fillna("").str.split(";").map(lambda f: q.DEFINITION_FLAG in f)]
        if flagged.empty:
            continue
        y = year if year is not None else int(flagged["period_start"].iloc[0]) if "period_start" in flagged else 0
        note = cb.definition_note(country, indicator, y) or cb.flag_meaning(q.DEFINITION_FLAG)
        out.append(
            i18n._("{country}: not comparable with the other states: {note}").format(
                country=cb.country_label(country), note=note
            )
        )
    return out


def check_links(rows: pd.DataFrame, label) -> tuple[tuple[str, str], ...]:
    """(label, figure key) for the rows with a figure; `label(row)` names one."""
    if rows is None or rows.empty:
        return ()
    r = shown_rows(rows)
    return tuple((label(x), figure_key(x)) for _, x in r.iterrows())


def chart_figure(
    ds,
    *,
    key: str,
    chart,
    rows: pd.DataFrame,
    title: str,
    unit: str,
    alt_text: str,
    table: pd.DataFrame,
    name: dict,
    notes=(),
    check=(),
    csv_rows=None,
    source_rows=None,
    caveats=(),
) -> Figure:
    """A Figure from an Altair chart built with `title`, `unit` and the rows' source line."""
    src_rows = rows if source_rows is None else source_rows
    ids = tuple(q.source_ids_of(src_rows)) if not src_rows.empty else ()
    stem = ex.file_name("x", **name)[:-2]
    return Figure(
        kind="chart",
        key=key,
        title=title,
        unit=unit,
        period=years_covered(rows),
        rows=ex.tidy(shown_rows(rows) if csv_rows is None else csv_rows),
        table=table,
        source_ids=ids,
        source_line=source_line(ids, ds.sources),
        alt_text=alt_text,
        # not re-validated per view (a third of the build): tests validate every builder's spec
        spec=chart.to_dict(validate=False) if chart is not None else None,
        notes=tuple(n for n in notes if n),
        caveats=tuple(caveats),
        file_stem=stem,
        check=tuple(check),
    )


def span_text(period: tuple[int, int] | None, fallback: str = "") -> str:
    if not period:
        return fallback
    a, b = period
    return str(a) if a == b else f"{a}–{b}"


def period_text(period: str | None) -> str:
    """A period key as a title shows it: '2022', '2012–2016'."""
    return str(period or i18n._("no period")).replace("-", "–")


def derived(ds, name: str, make):
    """`make(ds)` computed once per loaded dataset and kept with it (the dataset is shared and cached by
    its digest, so this is the per-dataset part of the one cache). Callers must not mutate the result."""
    store = ds.__dict__.setdefault("_derived", {})
    if name not in store:
        store[name] = make(ds)
    return store[name]


def period_note(options, indicator: str, period: str | None, countries, cb) -> str:
    """Why this year is shown when no year was chosen: 'Showing 2022, the latest year with an official figure
    for Estonia, Latvia and Lithuania.' Empty when a year was chosen or the default is not a single year."""
    if not period or period != options.period_default_for(indicator, countries) or "-" in period:
        return ""
    names = [cb.country_label(c) for c in countries]
    who = names[0] if len(names) == 1 else ", ".join(names[:-1]) + i18n._(" and ") + names[-1]
    have = options.period_countries.get((indicator, period), frozenset())
    if set(countries) <= have:
        return i18n._("Showing {period}, the latest year with an official figure for {countries}.").format(
            period=period, countries=who
        )
    return i18n._(
        "Showing {period}: no year has an official figure for all of {countries}; {period} has the most."
    ).format(period=period, countries=who)


def nearest_period(options, indicator: str, breakdown: str, period: str | None) -> str | None:
    """The year (or period) nearest to `period` that has `breakdown` for `indicator` (newer wins a tie)."""
    have = [p for (i, p), bds in options.period_breakdowns.items() if i == indicator and breakdown in bds]
    if not have or not period:
        return have[0] if have else None
    end = lambda p: int(str(p).split("-")[-1])  # noqa: E731
    return min(have, key=lambda p: (abs(end(p) - end(period)), -end(p)))
