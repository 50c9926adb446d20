"""Figure builders (pure): `build(ds, view, options) -> PageBuild`, one module per page.

A PageBuild holds the page's Figures and its page model. The first Figure is the page's main one (what a
slide of the page shows and what the data API serves); the others are the page's further charts (the
Overview's sparklines, the Map's country detail). The page model is a small frozen dataclass, defined beside
its builder, of what the page shows beside its Figures (OverviewPage's cards, MethodologyPage's tables …).
Pages, slides, exports, the Check links and the API all use these; nothing else builds a title.
"""

from __future__ import annotations

import importlib

from components.core import pages as registry
from components.core.figure import Figure, PageBuild
from components.view.options import Options
from components.view.state import Resolved, ViewState, resolve


def build(ds, view: Resolved | ViewState, options: Options) -> PageBuild:
    """The page's Figures and page model for a view, in the language of the text layer (i18n: the run's, or
    the one an export or the API set). The app and the server pass the view they resolved once; a bare
    ViewState (a slide's, a script's) is resolved here, the builders' one entry: page modules never resolve."""
    resolved = view if isinstance(view, Resolved) else resolve(view, options)
    spec = registry.page(resolved.page)
    if not spec.builder:
        return PageBuild()
    return importlib.import_module(f"components.{spec.builder}").build(ds, resolved, options)


def main_figure(ds, view: Resolved | ViewState, options: Options) -> Figure | None:
    return build(ds, view, options).main
