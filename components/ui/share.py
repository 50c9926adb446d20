"""Streamlit glue for trust and reuse: the export panel under a chart and the "copy link" box.

The bytes come from components/draw/files.py (pure) and are built only when a button is clicked
(`data=` callables, `on_click="ignore"`: no rerun)."""

from __future__ import annotations

from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from components import store
from components.core import i18n
from components.core.cite import sources_detail
from components.core.i18n import N_, _
from components.core.pages import CHART_PAGES
from components.draw import embed, files as ex
from components.view.state import Resolved


def current_url(path: str = "") -> str:
    """The URL of the exact current view: the browser's address (st.context.url) + the view's query."""
    try:
        base = str(st.context.url or "")
    except Exception:
        base = ""
    if not base:
        base = "/" + path.strip("/")
    q = {}
    for k in st.query_params:
        vals = st.query_params.get_all(k)
        q[k] = ",".join(vals)
    return base + ("?" + urlencode(q, safe=",~") if q else "")


def copy_box(label: str, text: str, container=st, help: str | None = None) -> None:
    """`text` in a box with a copy button, behind a popover button.

    Why a popover: Streamlit's code box loads a 1.5 MB syntax-highlighting bundle, and the first
    paint of a page waits for it (measured: about a second later in headless Chromium). Inside a
    popover it is loaded only when the reader opens it."""
    with container.popover(label, icon=":material/content_copy:", help=help):
        st.caption(_("Copy with the button at the right of the box."))
        st.code(text, language=None, wrap_lines=True)


def copy_link(path: str = "", container=st, label: str = N_("Link to this view")) -> None:
    copy_box(
        _(label),
        current_url(path),
        container,
        help=_("A link that reopens exactly this view (the address bar holds the same link)."),
    )


def sources_expander(rows: pd.DataFrame, sources: pd.DataFrame | None, key: str) -> None:
    d = sources_detail(rows, sources)
    with st.expander(i18n._("Sources ({n})").format(n=len(d)), icon=":material/menu_book:"):
        if d.empty:
            st.caption(i18n._("No figures shown, so no sources."))
            return
        st.dataframe(
            d.rename(columns=i18n._),
            hide_index=True,
            key=f"{key}_sources",
            column_config={i18n._("Link"): st.column_config.LinkColumn(i18n._("Link"))},
        )


def in_language(make):
    """`make` for a download built when clicked: run in this run's language, whichever thread Streamlit calls
    it from (the file's title, notes and footer in the language the page shows)."""
    lang = i18n.lang()

    def made():
        with i18n.using(lang):
            return make()

    return made


@st.fragment
def export_panel(fig, ds, *, key: str | None = None, image: bool = True, view: Resolved | None = None) -> None:
    """PNG, SVG and CSV downloads of one Figure (the same title, period, notes and sources as on screen),
    links to /check for its figures, the embed panel (given the page's `view`) and the Sources list behind it.
    Bytes are made only when clicked."""
    key = key or f"{fig.key}_export"
    cols = st.columns([1, 1, 1, 2, 3])
    if image and (fig.spec is not None or fig.make_spec is not None):
        cols[0].download_button(
            "PNG",
            data=in_language(lambda: ex.figure_image(fig, "png", ds.meta, ds.sources)),
            file_name=ex.figure_file_name(fig, "png"),
            mime="image/png",
            on_click="ignore",
            icon=":material/image:",
            key=f"{key}_png",
            help=i18n._("Image for slides (1600 px wide) with title, notes, sources and data date"),
        )
        cols[1].download_button(
            "SVG",
            data=in_language(lambda: ex.figure_image(fig, "svg", ds.meta, ds.sources)),
            file_name=ex.figure_file_name(fig, "svg"),
            mime="image/svg+xml",
            on_click="ignore",
            icon=":material/draw:",
            key=f"{key}_svg",
            help=i18n._("Vector image for print and editing"),
        )
    cols[2].download_button(
        "CSV",
        data=in_language(lambda: ex.figure_csv(fig, ds.sources, ds.codebook)),
        file_name=ex.figure_file_name(fig, "csv"),
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
        key=f"{key}_csv",
        help=i18n._("Exactly the rows shown, with their sources"),
    )
    if fig.check:
        with cols[3].popover(i18n._("Check a figure"), icon=":material/fact_check:"):
            st.caption(i18n._("Every source's value, the rule, the definition and a citation:"))
            for label, figure in fig.check[:15]:
                st.page_link("app_pages/check.py", label=label, query_params={"fig": figure})
    if view is not None and image and (fig.spec is not None or fig.make_spec is not None):
        embed_panel(fig, ds, view, cols[4], key=f"{key}_embed")
    sources_expander(fig.rows, ds.sources, key)


