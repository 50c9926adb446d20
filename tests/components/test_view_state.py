"""ViewState codec: round trip (property-based) and tolerance of hostile links."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from components.view.fields import CHARTS, MEASURES, STACKS
from components.view.options import Options
from components.view.params import PAGE_FIELDS, PAGES
from components.view.state import ViewState
from etl.countries import BALTIC

OPTS = Options(
    countries=(*BALTIC, "EU27"),
    indicators=("victims", "suspects", "convicted"),
    periods={"victims": ("2023", "2022", "2012-2016"), "suspects": ("2022", "2021"), "convicted": ("2020",)},
    period_default={"victims": "2022"},
    breakdowns={"victims": ("total", "exploitation", "sex"), "suspects": ("total",), "convicted": ("total", "sex")},
    measures={"victims": ("absolute", "per_million"), "suspects": ("absolute",), "convicted": MEASURES},
    year_min=2008,
    year_max=2024,
    sources=("SRC_A", "SRC_B"),
    figures=frozenset({"EE~2022~2022~victims~total~total~persons"}),
)


@st.composite
def views(draw):
    page = draw(st.sampled_from(PAGES))
    ind = draw(st.sampled_from(OPTS.indicators))
    years = draw(
        st.one_of(
            st.none(), st.tuples(st.integers(2008, 2024), st.integers(2008, 2024)).map(lambda t: (min(t), max(t)))
        )
    )
    lo, hi = years or (OPTS.year_min, OPTS.year_max)
    chosen = draw(st.sets(st.sampled_from(OPTS.countries), min_size=1))
    v = ViewState(
        page=page,
        countries=tuple(c for c in OPTS.countries if c in chosen),
        indicator=ind,
        period=draw(st.one_of(st.none(), st.sampled_from(OPTS.periods_for(ind)))),
        breakdown=draw(st.one_of(st.none(), st.sampled_from(OPTS.breakdowns_for(ind)))),
        measure=draw(st.sampled_from(OPTS.measures_for(ind))),
        stack=draw(st.sampled_from(STACKS)),
        years=years,
        index_base=draw(st.one_of(st.none(), st.integers(lo, hi))),
        chart=draw(st.sampled_from(CHARTS)),
        filter_indicator=draw(st.one_of(st.none(), st.sampled_from(OPTS.indicators))),
        source=draw(st.one_of(st.none(), st.sampled_from(OPTS.sources))),
        preferred_only=draw(st.booleans()),
        figure=draw(st.one_of(st.none(), st.sampled_from(sorted(OPTS.figures)))),
    )
    return v


def _project(v: ViewState) -> ViewState:
    """Only the fields a page encodes survive a round trip; the others stay at their defaults."""
    keep = {f: getattr(v, f) for f in PAGE_FIELDS[v.page]}
    return ViewState(page=v.page, **keep)


@settings(max_examples=300, deadline=None)
@given(views())
def test_round_trip(v):
    v = _project(v)
    q = v.to_query()
    assert all(isinstance(k, str) and isinstance(x, str) for k, x in q.items())
    back, notices = ViewState.from_query(q, OPTS, v.page)
    assert notices == []
    assert back == v
    assert back.to_query() == q


def test_default_view_has_clean_url():
    for page in PAGES:
        assert ViewState(page=page).to_query() == {}


def test_readable_params():
    v = ViewState(
        page="trends",
        countries=("EE", "LT"),
        indicator="convicted",
        measure="per_million",
        years=(2010, 2020),
        index_base=2015,
        chart="chain",
    )
    assert v.to_query() == {
        "c": "EE,LT",
        "ind": "convicted",
        "m": "pm",
        "yr": "2010-2020",
        "base": "2015",
        "view": "chain",
    }


HOSTILE = [
    {"c": "XX,<script>alert(1)</script>"},
    {"ind": "'; DROP TABLE x; --"},
    {"per": "1899"},
    {"yr": "2030-1990"},
    {"yr": "abc"},
    {"base": "99999999999999999999"},
    {"m": "[click](javascript:alert(1))"},
    {"stack": "\x00\x01"},
    {"view": "x" * 10_000},
    {"zzz": "1", "embed": "true"},
    {"fig": "EE~x~y"},
    {"pref": "maybe"},
    {"src": "NOPE"},
]


def test_hostile_params_fall_back_with_notices():
    for params in HOSTILE:
        for page in PAGES:
            v, notices = ViewState.from_query(params, OPTS, page)
            base = ViewState(page=page, indicator="victims")
            relevant = {k for k in params if k not in ("embed",)}
            if relevant:
                assert notices, (page, params)
            for n in notices:
                assert "<" not in n and "(" not in n.split("'")[1] if "'" in n else True
                assert len(n) < 200
            # every field falls back to its default
            assert v == base, (page, params, v)


def test_notice_echo_is_sanitised():
    _, notices = ViewState.from_query({"ind": "<img src=x onerror=alert(1)>"}, OPTS, "compare")
    assert len(notices) == 1
    assert "<" not in notices[0] and ">" not in notices[0] and "=" not in notices[0]


def test_partial_countries_are_kept_with_notice():
    v, notices = ViewState.from_query({"c": "lt,XX,EE"}, OPTS, "trends")
    assert v.countries == ("EE", "LT")
    assert notices and "XX" in notices[0]


def test_period_must_exist_for_indicator():
    v, notices = ViewState.from_query({"ind": "convicted", "per": "2023"}, OPTS, "compare")
    assert v.indicator == "convicted" and v.period is None and notices


def test_index_base_must_lie_in_year_range():
    v, notices = ViewState.from_query({"yr": "2010-2012", "base": "2015"}, OPTS, "trends")
    assert v.years == (2010, 2012) and v.index_base is None and notices


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(PAGES),
    st.dictionaries(
        st.sampled_from(
            ["c", "ind", "per", "bd", "m", "stack", "yr", "base", "view", "fi", "src", "pref", "fig", "v", "junk"]
        )
        | st.text(max_size=10),
        st.text(max_size=40) | st.lists(st.text(max_size=10), max_size=3),
        max_size=8,
    ),
)
def test_from_query_never_raises(page, params):
    v, notices = ViewState.from_query(params, OPTS, page)
    assert isinstance(v, ViewState)
    assert v.countries and set(v.countries) <= set(OPTS.countries)
    assert v.indicator in OPTS.indicators
    assert len(notices) <= 8


def test_not_a_mapping():
    v, notices = ViewState.from_query(None, OPTS, "compare")  # type: ignore[arg-type]
    assert v == ViewState(page="compare") and notices
