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
from dataclasses import dataclass, field, replace
from typing import Mapping

from components.style import BALTIC

VERSION = "1"

PAGES = ("overview", "compare", "trends", "data", "methodology", "map", "check", "present")
MEASURES = ("absolute", "per_million")
STACKS = ("stacked", "percent")
VIEWS = ("lines", "chain")

# field -> query parameter name
PARAM = {
    "countries": "c", "indicator": "ind", "period": "per", "breakdown": "bd", "measure": "m",
    "stack": "stack", "years": "yr", "index_base": "base", "view": "view",
    "filter_indicator": "fi", "source": "src", "preferred_only": "pref", "figure": "fig",
    "sel": "sel", "flows": "flows", "deck": "deck", "slide": "slide", "unconfirmed": "unc",
    "grade": "gr", "search": "q",
}
GRADE_FILTERS = ("official", "unconfirmed")  # besides one grade code: all official grades, all the others
MAX_SEARCH = 80
# short URL spellings of enumerations
_MEASURE_Q = {"absolute": "abs", "per_million": "pm"}
_STACK_Q = {"stacked": "stack", "percent": "pct"}

PAGE_FIELDS: dict[str, tuple[str, ...]] = {
    "overview": ("countries",),
    "compare": ("countries", "indicator", "period", "breakdown", "measure", "stack", "unconfirmed"),
    "trends": ("countries", "indicator", "measure", "years", "index_base", "view", "unconfirmed"),
    "data": ("countries", "filter_indicator", "source", "preferred_only", "years", "grade", "search", "figure"),
    "methodology": (),
    "map": ("indicator", "period", "measure", "sel", "flows", "unconfirmed"),
    "check": ("figure",),
    "present": ("deck", "slide"),
}
DECK_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")
MAX_SLIDES = 99
IGNORED_PARAMS = {"v", "embed", "embed_options"}


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
    default_indicator: str = "victims"
    default_breakdown: str = "exploitation"

    def periods_for(self, indicator: str) -> tuple[str, ...]:
        return tuple(self.periods.get(indicator, ()))

    def period_default_for(self, indicator: str) -> str | None:
        per = self.periods_for(indicator)
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
    flows: bool = False  # map: draw the flow arcs
    deck: str | None = None  # present: deck id (None: the default deck); existence is checked by the page
    slide: int = 1  # present: 1-based slide number
    unconfirmed: bool = False  # also draw figures known only from weaker sources (with their own mark)
    grade: str | None = None  # data: 'official', 'unconfirmed' or one grade code (None: all)
    search: str = ""  # data: free text that filters the rows

    # ------------------------------------------------------------------ encode
    def to_query(self) -> dict[str, str]:
        default = ViewState(page=self.page)
        q: dict[str, str] = {}
        for f in PAGE_FIELDS.get(self.page, ()):
            val = getattr(self, f)
            if val == getattr(default, f):
                continue
            q[PARAM[f]] = _encode(f, val)
        return q

    def resolved_period(self, options: Options) -> str | None:
        if self.period:
            return self.period
        return options.period_default_for(self.indicator)

    def resolved_breakdown(self, options: Options) -> str:
        return self.breakdown or options.breakdown_default(self.indicator)

    # ------------------------------------------------------------------ decode
    @classmethod
    def from_query(cls, params: Mapping[str, object], options: Options, page: str = "overview"
                   ) -> tuple["ViewState", list[str]]:
        notices: list[str] = []
        page = page if page in PAGES else "overview"
        base = cls(page=page, indicator=options.indicator_default())
        kw: dict[str, object] = {}
        fields = PAGE_FIELDS[page]
        by_param = {PARAM[f]: f for f in fields}
        try:
            items = list(params.items())
        except Exception:  # not a mapping at all
            return base, ["The link's parameters could not be read; showing the default view."]
        raw: dict[str, str] = {}
        for k, v in items:
            k = _text(k)
            if isinstance(v, (list, tuple)):
                v = ",".join(_text(x) for x in v)
            raw[k] = _text(v)
        for k in raw:
            if k in IGNORED_PARAMS:
                continue
            if k not in by_param:
                notices.append(f"Ignored unknown link parameter '{_safe(k)}'.")

        def bad(f: str, why: str = "") -> None:
            notices.append(f"Ignored {_LABEL[f]} '{_safe(raw[PARAM[f]])}'{why}; using the default.")

        if "countries" in fields and PARAM["countries"] in raw:
            vals = [x.strip().upper() for x in raw["c"].split(",") if x.strip()]
            ok = tuple(c for c in options.countries if c in vals)
            if not ok:
                bad("countries")
            else:
                if len(ok) != len(set(vals)):
                    notices.append("Ignored unknown countries in the link: "
                                   + ", ".join(_safe(x) for x in vals if x not in ok) + ".")
                kw["countries"] = ok
        indicator = base.indicator
        if "indicator" in fields and "ind" in raw:
            if raw["ind"] in options.indicators:
                indicator = raw["ind"]
                kw["indicator"] = indicator
            else:
                bad("indicator")
        if "period" in fields and "per" in raw:
            if raw["per"] in options.periods_for(indicator):
                kw["period"] = raw["per"]
            else:
                bad("period", " (no data for it)")
        if "breakdown" in fields and "bd" in raw:
            if raw["bd"] in options.breakdowns_for(indicator):
                kw["breakdown"] = raw["bd"]
            else:
                bad("breakdown")
        if "measure" in fields and "m" in raw:
            m = {v: k for k, v in _MEASURE_Q.items()}.get(raw["m"], raw["m"])
            if m in options.measures_for(indicator):
                kw["measure"] = m
            else:
                bad("measure")
        if "stack" in fields and "stack" in raw:
            s = {v: k for k, v in _STACK_Q.items()}.get(raw["stack"], raw["stack"])
            if s in STACKS:
                kw["stack"] = s
            else:
                bad("stack")
        years = None
        if "years" in fields and "yr" in raw:
            years = _parse_years(raw["yr"], options)
            if years is None:
                bad("years", " (not a year range within the data)")
            else:
                kw["years"] = years
        if "index_base" in fields and "base" in raw:
            lo, hi = years or (options.year_min, options.year_max)
            y = _parse_int(raw["base"])
            if y is not None and lo <= y <= hi:
                kw["index_base"] = y
            else:
                bad("index_base", " (outside the years shown)")
        if "view" in fields and "view" in raw:
            if raw["view"] in VIEWS:
                kw["view"] = raw["view"]
            else:
                bad("view")
        if "filter_indicator" in fields and "fi" in raw:
            if raw["fi"] in options.indicators:
                kw["filter_indicator"] = raw["fi"]
            else:
                bad("filter_indicator")
        if "source" in fields and "src" in raw:
            if raw["src"] in options.sources:
                kw["source"] = raw["src"]
            else:
                bad("source")
        if "preferred_only" in fields and "pref" in raw:
            if raw["pref"] in ("1", "0", "true", "false"):
                kw["preferred_only"] = raw["pref"] in ("1", "true")
            else:
                bad("preferred_only")
        if "figure" in fields and "fig" in raw:
            if raw["fig"] in options.figures:
                kw["figure"] = raw["fig"]
            else:
                bad("figure", " (no such figure)")
        if "sel" in fields and "sel" in raw:
            s = raw["sel"].strip().upper()
            if s in options.countries and s in BALTIC:
                kw["sel"] = s
            else:
                bad("sel")
        if "flows" in fields and "flows" in raw:
            if raw["flows"] in ("1", "0", "true", "false"):
                kw["flows"] = raw["flows"] in ("1", "true")
            else:
                bad("flows")
        if "unconfirmed" in fields and "unc" in raw:
            if raw["unc"] in ("1", "0", "true", "false"):
                kw["unconfirmed"] = raw["unc"] in ("1", "true")
            else:
                bad("unconfirmed")
        if "grade" in fields and "gr" in raw:
            if raw["gr"] in GRADE_FILTERS or raw["gr"] in options.grades:
                kw["grade"] = raw["gr"]
            else:
                bad("grade")
        if "search" in fields and "q" in raw:
            text = _clean_search(raw["q"])
            if text is None:
                bad("search", " (too long or not plain text)")
            else:
                kw["search"] = text
        if "deck" in fields and "deck" in raw:
            if DECK_RE.fullmatch(raw["deck"]):
                kw["deck"] = raw["deck"]
            else:
                bad("deck")
        if "slide" in fields and "slide" in raw:
            n = raw["slide"].strip()
            if re.fullmatch(r"\d{1,2}", n) and 1 <= int(n) <= MAX_SLIDES:
                kw["slide"] = int(n)
            else:
                bad("slide")
        return replace(base, **kw), notices[:8]


