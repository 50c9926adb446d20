"""Figure builders (pure): `build(ds, view, options) -> tuple[Figure, ...]`, one module per page.

The first Figure is the page's main one (what a slide of the page shows and what the data API serves);
the others are the page's further charts (the Overview's sparklines, the Map's country detail).
Pages, slides, exports, the Check links and the API all use these; nothing else builds a title.
"""

from __future__ import annotations

import importlib

from components.core import i18n, pages as registry
from components.core.figure import Figure


def build(ds, view, options) -> tuple[Figure, ...]:
    spec = registry.page(view.page)
    if not spec.builder:
        return ()
    # in the view's language (its `lang` field): the same view builds the same Figure in any thread
    with i18n.using(getattr(view, "lang", None)):
        return importlib.import_module(f"components.{spec.builder}").build(ds, view, options)


def main_figure(ds, view, options) -> Figure | None:
    figs = build(ds, view, options)
    return figs[0] if figs else None
