"""Nova's WSGI layer, distilled (``nova/api/openstack/wsgi.py``): how a request becomes a
controller call and how errors become Nova's fault bodies — in one place.

`NovaApiService` adds to the shared `ApiService`: keystonemiddleware's 401, the optional
project id in the URL (400 when it is not the token's), 415 for a body that is not JSON, the
request id (``x-openstack-request-id`` and ``x-compute-request-id``, the one instance actions
record), the action dispatcher of ``POST /servers/{id}/action`` (``action_peek``: 400
"Malformed request body", 400 "There is no such action: <name>"), and `translate`, which is
``expected_errors`` plus ``ResourceExceptionHandler``: Forbidden → 403, ValidationError and
NotSupported → 400, anything else → 500 ``Unexpected API Error. <support string>\\n<class
'...'>`` (34.0.0: "Please contact the administrator"; before, a request for a bug report).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Generator
from types import GeneratorType
from typing import Any

from fakecloud import late
from fakecloud.api import webob
from fakecloud.api.exceptions import ServicesOwn500
from fakecloud.api.http import HttpError, Request, Response
from fakecloud.api.json_body import loads as loads_body
from fakecloud.api.router import NoRoute
from fakecloud.api.service import Answering, ApiService
from fakecloud.nova import exception
from fakecloud.nova.api.urlmap import UrlmapCrash, check_accept, path_by_media_type
from fakecloud.nova.api.views import LegacyLinkBase, LinkBase
from fakecloud.nova.context import request_context, with_request_id
from fakecloud.nova.exception import real_class_path

#: ``version.support_string()`` of 34.0.0; earlier releases ask for a bug report (switch
#: ``api_support_string``).
SUPPORT_STRING = "Please contact the administrator"
JSON_TYPES = ("application/json", "application/vnd.openstack.compute+json")
REQUEST_ID_HEADERS = ("x-openstack-request-id", "x-compute-request-id")
#: The paths of the pipelines ``compute_req_id`` heads (``/v2``, ``/v2.1`` and below them).
_PIPELINE_PREFIXES = ("/v2.1/", "/v2/")
_PIPELINE_ROOTS = frozenset({"/v2", "/v2.1"})
#: The microversion headers ``LegacyV2CompatibleWrapper`` drops from a request and its answer
#: (``Vary`` too: webob's ``headers['Vary']`` reads the last of Nova's two, which it filters
#: out, then deletes them all).
_MICROVERSION_HEADERS = ("openstack-api-version", "x-openstack-nova-api-version")


def unexpected_error(exc: BaseException, support: str = SUPPORT_STRING) -> HttpError:
    """Nova's 500 for an exception a controller did not expect (`support`: the release's
    ``version.support_string()``)."""
    return HttpError(500, f"Unexpected API Error. {support}\n<class '{real_class_path(exc)}'>")


def raise_http_conflict_for_instance_invalid_state(
    exc: exception.InstanceInvalidState, action: str, server_id: str
) -> None:
    """``common.raise_http_conflict_for_instance_invalid_state``: 409 with Nova's wording."""
    attr = exc.kwargs.get("attr")
    state = exc.kwargs.get("state")
    if attr is not None and state is not None:
        msg = f"Cannot '{action}' instance {server_id} while it is in {attr} {state}"
    else:
        msg = f"Instance {server_id} is in an invalid state for '{action}'"
    raise HttpError(409, msg)


class NovaRoutes:
    """Fills a compute service class's shared route table: each route is served under
    ``/v2.1`` and ``/v2.1/{project_id}`` (the project forms after every plain one: plain paths
    win ties), with Nova's checks around its handler."""

    _project_routes: list[tuple[str, str, Any]]

    def __init__(self, router: Any):
        self.router = router
        self._project_routes = []

    def add(self, method: str, template: str, controller: str, handler: Callable) -> None:
        """Serve `template` with `handler` (a function of the controller class) called on the
        service's controller attribute `controller` (``"servers"``)."""
        wrapped = _wrap(controller, handler)
        self.router.add(method, "/v2.1" + template, wrapped)
        self._project_routes.append((method, "/v2.1/{project_id}" + template, wrapped))

    def add_project_only(
        self, method: str, template: str, controller: str, handler: Callable
    ) -> None:
        """Serve `template` under ``/v2.1/{project_id}`` alone (its plain form is served by
        other means)."""
        self._project_routes.append(
            (method, "/v2.1/{project_id}" + template, _wrap(controller, handler))
        )

    def add_unversioned(self, method: str, path: str, controller: str, handler: Callable) -> None:
        """Serve `path` as it is (the version documents), without Nova's checks."""

        @functools.wraps(handler)
        def run(service: NovaApiService, req: Request) -> Any:
            return handler(getattr(service, controller), req)

        self.router.add(method, path, run)

    def finish(self) -> None:
        """Register the project-id forms after every plain one."""
        for method, template, handler in self._project_routes:
            self.router.add(method, template, handler)
        self._project_routes.clear()


