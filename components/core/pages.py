"""The pages, defined once: id, URL, title, icon, the view fields each declares and how its widgets are laid
out, its figure builder, and whether it can be a slide. Used by navigation (app.py), the view codec
(view_state), the widget binding (controls), the figure cache (frame), decks and the HTTP API. Pure.

A new page: one entry here, one builder module in components/builders/, one short file in app_pages/.
"""

from __future__ import annotations

from dataclasses import dataclass

from components.core.i18n import N_  # titles are marked for the catalogues; app.py shows them translated


@dataclass(frozen=True)
class PageSpec:
    id: str
    title: str
    icon: str
    fields: tuple[str, ...] = ()  # the view's fields (view_state.FIELDS), in the order they depend on each other
    layout: tuple[tuple[str, ...], ...] = ()  # rows of widgets the binding draws (fields not listed: no widget)
    builder: str | None = None  # module under components/ with build(ds, view, options) -> Figures
    slide: bool = False  # a deck slide may show this page's main figure
    api: str | None = None  # 'chart' or 'table': the HTTP API serves its rows (/api/v1/view/<id>.csv)
    default: bool = False
    path: str | None = None  # the URL path when it is not the id (ids are module names: no hyphens)

    @property
    def url(self) -> str:
        """The URL path ('' for the default page)."""
        return "" if self.default else (self.path or self.id)

    @property
    def file(self) -> str:
        return f"app_pages/{self.id}.py"


PAGES: tuple[PageSpec, ...] = (
    PageSpec(
        "overview",
        N_("Overview"),
        ":material/dashboard:",
        fields=("countries",),
        layout=(("countries",),),
        builder="builders.overview",
        slide=True,
        api="chart",
        default=True,
    ),
    PageSpec(
        "compare",
        N_("Compare"),
        ":material/bar_chart:",
        # countries first: the default year is the latest with an official figure for every one of them
        fields=("countries", "indicator", "period", "breakdown", "measure", "stack", "unconfirmed"),
        layout=(("countries", "indicator", "period"), ("breakdown", "measure", "stack"), ("unconfirmed",)),
        builder="builders.compare",
        slide=True,
        api="chart",
    ),
    PageSpec(
        "trends",
        N_("Trends"),
        ":material/show_chart:",
        fields=("chart", "countries", "country", "indicator", "measure", "years", "index_base", "unconfirmed"),
        layout=(
            ("chart",),
            ("countries", "country", "indicator", "measure"),
            ("years",),
            ("index_base",),
            ("unconfirmed",),
        ),
        builder="builders.trends",
        slide=True,
        api="chart",
    ),
    PageSpec(
        "map",
        N_("Map"),
        ":material/map:",
        fields=("indicator", "period", "measure", "sel", "flows", "zoom", "unconfirmed"),
        layout=(("indicator", "period", "measure", "sel"), ("flows",), ("zoom",), ("unconfirmed",)),
        builder="builders.map",
        slide=True,
        api="chart",
    ),
    PageSpec(
        "data",
        N_("Data"),
        ":material/table:",
        fields=("countries", "filter_indicator", "source", "preferred_only", "years", "grade", "search", "figure"),
        layout=(("countries", "filter_indicator", "source", "preferred_only"), ("years", "grade", "search")),
        builder="builders.data",
        api="table",
    ),
    PageSpec(
        "check",
        N_("Check a figure"),
        ":material/fact_check:",
        fields=("figure",),
        layout=(("figure",),),
        builder="builders.check",
        api="table",
    ),
    PageSpec("methodology", N_("Methodology"), ":material/menu_book:", builder="builders.methodology"),
    PageSpec(
        "present",
        N_("Present"),
        ":material/slideshow:",
        fields=("deck", "mydeck", "slide"),
        builder="decks.present",
        api="chart",
    ),
    # an organisation's own figures, checked and kept in the session only (components/uploads/read.py, own.py)
    PageSpec("your_figures", N_("Add your figures"), ":material/upload_file:", path="your-figures"),
)

BY_ID = {p.id: p for p in PAGES}
PAGE_IDS = tuple(p.id for p in PAGES)
SLIDE_PAGES = tuple(p.id for p in PAGES if p.slide)
# pages whose main Figure is a chart: their views are served as images too (the Present page shows others')
CHART_PAGES = tuple(p.id for p in PAGES if p.api == "chart" and p.id != "present")


def page(page_id: str) -> PageSpec:
    return BY_ID.get(page_id) or BY_ID["overview"]
