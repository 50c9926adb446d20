"""The one view binding: URL -> validated view -> widgets -> URL, driven by the field declarations
(view_state.FIELDS) and the page registry (registry.PAGES). The only code that touches widget state.

On every rerun, `bind(page, ds, options)`:
1. reads the URL. If it changed since we last wrote it (a fresh session or a pasted link), it is decoded
   (`ViewState.from_query`), and its resolved values are pushed into the widgets; parts that could not be
   used become one notice. With an empty URL (a page switch clears it), the page's last view returns.
2. draws the page's widgets in its registry layout; each offers what the data allows given the fields
   before it (`Field.choices`), so a dependent selector never holds a stale value.
3. resolves the widgets' values into the canonical view (`view_state.resolve`, the same function the
   builders and the data API use) and writes `view.to_query()` to the URL, so a copied link reopens it.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from components.core import i18n, pages as registry
from components.core.i18n import N_, _
from components.core.queries import LATEST_PERIOD
from components.core.style import MEASURE_LABELS, md_escape
from components.ui.language import link_query
from components.uploads import overlay
from components.view.fields import FIELDS, Field
from components.view.options import Options
from components.view.params import MAX_SEARCH, PAGE_FIELDS
from components.view.state import Resolved, ViewState, resolve

_STORE = "_views"
NONE = ""  # widget value of None ("all", "off", "none"): a select box cannot hold None as an option


def wkey(page: str, name: str) -> str:
    return f"{page}__{name}"


def labels(ds) -> dict[str, Callable]:
    """Label functions for the widgets (Field.fmt), from the codebook and the sources."""
    from components.core.cite import source_name

    # the texts are translated now, in the run's language (a label function may be called later, elsewhere)
    cb, t = ds.codebook, i18n.current()
    latest, off, all_ind, all_src, no_sel = (
        _("Latest year per country"),
        _("Off (actual values)"),
        _("All indicators"),
        _("All sources"),
        _("none (click a country)"),
    )
    measures = {k: t.gettext(v) for k, v in MEASURES.items()}
    stacks = {k: t.gettext(v) for k, v in STACKS.items()}
    charts = {k: t.gettext(v) for k, v in CHARTS.items()}
    grades = {k: t.gettext(v) for k, v in GRADES.items()}
    country = lambda c: t.country(c, cb.country_label(c))  # noqa: E731
    ngo, yours = overlay.ngo_indicators(cb), overlay.indicator_label("{indicator}")

    def indicator(i):  # an NGO indicator is offered only while the session has figures under it: marked as yours
        name = t.label("indicator", i, cb.indicator_label(i))
        return yours.replace("{indicator}", name) if i in ngo else name

    breakdown = lambda b: t.label("breakdown", b, cb.breakdown_label(b))  # noqa: E731
    return {
        "country": country,
        "indicator": indicator,
        "breakdown": breakdown,
        "measure": lambda m: measures.get(m) or MEASURE_LABELS.get(m) or str(m),
        "stack": lambda s: stacks.get(s, str(s)),
        "chart": lambda v: charts.get(v, str(v)),
        "period": lambda p: latest if p == LATEST_PERIOD else str(p),
        "index_base": lambda y: off if y is None else f"{y} = 100",
        "filter_indicator": lambda i: all_ind if i is None else indicator(i),
        "source": lambda s: all_src if s is None else source_name(s, ds.sources, 60),
        "grade": lambda g: grades[g] if g in grades else t.label("grade", g, cb.grade_label(g)),
        "sel": lambda c: no_sel if c is None else country(c),
    }


# widget option labels (translated where shown)
MEASURES = {"absolute": N_("Number"), "per_million": N_("Per million")}  # as style.MEASURE_LABELS
STACKS = {"stacked": N_("Stacked"), "percent": N_("100 %")}
CHARTS = {"lines": N_("One indicator"), "chain": N_("Justice chain"), "forms": N_("Forms of exploitation")}
GRADES = {None: N_("All grades"), "official": N_("Official grades (charted)"), "unconfirmed": N_("Unconfirmed only")}


def _params() -> dict[str, str]:
    out: dict[str, str] = {}
    for k in st.query_params:
        vals = st.query_params.get_all(k)
        out[k] = ",".join(vals) if len(vals) > 1 else (vals[0] if vals else "")
    return out


def _to_widget(f: Field, value, options: Options):
    if f.widget == "multiselect":
        return list(value)
    if f.widget == "years":
        return tuple(value) if value else (options.year_min, options.year_max)
    return NONE if value is None else value


def _from_widget(f: Field, value, options: Options):
    if f.widget == "years":
        lo, hi = (int(value[0]), int(value[1])) if isinstance(value, (tuple, list)) else (0, 0)
        return None if (lo, hi) == (options.year_min, options.year_max) or not lo else (lo, hi)
    if f.widget == "multiselect":
        return tuple(value or ())
    if f.widget == "text":
        return str(value or "")
    return None if value == NONE else value


def _push(view: ViewState, options: Options, only_missing: bool = False) -> None:
    """Write a view's resolved values into the page's widget keys (`only_missing`: those Streamlit dropped)."""
    names = [
        n
        for n in PAGE_FIELDS[view.page]
        if FIELDS[n].widget is not None and not (only_missing and wkey(view.page, n) in st.session_state)
    ]
    if not names:  # a rerun of the view on screen: every widget holds its value, nothing to resolve
        return
    shown = resolve(view, options)
    for name in names:
        st.session_state[wkey(view.page, name)] = _to_widget(FIELDS[name], shown.value(name), options)


def _start(page: str, options: Options) -> ViewState:
    store = st.session_state.setdefault(_STORE, {})
    params = _params()
    if params == st.session_state.get(f"_qs_{page}") and page in store:
        # the URL is ours: the widgets hold the truth. Widgets not drawn on the last run lost their
        # state (Streamlit drops it): refill just those from the stored view.
        _push(store[page], options, only_missing=True)
        return store[page]
    if not params and page in store:
        view, notices = store[page], []
    else:
        view, notices = ViewState.from_query(params, options, page)
    _push(view, options)
    if notices:
        st.info(
            _("This link had parts that could not be used, so defaults were used instead:")
            + "\n\n"
            + "\n".join(f"- {md_escape(n)}" for n in notices),
            icon=":material/link_off:",
        )
    return view


def _finish(view: ViewState) -> None:
    q = link_query(view.to_query())
    if _params() != q:
        st.query_params.from_dict(q)
    st.session_state[f"_qs_{view.page}"] = q
    st.session_state.setdefault(_STORE, {})[view.page] = view


def _draw(
    page: str, f: Field, options: Options, values: dict, fmt: dict, col, custom: dict, lists: dict, view: ViewState
):
    key = wkey(page, f.name)
    if f.name in custom:  # a page-specific editor (the Check page's figure picker) starts from the view
        return custom[f.name](getattr(view, f.name))
    label_of = fmt.get(f.fmt, str) if f.fmt else str
    show = lambda w: label_of(None if w == NONE else w)  # noqa: E731
    if f.widget == "toggle":
        if not isinstance(st.session_state.get(key), bool):
            st.session_state[key] = False
        return col.toggle(_(f.label), key=key, help=_(f.help) if f.help else None)
    if f.widget == "text":
        if not isinstance(st.session_state.get(key), str):
            st.session_state[key] = ""
        return col.text_input(
            _(f.label),
            key=key,
            help=_(f.help) if f.help else None,
            max_chars=MAX_SEARCH,
            placeholder=_(f.placeholder) if f.placeholder else None,
        )
    if f.widget == "years":
        lo, hi = options.year_min, options.year_max
        cur = st.session_state.get(key)
        if not (isinstance(cur, (tuple, list)) and len(cur) == 2 and lo <= cur[0] <= cur[1] <= hi):
            st.session_state[key] = (lo, hi)
        if lo >= hi:
            return (lo, hi)
        return col.slider(_(f.label), min_value=lo, max_value=hi, key=key, help=_(f.help) if f.help else None)
    choices = lists.get(f.name) if f.name in lists else f.choices(options, values)
    wopts = [NONE if c is None else c for c in choices]
    default = _to_widget(f, f.default_value(options, values), options)
    if f.widget == "multiselect":
        cur = st.session_state.get(key)
        if not isinstance(cur, list) or any(c not in wopts for c in cur):
            keep = [c for c in cur if c in wopts] if isinstance(cur, list) else []
            st.session_state[key] = keep or [c for c in default if c in wopts]
        return col.multiselect(
            _(f.label),
            wopts,
            key=key,
            format_func=show,
            help=_(f.help) if f.help else None,
            placeholder=None if i18n.lang() == i18n.DEFAULT else _("Choose options"),
        )
    if st.session_state.get(key) not in wopts:
        st.session_state[key] = default if default in wopts else (wopts[0] if wopts else None)
    if f.widget == "segmented":
        v = col.segmented_control(
            _(f.label), wopts, key=key, format_func=show, help=_(f.help) if f.help else None, required=True
        )
        return v if v is not None else st.session_state.get(key)
    return col.selectbox(_(f.label), wopts, key=key, format_func=show, help=_(f.help) if f.help else None)


def bind(
    page: str, ds, options: Options, *, custom: dict | None = None, lists: dict | None = None, container=st
) -> Resolved:
    """Draw the page's widgets and return the view they show, resolved (the run's one resolution: the
    page's builders and links use it). `lists` overrides what a
    select offers (e.g. the Data page's figures given by several sources); `custom[field](value) -> value`
    draws a page-specific editor for a field."""
    spec = registry.page(page)
    view = _start(page, options)
    custom, lists, fmt = custom or {}, lists or {}, labels(ds)
    values: dict[str, object] = {"page": page}  # choices may depend on the page (Compare's 'latest' period)
    for row in spec.layout:
        fields = [FIELDS[n] for n in row]
        shown = [f for f in fields if f.when is None or f.when(values)]
        for f in fields:
            if f not in shown:
                values[f.name] = getattr(view, f.name)  # hidden for now: kept in the view and the URL
        cols = (
            container.columns([f.width for f in shown], vertical_alignment="bottom") if len(shown) > 1 else [container]
        )
        for col, f in zip(cols, shown):
            values[f.name] = _from_widget(f, _draw(page, f, options, values, fmt, col, custom, lists, view), options)
    for name in PAGE_FIELDS[page]:  # fields drawn later by the page (select_field) or not at all
        if name not in values:
            key = wkey(page, name)
            values[name] = (
                _from_widget(FIELDS[name], st.session_state[key], options)
                if FIELDS[name].widget and key in st.session_state
                else getattr(view, name)
            )
    values.pop("page")
    shown = resolve(ViewState(page=page, **values), options)
    _finish(shown.view)
    return shown


def select_field(page: str, name: str, choices, label_of: Callable, *, label: str, none_label: str, container=st):
    """A select box for one of the page's fields whose choices come from the page's Figure (the Data page's
    figures given by several sources). Its value is read by `bind` on the next run (one source of truth)."""
    key = wkey(page, name)
    wopts = [NONE] + [c for c in choices if c != NONE]
    cur = st.session_state.get(key)
    if cur not in wopts:
        st.session_state[key] = NONE
    return container.selectbox(label, wopts, key=key, format_func=lambda c: none_label if c == NONE else label_of(c))


def pick(page: str, name: str, value) -> bool:
    """A value chosen outside the field's widget (a table row): applied once per new choice. True when the
    page should rerun to show it."""
    marker = f"_pick_{page}_{name}"
    if st.session_state.get(marker) == value:
        return False
    st.session_state[marker] = value
    if st.session_state.get(wkey(page, name)) == value:
        return False
    set_value(page, name, value)
    return True


def set_value(page: str, name: str, value) -> None:
    """From a callback (a click on the map, a row picked in a table): set a field's widget."""
    st.session_state[wkey(page, name)] = NONE if value is None else value


def go(view: ViewState) -> None:
    """From a callback: show this view (the URL is written now; the page's widgets follow)."""
    st.session_state.setdefault(_STORE, {})[view.page] = view
    st.session_state.pop(f"_qs_{view.page}", None)
    st.query_params.from_dict(link_query(view.to_query()))


def stored(page: str) -> ViewState | None:
    """The view `page` returns to when it is opened without a link (None: not opened in this session)."""
    return st.session_state.get(_STORE, {}).get(page)


def remember(view: ViewState) -> None:
    """From another page: the view its page returns to when opened without a link (the URL is not touched)."""
    st.session_state.setdefault(_STORE, {})[view.page] = view
    st.session_state.pop(f"_qs_{view.page}", None)


def reset(page: str) -> None:
    st.session_state.setdefault(_STORE, {}).pop(page, None)
    st.session_state.pop(f"_qs_{page}", None)
    for name in PAGE_FIELDS.get(page, ()):
        st.session_state.pop(wkey(page, name), None)
    st.query_params.clear()


def choose(
    label: str, choices: list, current, *, key: str, format_func: Callable, on_pick: Callable, container=st
) -> None:
    """A select box that acts when changed: `on_pick(value)` runs in its callback (e.g. go to another view).
    For choices that are not one of the page's fields (the Present page's deck list)."""
    container.selectbox(
        label,
        choices,
        index=choices.index(current) if current in choices else 0,
        key=key,
        format_func=format_func,
        on_change=lambda: on_pick(st.session_state[key]),
    )