def _root(page: str) -> str:
    """The app's root URL from the browser's address ('https://host' or 'https://host/base'); '' unknown."""
    try:
        url = str(st.context.url or "")
    except Exception:
        url = ""
    return embed.app_root(url, page) if url.startswith(("http://", "https://")) else ""


def embed_panel(fig, ds, shown: Resolved, container=st, *, key: str) -> None:
    """Embed this chart elsewhere: the image snippet (the page's own PNG/SVG by URL, with its alt text, size
    and sources, linking to this view) and the iframe of the interactive view, both to copy. Built only when
    opened (it asks the store for the SVG, which the image URL then serves at once)."""
    page = shown.page
    if page not in CHART_PAGES:
        return
    with container.popover(_("Embed"), icon=":material/code:", key=key, on_change="rerun") as pop:
        if not pop.open:
            return
        options = store.options(ds)
        lang = i18n.lang()
        size = ex.svg_size(store.figure_file(ds, shown, options, "svg"))  # kept: the image URL serves it at once
        official = store.page_build(ds, shown, options).main
        e = embed.embed_of(official, embed.links(_root(page), page, shown.view.to_query(), lang), size, lang)
        st.caption(
            _(
                "The chart as an image for an article (SVG, or PNG where SVG is not shown), with its alt text "
                "and sources, linking to this interactive view. It shows the current data."
            )
        )
        st.code(embed.picture_html(e), language="html", wrap_lines=True)
        st.caption(_("The interactive view in a frame (heavier for your readers: each opens the dashboard):"))
        st.code(embed.iframe_html(e), language="html", wrap_lines=True)
        st.caption(
            _(
                "Image files: [PNG]({png}) · [SVG]({svg}) · [description (JSON)]({card}). A CMS that reads oEmbed "
                "embeds this page's link by itself."
            ).format(png=e.links.png, svg=e.links.svg, card=e.links.sidecar)
        )
        if getattr(fig, "own_rows", None) is not None:
            st.caption(_("The embedded chart shows the official figures only, not the ones you uploaded."))


def deck_downloads(deck, ds, options, container=st) -> None:
    """The whole deck to take away: PowerPoint (speaker notes in the notes pane) and a PDF handout, built
    when clicked (about 1–2 s a slide), offline."""
    from components.decks import files as deck_files
    from components.ui import own

    decorate = own.for_slides(ds)  # your uploaded figures beside the official ones, as on screen

    a, b = container.columns(2)
    for col, fmt, label, icon, help_text in (
        (
            a,
            "pptx",
            i18n._("Deck as PowerPoint"),
            ":material/slideshow:",
            i18n._(
                "16:9 slides: chart image, title, unit, period and source on each slide, your speaker notes in "
                "the notes pane, all sources and the dataset version on the last slide"
            ),
        ),
        (
            b,
            "pdf",
            i18n._("Handout as PDF"),
            ":material/picture_as_pdf:",
            i18n._("One page a slide: the chart with its speaker note, sources and notes under it"),
        ),
    ):
        # built when clicked, in the page's language (charts, titles, notes, sources page)
        col.download_button(
            label,
            data=in_language(lambda fmt=fmt: deck_files.FORMATS[fmt](ds, options, deck, decorate=decorate)),
            file_name=deck_files.file_name(deck, fmt),
            mime=deck_files.MEDIA[fmt],
            on_click="ignore",
            icon=icon,
            key=f"deck_{fmt}",
            help=help_text,
            width="stretch",
        )
