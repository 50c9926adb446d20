"""Figure builders (pure): `build(ds, view, options) -> tuple[Figure, ...]`, one module per page.

The first Figure is the page's main one (what a slide of the page shows and what the data API serves);
the others are the page's further charts (the Overview's sparklines, the Map's country detail).
Pages, slides, exports, the Check links and the API all use these; nothing else builds a title.
"""

from __future__ import annotations

import importlib

from components.core import pages as registry
from components.core.figure import Figure
from components.view.options import Options
from components.view.state import Resolved, ViewState, resolve


def build(ds, view: Resolved | ViewState, options: Options) -> tuple[Figure, ...]:
    """The page's Figures for a view, in the language of the text layer (i18n: the run's, or the one an
    export or the API set). The app and the server pass the view they resolved once; a bare ViewState (a
    slide's, a script's) is resolved here, the builders' one entry: the page modules never resolve."""
    resolved = view if isinstance(view, Resolved) else resolve(view, options)
    spec = registry.page(resolved.page)
    if not spec.builder:
        return ()
    return importlib.import_module(f"components.{spec.builder}").build(ds, resolved, options)


def main_figure(ds, view: Resolved | ViewState, options: Options) -> Figure | None:
    figs = build(ds, view, options)
    return figs[0] if figs else None