_LABEL = {
    "countries": "countries", "indicator": "indicator", "period": "period", "breakdown": "breakdown",
    "measure": "measure", "stack": "bar style", "years": "year range", "index_base": "index base year",
    "view": "view", "filter_indicator": "indicator filter", "source": "source", "preferred_only":
    "preferred-only switch", "figure": "figure", "sel": "selected country", "flows": "flows switch",
    "deck": "deck", "slide": "slide number", "unconfirmed": "unconfirmed-figures switch",
    "grade": "evidence grade", "search": "search text",
}


def _encode(f: str, val) -> str:
    if f == "countries":
        return ",".join(val)
    if f == "measure":
        return _MEASURE_Q[val]
    if f == "stack":
        return _STACK_Q[val]
    if f == "years":
        return f"{val[0]}-{val[1]}"
    if f in ("preferred_only", "flows", "unconfirmed"):
        return "1" if val else "0"
    return str(val)


def _text(x) -> str:
    try:
        return str(x)[:500]
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
    from components import queries as q
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
    bds = {i: tuple(q.breakdowns_available(rows[i], i)) for i in inds}
    ms = {i: tuple(q.measures_available(rows[i], i)) for i in inds}
    years = q.years_available(ds_table)
    figs = frozenset(figure_keys(ds_table))
    return Options(
        countries=tuple(q.countries_available(ds_table)),
        indicators=inds, periods=per, period_default={k: v for k, v in per_default.items() if v},
        breakdowns=bds, measures=ms,
        year_min=min(years) if years else 2000, year_max=max(years) if years else 2030,
        sources=tuple(sources), figures=figs,
        grades=tuple(sorted(set(ds_table["grade"]) - {""})) if "grade" in ds_table.columns else (),
    )
