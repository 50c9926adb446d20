"""The session's own figures (Streamlit glue): kept in this browser session's state only, never on disk.

`rows()` the accepted uploaded rows (or None), `keep(upload)` adds an upload's kept rows, `clear()` forgets
them, `options(ds, base)` what Compare and Trends offer with them (their indicators, periods and years),
`page_build(ds, view, options)` the official Figures and page model of such a view, `beside(built, ds, page,
view)` the same with them drawn beside the main Figure (components/uploads/overlay.py; `beside_figure` for a
Figure alone), `download(...)` the files that give them back.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.core import i18n
from components.core.figure import PageBuild
from components.core.i18n import _
from components.ui import page_data
from components.ui.language import link_query
from components.uploads import overlay, read as uploads
from components.view.state import Resolved, resolve

KEY = "own_figures"  # the one session-state key of the uploaded figures (no file, no cache, no server copy)


def rows() -> pd.DataFrame | None:
    got = st.session_state.get(KEY)
    return got if isinstance(got, pd.DataFrame) and not got.empty else None


def keep(upload: uploads.Upload) -> None:
    if upload.rows is not None and not upload.rows.empty:
        st.session_state[KEY] = uploads.merge(rows(), upload.rows)


def clear() -> None:
    st.session_state.pop(KEY, None)


def beside(built: PageBuild, ds, page: str, view: Resolved) -> PageBuild:
    """`built` as shared by the store, or a copy whose main Figure has this session's matching figures drawn
    beside it (and whose page model no longer says what does not apply to them)."""
    own = rows()
    if own is None:
        return built
    new = overlay.beside_build(built, own, page, view, ds)
    return new if new is built else page_data.on_screen(new)


def beside_figure(fig, ds, page: str, view: Resolved):
    """`fig` as shared by the store, or a copy with this session's matching figures drawn beside it."""
    own = rows()
    if own is None or fig is None:
        return fig
    new = overlay.beside(fig, own, page, view, ds)
    return new if new is fig else page_data.figure_on_screen(new)


def for_slides(ds):
    """What deck files add to each slide: this session's figures beside the official ones (None without any).
    The rows are taken now: a file is built later, outside the session."""
    own = rows()
    if own is None:
        return None
    return lambda fig, page, view: overlay.beside(fig, own, page, view, ds)


UPLOAD_KEY = "own_figures_upload"  # (file id, Upload) of the last file read: read and kept once per file


def upload(file, ds) -> uploads.Upload:
    """Read and check an uploaded file once (per file id), keep its good rows in the session."""
    seen = st.session_state.get(UPLOAD_KEY)
    file_id = getattr(file, "file_id", None) or (file.name, file.size)
    if seen and seen[0] == file_id:
        return seen[1]
    up = uploads.read(file.getvalue(), file.name, ds.codebook, population=_population(ds))
    keep(up)
    st.session_state[UPLOAD_KEY] = (file_id, up)
    return up


def forget() -> None:
    """Forget the figures and the last upload (a button's callback)."""
    clear()
    st.session_state.pop(UPLOAD_KEY, None)


@st.cache_resource(max_entries=4, show_spinner=False)
def _population_cached(digest: str, _ds) -> dict:  # digest: cache key only
    return uploads.population_of(_ds.table)


def _population(ds) -> dict:
    """{country: {year: persons}} of the dataset: an uploaded count above it gets a warning."""
    return _population_cached(ds.digest, ds)


def options(ds, base):
    """What Compare and Trends offer in this session: `base` (the data's options, shared by every session)
    with the indicators, periods and years of this session's figures (overlay.with_own); `base` itself when
    there are none."""
    own = rows()
    return base if own is None else overlay.with_own(base, own, ds.codebook)


def session_only(ds, view: Resolved, opts) -> bool:
    """Whether only this session's figures make `view` possible (an NGO indicator, a year with an uploaded
    figure only): the data's own options would show something else."""
    base = page_data.options(ds)
    return opts is not base and resolve(view.view, base) != view


def page_build(ds, view: Resolved, opts) -> PageBuild:
    """The official Figures and page model of `view` under this session's options. A view any session can open
    comes from the shared store (page_data.page_build); a session-only view is built for this session and never
    kept for the others (their options would resolve the same link to another view)."""
    if not session_only(ds, view, opts):
        return page_data.page_build(ds, view, page_data.options(ds))
    from components.builders import build

    return page_data.on_screen(build(ds, view, opts))


def link_params(ds, opts, page: str) -> dict:
    """The query of a Compare or Trends view that draws the session's figures: the indicator with the most
    of them (totals first), and on Compare their newest year under it ({} without figures). `opts`: this
    session's options (options()), which offer every uploaded indicator, period and year."""
    own = rows()
    if own is None:
        return {}
    have = own[own["indicator"].isin(list(opts.indicators))]
    if have.empty:
        return {}
    totals = have[(have["breakdown"] == "total") & (have["period_start"] == have["period_end"])]
    pick = totals if not totals.empty else have
    ind = pick["indicator"].value_counts().index[0]
    query = {"ind": ind}
    mine = pick[pick["indicator"] == ind]
    if page == "compare":
        newest = mine.sort_values(["period_end", "period_start"]).iloc[-1]
        s, e = int(newest["period_start"]), int(newest["period_end"])
        query.update(per=str(s) if s == e else f"{s}-{e}", bd="total")
    # Trends: the lines of every country over all years, which cover every uploaded year (with_own)
    return link_query(query)


