"""Draw a Figure (Streamlit): its chart or map, its notes, its table, its downloads and sources. A page
renders the Figures its builder made; a slide renders the same Figure bigger."""

from __future__ import annotations

import streamlit as st

from components import i18n, share
from components.figure import Figure
from components.style import md_escape, md_line_start


def chart(fig: Figure, screen: dict | None = None, *, key: str | None = None, height: int | None = None,
          on_select=None, width: str = "stretch") -> None:
    """The chart alone (with its alt text). `screen`: the spec prepared for the screen (frame.figures).
    `on_select`: a callback when the chart's selection changes (the map's click on a state). `width`:
    "content" keeps the spec's own width (a slide's map, side-by-side panels)."""
    spec = screen or fig.screen or fig.chart_spec()
    if spec is None:
        return
    if height:  # a slide: the same Figure, taller
        spec = {**spec, "height": height} if not {"facet", "hconcat", "vconcat"} & set(spec) else spec
    selectable = {"on_select": on_select} if on_select is not None else {}
    st.vega_lite_chart(spec=spec, theme=None, alt=fig.alt_text, key=key or fig.key, width=width, **selectable)


def notes(fig: Figure, container=st) -> None:
    for n in fig.notes:
        container.caption(md_escape(n))


def table(df, alt_text: str, column_config: dict | None = None, **kw):
    """A table with its headers in the run's language: builders name columns in English (marked N_), and the
    same names key `column_config`."""
    shown = df.rename(columns=lambda c: i18n._(c) if isinstance(c, str) else c)
    config = {i18n._(k): v for k, v in (column_config or {}).items()} or None
    return st.dataframe(shown, hide_index=True, alt=alt_text, column_config=config, **kw)


def key_facts(fig: Figure, ds, container=st) -> None:
    """Two to five sentences from the Figure's rows (components/facts.py), each number linked to /check,
    and a button that copies them with their sources."""
    from components import facts

    items = facts.facts(fig, ds)
    if not items:
        return
    container.markdown(f"**{i18n._('Key facts')}**\n\n" + "\n".join(f"- {md_line_start(f.markdown)}" for f in items))
    share.copy_box(i18n._("Copy with citation"), facts.with_citations(items, ds), container,
                   help=i18n._("The sentences with each source in full and the dataset version, to paste into a "
                               "text."))


def figure(fig: Figure, ds, screen: dict | None = None, *, show_table: bool = True, export: bool = True) -> None:
    """A chart Figure as a page shows it: chart, key facts, notes, the numbers as a table, downloads and
    sources."""
    chart(fig, screen)
    key_facts(fig, ds)
    notes(fig)
    if show_table and fig.table is not None:
        table(fig.table, alt_text=i18n._("Table of the numbers in the chart: {title}").format(title=fig.title))
    if export:
        share.export_panel(fig, ds)
