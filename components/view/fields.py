"""The view's fields, declared once: how each is read from a link, checked against what the data allows
(given the fields before it), written back, and which widget edits it. The URL spellings are in params.py;
ViewState (state.py) holds one value per field."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from components.core.i18n import N_, _
from components.core.queries import LATEST_PERIOD
from components.view import deck
from components.view.options import Options
from components.view.params import DECK_RE, DEFAULT_DECK, MAX_SEARCH, MAX_SLIDES, PARAM
from etl.countries import BALTIC

MEASURES = ("absolute", "per_million")
STACKS = ("stacked", "percent")
CHARTS = ("lines", "chain", "forms")  # Trends: one indicator, the justice chain, forms of exploitation
GRADE_FILTERS = ("official", "unconfirmed")  # besides one grade code: all official grades, all the others
# short URL spellings of enumerations
Values = Mapping[str, Any]  # the fields read so far (and "page"), by name
Parsed = tuple[Any, "str | None"]  # a field's value and a notice (a part left out), or raises Bad
_MEASURE_Q = {"absolute": "abs", "per_million": "pm"}
_STACK_Q = {"stacked": "stack", "percent": "pct"}


class Bad(Exception):
    def __init__(self, why: str = ""):
        self.why = why


_NOTHING = object()


def _no_default(options: Options, values: Values) -> object:
    return _NOTHING


@dataclass(frozen=True)
class Field:
    """One view field, declared once: its URL parameter, how it is read, checked and written, the
    widget that edits it and what the data allows. A new field = one entry in FIELDS, its ViewState
    attribute and its place in the pages' registry entries (components/core/pages.py)."""

    name: str
    noun: str  # in notices: "Ignored <noun> 'x'; using the default."
    label: str  # the widget's label
    parse: Callable  # (text, options, values so far) -> (value, notice or None); raises Bad(why)
    encode: Callable = str
    widget: str | None = None  # select | segmented | multiselect | toggle | years | text | figure (None: no widget)
    choices: Callable | None = None  # (options, values) -> the values a widget offers (and resolve allows)
    default: Callable = _no_default  # (options, values) -> the value shown when none is chosen
    fmt: str | None = None  # which label function the binding uses (controls.labels)
    help: str | None = None
    placeholder: str | None = None  # a text widget's examples (a msgid: shown in the reader's language)
    when: Callable | None = None  # (values) -> bool: the widget is drawn only then (its value is kept)
    width: float = 2.0
    url_default: Callable | None = None  # (options, values) -> a value must also equal this to be left out
    # (options, values) -> what the parameter accepts, in words, where the choices are not a list (years, text)
    accepts: Callable | None = None

    @property
    def param(self) -> str:
        """The field's URL parameter (params.PARAM: the one table of spellings)."""
        return PARAM[self.name]

    def default_value(self, options: Options, values: Values) -> Any:
        d = self.default(options, values)
        return None if d is _NOTHING else d

    def allowed(self, options: Options, values: Values) -> list[str] | str | None:
        """What a link may give this parameter, given the fields before it: the API's 400s name it."""
        if self.accepts is not None:
            return self.accepts(options, values)
        if self.widget == "toggle":
            return list(BOOL_TEXT)
        if self.choices is None:
            return None
        encode = (lambda c: c) if self.widget == "multiselect" else self.encode
        return [encode(c) for c in self.choices(options, values) if c is not None]


def _choice(allowed: Callable, why: str = "") -> Callable[[str, Options, Values], Parsed]:
    def parse(text: str, options: Options, values: Values) -> Parsed:
        if text in allowed(options, values):
            return text, None
        raise Bad(why)

    return parse


def _spelled(spell: dict, allowed: Callable) -> Callable[[str, Options, Values], Parsed]:
    back = {v: k for k, v in spell.items()}

    def parse(text: str, options: Options, values: Values) -> Parsed:
        v = back.get(text, text)
        if v in allowed(options, values):
            return v, None
        raise Bad()

    return parse


