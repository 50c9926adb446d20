"""Map: the three states shaded by one indicator and period, optional flows, a country's detail.

Thin page: view state from the URL -> query -> `components.map.build` -> render. Offline: the base
map is our own blank style (static/blank-style.json) and our own geometry (data/geo/).
"""

import pandas as pd
import streamlit as st

from components import a11y, controls, frame, geo, memo, safe_html, share
from components import export as ex
from components import map as mp
from components import queries as q
from components.charts import compare_chart, trend_chart
from components.cite import source_line
from components.style import BALTIC, MEASURE_LABELS, fmt_value
from components.view_state import ViewState

PAGE = "map"
K = lambda f: controls.wkey(PAGE, f)  # noqa: E731
DECK_KEY = "map_deck"

ds = frame.dataset()
opts = frame.options(ds)
view = controls.start(PAGE, opts)
cb = ds.codebook


def _on_select() -> None:
    """A click on a state opens its detail (and goes into the URL); a click beside closes it."""
    st.session_state[K("sel")] = mp.selected_country(st.session_state.get(DECK_KEY)) or controls.NONE


st.title("Map")

c1, c2, c3, c4 = st.columns([3, 2, 2, 2])
indicator = controls.select("Indicator", opts.indicators, K("indicator"), default=opts.indicator_default(),
                            fmt=cb.indicator_label, container=c1,
                            help="What is counted. Definitions differ by country: see Methodology.")
periods = opts.periods_for(indicator)
pdefault = opts.period_default_for(indicator)
period = controls.select("Year or period", periods, K("period"), default=pdefault, container=c2,
                         help="Multi-year periods (e.g. 2012-2016) are totals as published.")
measure = controls.segmented("Measure", opts.measures_for(indicator), K("measure"), default="absolute",
                             fmt=MEASURE_LABELS.get, container=c3)
baltic = [c for c in BALTIC if c in opts.countries]
sel = controls.select("Country detail", [controls.NONE] + baltic, K("sel"), default=controls.NONE,
                      fmt=lambda c: "none (click a country)" if c == controls.NONE else cb.country_label(c),
                      container=c4, help="Or click a country on the map.")
flows = controls.toggle("Show flows (victims by citizenship and by country of repatriation)", K("flows"),
                        default=False,
                        help="UNODC GLOTIP rows for the chosen year: arcs into a state from the capital of the "
                             "victims' country of citizenship, and out of it to the capital of the country they "
                             "were repatriated from. Arc width follows the count; '<5' is drawn as such.")
sel = sel or None
unconfirmed = controls.toggle("Include unconfirmed figures", K("unconfirmed"), default=False,
                              help="Also shade a state by a figure known only from news reports or secondary "
                                   "sources. By default the map shows official-grade figures only.")

view = ViewState(page=PAGE, indicator=indicator, period=None if period == pdefault else period,
                 measure=measure, sel=sel, flows=bool(flows), unconfirmed=bool(unconfirmed))
controls.finish(view)

unit = memo.query(ds, q.unit_for, ds.table, indicator, measure)
spec = memo.shared(ds, mp.build, ds.table, ds.sources, cb, indicator=indicator, period=period, unit=unit, sel=sel,
                   flows=bool(flows), unconfirmed=bool(unconfirmed))
label = cb.indicator_label(indicator)
unit_text = cb.unit_label(unit)

map_col, detail_col = st.columns([3, 2])
with map_col:
    st.markdown(f"**{label}, {period or 'no period'}** — {unit_text}")
    st.pydeck_chart(spec.deck, height=mp.HEIGHT, on_select=_on_select, selection_mode="single-object",
                    key=DECK_KEY, alt=spec.alt_text)
    swatches = [safe_html.fragment(
        "<span style='white-space:nowrap;margin-right:0.9em'><span style='display:inline-block;width:0.9em;"
        "height:0.9em;background:{color};border:1px solid #666;vertical-align:middle'></span> {label}</span> ",
        color=i["color"], label=i["label"]) for i in spec.legend]
    safe_html.markdown("<div style='font-size:0.85rem;line-height:1.8'><b>{unit}</b> &nbsp; {swatches}</div>",
                       unit=unit_text.capitalize(), swatches=swatches)
    if flows:
        safe_html.markdown(
            "<div style='font-size:0.85rem'><span style='color:#CC79A7'>━━</span> victims of foreign citizenship "
            "detected in the state &nbsp; <span style='color:#332288'>━━</span> victims repatriated from another "
            "country · arc width by count; '&lt;5' drawn at a fixed width; a thin faint arc = reported, no count. "
            "Arc ends are capitals and stand for the whole country.</div>")
        if spec.flows.empty:
            st.caption(f"No victims by citizenship or country of repatriation are recorded for {period} "
                       + (f"in {cb.country_label(sel)}." if sel else "in the three states."))

