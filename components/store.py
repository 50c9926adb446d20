"""The process-wide store: the dataset, the options it allows and the build of a view (its Figures and page
model), kept once per process and shared by the app's sessions (components/ui/page_data.py), the HTTP data API
(components/serve/api.py) and the warm-up (components/serve/warmup.py), so what one of them builds the others
find. Pure: no Streamlit.

    dataset()                          the dataset of data_dir(), assembled and verified once per version of its
                                       files (their stat signature: a few stat calls per call); a broken version
                                       raises the same DataError again without reading it again
    options(ds)                        what the data allows, once per dataset digest
    page_build(ds, view, options)      the page's Figures and page model for the view (a PageBuild), once per
                                       (dataset digest, page, canonical query), at most BUILDS_KEPT of them (the
                                       least recently used go first)
    view_data(ds, view, options)       the rows the page shows (the API's view rows): its main Figure's rows
    chart_image(ds, view, options, fmt) the image file (png, svg, pdf) of the page's main Figure in the run's
                                       language (components/draw/files.py `figure_image`, as the page's download
                                       button) with its alt text and file name, once per (dataset digest,
                                       language, page, query, format, day), at most FILES_BYTES of them; made
                                       one at a time per process, in the order asked
    figure_file(ds, view, options, fmt) its bytes

Every cache is bounded and safe across threads; a value being made by one thread is waited for, not made a
second time. What it returns is shared: never mutate it.
"""

from __future__ import annotations

import contextlib
import contextvars
import threading
from collections.abc import Callable, Hashable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import cachetools

from components.builders import build
from components.builders.page_rows import ViewData, options_for, view_data_of
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
from components.core.figure import Figure, PageBuild
from components.draw import embed, files as ex
from components.view.options import Options
from components.view.state import Resolved, ViewState, resolve

DATASETS_KEPT = 4  # versions of the files (the current one and those before, for sessions still on them)
BUILDS_KEPT = 256  # (dataset, page, canonical query) entries
FILES_KEPT = 64  # chart image files (a PNG is about 1 MB: the byte bound below holds first)
FILES_BYTES = 48 << 20


class Cache:
    """A least-recently-used cache (cachetools) of at most `size` entries, safe across threads: `get(key, make)`
    returns the kept value or makes it once (a second thread asking for the same key meanwhile waits for it,
    and makes it itself only if the first one failed)."""

    def __init__(self, size: int, max_bytes: int | None = None):
        if max_bytes is None:
            self._lru: cachetools.LRUCache = cachetools.LRUCache(maxsize=size)
        else:  # each value weighs its length but at least max_bytes/size: both bounds hold at once
            floor = max_bytes // size
            self._lru = cachetools.LRUCache(maxsize=max_bytes, getsizeof=lambda v: max(len(v), floor))
        self._lock = threading.Lock()
        self._making: dict[Hashable, threading.Lock] = {}

    def get(self, key: Hashable, make: Callable[[], Any]) -> Any:
        while True:
            with self._lock:
                try:
                    return self._lru[key]
                except KeyError:
                    pass
                pending = self._making.get(key)
                if pending is None:
                    pending = self._making[key] = threading.Lock()
                    pending.acquire()
                    break
            with pending:  # another thread is making it: wait, then look again
                pass
        try:
            value = make()  # outside the cache's lock: other keys are served meanwhile
            with self._lock, contextlib.suppress(ValueError):  # ValueError: a value larger than max_bytes
                self._lru[key] = value
            return value
        finally:
            with self._lock:
                del self._making[key]
            pending.release()

    def clear(self) -> None:
        with self._lock:
            self._lru.clear()

    def __len__(self) -> int:
        return len(self._lru)


# ------------------------------------------------------------------------------------ the dataset

_TABLES = Cache(DATASETS_KEPT)  # (path, content digest) -> the checked table: a touched file is not parsed again
_DATASETS = Cache(DATASETS_KEPT)  # (folder, stat signature) -> Dataset


def _table(path: str, digest: str):
    return _TABLES.get((path, digest), lambda: read_table(path))


def dataset(directory: Path | str | None = None) -> Dataset:
    """The dataset of `directory` (default: `data_dir()`, i.e. THB_DATA_DIR or data/) and its side files, verified
    against the build record. Raises DataError for the main table (missing, unreadable, damaged, not the file the
    build wrote). Assembled once per version of the files; any change to them gives a new version."""
    d = Path(directory) if directory is not None else data_dir()
    if not (d / TABLE).exists():
        raise DataError(d / TABLE, NOT_FOUND)
    sig = stat_signature(d)
    return _DATASETS.get((str(d), sig), lambda: assemble_once(d, sig, lambda: assemble_dataset(d, load_table=_table)))


# ------------------------------------------------------------------------------------ what it allows

