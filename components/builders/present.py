"""Present: one slide of a deck. A slide IS its page's main Figure for the slide's query (same builder,
same title, period, unit, numbers and sources); the deck adds the slide's heading and speaker note."""

from __future__ import annotations

from dataclasses import replace

from components import deck as dk
from components.builders import main_figure
from components.view_state import resolve


def build(ds, view, options):
    view, v = resolve(view, options)
    notices = []
    try:
        deck = dk.load(v["deck"] or dk.DEFAULT_DECK)
    except dk.DeckError:
        notices.append(f"There is no deck '{v['deck']}'; showing '{dk.DEFAULT_DECK}'.")
        deck = dk.load(dk.DEFAULT_DECK)
    n = v["slide"]
    if not 1 <= n <= len(deck.slides):
        notices.append(f"The deck has {len(deck.slides)} slides; showing the first.")
        n = 1
    slide = deck.slides[n - 1]
    slide_view, bad = dk.slide_view(slide, options)
    fig = main_figure(ds, slide_view, options)
    return (replace(fig, extra={**fig.extra, "deck": deck, "n": n, "slide": slide, "notices": tuple(notices),
                                "slide_notices": tuple(bad)}),)
