"""Overview: the latest year with data per country, as cards."""

import streamlit as st

from components.core import i18n
from components.core.style import md_escape
from components.ui import a11y, controls, my_deck, own, page_data, render, share

PAGE = "overview"
CAVEAT = i18n.N_(
    "**Registered victims are the cases that authorities detected, not how many people are "
    "trafficked.** More victims in the statistics can mean more trafficking, or better detection."
)

ds = page_data.dataset()
opts = page_data.options(ds)
st.title(i18n._("Trafficking in human beings in the Baltic states"))
st.markdown(i18n._(CAVEAT))
shown = controls.bind(PAGE, ds, opts)
built = page_data.page_build(ds, shown, opts)
main, x = built.main, built.page
spark = {f.key: f for f in built.figures[1:]}
if x.years:
    st.caption(x.years)

a11y.section_heading(i18n._("Latest figures per country"))  # the cards' country names are h3
for col, card in zip(st.columns(len(x.cards)) if x.cards else [], x.cards):
    with col.container(border=True):
        st.subheader(card.country_label)
        if card.year is None:
            st.markdown(i18n._("*No official figure* for registered victims."))
            if card.newer:
                st.caption(md_escape(card.newer))
            continue
        st.metric(
            card.metric_label,
            card.value,
            delta=card.delta,
            delta_color="off",
            delta_arrow=card.delta_arrow,  # the text's minus is typographic ('−35'): the arrow is said, not read
            help=i18n._(
                "Change against the previous year, in persons. Not shown across a series break or "
                "when a value is suppressed (<5)."
            ),
        )
        if card.comparability:  # before the change and the rate: this year counts something else
            st.warning(md_escape(card.comparability), icon=":material/compare_arrows:")
        if card.change_note:
            note = card.change_note  # a note may end in an abbreviation's full stop ('2023 г.'): one stop
            st.caption(i18n._("Change: {note}").format(note=note) + ("" if note.endswith(".") else "."))
        if card.newer:
            st.markdown("⚠ " + md_escape(card.newer))
        if card.rate:
            st.markdown(card.rate)
        else:
            st.caption(card.rate_missing)
        if f"spark-{card.country}" in spark:
            render.chart(spark[f"spark-{card.country}"])
        if card.forms:
            st.markdown(f"**{card.forms[0]}**: " + "; ".join(f"{md_escape(n)} ({v})" for n, v in card.forms[1]))
        else:
            st.caption(i18n._("No breakdown by form of exploitation."))
        if card.flags:
            st.caption(i18n._("Flags: {flags}").format(flags=md_escape(card.flags)))
        st.caption(md_escape(card.source))
        for line in own.card_lines(card.country, card.year):  # an upload's figure: beside, labelled
            st.caption(md_escape(line))

render.key_facts(main, ds)
with st.expander(i18n._("Numbers behind the cards")):
    render.table(x.numbers, alt_text=i18n._("Registered victims per country and year"))

st.caption(i18n._("Download the figures behind the cards (as one line chart, with sources):"))
share.export_panel(main, ds, view=shown)
my_deck.add_button(shown.view)  # the view as a slide of your own deck
st.page_link("app_pages/compare.py", label=i18n._("Compare the countries in detail"), icon=":material/arrow_forward:")
st.page_link(
    "app_pages/trends.py", label=i18n._("See the trends and the justice chain"), icon=":material/arrow_forward:"
)