def download(make, *args):
    """A download button's deferred `data`: `make(*args)` in this run's language. Streamlit calls it on the
    click, outside the session's script (no session state, no language there), so the rows and the language
    are taken now."""
    lang = i18n.lang()

    def build():
        with i18n.using(lang):
            return make(*args)

    return build


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


# The uploader lets files up to the server's own limit (server.maxUploadSize) through, so that a file over
# uploads.MAX_MB reaches the reader and is refused there, in the page's language, instead of by the
# browser part of the uploader with an English message. Above this limit the browser part still refuses.
UPLOAD_LIMIT_MB = 10


def _css_text(text: str) -> str:
    """A CSS string literal of `text` (quotes, backslashes, angle brackets and line breaks escaped)."""
    out = []
    for ch in str(text):
        out.append(f"\\{ord(ch):x} " if ch in '"\\<>' or ord(ch) < 32 else ch)
    return '"' + "".join(out) + '"'


# The names a screen reader hears for the uploader's controls (Streamlit gives them in English, or none once
# the visible word is replaced): set on the elements and set again whenever Streamlit draws them anew.
UPLOADER_JS = """
const V = __VALUES__;
const doc = window.parent && window.parent.document ? window.parent.document : document;
const w = doc.defaultView;
w.__thbUploader = V;
if (!w.__thbUploaderObserved) {
  w.__thbUploaderObserved = true;
  let queued = false;
  const apply = () => {
    queued = false;
    const T = w.__thbUploader;
    const box = doc.querySelector('.st-key-' + T.key);
    if (!box) return;
    const name = (el, v) => { if (el && el.getAttribute('aria-label') !== v) el.setAttribute('aria-label', v); };
    name(box.querySelector('[data-testid="stFileUploaderDropzone"] button[data-testid="stBaseButton-secondary"]'), T.choose);
    name(box.querySelector('[data-testid="stFileUploaderDropzoneInput"]'), T.choose);
    name(box.querySelector('[data-testid="stFileUploaderDropzone"] button[data-testid="stBaseButton-borderlessIcon"]'), T.another);
    for (const chip of box.querySelectorAll('[data-testid="stFileChip"]')) {
      const file = chip.querySelector('[data-testid="stFileChipName"]');
      name(chip.querySelector('[data-testid="stFileChipDeleteBtn"] button'), T.remove.replace('{name}', file ? file.textContent : ''));
    }
  };
  const later = () => { if (!queued) { queued = true; w.requestAnimationFrame(apply); } };
  new MutationObserver(later).observe(doc.body, {childList: true, subtree: true});
  later();
}
"""


def uploader_texts(key: str) -> None:
    """Streamlit's file uploader writes its own words in English ("Upload", "10MB per file • CSV, TXT, XLSX",
    "File must be 10.0MB or smaller."): hidden here, and the page's words written in their place (CSS
    `content`); its buttons get their names in the page's language (UPLOADER_JS: a screen reader does not
    take a button's name from CSS). Only for the uploader with this widget key."""
    from components.ui import safe_html

    safe_html.script(
        UPLOADER_JS, key=key, choose=_("Choose a file"), another=_("Choose another file"), remove=_("Remove {name}")
    )

    box = f".st-key-{key}"
    button, limit, refused = (
        _css_text(_("Choose a file")),
        _css_text(_("At most {mb} MB · CSV or Excel (.xlsx)").format(mb=uploads.MAX_MB)),
        _css_text(_("Not read: larger than {mb} MB, or not a CSV or Excel file.").format(mb=uploads.MAX_MB)),
    )
    safe_html.style(
        f"{box} [data-testid='stFileUploaderDropzone'] button[data-testid='stBaseButton-secondary'] "
        f"[data-testid='stMarkdownContainer'] p {{display: none;}}"
        f"{box} [data-testid='stFileUploaderDropzone'] button[data-testid='stBaseButton-secondary'] "
        f"[data-testid='stMarkdownContainer']::after {{content: {button};}}"
        f"{box} [data-testid='stFileUploaderDropzoneInstructions'] span {{display: none;}}"
        f"{box} [data-testid='stFileUploaderDropzoneInstructions'] > div::after {{content: {limit};"
        f" font-size: 0.875rem; opacity: 0.6;}}"  # as the small grey text it replaces
        # a refused file's chip: its (visually hidden) alert and its tooltip
        f"{box} [data-testid='stFileChip'] [role='alert'] {{font-size: 0; visibility: hidden;}}"
        f"{box} [data-testid='stFileChip'] [role='alert']::after {{content: {refused}; font-size: 0.875rem;"
        f" visibility: visible;}}"
        # (the tooltip keeps its box and background: its own text at size 0, ours after it)
        f"[data-testid='stTooltipErrorContent'] {{font-size: 0 !important;}}"
        f"[data-testid='stTooltipErrorContent']::after {{content: {refused}; font-size: 0.875rem;}}"
    )