BOOL_TEXT = ("1", "0", "true", "false")


def _bool(text: str, options: Options, values: Values) -> Parsed:
    if text in BOOL_TEXT:
        return text in ("1", "true"), None
    raise Bad()


def _countries(text: str, options: Options, values: Values) -> Parsed:
    vals = [x.strip().upper() for x in text.split(",") if x.strip()]
    ok = tuple(c for c in options.countries if c in vals)
    if not ok:
        raise Bad()
    note = None
    if len(ok) != len(set(vals)):
        note = _("Ignored unknown countries in the link: {codes}.").format(
            codes=", ".join(safe_echo(x) for x in vals if x not in ok)
        )
    return ok, note


def _years(text: str, options: Options, values: Values) -> Parsed:
    y = _parse_years(text, options)
    if y is None:
        raise Bad(N_(" (not a year range within the data)"))
    return y, None


def _index_base(text: str, options: Options, values: Values) -> Parsed:
    lo, hi = values.get("years") or (options.year_min, options.year_max)
    y = _parse_int(text)
    if y is not None and lo <= y <= hi:
        return y, None
    raise Bad(N_(" (outside the years shown)"))


def _search(text: str, options: Options, values: Values) -> Parsed:
    t = _clean_search(text)
    if t is None:
        raise Bad(N_(" (too long or not plain text)"))
    return t, None


def _deck(text: str, options: Options, values: Values) -> Parsed:
    if DECK_RE.fullmatch(text):
        return text, None
    raise Bad()


def _my_deck(text: str, options: Options, values: Values) -> Parsed:
    """Your own deck in the link: the usable slides kept (re-encoded), the others named in one notice."""
    own, problems = deck.decode(text)
    if own is None:
        raise Bad(N_(" (a damaged, cut-short or unknown deck link)"))
    try:
        return deck.encode(own), (" ".join(problems) if problems else None)
    except deck.DeckError:
        raise Bad(N_(" (a damaged, cut-short or unknown deck link)")) from None


def _slide(text: str, options: Options, values: Values) -> Parsed:
    n = text.strip()
    if re.fullmatch(r"\d{1,2}", n) and 1 <= int(n) <= MAX_SLIDES:
        return int(n), None
    raise Bad()


def _sel(text: str, options: Options, values: Values) -> Parsed:
    s = text.strip().upper()
    if s in options.countries and s in BALTIC:
        return s, None
    raise Bad()


def _figure(text: str, options: Options, values: Values) -> Parsed:
    if text in options.figures:
        return text, None
    raise Bad(N_(" (no such figure)"))


def _ind(values: Values, options: Options) -> str:
    ind = values.get("indicator")
    return ind if ind in options.indicators else options.indicator_default()


def _period_breakdowns(options: Options, values: Values) -> list[str]:
    """The breakdowns the chosen period has (within those of the indicator); 'total' at least."""
    ind = _ind(values, options)
    per = values.get("period") or options.period_default_for(ind, values.get("countries"))
    given = options.period_breakdowns.get((ind, per)) if per else None
    allowed = options.breakdowns_for(ind)
    return [b for b in (given if given is not None else allowed) if b in allowed] or ["total"]


def _periods(options: Options, values: Values) -> list[str]:
    """The periods of the chosen indicator; Compare also offers each country's own latest year."""
    own = list(options.periods_for(_ind(values, options)))
    return ([LATEST_PERIOD] if values.get("page") == "compare" and own else []) + own


def _breakdown_default(options: Options, values: Values) -> str:
    d = options.breakdown_default(_ind(values, options))
    return d if d in _period_breakdowns(options, values) else "total"


def _measure_default(options: Options, values: Values) -> str:
    ms = options.measures_for(_ind(values, options))
    return "absolute" if "absolute" in ms else ms[0]


