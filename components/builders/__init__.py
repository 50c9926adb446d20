"""Figure builders (pure): `build(ds, view, options) -> PageBuild`, one module per page.

A PageBuild holds the page's Figures and its page model. The first Figure is the page's main one (what a
slide of the page shows and what the data API serves); the others are the page's further charts (the
Overview's sparklines, the Map's country detail). The page model is a small frozen dataclass, defined beside
its builder, of what the page shows beside its Figures (OverviewPage's cards, MethodologyPage's tables …).
Pages, slides, exports, the Check links and the API all use these; nothing else builds a title.
"""

from __future__ import annotations

import importlib

from components.core import i18n, pages as registry
from components.core.figure import Figure, PageBuild


def build(ds, view, options) -> PageBuild:
    spec = registry.page(view.page)
    if not spec.builder:
        return PageBuild()
    # in the view's language (its `lang` field): the same view builds the same Figure in any thread
    with i18n.using(getattr(view, "lang", None)):
        return importlib.import_module(f"components.{spec.builder}").build(ds, view, options)


def main_figure(ds, view, options) -> Figure | None:
    return build(ds, view, options).main
