from __future__ import annotations

from pathlib import Path

import pytest

from components import data as q

FIXTURE_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "synthetic"


@pytest.fixture(scope="session")
def ds() -> q.Dataset:
    """The synthetic dataset (fake numbers, see tests/fixtures/make_synthetic.py)."""
    return q.load_dataset(FIXTURE_DIR)
