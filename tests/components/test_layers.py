"""Who may import whom. The rules themselves are import contracts in pyproject.toml ([tool.importlinter],
run by `make lint`: each package of components/ imports only the layers below it, the pure packages never
import Streamlit, the build never imports the app). Here: what a static contract cannot see (a pure module
really imports in an interpreter without Streamlit), and the shape of the graph of files: no import circle,
and the packages standing in layers (a short chain of packages)."""

from __future__ import annotations

import ast
import subprocess
import sys
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PURE_PACKAGES = ("core", "view", "draw", "builders", "decks", "uploads")
MAX_CHAIN = 10  # packages in the longest import chain (13 floors of flat files before issue 28)


def _modules() -> dict[str, Path]:
    """Every first-party module of the app and the build (not tests, not scripts): dotted name -> file."""
    out = {}
    for folder in ("components", "etl", "app_pages"):
        for p in sorted((ROOT / folder).rglob("*.py")):
            parts = p.relative_to(ROOT).with_suffix("").parts
            out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = p
    out.update(app=ROOT / "app.py", server=ROOT / "server.py")
    return out


MODULES = _modules()


def _imports(path: Path) -> set[str]:
    """The first-party modules a file imports, at the top or inside a function (`from a import b`: the module
    a.b when it is one, else a)."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [
                f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in MODULES else node.module for a in node.names
            ]
        else:
            continue
        out |= {n for n in names if n in MODULES}
    return out


GRAPH = {m: _imports(p) - {m} for m, p in MODULES.items()}


def test_pure_modules_import_without_streamlit():
    """In a fresh interpreter where `import streamlit` fails, every pure module still imports."""
    pure = sorted(
        m for m in MODULES if m.startswith("etl") or any(m.startswith(f"components.{p}") for p in PURE_PACKAGES)
    )
    assert {"components.core.dataset", "components.view.state", "components.builders.page_rows"} <= set(pure)
    code = (
        "import importlib, sys\nsys.modules['streamlit'] = None\n"
        f"for m in {pure!r}:\n    importlib.import_module(m)\n"
        "assert not any(k == 'streamlit' or k.startswith('streamlit.') for k, v in sys.modules.items() if v)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]


def _circle() -> list[str] | None:
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        path.append(m)
        for n in sorted(GRAPH[m]):
            if state.get(n) == 1:
                return path[path.index(n) :] + [n]
            if n not in state and (found := visit(n)):
                return found
        path.pop()
        state[m] = 2
        return None

    for m in sorted(GRAPH):
        if m not in state and (found := visit(m)):
            return found
    return None


def test_no_import_circle():
    assert _circle() is None, " -> ".join(_circle() or [])


def _package(module: str) -> str:
    """components.view.state -> components.view; components.store, etl.x, app_pages.x, app: as they are read."""
    parts = module.split(".")
    if parts[0] == "components" and len(parts) > 2:
        return ".".join(parts[:2])
    return "etl" if parts[0] == "etl" else ("app_pages" if parts[0] == "app_pages" else module)


def test_the_packages_stand_in_layers():
    """Between packages (components' eight, the store, etl, the pages, the frame) the imports run one way
    only, and the longest chain of packages is as short as the layers: before the packages, the same code as
    flat files stood 13 floors high with one circle."""
    graph: dict[str, set[str]] = {}
    for m, deps in GRAPH.items():
        graph.setdefault(_package(m), set()).update(_package(d) for d in deps if _package(d) != _package(m))

    @cache
    def depth(p: str, seen: frozenset = frozenset()) -> int:
        assert p not in seen, f"packages in a circle: {sorted(seen)}"
        return 1 + max((depth(n, seen | {p}) for n in graph[p]), default=0)

    longest = max(graph, key=depth)
    chain = [longest]
    while graph[chain[-1]]:
        chain.append(max(graph[chain[-1]], key=depth))
    assert depth(longest) <= MAX_CHAIN, " -> ".join(chain)
