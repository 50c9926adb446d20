"""Methodology: definitions per country, evidence grades, precedence, breakdowns, coverage, conflicts,
licences, citation. The prose is here; every table comes from the page's builder."""

import streamlit as st

from components.core import i18n
from components.core.provenance import PRECEDENCE_TEXT
from components.core.style import md_escape
from components.ui import controls, page_data, render, share

ABOUT = i18n.N_(
    "**What the numbers are.** These are official statistics: victims, suspects and cases that authorities "
    "registered. Registered victims are the cases authorities detected, not how many people are trafficked; "
    "changes can reflect police priorities, new laws or new registers as much as changes in trafficking. "
    "Counts below 5 are withheld by some sources and shown as “<5”, never as 0. Rates per million are "
    "computed when the dataset is built, from a cited population figure."
)
GRADES = i18n.N_(
    "Every source is rated by what it is, not by whom it quotes: a news report that quotes a ministry is a "
    "news report. Charts, cards, the map and exports show **official-grade** figures; a figure known only "
    "from a weaker source is **unconfirmed**: it is listed on the Data and Check pages with its grade, and "
    "drawn on a chart only when you switch on *Include unconfirmed figures* (with its own mark). Where a news "
    "report quotes an official document that is itself listed, the citation names the document."
)
BREAKDOWNS = i18n.N_(
    "A breakdown (by sex, age, form of exploitation, citizenship…) is always taken whole from one source. "
    "Where the categories **exclude each other** they must add up to no more than the total (a “<5” "
    "counted as at least 1); a set that adds up to more cannot be right and is not charted. Where they "
    "**overlap** (a conviction can involve several forms of exploitation), the bars are drawn side by "
    "side, never stacked or shown as 100 %. A category the source does not give is shown as “not given "
    "by this source”, never as an empty bar."
)

ds = page_data.dataset()
opts = page_data.options(ds)
shown = controls.bind("methodology", ds, opts)
built = page_data.page_build(ds, shown, opts)
fig, x = built.main, built.page

st.title(i18n._("Methodology"))
st.markdown(i18n._(ABOUT))
st.header(i18n._("What each country counts"))
for tab, (_country, items) in zip(st.tabs([c for c, _ in x.definitions]) if x.definitions else [], x.definitions):
    with tab:
        for indicator, definition, sources in items:
            st.markdown(f"**{md_escape(indicator)}**")
            st.text(definition)
            if sources:
                st.caption(i18n._("Sources: {names}").format(names=md_escape(sources)))
if not x.definitions:
    st.caption(i18n._("codebook/country_definitions.csv not available."))
if x.indicators is not None:
    with st.expander(i18n._("Harmonised indicators (codebook)")):
        render.table(x.indicators, alt_text=i18n._("Indicator codebook"))

st.header(i18n._("How sure is a figure: evidence grades"))
st.markdown(i18n._(GRADES))
if x.grades is not None:
    render.table(x.grades, alt_text=i18n._("Evidence grades"))
st.header(i18n._("Which source is shown when several give the same figure"))
st.markdown(i18n._(PRECEDENCE_TEXT))
if not x.precedence.empty:
    render.table(x.precedence, alt_text=i18n._("Precedence of source grades"))
st.header(i18n._("Breakdowns: which categories add up"))
st.markdown(i18n._(BREAKDOWNS))
if x.rules is not None:
    render.table(x.rules, alt_text=i18n._("Breakdown rules"))

st.header(i18n._("Coverage"))
render.chart(fig)
if fig.table is not None:
    with st.expander(i18n._("Coverage as a table (number of sources per country, indicator and year)")):
        render.table(fig.table, alt_text=i18n._("Coverage table"))

st.header(i18n._("Known conflicts between sources"))
conflicts, n_conflicts = x.conflicts, x.n_conflicts
if conflicts.empty:
    st.caption(i18n._("No figure has sources that disagree."))
else:
    st.caption(
        i18n.ngettext(
            "{n} figure where sources give different values or a conflict was flagged.",
            "{n} figures where sources give different values or a conflict was flagged.",
            n_conflicts,
        ).format(n=n_conflicts)
        + " "
        + i18n._("The preferred value is the one shown in charts.")
    )
    render.table(conflicts, alt_text=i18n._("Figures on which sources disagree"))

st.header(i18n._("Sources and licences"))
render.table(
    x.licences,
    alt_text=i18n._("Sources and their licences"),
    column_config={
        "Link": st.column_config.LinkColumn(i18n._("Link")),
        "Copy read at": st.column_config.LinkColumn(i18n._("Copy read at")),
    },
)
st.header(i18n._("How to cite"))
st.markdown(md_escape(x.citation))
share.copy_box(i18n._("Copy the citation"), x.citation)
st.caption(i18n._("Please also cite the original publisher of any figure you quote (named under each chart)."))

st.header(i18n._("Languages"))
st.markdown(i18n.review_summary())