def _span(options: Options, values: Values) -> tuple[int, int]:
    """The years shown, as range() bounds."""
    lo, hi = values.get("years") or (options.year_min, options.year_max)
    return lo, hi + 1


def _decks() -> list[str]:
    return deck.available()


def _slides(deck_id: str | None, mydeck: str | None = None) -> list[int]:
    if mydeck:
        own, _problems = deck.decode(mydeck)
        return list(range(1, len(own.slides) + 1)) if own else [1]
    try:
        return list(range(1, len(deck.load(deck_id or DEFAULT_DECK).slides) + 1))
    except deck.DeckError:
        return [1]


def _lines(values: Values) -> bool:
    return values.get("chart", "lines") == "lines"


def _not_forms(values: Values) -> bool:
    return values.get("chart", "lines") != "forms"


def _forms(values: Values) -> bool:
    return values.get("chart", "lines") == "forms"


def _one_country(text: str, options: Options, values: Values) -> Parsed:
    c = text.strip().upper()
    if c in options.countries and c in BALTIC:
        return c, None
    raise Bad()


_TRUE_FALSE = lambda b: "1" if b else "0"  # noqa: E731


FIELDS: dict[str, Field] = {
    f.name: f
    for f in (
        Field(
            "countries",
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
            N_("indicator"),
            N_("Indicator"),
            _choice(lambda o, v: o.indicators),
            widget="select",
            choices=lambda o, v: list(o.indicators),
            default=lambda o, v: o.indicator_default(),
            fmt="indicator",
            help=N_("What is counted. Definitions differ by country: see Methodology."),
            when=lambda v: v.get("chart", "lines") in ("lines", "forms"),
        ),
        Field(
            "period",
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
            N_("year range"),
            N_("Years"),
            _years,
            lambda y: f"{y[0]}-{y[1]}",
            widget="years",
            default=lambda o, v: None,
            width=3,
            accepts=lambda o, v: f"YYYY-YYYY within {o.year_min}-{o.year_max}",
        ),
        Field(
            "index_base",
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
            accepts=lambda o, v: "a year within {}-{}".format(*(v.get("years") or (o.year_min, o.year_max))),
        ),
        Field(
            "chart",
            N_("view"),
            N_("View"),
            _choice(lambda o, v: CHARTS),
            widget="segmented",
            choices=lambda o, v: list(CHARTS),
            default=lambda o, v: "lines",
            fmt="chart",
        ),
        Field(
            "filter_indicator",
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
            N_("search text"),
            N_("Search the rows"),
            _search,
            widget="text",
            default=lambda o, v: "",
            help=N_(
                "Keeps the rows whose country, period, indicator, category, value, source, location, flags or "
                "note contain every word you type."
            ),
            # examples the search finds in the reader's language (the labels are translated; the sources'
            # titles and publishers stay in their own language)
            placeholder=N_("e.g. Latvia 2024, Ombudsman, sham"),
            width=3,
            accepts=lambda o, v: f"plain text, at most {MAX_SEARCH} characters",
        ),
        Field(
            "figure",
            N_("figure"),
            N_("Figure"),
            _figure,
            widget="figure",
            default=lambda o, v: o.default_figure if v.get("page") == "check" else None,
            accepts=lambda o, v: (
                "a figure key country~start~end~indicator~breakdown~category~unit of the data, e.g. "
                + (min(o.figures) if o.figures else "EE~2020~2020~victims~total~total~persons")
            ),
        ),
        Field(
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
            N_("deck"),
            N_("Deck"),
            _deck,
            choices=lambda o, v: _decks(),
            default=lambda o, v: DEFAULT_DECK,
        ),
        Field("mydeck", N_("your deck"), N_("Your deck"), _my_deck),
        Field(
            "slide",
            N_("slide number"),
            N_("Slide"),
            _slide,
            choices=lambda o, v: _slides(v.get("deck"), v.get("mydeck")),
            default=lambda o, v: 1,
        ),
    )
}


def safe_echo(s: str, n: int = 30) -> str:
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
