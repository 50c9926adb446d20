"""Property-based fuzzing of link parameters (hypothesis).

1. The codec (`ViewState.from_query`) against the synthetic dataset's real options: thousands of
   random and hostile inputs per run -> never raises, always a valid view, notices carry no markup,
   and the view it settles on round-trips with no notice.
2. Every page under AppTest (one session per page, rerun with new parameters: a pasted link each
   time) -> never an exception or error element, a notice whenever the link had unusable parts,
   the URL rewritten to known parameters only.
2,500 codec inputs + 6 x 35 page runs = 2,710 inputs; about 80 s.
"""

from __future__ import annotations

import string

import pytest
from hypothesis import HealthCheck, Phase, given, settings, strategies as st
from streamlit.testing.v1 import AppTest

from components.core import queries as q
from components.core.dataset import load
from components.view.options import options_from
from components.view.params import PAGE_FIELDS, PAGES, PARAM
from components.view.state import ViewState
from tests.app.conftest import DATA_DIR, ROOT

_DS = load(DATA_DIR)
OPTS = options_from(_DS.table, _DS.codebook, q.source_ids_of(_DS.table))
KNOWN = sorted(set(PARAM.values()))

HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "[x](javascript:alert(1))",
    "javascript:alert(1)",
    "{{7*7}}",
    "${7*7}",
    "../../etc/passwd",
    "%00",
    "\u0000",
    "\u202e",
    "' OR 1=1 --",
    '=HYPERLINK("http://x")',
    "NaN",
    "inf",
    "-1",
    "1e309",
    "0x10",
    "\ud7ff",
    "ÄÖÜ 漢字 🙂",
    "EE,EE,EE",
    ",,,",
    " ",
    "null",
    "None",
    "true",
    "[]",
    "{}",
    "1800-2100",
    "2100-1900",
    "2014-2014-2014",
    "99999",
    "२०२०",
]
valid_values = st.sampled_from(
    list(OPTS.countries)
    + list(OPTS.indicators)
    + [p for ps in OPTS.periods.values() for p in ps]
    + list(OPTS.sources)
    + sorted(OPTS.figures)[:20]
    + ["pm", "abs", "pct", "stack", "lines", "chain", "0", "1", f"{OPTS.year_min}-{OPTS.year_max}", str(OPTS.year_min)]
)
scalar = st.one_of(
    valid_values,
    st.sampled_from(HOSTILE),
    st.text(max_size=40),
    st.text(alphabet=string.printable, max_size=12),
    st.integers(-(10**6), 10**6).map(str),
    st.tuples(st.integers(1000, 3000), st.integers(1000, 3000)).map(lambda t: f"{t[0]}-{t[1]}"),
    st.integers(1, 20_000).map(lambda n: "x" * n),
    st.lists(valid_values, min_size=1, max_size=4).map(",".join),
)
value = st.one_of(scalar, st.lists(scalar, min_size=1, max_size=3))
key = st.one_of(
    st.sampled_from(KNOWN + ["v", "embed", "junk", "C", "ind ", "__proto__"]), st.text(min_size=1, max_size=12)
)
params_st = st.dictionaries(key, value, max_size=7)


def _flat(params: dict) -> dict[str, str]:
    return {k: ",".join(v) if isinstance(v, list) else v for k, v in params.items()}


def _valid(v: ViewState) -> None:
    assert v.countries and set(v.countries) <= set(OPTS.countries)
    assert v.indicator in OPTS.indicators
    assert v.period is None or v.period in OPTS.periods_for(v.indicator)
    assert v.breakdown is None or v.breakdown in OPTS.breakdowns_for(v.indicator)
    assert v.measure in OPTS.measures_for(v.indicator)
    if v.years:
        assert OPTS.year_min <= v.years[0] <= v.years[1] <= OPTS.year_max
    assert v.source is None or v.source in OPTS.sources
    assert v.figure is None or v.figure in OPTS.figures


def _clean_notice(n: str) -> None:
    assert "<" not in n and ">" not in n and "javascript:" not in n and "](" not in n, n
    assert len(n) < 400


@settings(max_examples=2500, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(PAGES), params_st)
def test_codec_never_raises_and_settles(page, params):
    v, notices = ViewState.from_query(params, OPTS, page)
    assert v.page == page
    _valid(v)
    assert len(notices) <= 8
    for n in notices:
        _clean_notice(n)
    # the view it settles on is a clean link: decoding its own URL gives it back with no notice
    assert ViewState.from_query(v.to_query(), OPTS, page) == (v, [])
    assert set(v.to_query()) <= {PARAM[f] for f in PAGE_FIELDS[page]}


# ------------------------------------------------------------------ full pages under AppTest

APP_PAGES = {
    "overview": None,
    "compare": "app_pages/compare.py",
    "trends": "app_pages/trends.py",
    "data": "app_pages/data.py",
    "methodology": "app_pages/methodology.py",
    "map": "app_pages/map.py",
}
RUNS_PER_PAGE = 35
_SESSIONS: dict[str, AppTest] = {}


@pytest.fixture
def session(monkeypatch, request):
    page = request.param
    monkeypatch.setenv("THB_DATA_DIR", str(DATA_DIR))
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    if APP_PAGES[page]:
        at.switch_page(APP_PAGES[page])
    at.run()
    assert not at.exception
    return page, at


@pytest.mark.parametrize("session", list(APP_PAGES), indirect=True)
def test_every_page_survives_fuzzed_links(session):
    page, at = session
    allowed = {PARAM[f] for f in PAGE_FIELDS[page]} | {"embed", "embed_options"}  # Streamlit keeps these
    runs = []

    # no shrinking: a full page run per step would make a failure take minutes to shrink
    @settings(
        max_examples=RUNS_PER_PAGE,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(params_st)
    def one_link(params):
        at.query_params.clear()
        for k, v in params.items():
            at.query_params[k] = v
        at.run()
        runs.append(1)
        assert not at.exception, (params, [e.value for e in at.exception])
        assert not at.error, (params, [e.value for e in at.error])
        assert set(at.query_params) <= allowed, (params, dict(at.query_params))
        for i in at.info:
            for line in i.value.split("\n\n", 1)[-1].splitlines():
                _clean_notice(line)
        _, notices = ViewState.from_query(_flat({str(k)[:500]: v for k, v in params.items()}), OPTS, page)
        if notices and page != "map":  # (map shows its own hint as info too)
            assert any("could not be used" in i.value for i in at.info), params

    one_link()
    assert len(runs) >= RUNS_PER_PAGE * 0.9
