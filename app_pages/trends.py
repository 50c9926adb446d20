"""Trends: lines per country over the years, and the justice chain."""

import streamlit as st

from components.core import i18n
from components.ui import a11y, controls, my_deck, own, page_data, render

PAGE = "trends"
CHAIN_INTRO = i18n.N_(
    "From identified victims to convictions: each line is one step of the criminal-justice response. "
    "Steps count different things (persons or cases) and come from different registers, so they are "
    "not a strict funnel. Under each country's name: convictions per 100 registered victims, totals "
    "over the latest five years with official figures for both; an order of magnitude, not a success "
    "rate (see the notes under the chart)."
)

ds = page_data.dataset()
opts = own.options(ds, page_data.options(ds))  # with this session's figures: their indicators, years
st.title(i18n._("Trends over time"))
shown = controls.bind(PAGE, ds, opts)
fig = own.beside(own.page_build(ds, shown, opts), ds, PAGE, shown).main  # yours beside, never mixed in
if shown.chart == "chain":
    a11y.set_title(i18n._("Justice chain"), i18n._("Trends"))
    st.markdown(i18n._(CHAIN_INTRO))
render.figure(fig, ds, view=shown)
if not own.session_only(ds, shown, opts):  # a deck holds views of the official data: it is shown elsewhere
    my_deck.add_button(shown.view)  # the view as a slide of your own deck
