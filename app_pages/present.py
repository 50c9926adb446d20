"""Presenter mode: /present?deck=baltic-overview&slide=3 — one big chart per screen, large type, no
sidebar or app chrome, previous/next (also the arrow keys), the slide number in the URL. Your own deck
(/present?mydeck=…, components/my_deck.py) is shown the same way, with a panel that edits it. A slide is its
page's main Figure for the slide's query (the same builder as the page), drawn bigger; a map slide
is the static map with its legend and sources.
"""

from dataclasses import replace

import streamlit as st

from components import controls, frame, i18n, my_deck, render, safe_html, share
from components.style import md_escape

PAGE = "present"
# a constant: no data or URL text goes into it (double braces: safe_html formats the template)
CHROME_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"] {{ display: none !important; }}
.block-container {{ padding-top: 1.2rem !important; max-width: 100% !important; }}
h1 {{ font-size: 2.6rem !important; }}
[data-testid="stMarkdownContainer"] p {{ font-size: 1.35rem; }}
button [data-testid="stMarkdownContainer"] p {{ font-size: 1.1rem; white-space: nowrap; }}
/* previous/next keep their whole label at 200 % zoom: their columns do not shrink below it */
[data-testid="stColumn"]:has([data-testid="stButton"]) {{ min-width: fit-content; }}
</style>"""

ds = frame.dataset()
opts = frame.options(ds)
safe_html.markdown(CHROME_CSS)
my_deck.from_link()  # your own deck in the link (mydeck=): slides that cannot be used are named and left out
view, values = controls.bind(PAGE, ds, opts)
fig, deck, n, slide, slide_notices = my_deck.current(ds, view, values, opts)


def _go(to: int) -> None:
    controls.go(replace(view, slide=to))


main, nav = st.container(), st.container()
with nav:
    c1, c2, c3 = st.columns([1, 3, 1], vertical_alignment="center")
    c1.button(i18n._("Previous"), icon=":material/arrow_back:", key="present_prev", disabled=n <= 1,
              on_click=_go, args=(n - 1,), shortcut="Left", width="stretch")
    c3.button(i18n._("Next"), icon=":material/arrow_forward:", key="present_next", disabled=n >= len(deck.slides),
              on_click=_go, args=(n + 1,), shortcut="Right", width="stretch")
    c2.caption(i18n._("{deck} · slide {n} of {total} · ← → keys also move").format(
        deck=md_escape(deck.title), n=n, total=len(deck.slides)))
with main:
    st.title(md_escape(slide.title))
    if slide_notices:
        st.caption(i18n._("This slide's view does not fit the current data: {notices}").format(
            notices=md_escape("; ".join(slide_notices))))
    # the map's slide is the static map: its legend, unit, period and sources are part of the image
    render.chart(fig, key="present_chart", height=440 if slide.page in ("trends", "overview") else None)
    if slide.note:
        st.markdown(f"*{md_escape(slide.note)}*")
    st.page_link(f"app_pages/{slide.page}.py", label=i18n._("Open this view in the dashboard"),
                 icon=":material/open_in_new:", query_params=slide.query)
with nav:
    my_deck.picker(view, deck)
    share.copy_link(PAGE, label=i18n._("Link to this slide"))
    share.deck_downloads(deck, ds, opts)
    my_deck.panel(view, deck)
st.stop()  # a slide is the whole screen: no footer under it
