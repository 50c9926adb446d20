"""Check a figure: every source's value for one figure side by side, the one the dashboard uses and
why, the flags, the country's definition, and a ready-to-paste citation. Deep-linkable:

    /check?fig=EE~2022~2022~victims~total~total~persons
"""

import streamlit as st

from components.core import i18n
from components.core.provenance import PRECEDENCE_TEXT
from components.core.style import md_escape
from components.ui import a11y, controls, own, page_data, render, share
from components.ui.picker import figure_picker

PAGE = "check"

ds = page_data.dataset()
opts = page_data.options(ds)
st.title(i18n._("Check a figure"))
st.markdown(
    i18n._(
        "Pick a figure to see **every source's value side by side**, which one the charts use and why, "
        "what the country counts, and a citation you can paste."
    )
)
shown = controls.bind(PAGE, ds, opts, custom={"figure": lambda v: figure_picker(ds, opts, v)})
if shown.figure is None:
    st.warning(i18n._("No figure for this choice."))
    st.stop()
built = page_data.page_build(ds, shown, opts)
fig, x = built.main, built.page

a11y.section_heading(i18n._("The figure"))  # its label below is an h3
st.subheader(fig.title)
if x.used is not None:
    st.metric(
        i18n.ngettext(
            "The dashboard uses ({n} source gives this figure)",
            "The dashboard uses ({n} sources give this figure)",
            x.n_sources,
        ).format(n=x.n_sources),
        x.used,
        help=i18n._("The value drawn in every chart and map for this figure."),
    )
    if x.unconfirmed:
        st.warning(
            i18n._(
                "**Unconfirmed** ({grade}): no official-grade source gives this figure, so the charts leave "
                "it out unless *Include unconfirmed figures* is on. Quote it only with its source."
            ).format(grade=md_escape(x.unconfirmed)),
            icon=":material/help:",
        )
else:
    st.warning(
        i18n._("No source's value is used for this figure (see the flags): the charts leave it out."),
        icon=":material/block:",
    )
render.table(
    fig.table,
    alt_text=fig.alt_text,
    key="check_sources",
    column_config={
        "Used": st.column_config.CheckboxColumn(i18n._("Used")),
        "Link": st.column_config.LinkColumn(i18n._("Link")),
        "Copy read at": st.column_config.LinkColumn(i18n._("Copy read at")),
    },
)
for line in own.figure_lines(shown.figure):  # an upload's value: beside the sources, never one of them
    st.caption(md_escape(line))
st.markdown(i18n._("**Why this one:** {why}").format(why=md_escape(x.why)))
with st.expander(i18n._("The precedence rule")):
    st.caption(i18n._(PRECEDENCE_TEXT) + " " + i18n._("Rank: lower wins."))
if x.flags:
    st.markdown(i18n._("**Flags on these figures**"))
    for label, meaning in x.flags:
        st.caption(md_escape(label + (f": {meaning}" if meaning and meaning != label else "")))

st.markdown(
    i18n._("**What {country} counts as “{indicator}”**").format(
        country=md_escape(x.country_label), indicator=md_escape(x.indicator_label.lower())
    )
)
for definition in x.definitions:
    st.markdown(md_escape(definition))
if not x.definitions:
    st.caption(i18n._("No country-specific definition recorded."))
if x.harmonised:
    st.caption(i18n._("Harmonised definition: {text}").format(text=md_escape(x.harmonised)))
st.markdown(i18n._("**Cite this figure**"))
st.code(x.citation, language=None, wrap_lines=True)
share.sources_expander(fig.rows, ds.sources, key="check")
