from __future__ import annotations

import os
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
FIXTURE_DIR = ROOT / "tests" / "fixtures" / "synthetic"
# THB_APP_TEST_DATA=data runs the data-agnostic tests (render, sweep, hostile links) on another dataset
DATA_DIR = Path(os.environ.get("THB_APP_TEST_DATA") or FIXTURE_DIR)
REAL_DATA = DATA_DIR.resolve() != FIXTURE_DIR.resolve()
PAGES = {
    "overview": "app_pages/overview.py",
    "compare": "app_pages/compare.py",
    "trends": "app_pages/trends.py",
    "data": "app_pages/data.py",
    "methodology": "app_pages/methodology.py",
}


@pytest.fixture(autouse=True)
def synthetic_data(monkeypatch):
    """Point the app at the synthetic fixture (fake numbers) unless a test says otherwise."""
    monkeypatch.setenv("THB_DATA_DIR", str(DATA_DIR if DATA_DIR.is_absolute() else ROOT / DATA_DIR))
    monkeypatch.chdir(ROOT)


def open_page(page: str, params: dict | None = None) -> AppTest:
    """A fresh session that opens `page` (like a first request with a deep link)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    if page != "overview":
        at.switch_page(PAGES[page])
    for k, v in (params or {}).items():
        at.query_params[k] = v
    return at.run()


def assert_ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


synthetic_only = pytest.mark.skipif(REAL_DATA, reason="asserts numbers of the synthetic fixture")