#: ``ProjectMapper._get_project_id_token`` (nova 17.0.7 to 34.0.0): the routes with a project
#: id take only hex digits and dashes there; any other first segment matches no route (404).
_PROJECT_ID = re.compile("[0-9a-f-]+")


_API_BARE = ("/v2", "/v2.1")
_UNDER_API = ("/v2/", "/v2.1/")


def served_by_root_app(path: str) -> bool:
    """Whether Nova's ``urlmap`` gives `path` to the root application (api-paste.ini's ``/:
    oscomputeversions``, nova 17.0.0-34.0.0): every path but ``/v2``, ``/v2.1`` and those
    under them. It needs no token, and answers the version list (``/``) or 300 choices."""
    return not (path in _API_BARE or path.startswith(_UNDER_API))


def _json_media(content_type: str) -> bool:
    """Whether Nova takes a body of `content_type` (``Request.get_content_type``, nova 12.0.0 to
    34.0.0): webob's ``content_type``, the header's value up to its first ``;`` as it is (no
    case folding, no space dropped before the ``;``), must be empty, ``text/plain`` (what
    some WSGI servers default to) or one of `JSON_TYPES`; the HTTP server has only trimmed
    the value's own ends."""
    if content_type in JSON_TYPES:
        return True
    media = content_type.strip().split(";", 1)[0]
    return media in JSON_TYPES or media in ("", "text/plain")


def _checks_before_the_project(service: NovaApiService, req: Request) -> None:
    """What ``Resource._process_stack`` (nova 17.0.0-34.0.0) refuses before it compares the
    URL's project with the token's: the action (``get_method``: ``action_peek``'s 400 or 404,
    "There is no such action") and a POST or PUT body that is not JSON."""
    path = req.path
    if req.method == "POST" and path.endswith("/action") and service.action_names(path):
        name, _ = service.action_peek(req)
        if name not in service.action_names(path):
            raise HttpError(400, f"There is no such action: {name}")
    elif req.method in ("POST", "PUT") and req.body:
        service.body(req)


def _wrap(controller: str, handler: Callable) -> Callable:
    """A route's handler: Nova's checks (the content type, then the URL's project, as
    ``Resource.__call__`` and ``_process_stack`` make them), the link prefix, then `handler` on
    the service's `controller`, its errors translated."""

    @functools.wraps(handler)
    def run(service: NovaApiService, req: Request) -> Any:
        project_id = req.params.pop("project_id", None)
        ctx = req.context
        wrong_project = project_id is not None and project_id != ctx.project_id
        if wrong_project and not _PROJECT_ID.fullmatch(project_id):
            raise NoRoute([])
        content_type = dict.get(req.headers, "content-type")  # a `Headers`: names folded
        if content_type and not _json_media(content_type):
            raise HttpError(415, "Unsupported Content-Type")
        if wrong_project:
            _checks_before_the_project(service, req)
            raise HttpError(
                400,
                f"Malformed request URL: URL's project_id '{project_id}' doesn't match "
                f"Context's project_id '{ctx.project_id}'",
            )
        req.link_prefix = service.link_prefix(req, project_id)
        # A handler that is a generator has its errors translated as it runs, by
        # `NovaApiService._drive`.
        try:
            return handler(getattr(service, controller), req)
        except Exception as exc:  # noqa: BLE001 - translated in one place
            raise service.translate(req, exc) from None

    return run


