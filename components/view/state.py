"""The view: one typed object per page view (ViewState), read from and written to short readable links,
and resolved once against what the data allows (Resolved).

    /compare?ind=victims&per=2022&bd=exploitation&m=pm&stack=pct
    /trends?c=EE,LT&ind=convicted&yr=2014-2023&base=2015&view=chain

`decode()` never raises: it says of each of the page's parameters whether it was valid, invalid (the raw
text, why, and what is allowed) or missing; the page turns the invalid ones into one notice, the data API
into its 400s. `to_query()` writes only non-default fields, so the default view has a clean URL. Round trip:
`from_query(to_query(v)) == (v, [])` for every valid view (property-tested).

`resolve()` makes every field concrete (a default that depends on the data is chosen here, once): the
widgets show it, the builders draw it, and its `view` is the canonical link and cache key. A view carries
no language: the text layer does (components/core/i18n.py; the link's `lang=` is read by the app's frame).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal
from urllib.parse import urlencode

from components.core.i18n import N_, _
from components.view.fields import FIELDS, Bad, Field, safe_echo
from components.view.options import Options
from components.view.params import IGNORED_PARAMS, MAX_DECK_LINK, MAX_SEARCH, MAX_VALUE, PAGE_FIELDS, PAGES
from etl.countries import BALTIC

MAX_NOTICES = 8


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
    chart: str = "lines"  # trends: one indicator, the justice chain or forms of exploitation (link: view=)
    filter_indicator: str | None = None  # None: all indicators
    source: str | None = None  # None: all sources
    preferred_only: bool = False
    figure: str | None = None
    sel: str | None = None  # map: the country whose detail is open (None: none)
    country: str | None = None  # trends, forms of exploitation over time: the one country (None: the first)
    flows: bool = False  # map: draw the flow arcs
    zoom: bool = False  # map: the zoomable WebGL map (deck.gl) instead of the drawn (Vega-Lite) one
    deck: str | None = None  # present: deck id (None: the default deck)
    slide: int = 1  # present: 1-based slide number
    mydeck: str | None = None  # present: your own deck, encoded (deck.encode); None: a shipped deck
    unconfirmed: bool = False  # also draw figures known only from weaker sources (with their own mark)
    grade: str | None = None  # data: 'official', 'unconfirmed' or one grade code (None: all)
    search: str = ""  # data: free text that filters the rows

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
        return urlencode(sorted(self.to_query().items()), safe=",~")

    @classmethod
    def from_query(
        cls, params: Mapping[str, object], options: Options, page: str = "overview"
    ) -> tuple[ViewState, list[str]]:
        """The view a link asks for, and a plain notice for each part of it that could not be used."""
        decoded = decode(params, options, page)
        return decoded.view, decoded.notices()


# ------------------------------------------------------------------------------------------ decode


@dataclass(frozen=True)
class Param:
    """One of the page's parameters as a link gave it."""

    name: str  # the field
    status: Literal["valid", "invalid", "missing"]
    raw: str | None = None
    value: object = None  # valid: the value the view holds
    reason: str = ""  # invalid: why, a source text (" (no data for it)"), translated when shown
    allowed: list[str] | str | None = None  # invalid: what the parameter accepts given the ones before it
    note: str | None = None  # valid, with a part left out (unknown countries; slides of an own deck)


@dataclass(frozen=True)
class Decoded:
    """A link read against what the data allows: the view, and what became of each parameter."""

    view: ViewState
    params: Mapping[str, Param] = field(default_factory=dict)  # by field name, in the page's order
    unknown: tuple[str, ...] = ()  # parameters the page does not have
    unreadable: bool = False  # not a mapping at all

    def notices(self) -> list[str]:
        """Short, sanitised sentences in the run's language, at most MAX_NOTICES."""
        if self.unreadable:
            return [_("The link's parameters could not be read; showing the default view.")]
        out = [_("Ignored unknown link parameter '{name}'.").format(name=safe_echo(k)) for k in self.unknown]
        for p in self.params.values():
            if p.status == "invalid":
                out.append(
                    _("Ignored {noun} '{value}'{why}; using the default.").format(
                        noun=_(FIELDS[p.name].noun), value=safe_echo(p.raw or ""), why=_(p.reason) if p.reason else ""
                    )
                )
            elif p.note:
                out.append(p.note)
        return out[:MAX_NOTICES]


def _text(x: object, n: int = MAX_VALUE) -> str:
    try:
        return str(x)[:n]
    except Exception:
        return ""


NOT_TOGETHER = N_(" (not available with the rest of this view)")


def _read(f: Field, text: str, options: Options, values: dict) -> Param:
    try:
        value, note = f.parse(text, options, values)
    except Bad as bad:
        return Param(f.name, "invalid", text, reason=bad.why, allowed=f.allowed(options, values))
    # a value of the right form that the fields before it rule out (a slide beyond the deck's end, a deck
    # that is not shipped): the same as the widget would offer
    if f.choices is not None and f.widget != "multiselect" and value not in f.choices(options, values):
        return Param(f.name, "invalid", text, reason=NOT_TOGETHER, allowed=f.allowed(options, values))
    return Param(f.name, "valid", text, value=value, note=note)


