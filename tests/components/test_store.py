"""The process-wide store (components/store.py): one dataset, one options index and one build (Figures and page
model) per view for the app, the data API and the warm-up; bounded, safe across threads. Synthetic fixture."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from components import store
from components.serve import api, warmup
from components.view.state import ViewState

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "synthetic"


@pytest.fixture
def fixture_data(monkeypatch):
    monkeypatch.setenv("THB_DATA_DIR", str(FIXTURE))
    monkeypatch.setattr(api, "_BODIES", api.LRU(8))  # no answer kept from another test
    store.clear()
    yield
    store.clear()


@pytest.fixture
def builds(monkeypatch):
    built: list[tuple[str, str]] = []
    build = store.build

    def counting(ds, view, options):
        built.append((view.page, view.view.query_string()))
        return build(ds, view, options)

    monkeypatch.setattr(store, "build", counting)
    return built


def test_the_api_and_the_warm_up_share_the_apps_dataset_and_options(fixture_data):
    warmup.warm_data()
    ds = store.dataset()
    assert api.state().ds is ds
    assert api.state().options is store.options(ds)


def test_a_view_the_page_built_is_served_by_the_api_without_building_again(fixture_data, builds):
    ds = store.dataset()
    opts = store.options(ds)
    view, _ = ViewState.from_query({"per": "2022"}, opts, "compare")
    page = store.page_build(ds, view, opts, screen=lambda spec: {"screen": True})
    assert len(builds) == 1
    with TestClient(Starlette(routes=api.ROUTES)) as client:
        for fmt in ("csv", "json"):
            assert client.get(f"/api/v1/view/compare.{fmt}?per=2022").status_code == 200
    assert len(builds) == 1, builds
    assert store.view_data(ds, view, opts).table is page.main.rows


def test_a_figure_first_built_for_the_api_gets_its_screen_spec_on_the_pages_first_use(fixture_data, builds):
    ds = store.dataset()
    opts = store.options(ds)
    view = ViewState(page="trends")
    plain = store.page_build(ds, view, opts)
    assert plain.main.screen is None
    shown = store.page_build(ds, view, opts, screen=lambda spec: {"screen": True})
    assert shown.main.screen == {"screen": True} and shown.main.rows is plain.main.rows
    assert store.page_build(ds, view, opts).main.screen == {"screen": True}  # the API gets the same ones now
    assert len(builds) == 1


def test_views_that_resolve_alike_share_one_entry(fixture_data, builds):
    ds = store.dataset()
    opts = store.options(ds)
    store.page_build(ds, ViewState(page="compare"), opts)
    store.page_build(ds, store.resolve(ViewState(page="compare"), opts).view, opts)
    assert len(builds) == 1


def test_the_cache_makes_a_value_once_for_threads_asking_together():
    cache = store.Cache(4)
    made: list[int] = []

    def make():
        made.append(1)
        time.sleep(0.05)
        return object()

    got: list[object] = []
    threads = [threading.Thread(target=lambda: got.append(cache.get("k", make))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(made) == 1 and len({id(g) for g in got}) == 1


def test_the_cache_is_bounded_and_a_failure_is_not_kept():
    cache = store.Cache(2)
    for k in range(5):
        cache.get(k, lambda k=k: k)
    assert len(cache) == 2 and cache.get(4, lambda: "again") == 4

    def boom():
        raise ValueError("no")

    with pytest.raises(ValueError):
        cache.get("x", boom)
    assert cache.get("x", lambda: "made") == "made"
