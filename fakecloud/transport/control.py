"""fakecloud's own control endpoints (``/fakecloud/...``), served beside every service.

They drive the cloud from outside the process, for tools that only speak HTTP:

* ``POST /fakecloud/advance {"seconds": s}``: run the cloud `s` virtual seconds forward;
* ``GET /fakecloud/clock``: virtual now, its calendar time, the speed, and the errors the paced
  clock caught running the cloud (each also written to stderr);
* ``POST /fakecloud/faults {rule}`` (or ``{"rules": [...]}``): add fault-plan rules, fields as
  ``cloud.faults.add`` takes them (``point``, ``action``, ``error``, ``match``, ...);
  ``GET`` lists them, ``DELETE`` clears them; ``POST /fakecloud/faults/release {"point": p}``
  releases stalled work;
* ``GET /fakecloud/trace?since=N&kind=K``: trace events from sequence number N (``K`` may end in
  ``.*``), and the readable names of the ids (``fakecloud report`` reads the answer);
* ``POST /fakecloud/idle``: run the cloud until no work is left (``{"cap_s": s}`` bounds it);
* ``GET /fakecloud/invariants?names=a,b``: check the invariant library (or the named ones);
* ``POST /fakecloud/reset`` (``{"seed": n}`` optional): serve the start-up cloud again (a
  ``--state`` file's as loaded then), or one built as it was with another seed;
* ``POST /fakecloud/save``: the served cloud's whole state, as `fakecloud.state` saves it;
* ``POST /fakecloud/load`` (body: a saved state): serve that cloud instead.

Each endpoint is one function registered in `ENDPOINTS` with `endpoint`; adding one is adding a
function::

    @endpoint("POST", "/fakecloud/reset", status=200)
    def reset(ctx: ControlContext, req: ControlRequest) -> Any:
        '''What it does (shown in the 404 that lists the endpoints).'''
        ...

A handler gets the `ControlContext` (the cloud, the server's speed; the cloud's lock is held) and
the `ControlRequest` (JSON body, query), and returns the JSON answer. A `ValueError`,
`TypeError` or `FakecloudError` it raises is the caller's mistake: 400 with the message.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from fakecloud.api.json_body import MAX_DEPTH
from fakecloud.api.json_body import loads as loads_body
from fakecloud.bounds import COUNT
from fakecloud.errors import FakecloudError
from fakecloud.events import kind_problem
from fakecloud.scenario.names import resource_names
from fakecloud.transport.wsgi import StartResponse, http_date, read_body, status_line

PREFIX = "/fakecloud"
#: Largest control request body read (a fault plan is small).
MAX_BODY_BYTES = 1 << 20
#: Largest body of ``POST /fakecloud/load`` (a saved world of many servers).
MAX_STATE_BYTES = 1 << 28


@dataclass
class ControlContext:
    """What a control endpoint works on: the cloud, the server's speed, the server object
    itself (None when the control application is mounted on its own), and whether API
    requests settle (run the cloud until idle)."""

    cloud: Any
    speed: float = 0.0
    server: Any = None
    settle: bool = False

    @property
    def lock(self) -> Any:
        """The cloud's one lock (`fakecloud.sim.kernel.Kernel.lock`), held by every request."""
        return self.cloud.kernel.lock


@dataclass(frozen=True)
class ControlRequest:
    """One control request: method, path (no trailing slash), JSON body (``{}`` if empty), and
    the query as ``parse_qs`` gives it."""

    method: str
    path: str
    data: Any
    query: dict[str, list[str]]

    def arg(self, name: str, default: str | None = None) -> str | None:
        """The last value of query parameter `name`."""
        values = self.query.get(name)
        return values[-1] if values else default


Handler = Callable[[ControlContext, ControlRequest], Any]


@dataclass(frozen=True)
class Endpoint:
    """A registered control endpoint: its handler, the status of a successful answer, the keys
    its JSON body may have (None: any body, the handler checks it) and its query parameters."""

    method: str
    path: str
    handler: Handler
    status: int = 200
    body: tuple[str, ...] | None = ()
    query: tuple[str, ...] = ()

    def problem(self, data: Any, query: dict[str, list[str]]) -> str | None:
        """What is wrong with the keys of a request, as Nova's schemas refuse an unexpected
        property (``additionalProperties: false``): a mistyped ``cap`` for ``cap_s`` was
        ignored, and the cloud ran on without the bound asked for."""
        from fakecloud.suggest import did_you_mean

        where = f"{self.method} {self.path}"
        if self.body is not None:
            if not isinstance(data, dict):
                return f"the body of {where} must be a JSON object, got {data!r}"
            for key in data:
                if key not in self.body:
                    known = f"known: {', '.join(self.body)}" if self.body else "it takes none"
                    return (
                        f"unknown key {key!r} in the body of {where}"
                        f"{did_you_mean(key, self.body)}; {known}"
                    )
        for name in query:
            if name not in self.query:
                known = f"known: {', '.join(self.query)}" if self.query else "it takes none"
                return (
                    f"unknown query parameter {name!r} of {where}"
                    f"{did_you_mean(name, self.query)}; {known}"
                )
        return None


