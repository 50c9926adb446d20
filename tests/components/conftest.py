from __future__ import annotations

from pathlib import Path

import pytest

from components.core.dataset import Dataset, load

FIXTURE_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "synthetic"


@pytest.fixture(scope="session")
def ds() -> Dataset:
    """The synthetic dataset (fake numbers, see tests/fixtures/make_synthetic.py)."""
    return load(FIXTURE_DIR)
