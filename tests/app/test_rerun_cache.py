"""A rerun of a view already shown does no chart work again (components/memo.py): the per-view
caches hit, so a warm rerun costs Streamlit's drawing and little else (figures: bench/run.py)."""

import pytest

from components import memo
from tests.app import conftest
from tests.app.conftest import assert_ok, open_page


@pytest.mark.parametrize("page", [*conftest.PAGES, "map"])
def test_second_run_builds_no_chart(page, monkeypatch):
    built = []
    build_spec = memo._build_spec

    def counting(builder, args, kw):
        built.append(builder.__name__)
        return build_spec(builder, args, kw)

    monkeypatch.setattr(memo, "_build_spec", counting)
    monkeypatch.setitem(conftest.PAGES, "map", "app_pages/map.py")
    at = open_page(page)
    assert_ok(at)
    first = list(built)
    at.run()
    assert_ok(at)
    assert built == first, f"a rerun of the same view rebuilt {built[len(first):]}"