#: (method, path) → endpoint, in registration order.
ENDPOINTS: dict[tuple[str, str], Endpoint] = {}


def endpoint(
    method: str,
    path: str,
    *,
    status: int = 200,
    body: tuple[str, ...] | None = (),
    query: tuple[str, ...] = (),
) -> Callable[[Handler], Handler]:
    """Register the decorated function as the handler of `method` `path`, whose JSON body may
    have the keys `body` (None: any JSON, checked by the handler) and whose query the
    parameters `query`; any other key is refused (400)."""

    def register(handler: Handler) -> Handler:
        ENDPOINTS[(method.upper(), path.rstrip("/"))] = Endpoint(
            method.upper(), path.rstrip("/"), handler, status, body, query
        )
        return handler

    return register


class ControlError(ValueError):
    """A control request that cannot be served as sent (answered 400)."""


def answer(ctx: ControlContext, method: str, path: str, query: str, body: bytes) -> tuple:
    """``(status, body)`` for one control request; the caller renders it as JSON."""
    key = (method.upper(), path.rstrip("/"))
    found = ENDPOINTS.get(key)
    if found is None:
        known = ", ".join(f"{m} {p}" for m, p in ENDPOINTS)
        message = f"no control endpoint {method} {path}; known: {known}"
        return 404, {"error": {"code": 404, "message": message}}
    # A key given twice is refused, as a key no endpoint takes is (json keeps the last
    # silently); a saved state, ``save``'s JSON, is read as it is (megabytes: no hook).
    once = None if key[1] == PREFIX + "/load" else _each_key_once
    try:
        data = loads_body(body, object_pairs_hook=once) if body.strip() else {}
    except RecursionError:
        message = f"the body is not JSON fakecloud reads: it nests deeper than {MAX_DEPTH}"
        return 400, {"error": {"code": 400, "message": message}}
    except _GivenTwice as exc:
        return 400, {"error": {"code": 400, "message": str(exc)}}
    except ValueError as exc:
        return 400, {"error": {"code": 400, "message": f"the body is not JSON: {_why(exc)}"}}
    req = ControlRequest(key[0], key[1], data, parse_qs(query, keep_blank_values=True))
    problem = found.problem(data, req.query)
    if problem:
        return 400, {"error": {"code": 400, "message": problem}}
    try:
        with ctx.lock:
            return found.status, found.handler(ctx, req)
    except (ValueError, TypeError, FakecloudError) as exc:
        return 400, {"error": {"code": 400, "message": str(exc)}}


class _GivenTwice(ValueError):
    """A control request's JSON object names a key twice."""


def _each_key_once(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object's pairs as a dict; `_GivenTwice` naming a key given twice."""
    data = dict(pairs)
    if len(data) != len(pairs):
        seen: set[str] = set()
        twice = next(k for k, _ in pairs if k in seen or seen.add(k))
        raise _GivenTwice(f"the body gives the key {twice!r} twice: which value is meant?")
    return data


class ControlApplication:
    """The control endpoints as a WSGI application (mount it at the server's root)."""

    def __init__(self, ctx: ControlContext):
        self.ctx = ctx

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        """Answer one ``/fakecloud/...`` request."""
        method = environ.get("REQUEST_METHOD", "GET").upper()
        path = environ.get("PATH_INFO", "") or "/"
        limit = MAX_STATE_BYTES if path.rstrip("/") == PREFIX + "/load" else MAX_BODY_BYTES
        body = read_body(environ, limit)
        if len(body) > limit:
            message = f"control body over {limit >> 20} MiB"
            status, data = 413, {"error": {"code": 413, "message": message}}
        else:
            try:
                status, data = answer(self.ctx, method, path, environ.get("QUERY_STRING", ""), body)
            except Exception as exc:  # noqa: BLE001 - a fakecloud bug: say so, keep serving
                message = f"fakecloud control endpoint failed: {type(exc).__name__}: {exc}"
                status, data = 500, {"error": {"code": 500, "message": message}}
        payload = json.dumps(data, default=str).encode()
        with self.ctx.lock:
            date = _date(self.ctx.cloud)
        headers = [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(payload))),
            ("Date", date),
        ]
        start_response(status_line(status), headers)
        return [payload] if method != "HEAD" else []


