"""Compare: one indicator and period, the countries side by side, by breakdown."""

from __future__ import annotations

from dataclasses import dataclass

from components.builders.common import (
    chart_figure,
    check_links,
    definition_notes,
    nearest_period,
    period_note,
    period_text,
    span_text,
    value_texts,
)
from components.core import i18n, queries as q
from components.core.cite import source_line
from components.core.figure import PageBuild
from components.core.i18n import N_
from components.core.notes import row_notes as notes_in_language
from components.draw.charts import compare_chart
from components.view.state import Resolved


@dataclass(frozen=True, eq=False)
class Missing:
    """The chosen breakdown in a year that does not have it: said in place, with the nearest year."""

    text: str
    period: str | None  # the nearest period that has it (a button opens it), None when there is none


@dataclass(frozen=True, eq=False)
class ComparePage:
    """What the Compare page says beside its chart."""

    row_notes: tuple[str, ...] = ()  # the notes of the rows drawn ("Estonia · Forced labour: …")
    definitions: tuple[tuple[str, str], ...] = ()  # (country label, what it counts as the indicator)
    indicator_label: str = ""
    period_note: str = ""  # how the period was chosen, when it is not the one asked for
    missing: Missing | None = None


def build(ds, r: Resolved, options) -> PageBuild[ComparePage]:
    cb, t = ds.codebook, ds.table
    indicator, breakdown, stack = r.indicator, r.breakdown, r.stack
    countries = list(r.countries)
    period = r.period or ""
    unit = q.unit_for(t, indicator, r.measure)
    data = q.compare_data(
        t,
        cb,
        indicator=indicator,
        period=period,
        breakdown=breakdown,
        unit=unit,
        countries=countries,
        unconfirmed=r.unconfirmed,
    )
    label = cb.indicator_label(indicator)
    bd_text = (
        ""
        if breakdown == "total"
        else i18n._(" by {breakdown}").format(breakdown=cb.breakdown_label(breakdown).lower())
    )
    latest = period == q.LATEST_PERIOD
    if latest:  # each country its own newest year: said in the title and under each bar, never hidden
        years = {r.country: r.period for r in data.itertuples() if r.period}
        data["country_label"] = [
            f"{lab} ({years[c]})" if c in years else lab for c, lab in zip(data["country"], data["country_label"])
        ]
        ends = sorted(int(y) for y in years.values())
        title = i18n._("{indicator}, latest year per country ({period})").format(
            indicator=label + bd_text, period=span_text((ends[0], ends[-1]) if ends else None, i18n._("no data"))
        )
    else:
        title = i18n._("{indicator}, {period}").format(indicator=label + bd_text, period=period_text(period))
    unit_text = cb.unit_label(unit)
    chart = compare_chart(
        data, title=title, unit_text=unit_text, source_line=source_line(q.source_ids_of(data), ds.sources), stack=stack
    )

    notes = []
    caveats = definition_notes(data, cb, indicator=indicator)  # said before the bars are compared
    missing = None  # the chosen breakdown in a year that does not have it: said in place, with the nearest year
    if latest:
        notes.append(
            (
                i18n._(
                    "Latest year per country: each country's newest year with an official figure, named "
                    "beside the country."
                )
                if breakdown == "total"
                else i18n._(
                    "Latest year per country: each country's newest year with an official figure by this "
                    "breakdown, named beside the country."
                )
            )
            + " "
            + (
                i18n._("Years differ, so the bars compare different years.")
                if len(set(years.values())) > 1
                else i18n._("Here it is {period} for every country with data.").format(
                    period=period_text(next(iter(years.values()), ""))
                )
            )
        )
    elif breakdown != "total" and breakdown not in options.period_breakdowns.get((indicator, period), ("total",)):
        near = nearest_period(options, indicator, breakdown, period)
        what = dict(
            breakdown=cb.breakdown_label(breakdown).lower(),
            indicator=label.lower(),
            period=period_text(period),
            near=period_text(near),
        )
        missing = Missing(
            text=(
                i18n._("No data by {breakdown} for {indicator} in {period}; the nearest year with it is {near}.")
                if near
                else i18n._("No data by {breakdown} for {indicator} in {period}.")
            ).format(**what),
            period=near,
        )
    if cb.breakdown_kind(indicator, breakdown) == "overlapping":
        notes.append(
            (
                i18n._(
                    "{breakdown} of {indicator}: the categories overlap, so they are drawn side by side and "
                    "never added up."
                ).format(breakdown=cb.breakdown_label(breakdown), indicator=label.lower())
                + (" " + i18n._("The 100 % view does not apply.") if stack == "percent" else "")
                + f" {cb.breakdown_note(indicator, breakdown)}".rstrip(". ")
                + "."
            ).replace("..", ".")
        )
    nodata = [cb.country_label(c) for c in data.loc[data["status"] == "no_data", "country"]]
    if nodata:
        notes.append(
            i18n._("No data for {countries} for this selection: the country is shown with 'no data', not 0.").format(
                countries=", ".join(nodata)
            )
        )
    if not r.unconfirmed:
        # with each country's latest year: the unconfirmed figures newer than the year it shows
        hidden = q.hidden_unconfirmed(
            t,
            cb,
            indicator=indicator,
            period=None if latest else period,
            breakdown=breakdown,
            unit=unit,
            countries=countries,
            newer_than={c: int(y) for c, y in years.items()} if latest else None,
        )
        if hidden:
            notes.append(
                i18n._(
                    "Not drawn: {figures}. Switch on 'Include unconfirmed figures' to see them on the chart."
                ).format(figures="; ".join(hidden))
            )

    shown = data.copy()
    shown["note"] = notes_in_language(shown, ds.sources, cb)  # in the reader's language (the table's is English)
    shown["Value"] = value_texts(shown)
    shown["Flags"] = [cb.flags_text(f) for f in shown["flags"].fillna("")]
    shown["Grade"] = [cb.grade_shown_as(g) if g else "" for g in shown["grade"].fillna("")]
    heads = {
        "country_label": N_("Country"),
        "category_label": N_("Category"),
        "Value": N_("Value"),
        "Grade": N_("Grade"),
        "source_id": N_("Source id"),
        "Flags": N_("Flags"),
        "note": N_("Note"),
    }
    table = shown.rename(columns=heads)[list(heads.values())]
    row_notes = tuple(
        f"{r.country_label}"
        + (f" · {r.category_label}" if r.category != "total" else "")
        + f": {r.note}"
        + (f" [{r.Flags}]" if r.Flags else "")
        for r in shown[shown["note"].fillna("") != ""].itertuples()
    )
    defs = ds.country_definitions
    definitions = ()
    if not defs.empty and {"country", "indicator", "definition"} <= set(defs.columns):
        d = defs[(defs["indicator"] == indicator) & defs["country"].isin(countries)]
        definitions = tuple(
            (cb.country_label(r.country), cb.country_definition(r.country, r.indicator, r.definition))
            for r in d.itertuples()
        )
    alt_text = (
        i18n._("Bar chart: {title}, {unit}, for {countries}.").format(
            title=title, unit=unit_text, countries=", ".join(cb.country_label(c) for c in countries)
        )
        + " "
        + (i18n._("No data for {countries}.").format(countries=", ".join(nodata)) + " " if nodata else "")
        + i18n._("The same numbers are in the table below the chart.")
    )
    main = chart_figure(
        ds,
        key="compare",
        chart=chart,
        rows=data,
        title=title,
        unit=unit_text,
        alt_text=alt_text,
        table=table,
        name=dict(
            countries=countries,
            indicator=indicator,
            unit=unit,
            extra=None if breakdown == "total" else breakdown,
            period=period,
        ),
        notes=notes,
        caveats=caveats,
        check=check_links(data, lambda r: f"{r['country_label']} · {r['category_label']}"),
    )
    page = ComparePage(
        row_notes=row_notes,
        definitions=definitions,
        indicator_label=label,
        period_note=period_note(options, indicator, period, countries, cb),
        missing=missing,
    )
    return PageBuild((main,), page)
