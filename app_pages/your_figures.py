"""Add your figures: an organisation's own counts, checked, shown beside the official figures (never mixed in)."""

import streamlit as st

from components.core import pages as registry
from components.core.i18n import _
from components.core.style import fmt_number, md_escape
from components.ui import own, page_data
from components.uploads import read as uploads

ds = page_data.dataset()
compare, trends = _(registry.page("compare").title), _(registry.page("trends").title)  # as the menu names them
st.title(_("Add your figures"))
st.markdown(
    _(
        "Put your organisation's own counts (persons assisted, hotline contacts, presumed victims referred) "
        "next to the official figures, for a training or a report."
    )
    + "\n\n"
    + "1. "
    + _("Download the template (CSV or Excel) and fill in one row a figure.")
    + "\n"
    + "2. "
    + _(
        "Upload it here. Every row is checked; each problem is listed by row and column, good rows "
        "are kept and the others shown."
    )
    + "\n"
    + "3. "
    + _(
        "Open {compare} or {trends}: your figures appear beside the official ones, marked □ and "
        "labelled as yours; never added to them, never instead of them, never turned into a "
        "rate."
    ).format(compare=compare, trends=trends)
)
st.info(
    _(
        "Your figures stay in this browser session only: nothing is stored on the server, and they are gone "
        "when you close or reload the tab. Download them below to keep them."
    ),
    icon=":material/lock:",
)

a, b = st.columns(2)
a.download_button(
    _("Template (CSV)"),
    data=uploads.template_csv,
    file_name="thb-baltic_your-figures_template.csv",
    mime="text/csv",
    on_click="ignore",
    icon=":material/download:",
    key="own_template_csv",
    width="stretch",
)
b.download_button(
    _("Template (Excel, with lists of codes)"),
    data=own.download(uploads.template_xlsx, ds.codebook),
    file_name="thb-baltic_your-figures_template.xlsx",
    on_click="ignore",
    icon=":material/download:",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="own_template_xlsx",
    width="stretch",
)

own.uploader_texts("own_file")  # the uploader's own English words, in the page's language
file = st.file_uploader(
    _("Upload your filled-in template"),
    type=["csv", "txt", "xlsx"],
    key="own_file",
    max_upload_size=own.UPLOAD_LIMIT_MB,
)
st.caption(
    _(
        "At most {mb} MB and {rows} rows a file. CSV (comma or semicolon; UTF-8, UTF-16 or Windows-1257; "
        "decimal commas are read) or Excel .xlsx without macros or links to other files."
    ).format(mb=uploads.MAX_MB, rows=fmt_number(uploads.MAX_ROWS))
)

kept = own.rows()
if file is not None:
    up = own.upload(file, ds)
    if up.refused_whole:  # nothing read: say why, and that the figures kept before are still there
        st.error(
            _("{file} was not read: {why}").format(file=md_escape(file.name), why=md_escape(up.problems[0].message))
            + ("\n\n" + _("Your figures from earlier files are still kept (below).") if kept is not None else ""),
            icon=":material/block:",
        )
    else:
        st.markdown(uploads.summary_text(up))
        for notice in up.notices:
            st.info(md_escape(notice), icon=":material/translate:")
        if up.warnings:
            st.warning(
                _("{n} value(s) look implausible: kept, but check them.").format(n=len(up.warnings)),
                icon=":material/warning:",
            )
            st.dataframe(up.warnings_table(), hide_index=True, key="own_warnings")
        if up.problems:
            st.warning(
                _(
                    "{n} problem(s) found: the rows with problems were not kept. Correct them in your file and "
                    "upload it again."
                ).format(n=len(up.problems)),
                icon=":material/error:",
            )
            st.dataframe(up.problems_table(), hide_index=True, key="own_problems")
            if not up.refused.empty:
                with st.expander(_("Rows not kept ({n})").format(n=len(up.refused))):
                    st.dataframe(up.refused, hide_index=True, key="own_refused")
    kept = own.rows()

if kept is not None:
    st.subheader(_("Your figures in this session"))
    st.dataframe(uploads.template_frame(kept), hide_index=True, key="own_kept")
    c1, c2 = st.columns(2)
    c1.download_button(
        _("Download your figures (CSV)"),
        data=own.download(uploads.figures_csv, kept),
        file_name="thb-baltic_your-figures.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
        key="own_download",
        width="stretch",
        help=_("Exactly the rows above, as the template holds them: upload the file again in a later session."),
    )
    c2.download_button(
        _("Download your figures (Excel)"),
        data=own.download(uploads.figures_xlsx, kept, ds.codebook),
        file_name="thb-baltic_your-figures.xlsx",
        on_click="ignore",
        icon=":material/download:",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="own_download_xlsx",
        width="stretch",
        help=_(
            "Exactly the rows above, in the Excel template (with its lists of codes): upload the "
            "file again in a later session."
        ),
    )
    opts = own.options(ds, page_data.options(ds))  # a view that draws them: their indicator, year and countries
    c3, c4, c5 = st.columns(3)
    c3.page_link(
        registry.page("compare").file,
        label=_("See them on {page}").format(page=compare),
        icon=":material/bar_chart:",
        query_params=own.link_params(ds, opts, "compare"),
    )
    c4.page_link(
        registry.page("trends").file,
        label=_("See them on {page}").format(page=trends),
        icon=":material/show_chart:",
        query_params=own.link_params(ds, opts, "trends"),
    )
    c5.button(_("Forget my figures"), on_click=own.forget, icon=":material/delete:", key="own_forget")