def _why(exc: ValueError) -> str:
    """Why a body is no JSON, in a few words: where the parser stopped, the first byte that is
    no UTF-8, or a number of more digits than Python reads (it was "not JSON" alone)."""
    if isinstance(exc, UnicodeDecodeError):
        return f"byte 0x{exc.object[exc.start]:02x} at {exc.start} is not UTF-8"
    return str(exc).split(";")[0]  # CPython's digit limit then says how to raise it


def _date(cloud: Any) -> str:
    try:
        return http_date(cloud)
    except (OverflowError, ValueError):
        return "Fri, 31 Dec 9999 23:59:59 GMT"


def with_control(app: Any, control: ControlApplication) -> Any:
    """`app`, with paths under ``/fakecloud`` answered by `control` instead."""

    def dispatch(environ: dict[str, Any], start_response: StartResponse) -> Any:
        path = environ.get("PATH_INFO", "")
        if path == PREFIX or path.startswith(PREFIX + "/"):
            return control(environ, start_response)
        return app(environ, start_response)

    return dispatch


# -- the endpoints ----------------------------------------------------------------------------


def clock_document(ctx: ControlContext) -> dict[str, Any]:
    """Virtual now, its calendar time, the pacing speed, whether requests settle, and what
    the paced clock caught running the cloud forward (`FakecloudServer.errors`)."""
    kernel = ctx.cloud.kernel
    return {
        "now": kernel.now,
        "wall_time": kernel.clock.wall_time().isoformat() + "Z",
        "speed": ctx.speed,
        "settle": ctx.settle,
        "errors": list(ctx.server.errors) if ctx.server is not None else [],
    }


@endpoint("POST", "/fakecloud/advance", body=("seconds",))
def advance(ctx: ControlContext, req: ControlRequest) -> Any:
    """Run the cloud ``seconds`` virtual seconds forward; answers the clock."""
    if not isinstance(req.data, dict) or "seconds" not in req.data:
        raise ControlError(f'give {{"seconds": <number >= 0>}}, got {req.data!r}')
    ctx.cloud.advance(req.data["seconds"])
    return clock_document(ctx)


@endpoint("GET", "/fakecloud/clock")
def clock(ctx: ControlContext, req: ControlRequest) -> Any:
    """The clock: virtual now, calendar time, speed, the paced clock's errors."""
    return clock_document(ctx)


@endpoint("POST", "/fakecloud/faults", status=201, body=None)
def add_faults(ctx: ControlContext, req: ControlRequest) -> Any:
    """Add one rule (the body) or several (``{"rules": [...]}``) to the fault plan."""
    data = req.data
    rules = data.get("rules") if isinstance(data, dict) and "rules" in data else [data]
    if isinstance(data, dict) and "rules" in data and len(data) > 1:
        others = ", ".join(repr(k) for k in data if k != "rules")
        raise ControlError(f'give {{"rules": [...]}} alone or one rule, not rules and {others}')
    if not isinstance(rules, list) or not all(isinstance(r, dict) for r in rules):
        raise ControlError('give a rule {"point": ..., ...} or {"rules": [...]}')
    fields = []
    for rule in rules:
        given = dict(rule)
        point = given.pop("point", None)
        if not isinstance(point, str):
            raise ControlError(f"a fault rule needs a point: {rule!r}")
        fields.append((point, given))
    added: list[Any] = []
    try:
        for point, given in fields:
            added.append(ctx.cloud.faults.add(point, **given))
    except Exception:
        for rule in added:  # all or nothing: a refused request changes no state
            ctx.cloud.faults.remove(rule)
        raise
    return {"rules": rules_document(added)}


@endpoint("GET", "/fakecloud/faults")
def list_faults(ctx: ControlContext, req: ControlRequest) -> Any:
    """The fault plan's rules."""
    return {"rules": rules_document(ctx.cloud.faults.rules())}


@endpoint("DELETE", "/fakecloud/faults")
def clear_faults(ctx: ControlContext, req: ControlRequest) -> Any:
    """Remove every fault rule."""
    ctx.cloud.faults.clear()
    return {"rules": []}


@endpoint("POST", "/fakecloud/faults/release", body=("point",))
def release_faults(ctx: ControlContext, req: ControlRequest) -> Any:
    """Release the work stalled at ``point``; answers how many were released."""
    point = req.data.get("point") if isinstance(req.data, dict) else None
    if not isinstance(point, str):
        raise ControlError('give {"point": "<fault point>"}')
    return {"released": ctx.cloud.faults.release(point)}


