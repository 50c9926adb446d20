"""The pages are thin and declarative (issue 12): they bind a view, get Figures and render them.

Checked on the source: no pandas, no private session keys, short files, and no bare expression a
Streamlit script would "magic"-write to the page (e.g. `a() if x else b()` draws the return value)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from components.core import pages as registry

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted((ROOT / "app_pages").glob("*.py"))


def test_every_registered_page_has_its_file_and_no_other():
    assert {p.name for p in FILES} == {Path(spec.file).name for spec in registry.PAGES}


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_page_is_thin(path):
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text)
    imported = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {(n.module or "").split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert not imported & {"pandas", "numpy", "altair", "pydeck"}, "pages render Figures; builders do the work"
    assert "session_state[" not in text and 'session_state.get("_' not in text, "no private session keys"
    # short: counted in statements, not lines (the formatter spreads one call over several lines)
    statements = sum(isinstance(n, ast.stmt) for n in ast.walk(tree))
    assert statements <= 65, statements


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_no_magic_expressions(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    body_docstrings = {
        id(b[0])
        for b in [tree.body] + [n.body for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef))]
        if b and isinstance(b[0], ast.Expr) and isinstance(b[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and id(node) not in body_docstrings:
            assert isinstance(node.value, (ast.Call, ast.Await)), (
                f"line {node.lineno}: a bare expression is written to the page by Streamlit's magic"
            )


def test_pages_average_about_forty_statements():
    statements = [
        sum(isinstance(n, ast.stmt) for n in ast.walk(ast.parse(p.read_text(encoding="utf-8")))) for p in FILES
    ]
    assert sum(statements) / len(statements) <= 45, statements
