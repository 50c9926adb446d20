"""Shared frame helpers used by app.py and the pages: the dataset for this run (on Streamlit's
caches), view options, alt text and small rendering helpers. Streamlit-aware, but holds no page logic."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from components import memo
from components import provenance as prov
from components.dataset import TABLE, DataError, Dataset, assemble_dataset, data_dir, read_table, stat_signature
from components.view_state import Options

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
        raise DataError(path, "file not found. Build it with `make data` (python -m etl).")
    return _assemble_cached(str(d), stat_signature(d))


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
    """Load the dataset for this run; on failure show a clear error naming the file and problem."""
    try:
        ds = load_dataset()
    except DataError as exc:
        st.session_state.pop(_DS, None)
        show_data_error(exc.path, exc.problem)
        return None
    except Exception as exc:  # anything unexpected: still no traceback for the reader
        st.session_state.pop(_DS, None)
        show_data_error(str(data_dir() / TABLE), f"could not be loaded ({type(exc).__name__}).")
        return None
    st.session_state[_DS] = ds
    return ds


def show_data_error(path: str, problem: str) -> None:
    st.error(f"**The data could not be loaded.**\n\nFile: `{path}`\n\nProblem: {problem}\n\n"
             "The dashboard shows nothing rather than wrong numbers. If you run it locally, rebuild "
             "the dataset (`make data`) or set `THB_DATA_DIR` to a folder holding "
             "`harmonised/thb_baltic.csv`.", icon=":material/error:")


@st.cache_resource(max_entries=4, show_spinner=False)  # frozen: shared, no unpickling per rerun
def _options_cached(digest: str, _ds: Dataset) -> Options:  # digest covers the table and side files
    from components.views import options_for  # one definition, shared with the data API

    return options_for(_ds)


def options(ds: Dataset) -> Options:
    return _options_cached(ds.digest, ds)


def _figures_display(ds: Dataset) -> pd.DataFrame:
    from components.views import figures_display

    return figures_display(ds)


def figures(ds: Dataset) -> pd.DataFrame:
    """The Data page's table for the whole dataset, built once per dataset (shared: do not mutate)."""
    return memo.shared(ds, _figures_display, ds)


def _figures_filtered(ds: Dataset, countries: tuple, indicator, source, preferred_only: bool,
                      years: tuple | None = None, grade: str | None = None, search: str = "") -> pd.DataFrame:
    from components.views import filter_figures

    return filter_figures(figures(ds), countries, indicator, source, preferred_only, years, grade, search)


def figures_filtered(ds: Dataset, countries, indicator: str | None, source: str | None,
                     preferred_only: bool, years: tuple | None = None, grade: str | None = None,
                     search: str = "") -> pd.DataFrame:
    """The Data page's rows for its filters (one shared frame per filter state: do not mutate)."""
    return memo.shared(ds, _figures_filtered, ds, tuple(countries), indicator, source, bool(preferred_only),
                       tuple(years) if years else None, grade, search)


def _multi_source_filtered(ds: Dataset, *filters) -> list[str]:
    return prov.multi_source_figures(figures_filtered(ds, *filters))  # the cached rows, not a second filter


def multi_source_figures(ds: Dataset, countries, indicator: str | None, source: str | None,
                         preferred_only: bool, years: tuple | None = None, grade: str | None = None,
                         search: str = "") -> list[str]:
    """Figure keys several sources give, among the Data page's rows for its filters."""
    return memo.query(ds, _multi_source_filtered, ds, tuple(countries), indicator, source, bool(preferred_only),
                      tuple(years) if years else None, grade, search)


def chart(ch, alt_text: str, key: str | None = None) -> None:
    """Render a chart (an Altair chart or its cached Vega-Lite spec from memo.spec) with our own
    theme (export parity) and alt text for screen readers."""
    if isinstance(ch, dict):
        st.vega_lite_chart(spec=getattr(ch, "screen", ch), theme=None, alt=alt_text, key=key, width="stretch")
    else:  # an Altair chart built for this run (slides): its title wraps on a narrow screen too
        from components.charts import reflow_title

        st.vega_lite_chart(spec=reflow_title(ch.to_dict(), plot_height=False), theme=None, alt=alt_text, key=key,
                           width="stretch")


def table(df: pd.DataFrame, alt_text: str, **kw):
    return st.dataframe(df, hide_index=True, alt=alt_text, **kw)
