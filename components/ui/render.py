"""Draw a Figure (Streamlit): its chart or map, its notes, its table, its downloads and sources. A page
renders the Figures its builder made; a slide renders the same Figure bigger."""

from __future__ import annotations

import threading
import weakref

import pandas as pd
import streamlit as st
from streamlit.dataframe_util import convert_pandas_df_to_arrow_table

from components.core import i18n
from components.core.figure import Figure
from components.core.style import md_escape, md_line_start
from components.ui import share


def chart(
    fig: Figure,
    screen: dict | None = None,
    *,
    key: str | None = None,
    height: int | None = None,
    on_select=None,
    width: str = "stretch",
) -> None:
    """The chart alone (with its alt text). `screen`: the spec prepared for the screen (page_data.page_build).
    `on_select`: a callback when the chart's selection changes (the map's click on a state). `width`:
    "content" keeps the spec's own width (a slide's map, side-by-side panels)."""
    spec = screen or fig.screen or fig.chart_spec()
    if spec is None:
        return
    if height:  # a slide: the same Figure, taller
        spec = {**spec, "height": height} if not {"facet", "hconcat", "vconcat"} & set(spec) else spec
    selectable = {"on_select": on_select} if on_select is not None else {}
    st.vega_lite_chart(spec=spec, theme=None, alt=fig.alt_text, key=key or fig.key, width=width, **selectable)


def caveats(fig: Figure, container=st) -> None:
    """What makes the chart's comparison invalid, said before it (a figure that counts something else)."""
    for c in fig.caveats:
        container.warning(md_escape(c), icon=":material/compare_arrows:")


def notes(fig: Figure, container=st) -> None:
    for n in fig.notes:
        container.caption(md_escape(n))


# A table's Arrow form per language, kept as long as its DataFrame lives (the store's page builds keep theirs):
# a rerun then hands Streamlit the Arrow table instead of converting the DataFrame again (the Data page's
# 5,000 rows: 26-50 ms a run before, 6-16 ms after).
_ARROW: dict[int, tuple[weakref.ref, dict]] = {}  # id(df) -> (a weak reference to df, {language: Arrow table})
_ARROW_LOCK = threading.Lock()


def _forget(key: int) -> None:
    with _ARROW_LOCK:
        _ARROW.pop(key, None)


def _arrow(df: pd.DataFrame):
    """df with its headers in the run's language, as Streamlit's own Arrow conversion makes it (once per
    DataFrame and language; a DataFrame is not hashable, so it is keyed by identity while it lives)."""
    lang, key = i18n.lang(), id(df)
    with _ARROW_LOCK:
        entry = _ARROW.get(key)
        kept = entry[1].get(lang) if entry is not None and entry[0]() is df else None
    if kept is None:
        shown = df.rename(columns=lambda c: i18n._(c) if isinstance(c, str) else c)
        kept = convert_pandas_df_to_arrow_table(shown)
        with _ARROW_LOCK:
            entry = _ARROW.get(key)
            if entry is None or entry[0]() is not df:
                entry = _ARROW[key] = (weakref.ref(df, lambda _ref, k=key: _forget(k)), {})
            entry[1][lang] = kept
    return kept


def table(df, alt_text: str, column_config: dict | None = None, **kw):
    """A table with its headers in the run's language: builders name columns in English (marked N_), and the
    same names key `column_config`."""
    config = {i18n._(k): v for k, v in (column_config or {}).items()} or None
    return st.dataframe(_arrow(df), hide_index=True, alt=alt_text, column_config=config, **kw)


def key_facts(fig: Figure, ds, container=st) -> None:
    """Two to five sentences from the Figure's rows (components/builders/facts.py), each number linked to /check,
    and a button that copies them with their sources."""
    from components.builders import facts

    items = facts.facts(fig, ds)
    if not items:
        return
    heading = i18n._("Key facts")  # outside the f-string: the extractor does not read inside one
    container.markdown(f"**{heading}**\n\n" + "\n".join(f"- {md_line_start(f.markdown)}" for f in items))
    share.copy_box(
        i18n._("Copy with citation"),
        facts.with_citations(items, ds),
        container,
        help=i18n._("The sentences with each source in full and the dataset version, to paste into a text."),
    )


def figure(
    fig: Figure, ds, screen: dict | None = None, *, show_table: bool = True, export: bool = True, view=None
) -> None:
    """A chart Figure as a page shows it: its caveats, chart, key facts, notes, the numbers as a table,
    downloads (with the embed panel, given the page's resolved `view`) and sources."""
    caveats(fig)
    chart(fig, screen)
    key_facts(fig, ds)
    notes(fig)
    if show_table and fig.table is not None:
        table(fig.table, alt_text=i18n._("Table of the numbers in the chart: {title}").format(title=fig.title))
    if export:
        share.export_panel(fig, ds, view=view)


def slide(fig: Figure, slide, ds, notices=()) -> None:
    """A slide on /present, laid out as in the deck files (components/decks/layout.py): its title (typed, or
    the chart's own in the page's language), the chart's title and unit, the chart (small multiples side by
    side on a wide screen, stacked on a narrow one), a short source line (all of them in its tooltip), a
    map's geodata attribution, the speaker note and a link to the view."""
    from components.core import cite
    from components.decks import layout as slide_layout
    from components.ui import page_data
    from components.view import deck as dk

    title = dk.slide_title(slide, fig.title)
    st.title(md_escape(title))
    if notices:
        st.caption(
            i18n._("This slide's view does not fit the current data: {notices}").format(
                notices=md_escape("; ".join(notices))
            )
        )
    unit, _ = slide_layout.chart_lines(fig)
    st.markdown(md_escape(unit) if title == fig.title else f"**{md_escape(fig.title)}** — {md_escape(unit)}")
    note = dk.slide_note(slide)
    spec = slide_layout.screen_spec(fig, slide_layout.screen_plot_height(title, note))  # fits 1440×900
    stacked = slide_layout.screen_stacked(fig, slide_layout.screen_plot_height(title, note))
    with st.container(key="present_wide" if stacked else None):
        chart(fig, page_data.screen_spec(spec), key="present_chart", width=slide_layout.screen_width(spec))
    if stacked:
        with st.container(key="present_narrow"):
            chart(fig, page_data.screen_spec(stacked), key="present_chart_stacked")
    st.caption(
        md_escape(cite.short_source_line(fig.source_ids, ds.sources, i18n._("+{n} more"))),
        help=md_escape(cite.source_line(fig.source_ids, ds.sources, max_n=len(fig.source_ids))),
    )
    if credit := ((fig.chart_spec() or {}).get("usermeta") or {}).get("attribution"):
        st.caption(md_escape(credit))  # the map's geodata licences: on the slide, as on the map page
    if note:
        st.markdown(f"*{md_escape(note)}*")
    st.page_link(
        f"app_pages/{slide.page}.py",
        label=i18n._("Open this view in the dashboard"),
        icon=":material/open_in_new:",
        query_params=slide.query,
    )
