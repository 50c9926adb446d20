"""The data API as the server mounts it: its routes and its guard, with the API's module
(components/serve/api.py: pandas, the store, the builders, Altair; about 1 s of imports) loaded in a worker
thread on the first request under /api or by the warm-up, not while the server starts.

Why: uvicorn imports server.py inside its event loop after the port is open, so every import there delays
the first page's HTML. With the API imported there, the HTML came about 1 s after the bare one-chart app's,
on every page; now those imports overlap with the browser loading the page's scripts (the warm-up thread
makes them, components/serve/warmup.py), as the bare app's own imports do in its first run.

    ROUTES      what `st.App(routes=...)` takes: /api and /api/... handed to the API's router
    ApiGuard    the API's guard (api.ApiGuard) ahead of Streamlit's layer, for requests under /api only
"""

from __future__ import annotations

import asyncio
import importlib
from types import ModuleType

from starlette.routing import Route

API_MODULE = "components.serve.api"
_LOADED: dict[str, ModuleType] = {}


async def api_module() -> ModuleType:
    """The API's module, imported in a worker thread the first time (the event loop keeps serving)."""
    mod = _LOADED.get(API_MODULE)
    if mod is None:
        mod = _LOADED[API_MODULE] = await asyncio.to_thread(importlib.import_module, API_MODULE)
    return mod


def is_api_path(path: str) -> bool:
    return path == "/api" or path.startswith(("/api/", "//api/"))


class _Router:
    """An ASGI app handing each request to the API's router (api.ROUTER, its routes with their full paths)."""

    async def __call__(self, scope: dict, receive, send) -> None:
        await (await api_module()).ROUTER(scope, receive, send)


# an ASGI app as a Route's endpoint gets the request as it is (every method, the full path)
ROUTES = [Route("/api", _Router()), Route("/api/{rest:path}", _Router())]


class ApiGuard:
    """ASGI middleware: requests under /api go through the API's guard (a bad path or method gets the API's
    JSON error); everything else passes on without loading the API."""

    def __init__(self, app) -> None:
        self.app = app
        self._guard = None

    async def __call__(self, scope: dict, receive, send) -> None:
        if scope.get("type") != "http" or not is_api_path(scope.get("path", "")):
            await self.app(scope, receive, send)
            return
        if self._guard is None:
            self._guard = (await api_module()).ApiGuard(self.app)
        await self._guard(scope, receive, send)