def decode(params: Mapping[str, object], options: Options, page: str = "overview") -> Decoded:
    """Each of the page's fields from its parameter, checked against what the data allows given the fields
    before it (in the order the page declares them: a period is checked against the indicator). Never raises."""
    page = page if page in PAGES else "overview"
    base = ViewState(page=page, indicator=options.indicator_default())
    try:
        items = list(params.items())
    except Exception:  # not a mapping at all
        return Decoded(base, unreadable=True)
    raw: dict[str, str] = {}
    for k, v in items:
        k = _text(k)
        if isinstance(v, (list, tuple)):
            v = ",".join(_text(x) for x in v)
        raw[k] = _text(v, MAX_DECK_LINK + 1 if k == FIELDS["mydeck"].param else MAX_VALUE)
    fields = [FIELDS[n] for n in PAGE_FIELDS[page]]
    known = {f.param for f in fields}
    unknown = tuple(k for k in raw if k not in IGNORED_PARAMS and k not in known)
    values: dict[str, object] = {"page": page, **{f.name: getattr(base, f.name) for f in fields}}
    read: dict[str, Param] = {}
    for f in fields:
        if f.param not in raw:
            read[f.name] = Param(f.name, "missing")
            continue
        read[f.name] = p = _read(f, raw[f.param], options, values)
        if p.status == "valid":
            values[f.name] = p.value
    kw: dict[str, Any] = {name: p.value for name, p in read.items() if p.status == "valid"}
    return Decoded(replace(base, **kw), read, unknown)


# ----------------------------------------------------------------------------------------- resolve


@dataclass(frozen=True)
class Resolved:
    """A view with every field concrete: what the widgets show and the builders draw. `view` is the
    canonical view (a field equal to a default that depends on the data is None, so the link stays short):
    the link and the cache key."""

    view: ViewState
    countries: tuple[str, ...]
    indicator: str
    period: str | None  # None only where the indicator has no period at all
    breakdown: str
    measure: str
    stack: str
    years: tuple[int, int] | None  # None: all years
    index_base: int | None
    chart: str
    filter_indicator: str | None
    source: str | None
    preferred_only: bool
    figure: str | None
    sel: str | None
    country: str | None
    flows: bool
    zoom: bool
    deck: str
    slide: int
    mydeck: str | None
    unconfirmed: bool
    grade: str | None
    search: str

    @property
    def page(self) -> str:
        return self.view.page

    def value(self, name: str) -> object:
        """One field by name (the widget binding, driven by the field declarations)."""
        return getattr(self, name)


def resolve(view: ViewState, options: Options) -> Resolved:
    """What the page shows for `view`: each field kept when the data allows it given the fields before it,
    else its default (a breakdown the chosen year lacks falls back, as the page's selector does)."""
    values: dict[str, Any] = {"page": view.page}
    canon: dict[str, Any] = {}
    blank = ViewState(page=view.page)
    for name in PAGE_FIELDS[view.page]:
        f = FIELDS[name]
        v = getattr(view, name)
        default = f.default_value(options, values)
        if name == "countries":
            ok = tuple(c for c in options.countries if c in (v or ()))
            v = ok or tuple(c for c in BALTIC if c in options.countries) or tuple(options.countries[:3])
        elif name == "years":
            v = tuple(v) if v and options.year_min <= v[0] <= v[1] <= options.year_max else None
            v = None if v == (options.year_min, options.year_max) else v
        elif name == "index_base":
            lo, hi = values.get("years") or (options.year_min, options.year_max)
            v = v if v is not None and lo <= v <= hi else None
        elif name == "search":
            v = " ".join(str(v or "").split())[:MAX_SEARCH]
        elif name == "figure":  # unset: the page's default figure; not a figure of the data: none
            v = v if v in options.figures else (default if v is None else None)
        elif (f.choices is not None and v not in f.choices(options, values)) or v is None:
            v = default
        values[name] = v
        # left out of the link only when it is what a link without it shows, now and by the usual rule
        left_out = v == default and (f.url_default is None or v == f.url_default(options, values))
        canon[name] = None if (left_out and getattr(blank, name) is None) else v
    values.pop("page")
    # the fields the page does not have: their defaults (a builder reads only its page's fields)
    rest = {n: getattr(blank, n) for n in RESOLVED_FIELDS if n not in values}
    if rest.get("deck") is None:
        rest["deck"] = FIELDS["deck"].default_value(options, {})
    return Resolved(view=replace(view, **canon), **{**rest, **values})


RESOLVED_FIELDS = tuple(n for n in Resolved.__dataclass_fields__ if n != "view")
