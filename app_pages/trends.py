"""Trends: lines per country over the years, and the justice chain."""

import pandas as pd
import streamlit as st

from components import a11y, controls, frame, memo, share
from components import export as ex
from components import queries as q
from components.charts import chain_chart, trend_chart
from components.cite import source_line
from components.style import BALTIC, MEASURE_LABELS, fmt_value, md_escape
from components.view_state import VIEWS, ViewState

PAGE = "trends"
OFF = controls.NONE
K = lambda f: controls.wkey(PAGE, f)  # noqa: E731

ds = frame.dataset()
opts = frame.options(ds)
view = controls.start(PAGE, opts)
cb = ds.codebook

st.title("Trends over time")
mode = controls.segmented("View", VIEWS, K("view"), default="lines",
                          fmt={"lines": "One indicator", "chain": "Justice chain"}.get)
c1, c2, c3 = st.columns([2, 2, 2])
all_c = list(opts.countries)
countries = controls.multiselect("Countries", all_c, K("countries"), default=BALTIC, fmt=cb.country_label,
                                 container=c1)
countries = [c for c in all_c if c in countries] or [c for c in BALTIC if c in all_c]
indicator, measure, base = view.indicator, view.measure, None
if mode == "lines":
    indicator = controls.select("Indicator", opts.indicators, K("indicator"), default=opts.indicator_default(),
                                fmt=cb.indicator_label, container=c2)
    measure = controls.segmented("Measure", opts.measures_for(indicator), K("measure"), default="absolute",
                                 fmt=MEASURE_LABELS.get, container=c3)
lo, hi = opts.year_min, opts.year_max
if lo < hi:
    cur = st.session_state.get(K("years"))
    if not (isinstance(cur, (tuple, list)) and len(cur) == 2 and lo <= cur[0] <= cur[1] <= hi):
        st.session_state[K("years")] = (lo, hi)
    years = st.slider("Years", min_value=lo, max_value=hi, key=K("years"))
else:
    years = (lo, hi)
years = (int(years[0]), int(years[1])) if isinstance(years, (tuple, list)) else (lo, hi)
if mode == "lines":
    base_opts = [OFF] + list(range(years[0], years[1] + 1))
    base = controls.select("Index to base year", base_opts, K("index_base"), default=OFF,
                           fmt=lambda y: "Off (actual values)" if y == OFF else f"{y} = 100",
                           help="Divides each country's values by its own value in the base year (×100), "
                                "to compare change rather than size.")
    base = None if base == OFF else base
unconfirmed = controls.toggle("Include unconfirmed figures", K("unconfirmed"), default=False,
                              help="Also draw figures known only from news reports or secondary sources, as "
                                   "hollow points. By default the charts show official-grade figures only.")

view = ViewState(page=PAGE, countries=tuple(countries), indicator=indicator, measure=measure,
                 years=None if years == (lo, hi) else years, index_base=base, view=mode,
                 unconfirmed=bool(unconfirmed))
if mode != "lines":  # keep the line settings in the URL while the chain is shown
    prev = st.session_state.get("_views", {}).get(PAGE)
    if prev is not None:
        view = ViewState(page=PAGE, countries=view.countries, indicator=prev.indicator, measure=prev.measure,
                         years=view.years, index_base=prev.index_base, view=mode, unconfirmed=bool(unconfirmed))
controls.finish(view)

