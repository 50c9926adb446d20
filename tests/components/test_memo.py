"""Per-view caches: the same call gives the same result without recomputing; any change in the
arguments or the data gives a fresh result; what cannot be keyed safely is not cached."""

import pandas as pd
import pytest

from components import charts, memo
from components import queries as q


@pytest.fixture
def calls():
    return []


def _counting(calls):
    """A counting query. Defined in a closure, so memo would refuse it: give it a module-level name,
    fresh per test."""
    def count_rows(df, indicator, countries=("EE",)):
        calls.append(indicator)
        return df[(df["indicator"] == indicator) & df["country"].isin(countries)].copy()
    count_rows.__qualname__ = f"count_rows_{id(calls)}"
    return count_rows


def test_query_computes_once_and_returns_copies(ds, calls):
    fn = _counting(calls)
    a = memo.query(ds, fn, ds.table, "victims", countries=("EE", "LV"))
    b = memo.query(ds, fn, ds.table, "victims", countries=("EE", "LV"))
    assert calls == ["victims"]
    pd.testing.assert_frame_equal(a, b)
    a["value"] = -1  # a page may change its copy ...
    c = memo.query(ds, fn, ds.table, "victims", countries=("EE", "LV"))
    assert not (c["value"] == -1).any()  # ... without touching the cache


def test_query_key_follows_arguments_and_frame_content(ds, calls):
    fn = _counting(calls)
    memo.query(ds, fn, ds.table, "victims")
    memo.query(ds, fn, ds.table, "convicted")
    memo.query(ds, fn, ds.table, "victims", countries=("LT",))
    assert calls == ["victims", "convicted", "victims"]
    small = ds.table.head(10)
    memo.query(ds, fn, small, "victims")
    memo.query(ds, fn, small.assign(value=small["value"] + 1), "victims")  # same shape, other content
    assert len(calls) == 5


def test_unkeyable_arguments_are_not_cached(ds, calls):
    fn = _counting(calls)

    def run():  # a lambda as the function: its name does not say what it computes
        return memo.query(ds, lambda d, i: fn(d, i), ds.table, "victims")

    run()
    run()
    assert calls == ["victims", "victims"]
    memo.query(ds, fn, ds.table, "victims", countries={"EE"})  # a set: not keyed (no stable order)
    memo.query(ds, fn, ds.table, "victims", countries={"EE"})
    assert len(calls) == 4
    with pytest.raises(memo._Unkeyable):
        memo._key(object(), ds)


def test_spec_is_the_builders_validated_spec(ds):
    data = q.trend_data(ds.table, ds.codebook, indicator="victims", unit="persons", countries=["EE", "LV"])
    kw = dict(title="Registered victims", unit_text="persons", source_line="Source: test", year_domain=(2008, 2022))
    spec = memo.spec(ds, charts.trend_chart, data, **kw)
    assert spec == charts.trend_chart(data, **kw).to_dict()
    assert memo.spec(ds, charts.trend_chart, data, **kw) is spec  # built once, shared
    other = memo.spec(ds, charts.trend_chart, data, **{**kw, "title": "Other"})
    assert other["title"]["text"] == "Other" and spec["title"]["text"] == "Registered victims"
