"""The session's own figures (Streamlit glue): kept in this browser session's state only, never on disk.

`rows()` the accepted uploaded rows (or None), `keep(upload)` adds an upload's kept rows, `clear()` forgets
them, `beside(fig, ds, page, values)` the Figure with them drawn beside it (components/overlay.py).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import frame, overlay, uploads

KEY = "own_figures"  # the one session-state key of the uploaded figures (no file, no cache, no server copy)


def rows() -> pd.DataFrame | None:
    got = st.session_state.get(KEY)
    return got if isinstance(got, pd.DataFrame) and not got.empty else None


def keep(upload: uploads.Upload) -> None:
    if upload.rows is not None and not upload.rows.empty:
        st.session_state[KEY] = uploads.merge(rows(), upload.rows)


def clear() -> None:
    st.session_state.pop(KEY, None)


def beside(fig, ds, page: str, values: dict):
    """`fig` as shared by the cache, or a copy with this session's matching figures drawn beside it."""
    own = rows()
    if own is None or fig is None:
        return fig
    new = overlay.beside(fig, own, page, values, ds)
    if new is fig or new.spec is None:
        return new
    from dataclasses import replace

    return replace(new, screen=frame.screen_spec(new.spec))


def for_slides(ds):
    """What deck files add to each slide: this session's figures beside the official ones (None without any).
    The rows are taken now: a file is built later, outside the session."""
    own = rows()
    if own is None:
        return None
    return lambda fig, page, values: overlay.beside(fig, own, page, values, ds)


UPLOAD_KEY = "own_figures_upload"  # (file id, Upload) of the last file read: read and kept once per file


def upload(file, ds) -> uploads.Upload:
    """Read and check an uploaded file once (per file id), keep its good rows in the session."""
    seen = st.session_state.get(UPLOAD_KEY)
    file_id = getattr(file, "file_id", None) or (file.name, file.size)
    if seen and seen[0] == file_id:
        return seen[1]
    up = uploads.read(file.getvalue(), file.name, ds.codebook)
    keep(up)
    st.session_state[UPLOAD_KEY] = (file_id, up)
    return up


def forget() -> None:
    """Forget the figures and the last upload (a button's callback)."""
    clear()
    st.session_state.pop(UPLOAD_KEY, None)


def link_params(ds, options) -> dict:
    """The query of a Compare or Trends view that draws the session's figures: their most frequent
    indicator that the official table has, without a breakdown ({} when none of them has one)."""
    own = rows()
    if own is None:
        return {}
    have = own[own["indicator"].isin(list(options.indicators))]
    if have.empty:
        return {}
    return {"ind": have["indicator"].value_counts().index[0], "bd": "total"}


def figure_lines(figure: str | None) -> list[str]:
    """This session's values of one figure (the Check page), as labelled lines."""
    from etl.figure_key import parse_figure_key

    try:
        key = parse_figure_key(figure) if figure else None
    except Exception:  # an unreadable key: the page says so already
        key = None
    return overlay.figure_lines(rows(), key or {})


def card_lines(country: str, year: int | None) -> list[str]:
    """This session's registered-victims figure(s) for an Overview card, as labelled lines."""
    return overlay.card_lines(rows(), country, year)
