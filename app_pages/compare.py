"""Compare: one indicator and period, the countries side by side, by breakdown."""

import streamlit as st

from components import controls, frame, memo, share
from components import export as ex
from components import queries as q
from components.charts import compare_chart
from components.cite import source_line
from components.style import BALTIC, MEASURE_LABELS, fmt_value, md_escape
from components.view_state import STACKS, ViewState

PAGE = "compare"
K = lambda f: controls.wkey(PAGE, f)  # noqa: E731

ds = frame.dataset()
opts = frame.options(ds)
view = controls.start(PAGE, opts)
cb = ds.codebook

st.title("Compare the countries")

c1, c2, c3 = st.columns([2, 1, 2])
indicator = controls.select("Indicator", opts.indicators, K("indicator"), default=opts.indicator_default(),
                            fmt=cb.indicator_label, container=c1,
                            help="What is counted. Definitions differ by country: see Methodology.")
periods = opts.periods_for(indicator)
pdefault = opts.period_default_for(indicator)
period = controls.select("Year or period", periods, K("period"), default=pdefault, container=c2,
                         help="Multi-year periods (e.g. 2012-2016) are totals as published.")
breakdowns = [b for b in memo.query(ds, q.breakdowns_available, ds.table, indicator, period) if b in opts.breakdowns_for(indicator)] \
    or ["total"]
bdefault = opts.breakdown_default(indicator) if opts.breakdown_default(indicator) in breakdowns else "total"
breakdown = controls.select("Breakdown", breakdowns, K("breakdown"), default=bdefault,
                            fmt=cb.breakdown_label, container=c3)
c4, c5, c6 = st.columns([2, 2, 3])
measure = controls.segmented("Measure", opts.measures_for(indicator), K("measure"), default="absolute",
                             fmt=MEASURE_LABELS.get, container=c4)
overlapping = cb.breakdown_kind(indicator, breakdown) == "overlapping"
stack = controls.segmented("Bars", STACKS, K("stack"), default="stacked",
                           fmt={"stacked": "Stacked", "percent": "100 %"}.get, container=c5,
                           help="100 %: shares of the categories with a known value. Categories that overlap "
                                "are drawn side by side instead.")
all_c = list(opts.countries)
countries = controls.multiselect("Countries", all_c, K("countries"), default=BALTIC, fmt=cb.country_label,
                                 container=c6)
countries = [c for c in all_c if c in countries] or [c for c in BALTIC if c in all_c]
unconfirmed = controls.toggle("Include unconfirmed figures", K("unconfirmed"), default=False,
                              help="Also draw figures known only from news reports or secondary sources, "
                                   "as pale bars. By default the charts show official-grade figures only.")

view = ViewState(page=PAGE, countries=tuple(countries), indicator=indicator,
                 period=None if period == pdefault else period,
                 breakdown=None if breakdown == opts.breakdown_default(indicator) else breakdown,
                 measure=measure, stack=stack, unconfirmed=bool(unconfirmed))
controls.finish(view)

unit = memo.query(ds, q.unit_for, ds.table, indicator, measure)
data = memo.query(ds, q.compare_data, ds.table, cb, indicator=indicator, period=period or "", breakdown=breakdown, unit=unit,
                      countries=countries, unconfirmed=bool(unconfirmed))
label = cb.indicator_label(indicator)
bd_text = "" if breakdown == "total" else f" by {cb.breakdown_label(breakdown).lower()}"
title = f"{label}{bd_text}, {period}"
src = source_line(q.source_ids_of(data), ds.sources)
ch = memo.spec(ds, compare_chart, data, title=title, unit_text=cb.unit_label(unit), source_line=src, stack=stack)

shown = data.copy()
shown["Value"] = [fmt_value(v, s, u, lo, hi) if st_ not in ("no_data", "not_given") else "no data" for v, s, u, lo, hi, st_ in
                  zip(shown["value"], shown["suppressed"], shown["unit"], shown.get("value_low", shown["value"]),
                      shown.get("value_high", shown["value"]), shown["status"])]
nodata = [cb.country_label(c) for c in shown.loc[shown["status"] == "no_data", "country"]]
alt_text = (f"Bar chart: {title}, {cb.unit_label(unit)}, for {', '.join(cb.country_label(c) for c in countries)}. "
            + (f"No data for {', '.join(nodata)}. " if nodata else "")
            + "The same numbers are in the table below the chart.")
frame.chart(ch, alt_text=alt_text, key="compare_chart")
if overlapping:
    st.caption(md_escape(f"{cb.breakdown_label(breakdown)} of {label.lower()}: the categories overlap, so they "
                         f"are drawn side by side and never added up"
                         + (" (the 100 % view does not apply)" if stack == "percent" else "")
                         + f". {cb.breakdown_note(indicator, breakdown)}"))
if nodata:
    st.caption(f"No data for {', '.join(nodata)} for this selection: the country is shown with 'no data', not 0.")
if not unconfirmed:
    hidden = q.newer_than_shown(ds.table, cb, indicator=indicator, period=period or "", breakdown=breakdown,
                                unit=unit, countries=countries)
    if hidden:
        st.caption("Not drawn: " + md_escape("; ".join(hidden))
                   + ". Switch on *Include unconfirmed figures* to see them on the chart.")

shown["Value"] = [("not given by this source" if st_ == "not_given" else v) for v, st_ in zip(shown["Value"], shown["status"])]
shown["flags"] = [cb.flags_text(f) for f in shown["flags"].fillna("")]
shown["Grade"] = [cb.grade_shown_as(g) if g else "" for g in shown["grade"].fillna("")]
tbl = shown.rename(columns={"country_label": "Country", "category_label": "Category", "source_id": "Source id",
                            "flags": "Flags", "note": "Note"})
frame.table(tbl[["Country", "Category", "Value", "Grade", "Source id", "Flags", "Note"]],
            alt_text=f"Table of the numbers in the chart: {title}")
share.export_panel(ch, ex.tidy(data[~data["status"].isin(["no_data", "not_given"])] if "status" in data else data),
                   sources=ds.sources, meta=ds.meta, key="compare_export",
                   name=dict(countries=countries, indicator=indicator, unit=unit,
                             extra=None if breakdown == "total" else breakdown, period=period),
                   check=share.check_links(data, lambda r: f"{r['country_label']} · {r['category_label']}"))
notes = shown[(shown["note"].fillna("") != "")]
if not notes.empty:
    with st.expander(f"Notes on these figures ({len(notes)})"):
        for r in notes.itertuples():
            cat = f" · {r.category_label}" if r.category_label and r.category_label != "Total" else ""
            st.caption(md_escape(f"{r.country_label}{cat}: {r.note}" + (f" [{r.flags}]" if r.flags else "")))

defs = ds.country_definitions
if not defs.empty and {"country", "indicator", "definition"} <= set(defs.columns):
    d = defs[(defs["indicator"] == indicator) & defs["country"].isin(countries)]
    if not d.empty:
        with st.expander(f"What each country counts as “{label.lower()}”"):
            for r in d.itertuples():
                st.markdown(f"**{md_escape(cb.country_label(r.country))}** — {md_escape(r.definition)}")
