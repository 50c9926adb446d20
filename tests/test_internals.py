"""The internals of Streamlit, uvicorn, Starlette and h11 that the code uses are still there.

Streamlit is pinned to the compatible release this was tested on (pyproject.toml: `streamlit~=1.67.0`,
`uvicorn~=0.55.0`), because the code reaches past their public API: `streamlit.proto` (admission, warm-up,
bench), `streamlit.runtime.scriptrunner` (the session's language), `streamlit.logger`,
`streamlit.dataframe_util`, and a subclass of uvicorn's h11 protocol set on its Config
(components/serve/connections.py). Any of these may change in a minor release. Moving the pin: `make lock`
after editing pyproject.toml, then this test says what moved, by name.

What is checked is read from the source itself (no list to keep): every `import` / `from ... import` of those
packages in the repository's Python files (Streamlit's documented top level, `streamlit.testing.v1` and
`streamlit.components.v1` aside), every attribute chain on a name so imported (`ForwardMsg.FINISHED_EARLY_FOR_RERUN`,
`script_runner.ScriptRunner._run_script`), the keywords each call of such a function passes, and every method a
subclass of such a class overrides (an override of a method that no longer exists would silently never run).
What the source cannot show (fields of a message instance, attributes set on an instance, option names) is
listed in INSTANCE_CHECKS below.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
WATCHED = ("streamlit", "uvicorn", "starlette", "h11", "websockets", "tornado")
PUBLIC_MODULES = {"streamlit.testing.v1", "streamlit.components.v1"}  # documented APIs


@dataclass(frozen=True)
class Use:
    where: str  # file:line
    name: str  # the dotted name used, e.g. streamlit.proto.ForwardMsg_pb2.ForwardMsg.FINISHED_EARLY_FOR_RERUN
    call: tuple[int, tuple[str, ...]] | None = None  # positional count, keyword names, for a call
    overrides: tuple[str, ...] = ()  # methods a subclass defines


def python_files() -> list[Path]:
    try:
        out = subprocess.run(["git", "ls-files", "*.py"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
        files = [ROOT / p for p in out.split()]
    except (OSError, subprocess.CalledProcessError):  # not a git checkout
        files = [p for p in ROOT.rglob("*.py") if ".venv" not in p.parts]
    return [f for f in files if f.exists()]


def _watched(module: str) -> bool:
    return module.split(".")[0] in WATCHED


def _chain(node: ast.AST) -> list[str] | None:
    """`a.b.c` as ['a', 'b', 'c'] (None when it does not start at a plain name)."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return [node.id] + parts[::-1]


def _own_nodes(fn: ast.AST):
    """The nodes of a function's own scope (not those of functions or classes nested in it)."""
    todo = list(ast.iter_child_nodes(fn))
    while todo:
        n = todo.pop()
        yield n
        if not isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            todo.extend(ast.iter_child_nodes(n))


class _Scan(ast.NodeVisitor):
    """Imports of the watched packages and what is done with the names they bind, scope by scope: a name
    imported inside a function counts there only, and a function's own variable of the same name hides an
    import from outside (`config = Config(...)` is not `streamlit.config`)."""

    def __init__(self, rel: str) -> None:
        self.rel, self.found = rel, []
        self.scopes: list[dict[str, str | None]] = [{}]  # local name -> dotted name (None: not an import)

    def _lookup(self, name: str) -> str | None:
        for scope in reversed(self.scopes):
            if name in scope:
                return scope[name]
        return None

    def _add(self, node: ast.AST, name: str, **kw) -> None:
        self.found.append(Use(f"{self.rel}:{node.lineno}", name, **kw))

    def visit_FunctionDef(self, node) -> None:
        a = node.args
        own: dict[str, str | None] = {
            x.arg: None for x in [*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg] if x
        }
        own.update({n.id: None for n in _own_nodes(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)})
        for d in node.decorator_list:
            self.visit(d)
        self.scopes.append(own)
        for stmt in node.body:
            self.visit(stmt)
        self.scopes.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Import(self, node) -> None:
        for a in node.names:
            if _watched(a.name):
                self.scopes[-1][a.asname or a.name.split(".")[0]] = a.name if a.asname else a.name.split(".")[0]
                if a.name != "streamlit" and a.name not in PUBLIC_MODULES:
                    self._add(node, a.name)

    def visit_ImportFrom(self, node) -> None:
        if node.module and node.level == 0 and _watched(node.module):
            for a in node.names:
                self.scopes[-1][a.asname or a.name] = f"{node.module}.{a.name}"
                if node.module not in PUBLIC_MODULES:
                    self._add(node, f"{node.module}.{a.name}")

    def _resolved(self, expr: ast.AST) -> list[str] | None:
        chain = _chain(expr)
        base = self._lookup(chain[0]) if chain else None
        return [base, *chain[1:]] if base else None

    def visit_Attribute(self, node) -> None:
        dotted = self._resolved(node)
        if dotted:
            self._add(node, ".".join(dotted[:2] if dotted[0] == "streamlit" else dotted))  # st.x: the public name only
        self.generic_visit(node)

    def visit_Call(self, node) -> None:
        dotted = self._resolved(node.func)
        if (
            dotted
            and not (dotted[0] == "streamlit" and len(dotted) > 2)
            and not any(isinstance(a, ast.Starred) for a in node.args)
            and all(k.arg for k in node.keywords)
        ):
            self._add(node, ".".join(dotted), call=(len(node.args), tuple(k.arg for k in node.keywords)))
        self.generic_visit(node)

    def visit_ClassDef(self, node) -> None:
        for b in node.bases:
            dotted = self._resolved(b)
            if dotted:
                methods = tuple(f.name for f in node.body if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)))
                self._add(node, ".".join(dotted), overrides=methods)
        self.generic_visit(node)


