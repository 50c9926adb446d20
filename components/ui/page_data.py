"""What a page run draws from (Streamlit side of the process-wide store, components/store.py): the dataset for
this run (kept in the session by app.py, or an error shown in the reader's language), the options it allows
and the page's build (its Figures, each chart's spec prepared for the screen, and its page model). The store
keeps one copy of each per process, shared with the data API and the warm-up. Pages draw what `page_build()`
returns with components/ui/render.py."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import streamlit as st

from components import store
from components.core import i18n
from components.core.dataset import TABLE, DataError, Dataset
from components.core.figure import Figure, PageBuild
from components.draw.charts import reflow_title
from components.view.options import Options
from components.view.state import Resolved

_DS = "_dataset"


def load_dataset(directory: Path | str | None = None) -> Dataset:
    """The dataset and its side files (the store's: once per version of the files). Raises DataError only for
    the main table."""
    return store.dataset(directory)


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


def options(ds: Dataset) -> Options:
    return store.options(ds)


def screen_spec(spec: dict) -> dict:
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


def page_build(ds: Dataset, view: Resolved, options: Options) -> PageBuild:
    """The page's Figures (ready for the screen) and page model for the view the page resolved: the store's,
    keyed on (dataset digest, language, page, the view's canonical query). Built once, shared by every session and the API: never mutate
    what it returns."""
    return store.page_build(ds, view, options, screen=screen_spec)


def on_screen(built: PageBuild) -> PageBuild:
    """`built` with each chart's spec prepared for the screen (a build of this session only: not in the store)."""
    return replace(built, figures=tuple(figure_on_screen(f) for f in built.figures))


def figure_on_screen(fig: Figure) -> Figure:
    """`fig` with its chart's spec prepared for the screen (a Figure of this session only)."""
    return replace(fig, screen=screen_spec(fig.spec)) if fig.spec is not None else fig
