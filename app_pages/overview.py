"""Overview: the latest year with data per country, as cards."""

import pandas as pd
import streamlit as st

from components import a11y, controls, frame, memo, share
from components import export as ex
from components import queries as q
from components.charts import sparkline, trend_chart
from components.cite import source_line
from components.style import BALTIC, fmt_number, fmt_value, md_escape
from components.view_state import ViewState

PAGE = "overview"
CAVEAT = ("**Registered victims are the cases that authorities detected, not how many people are "
          "trafficked.** More victims in the statistics can mean more trafficking, or better detection.")

ds = frame.dataset()
opts = frame.options(ds)
view = controls.start(PAGE, opts)
cb = ds.codebook

st.title("Trafficking in human beings in the Baltic states")
st.markdown(CAVEAT)

baltic = [c for c in opts.countries if c in BALTIC] or list(opts.countries)
countries = controls.multiselect("Countries", baltic, controls.wkey(PAGE, "countries"), default=BALTIC,
                                 fmt=cb.country_label)
view = ViewState(page=PAGE, countries=tuple(c for c in baltic if c in countries) or BALTIC)
controls.finish(view)
countries = list(view.countries)

label = cb.indicator_label("victims")
cards = memo.query(ds, q.overview_cards, ds.table, cb, countries)
years = {c["country"]: c["year"] for c in cards if c["year"]}
if len(set(years.values())) > 1:
    st.caption("The latest year with data differs by country: "
               + ", ".join(f"{cb.country_label(c)} {y}" for c, y in years.items()) + ".")

eu = memo.query(ds, q.chart_rows, ds.table, cb)  # official grade only: the benchmark is Eurostat's or none
eu = eu[(eu["country"] == "EU27") & (eu["indicator"] == "victims") & (eu["unit"] == "per_million")
        & (eu["breakdown"] == "total") & eu["single_year"]]


def newer_line(card) -> str | None:
    """'Also: 2024: 38 (unconfirmed: tertiary source, low confidence); 2021-2024: 149 (multi-year total, ...)'"""
    items = [f"{n['period']}: {fmt_value(n['value'], n['suppressed'], n['unit'])} ({', '.join(n['what'])})"
             for n in card["newer"]]
    if not items:
        return None
    lead = "Newer or other figures" if card["year"] else "Figures held"
    return f"{lead}: " + "; ".join(items) + ". See the Data page for their sources."


a11y.section_heading("Latest figures per country")  # the cards' country names are h3
cols = st.columns(len(cards)) if cards else []
for col, card in zip(cols, cards):
    with col.container(border=True):
        st.subheader(card["country_label"])
        if card["year"] is None:
            st.markdown("*No official figure* for registered victims.")
            if newer_line(card):
                st.caption(md_escape(newer_line(card)))
            continue
        delta = None
        if card["change"] is not None:
            delta = f"{card['change']:+,.0f} vs {card['prev_year']}"
        st.metric(f"{label}, {card['year']}",
                  fmt_value(card["value"], card["suppressed"], card["unit"]),
                  delta=delta, delta_color="off",
                  help="Change against the previous year, in persons. Not shown across a series break "
                       "or when a value is suppressed (<5).")
        if card["change_note"]:
            st.caption(f"Change: {card['change_note']}.")
        if newer_line(card):
            st.markdown("⚠ " + md_escape(newer_line(card)))
        if card["per_million"] is not None or card["per_million_suppressed"]:
            pm = "<5 persons" if card["per_million_suppressed"] else fmt_number(card["per_million"], "per_million")
            line = f"**{pm}** {cb.unit_label('per_million')}"
            e = eu[eu["period_start"] == card["year"]]
            if not e.empty and pd.notna(e.iloc[0]["value"]):
                line += f" (EU27: {fmt_number(e.iloc[0]['value'], 'per_million')}, from Eurostat figures)"
            st.markdown(line)
        else:
            st.caption(f"No rate per million for {card['year']}: the dataset holds no official population "
                       "figure (statistics office or Eurostat) for that year.")
        s = card["series"]
        if len(s) > 1:
            y0, y1 = int(s["period_start"].min()), int(s["period_start"].max())
            frame.chart(memo.spec(ds, sparkline, s, country=card["country"], title=f"{label}, {y0}–{y1}"),
                        alt_text=(f"Small trend line of {label.lower()} in {card['country_label']}, {y0} to {y1}; "
                                  f"latest {card['year']}: {fmt_value(card['value'], card['suppressed'], card['unit'])}. "
                                  "The numbers are in the table 'Numbers behind the cards'."),
                        key=f"spark_{card['country']}")
        if card["top_forms"]:
            fy = card["forms_year"]
            when = str(fy) if fy == card["year"] else f"{fy}, the latest year with this breakdown"
            st.markdown(f"**Main forms of exploitation** ({when}): "
                        + "; ".join(f"{md_escape(n)} ({fmt_number(v)})" for n, v in card["top_forms"]))
        else:
            st.caption("No breakdown by form of exploitation.")
        if card["flags"]:
            st.caption("Flags: " + md_escape(cb.flags_text(card["flags"])))
        st.caption(md_escape(source_line(q.source_ids_of(pd.DataFrame({"source_id": card["source_ids"]})),
                                         ds.sources)))

with st.expander("Numbers behind the cards"):
    rows = []
    for card in cards:
        for r in card["series"].itertuples():
            rows.append({"Country": card["country_label"], "Year": int(r.period_start),
                         label: fmt_value(r.value, r.suppressed, r.unit), "Source id": r.source_id,
                         "Flags": r.flags})
    frame.table(pd.DataFrame(rows), alt_text=f"{label} per country and year")

st.caption("Download the figures behind the cards (as one line chart, with sources):")
tdata = memo.query(ds, q.trend_data, ds.table, cb, indicator="victims", unit="persons", countries=countries)
if not tdata.empty:
    y0, y1 = int(tdata["year"].min()), int(tdata["year"].max())
    tch = memo.spec(ds, trend_chart, tdata, title=f"{label}, {y0}–{y1}", unit_text=cb.unit_label("persons"),
                      source_line=source_line(q.source_ids_of(tdata), ds.sources),
                      year_domain=(y0, y1))
    share.export_panel(tch, ex.tidy(tdata), sources=ds.sources, meta=ds.meta, key="overview_export",
                       name=dict(countries=countries, indicator="victims", unit="persons", period=f"{y0}-{y1}"))

st.page_link("app_pages/compare.py", label="Compare the countries in detail", icon=":material/arrow_forward:")
st.page_link("app_pages/trends.py", label="See the trends and the justice chain", icon=":material/arrow_forward:")
