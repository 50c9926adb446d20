"""AppTest: every page renders, every widget option works, links round-trip, bad links and bad
data never crash."""

from __future__ import annotations

import json
import time

import pytest

from etl.countries import BALTIC
from tests.app import conftest
from tests.app.conftest import PAGES, assert_ok, open_page, synthetic_only


def _charts(at):
    return [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]


@pytest.mark.parametrize("page", list(PAGES))
def test_page_renders_on_defaults(page):
    at = open_page(page)
    assert_ok(at)
    assert not at.info, [i.value for i in at.info]  # no notice on a clean link
    assert dict(at.query_params) == {}  # the default view has a clean URL
    # footer on every page: dataset version and how to cite
    text = " ".join(c.value for c in at.caption) + " ".join(c.value for c in at.code)
    assert "Dataset" in text and "How to cite" in text
    for spec, el in zip(_charts(at), at.get("vega_lite_chart")):
        assert el.proto.alt.strip(), "every chart needs alt text"
        assert spec["title"]["text"]


@synthetic_only
def test_overview_content():
    at = open_page("overview")
    md = " ".join(m.value for m in at.markdown)
    assert "not how many people are trafficked" in md
    metrics = [(m.label, m.value) for m in at.metric]
    assert metrics == [
        ("Registered victims, 2023", "90"),
        ("Registered victims, 2022", "24"),
        ("Registered victims, 2023", "58"),
    ]
    assert "Sexual exploitation (45)" in md
    assert "69.2" in md  # per million, EE 2023 (fake: 90 / 1.3 million)


@synthetic_only
def test_compare_default_chart_and_table():
    at = open_page("compare")
    spec = _charts(at)[0]
    assert spec["usermeta"]["title"].startswith("Registered victims by exploitation")  # title text: wraps
    df = at.dataframe[0].value
    assert set(df["Country"]) == {"Estonia", "Latvia", "Lithuania"}


# ---------------------------------------------------------------- sweep every option of every widget


def _widgets(at):
    out = []
    for kind in ("selectbox", "segmented_control", "multiselect", "toggle"):
        for w in getattr(at, kind):
            if w.key and "__" in w.key:
                out.append((kind, w.key))
    return out


def _option_count(at, kind, key):
    w = getattr(at, kind)(key=key)
    return 2 if kind == "toggle" else len(w.options)


def _candidates():
    """Every raw option value a widget may hold (AppTest shows only formatted labels)."""
    from components.core import queries as q
    from components.core.dataset import read_table
    from etl.figure_key import KEY, figure_key
    from tests.app.conftest import DATA_DIR

    t = read_table(DATA_DIR / "harmonised" / "thb_baltic.csv")
    vals = {"", None, True, False, "absolute", "per_million", "stacked", "percent", "lines", "chain", "forms", "latest"}
    vals |= set(t["indicator"]) | set(t["period"]) | set(t["breakdown"]) | set(t["country"])
    vals |= set(q.source_ids_of(t)) | {figure_key(r) for r in t[KEY].to_dict("records")}
    vals |= set(range(1990, 2031))
    vals |= set(t["grade"]) | {"official", "unconfirmed"}
    return vals


_CANDIDATES = None


def _raw(at, w, label):
    global _CANDIDATES
    if _CANDIDATES is None:
        _CANDIDATES = _candidates()
    fmt = w.format_func
    for c in _CANDIDATES:
        try:
            if str(fmt(c)) == label:
                return c
        except Exception:
            continue
    raise AssertionError(f"no raw value for option {label!r} of {w.key}")


def _pick(at, kind, key, i):
    w = getattr(at, kind)(key=key)
    if kind == "toggle":
        w.set_value(bool(i))
    elif kind == "multiselect":
        w.set_value([_raw(at, w, w.options[i])])
    else:
        w.set_value(_raw(at, w, w.options[i]))
    return at.run()