if mode == "lines":
    unit = memo.query(ds, q.unit_for, ds.table, indicator, measure)
    data = memo.query(ds, q.trend_data, ds.table, cb, indicator=indicator, unit=unit, countries=countries,
                      year_from=years[0], year_to=years[1], index_base=base, unconfirmed=bool(unconfirmed))
    label = cb.indicator_label(indicator)
    unit_text = cb.unit_label(unit) if base is None else f"index, {base} = 100 (from {cb.unit_label(unit)})"
    title = f"{label}, {years[0]}–{years[1]}"
    ch = memo.spec(ds, trend_chart, data, title=title, unit_text=unit_text, source_line=source_line(q.source_ids_of(data), ds.sources),
                     indexed=base is not None,
                     year_domain=(int(data["year"].min()), int(data["year"].max())) if not data.empty else years)
    missing = [cb.country_label(c) for c in countries if c not in set(data["country"])]
    frame.chart(ch, key="trend_chart",
                alt_text=(f"Line chart: {title}, {unit_text}, one line per country "
                          f"({', '.join(cb.country_label(c) for c in countries)}). "
                          + (f"No data for {', '.join(missing)}. " if missing else "")
                          + "Breaks in the series are marked with a triangle. The numbers are in the table below."))
    if missing:
        st.caption(f"No data for {', '.join(missing)} in these years.")
    if base is not None:
        for c in countries:
            rows_c = data[data["country"] == c]
            if not rows_c.empty and rows_c["index_note"].iloc[0]:
                st.caption(md_escape(f"{cb.country_label(c)}: {rows_c['index_note'].iloc[0]}."))
    if not unconfirmed:
        hidden = q.hidden_unconfirmed(ds.table, cb, indicator=indicator, unit=unit, countries=countries)
        hidden = [h for h in hidden if any(str(y) in h for y in range(years[0], years[1] + 1))]
        if hidden:
            st.caption("Not drawn: " + md_escape("; ".join(hidden))
                       + ". Switch on *Include unconfirmed figures* to see them on the chart.")
    notes = data[data["marker_note"] != ""]
    if not notes.empty:
        st.markdown("**Breaks and source changes: the line starts again at each**")
        for r in notes.itertuples():
            st.caption("▽ " + md_escape(f"{r.country_label} {r.year}: {r.marker_note}"))
    if not data.empty:
        t = data.copy()
        t["index"] = t["index"].round(1)
        t["Value"] = [fmt_value(v, s, u, lo_, hi_) for v, s, u, lo_, hi_ in
                      zip(t["value"], t["suppressed"], t["unit"], t["value_low"], t["value_high"])]
        cols = ["country_label", "year", "Value"] + (["index"] if base is not None else []) + ["source_id", "flags"]
        t = t[cols].rename(columns={"country_label": "Country", "year": "Year", "index": f"Index ({base}=100)",
                                    "source_id": "Source id", "flags": "Flags"})
        frame.table(t, alt_text=f"Table of the numbers in the chart: {title}")
    share.export_panel(ch, ex.tidy(data), sources=ds.sources, meta=ds.meta, key="trend_export",
                       name=dict(countries=countries, indicator=indicator, unit=unit,
                                 extra=f"index-{base}" if base is not None else None, period=f"{years[0]}-{years[1]}"),
                       check=share.check_links(data.sort_values("year", ascending=False).groupby("country").head(3)
                                               if not data.empty else data,
                                               lambda r: f"{r['country_label']} {r['period_label']}"))
    multi = q.preferred(ds.table)
    multi = multi[(multi["indicator"] == indicator) & ~multi["single_year"] & (multi["unit"] == unit)
                  & (multi["breakdown"] == "total") & multi["country"].isin(countries)]
    if not multi.empty:
        st.caption("Multi-year totals (not drawn on the yearly line): "
                   + "; ".join(f"{cb.country_label(r.country)} {r.period_label}: "
                               f"{fmt_value(r.value, r.suppressed, r.unit)}"
                               + ("" if cb.is_official(r.grade) else f" ({cb.grade_shown_as(r.grade)})")
                               for r in multi.itertuples()))
else:
    a11y.set_title("Justice chain", "Trends")
    data = memo.query(ds, q.chain_data, ds.table, cb, countries=countries, year_from=years[0], year_to=years[1],
                      unconfirmed=bool(unconfirmed))
    stages = [cb.indicator_label(i, short=True) for i in q.CHAIN]
    title = f"Justice chain, {years[0]}–{years[1]}"
    st.markdown("From identified victims to convictions: each line is one step of the criminal-justice "
                "response. Steps count different things (persons or cases) and come from different "
                "registers, so they are not a strict funnel.")
    ch = memo.spec(ds, chain_chart, data, title=title, unit_text="persons or cases (see table)",
                     source_line=source_line(q.source_ids_of(data), ds.sources), stage_order=stages)
    frame.chart(ch, key="chain_chart",
                alt_text=(f"Small multiples, one panel per country: {title}; lines for "
                          f"{', '.join(stages)}. The numbers per country and year are in the table below."))
    tbl = memo.query(ds, q.chain_table, data, cb)
    frame.table(tbl, alt_text="Justice chain per country and year")
    share.export_panel(ch, ex.tidy(data), sources=ds.sources, meta=ds.meta, key="chain_export",
                       name=dict(countries=countries, indicator="justice-chain", period=f"{years[0]}-{years[1]}"))
    if not data.empty:
        units = data.groupby("stage")["unit"].agg(lambda u: ", ".join(sorted(set(u))))
        st.caption("Units: " + "; ".join(f"{s}: {u}" for s, u in units.items()))
    else:
        st.caption("No justice-chain data for this selection.")
