"""Who may import whom: pure code (components' queries, builders, codecs; all of etl) never imports
Streamlit, and the build (etl) never imports the app. Only the frame, pages and UI modules may."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# the only modules under components/ and etl/ that may import Streamlit (UI and server glue)
UI = {
    f"components.{m}"
    for m in (
        "frame",
        "controls",
        "share",
        "a11y",
        "safe_html",
        "render",
        "picker",
        "admission",
        "warmup",
        "my_deck",
        "own",
        "connections",
        "not_found",
    )
}


def _modules(package: str) -> dict[str, Path]:
    return {f"{package}.{p.stem}": p for p in sorted((ROOT / package).glob("*.py")) if p.stem != "__init__"}


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function (relative imports resolved)."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the file's package
                base = ".".join(path.relative_to(ROOT).with_suffix("").parts[: -node.level])
                mod = f"{base}.{node.module}" if node.module else base
            else:
                mod = node.module or ""
            out.add(mod)
            out |= {f"{mod}.{a.name}" for a in node.names}  # `from components import frame`
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", getattr(node.func, "attr", "")) in ("import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            out.add(str(node.args[0].value))
    return out


def _is(mod: str, top: str) -> bool:
    return mod == top or mod.startswith(top + ".")


PURE = sorted(m for m in {**_modules("components"), **_modules("etl")} if m not in UI)


def test_the_scan_sees_lazy_imports(tmp_path):
    (tmp_path / "x.py").write_text("def f():\n    from streamlit import config\n    import streamlit.logger\n")
    assert _is("streamlit.logger", "streamlit") and "streamlit" in _imports(tmp_path / "x.py")


def test_only_ui_modules_import_streamlit():
    importers = {
        m
        for m, p in {**_modules("components"), **_modules("etl")}.items()
        if any(_is(i, "streamlit") for i in _imports(p))
    }
    assert importers <= UI, f"pure modules importing Streamlit: {sorted(importers - UI)}"
    assert "components.ui.page_data" in importers  # the scan sees the real importers


def test_etl_never_imports_the_app():
    bad = {
        m: sorted(i for i in _imports(p) if any(_is(i, t) for t in ("components", "app_pages", "app", "server")))
        for m, p in _modules("etl").items()
    }
    assert not {m: i for m, i in bad.items() if i}


def test_pure_modules_import_without_streamlit():
    """In a fresh interpreter where `import streamlit` fails, every pure module still imports."""
    assert {
        "components.core.dataset",
        "components.core.queries",
        "components.core.provenance",
        "components.builders.page_rows",
        "components.serve.api",
        "components.decks.deck",
        "etl.figure_key",
    } <= set(PURE)
    code = (
        "import importlib, sys\nsys.modules['streamlit'] = None\n"
        f"for m in {PURE!r}:\n    importlib.import_module(m)\n"
        "assert not any(k == 'streamlit' or k.startswith('streamlit.') for k, v in sys.modules.items() if v)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
