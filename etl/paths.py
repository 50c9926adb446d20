"""Where the data lives. One place, so tests can point the build at a fixture tree."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class DataPaths:
    root: Path

    @property
    def raw(self) -> Path:
        return self.root / "raw"

    @property
    def sources(self) -> Path:
        return self.root / "sources.csv"

    @property
    def codebook(self) -> Path:
        return self.root / "codebook"

    @property
    def mapping(self) -> Path:
        return self.root / "mapping"

    @property
    def harmonised(self) -> Path:
        return self.root / "harmonised"

    @property
    def output(self) -> Path:
        return self.harmonised / "thb_baltic.csv"

    @property
    def meta(self) -> Path:
        return self.harmonised / "build_meta.json"


DEFAULT_PATHS = DataPaths(REPO_ROOT / "data")
