"""AppTest: /check shows every source side by side, the rule, the definition and a citation; deep links
and hostile values."""

from __future__ import annotations

import pytest

from tests.app import conftest
from tests.app.conftest import assert_ok, synthetic_only


def _open(params=None):
    """Like conftest.open_page, for a page not in the shared PAGES list (kept out of the generic sweeps)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(conftest.ROOT / "app.py"), default_timeout=30)
    at.switch_page("app_pages/check.py")
    for k, v in (params or {}).items():
        at.query_params[k] = v
    return at.run()


def test_check_renders_default_with_clean_url():
    at = _open()
    assert_ok(at)
    assert not at.info
    assert dict(at.query_params) == {}
    assert at.title[0].value == "Check a figure"
    assert any("Why this one" in m.value for m in at.markdown)
    codes = " ".join(c.value for c in at.code)
    assert "Source:" in codes and "accessed" in codes


@synthetic_only
def test_check_deep_link_shows_every_source():
    from components.core.dataset import load
    from etl.figure_key import KEY, figure_key, parse_figure_key

    ds = load(conftest.DATA_DIR)
    t = ds.table
    multi = t.groupby(KEY).filter(lambda g: len(g) > 1)
    assert not multi.empty, "fixture needs a figure with several sources"
    fig = figure_key(multi.iloc[0])
    n = len(multi.groupby(KEY).get_group(tuple(multi.iloc[0][k] for k in KEY)))
    at = _open({"fig": fig})
    assert_ok(at)
    assert not at.info
    side = at.dataframe[0].value
    assert len(side) == n
    assert side["Used"].sum() == 1
    assert dict(at.query_params)["fig"] == fig
    # the selectors show the figure's parts
    k = parse_figure_key(fig)
    assert at.selectbox(key="check__country").value == k["country"]
    assert at.selectbox(key="check__indicator").value == k["indicator"]
    # a citation naming the preferred source's publisher
    assert any("SYNTHETIC" in c.value for c in at.code)


def test_check_changing_a_selector_updates_the_link():
    at = _open()
    sb = at.selectbox(key="check__country")
    other = [o for o in sb.options if o != sb.value]
    if not other:
        pytest.skip("one country only")
    sb.select_index(sb.options.index(other[0])).run()
    assert_ok(at)
    fig = dict(at.query_params).get("fig", "")
    assert fig.split("~")[0] in (other[0],) or fig == ""


@pytest.mark.parametrize(
    "fig",
    [
        "<script>alert(1)</script>",
        "EE~x~y~victims~total~total~persons",
        "ZZ~2022~2022~victims~total~total~persons",
        "~" * 400,
        "'; DROP TABLE x;--",
    ],
)
def test_check_hostile_links(fig):
    at = _open({"fig": fig, "junk": "=1+1"})
    assert_ok(at)
    assert at.info  # a notice, not a crash
    text = " ".join(i.value for i in at.info)
    assert "<script" not in text
    assert dict(at.query_params) == {}  # back on the default figure, clean URL


def test_check_every_selector_option_renders():
    """Each selector, each option (up to 8 spread over the list): no error, the link names a real figure."""
    at = _open()
    for key in (
        "check__unit",
        "check__category",
        "check__breakdown",
        "check__period",
        "check__indicator",
        "check__country",
    ):
        opts = list(at.selectbox(key=key).options)
        step = max(1, len(opts) // 8)
        for i in range(0, len(opts), step):
            at.selectbox(key=key).select_index(i).run()
            assert_ok(at)
            assert not at.warning, (key, i)
            fig = dict(at.query_params).get("fig")
            assert fig is None or len(fig.split("~")) == 7
