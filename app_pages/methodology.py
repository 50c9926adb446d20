"""Methodology: definitions per country, precedence, coverage, conflicts, licences, citation."""

import streamlit as st

from components import controls, frame, memo, share
from components import provenance as prov
from components import queries as q
from components.charts import coverage_chart
from components.cite import dataset_citation, licences, source_line
from components.style import fmt_value, md_escape
from etl.figure_key import KEY

ds = frame.dataset()
cb = ds.codebook
view = controls.start("methodology", frame.options(ds))
controls.finish(view)

st.title("Methodology")
st.markdown(
    "**What the numbers are.** These are official statistics: victims, suspects and cases that authorities "
    "registered. Registered victims are the cases authorities detected, not how many people are trafficked; "
    "changes can reflect police priorities, new laws or new registers as much as changes in trafficking. "
    "Counts below 5 are withheld by some sources and shown as “<5”, never as 0. Rates per million are "
    "computed when the dataset is built, from a cited population figure.")

st.header("What each country counts")
defs = ds.country_definitions
if not defs.empty and {"country", "indicator", "definition"} <= set(defs.columns):
    codes = q.sort_countries(defs["country"].unique())
    tabs = st.tabs([cb.country_label(c) for c in codes])
    for tab, code in zip(tabs, codes):
        with tab:
            d = defs[defs["country"] == code].copy()
            d["order"] = [cb.indicator_order(i) for i in d["indicator"]]
            for r in d.sort_values("order").itertuples():
                st.markdown(f"**{cb.indicator_label(r.indicator)}**")
                st.text(r.definition)
                if getattr(r, "source_ids", ""):
                    st.caption("Sources: " + source_line(str(r.source_ids).split(";"), ds.sources, max_n=6)
                               .split(": ", 1)[-1])
else:
    st.caption("codebook/country_definitions.csv not available.")
ind = cb.indicators
if not ind.empty and {"indicator", "definition"} <= set(ind.columns):
    with st.expander("Harmonised indicators (codebook)"):
        frame.table(ind.rename(columns=str.capitalize), alt_text="Indicator codebook")

st.header("How sure is a figure: evidence grades")
st.markdown("Every source is rated by what it is, not by whom it quotes: a news report that quotes a ministry "
            "is a news report. Charts, cards, the map and exports show **official-grade** figures; a figure "
            "known only from a weaker source is **unconfirmed**: it is listed on the Data and Check pages with its "
            "grade, and drawn on a chart only when you switch on *Include unconfirmed figures* (with its own "
            "mark). Where a news report quotes an official document that is itself listed, the citation names "
            "the document.")
grades = cb.grades
if not grades.empty and {"grade", "label", "official", "definition"} <= set(grades.columns):
    g = grades.rename(columns={"label": "Grade", "definition": "What it is", "shown_as": "Shown as"})
    g["Charted by default"] = g["official"].map({"yes": "yes", "no": "no (unconfirmed)"})
    frame.table(g[["Grade", "Charted by default", "Shown as", "What it is"]], alt_text="Evidence grades")

st.header("Which source is shown when several give the same figure")
st.markdown(prov.PRECEDENCE_TEXT)
prec = memo.query(ds, prov.precedence_table, ds.data_dir)
if not prec.empty:
    frame.table(prec, alt_text="Precedence of source grades")

st.header("Breakdowns: which categories add up")
st.markdown("A breakdown (by sex, age, form of exploitation, citizenship…) is always taken whole from one source. "
            "Where the categories **exclude each other** they must add up to no more than the total (a “<5” counted "
            "as at least 1); a set that adds up to more cannot be right and is not charted. Where they **overlap** "
            "(a conviction can involve several forms of exploitation), the bars are drawn side by side, never "
            "stacked or shown as 100 %. A category the source does not give is shown as “not given by this "
            "source”, never as an empty bar.")
rules = cb.breakdown_rules
if not rules.empty and {"indicator", "breakdown", "kind", "note"} <= set(rules.columns):
    r = rules.copy()
    r["Indicator"] = [("all" if i == "*" else cb.indicator_label(i)) for i in r["indicator"]]
    r["Breakdown"] = [cb.breakdown_label(b) for b in r["breakdown"]]
    r = r.rename(columns={"kind": "Categories", "note": "Why"})
    frame.table(r[["Breakdown", "Indicator", "Categories", "Why"]], alt_text="Breakdown rules")

st.header("Coverage")
cov = memo.query(ds, q.coverage, ds.table, cb)
frame.chart(memo.spec(ds, coverage_chart, cov, title="Which figures exist: country × year × indicator",
                      source_line=source_line(memo.query(ds, q.total_source_ids, ds.table), ds.sources)),
            alt_text=("Heatmap of data coverage: for each country, indicator and year, whether a total exists, "
                      "is suppressed, or has no preferred value, and how many sources give it. "
                      "The table below lists the same."), key="coverage_chart")
if not cov.empty:
    wide = cov.pivot_table(index=["country_label", "indicator_label"], columns="year", values="n_sources",
                           aggfunc="first").fillna(0).astype(int).reset_index()
    wide.columns = [str(c) for c in wide.columns]
    with st.expander("Coverage as a table (number of sources per country, indicator and year)"):
        frame.table(wide.rename(columns={"country_label": "Country", "indicator_label": "Indicator"}),
                    alt_text="Coverage table")

st.header("Known conflicts between sources")
conf = memo.query(ds, prov.conflicts, ds.table, ds.sources, cb)
if conf.empty:
    st.caption("No figure has sources that disagree.")
else:
    conf = conf.copy()
    conf["Value"] = [fmt_value(v, s, u) for v, s, u in zip(conf["value"], conf["suppressed"], conf["unit"])]
    conf["Unit"] = [cb.unit_label(u) for u in conf["unit"]]
    conf["Category"] = conf["category_label"]
    st.caption(f"{conf[KEY].drop_duplicates().shape[0]} figures where sources give different values "
               "or a conflict was flagged. The preferred value is the one shown in charts.")
    frame.table(conf.rename(columns={"country_label": "Country", "period_label": "Period",
                                     "indicator_label": "Indicator", "preferred": "Preferred", "title": "Source",
                                     "flags": "Flags", "note": "Note"})[
        ["Country", "Period", "Indicator", "Category", "Unit", "Value", "Preferred", "Source", "Flags", "Note"]],
        alt_text="Figures on which sources disagree")

st.header("Sources and licences")
frame.table(licences(ds.sources), alt_text="Sources and their licences",
            column_config={"Link": st.column_config.LinkColumn("Link")})

st.header("How to cite")
citation = dataset_citation(ds.meta)
st.markdown(md_escape(citation))
share.copy_box("Copy the citation", citation)
st.caption("Please also cite the original publisher of any figure you quote (named under each chart).")
