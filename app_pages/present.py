"""Presenter mode: /present?deck=baltic-overview&slide=3 — one big chart per screen, large type, no
sidebar or app chrome, previous/next (also the arrow keys), the slide number in the URL. Your own deck
(/present?mydeck=…, components/ui/my_deck.py) is shown the same way, with a panel that edits it. A slide is its
page's main Figure for the slide's query (the same builder as the page), laid out as in the deck files
(components/decks/layout.py): the slide's title, the chart's title and unit, the chart (the justice chain's
countries side by side; a map slide is the static map with its legend), a short source line (every source in
its tooltip), a map's geodata attribution, the speaker note; all in the page's language, and it fits a
1440×900 screen.
"""

from dataclasses import replace

import streamlit as st

from components.core import i18n
from components.core.style import md_escape
from components.ui import controls, my_deck, page_data, render, safe_html, share
from components.view import deck as dk

PAGE = "present"
# a constant: no data or URL text goes into it (double braces: safe_html formats the template)
CHROME_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"] {{ display: none !important; }}
.block-container {{ padding-top: 1.2rem !important; max-width: 100% !important; }}
h1 {{ font-size: 2.6rem !important; }}
/* a phone: a long word of a title ('Зарегистрированные') fits the line instead of breaking inside */
@media (max-width: 640px) {{ h1 {{ font-size: 1.75rem !important; }} }}
[data-testid="stMarkdownContainer"] p {{ font-size: 1.35rem; }}
button [data-testid="stMarkdownContainer"] p {{ font-size: 1.1rem; white-space: nowrap; }}
/* previous/next keep their whole label at 200 % zoom: their columns do not shrink below it */
[data-testid="stColumn"]:has([data-testid="stButton"]) {{ min-width: fit-content; }}
/* small multiples: side by side on a wide screen, stacked below 1200 px (a laptop at zoom, a phone) */
@media (max-width: 1199px) {{ [data-testid="stLayoutWrapper"]:has(> .st-key-present_wide),
  .st-key-present_wide {{ display: none; }} }}
@media (min-width: 1200px) {{ [data-testid="stLayoutWrapper"]:has(> .st-key-present_narrow),
  .st-key-present_narrow {{ display: none; }} }}
</style>"""

ds = page_data.dataset()
opts = page_data.options(ds)
safe_html.markdown(CHROME_CSS)
my_deck.from_link()  # your own deck in the link (mydeck=): slides that cannot be used are named and left out
shown = controls.bind(PAGE, ds, opts)
fig, deck, n, slide, slide_notices = my_deck.current(ds, shown, opts)


def _go(to: int) -> None:
    controls.go(replace(shown.view, slide=to))


main, nav = st.container(), st.container()
with nav:
    c1, c2, c3 = st.columns([1, 3, 1], vertical_alignment="center")
    c1.button(
        i18n._("Previous"),
        icon=":material/arrow_back:",
        key="present_prev",
        disabled=n <= 1,
        on_click=_go,
        args=(n - 1,),
        shortcut="Left",
        width="stretch",
    )
    c3.button(
        i18n._("Next"),
        icon=":material/arrow_forward:",
        key="present_next",
        disabled=n >= len(deck.slides),
        on_click=_go,
        args=(n + 1,),
        shortcut="Right",
        width="stretch",
    )
    c2.caption(
        i18n._("{deck} · slide {n} of {total} · ← → keys also move").format(
            deck=md_escape(dk.deck_title(deck)), n=n, total=len(deck.slides)
        )
    )
with main:
    render.slide(fig, slide, ds, slide_notices)
with nav:
    my_deck.picker(shown.view, deck)
    share.copy_link(PAGE, label=i18n._("Link to this slide"))
    share.deck_downloads(deck, ds, opts)
    my_deck.panel(shown.view, deck)
st.stop()  # a slide is the whole screen: no footer under it