class NovaApiService(ApiService):
    """The compute API's transport: Nova's faults, request ids, auth and project checks."""

    _link_prefixes: dict[tuple, LinkBase]
    _link_bases: dict[tuple[str, str, bool], LinkBase]

    name = "nova"
    #: The Nova this API serves (set by `ComputeApiService`).
    nova: Any = None
    paste_urlmap = True
    urlmap_outermost = True
    request_id_headers = ()  # added by `_finish`, from the request's own id
    #: ``compute_req_id``'s (``ComputeReqIdMiddleware``: oslo's header and its compat one) on
    #: keystonemiddleware's 401 behind it.
    rejected_request_id_headers = REQUEST_ID_HEADERS
    #: ``cors`` heads every pipeline of api-paste.ini (17.0.0-34.0.0), ``compute_req_id``
    #: behind it: its own ``OPTIONS`` answer has no request id (`fakecloud.api.cors`).
    cors_outer_headers: tuple[str, ...] = ()
    #: ``ResponseObject.serialize`` (17.0.13-34.0.0): ``webob.Response(body=None)`` given the
    #: negotiated type, JSON, whatever the status.
    bodyless_content_type = "application/json"
    shared_routes = True  # declared by `NovaRoutes`
    #: Paths answered without a token or a microversion (the version documents).
    unversioned_paths = frozenset({"", "/", "/v2", "/v2/"})
    public_paths = frozenset({"", "/", "/v2", "/v2/", "/v2.1", "/v2.1/"})

    def action_names(self, path: str) -> Any:
        """The actions ``POST path`` dispatches on the body's key (empty: not an action route
        of the servers)."""
        return self.ACTIONS if "/servers/" in path else ()

    # -- the ApiService hooks ----------------------------------------------------------------

    def versioned(self, req: Request) -> bool:
        """Every path but the root version documents negotiates a microversion, and before
        21.0.0 the bare ``/v2.1`` too (its 302 is routes' answer, before any controller)."""
        path = req.path
        if path in self.unversioned_paths:
            return False
        return path != "/v2.1" or self.kernel.switches.versioned_discovery_public

    def unexpected(self, exc: BaseException) -> HttpError:
        """Nova's 500 body (for anything the controllers' translation did not see)."""
        return unexpected_error(exc, self.kernel.switches.api_support_string)

    def needs_token(self, method: str, path: str) -> bool:
        """Whether keystonemiddleware stands in front of `path`: not on the root application's
        paths, nor (from 21.0.0, 1e907602e3) on the ``/v2`` and ``/v2.1`` version documents."""
        if served_by_root_app(path):
            return False
        if path in self.public_paths:
            return not self.kernel.switches.versioned_discovery_public
        return True

    def no_route(self, req: Request, error: NoRoute, detail: str | None = None) -> Response:
        """``nova.api.wsgi.Router._dispatch``: a bare ``webob.exc.HTTPNotFound()`` for any
        method and path no route serves — never a 405, and not a Nova fault body; a path the
        root application is given is its 300 (``Versions.multi``)."""
        if served_by_root_app(req.path):
            if req.path in self.unversioned_paths:  # "/" by any other method: the list
                return self.versions_controller.index(req)
            return self.versions_controller.multi(req)
        return webob.render(webob.HTTPNotFound(detail), req.headers, req.method)

    def dispatch(self, req: Request) -> Any:
        """Choose the application by the path or the media type's version (``urlmap``),
        authenticate (keystonemiddleware), give the request its id, then route it."""
        path = req.path
        if not path.startswith(_UNDER_API) and path not in _API_BARE:  # the root app's
            headers = req.headers
            try:
                chosen = path_by_media_type(
                    path,
                    dict.get(headers, "content-type"),
                    dict.get(headers, "accept"),
                    self.kernel.switches.versioned_discovery_public,
                )
            except UrlmapCrash as crash:
                return self._server_error(req, crash)
            if chosen is not None:
                req.path = chosen
        if path[:4] == "/v2/":  # `legacy_v2`, in this frame: every request asks
            # LegacyV2CompatibleWrapper._filter_request_headers: always 2.1, never a 406
            headers = req.headers
            for name in _MICROVERSION_HEADERS:
                dict.pop(headers, name, None)
            req.legacy_v2 = self.kernel.switches.release.major
        ctx = req.context
        if ctx is None:
            if self.needs_token(req.method, req.path):
                return self._unauthenticated(req)
        elif req.path not in self.public_paths:
            if not ctx.request_id:
                req.context = ctx = with_request_id(ctx, self.kernel.ids.request_id())
            policy = self.nova.policy
            if policy.admin_rule_overridden():
                req.context = request_context(policy, ctx)
        return super().dispatch(req)

    def _finish(
        self, req: Request | Answering, response: Response, extra: dict[str, str], line: str
    ) -> Response:
        # ``compute_req_id`` heads the /v2 and /v2.1 pipelines (in front of keystonemiddleware,
        # and from 21.0.0 of their version documents' own: every answer there has an id, with
        # or without a token); the root application's has none (nova 17.0.0-34.0.0
        # api-paste.ini).
        path = req.path
        if path.startswith(_PIPELINE_PREFIXES) or path in _PIPELINE_ROOTS:
            ctx = req.context
            rid = getattr(ctx, "request_id", "") if ctx is not None else ""
            if not rid:
                rid = self.kernel.ids.anonymous_request_id()
            for name in REQUEST_ID_HEADERS:
                response.headers.setdefault(name, rid)
            if extra and path[:4] == "/v2/":  # `legacy_v2`
                extra = {}  # LegacyV2CompatibleWrapper._filter_response_headers
        return super()._finish(req, response, extra, line)

    def answer_before_token(self, req: Request) -> Response | None:
        """``URLMap.__call__``, the outermost application, reads the ``Accept`` header of a
        path under ``/v2`` or ``/v2.1`` too: the WSGI server's 500 where it raises (a ``q`` or
        ``version`` without a value, an entry with no type), before the token is read."""
        accept = dict.get(req.headers, "accept")
        if accept and (";" in accept or "=" in accept) and not served_by_root_app(req.path):
            try:
                check_accept(req.path, accept)
            except UrlmapCrash as crash:
                return self._server_error(req, crash)
        return None

    def _server_error(self, req: Request, crash: UrlmapCrash) -> Response:
        """eventlet.wsgi's answer to an exception out of the application (nova-api's own
        server, ``nova.wsgi.Server`` with ``debug=False``, 17.0.0-31.x; eventlet 0.20.0-0.40:
        ``HttpProtocol.handle_one_response``): ``500 Internal Server Error``, ``Content-type:
        text/plain``, an empty body, the connection closed; no request id, no fault body (no
        middleware of Nova's ran). From 32.0.0 Nova has no server of its own: the deployer's
        (uWSGI, mod_wsgi) answers the same status in its own words."""
        line = f"{req.method} {req.path}"
        user = getattr(req.context, "user_name", None)
        self.kernel.trace.emit("api.request", self.name, line, user=user)
        self.kernel.trace.emit(
            "api.error", self.name, line, error=f"{crash.real_class} in nova.api.openstack.urlmap"
        )
        self.kernel.trace.emit("api.response", self.name, line, status=500, user=user)
        return Response(500, b"", {"Content-Type": "text/plain"})

    def _unauthenticated(self, req: Request) -> Response:
        """keystonemiddleware's 401 behind ``compute_req_id`` for a request the media type's
        ``version=`` sent to the API (``urlmap``): both request ids, drawn from the stream of
        ids fakecloud gave no answer before session 21 (`IdSource.anonymous_request_id`)."""
        from fakecloud.transport.auth import refused_at_door, unauthorized

        refused_at_door(self.kernel, self.name, f"{req.method} {req.path}", "no token")
        rid = self.kernel.ids.anonymous_request_id()
        return unauthorized(self.kernel, REQUEST_ID_HEADERS, rid)

    # -- routes ------------------------------------------------------------------------------

    def __init__(self, kernel: Any, versions: Any, config: Any):
        super().__init__(kernel, versions)
        self.config = config
        #: (configured or request base URL, project id, legacy v2) -> its LinkBase (immutable,
        #: shared).
        self._link_prefixes = {}
        #: (root, project id, legacy v2) -> its LinkBase, whichever key found the root.
        self._link_bases = {}

    def _drive(
        self, req: Answering, work: Generator, extra: dict[str, str], line: str
    ) -> Generator:
        """`ApiService._drive` with the controller's errors translated (`translate`) in the
        same frame, not in a guard around the controller's generator: a request in flight
        is one generator frame fewer (a storm holds one such request per server).

        A controller may end by returning a generator, the rest of its work, which is waited
        for here once the controller's frame has ended (createImage of a volume-backed
        server hands over its long wait so, in a frame smaller than its own)."""
        try:
            try:
                response = yield from work
                if response.__class__ is GeneratorType:
                    work = None  # the controller's generator has ended: let go of its frame
                    response = yield from response
            except Exception as exc:  # noqa: BLE001 - translated in one place
                raise self.translate(req, exc) from None
        except HttpError as error:
            response = self.refused(error)
        except Exception as exc:  # noqa: BLE001
            response = self._crash(req, exc)
        return self._finish(req, response, extra, line)

    def translate(self, req: Request | Answering, exc: BaseException) -> HttpError:
        """``expected_errors`` + ``ResourceExceptionHandler``: the HTTP error for `exc`."""
        if isinstance(exc, HttpError):
            return exc
        if isinstance(exc, exception.Forbidden):
            return HttpError(403, exc.format_message())
        if isinstance(exc, (exception.ValidationError, exception.NotSupported)):
            legacy = getattr(exc, "legacy_detail", None)
            if legacy is not None and not self.kernel.switches.jsonschema_non_empty_message:
                return HttpError(400, legacy)
            return HttpError(400, exc.format_message())
        if isinstance(exc, exception.Unauthorized):
            return HttpError(401, exc.format_message())
        if not isinstance(exc, ServicesOwn500):
            self.kernel.trace.emit(
                "api.error",
                self.name,
                f"{req.method} {req.path}",
                error=f"{type(exc).__name__}: {exc}",
            )
        return unexpected_error(exc, self.kernel.switches.api_support_string)

    def link_prefix(self, req: Request, project_id: str | None = None) -> LinkBase:
        """The base of links in responses: ``[api] compute_link_prefix`` or the request's host,
        and the project id when the request URL carried one."""
        legacy = req.path[:4] == "/v2/"  # `legacy_v2`, in this frame: every request asks
        key = (self.config.compute_link_prefix or req.base_url, project_id, legacy)
        found = self._link_prefixes.get(key)
        if found is None:
            endpoints = late.module("fakecloud.transport.endpoints")
            base = (key[0] or endpoints.host_url(self.kernel.config, "compute")).rstrip("/")
            if base.endswith("/v2.1"):
                base = base[: -len("/v2.1")]
            # One LinkBase per root and project, however the root was found (the catalog's
            # URL is read afresh each time): every request in flight holds one.
            shared = (base, project_id or "", legacy)
            found = self._link_bases.get(shared)
            if found is None:
                found = (LegacyLinkBase if legacy else LinkBase)(base, project_id or "")
                if len(self._link_bases) > 1024:
                    self._link_bases.clear()
                self._link_bases[shared] = found
            if len(self._link_prefixes) > 1024:
                self._link_prefixes.clear()
            if key[0]:  # the catalog's URL is read afresh each time
                self._link_prefixes[key] = found
        return found

    # -- bodies ------------------------------------------------------------------------------

    @staticmethod
    def action_peek(req: Request) -> tuple[str, Any]:
        """The action name and the parsed body (``wsgi.action_peek``), or Nova's errors."""
        try:
            decoded = loads_body(req.body)
        except ValueError:
            raise HttpError(400, "Malformed request body") from None
        if decoded is None or not isinstance(decoded, (dict, list, str)):
            # len(None) / a number: a TypeError in Nova's dispatcher → 404.
            raise HttpError(404, "The resource could not be found.")
        if len(decoded) != 1:
            raise HttpError(400, "Malformed request body")
        if not isinstance(decoded, dict):
            raise HttpError(404, "The resource could not be found.")
        return next(iter(decoded)), decoded

    @staticmethod
    def body(req: Request) -> Any:
        """The JSON body (400 "Malformed request body" when it is not JSON)."""
        try:
            return req.json()
        except ValueError:
            raise HttpError(400, "Malformed request body") from None
