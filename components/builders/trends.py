"""Trends: one indicator's lines per country over the years, the justice chain, or one country's forms of
exploitation over the years."""

from __future__ import annotations

import pandas as pd

from components.builders.common import chart_figure, check_links, shown_rows, span_text, value_texts
from components.core import i18n, queries as q
from components.core.cite import source_line
from components.core.figure import PageBuild, years_covered
from components.core.i18n import N_
from components.core.style import fmt_value, round_half_up
from components.draw.charts import chain_chart, compare_chart, trend_chart
from components.view.state import Resolved


def build(ds, r: Resolved, options) -> PageBuild[None]:
    """The page's one chart; the page shows nothing beside it that the Figure does not hold (no page model)."""
    lo, hi = r.years or (options.year_min, options.year_max)
    if r.chart == "chain":
        return PageBuild((chain(ds, list(r.countries), lo, hi, r.unconfirmed),))
    if r.chart == "forms":
        return PageBuild((forms(ds, r.country, r.indicator, lo, hi, r.unconfirmed),))
    return PageBuild(
        (
            lines(
                ds,
                indicator=r.indicator,
                measure=r.measure,
                countries=list(r.countries),
                years=(lo, hi),
                base=r.index_base,
                unconfirmed=r.unconfirmed,
            ),
        )
    )


def lines(
    ds,
    *,
    indicator: str,
    measure: str,
    countries: list[str],
    years: tuple[int, int] | None = None,
    base: int | None = None,
    unconfirmed: bool = False,
    key: str = "trend",
    subject: str | None = None,
):
    """The line chart of one indicator per country (also the Overview's and the Map's detail chart)."""
    cb, t = ds.codebook, ds.table
    y0, y1 = years or (None, None)
    unit = q.unit_for(t, indicator, measure)
    data = q.trend_data(
        t,
        cb,
        indicator=indicator,
        unit=unit,
        countries=countries,
        year_from=y0,
        year_to=y1,
        index_base=base,
        unconfirmed=unconfirmed,
    )
    label = cb.indicator_label(indicator)
    unit_text = (
        cb.unit_label(unit)
        if base is None
        else i18n._("index, {base} = 100 (from {unit})").format(base=base, unit=cb.unit_label(unit))
    )
    covered = years_covered(data)
    title = i18n._("{indicator}, {period}").format(
        indicator=subject or label, period=span_text(covered, i18n._("no data"))
    )
    chart = trend_chart(
        data,
        title=title,
        unit_text=unit_text,
        source_line=source_line(q.source_ids_of(data), ds.sources),
        indexed=base is not None,
        year_domain=covered or years,
    )
    missing = [cb.country_label(c) for c in countries if c not in set(data["country"])]
    notes = []
    if missing:
        notes.append(i18n._("No data for {countries} in these years.").format(countries=", ".join(missing)))
    if base is not None:
        for c in countries:
            rows_c = data[data["country"] == c]
            if not rows_c.empty and rows_c["index_note"].iloc[0]:
                notes.append(f"{cb.country_label(c)}: {rows_c['index_note'].iloc[0]}.")
    for r in data[data["marker_note"] != ""].itertuples():
        notes.append(
            i18n._("▽ {country} {year}: {note} (the line starts again).").format(
                country=r.country_label, year=r.year, note=r.marker_note
            )
        )
    if not unconfirmed:
        hidden = q.hidden_unconfirmed(t, cb, indicator=indicator, unit=unit, countries=countries)
        hidden = [
            h
            for h in hidden
            if any(
                str(y) in h
                for y in range(covered[0] if covered else (y0 or 0), (covered[1] if covered else (y1 or 0)) + 1)
            )
        ]
        if hidden:
            notes.append(
                i18n._(
                    "Not drawn: {figures}. Switch on 'Include unconfirmed figures' to see them on the chart."
                ).format(figures="; ".join(hidden))
            )
    multi = q.preferred(t)
    multi = multi[
        (multi["indicator"] == indicator)
        & ~multi["single_year"]
        & (multi["unit"] == unit)
        & (multi["breakdown"] == "total")
        & multi["country"].isin(countries)
    ]
    if not multi.empty:
        notes.append(
            i18n._("Multi-year totals (not drawn on the yearly line): ")
            + "; ".join(
                f"{cb.country_label(r.country)} {r.period_label}: "
                f"{fmt_value(r.value, r.suppressed, r.unit)}"
                + ("" if cb.is_official(r.grade) else f" ({cb.grade_shown_as(r.grade)})")
                for r in multi.itertuples()
            )
        )
    tbl = data.copy()
    tbl["Value"] = value_texts(tbl)
    tbl["index"] = [float(round_half_up(v, 1)) if pd.notna(v) else float("nan") for v in tbl["index"]]
    tbl["flags"] = [ds.codebook.flags_text(f) for f in tbl["flags"].fillna("")]  # labels, never codes
    cols = ["country_label", "year", "Value"] + (["index"] if base is not None else []) + ["source_id", "flags"]
    table = tbl[cols].rename(
        columns={
            "country_label": N_("Country"),
            "year": N_("Year"),
            "Value": N_("Value"),
            "index": i18n._("Index ({base}=100)").format(base=base),
            "source_id": N_("Source id"),
            "flags": N_("Flags"),
        }
    )
    alt_text = (
        i18n._("Line chart: {title}, {unit}, one line per country ({countries}).").format(
            title=title, unit=unit_text, countries=", ".join(cb.country_label(c) for c in countries)
        )
        + " "
        + (i18n._("No data for {countries}.").format(countries=", ".join(missing)) + " " if missing else "")
        + i18n._("Breaks in the series are marked with a triangle. The numbers are in the table below.")
    )
    recent = data.sort_values("year", ascending=False).groupby("country").head(3) if not data.empty else data
    return chart_figure(
        ds,
        key=key,
        chart=chart,
        rows=data,
        title=title,
        unit=unit_text,
        alt_text=alt_text,
        table=table,
        notes=notes,
        name=dict(
            countries=countries,
            indicator=indicator,
            unit=unit,
            extra=f"index-{base}" if base is not None else None,
            period=span_text(covered).replace("–", "-") or None,
        ),
        check=check_links(recent, lambda r: f"{r['country_label']} {r['period_label']}"),
    )


