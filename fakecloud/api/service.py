"""The shape every fake service's REST surface shares, written once.

An `ApiService` has a name, a `Router`, optionally a `VersionRange`, and a way to render faults.
A service class with `ApiService.shared_routes` declares its routes once per variant
(`declare_routes`): every instance, in every cloud and fork, reads the same frozen table, and
the handlers take the service they serve (``handler(service, req)``). A cloud then pays nothing
for routes it is built or forked with.
`dispatch` turns one `Request` into a `Response`: it negotiates the microversion, finds the
route, runs the handler, renders `HttpError`s as the service's fault body, echoes the version
headers and stamps request ids. A handler that is a generator takes virtual time; `dispatch`
then returns a generator too, and `call` drives it on the kernel's clock.

An exception that is not an `HttpError` is a fakecloud bug, or a place where real OpenStack
also answers 500: it becomes the service's 500 body and an ``api.error`` trace event holding
the error's class and message only (never file paths or traceback text, which differ between
installs and would make one seed give other trace bytes). An error marked
`fakecloud.api.exceptions.ServicesOwn500` is real OpenStack's 500 on purpose: no ``api.error``.
"""

from __future__ import annotations

from collections.abc import Generator, Hashable
from operator import itemgetter
from types import GeneratorType
from typing import Any

from fakecloud.api.exceptions import ServicesOwn500
from fakecloud.api.faults import openstack_fault
from fakecloud.api.http import HttpError, Request, Response, WsgiServerError
from fakecloud.api.microversion import VersionNotAcceptable, VersionRange
from fakecloud.api.refusals import refusal_of
from fakecloud.api.router import NoRoute, Router
from fakecloud.sim.trace import Site, form, site

# The forms of a request's events (`Trace.put`).
_REQUEST = form("api.request", "user")
_RESPONSE = form("api.response", "status", "user")

#: A caller's sites of the request's events (`Trace.write_at`), by its user name (or id; None:
#: no token), for the first `_USER_SITES` callers of the process (sites are never freed); any
#: other caller's events are written the general way, which gives the same events.
_REQUEST_AT: dict[str | None, Site] = {}
_RESPONSE_AT: dict[str | None, Site] = {}
_USER_SITES = 256

#: The request line of the last request dispatched (by any service, in any cloud of the
#: process): a request with the same line takes this string instead of its own equal copy,
#: which the trace would keep for good. Only which of two equal strings is kept depends on it.
_LAST_LINE = [""]

_TABLES: dict[tuple[type, Hashable], Router] = {}


def _write_request(trace: Any, actor: str, line: str, user: Any) -> None:
    """Write a request's ``api.request`` event for a caller without a site yet: makes the
    caller's two sites while the process has room for them (`_USER_SITES`)."""
    if (user.__class__ is str or user is None) and len(_REQUEST_AT) < _USER_SITES:
        _RESPONSE_AT[user] = site(_RESPONSE, user=user)
        at = _REQUEST_AT[user] = site(_REQUEST, user=user)
        trace.write_at(at, actor, line)
    else:
        trace.write(_REQUEST, actor, line, (user,))


def _write_response(trace: Any, actor: str, line: str, status: int, user: Any) -> None:
    """Write a request's ``api.response`` event for a caller without a site (see
    `_write_request`)."""
    if (user.__class__ is str or user is None) and len(_RESPONSE_AT) < _USER_SITES:
        _REQUEST_AT[user] = site(_REQUEST, user=user)
        at = _RESPONSE_AT[user] = site(_RESPONSE, user=user)
        trace.write_at(at, actor, line, (status,))
    else:
        trace.write(_RESPONSE, actor, line, (status, user))


class _SharedRoutes:
    """``service.router`` of a class with shared routes: the class's frozen table for the
    service's `ApiService.route_variant`, built on first use."""

    def __get__(self, service: Any, owner: type) -> Any:
        if service is None:
            return self
        key = (owner, service.route_variant())
        table = _TABLES.get(key)
        if table is None:
            table = Router()
            owner.declare_routes(table, key[1])
            table = _TABLES[key] = table.freeze()
        return table


