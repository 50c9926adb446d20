"""Data: the harmonised table, filterable, with sources; one figure's sources side by side."""

import streamlit as st

from components.core import i18n
from components.core.provenance import PRECEDENCE_TEXT
from components.core.style import fmt_number, md_escape
from components.draw import files as ex
from components.ui import a11y, controls, page_data, render, share

PAGE = "data"
SIDE = [
    "Value",
    "preferred",
    "title",
    "publisher",
    "Evidence grade",
    "location_shown",
    "period_label",
    "Flags",
    "note",
    "url",
]

ds = page_data.dataset()
opts = page_data.options(ds)
st.title(i18n._("Data and sources"))
st.markdown(
    i18n._(
        "Every row of the harmonised dataset, with the document it comes from. Where several sources give "
        "the same figure, all are kept; the one the charts show is marked **preferred**. Select a row (or "
        "pick a figure below) to see every source's value side by side."
    )
)
shown = controls.bind(PAGE, ds, opts)
built = page_data.page_build(ds, shown, opts)
fig, x = built.main, built.page
st.caption(
    i18n.ngettext("{n} row", "{n} rows", len(fig.table)).format(n=fmt_number(len(fig.table)))
    + " · "
    + i18n.ngettext("{n} figure", "{n} figures", x.n_figures).format(n=fmt_number(x.n_figures))
)
dl = st.columns([1, 1, 3])
dl[0].download_button(
    i18n._("CSV of these rows"),
    data=share.in_language(lambda: ex.figure_csv(fig, ds.sources, ds.codebook)),
    file_name=ex.figure_file_name(fig, "csv"),
    mime="text/csv",
    on_click="ignore",
    icon=":material/download:",
    key="data_csv",
    help=i18n._("Exactly the rows in the table below (after the filters), with their sources"),
)
dl[1].download_button(
    i18n._("Full dataset (zip)"),
    data=lambda: ex.dataset_zip(ds.table, ds.sources, ds.data_dir, ds.meta),
    file_name=ex.dataset_zip_name(ds.meta),
    mime="application/zip",
    on_click="ignore",
    icon=":material/folder_zip:",
    key="data_zip",
    help=i18n._("Harmonised table, sources.csv, codebook and a README with citation, licences, caveats"),
)
picked = render.table(
    fig.table,
    alt_text=fig.alt_text,
    key="data_table",
    on_select="rerun",
    selection_mode="single-row",
    height=420,
    column_config={"Preferred": st.column_config.CheckboxColumn(i18n._("Preferred"), width="small")},
)
rows = getattr(getattr(picked, "selection", None), "rows", None) or []
if rows and 0 <= rows[0] < len(fig.table) and controls.pick(PAGE, "figure", x.keys[rows[0]]):
    st.rerun()
if fig.table.empty:
    st.caption(i18n._("**No row matches these filters.** Widen the years, the grade or the search."))

controls.select_field(
    PAGE,
    "figure",
    x.figures,
    x.labels.get,
    label=i18n._("Figure (the list offers figures given by several sources)"),
    none_label=i18n._("— choose a figure —"),
)
side = x.selected
if side:
    a11y.section_heading(i18n._("The selected figure"))  # its label below is an h3
    st.subheader(side.label)
    render.table(
        side.rows[SIDE].rename(
            columns={
                "preferred": "Preferred",
                "title": "Source",
                "publisher": "Publisher",
                "location_shown": "Location",
                "period_label": "Period as printed",
                "note": "Note",
                "url": "Link",
            }
        ),
        alt_text=i18n._("Every source's value for the selected figure"),
        column_config={
            "Preferred": st.column_config.CheckboxColumn(i18n._("Preferred")),
            "Link": st.column_config.LinkColumn(i18n._("Link")),
        },
    )
    st.markdown(i18n._("**Why this one:** {why}").format(why=md_escape(side.why)))
    st.caption(i18n._(PRECEDENCE_TEXT))
    st.page_link(
        "app_pages/check.py",
        label=i18n._("Check this figure: definition, flags and a citation to paste"),
        icon=":material/fact_check:",
        query_params={"fig": side.figure},
    )