with detail_col:
    if not sel:
        st.info("Click a country on the map, or choose it under *Country detail*, to see its figures over "
                "time and by form of exploitation, with their sources.", icon=":material/touch_app:")
    else:
        a11y.section_heading("Country detail")  # the country's name below is an h3
        st.subheader(cb.country_label(sel))
        tdata = memo.query(ds, q.trend_data, ds.table, cb, indicator=indicator, unit=unit, countries=[sel],
                           unconfirmed=bool(unconfirmed))
        frame.chart(memo.spec(ds, trend_chart, tdata, title=f"{label} over time", unit_text=unit_text,
                              source_line=source_line(q.source_ids_of(tdata), ds.sources)),
                    alt_text=f"Line chart: {label} in {cb.country_label(sel)} over time, {unit_text}.",
                    key="map_detail_trend")
        bds = memo.query(ds, q.breakdowns_available, ds.table, indicator, period)
        if "exploitation" in bds:
            edata = memo.query(ds, q.compare_data, ds.table, cb, indicator=indicator, period=period or "",
                               breakdown="exploitation", unit=unit, countries=[sel], unconfirmed=bool(unconfirmed))
            frame.chart(memo.spec(ds, compare_chart, edata, title=f"By form of exploitation, {period}",
                                  unit_text=unit_text, source_line=source_line(q.source_ids_of(edata), ds.sources)),
                        alt_text=f"Bar chart: {label} in {cb.country_label(sel)} by form of exploitation, "
                                 f"{period}, {unit_text}.", key="map_detail_exploitation")
        else:
            st.caption(f"No breakdown by form of exploitation for {label.lower()} in {period}.")

shown = spec.choropleth.copy()
shown["Country"] = [cb.country_label(c) for c in shown["country"]]
shown["Value"] = ["no data" if s == "no_data" else fmt_value(v, sp, unit, lo, hi) for v, sp, s, lo, hi in
                  zip(shown["value"], shown["suppressed"], shown["status"], shown["value_low"], shown["value_high"])]
shown["Flags"] = [cb.flags_text(f) for f in shown["flags"].fillna("")]
shown = shown.rename(columns={"period_label": "Period", "source_id": "Source id", "note": "Note"})
frame.table(shown[["Country", "Period", "Value", "Source id", "Flags", "Note"]],
            alt_text=f"Table of the numbers on the map: {label}, {period}, {unit_text}")
if flows and not spec.flows.empty:
    fl = spec.flows.copy()
    fl["Country"] = [cb.country_label(c) for c in fl["country"]]
    fl["Partner"] = [cb.country_label(c) for c in fl["partner"]]
    fl["Direction"] = fl["direction"].map({"in": "citizenship (into the state)",
                                           "out": "repatriated from (out of the state)"})
    fl["Flags"] = [cb.flags_text(f) for f in fl["flags"].fillna("")]
    fl = fl.rename(columns={"label": "Victims", "source_id": "Source id", "source_location": "Where in the source"})
    frame.table(fl[["Country", "Direction", "Partner", "Victims", "Source id", "Where in the source", "Flags"]],
                alt_text=f"Table of the flow arcs, {period}")
_bars = memo.query(ds, q.compare_data, ds.table, cb, indicator=indicator, period=period or "", breakdown="total", unit=unit,
                   countries=list(BALTIC), unconfirmed=bool(unconfirmed))
st.caption("Downloads: the map's figures as a bar chart (PNG/SVG) and as a table (CSV).")
share.export_panel(memo.spec(ds, compare_chart, _bars, title=f"{label}, {period}", unit_text=unit_text,
                             source_line=source_line(q.source_ids_of(_bars), ds.sources)),
                   ex.tidy(spec.choropleth), sources=ds.sources, meta=ds.meta, key="map_export",
                   name=dict(countries=BALTIC, indicator=indicator, unit=unit, period=period),
                   source_rows=spec.choropleth if spec.flows.empty or not flows
                   else pd.concat([spec.choropleth, spec.flows], ignore_index=True))
st.caption(geo.ATTRIBUTION + ". Flow ends: capitals from GeoNames. Figures: see the sources above.")