def uses(path: Path, root: Path = ROOT) -> list[Use]:
    scan = _Scan(path.relative_to(root).as_posix())
    scan.visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
    return scan.found


def resolve(dotted: str):
    """The object a dotted name denotes: the longest importable module, then attributes."""
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for j, attr in enumerate(parts[i:], start=i):
            try:
                obj = getattr(obj, attr)
            except AttributeError:
                raise LookupError(f"{'.'.join(parts[:j])} has no attribute {attr!r}") from None
        return obj
    raise LookupError(f"module {parts[0]!r} cannot be imported")


ALL_USES: dict[str, list[Use]] = {}
for _f in python_files():
    for _u in uses(_f):
        ALL_USES.setdefault(_u.name, []).append(_u)


def test_the_scan_finds_the_internals_the_code_is_known_to_use():
    names = set(ALL_USES)
    for expected in (
        "streamlit.proto.ForwardMsg_pb2.ForwardMsg",
        "streamlit.proto.BackMsg_pb2.BackMsg",
        "streamlit.runtime.scriptrunner.get_script_run_ctx",
        "streamlit.logger.get_logger",
        "streamlit.dataframe_util.convert_anything_to_arrow_bytes",
        "streamlit.dataframe_util.convert_pandas_df_to_arrow_table",
        "streamlit.config.get_option",
        "uvicorn.protocols.http.h11_impl.H11Protocol",
        "uvicorn.config.Config",
        "h11.IDLE",
        "starlette.middleware.Middleware",
        "starlette.routing.Route",
        "streamlit.App",
    ):
        assert expected in names, (
            f"the scan no longer sees {expected}: is tests/test_internals.py still reading the code?"
        )


@pytest.mark.parametrize("name", sorted(ALL_USES))
def test_every_internal_the_code_uses_exists(name: str):
    found = ALL_USES[name]
    try:
        obj = resolve(name)
    except LookupError as exc:
        pytest.fail(
            f"{name} (used at {', '.join(u.where for u in found)}) is gone in this version ({exc}). The "
            "code was written against the versions pyproject.toml pins; adapt it before moving the pin."
        )
    try:
        sig = inspect.signature(obj) if callable(obj) else None
    except (TypeError, ValueError):  # a builtin or protobuf class without a Python signature
        sig = None
    for use in found:
        if use.call is not None and sig is not None:
            n_args, keywords = use.call
            try:
                sig.bind(*range(n_args), **dict.fromkeys(keywords))
            except TypeError as exc:
                pytest.fail(
                    f"{use.where} calls {name} with {n_args} positional argument(s) and keywords "
                    f"{list(keywords)}; its signature is now {sig} ({exc})"
                )
        for method in use.overrides:
            if not method.startswith("__"):
                assert hasattr(obj, method), (
                    f"{use.where}: a subclass of {name} overrides {method}(), which "
                    f"{name} no longer has: the override would never run"
                )


# What the source cannot show: attributes of instances and names the code passes as strings.
def _forward_msg():
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    oneof = {f.name for f in ForwardMsg.DESCRIPTOR.oneofs_by_name["type"].fields}
    assert "script_finished" in oneof, "ForwardMsg's 'type' oneof has no script_finished"
    return "ForwardMsg.script_finished (oneof type), FINISHED_EARLY_FOR_RERUN"


def _back_msg():
    from streamlit.proto.BackMsg_pb2 import BackMsg

    fields = set(BackMsg.DESCRIPTOR.fields_by_name["rerun_script"].message_type.fields_by_name)
    assert {"query_string", "page_name"} <= fields, f"BackMsg.rerun_script has {sorted(fields)}"
    return "BackMsg.rerun_script.query_string/page_name"


