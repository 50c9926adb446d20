"""A rerun of a view already shown builds no Figure again (components/store.py, the one figure cache of the
process): a warm rerun costs Streamlit's drawing and little else (figures: bench/run.py)."""

import pytest

from components import store
from tests.app import conftest
from tests.app.conftest import assert_ok, open_page


@pytest.mark.parametrize("page", [*conftest.PAGES, "map"])
def test_second_run_builds_no_figure(page, monkeypatch):
    built = []
    build = store.build

    def counting(ds, view, options):
        built.append(view.view.query_string())
        return build(ds, view, options)

    monkeypatch.setattr(store, "build", counting)
    store.clear()
    monkeypatch.setitem(conftest.PAGES, "map", "app_pages/map.py")
    at = open_page(page)
    assert_ok(at)
    first = list(built)
    at.run()
    assert_ok(at)
    assert built == first, f"a rerun of the same view rebuilt {built[len(first) :]}"