_OPTIONS = Cache(DATASETS_KEPT)  # dataset digest -> Options


def options(ds: Dataset) -> Options:
    """What the data allows (components/builders/page_rows.py `options_for`), once per dataset digest (which
    covers the table and the side files)."""
    return _OPTIONS.get(ds.digest, lambda: options_for(ds))


# ------------------------------------------------------------------------------------ the build of a view


@dataclass
class _Built:
    build: PageBuild
    on_screen: bool = False  # each chart's `screen` spec is set
    lock: threading.Lock = field(default_factory=threading.Lock)


_BUILDS = Cache(BUILDS_KEPT)


def page_build(
    ds: Dataset, view: Resolved | ViewState, options: Options, screen: Callable[[dict], dict] | None = None
) -> PageBuild:
    """The page's Figures and page model for `view` (components/builders `build`), built once per (dataset
    digest, language, page, the view's canonical query) for every session and the API. `screen(spec)`: how the screen
    draws a chart's spec (the app's; the API passes none): set as each chart's `screen` once per entry, so a
    build first made for the API is made ready for the screen on the page's first use."""
    shown = view if isinstance(view, Resolved) else resolve(view, options)  # the page passes its one resolution
    # the texts' language is the text layer's (a view has none): a key part beside the view's canonical link
    key = (ds.digest, i18n.lang(), shown.page, shown.view.query_string())
    built: _Built = _BUILDS.get(key, lambda: _Built(build(ds, shown, options)))
    if screen is not None and not built.on_screen:
        with built.lock:
            if not built.on_screen:
                built.build = replace(built.build, figures=tuple(_on_screen(f, screen) for f in built.build.figures))
                built.on_screen = True
    return built.build


def _on_screen(fig: Figure, screen: Callable[[dict], dict]) -> Figure:
    return replace(fig, screen=screen(fig.spec)) if fig.spec is not None else fig


def view_data(ds: Dataset, view: ViewState, options: Options) -> ViewData:
    """The rows `view.page` shows for `view` (the data API's view rows): its main Figure's, from `page_build`."""
    shown = resolve(view, options)
    return view_data_of(ds, shown.view, page_build(ds, shown, options))


_FILES = Cache(FILES_KEPT, max_bytes=FILES_BYTES)


@dataclass(frozen=True)
class ChartImage:
    """A chart's image file and what an answer with it says: its alt text and its file name."""

    data: bytes
    alt_text: str
    file_name: str

    def __len__(self) -> int:  # its weight in the file cache
        return len(self.data)


# One chart image made at a time in a process, first come first served: its page build and its drawing in one
# job. Both are bound by the interpreter (pandas and Altair; vl-convert keeps the GIL while Vega draws), so
# images made at once all share it and all finish late: 30 distinct charts asked within 10 s were each built in
# their request's thread at once, and half of them waited 6 s or more. In turn, the first asked is the first
# ready, and the rest wait in order.
_IMAGES = ThreadPoolExecutor(max_workers=1, thread_name_prefix="thb-images")


def chart_image(
    ds: Dataset, view: Resolved | ViewState, options: Options, fmt: str, today: date | None = None
) -> ChartImage:
    """The image file `fmt` (components/draw/files.py IMAGE_MEDIA) of the page's main Figure for `view`, in the
    run's language, with its alt text and file name: the bytes of the page's download button for the same view
    on the same day, made once per (dataset digest, language, page, canonical query, format, day) however many
    requests ask at the same time. Raises LookupError when the page has no chart for the view."""
    shown = view if isinstance(view, Resolved) else resolve(view, options)
    today = today or date.today()
    key = (ds.digest, i18n.lang(), shown.page, shown.view.query_string(), fmt, today.isoformat())

    def draw() -> ChartImage:
        fig = page_build(ds, shown, options).main
        if fig is None or fig.chart_spec() is None:
            raise LookupError(f"{shown.page}: no chart for this view")
        data = ex.figure_image(fig, fmt, ds.meta, ds.sources, today)
        return ChartImage(data, embed.alt_text(fig), ex.figure_file_name(fig, fmt))

    # the worker runs in its own thread: it gets this request's context (the language) with the job
    return _FILES.get(key, lambda: _IMAGES.submit(contextvars.copy_context().run, draw).result())


def figure_file(
    ds: Dataset, view: Resolved | ViewState, options: Options, fmt: str, today: date | None = None
) -> bytes:
    """The bytes of `chart_image` (the page's download for the view, in the run's language)."""
    return chart_image(ds, view, options, fmt, today).data


def clear() -> None:
    """Forget everything kept (tests; a benchmark's cold start)."""
    for cache in (_TABLES, _DATASETS, _OPTIONS, _BUILDS, _FILES):
        cache.clear()