def _h11_protocol():
    import asyncio

    from uvicorn.config import Config
    from uvicorn.protocols.http.h11_impl import H11Protocol
    from uvicorn.server import ServerState

    async def app(scope, receive, send):  # pragma: no cover - never called
        pass

    config = Config(app=app, http="h11", lifespan="off", log_config=None)
    config.load()
    for attr in ("http", "http_protocol_class", "backlog"):  # components.serve.connections.install sets these
        assert hasattr(config, attr), f"uvicorn's Config has no {attr!r}"
    loop = asyncio.new_event_loop()
    try:
        proto = H11Protocol(config=config, server_state=ServerState(), app_state={}, _loop=loop)
        for attr in ("conn", "transport", "connections", "loop"):  # GuardedH11Protocol reads these
            assert hasattr(proto, attr), f"uvicorn's H11Protocol has no {attr!r}"
    finally:
        loop.close()
    import h11

    assert isinstance(inspect.getattr_static(h11.Connection, "their_state"), property), "h11.Connection.their_state"
    return "uvicorn Config.http/http_protocol_class/backlog, H11Protocol.conn/transport/connections/loop"


def _options():
    from streamlit import config

    for option in ("server.address", "server.port", "server.baseUrlPath"):  # warmup.py, not_found.py
        config.get_option(option)
    return "streamlit options server.address/port/baseUrlPath"


def _media_file_manager():
    from streamlit.runtime.media_file_manager import MediaFileManager

    params = list(inspect.signature(MediaFileManager.add_deferred).parameters)
    # tests/app/test_your_figures.py wraps it positionally
    assert params[:5] == ["self", "data_callable", "mimetype", "coordinates", "file_name"], params
    return "MediaFileManager.add_deferred(data_callable, mimetype, coordinates, file_name)"


def _app():
    import streamlit as st

    params = inspect.signature(st.App).parameters
    assert {"routes", "lifespan", "middleware"} <= set(params), list(params)  # server.py
    return "st.App(script, routes=, lifespan=, middleware=)"


INSTANCE_CHECKS = [_forward_msg, _back_msg, _h11_protocol, _options, _media_file_manager, _app]


@pytest.mark.parametrize("check", INSTANCE_CHECKS, ids=lambda c: c.__name__.strip("_"))
def test_instance_level_internals(check):
    check()


def test_the_pins_are_compatible_releases_of_what_was_tested():
    """pyproject.toml pins Streamlit and uvicorn to the minor release installed here (the one these tests ran on)."""
    import tomllib
    from importlib.metadata import version

    deps = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    for package in ("streamlit", "uvicorn"):
        (pin,) = [d for d in deps if d.split("~=")[0].split(">=")[0].strip() == package]
        assert "~=" in pin, f"{package} is not pinned to a compatible release: {pin}"
        wanted = pin.split("~=")[1].strip()
        assert version(package).split(".")[:2] == wanted.split(".")[:2], (package, version(package), pin)


def test_a_changed_internal_is_named(tmp_path):
    """A synthetic file using internals that do not exist: each is found and named."""
    src = tmp_path / "synthetic.py"
    src.write_text(
        "from streamlit.proto.ForwardMsg_pb2 import ForwardMsg\n"
        "from uvicorn.protocols.http.h11_impl import H11Protocol\n"
        "from streamlit.runtime.scriptrunner import get_script_run_ctx\n"
        "x = ForwardMsg.NO_SUCH_VALUE\n"
        "get_script_run_ctx(no_such_keyword=True)\n"
        "class P(H11Protocol):\n"
        "    def no_such_hook(self):\n"
        "        pass\n"
        "def f():\n"
        "    from streamlit import config\n"
        "    return config.get_option('server.port')\n"
        "def g(Config):\n"
        "    config = Config()\n"
        "    return config.load()\n"
    )
    found = uses(src, tmp_path)
    by = lambda name, **kw: next(u for u in found if u.name == name and all(getattr(u, k) for k in kw))  # noqa: E731
    with pytest.raises(LookupError, match="NO_SUCH_VALUE"):
        resolve("streamlit.proto.ForwardMsg_pb2.ForwardMsg.NO_SUCH_VALUE")
    assert by("streamlit.proto.ForwardMsg_pb2.ForwardMsg.NO_SUCH_VALUE").where == "synthetic.py:4"
    call = by("streamlit.runtime.scriptrunner.get_script_run_ctx", call=True)
    assert call.call == (0, ("no_such_keyword",))
    with pytest.raises(TypeError):
        inspect.signature(resolve(call.name)).bind(**dict.fromkeys(call.call[1]))
    override = by("uvicorn.protocols.http.h11_impl.H11Protocol", overrides=True)
    assert override.overrides == ("no_such_hook",) and not hasattr(resolve(override.name), "no_such_hook")
    # scopes: f's import of streamlit.config is not g's variable `config`
    assert by("streamlit.config.get_option", call=True).where == "synthetic.py:11"
    assert not [u for u in found if u.name == "streamlit.config.load"]