@endpoint("GET", "/fakecloud/trace", query=("since", "kind"))
def trace(ctx: ControlContext, req: ControlRequest) -> Any:
    """Trace events from sequence number ``since`` (default 0), of kind ``kind`` if given."""
    try:
        since = COUNT.check(int(req.arg("since", "0") or "0"), "since")
    except ValueError as exc:
        raise ControlError(
            f"since: expected a whole number from 0, got {req.arg('since')!r}"
        ) from (exc)
    kind = req.arg("kind")
    problem = kind is not None and kind_problem(kind)
    if problem:  # a typo answered no events, as if the cloud had done nothing of the kind
        raise ControlError(problem)
    events = ctx.cloud.trace
    chosen = [e for e in events[since:] if kind is None or _kind_matches(e["kind"], kind)]
    # the readable name of each id the cloud holds, as a scenario's trace ends with them, so
    # `fakecloud report` of this answer says web and snap1, not server-1 and image-4
    names = resource_names(ctx.cloud)
    return {"events": chosen, "next": len(events), "names": names}


def _kind_matches(have: str, want: str) -> bool:
    return have.startswith(want[:-1]) if want.endswith(".*") else have == want


def rules_document(rules: list[Any]) -> list[dict[str, Any]]:
    """Fault rules as JSON-able records (an error class shown by its repr)."""
    out = []
    for rule in rules:
        record = dataclasses.asdict(rule)
        if not isinstance(record.get("error"), (str, type(None))):
            record["error"] = repr(record["error"])
        out.append(record)
    return out


@endpoint("POST", "/fakecloud/idle", body=("cap_s",))
def idle(ctx: ControlContext, req: ControlRequest) -> Any:
    """Run until no work is left (at most ``cap_s`` virtual seconds); answers the clock."""
    cap = req.data.get("cap_s") if isinstance(req.data, dict) else None
    if cap is not None and not isinstance(cap, (int, float)):
        raise ControlError(f'give {{"cap_s": <seconds>}} or nothing, got {req.data!r}')
    ctx.cloud.run_until_idle(cap)
    return clock_document(ctx)


@endpoint("GET", "/fakecloud/invariants", query=("names",))
def invariants(ctx: ControlContext, req: ControlRequest) -> Any:
    """Check the invariant library (``names=a,b`` for some); violations and what could not be
    checked."""
    from fakecloud.invariants import REGISTRY
    from fakecloud.suggest import did_you_mean

    names = [n for n in (req.arg("names") or "").split(",") if n.strip()] or None
    for name in names or ():
        if name not in REGISTRY:
            raise ControlError(
                f"unknown invariant {name!r}{did_you_mean(name, REGISTRY)}; "
                f"known: {', '.join(sorted(REGISTRY))}"
            )
    found = ctx.cloud.check_invariants(names)
    return {
        "violations": [
            {"invariant": v.invariant, "subject": v.subject, "message": v.message} for v in found
        ],
        "not_applicable": dict(found.not_applicable),
    }


def _server(ctx: ControlContext, what: str) -> Any:
    if ctx.server is None:
        raise ControlError(f"{what} needs fakecloud serve (this control application has no server)")
    return ctx.server


@endpoint("POST", "/fakecloud/reset", body=("seed",))
def reset(ctx: ControlContext, req: ControlRequest) -> Any:
    """Serve the cloud of start-up again: a fresh one, or a ``--state`` file's as loaded then
    (``{"seed": n}``: a fresh one built as it was, with another seed)."""
    seed = req.data.get("seed") if isinstance(req.data, dict) else None
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
        raise ControlError(f'give {{"seed": <whole number>}} or nothing, got {req.data!r}')
    _server(ctx, "reset").reset(seed)
    return clock_document(ctx)


@endpoint("POST", "/fakecloud/save")
def save(ctx: ControlContext, req: ControlRequest) -> Any:
    """The served cloud's whole state (JSON, as ``cloud.save`` writes it); refused while work
    is in flight."""
    from fakecloud.state import to_data

    return to_data(ctx.cloud)


@endpoint("POST", "/fakecloud/load", body=None)
def load(ctx: ControlContext, req: ControlRequest) -> Any:
    """Serve the cloud saved in the body (what ``POST /fakecloud/save`` or ``cloud.save``
    gave) on these ports; answers the clock."""
    _server(ctx, "load").load_state(req.data, source="the request body")
    return clock_document(ctx)