class Answering(tuple):
    """What a request whose answer is still being worked out keeps of it (`ApiService._drive`):
    ``(method, path, context)``, which its answer and its errors read, not the request with its
    headers, body, route and parameters (a storm has one such answer per server in flight).
    Made as a tuple, ``Answering((method, path, context))``, without a Python call."""

    __slots__ = ()

    method = property(itemgetter(0), doc="The request's method.")
    path = property(itemgetter(1), doc="The request's path.")
    context = property(itemgetter(2), doc="The request's context.")


class ApiService:
    """One service's REST surface: routes, microversions, fault rendering, request ids."""

    name = "service"
    request_id_headers: tuple[str, ...] = ("x-openstack-request-id",)
    #: Whether the class declares its routes once (`declare_routes`, handlers taking
    #: ``(service, req)``) rather than each instance adding its own to ``self.router``
    #: (handlers taking ``req``).
    shared_routes = False
    router = _SharedRoutes()
    #: The ``Content-Type`` a successful answer without a body gets, with ``Content-Length:
    #: 0``, unless its handler set its own (Nova's and Cinder's ``ResponseObject.serialize``:
    #: ``webob.Response()`` given the negotiated type, JSON); None: no headers of its own.
    bodyless_content_type: str | None = None
    #: Whether paste's ``URLMap`` is the outermost application (Nova's, Cinder's and Glance's
    #: api-paste.ini, every release): ``normalize_url`` turns each run of ``/`` in the path
    #: into one before any middleware or router reads it (`collapse_slashes`).
    paste_urlmap = False
    #: Whether that URLMap reads the path before anything else (Nova's and Cinder's
    #: ``[composite:osapi_*]``): a path given as a whole URL (``http://host/v2.1/servers``, the
    #: ``PATH_INFO`` eventlet.wsgi passes for an absolute-form request-target) is routed by its
    #: path, ``normalize_url`` dropping the scheme and host (`without_host`). Glance's version
    #: negotiation reads it first, and answers its version list.
    urlmap_outermost = False
    #: A method ``(req) -> Response | None`` for a service whose outermost application may
    #: answer before keystonemiddleware reads the token (`Gateway.handle` calls it first);
    #: None: nothing stands there.
    answer_before_token: Any = None
    #: The (lower-case) headers the filters in front of oslo.middleware's CORS filter add to
    #: its own answer to an ``OPTIONS`` the application refused (`fakecloud.api.cors`); None:
    #: no CORS filter in front of the service.
    cors_outer_headers: tuple[str, ...] | None = None

    def __init__(self, kernel: Any, versions: VersionRange | None = None):
        self.kernel = kernel
        self.versions = versions
        if not self.shared_routes:
            self.router = Router()

    @classmethod
    def declare_routes(cls, router: Router, variant: Hashable) -> None:
        """Fill the table every instance serving `variant` shares (see `route_variant`);
        handlers take ``(service, req)``. Only for classes with `shared_routes`."""
        raise NotImplementedError(f"{cls.__name__} declares no shared routes")

    def route_variant(self) -> Hashable:
        """Which of the class's shared tables this service serves (for routes that differ
        between profiles); one table for all by default."""
        return None

    # -- overridable pieces ------------------------------------------------------------------

    def render_fault(self, error: HttpError) -> Response:
        """The error body this service answers with (Nova/Cinder style by default)."""
        return openstack_fault(error)

    def unexpected(self, exc: BaseException) -> HttpError:
        """The 500 a real service answers for an exception no handler caught."""
        return HttpError(500, f"Unexpected API Error. {type(exc).__name__}: {exc}")

    def no_route(self, req: Request, error: NoRoute, detail: str | None = None) -> Response:
        """The answer to a request no route serves: `error` (404, or 405 with ``Allow``) as
        this service's fault; `detail` (fakecloud's explanation) is added to its message."""
        if detail:
            error = HttpError(error.status, f"{error.message} ({detail})", headers=error.headers)
        return self.render_fault(error)

    def versioned(self, req: Request) -> bool:
        """Whether this request goes through microversion negotiation (not version docs)."""
        return self.versions is not None

    # -- dispatching -------------------------------------------------------------------------

    def dispatch(self, req: Request) -> Response | Generator[Any, Any, Response]:
        """Answer `req`: a Response, or a generator yielding simpy events then returning one."""
        extra: dict[str, str] = {}
        ctx = req.context
        # One string for the request's two events (the trace keeps both): a storm keeps one
        # per request, not two.
        line = f"{req.method} {req.path}"
        if line == _LAST_LINE[0]:
            line = _LAST_LINE[0]  # many requests alike (a boot storm): one string for all
        else:
            _LAST_LINE[0] = line
        user = getattr(ctx, "user_name", None) or getattr(ctx, "user_id", None)
        at = _REQUEST_AT.get(user) if user.__class__ is str or user is None else None
        if at is not None:
            self.kernel.trace.write_at(at, self.name, line)
        else:
            _write_request(self.kernel.trace, self.name, line, user)
        try:
            route, req.params = self.router.match(req.method, req.path)
        except NoRoute as error:
            # The router answers before any controller negotiates a microversion.
            return self._finish(req, self.no_route(req, error), {}, line)
        try:
            if self.versioned(req):
                req.microversion = self.versions.negotiate(req.headers)
                extra = self.versions.echo(req.microversion)  # read, never changed
            result = route.handler(self, req) if self.shared_routes else route.handler(req)
        except NoRoute as error:  # a route whose parameter the real router would not match
            return self._finish(req, self.no_route(req, error), {}, line)
        except VersionNotAcceptable as error:
            return self._finish(req, self.render_fault(error), {}, line)
        except HttpError as error:
            return self._finish(req, self.refused(error), extra, line)
        except Exception as exc:  # noqa: BLE001 - rendered as the service's own 500
            return self._finish(req, self._crash(req, exc), extra, line)
        if result.__class__ is GeneratorType:
            held = Answering((req.method, req.path, req.context))
            return self._drive(held, result, extra, line)
        return self._finish(req, result, extra, line)

    def _drive(
        self, req: Answering, work: Generator, extra: dict[str, str], line: str
    ) -> Generator:
        try:
            response = yield from work
        except HttpError as error:
            response = self.refused(error)
        except Exception as exc:  # noqa: BLE001
            response = self._crash(req, exc)
        return self._finish(req, response, extra, line)

    def refused(self, error: HttpError, raised: BaseException | None = None) -> Response:
        """`error` rendered (`render_fault`), with the kind of refusal that the service's
        error `raised` (by default `error`) or one behind it says (`fakecloud.api.refusals`)."""
        response = self.render_fault(error)
        kind = refusal_of(error if raised is None else raised)
        if kind:
            response.refusal = kind
        return response

    def _crash(self, req: Request | Answering, exc: BaseException) -> Response:
        if not isinstance(exc, ServicesOwn500):  # real OpenStack's own 500: not a defect
            self.kernel.trace.emit(
                "api.error",
                self.name,
                f"{req.method} {req.path}",
                error=f"{type(exc).__name__}: {exc}",
            )
        return self.refused(self.unexpected(exc), exc)

    def _finish(
        self, req: Request | Answering, response: Response, extra: dict[str, str], line: str
    ) -> Response:
        """Trace the answer to `req` (its request `line`, as the request's event has it), add
        the headers of an answer without a body (`bodyless_content_type`), the version headers
        `extra` and the request id."""
        ctx = req.context
        user = getattr(ctx, "user_name", None) or getattr(ctx, "user_id", None)
        at = _RESPONSE_AT.get(user) if user.__class__ is str or user is None else None
        if at is not None:
            self.kernel.trace.write_at(at, self.name, line, (response.status,))
        else:
            _write_response(self.kernel.trace, self.name, line, response.status, user)
        headers = response.headers
        if (
            response.body is None
            and self.bodyless_content_type
            and response.status < 400
            and "Content-Type" not in headers
        ):
            headers["Content-Length"] = "0"
            headers["Content-Type"] = self.bodyless_content_type
        if headers:
            for key, value in extra.items():
                headers.setdefault(key, value)
        else:  # nothing to keep (most answers): the same keys in the same order
            headers.update(extra)
        if self.request_id_headers and response.__class__ is not WsgiServerError:
            rid = getattr(ctx, "request_id", None) or self.kernel.ids.request_id()
            for name in self.request_id_headers:
                headers.setdefault(name, rid)
        return response

    def call(self, req: Request) -> Response:
        """Answer `req` synchronously, running virtual time until the answer is ready."""
        result = self.dispatch(req)
        if isinstance(result, Response):
            return result
        proc = self.kernel.spawn(result, name=f"{self.name} {req.method} {req.path}")
        self.kernel.run(until=proc)
        return proc.value