@pytest.mark.parametrize("page", ["overview", "compare", "trends", "data"])
def test_sweep_every_option(page):
    at = open_page(page)
    assert_ok(at)
    seen = set()
    todo = _widgets(at)
    runs = 0
    while todo:
        todo.sort(key=lambda w: w[1].endswith("__view"))  # switching view hides widgets: do it last
        kind, key = todo.pop(0)
        if (kind, key) in seen or not any(k == key for _, k in _widgets(at)):
            continue
        seen.add((kind, key))
        n = _option_count(at, kind, key)
        # every option; on a big real dataset an even sample of 25 (first and last included)
        idx = list(range(n)) if n <= 25 else sorted({round(j * (n - 1) / 24) for j in range(25)})
        if key == "data__figure":
            idx = idx[:6]
        for i in idx:
            if not any(k == key for _, k in _widgets(at)):
                break
            at = _pick(at, kind, key, i)
            runs += 1
            assert_ok(at)
            assert not at.info, (key, i, [x.value for x in at.info])
            assert not at.warning, (key, i, [x.value for x in at.warning])  # e.g. widget-state misuse
            todo += [w for w in _widgets(at) if w not in seen and w not in todo]
    assert runs >= 3


@synthetic_only
def test_years_slider_and_index():
    at = open_page("trends")
    at.slider(key="trends__years").set_value((2014, 2020)).run()
    assert_ok(at)
    assert at.query_params["yr"] == ["2014-2020"] or at.query_params["yr"] == "2014-2020"
    at.selectbox(key="trends__index_base").set_value(2015).run()
    assert_ok(at)
    spec = _charts(at)[0]
    assert spec["layer"][0]["encoding"]["y"]["field"] == "index"


# ---------------------------------------------------------------- URL round trip

ROUND_TRIPS = {
    "overview": {"c": "EE,LT"},
    "compare": {"c": "EE,LV", "ind": "suspects", "per": "2019", "m": "pm", "stack": "pct"},
    "compare_breakdown": {"per": "2012-2016", "bd": "total"},
    "compare_sex": {"per": "2019", "bd": "sex", "stack": "pct"},
    "trends": {"c": "LV", "ind": "convicted", "m": "pm", "yr": "2013-2021", "base": "2015"},
    "data": {
        "c": "EE",
        "fi": "victims",
        "src": "SYN_USTIP",
        "pref": "0",
        "fig": "EE~2022~2022~victims~total~total~persons",
    },
}


def _qp(at):
    return {k: (v if isinstance(v, str) else ",".join(v)) for k, v in at.query_params.items()}


@synthetic_only
@pytest.mark.parametrize("case", list(ROUND_TRIPS))
def test_url_round_trip(case):
    params = ROUND_TRIPS[case]
    page = case.split("_")[0]
    at = open_page(page, params)
    assert_ok(at)
    assert not at.info
    got = _qp(at)
    # defaults are dropped from the URL; everything else comes back unchanged
    for k, v in params.items():
        if k == "pref" and v == "0":
            continue
        assert got.get(k) == v, (k, got)
    # a second session opened with the URL the first one wrote shows the same widgets
    at2 = open_page(page, got)
    assert_ok(at2)
    assert _qp(at2) == got
    w1 = {
        w.key: w.value
        for kind in ("selectbox", "segmented_control", "multiselect", "toggle", "slider")
        for w in getattr(at, kind)
        if w.key
    }
    w2 = {
        w.key: w.value
        for kind in ("selectbox", "segmented_control", "multiselect", "toggle", "slider")
        for w in getattr(at2, kind)
        if w.key
    }
    assert w1 == w2


@synthetic_only
def test_link_sets_widgets():
    at = open_page("compare", ROUND_TRIPS["compare"])
    assert at.selectbox(key="compare__indicator").value == "suspects"
    assert at.selectbox(key="compare__period").value == "2019"
    assert at.segmented_control(key="compare__measure").value == "per_million"
    assert at.multiselect(key="compare__countries").value == ["EE", "LV"]


@synthetic_only
def test_widget_change_updates_url():
    at = open_page("compare")
    at.segmented_control(key="compare__measure").set_value("per_million").run()
    assert _qp(at) == {"m": "pm"}
    at.segmented_control(key="compare__measure").set_value("absolute").run()
    assert _qp(at) == {}


@synthetic_only
def test_data_figure_shows_every_source():
    at = open_page("data", {"fig": "EE~2022~2022~victims~total~total~persons"})
    assert_ok(at)
    side = at.dataframe[1].value
    assert list(side["Value"]) == ["111", "115", "120"]
    assert list(side["Preferred"]) == [True, False, False]
    assert any("Why this one" in m.value for m in at.markdown)


# ---------------------------------------------------------------- hostile links

HOSTILE = [
    {"c": "<script>alert(1)</script>"},
    {"ind": "[x](javascript:alert(1))", "per": "9999"},
    {"yr": "2100-1900", "base": "-1"},
    {"m": "\u202e\u0000", "stack": "x" * 5000},
    {"fig": "../../etc/passwd"},
    {"unknown": "1", "v": "99"},
]


