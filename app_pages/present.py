"""Presenter mode: /present?deck=baltic-overview&slide=3 — one big chart per screen, large type, no
sidebar or app chrome, previous/next (also the arrow keys), the slide number in the URL. Decks are
data (data/decks/<id>.json); a slide is a page view decoded by the same codec as the page's links.
"""

import streamlit as st

from components import controls, frame, safe_html, share
from components import deck as dk
from components.style import md_escape
from components.view_state import ViewState

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
view = controls.start(PAGE, opts)
safe_html.markdown(CHROME_CSS)

notices = []
deck_id = view.deck or dk.DEFAULT_DECK
try:
    deck = dk.load(deck_id)
except dk.DeckError:
    notices.append(f"There is no deck '{md_escape(deck_id)}'; showing '{dk.DEFAULT_DECK}'.")
    deck = dk.load(dk.DEFAULT_DECK)
n = view.slide
if not 1 <= n <= len(deck.slides):
    notices.append(f"The deck has {len(deck.slides)} slides; showing the first.")
    n = 1


def _go(to: int) -> None:
    """Button callback: the URL is the truth, so move by writing the slide number into it."""
    v = ViewState(page=PAGE, deck=None if deck.id == dk.DEFAULT_DECK else deck.id, slide=to)
    st.session_state.setdefault("_views", {})[PAGE] = v  # slide 1 has a clean URL: the stored view decides
    st.query_params.from_dict(v.to_query())


main = st.container()
nav = st.container()
with nav:
    c1, c2, c3 = st.columns([1, 3, 1], vertical_alignment="center")
    c1.button("Previous", icon=":material/arrow_back:", key="present_prev", disabled=n <= 1,
              on_click=_go, args=(n - 1,), shortcut="Left", width="stretch")
    c3.button("Next", icon=":material/arrow_forward:", key="present_next", disabled=n >= len(deck.slides),
              on_click=_go, args=(n + 1,), shortcut="Right", width="stretch")
    c2.caption(f"{md_escape(deck.title)} · slide {n} of {len(deck.slides)} · ← → keys also move")

controls.finish(ViewState(page=PAGE, deck=None if deck.id == dk.DEFAULT_DECK else deck.id, slide=n))
slide = deck.slides[n - 1]

with main:
    for msg in notices:
        st.info(msg, icon=":material/link_off:")
    st.title(slide.title)
    v, bad = dk.slide_view(slide, opts)
    if bad:
        st.caption("This slide's view does not fit the current data: " + md_escape("; ".join(bad)))
    fig = dk.slide_figure(ds, opts, v, big=True)
    if fig.kind == "map":
        st.pydeck_chart(fig.chart.deck, height=620, key="present_map")
    else:
        frame.chart(fig.chart, alt_text=fig.alt_text, key="present_chart")
    st.markdown(f"*{md_escape(slide.note)}*")
    st.page_link(f"app_pages/{slide.page}.py", label="Open this view in the dashboard",
                 icon=":material/open_in_new:", query_params=slide.query)
with nav:
    share.copy_link(PAGE, label="Link to this slide")
st.stop()  # a slide is the whole screen: no footer under it
