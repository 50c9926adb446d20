"""Compare: one indicator and period, the countries side by side, by breakdown."""

import streamlit as st

from components.core import i18n
from components.core.style import md_escape
from components.ui import controls, my_deck, own, page_data, render

PAGE = "compare"

ds = page_data.dataset()
opts = own.options(ds, page_data.options(ds))  # with this session's figures: their indicators, years
st.title(i18n._("Compare the countries"))
shown = controls.bind(PAGE, ds, opts)
built = own.beside(own.page_build(ds, shown, opts), ds, PAGE, shown)  # yours beside, never mixed in
fig, x = built.main, built.page
if x.period_note:
    st.caption(x.period_note)
if x.missing:
    st.info(x.missing.text, icon=":material/info:")
    if x.missing.period:
        st.button(
            i18n._("Show {period}").format(period=x.missing.period),
            on_click=controls.set_value,
            args=(PAGE, "period", x.missing.period),
            key="compare_nearest",
        )
render.figure(fig, ds, view=shown)
if not own.session_only(ds, shown, opts):  # a deck holds views of the official data: it is shown elsewhere
    my_deck.add_button(shown.view)  # the view as a slide of your own deck

if x.row_notes:
    with st.expander(i18n._("Notes on these figures ({n})").format(n=len(x.row_notes))):
        for note in x.row_notes:
            st.caption(md_escape(note))
if x.definitions:
    with st.expander(i18n._("What each country counts as “{indicator}”").format(indicator=x.indicator_label.lower())):
        for country, definition in x.definitions:
            st.markdown(f"**{md_escape(country)}** — {md_escape(definition)}")
