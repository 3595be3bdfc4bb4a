"""Routing: a table of (method, path template) → handler, one per service class.

Templates use ``{name}`` for one path segment: ``/v3/{project_id}/snapshots/{snapshot_id}``.
A request no route serves raises `NoRoute`: a 404 when no template matches the path, a 405
with an ``Allow`` header when one matches but not its method. That is Glance's answer; each
service renders it its own way (`ApiService.no_route`): Nova's and Cinder's routers answer 404
for both.

Handlers take the `Request` and return a `Response`; a handler that needs virtual time (an RPC
call, a wait) is a generator function and the caller drives it on the simulation clock. A
service class builds its table once and shares it between its instances (`ApiService`): those
handlers take the service too (``handler(service, req)``), and the table is `frozen`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fakecloud.api.http import HttpError, Request

Handler = Callable[[Request], Any]


@dataclass(frozen=True)
class Route:
    """One method and path template, and the handler that serves it."""

    method: str
    template: str
    handler: Handler
    segments: tuple[str, ...]
    #: (position, segment) of the template's fixed segments, and (position, name) of its
    #: parameters: what `Router.match` compares and binds.
    literals: tuple[tuple[int, str], ...] = ()
    names: tuple[tuple[int, str], ...] = ()


#: How many (method, path) answers a frozen table remembers (then it starts again).
_KNOWN = 512


class Router:
    """The routes of one service.

    A frozen table remembers the route and parameters of the last paths it matched (a client
    polls one server's path again and again; a flow's create and list paths are every flow's):
    `match` finds those in one look-up, its answer the same as ever (the table never changes
    once frozen), each caller given parameters of its own."""

    _by_length: dict[int, list[Route]]
    _slashed: dict[int, list[Route]]
    _known: dict[tuple[str, str], tuple[Route, dict[str, str]]]

    #: The only paths ending in ``/`` the other routes may serve (any other path ending in
    #: ``/`` is `NoRoute`, as the ``routes.Mapper`` Nova's APIMapper is gives no match, unless
    #: a template ending in ``/`` matches it); None: a trailing slash is ignored.
    slash_paths: frozenset[str] | None = None
    #: ``(prefix, replacement)``: a path starting with `prefix` is matched as if it started
    #: with `replacement` (Nova's ``/v2/`` legacy pipeline runs the v2.1 router); None: none.
    alias: tuple[str, str] | None = None

    def __init__(self) -> None:
        self._by_length = {}
        #: Routes whose template ends in ``/`` (``/v2.1/{project_id}/``): with `slash_paths`,
        #: they serve only paths ending in ``/``, and those paths no other route.
        self._slashed = {}
        self._known = {}  # filled once frozen: (method, path) -> what `match` found
        self.frozen = False

    def add(self, method: str, template: str, handler: Handler) -> None:
        """Serve `method` on paths matching `template` with `handler`."""
        if self.frozen:
            raise TypeError(
                f"cannot add {method} {template}: this route table is shared by every service "
                "of its class and is read-only"
            )
        segments = tuple(s for s in template.strip("/").split("/") if s)
        literals, names = [], []
        for i, segment in enumerate(segments):
            if segment.startswith("{") and segment.endswith("}"):
                names.append((i, segment[1:-1]))
            else:
                literals.append((i, segment))
        route = Route(method.upper(), template, handler, segments, tuple(literals), tuple(names))
        table = self._slashed if template.endswith("/") and segments else self._by_length
        table.setdefault(len(segments), []).append(route)

    def freeze(self) -> Router:
        """Refuse further `add` calls (a table shared between services, and so between a
        cloud and its forks); returns the router."""
        self.frozen = True
        return self

    def routes(self) -> list[Route]:
        """Every route, in the order they were added (per path length)."""
        return [
            route
            for table in (self._by_length, self._slashed)
            for length in sorted(table)
            for route in table[length]
        ]

    def route(self, method: str, template: str) -> Callable[[Handler], Handler]:
        """Decorator form of `add`."""

        def register(handler: Handler) -> Handler:
            self.add(method, template, handler)
            return handler

        return register

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]]:
        """The route serving `method` `path` and its parameters, or `NoRoute`."""
        asked = (method, path)
        known = self._known.get(asked)
        if known is not None:
            return known[0], dict(known[1])
        # (filter and a loop rather than comprehensions: no frame of their own per request)
        alias = self.alias
        if alias is not None and path.startswith(alias[0]):
            path = alias[1] + path[len(alias[0]) :]
        table = self._by_length
        slash_paths = self.slash_paths
        if slash_paths is not None and path[-1:] == "/" and path not in slash_paths:
            table = self._slashed
        parts = list(filter(None, path.split("/")))
        allowed: list[str] = []  # (`method` as sent: ``get`` is no ``GET``, as routes reads it)
        for route in table.get(len(parts), ()):
            for i, literal in route.literals:
                if parts[i] != literal:
                    break
            else:
                if route.method == method:
                    params = {}
                    for i, name in route.names:
                        params[name] = parts[i]
                    if self.frozen:
                        known = self._known
                        if len(known) >= _KNOWN:
                            known.clear()
                        known[asked] = (route, dict(params))
                    return route, params
                allowed.append(route.method)
        raise NoRoute(sorted(set(allowed)))


class NoRoute(HttpError):
    """No route serves this method and path; `allowed` lists the methods the path has."""

    def __init__(self, allowed: list[str]):
        self.allowed = allowed
        if allowed:
            super().__init__(
                405,
                "The method specified is not allowed for this resource.",
                headers={"Allow": ", ".join(allowed)},
            )
        else:
            super().__init__(404, "The resource could not be found.")


def served_from(first: int, release: Callable[[Any], int], handler: Callable) -> Callable:
    """`handler` (called as ``handler(service, req)``), served where ``release(service)`` is
    `first` or later; before, `NoRoute` of no method: the 404 of a path no route serves, as a
    release without the API answers."""

    def gated(service: Any, req: Request) -> Any:
        if release(service) < first:
            raise NoRoute([])
        return handler(service, req)

    gated.__name__ = handler.__name__
    gated.__doc__ = handler.__doc__
    return gated