def chain(ds, countries: list[str], lo: int, hi: int, unconfirmed: bool):
    """The justice chain, one panel per country, and under each country's name the conversion line:
    convictions per 100 registered victims over the latest five years with official figures for both
    (queries.conversion), with its caveat in the notes and its rows in the CSV."""
    cb, t = ds.codebook, ds.table
    data = q.chain_data(t, cb, countries=countries, year_from=lo, year_to=hi, unconfirmed=unconfirmed)
    conv = q.conversion(t, cb, countries=countries, year_from=lo, year_to=hi)
    stages = [cb.indicator_label(i, short=True) for i in q.CHAIN]
    covered = years_covered(data)
    title = i18n._("Justice chain, {period}").format(period=span_text(covered, i18n._("no data")))
    unit_text = i18n._("persons or cases (see table)")
    shown = conv[conv["country"].isin(set(data["country"]))]
    chart = chain_chart(
        data,
        title=title,
        unit_text=unit_text,
        source_line=source_line(q.source_ids_of(data), ds.sources),
        stage_order=stages,
        panel_notes=dict(zip(shown["country_label"], shown["short"])),
    )
    notes = []
    if data.empty:
        notes.append(i18n._("No justice-chain data for this selection."))
    else:
        notes.extend(conv["text"])
        notes.append(i18n._(q.CONVERSION_CAVEAT))
        unit_label = ds.codebook.unit_label  # the units' names in the reader's language, never their codes
        units = data.groupby("stage")["unit"].agg(lambda u: ", ".join(sorted({unit_label(x) for x in u})))
        notes.append(i18n._("Units: {units}.").format(units="; ".join(f"{s}: {u}" for s, u in units.items())))
    ratios = q.conversion_rows(conv) if not data.empty else pd.DataFrame()
    csv_rows = pd.concat([shown_rows(data), ratios], ignore_index=True) if not ratios.empty else None
    return chart_figure(
        ds,
        key="chain",
        chart=chart,
        rows=data,
        title=title,
        unit=unit_text,
        csv_rows=csv_rows,
        alt_text=i18n._(
            "Small multiples, one panel per country: {title}; lines for {stages}. Under "
            "each country's name: convictions per 100 registered victims over five "
            "years. The numbers per country and year are in the table below."
        ).format(title=title, stages=", ".join(stages)),
        table=q.chain_table(data, cb),
        notes=notes,
        name=dict(countries=countries, indicator="justice-chain", period=span_text(covered).replace("–", "-") or None),
    )


