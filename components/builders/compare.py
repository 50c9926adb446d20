"""Compare: one indicator and period, the countries side by side, by breakdown."""

from __future__ import annotations

from components import queries as q
from components.builders.common import (chart_figure, check_links, nearest_period, period_note, period_text,
                                        span_text, value_texts)
from components.charts import compare_chart
from components.cite import source_line
from components.view_state import resolve


def build(ds, view, options):
    view, v = resolve(view, options)
    cb, t = ds.codebook, ds.table
    indicator, breakdown, stack = v["indicator"], v["breakdown"], v["stack"]
    countries = list(v["countries"])
    period = v["period"] or ""
    unit = q.unit_for(t, indicator, v["measure"])
    data = q.compare_data(t, cb, indicator=indicator, period=period, breakdown=breakdown, unit=unit,
                          countries=countries, unconfirmed=v["unconfirmed"])
    label = cb.indicator_label(indicator)
    bd_text = "" if breakdown == "total" else f" by {cb.breakdown_label(breakdown).lower()}"
    latest = period == q.LATEST_PERIOD
    if latest:  # each country its own newest year: said in the title and under each bar, never hidden
        years = {r.country: r.period for r in data.itertuples() if r.period}
        data["country_label"] = [f"{lab} ({years[c]})" if c in years else lab
                                 for c, lab in zip(data["country"], data["country_label"])]
        ends = sorted(int(y) for y in years.values())
        title = f"{label}{bd_text}, latest year per country ({span_text((ends[0], ends[-1]) if ends else None, 'no data')})"
    else:
        title = f"{label}{bd_text}, {period_text(period)}"
    unit_text = cb.unit_label(unit)
    chart = compare_chart(data, title=title, unit_text=unit_text,
                          source_line=source_line(q.source_ids_of(data), ds.sources), stack=stack)

    notes = []
    missing = None  # the chosen breakdown in a year that does not have it: said in place, with the nearest year
    if latest:
        what = "an official figure" + ("" if breakdown == "total" else " by this breakdown")
        notes.append(f"Latest year per country: each country's newest year with {what}, named beside the country. "
                     + ("Years differ, so the bars compare different years." if len(set(years.values())) > 1
                        else f"Here it is {period_text(next(iter(years.values()), ''))} for every country with data."))
    elif breakdown != "total" and breakdown not in options.period_breakdowns.get((indicator, period), ("total",)):
        near = nearest_period(options, indicator, breakdown, period)
        missing = {"text": f"No data by {cb.breakdown_label(breakdown).lower()} for {label.lower()} in "
                           f"{period_text(period)}" + (f"; the nearest year with it is {period_text(near)}." if near
                                                       else "."), "period": near}
    if cb.breakdown_kind(indicator, breakdown) == "overlapping":
        notes.append(f"{cb.breakdown_label(breakdown)} of {label.lower()}: the categories overlap, so they are "
                     "drawn side by side and never added up"
                     + (" (the 100 % view does not apply)" if stack == "percent" else "")
                     + f". {cb.breakdown_note(indicator, breakdown)}".rstrip(". ") + ".")
    nodata = [cb.country_label(c) for c in data.loc[data["status"] == "no_data", "country"]]
    if nodata:
        notes.append(f"No data for {', '.join(nodata)} for this selection: the country is shown with 'no data', "
                     "not 0.")
    if not v["unconfirmed"]:
        # with each country's latest year: the unconfirmed figures newer than the year it shows
        hidden = q.newer_than_shown(t, cb, indicator=indicator, period=None if latest else period,
                                    breakdown=breakdown, unit=unit, countries=countries,
                                    newer_than={c: int(y) for c, y in years.items()} if latest else None)
        if hidden:
            notes.append("Not drawn: " + "; ".join(hidden) + ". Switch on 'Include unconfirmed figures' to see "
                         "them on the chart.")

    shown = data.copy()
    shown["Value"] = value_texts(shown)
    shown["Flags"] = [cb.flags_text(f) for f in shown["flags"].fillna("")]
    shown["Grade"] = [cb.grade_shown_as(g) if g else "" for g in shown["grade"].fillna("")]
    table = shown.rename(columns={"country_label": "Country", "category_label": "Category",
                                  "source_id": "Source id", "note": "Note"})[
        ["Country", "Category", "Value", "Grade", "Source id", "Flags", "Note"]]
    row_notes = tuple(f"{r.country_label}" + (f" · {r.category_label}" if r.category_label not in ("", "Total") else "")
                      + f": {r.note}" + (f" [{r.Flags}]" if r.Flags else "")
                      for r in shown[shown["note"].fillna("") != ""].itertuples())
    defs = ds.country_definitions
    definitions = ()
    if not defs.empty and {"country", "indicator", "definition"} <= set(defs.columns):
        d = defs[(defs["indicator"] == indicator) & defs["country"].isin(countries)]
        definitions = tuple((cb.country_label(r.country), r.definition) for r in d.itertuples())
    alt_text = (f"Bar chart: {title}, {unit_text}, for {', '.join(cb.country_label(c) for c in countries)}. "
                + (f"No data for {', '.join(nodata)}. " if nodata else "")
                + "The same numbers are in the table below the chart.")
    return (chart_figure(
        ds, key="compare", chart=chart, rows=data, title=title, unit=unit_text, alt_text=alt_text, table=table,
        name=dict(countries=countries, indicator=indicator, unit=unit,
                  extra=None if breakdown == "total" else breakdown, period=period),
        notes=notes, check=check_links(data, lambda r: f"{r['country_label']} · {r['category_label']}"),
        extra={"row_notes": row_notes, "definitions": definitions, "indicator_label": label,
               "period_note": period_note(options, indicator, period, countries, cb), "missing": missing}),)
