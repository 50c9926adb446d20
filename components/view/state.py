"""The view state: one typed object per page view, encoded in short readable query parameters.

    /compare?ind=victims&per=2022&bd=exploitation&m=pm&stack=pct
    /trends?c=EE,LT&ind=convicted&yr=2014-2023&base=2015&view=chain

`from_query()` never raises: unknown keys, wrong types, out-of-range years and hostile strings fall
back to defaults and produce short, sanitised notices. `to_query()` writes only non-default fields,
so the default view has a clean URL. Round trip: `from_query(to_query(v)) == (v, [])` for every
valid view (property-tested).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from components.core import pages as registry
from components.core.i18n import DEFAULT as DEFAULT_LANG, LANGS, N_, _, normalise
from components.core.queries import LATEST_PERIOD
from etl.countries import BALTIC

PAGES = registry.PAGE_IDS
MEASURES = ("absolute", "per_million")
STACKS = ("stacked", "percent")
VIEWS = ("lines", "chain", "forms")
GRADE_FILTERS = ("official", "unconfirmed")  # besides one grade code: all official grades, all the others
MAX_SEARCH = 80
DECK_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")
MAX_SLIDES = 99
MAX_DECK_LINK = 6000  # characters of an own deck in a link (mydeck=, components/decks/deck.py encode)
DEFAULT_DECK = "baltic-overview"
IGNORED_PARAMS = {"v", "embed", "embed_options"}
# short URL spellings of enumerations
_MEASURE_Q = {"absolute": "abs", "per_million": "pm"}
_STACK_Q = {"stacked": "stack", "percent": "pct"}


@dataclass(frozen=True)
class Options:
    """What the data allows; built from the dataset by the page (see `options_from`)."""

    countries: tuple[str, ...] = BALTIC
    indicators: tuple[str, ...] = ("victims",)
    periods: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # indicator -> newest first
    period_default: Mapping[str, str] = field(default_factory=dict)  # indicator -> best-covered period
    breakdowns: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # indicator -> breakdowns
    measures: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # indicator -> measures
    year_min: int = 2000
    year_max: int = 2030
    sources: tuple[str, ...] = ()
    grades: tuple[str, ...] = ()
    figures: frozenset[str] = frozenset()
    period_breakdowns: Mapping[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)  # (ind, period) ->
    default_figure: str | None = None  # the figure the Check page opens on
    # (indicator, single-year period) -> the countries with an official-grade total that year
    period_countries: Mapping[tuple[str, str], frozenset] = field(default_factory=dict)
    default_indicator: str = "victims"
    default_breakdown: str = "exploitation"

    def periods_for(self, indicator: str) -> tuple[str, ...]:
        return tuple(self.periods.get(indicator, ()))

    def period_default_for(self, indicator: str, countries=None) -> str | None:
        """The newest year in which every one of `countries` (default: the Baltic states) has an
        official-grade total; else the newest year with the most of them; else the best-covered period."""
        per = self.periods_for(indicator)
        want = set(countries or BALTIC)
        years = [(p, self.period_countries.get((indicator, p), frozenset())) for p in per if "-" not in p]
        full = [p for p, cs in years if want <= cs]
        if full:
            return full[0]  # periods are newest first
        best = max(years, key=lambda pc: len(want & pc[1]), default=None)
        if best and want & best[1]:
            return best[0]
        d = self.period_default.get(indicator)
        return d if d in per else (per[0] if per else None)

    def breakdowns_for(self, indicator: str) -> tuple[str, ...]:
        return tuple(self.breakdowns.get(indicator, ("total",))) or ("total",)

    def measures_for(self, indicator: str) -> tuple[str, ...]:
        return tuple(self.measures.get(indicator, ("absolute",))) or ("absolute",)

    def indicator_default(self) -> str:
        if self.default_indicator in self.indicators or not self.indicators:
            return self.default_indicator
        return self.indicators[0]

    def breakdown_default(self, indicator: str) -> str:
        b = self.breakdowns_for(indicator)
        return self.default_breakdown if self.default_breakdown in b else b[0]


@dataclass(frozen=True)
class ViewState:
    page: str = "overview"
    countries: tuple[str, ...] = BALTIC
    indicator: str = "victims"
    period: str | None = None  # None: the latest period with data for the indicator
    breakdown: str | None = None  # None: the default breakdown for the indicator
    measure: str = "absolute"
    stack: str = "stacked"
    years: tuple[int, int] | None = None  # None: all years
    index_base: int | None = None
    view: str = "lines"
    filter_indicator: str | None = None  # None: all indicators
    source: str | None = None  # None: all sources
    preferred_only: bool = False
    figure: str | None = None
    sel: str | None = None  # map: the country whose detail is open (None: none)
    country: str | None = None  # trends, forms of exploitation over time: the one country (None: the first)
    flows: bool = False  # map: draw the flow arcs
    zoom: bool = False  # map: the zoomable WebGL map (deck.gl) instead of the drawn (Vega-Lite) one
    deck: str | None = None  # present: deck id (None: the default deck); existence is checked by the page
    slide: int = 1  # present: 1-based slide number
    mydeck: str | None = None  # present: your own deck, encoded (deck.encode); None: a shipped deck
    unconfirmed: bool = False  # also draw figures known only from weaker sources (with their own mark)
    grade: str | None = None  # data: 'official', 'unconfirmed' or one grade code (None: all)
    search: str = ""  # data: free text that filters the rows
    lang: str = DEFAULT_LANG  # every page: the language of the texts (i18n.LANGS)

    # ------------------------------------------------------------------ encode
    def to_query(self) -> dict[str, str]:
        """The non-default fields of the page, with their short spellings (the page's URL query)."""
        default = ViewState(page=self.page)
        q: dict[str, str] = {}
        for name in PAGE_FIELDS.get(self.page, ()):
            val = getattr(self, name)
            if val != getattr(default, name):
                q[FIELDS[name].param] = FIELDS[name].encode(val)
        return q

    def query_string(self) -> str:
        """The canonical query as one string (sorted): a cache key and a link's query."""
        from urllib.parse import urlencode

        return urlencode(sorted(self.to_query().items()), safe=",~")

    def resolved_period(self, options: Options) -> str | None:
        return self.period or options.period_default_for(self.indicator, self.countries)

    def resolved_breakdown(self, options: Options) -> str:
        return self.breakdown or options.breakdown_default(self.indicator)

    # ------------------------------------------------------------------ decode
    @classmethod
    def from_query(
        cls, params: Mapping[str, object], options: Options, page: str = "overview"
    ) -> tuple[ViewState, list[str]]:
        """Each of the page's fields from its parameter, checked against what the data allows (in the
        order the page declares them: a period is checked against the indicator before it). Never raises."""
        page = page if page in PAGES else "overview"
        base = cls(page=page, indicator=options.indicator_default())
        try:
            items = list(params.items())
        except Exception:  # not a mapping at all
            return base, [_("The link's parameters could not be read; showing the default view.")]
        raw: dict[str, str] = {}
        for k, v in items:
            k = _text(k)
            if isinstance(v, (list, tuple)):
                v = ",".join(_text(x) for x in v)
            raw[k] = _text(v, MAX_DECK_LINK + 1 if k == "mydeck" else 500)
        fields = [FIELDS[n] for n in PAGE_FIELDS[page]]
        known = {f.param for f in fields}
        notices = [
            _("Ignored unknown link parameter '{name}'.").format(name=_safe(k))
            for k in raw
            if k not in IGNORED_PARAMS and k not in known
        ]
        values = {"page": page, **{n: getattr(base, n) for n in PAGE_FIELDS[page]}}
        kw: dict[str, object] = {}
        for f in fields:
            if f.param not in raw:
                continue
            try:
                value, note = f.parse(raw[f.param], options, values)
            except _Bad as bad:
                notices.append(
                    _("Ignored {noun} '{value}'{why}; using the default.").format(
                        noun=_(f.noun), value=_safe(raw[f.param]), why=_(bad.why) if bad.why else ""
                    )
                )
                continue
            if note:
                notices.append(note)
            kw[f.name] = values[f.name] = value
        return replace(base, **kw), notices[:8]


# ---------------------------------------------------------------------------------------- fields


class _Bad(Exception):
    def __init__(self, why: str = ""):
        self.why = why


_NOTHING = object()


def _no_default(options, values):
    return _NOTHING


@dataclass(frozen=True)
class Field:
    """One view field, declared once: its URL parameter, how it is read, checked and written, the
    widget that edits it and what the data allows. A new field = one entry in FIELDS, its ViewState
    attribute and its place in the pages' registry entries (components/core/pages.py)."""

    name: str
    param: str
    noun: str  # in notices: "Ignored <noun> 'x'; using the default."
    label: str  # the widget's label
    parse: Callable  # (text, options, values so far) -> (value, notice or None); raises _Bad(why)
    encode: Callable = str
    widget: str | None = None  # select | segmented | multiselect | toggle | years | text | figure (None: no widget)
    choices: Callable | None = None  # (options, values) -> the values a widget offers (and resolve allows)
    default: Callable = _no_default  # (options, values) -> the value shown when none is chosen
    fmt: str | None = None  # which label function the binding uses (controls.labels)
    help: str | None = None
    when: Callable | None = None  # (values) -> bool: the widget is drawn only then (its value is kept)
    width: float = 2.0
    url_default: Callable | None = None  # (options, values) -> a value must also equal this to be left out


def _choice(allowed: Callable, why: str = ""):
    def parse(text, options, values):
        if text in allowed(options, values):
            return text, None
        raise _Bad(why)

    return parse


def _spelled(spell: dict, allowed: Callable):
    back = {v: k for k, v in spell.items()}

    def parse(text, options, values):
        v = back.get(text, text)
        if v in allowed(options, values):
            return v, None
        raise _Bad()

    return parse


def _bool(text, options, values):
    if text in ("1", "0", "true", "false"):
        return text in ("1", "true"), None
    raise _Bad()


def _countries(text, options, values):
    vals = [x.strip().upper() for x in text.split(",") if x.strip()]
    ok = tuple(c for c in options.countries if c in vals)
    if not ok:
        raise _Bad()
    note = None
    if len(ok) != len(set(vals)):
        note = _("Ignored unknown countries in the link: {codes}.").format(
            codes=", ".join(_safe(x) for x in vals if x not in ok)
        )
    return ok, note


def _years(text, options, values):
    y = _parse_years(text, options)
    if y is None:
        raise _Bad(N_(" (not a year range within the data)"))
    return y, None


def _index_base(text, options, values):
    lo, hi = values.get("years") or (options.year_min, options.year_max)
    y = _parse_int(text)
    if y is not None and lo <= y <= hi:
        return y, None
    raise _Bad(N_(" (outside the years shown)"))


def _search(text, options, values):
    t = _clean_search(text)
    if t is None:
        raise _Bad(N_(" (too long or not plain text)"))
    return t, None


def _deck(text, options, values):
    if DECK_RE.fullmatch(text):
        return text, None
    raise _Bad()


def _my_deck(text, options, values):
    """Your own deck in the link: the usable slides kept (re-encoded), the others named in one notice."""
    from components.decks import deck as dk

    own, problems = dk.decode(text)
    if own is None:
        raise _Bad(N_(" (a damaged, cut-short or unknown deck link)"))
    try:
        return dk.encode(own), (" ".join(problems) if problems else None)
    except dk.DeckError:
        raise _Bad(N_(" (a damaged, cut-short or unknown deck link)")) from None


def _slide(text, options, values):
    n = text.strip()
    if re.fullmatch(r"\d{1,2}", n) and 1 <= int(n) <= MAX_SLIDES:
        return int(n), None
    raise _Bad()


def _sel(text, options, values):
    s = text.strip().upper()
    if s in options.countries and s in BALTIC:
        return s, None
    raise _Bad()


def _figure(text, options, values):
    if text in options.figures:
        return text, None
    raise _Bad(N_(" (no such figure)"))


def _ind(values, options):
    ind = values.get("indicator")
    return ind if ind in options.indicators else options.indicator_default()


def _period_breakdowns(options: Options, values) -> list[str]:
    """The breakdowns the chosen period has (within those of the indicator); 'total' at least."""
    ind = _ind(values, options)
    per = values.get("period") or options.period_default_for(ind, values.get("countries"))
    given = options.period_breakdowns.get((ind, per)) if per else None
    allowed = options.breakdowns_for(ind)
    return [b for b in (given if given is not None else allowed) if b in allowed] or ["total"]


def _periods(options, values) -> list[str]:
    """The periods of the chosen indicator; Compare also offers each country's own latest year."""
    own = list(options.periods_for(_ind(values, options)))
    return ([LATEST_PERIOD] if values.get("page") == "compare" and own else []) + own


def _breakdown_default(options, values):
    d = options.breakdown_default(_ind(values, options))
    return d if d in _period_breakdowns(options, values) else "total"


def _measure_default(options, values):
    ms = options.measures_for(_ind(values, options))
    return "absolute" if "absolute" in ms else ms[0]


def _span(options: Options, values) -> tuple[int, int]:
    """The years shown, as range() bounds."""
    lo, hi = values.get("years") or (options.year_min, options.year_max)
    return lo, hi + 1


def _decks() -> list[str]:
    from components.decks import deck as dk  # lazy: decks are files, read when a deck view is resolved

    return dk.available()


def _slides(deck_id, mydeck=None) -> list[int]:
    from components.decks import deck as dk

    if mydeck:
        own, _problems = dk.decode(mydeck)
        return list(range(1, len(own.slides) + 1)) if own else [1]
    try:
        return list(range(1, len(dk.load(deck_id or DEFAULT_DECK).slides) + 1))
    except dk.DeckError:
        return [1]


def _lines(values) -> bool:
    return values.get("view", "lines") == "lines"


def _not_forms(values) -> bool:
    return values.get("view", "lines") != "forms"


def _forms(values) -> bool:
    return values.get("view", "lines") == "forms"


def _language(text, options, values):
    lang = normalise(text)
    if lang is not None and text.strip().lower() == lang:
        return lang, None
    raise _Bad(N_(" (not one of en, et, lv, lt, ru)"))


def _one_country(text, options, values):
    c = text.strip().upper()
    if c in options.countries and c in BALTIC:
        return c, None
    raise _Bad()


_TRUE_FALSE = lambda b: "1" if b else "0"  # noqa: E731

FIELDS: dict[str, Field] = {
    f.name: f
    for f in (
        Field(
            "countries",
            "c",
            N_("countries"),
            N_("Countries"),
            _countries,
            ",".join,
            widget="multiselect",
            choices=lambda o, v: list(o.countries),
            default=lambda o, v: BALTIC,
            fmt="country",
            when=_not_forms,
        ),
        Field(
            "country",
            "one",
            N_("country"),
            N_("Country"),
            _one_country,
            widget="select",
            choices=lambda o, v: [c for c in BALTIC if c in o.countries],
            default=lambda o, v: next((c for c in BALTIC if c in o.countries), None),
            fmt="country",
            when=_forms,
        ),
        Field(
            "indicator",
            "ind",
            N_("indicator"),
            N_("Indicator"),
            _choice(lambda o, v: o.indicators),
            widget="select",
            choices=lambda o, v: list(o.indicators),
            default=lambda o, v: o.indicator_default(),
            fmt="indicator",
            help=N_("What is counted. Definitions differ by country: see Methodology."),
            when=lambda v: v.get("view", "lines") in ("lines", "forms"),
        ),
        Field(
            "period",
            "per",
            N_("period"),
            N_("Year or period"),
            _choice(_periods, N_(" (no data for it)")),
            widget="select",
            choices=_periods,
            fmt="period",
            default=lambda o, v: o.period_default_for(_ind(v, o), v.get("countries")),
            help=N_(
                "Multi-year periods (e.g. 2012-2016) are totals as published. Without a choice: the latest year "
                "with an official figure for every selected country. 'Latest year per country' (Compare): each "
                "country its own newest year, named under its bar."
            ),
            width=1,
        ),
        Field(
            "breakdown",
            "bd",
            N_("breakdown"),
            N_("Breakdown"),
            _choice(lambda o, v: o.breakdowns_for(_ind(v, o))),
            # every breakdown of the indicator stays on offer: a year without the chosen one says so in place and
            # offers the nearest year that has it (the choice is never changed silently)
            widget="select",
            choices=lambda o, v: list(o.breakdowns_for(_ind(v, o))),
            default=_breakdown_default,
            fmt="breakdown",
            # a link keeps 'bd=total' where the year lacks the usual breakdown: it still means the same later
            url_default=lambda o, v: o.breakdown_default(_ind(v, o)),
        ),
        Field(
            "measure",
            "m",
            N_("measure"),
            N_("Measure"),
            _spelled(_MEASURE_Q, lambda o, v: o.measures_for(_ind(v, o))),
            lambda m: _MEASURE_Q[m],
            widget="segmented",
            choices=lambda o, v: list(o.measures_for(_ind(v, o))),
            default=_measure_default,
            fmt="measure",
            when=_lines,
        ),
        Field(
            "stack",
            "stack",
            N_("bar style"),
            N_("Bars"),
            _spelled(_STACK_Q, lambda o, v: STACKS),
            lambda s: _STACK_Q[s],
            widget="segmented",
            choices=lambda o, v: list(STACKS),
            default=lambda o, v: "stacked",
            fmt="stack",
            help=N_(
                "100 %: shares of the categories with a known value. Categories that overlap are drawn side by "
                "side instead."
            ),
        ),
        Field(
            "years",
            "yr",
            N_("year range"),
            N_("Years"),
            _years,
            lambda y: f"{y[0]}-{y[1]}",
            widget="years",
            default=lambda o, v: None,
            width=3,
        ),
        Field(
            "index_base",
            "base",
            N_("index base year"),
            N_("Index to base year"),
            _index_base,
            widget="select",
            choices=lambda o, v: [None] + list(range(*_span(o, v))),
            default=lambda o, v: None,
            fmt="index_base",
            help=N_(
                "Divides each country's values by its own value in the base year (×100), to compare change "
                "rather than size."
            ),
            when=_lines,
        ),
        Field(
            "view",
            "view",
            N_("view"),
            N_("View"),
            _choice(lambda o, v: VIEWS),
            widget="segmented",
            choices=lambda o, v: list(VIEWS),
            default=lambda o, v: "lines",
            fmt="view",
        ),
        Field(
            "filter_indicator",
            "fi",
            N_("indicator filter"),
            N_("Indicator"),
            _choice(lambda o, v: o.indicators),
            widget="select",
            choices=lambda o, v: [None] + list(o.indicators),
            default=lambda o, v: None,
            fmt="filter_indicator",
        ),
        Field(
            "source",
            "src",
            N_("source"),
            N_("Source"),
            _choice(lambda o, v: o.sources),
            widget="select",
            choices=lambda o, v: [None] + list(o.sources),
            default=lambda o, v: None,
            fmt="source",
            width=3,
        ),
        Field(
            "preferred_only",
            "pref",
            N_("preferred-only switch"),
            N_("Preferred only"),
            _bool,
            _TRUE_FALSE,
            widget="toggle",
            default=lambda o, v: False,
            help=N_("Show only the value the charts use for each figure."),
        ),
        Field(
            "grade",
            "gr",
            N_("evidence grade"),
            N_("Evidence grade"),
            _choice(lambda o, v: GRADE_FILTERS + tuple(o.grades)),
            widget="select",
            choices=lambda o, v: [None, *GRADE_FILTERS, *o.grades],
            default=lambda o, v: None,
            fmt="grade",
            help=N_(
                "Official grades: official statistics, official publications, international monitoring "
                "reports. Unconfirmed: known only from NGO, news or secondary sources."
            ),
        ),
        Field(
            "search",
            "q",
            N_("search text"),
            N_("Search the rows"),
            _search,
            widget="text",
            default=lambda o, v: "",
            help=N_(
                "Keeps the rows whose country, period, indicator, category, value, source, location, flags or "
                "note contain every word you type."
            ),
            width=3,
        ),
        Field(
            "figure",
            "fig",
            N_("figure"),
            N_("Figure"),
            _figure,
            widget="figure",
            default=lambda o, v: o.default_figure if v.get("page") == "check" else None,
        ),
        Field(
            "sel",
            "sel",
            N_("selected country"),
            N_("Country detail"),
            _sel,
            widget="select",
            choices=lambda o, v: [None] + [c for c in BALTIC if c in o.countries],
            default=lambda o, v: None,
            fmt="sel",
            help=N_("Or click a country on the map."),
        ),
        Field(
            "flows",
            "flows",
            N_("flows switch"),
            N_("Show flows (victims by citizenship and by country of repatriation)"),
            _bool,
            _TRUE_FALSE,
            widget="toggle",
            default=lambda o, v: False,
            help=N_(
                "UNODC GLOTIP rows for the chosen year: arcs into a state from the capital of the victims' country "
                "of citizenship, and out of it to the capital of the country they were repatriated from. Arc "
                "width follows the count; '<5' is drawn as such."
            ),
        ),
        Field(
            "zoom",
            "zoom",
            N_("zoomable-map switch"),
            N_("Zoomable map"),
            _bool,
            _TRUE_FALSE,
            widget="toggle",
            default=lambda o, v: False,
            help=N_(
                "Draws the map with WebGL: pan, zoom and hover for the figures. It takes longer to appear, "
                "most of all on computers without a graphics card. The flows are always drawn this way."
            ),
        ),
        Field(
            "unconfirmed",
            "unc",
            N_("unconfirmed-figures switch"),
            N_("Include unconfirmed figures"),
            _bool,
            _TRUE_FALSE,
            widget="toggle",
            default=lambda o, v: False,
            help=N_(
                "Also draw figures known only from news reports or secondary sources, with their own mark "
                "(pale bars, hollow points). By default the charts show official-grade figures only."
            ),
        ),
        Field(
            "deck",
            "deck",
            N_("deck"),
            N_("Deck"),
            _deck,
            choices=lambda o, v: _decks(),
            default=lambda o, v: DEFAULT_DECK,
        ),
        Field("mydeck", "mydeck", N_("your deck"), N_("Your deck"), _my_deck),
        Field(
            "slide",
            "slide",
            N_("slide number"),
            N_("Slide"),
            _slide,
            choices=lambda o, v: _slides(v.get("deck"), v.get("mydeck")),
            default=lambda o, v: 1,
        ),
        # the language: chosen in the frame's sidebar (controls.language), part of every page's view and link
        Field(
            "lang",
            "lang",
            N_("language"),
            N_("Language"),
            _language,
            choices=lambda o, v: list(LANGS),
            default=lambda o, v: DEFAULT_LANG,
            fmt="lang",
        ),
    )
}
PARAM = {f.name: f.param for f in FIELDS.values()}
PAGE_FIELDS: dict[str, tuple[str, ...]] = {p.id: p.fields for p in registry.PAGES}


def field_default(f: Field, options: Options, values: dict):
    d = f.default(options, values)
    return getattr(ViewState(), f.name) if d is _NOTHING else d


def resolve(view: ViewState, options: Options) -> tuple[ViewState, dict]:
    """What the page shows for `view`: each field kept when the data allows it given the fields before it,
    else its default (a breakdown the chosen year lacks falls back, as the page's selector does).

    Returns the canonical view (a field equal to a default that depends on the data is stored as None, so
    the URL stays short) and the resolved values (every field concrete: what the widgets show and the
    builders use)."""
    values: dict[str, object] = {"page": view.page}
    canon: dict[str, object] = {}
    blank = ViewState(page=view.page)
    for name in PAGE_FIELDS[view.page]:
        f = FIELDS[name]
        v = getattr(view, name)
        default = field_default(f, options, values)
        if name == "countries":
            ok = tuple(c for c in options.countries if c in (v or ()))
            v = ok or tuple(c for c in BALTIC if c in options.countries) or tuple(options.countries[:3])
        elif name == "years":
            v = tuple(v) if v and options.year_min <= v[0] <= v[1] <= options.year_max else None
            v = None if v == (options.year_min, options.year_max) else v
        elif name == "index_base":
            lo, hi = _span(options, values)
            v = v if v is not None and lo <= v < hi else None
        elif name == "search":
            v = " ".join(str(v or "").split())[:MAX_SEARCH]
        elif name == "figure":  # unset: the page's default figure; not a figure of the data: none
            v = v if v in options.figures else (default if v is None else None)
        elif f.choices is not None and v not in f.choices(options, values) or v is None:
            v = default
        values[name] = v
        # left out of the link only when it is what a link without it shows, now and by the usual rule
        left_out = v == default and (f.url_default is None or v == f.url_default(options, values))
        canon[name] = None if (left_out and getattr(blank, name) is None) else v
    values.pop("page")
    return replace(view, **canon), values


def resolution_notices(view: ViewState, options: Options) -> list[str]:
    """Plain notices for the fields of a link that the data cannot show together (a breakdown the chosen
    year lacks, a slide beyond the deck's end): the page says what it shows instead, never silently."""
    shown, values = resolve(view, options)
    out = []
    for name in PAGE_FIELDS[view.page]:
        given = getattr(view, name)
        if given is None or given == getattr(ViewState(page=view.page), name) or name in ("countries", "search"):
            continue
        if values[name] != given:
            f = FIELDS[name]
            out.append(
                _("Ignored {noun} '{value}' (not available with the rest of this view); using the default.").format(
                    noun=_(f.noun), value=_safe(f.encode(given))
                )
            )
    return out


def _text(x, n: int = 500) -> str:
    try:
        return str(x)[:n]
    except Exception:
        return ""


def _safe(s: str, n: int = 30) -> str:
    """Echo user input safely: keep plain characters only, truncate. No markup can survive."""
    cleaned = re.sub(r"[^A-Za-z0-9 _.,\-]", "?", str(s))
    return cleaned[:n] + ("…" if len(cleaned) > n else "")


def _clean_search(s: str) -> str | None:
    """Search text from a link: letters, digits, spaces and common punctuation, at most MAX_SEARCH long."""
    text = " ".join(str(s).split())
    if len(text) > MAX_SEARCH or re.search(r"[<>{}\\`$]|[\x00-\x1f]", text):
        return None
    return text


def _parse_int(s: str) -> int | None:
    s = s.strip()
    if not re.fullmatch(r"\d{4}", s):
        return None
    return int(s)


def _parse_years(s: str, options: Options) -> tuple[int, int] | None:
    m = re.fullmatch(r"\s*(\d{4})\s*-\s*(\d{4})\s*", s)
    if not m:
        return None
    a, b = int(m.group(1)), int(m.group(2))
    if a > b or a < options.year_min or b > options.year_max:
        return None
    return (a, b)


def options_from(ds_table, codebook, sources=()) -> Options:
    """Build Options from the harmonised table (pure; imported lazily to keep this module light)."""
    import pandas as pd

    from components.core import queries as q
    from etl.figure_key import figure_keys

    inds = tuple(q.indicators_available(ds_table, codebook))
    # each query sees only its indicator's preferred rows: same answers, a fraction of the work
    pref = ds_table[ds_table["preferred"]]
    by_ind = dict(tuple(pref.groupby("indicator", sort=False)))
    rows = {i: by_ind.get(i, pref.iloc[0:0]) for i in inds}
    per = {i: tuple(q.periods_available(rows[i], i)) for i in inds}
    # the default period is chosen among the official-grade figures the charts show by default
    official = {i: r[q.official_mask(r, codebook)] for i, r in rows.items()}
    per_default = {i: q.best_period(official[i], i) for i in inds}
    totals = pd.concat(official.values()) if official else pref.iloc[0:0]
    totals = totals[
        (totals["breakdown"] == "total")
        & (totals["category"] == "total")
        & totals["single_year"]
        & q.has_value(totals)
        & ~totals["unit"].isin(q.RATE_UNITS)
    ]
    per_countries = {k: frozenset(g["country"]) for k, g in totals.groupby(["indicator", "period"])}
    bds = {i: tuple(q.breakdowns_available(rows[i], i)) for i in inds}
    by_period = q.breakdowns_by_period(pref)
    per_bds = {(i, p): by_period.get((i, p), ()) for i in inds for p in per[i]}
    ms = {i: tuple(q.measures_available(rows[i], i)) for i in inds}
    years = q.years_available(ds_table)
    figs = frozenset(figure_keys(ds_table))
    return Options(
        countries=tuple(q.countries_available(ds_table)),
        indicators=inds,
        periods=per,
        period_default={k: v for k, v in per_default.items() if v},
        breakdowns=bds,
        measures=ms,
        year_min=min(years) if years else 2000,
        year_max=max(years) if years else 2030,
        sources=tuple(sources),
        figures=figs,
        period_breakdowns=per_bds,
        period_countries=per_countries,
        grades=tuple(sorted(set(ds_table["grade"]) - {""})) if "grade" in ds_table.columns else (),
    )
