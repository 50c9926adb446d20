"""Map: the three states shaded by one indicator and period, optional flows, a country's detail.

The map is drawn as the same Vega-Lite figure its PNG/SVG files and slides use (components/draw/map_static.py):
it appears as fast as any chart. "Zoomable map" (and the flows) draw it with deck.gl instead, offline too:
the base map is our own blank style (static/blank-style.json) and our own geometry (data/geo/).
"""

import streamlit as st

from components.core import i18n
from components.core.style import md_escape
from components.draw import map_deck as mp
from components.draw.map_static import selected_country
from components.ui import a11y, controls, my_deck, page_data, render, safe_html, share

PAGE = "map"
DECK_KEY = "map_deck"
STATIC_KEY = "map_static"
SWATCH = (
    "<span style='white-space:nowrap;margin-right:0.9em'><span style='display:inline-block;width:0.9em;"
    "height:0.9em;background:{color};border:1px solid #666;vertical-align:middle'></span> {label}</span> "
)
FLOWS_KEY = (
    "<div style='font-size:0.85rem'><span style='color:#CC79A7'>━━</span> {inbound} &nbsp; "
    "<span style='color:#332288'>━━</span> {outbound}</div>"
)
FLOWS_IN = i18n.N_("victims of foreign citizenship detected in the state")
FLOWS_OUT = i18n.N_(
    "victims repatriated from another country · arc width by count; '<5' drawn at a fixed width; a "
    "thin faint arc = reported, no count. Arc ends are capitals and stand for the whole country."
)


def _on_select() -> None:
    """A click on a state opens its detail (and goes into the URL); a click beside closes it."""
    controls.set_value(PAGE, "sel", mp.selected_country(st.session_state.get(DECK_KEY)))


def _on_pick() -> None:
    """The same on the static map."""
    controls.set_value(PAGE, "sel", selected_country(st.session_state.get(STATIC_KEY)))


def _deck_map(fig, legend, flows: bool) -> None:
    st.markdown(f"**{md_escape(fig.title)}** — {md_escape(fig.unit)}")
    st.pydeck_chart(
        fig.deck, height=mp.HEIGHT, on_select=_on_select, selection_mode="single-object", key=DECK_KEY, alt=fig.alt_text
    )
    safe_html.markdown(
        "<div style='font-size:0.85rem;line-height:1.8'><b>{unit}</b> &nbsp; {swatches}</div>",
        unit=fig.unit.capitalize(),
        swatches=[safe_html.fragment(SWATCH, **item) for item in legend],
    )
    if flows:
        safe_html.markdown(FLOWS_KEY, inbound=i18n._(FLOWS_IN), outbound=i18n._(FLOWS_OUT))


ds = page_data.dataset()
opts = page_data.options(ds)
st.title(i18n._("Map"))
shown = controls.bind(PAGE, ds, opts)
built = page_data.page_build(ds, shown, opts)
fig, detail, x = built.main, built.figures[1:], built.page
if x.period_note:
    st.caption(x.period_note)
render.caveats(fig)  # a state whose figure counts something else: said before the map compares it

map_col, detail_col = st.columns([3, 2])
with map_col:
    if fig.deck is None:  # the drawn map: its title, legend and sources are in it, as in its files
        render.chart(fig, key=STATIC_KEY, on_select=_on_pick)
    else:
        _deck_map(fig, x.legend, shown.flows)
with detail_col:
    if not shown.sel:
        st.info(
            i18n._(
                "Click a country on the map, or choose it under *Country detail*, to see its figures over "
                "time and by form of exploitation, with their sources."
            ),
            icon=":material/touch_app:",
        )
    else:
        a11y.section_heading(i18n._("Country detail"))  # the country's name below is an h3
        st.subheader(ds.codebook.country_label(shown.sel))
        for d in detail:
            render.chart(d)
            render.notes(d)
        if len(detail) < 2:
            st.caption(
                i18n._("No breakdown by form of exploitation for {indicator} in this period.").format(
                    indicator=fig.title.split(",")[0].lower()
                )
            )

render.key_facts(fig, ds)
render.table(
    fig.table,
    alt_text=i18n._("Table of the numbers on the map: {title}, {unit}").format(title=fig.title, unit=fig.unit),
)
if x.flows is not None:
    render.table(x.flows, alt_text=i18n._("Table of the flow arcs, {period}").format(period=fig.period_text))
render.notes(fig)
st.caption(md_escape(x.attribution))
st.caption(
    i18n._("Downloads: the map as an image (PNG/SVG, with legend, unit, period and sources) and its figures (CSV).")
)
share.export_panel(fig, ds, view=shown)
my_deck.add_button(shown.view)  # the view as a slide of your own deck
