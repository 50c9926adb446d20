"""The app's caches and the dataset for this run (Streamlit): the dataset (keyed on its files), the
options the data allows (one per dataset) and the Figures of a view (one per dataset digest, page and
canonical query). Pages draw what `figures()` returns with components/ui/render.py."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import streamlit as st

from components.builders import build
from components.core import i18n
from components.core.dataset import (
    NOT_FOUND,
    TABLE,
    DataError,
    Dataset,
    assemble_dataset,
    assemble_once,
    data_dir,
    read_table,
    stat_signature,
)
from components.core.figure import Figure
from components.draw.charts import reflow_title
from components.view.options import Options
from components.view.state import Resolved

_DS = "_dataset"


@st.cache_data(max_entries=4, show_spinner=False)
def _load_table_cached(path: str, digest: str) -> pd.DataFrame:  # digest: cache key only
    return read_table(path)


@st.cache_data(max_entries=16, show_spinner=False)
def _load_csv_cached(path: str, digest: str) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def load_dataset(directory: Path | str | None = None) -> Dataset:
    """The dataset and its side files. Raises DataError only for the main table.

    Assembled once per version of the files (their stat signature), so a rerun costs a few stat
    calls; the table itself stays keyed on its content digest."""
    d = Path(directory) if directory is not None else data_dir()
    path = d / TABLE
    if not path.exists():
        raise DataError(path, NOT_FOUND)
    sig = stat_signature(d)
    return assemble_once(d, sig, lambda: _assemble_cached(str(d), sig))


@st.cache_resource(max_entries=4, show_spinner=False)
def _assemble_cached(directory: str, signature: tuple) -> Dataset:  # signature: cache key only
    # a resource, not data: shared, never mutated by the pages (no copy per rerun)
    return assemble_dataset(directory, _load_table_cached, _load_csv_cached)


def dataset() -> Dataset | None:
    """The dataset loaded by app.py in this run (or loaded now when a page runs on its own)."""
    ds = st.session_state.get(_DS)
    if ds is None:
        try:
            ds = load_dataset()
        except DataError:
            return None
    return ds


def load_or_error() -> Dataset | None:
    """Load the dataset for this run; on failure show a clear error naming the file (within the data folder,
    never the server's path) and the problem, in the reader's language."""
    try:
        ds = load_dataset()
    except DataError as exc:
        st.session_state.pop(_DS, None)
        show_data_error(exc.file, exc.localised())
        return None
    except Exception as exc:  # anything unexpected: still no traceback for the reader
        st.session_state.pop(_DS, None)
        show_data_error(TABLE.as_posix(), i18n._("could not be loaded ({error}).").format(error=type(exc).__name__))
        return None
    st.session_state[_DS] = ds
    return ds


def show_data_error(file: str, problem: str) -> None:
    st.error(
        i18n._(
            "**The data could not be loaded.**\n\nFile: `{path}`\n\nProblem: {problem}\n\nThe dashboard "
            "shows nothing rather than wrong numbers. If you run it locally, rebuild the dataset (`make "
            "data`) or set `THB_DATA_DIR` to a folder holding `harmonised/thb_baltic.csv`."
        ).format(path=file, problem=problem),
        icon=":material/error:",
    )


@st.cache_resource(max_entries=4, show_spinner=False)  # frozen: shared, no unpickling per rerun
def _options_cached(digest: str, _ds: Dataset) -> Options:  # digest covers the table and side files
    from components.builders.page_rows import options_for  # one definition, shared with the data API

    return options_for(_ds)


def options(ds: Dataset) -> Options:
    return _options_cached(ds.digest, ds)


def _screen(spec: dict) -> dict:
    """The spec as the screen draws it: titles that reflow when narrow, each dataset already serialised to
    Arrow as Streamlit sends it (saves that work per rerun)."""
    screen = dict(reflow_title(spec))
    for part, settings in ((spec.get("usermeta") or {}).get("screen_config") or {}).items():
        screen["config"] = {**screen.get("config", {})}  # a copy: the spec's own config stays the files'
        screen["config"][part] = {**screen["config"].get(part, {}), **settings}
    try:
        from streamlit import dataframe_util

        screen["datasets"] = {
            name: dataframe_util.convert_anything_to_arrow_bytes(pd.DataFrame(values))
            for name, values in spec.get("datasets", {}).items()
        }
    except Exception:  # an internal API that may move: Streamlit then converts the inline data itself
        pass
    return screen


screen_spec = _screen  # the public name (components/ui/own.py: a Figure with a session's own figures beside it)


@st.cache_resource(max_entries=256, show_spinner=False)
def _figures_cached(
    digest: str, lang: str, page: str, query: str, _ds: Dataset, _view: Resolved, _options: Options
) -> tuple[Figure, ...]:  # lang: the texts' language (a view has none); the rest: the view's canonical link
    figs = build(_ds, _view, _options)
    return tuple(replace(f, screen=_screen(f.spec)) if f.spec is not None else f for f in figs)


def figures(ds: Dataset, view: Resolved, options: Options) -> tuple[Figure, ...]:
    """The page's Figures for this view (resolved once, by the page's binding): the one cache of the app,
    keyed on (dataset digest, language, page, the view's canonical query). Built once, shared by every
    session: never mutate what it returns."""
    return _figures_cached(ds.digest, i18n.lang(), view.page, view.view.query_string(), ds, view, options)
