"""Per-view caches: query results and chart specs, so a rerun that shows the same view does no
pandas or Altair work again (profiled: they were most of a warm rerun).

Keys are the dataset's content digest plus the call's arguments. The dataset's own table, sources
and codebook are keyed by the digest (no hashing per rerun); other DataFrames by their content.
An argument we cannot key safely (a function, an unknown object) means the call is not cached.
"""

from __future__ import annotations

import hashlib
import pickle
from pathlib import PurePath

import pandas as pd
import streamlit as st

from components.charts import reflow_title
from components.dataset import Dataset


class _Unkeyable(Exception):
    pass


def frame_key(df: pd.DataFrame) -> str:
    """A hash of a DataFrame's pickle: it holds every value, label and dtype, so equal keys mean equal
    frames. Two equal frames may pickle differently (memory layout): that only costs a cache miss.
    (18x faster than pandas' row hashing on a chart's rows: 0.4 against 7 ms.)"""
    try:
        return hashlib.sha256(pickle.dumps(df, protocol=5)).hexdigest()
    except Exception as exc:  # an unpicklable cell
        raise _Unkeyable from exc


def _key(a, ds: Dataset) -> str:
    if a is ds.table:
        return "<table>"
    if a is ds.sources:
        return "<sources>"
    if a is ds.codebook:
        return "<codebook>"
    if a is ds:
        return "<dataset>"
    if isinstance(a, pd.DataFrame):
        return "df:" + frame_key(a)
    if a is None or isinstance(a, (str, int, float, bool, PurePath)):  # a path: files that change with the build
        return repr(a)
    if isinstance(a, (list, tuple)):
        return type(a).__name__ + "(" + ",".join(_key(x, ds) for x in a) + ")"
    raise _Unkeyable(type(a).__name__)  # e.g. a lambda: its repr holds an address that can be reused


def _call_key(fn, args, kw, ds: Dataset) -> tuple[str, str]:
    name = f"{fn.__module__}.{fn.__qualname__}"
    if "<" in name:  # a lambda or closure: its name does not say what it computes
        raise _Unkeyable(name)
    parts = [_key(a, ds) for a in args] + [f"{k}={_key(v, ds)}" for k, v in sorted(kw.items())]
    return name, hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


@st.cache_data(max_entries=512, show_spinner=False)
def _query_cached(name: str, digest: str, key: str, _fn, _args, _kw):
    return _fn(*_args, **_kw)


def query(ds: Dataset, fn, *args, **kw):
    """`fn(*args, **kw)` cached on (dataset digest, arguments); returns a private copy (cache_data)."""
    try:
        name, key = _call_key(fn, args, kw, ds)
    except _Unkeyable:
        return fn(*args, **kw)
    return _query_cached(name, ds.digest, key, fn, args, kw)


class Spec(dict):
    """A chart's Vega-Lite spec with its data inline (for exports), plus `screen`: the same spec
    with each dataset already serialised to Arrow, as Streamlit sends it (saves that work per rerun)."""

    screen: dict


def _with_arrow_datasets(spec: dict) -> dict:
    try:
        from streamlit import dataframe_util

        screen = dict(spec)
        screen["datasets"] = {name: dataframe_util.convert_anything_to_arrow_bytes(pd.DataFrame(values))
                              for name, values in spec.get("datasets", {}).items()}
        return screen
    except Exception:  # an internal API that may move: Streamlit then converts the inline data itself
        return spec


def _build_spec(builder, args, kw) -> Spec:
    spec = Spec(builder(*args, **kw).to_dict())  # validated here, once
    spec.screen = _with_arrow_datasets(reflow_title(spec))  # on screen, titles wrap when narrow
    return spec


@st.cache_resource(max_entries=256, show_spinner=False)
def _spec_cached(name: str, digest: str, key: str, _builder, _args, _kw) -> Spec:
    return _build_spec(_builder, _args, _kw)


def spec(ds: Dataset, builder, *args, **kw) -> Spec:
    """The Vega-Lite spec of `builder(*args, **kw)`, built and validated once per view.

    Shared between sessions: readers must not mutate it (Streamlit and the exports copy before they
    change anything)."""
    try:
        name, key = _call_key(builder, args, kw, ds)
    except _Unkeyable:
        return _build_spec(builder, args, kw)
    return _spec_cached(name, ds.digest, key, builder, args, kw)


@st.cache_resource(max_entries=128, show_spinner=False)
def _shared_cached(name: str, digest: str, key: str, _fn, _args, _kw):
    return _fn(*_args, **_kw)


def shared(ds: Dataset, fn, *args, **kw):
    """Like `query`, but one shared object (no copy): for results the page only reads, such as the
    map's deck and tables (pages copy a table before they add columns)."""
    try:
        name, key = _call_key(fn, args, kw, ds)
    except _Unkeyable:
        return fn(*args, **kw)
    return _shared_cached(name, ds.digest, key, fn, args, kw)
