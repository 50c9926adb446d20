"""The frame: page config, navigation, shared sidebar and footer. Pages live in app_pages/.

(Not `pages/`: a folder of that name makes Streamlit run a deep-linked page without this frame
on the first request after a server start.)
"""

import streamlit as st

from components.builders.common import derived
from components.core import i18n, pages as registry
from components.core.cite import dataset_citation, licence_summary
from components.core.i18n import _
from components.core.style import md_escape
from components.ui import a11y, language, page_data
from components.ui.controls import reset
from components.ui.share import copy_box, copy_link
from components.view.params import PAGE_FIELDS

language.decide()  # before any text: the link's lang=, the session's choice, the browser's language, English
st.set_page_config(page_title=_(a11y.SITE_NAME), page_icon="📊", layout="wide")

PAGES = [
    st.Page(p.file, title=_(p.title), icon=p.icon, default=p.default, **({"url_path": p.url} if p.url else {}))
    for p in registry.PAGES
]  # one registry: navigation, view fields, builders, decks, the data API
page = st.navigation(PAGES, position="sidebar")
page_id = page.url_path or "overview"
a11y.set_title(page.title)  # a <title> per page (a page may name its view: Trends' justice chain)
a11y.frame()  # language, skip link, contrast, focus outlines, reflow

ds = page_data.load_or_error()


def _as_of(meta) -> str:
    """The data's date in words in the language shown ('30 November 2026'), or as written when no date."""
    value = meta.get("data_as_of")
    return i18n.current().date(value) if value else _("unknown")


with st.sidebar:
    language.picker()
    st.markdown("**" + _("Trafficking in human beings — Estonia, Latvia, Lithuania") + "**")
    st.caption(_("Official statistics, every figure traceable to its source."))
    if ds is not None:
        meta = ds.meta
        st.caption(
            _("Dataset {version} · data as of {date}").format(
                version=meta.get("dataset_version") or _("version unknown"), date=_as_of(meta)
            )
        )
    st.caption(_("The address bar always holds the current view: copy it to share exactly what you see."))
    link_slot = st.container()  # filled after the page ran (the page writes its view into the URL)
    if PAGE_FIELDS.get(page_id) and st.button(_("Reset this view"), icon=":material/restart_alt:", key="reset_view"):
        reset(page_id)
        st.rerun()

if ds is not None:
    page.run()
    copy_link("" if page_id == "overview" else page_id, container=link_slot)

# footer (every page)
st.divider()
if ds is not None:
    meta = ds.meta
    cols = st.columns([2, 3])
    with cols[0]:
        t = i18n.current()
        n_rows, n_sources = len(ds.table), len(ds.sources) if not ds.sources.empty else 0
        st.caption(
            "**"
            + _("Dataset")
            + "** "
            + " · ".join(
                [
                    meta.get("dataset_version") or _("version unknown"),
                    _("data as of {date}").format(date=_as_of(meta)),
                    i18n.ngettext("{n} row", "{n} rows", n_rows).format(n=t.number(n_rows)),
                    i18n.ngettext("{n} source", "{n} sources", n_sources).format(n=t.number(n_sources)),
                ]
            )
        )
        st.caption(md_escape(derived(ds, f"licence_summary:{i18n.lang()}", lambda d: licence_summary(d.sources))))
        for w in ds.warnings:
            st.caption(f"⚠ {md_escape(w)}")
    with cols[1]:
        st.caption("**" + _("How to cite") + "**")
        citation = dataset_citation(meta)
        st.caption(md_escape(citation))
        copy_box(_("Copy the citation"), citation)
else:
    st.caption(_("No dataset loaded."))