FORMS = "exploitation"


def forms(ds, country: str, indicator: str, lo: int, hi: int, unconfirmed: bool):
    """Forms of exploitation over the years for one country: one bar a year, built by the Compare chart with
    years in place of countries, so the same breakdown rules hold (exclusive categories stacked,
    overlapping ones side by side, '<5' and 'not given' in place, never a zero bar)."""
    cb, t = ds.codebook, ds.table
    unit = q.unit_for(t, indicator, "absolute")
    rows = q.chart_rows(t, cb, unconfirmed)
    rows = rows[
        (rows["country"] == country)
        & (rows["indicator"] == indicator)
        & (rows["breakdown"] == FORMS)
        & (rows["unit"] == unit)
        & rows["single_year"]
        & rows["period_start"].between(lo, hi)
    ]
    years = sorted(set(rows["period"]), key=int)
    parts = [
        q.compare_data(
            t,
            cb,
            indicator=indicator,
            period=y,
            breakdown=FORMS,
            unit=unit,
            countries=[country],
            unconfirmed=unconfirmed,
        )
        for y in years
    ]
    data = (
        pd.concat([p.assign(country_label=y) for p, y in zip(parts, years)], ignore_index=True)
        if parts
        else rows.iloc[0:0].assign(country_label="", status="", kind="")
    )
    label = cb.indicator_label(indicator)
    covered = years_covered(data)
    title = i18n._("{indicator} by form of exploitation, {country}, {period}").format(
        indicator=label, country=cb.country_label(country), period=span_text(covered, i18n._("no data"))
    )
    unit_text = cb.unit_label(unit)
    chart = compare_chart(
        data, title=title, unit_text=unit_text, source_line=source_line(q.source_ids_of(data), ds.sources)
    )
    notes = (
        []
        if years
        else [
            i18n._("No breakdown by form of exploitation for {indicator} in {country} in these years.").format(
                indicator=label.lower(), country=cb.country_label(country)
            )
        ]
    )
    if years and cb.breakdown_kind(indicator, FORMS) == "overlapping":
        notes.append(
            (
                i18n._("The forms overlap for {indicator}: bars side by side, never added up.").format(
                    indicator=label.lower()
                )
                + " "
                + cb.breakdown_note(indicator, FORMS)
            ).strip()
        )
    shown = data.copy()
    shown["Value"] = value_texts(shown) if not shown.empty else []
    heads = {
        "country_label": N_("Year"),
        "category_label": N_("Form"),
        "Value": N_("Value"),
        "source_id": N_("Source id"),
    }
    table = (
        shown.rename(columns=heads)[list(heads.values())]
        if not shown.empty
        else pd.DataFrame(columns=list(heads.values())[:3])
    )
    return chart_figure(
        ds,
        key="forms",
        chart=chart,
        rows=data,
        title=title,
        unit=unit_text,
        table=table,
        notes=notes,
        alt_text=i18n._(
            "Bar chart: {title}, {unit}, one bar a year, by form of exploitation. The numbers are in the table below."
        ).format(title=title, unit=unit_text),
        name=dict(
            countries=[country], indicator=indicator, extra="forms", period=span_text(covered).replace("–", "-") or None
        ),
        check=check_links(data, lambda r: f"{r['country_label']} · {r['category_label']}"),
    )
