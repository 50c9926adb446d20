"""The Check page's figure picker (Streamlit): country → indicator → period → breakdown → category → unit,
each offering only what exists for the choices before it. It edits the view's `figure` field (a figure
key) for the binding (controls.bind, custom editor)."""

from __future__ import annotations

import streamlit as st

from components.core import i18n, queries as q
from components.core.dataset import period_key
from components.core.i18n import _
from components.ui.controls import wkey
from etl.figure_key import figure_key, parse_figure_key

PAGE = "check"
PARTS = ("country", "indicator", "period", "breakdown", "category", "unit")
_APPLIED = "_check_applied"


def _key(part: str) -> str:
    return wkey(PAGE, part)


def _push(target: str) -> None:
    k = parse_figure_key(target)
    if not k:
        return
    per = str(k["period_start"]) if k["period_start"] == k["period_end"] else f"{k['period_start']}-{k['period_end']}"
    vals = {**k, "period": per}
    for p in PARTS:
        st.session_state[_key(p)] = vals[p]


def _select(label, options, part, col, default=None, fmt=str):
    key = _key(part)
    if st.session_state.get(key) not in options:
        st.session_state[key] = default if default in options else (options[0] if options else None)
    return col.selectbox(label, options, key=key, format_func=fmt)


NO_FIGURE = "-"  # no figure for this choice (not a figure key: the view resolves it to none)


def figure_picker(ds, options, target: str | None) -> str:
    """Draw the six selects and return the figure key they name (NO_FIGURE: none for this choice)."""
    target = target or options.default_figure
    if target and (st.session_state.get(_APPLIED) != target or _key("country") not in st.session_state):
        _push(target)  # a link (or the first visit) decides the figure
        st.session_state[_APPLIED] = target
    cb, rows, t = ds.codebook, ds.table, i18n.current()
    cols = st.columns(6)
    country = _select(
        _("Country"),
        q.sort_countries(rows["country"].unique()),
        "country",
        cols[0],
        fmt=lambda c: t.country(c, cb.country_label(c)),
    )
    rows = rows[rows["country"] == country]
    inds = sorted(rows["indicator"].unique(), key=lambda i: (cb.indicator_order(i), i))
    indicator = _select(
        _("Indicator"),
        inds,
        "indicator",
        cols[1],
        options.indicator_default(),
        lambda i: t.label("indicator", i, cb.indicator_label(i)),
    )
    rows = rows[rows["indicator"] == indicator]
    pk = period_key(rows["period_start"], rows["period_end"])
    period = _select(
        _("Year or period"), sorted(pk.unique(), key=lambda p: (-int(str(p).split("-")[-1]), p)), "period", cols[2]
    )
    rows = rows[pk == period]
    breakdown = _select(
        _("Breakdown"),
        sorted(rows["breakdown"].unique(), key=lambda b: (b != "total", b)),
        "breakdown",
        cols[3],
        "total",
        lambda b: t.label("breakdown", b, cb.breakdown_label(b)),
    )
    rows = rows[rows["breakdown"] == breakdown]
    cats = sorted(rows["category"].unique(), key=lambda c: (cb.category_order(breakdown, c), c))
    category = _select(
        _("Category"),
        cats,
        "category",
        cols[4],
        "total",
        lambda c: t.label("category", f"{breakdown}:{c}", cb.category_label(breakdown, c)),
    )
    rows = rows[rows["category"] == category]
    unit = _select(
        _("Unit"),
        sorted(rows["unit"].unique()),
        "unit",
        cols[5],
        "persons",
        lambda u: t.label("unit", u, cb.unit_label(u)),
    )
    rows = rows[rows["unit"] == unit]
    fig = figure_key(rows.iloc[0]) if not rows.empty else None
    st.session_state[_APPLIED] = fig or st.session_state.get(_APPLIED)
    return fig or NO_FIGURE
