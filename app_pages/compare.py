"""Compare: one indicator and period, the countries side by side, by breakdown."""

import streamlit as st

from components.core import i18n
from components.core.style import md_escape
from components.ui import controls, my_deck, own, page_data, render

PAGE = "compare"

ds = page_data.dataset()
opts = own.options(ds, page_data.options(ds))  # with this session's figures: their indicators, years
st.title(i18n._("Compare the countries"))
view, values = controls.bind(PAGE, ds, opts)
fig = own.beside(own.figures(ds, view, opts)[0], ds, PAGE, values)  # yours beside, never mixed in
if fig.extra["period_note"]:
    st.caption(fig.extra["period_note"])
if fig.extra["missing"]:
    st.info(fig.extra["missing"]["text"], icon=":material/info:")
    if fig.extra["missing"]["period"]:
        st.button(
            i18n._("Show {period}").format(period=fig.extra["missing"]["period"]),
            on_click=controls.set_value,
            args=(PAGE, "period", fig.extra["missing"]["period"]),
            key="compare_nearest",
        )
render.figure(fig, ds)
if not own.session_only(ds, view, opts):  # a deck holds views of the official data: it is shown elsewhere
    my_deck.add_button(view)  # the view as a slide of your own deck

if fig.extra["row_notes"]:
    with st.expander(i18n._("Notes on these figures ({n})").format(n=len(fig.extra["row_notes"]))):
        for note in fig.extra["row_notes"]:
            st.caption(md_escape(note))
if fig.extra["definitions"]:
    with st.expander(
        i18n._("What each country counts as “{indicator}”").format(indicator=fig.extra["indicator_label"].lower())
    ):
        for country, definition in fig.extra["definitions"]:
            st.markdown(f"**{md_escape(country)}** — {md_escape(definition)}")