@pytest.mark.parametrize("params", HOSTILE)
@pytest.mark.parametrize("page", list(PAGES))
def test_hostile_params_fall_back_with_notice(page, params):
    at = open_page(page, params)
    assert_ok(at)
    relevant = [k for k in params if k != "v"]
    if relevant:
        assert at.info, "a bad link must say that defaults were used"
        text = at.info[0].value
        assert "<script" not in text and "javascript:" not in text
    # the URL is rewritten to the clean view
    assert all(
        k in ("c", "ind", "per", "bd", "m", "stack", "yr", "base", "view", "fi", "src", "pref", "fig")
        for k in at.query_params
    )


# ---------------------------------------------------------------- broken or missing data


@pytest.mark.parametrize("content", [None, "", "not,a,dataset\n1,2,3\n", "\x00\xff garbage"])
@pytest.mark.parametrize("page", ["overview", "trends"])
def test_broken_data_shows_error_not_traceback(tmp_path, monkeypatch, page, content):
    if content is not None:
        (tmp_path / "harmonised").mkdir()
        (tmp_path / "harmonised" / "thb_baltic.csv").write_text(content, errors="ignore")
    monkeypatch.setenv("THB_DATA_DIR", str(tmp_path))
    at = open_page(page)
    assert not at.exception
    assert at.error, "a clear error must be shown"
    msg = at.error[0].value
    assert "thb_baltic.csv" in msg and "Problem:" in msg


@synthetic_only
def test_missing_codebook_shows_codes(tmp_path, monkeypatch):
    import shutil

    from tests.app.conftest import FIXTURE_DIR

    (tmp_path / "harmonised").mkdir()
    shutil.copy(FIXTURE_DIR / "harmonised" / "thb_baltic.csv", tmp_path / "harmonised" / "thb_baltic.csv")
    monkeypatch.setenv("THB_DATA_DIR", str(tmp_path))
    for page in PAGES:
        at = open_page(page)
        assert_ok(at)


# ---------------------------------------------------------------- timing


def test_rerun_time_per_page(record_property):
    """Measure one warm rerun per page (reported, with a generous ceiling)."""
    times = {}
    for page in PAGES:
        at = open_page(page)
        t0 = time.perf_counter()
        at.run()
        times[page] = time.perf_counter() - t0
        record_property(f"rerun_{page}_s", round(times[page], 3))
    print("warm rerun seconds:", {k: round(v, 2) for k, v in times.items()})
    assert max(times.values()) < 5


@synthetic_only
def test_reset_button_restores_default_view():
    at = open_page("compare", {"m": "pm", "stack": "pct"})
    assert _qp(at) == {"m": "pm", "stack": "pct"}
    at.button(key="reset_view").click().run()
    assert_ok(at)
    assert _qp(at) == {}
    assert at.segmented_control(key="compare__measure").value == "absolute"


@synthetic_only
def test_view_survives_page_switch():
    at = open_page("compare", {"m": "pm"})
    at.switch_page("app_pages/trends.py").run()
    assert_ok(at)
    at.switch_page("app_pages/compare.py").run()
    assert_ok(at)
    assert at.segmented_control(key="compare__measure").value == "per_million"
    assert _qp(at) == {"m": "pm"}


def test_compare_and_map_open_on_the_latest_year_every_country_has():
    """Issue 13: without a chosen year, Compare and Map show the newest year with an official-grade total for
    every selected country, and say so; choosing one country moves to that country's latest year."""
    from components.builders.page_rows import options_for
    from components.core.dataset import load

    ds = load(conftest.DATA_DIR)
    opts = options_for(ds)
    ind = opts.indicator_default()
    have = {p: cs for (i, p), cs in opts.period_countries.items() if i == ind}
    newest_all = max((p for p, cs in have.items() if set(BALTIC) <= cs), key=int)
    at = open_page("compare")
    assert at.selectbox(key="compare__period").value == newest_all
    assert any(f"Showing {newest_all}, the latest year" in c.value for c in at.caption)
    newest_lt = max((p for p, cs in have.items() if "LT" in cs), key=int)
    at.multiselect(key="compare__countries").set_value(["LT"]).run()
    assert at.selectbox(key="compare__period").value in (newest_lt, newest_all)  # a chosen year is kept
    at2 = open_page("compare", {"c": "LT"})
    assert at2.selectbox(key="compare__period").value == newest_lt
    assert "per" not in at2.query_params


