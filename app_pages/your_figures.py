"""Add your figures: an organisation's own counts, checked, shown beside the official figures (never mixed in)."""

import streamlit as st

from components import frame, own, uploads
from components.i18n import _
from components.style import fmt_number

ds = frame.dataset()
st.title(_("Add your figures"))
st.markdown(_("Put your organisation's own counts (persons assisted, hotline contacts, presumed victims referred) "
              "next to the official figures, for a training or a report.") + "\n\n"
            + "1. " + _("Download the template (CSV or Excel) and fill in one row a figure.") + "\n"
            + "2. " + _("Upload it here. Every row is checked; each problem is listed by row and column, good rows "
                        "are kept and the others shown.") + "\n"
            + "3. " + _("Open Compare or Trends: your figures appear beside the official ones, marked □ and labelled "
                        "as yours; never added to them, never instead of them, never turned into a rate."))
st.info(_("Your figures stay in this browser session only: nothing is stored on the server, and they are gone "
          "when you close or reload the tab. Download them below to keep them."), icon=":material/lock:")

a, b = st.columns(2)
a.download_button(_("Template (CSV)"), data=uploads.template_csv, file_name="thb-baltic_your-figures_template.csv",
                  mime="text/csv", on_click="ignore", icon=":material/download:", key="own_template_csv",
                  width="stretch")
b.download_button(_("Template (Excel, with lists of codes)"), data=lambda: uploads.template_xlsx(ds.codebook),
                  file_name="thb-baltic_your-figures_template.xlsx", on_click="ignore", icon=":material/download:",
                  mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="own_template_xlsx",
                  width="stretch")

file = st.file_uploader(_("Upload your filled-in template"), type=["csv", "txt", "xlsx"], key="own_file",
                        max_upload_size=uploads.MAX_MB)
st.caption(_("At most {mb} MB and {rows} rows a file. CSV (comma or semicolon; UTF-8, UTF-16 or Windows-1257; "
             "decimal commas are read) or Excel .xlsx without macros or links to other files.").format(
    mb=uploads.MAX_MB, rows=fmt_number(uploads.MAX_ROWS)))

if file is not None:
    up = own.upload(file, ds)
    st.markdown(uploads.summary_text(up))
    if up.problems:
        st.warning(_("{n} problem(s) found: the rows with problems were not kept. Correct them in your file and "
                     "upload it again.").format(n=len(up.problems)), icon=":material/error:")
        st.dataframe(up.problems_table(), hide_index=True, key="own_problems")
        if not up.refused.empty:
            with st.expander(_("Rows not kept ({n})").format(n=len(up.refused))):
                st.dataframe(up.refused, hide_index=True, key="own_refused")

kept = own.rows()
if kept is not None:
    st.subheader(_("Your figures in this session"))
    st.dataframe(uploads.template_frame(kept), hide_index=True, key="own_kept")
    c1, c2, c3, c4 = st.columns(4)
    c1.download_button(_("Download your figures"), data=lambda: uploads.figures_csv(own.rows()),
                       file_name="thb-baltic_your-figures.csv", mime="text/csv", on_click="ignore",
                       icon=":material/download:", key="own_download",
                       help=_("The template with your figures: upload it again in a later session."))
    query = own.link_params(ds, frame.options(ds))  # a view that draws them
    c2.page_link("app_pages/compare.py", label=_("See them on Compare"), icon=":material/bar_chart:",
                 query_params=query)
    c3.page_link("app_pages/trends.py", label=_("See them on Trends"), icon=":material/show_chart:",
                 query_params={k: v for k, v in query.items() if k == "ind"})
    c4.button(_("Forget my figures"), on_click=own.forget, icon=":material/delete:", key="own_forget")