def test_compare_keeps_a_breakdown_the_year_lacks_and_offers_the_nearest_year():
    """Issue 13: going to a year without the chosen breakdown keeps the choice, says 'no data by … in …' in
    place and offers the nearest year that has it; going back restores the chart, nothing changed silently."""
    from components.builders.page_rows import options_for
    from components.core.dataset import load

    opts = options_for(load(conftest.DATA_DIR))
    ind = opts.indicator_default()
    with_bd = [p for (i, p), b in opts.period_breakdowns.items() if i == ind and "exploitation" in b]
    without = [p for (i, p), b in opts.period_breakdowns.items() if i == ind and "exploitation" not in b]
    if not with_bd or not without:
        pytest.skip("the data has no year without the breakdown")
    at = open_page("compare", {"bd": "exploitation", "per": with_bd[0]})
    at.selectbox(key="compare__period").set_value(without[0]).run()
    assert_ok(at)
    assert at.selectbox(key="compare__breakdown").value == "exploitation"  # kept
    assert at.query_params["bd"] == "exploitation"
    info = " ".join(i.value for i in at.info)
    assert "No data by" in info and f"in {without[0].replace('-', '–')}" in info
    at.button(key="compare_nearest").click().run()
    assert_ok(at)
    assert at.selectbox(key="compare__period").value in with_bd
    assert not [i for i in at.info if "No data by" in i.value]


def test_trends_forms_view_for_one_country():
    at = open_page("trends", {"view": "forms", "one": "LV"})
    assert_ok(at)
    assert at.selectbox(key="trends__country").value == "LV"
    assert not [w for w in at.multiselect if w.key == "trends__countries"]  # one country here
    spec = _charts(at)[0]
    assert "by form of exploitation, Latvia" in spec["usermeta"]["title"]
    at.selectbox(key="trends__country").set_value("LT").run()
    assert dict(at.query_params)["one"] == "LT" and dict(at.query_params)["view"] == "forms"
    at.selectbox(key="trends__country").set_value("EE").run()  # the first state is the default: a clean link
    assert "one" not in at.query_params and dict(at.query_params)["view"] == "forms"


def test_compare_latest_year_per_country():
    """Issue 13: 'Latest year per country' shows each country its own newest year with an official total,
    named beside the country and in the title's span; the link keeps it."""
    from components.builders.page_rows import options_for
    from components.core.dataset import load

    opts = options_for(load(conftest.DATA_DIR))
    ind = opts.indicator_default()
    newest = {
        c: max((p for (i, p), cs in opts.period_countries.items() if i == ind and c in cs), key=int) for c in BALTIC
    }
    at = open_page("compare", {"per": "latest", "bd": "total"})
    assert_ok(at)
    assert at.selectbox(key="compare__period").value == "latest"
    assert at.query_params["per"] == "latest"
    spec = _charts(at)[0]
    lo, hi = min(newest.values(), key=int), max(newest.values(), key=int)
    span = lo if lo == hi else f"{lo}–{hi}"
    assert spec["usermeta"]["title"].endswith(f"latest year per country ({span})")
    bars = json.dumps(spec)
    for c, name in (("EE", "Estonia"), ("LV", "Latvia"), ("LT", "Lithuania")):
        assert f"{name} ({newest[c]})" in bars
    assert any("Latest year per country" in c.value for c in list(at.caption) + list(at.markdown))
    # the period select names the option in words
    assert "Latest year per country" in at.selectbox(key="compare__period").options[0]
    at.selectbox(key="compare__period").set_value(hi).run()
    assert at.query_params.get("per") in (None, hi)


def test_compare_percent_never_over_totals():
    """Issue 13: '100 %' applies to categories that add up: over totals the axis stays in persons and the
    subtitle does not claim shares."""
    at = open_page("compare", {"bd": "total", "stack": "percent"})
    assert_ok(at)
    spec = json.dumps(_charts(at)[0])
    assert "100 %" not in spec and "share of known categories" not in spec


def test_key_facts_under_the_chart_link_each_number_to_check():
    """Issue 16: sentences under the chart, each number a link to /check, and 'Copy with citation'."""
    at = open_page("compare", {"bd": "total"})
    assert_ok(at)
    facts = [m.value for m in at.markdown if m.value.startswith("**Key facts**")]
    assert facts
    assert "](/check?fig=" in facts[0]
    assert any("Copy with citation" in str(p.proto) for p in at.get("popover"))
