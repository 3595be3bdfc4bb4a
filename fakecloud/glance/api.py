"""Glance's REST surface (Image API v2): routes, request reading, responses, error bodies.

Requests are read as Glance's deserializers read them (JSON body checks, the PATCH media
types, ``application/octet-stream`` for data), handed to the image services, and answered with
Glance's shapes and status codes. Errors are WebOb's bodies (see `fakecloud.glance.errors`),
chosen by the request's ``Accept`` header. Glance has no microversions; a path's version
prefix is negotiated as Glance's ``VersionNegotiationFilter`` does: ``/v2``, ``/v2.0`` ...
``/v2.17`` reach the v2 API, ``GET /versions`` answers 200 and anything else the version
document with **300 Multiple Choices**.

Simulated data over REST (fakecloud's own headers): a ``PUT .../file`` or ``.../stage`` with
real bytes uploads those bytes; with an empty body and ``x-openstack-image-size: N`` (or
``x-fakecloud-content-id``) it uploads N simulated bytes of that content. ``x-fakecloud-link``
names the I/O resource the bytes cross (default ``glance.client_link``);
``x-fakecloud-content-format`` and ``x-fakecloud-virtual-size`` say what format inspection
finds; real bytes without them are inspected (oslo.utils' format inspectors, Glance's own).
Downloads answer the bytes when they are small (else an empty body) and say what they are in
``x-fakecloud-content-id``/``x-fakecloud-content-size``.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from functools import cache
from typing import Any

from fakecloud.api.http import HttpError, Request, Response
from fakecloud.api.json_body import loads as loads_body
from fakecloud.api.router import NoRoute
from fakecloud.api.service import ApiService
from fakecloud.api.webob import plain_webob_headers
from fakecloud.bounds import COUNT
from fakecloud.glance import cache_api, cache_manage, legacy_import, task_api
from fakecloud.glance.byte_range import byte_range
from fakecloud.glance.content import ImageData, inspect_bytes
from fakecloud.glance.errors import (
    GlanceHttpError,
    HTTPBadRequest,
    HTTPForbidden,
    HTTPInternalServerError,
    HTTPMethodNotAllowed,
    HTTPNotFound,
    HTTPUnauthorized,
    render,
    unsupported_media_type,
)
from fakecloud.glance.image_data import STAGE_NEEDS_GLANCE_DIRECT_SINCE
from fakecloud.glance.listing import links, read_query
from fakecloud.glance.locations import LOCATION_API_SINCE
from fakecloud.glance.metadef_schemas import METADEF_SCHEMA_NAMES, metadef_schema
from fakecloud.glance.metadef_writes import MetadefWrites
from fakecloud.glance.patch import check_content_type, parse_patch
from fakecloud.glance.task_schemas import TASK_SCHEMA_NAMES, task_schema
from fakecloud.glance.views import image_view, member_view
from fakecloud.profiles.series import SERIES, glance_versions


def _int_or_none(value: str) -> int | None:
    """WebOb's ``parse_int_safe``: an integer, else None."""
    try:
        return int(value)
    except ValueError:
        return None


#: The first Glance that reads ``x-openstack-image-size`` (62a323aed, 31.0.0).
IMAGE_SIZE_HEADER_SINCE = 31

#: Glance's ``JSONResponseSerializer`` sets ``application/json``, and WebOb (1.7.4 on) adds no
#: charset to it.
JSON = {"Content-Type": "application/json"}


#: ``glance/api/v2/router.py``: the ``Allow`` header of each path's ``reject`` route
#: (``RejectMethodController.reject``), in Glance's order. Another method on a path with no
#: reject route (``/info/usage``, ``/images/{image_id}/tasks``) matches nothing in Glance's
#: mapper: a plain 404.
_ALLOW = {
    "/v2/images": "GET, POST",
    "/v2/images/{image_id}": "GET, PATCH, DELETE",
    "/v2/images/{image_id}/import": "POST",
    "/v2/images/{image_id}/locations": "POST",
    "/v2/images/{image_id}/actions/deactivate": "POST",
    "/v2/images/{image_id}/actions/reactivate": "POST",
    "/v2/images/{image_id}/file": "GET, PUT",
    "/v2/images/{image_id}/stage": "PUT",
    "/v2/images/{image_id}/tags/{tag_value}": "PUT, DELETE",
    "/v2/images/{image_id}/members": "GET, POST",
    "/v2/images/{image_id}/members/{member_id}": "GET, PUT, DELETE",
    "/v2/metadefs/resource_types": "GET",
    "/v2/metadefs/namespaces/{namespace}/resource_types": "GET, POST",
    "/v2/metadefs/namespaces/{namespace}/resource_types/{name}": "DELETE",
    "/v2/metadefs/namespaces": "GET, POST",
    "/v2/metadefs/namespaces/{namespace}": "GET, PUT, DELETE",
    "/v2/metadefs/namespaces/{namespace}/properties": "GET, POST, DELETE",
    "/v2/metadefs/namespaces/{namespace}/properties/{name}": "GET, PUT, DELETE",
    "/v2/metadefs/namespaces/{namespace}/objects": "GET, POST, DELETE",
    "/v2/metadefs/namespaces/{namespace}/objects/{name}": "GET, PUT, DELETE",
    "/v2/metadefs/namespaces/{namespace}/tags": "GET, POST, DELETE",
    "/v2/metadefs/namespaces/{namespace}/tags/{name}": "GET, POST, PUT, DELETE",
    "/v2/tasks": "GET, POST",
    "/v2/tasks/{task_id}": "GET, DELETE",
    "/v2/schemas/image": "GET",
    "/v2/schemas/images": "GET",
    "/v2/schemas/member": "GET",
    "/v2/schemas/members": "GET",
    **{f"/v2/schemas/metadefs/{name}": "GET" for name in METADEF_SCHEMA_NAMES},
    **{f"/v2/schemas/{name}": "GET" for name in TASK_SCHEMA_NAMES},
    "/v2/info/import": "GET",
    "/v2/info/stores": "GET",
    "/v2/info/stores/detail": "GET",
    "/v2/stores/{store_id}/{image_id}": "DELETE",
    # from 24.0.0; /cache/clean and /cache/prune allow POST (33 on): `cache_api.allow`
    "/v2/cache": "GET, DELETE",
    "/v2/cache/{image_id}": "DELETE, PUT",
    "/v2/cache/nodes/{image_id}": "GET",
}


#: ``strutils.bool_from_string``'s true words (``X-Openstack-Append``).
_TRUE_STRINGS = frozenset(("1", "t", "true", "on", "y", "yes"))


#: ``Router._dispatch`` (glance 16.0.0-31.x common/wsgi.py): a path no route matches is
#: WebOb's 404 for these methods and its 501 ``HTTPNotImplemented`` for any other (OPTIONS,
#: TRACE, ...); a path with a reject route is its 405 whatever the method.
_IMPLEMENTED_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"})


#: Routes (and their reject routes) a Glance has only from a release (``router.py``):
#: ``/info/stores`` from 17.0.0 (multi-store, Image API 2.7), ``/info/stores/detail`` from
#: 24.0.0 (2.15), ``/images/{image_id}/locations`` from 29.0.0 (2.17; its reject route allows
#: POST only). Before, an unknown path: a plain 404 to every method.
_ROUTE_SINCE = {
    "/v2/info/stores": 17,
    "/v2/info/stores/detail": 24,
    "/v2/stores/{store_id}/{image_id}": 20,
    "/v2/images/{image_id}/locations": LOCATION_API_SINCE,
}

#: The first Glance with ``GET /v2/images/{id}/tasks`` (``router.py``; Image API 2.12).
IMAGE_TASKS_SINCE = 22
#: The first Glance with ``GET /v2/info/usage`` (``router.py``, ``discovery.py`` ``get_usage``:
#: 24.0.0, Yoga; Glance 23.0.0 enforces unified limits but has no such route).
USAGE_INFO_SINCE = 24


#: ``Resource.__call__``: a route declared with ``body_reject=True`` answers 400 when the
#: request has a body (``has_body``: a Content-Length above 0, or a chunked POST/PUT/PATCH).
#: Those routes' handlers here start with that check.
#: The metadefs routes declared ``body_reject=True`` (``router.py``), by method and shape.
_METADEF_BODY_REJECT = frozenset(
    {
        ("GET", "resource_types"),
        ("GET", "namespaces/{namespace}/resource_types"),
        ("DELETE", "namespaces/{namespace}/resource_types/{name}"),
        ("GET", "namespaces/{namespace}"),
        ("DELETE", "namespaces/{namespace}"),
        ("GET", "namespaces/{namespace}/properties"),
        ("GET", "namespaces/{namespace}/objects/{name}"),
        ("DELETE", "namespaces/{namespace}/objects/{name}"),
        *((m, "namespaces/{namespace}/tags/{name}") for m in ("GET", "POST", "DELETE")),
    }
)


def _body_rejected() -> HTTPBadRequest:
    return HTTPBadRequest(explanation="A body is not expected with this request.")


def _chunked(req: Request) -> bool:
    return req.headers.get("transfer-encoding", "").lower() in _VALID_TRANSFER_ENCODING


_VALID_TRANSFER_ENCODING = frozenset(("chunked", "compress", "deflate", "gzip", "identity"))


@dataclass
class _Fault(Response):
    """An error answer whose body is rendered once the request's Accept header is known."""

    error: Any = None


def version_objects(base_url: str, image_cache: bool, series: Any = None) -> list[dict[str, Any]]:
    """``glance/api/versions.py Controller.index``'s list, for this deployment and the Glance
    of `series` (`fakecloud.profiles.series`; default: the latest)."""
    base = base_url.rstrip("/")
    return [
        {"id": f"v{v}", "status": s, "links": [{"rel": "self", "href": f"{base}/v{v[0]}/"}]}
        for v, s in glance_versions(series or SERIES[max(SERIES)], image_cache)
    ]


def listing_series(switches: Any) -> Any:
    """The series whose version list and negotiation this Glance has: its own, but Glance
    24.1.0's ``versions.py`` and ``version_negotiation.py`` are 25.0.0's (55c000ee1d, Image
    API 2.16: switch ``glance_image_api_2_16``)."""
    series = switches.series
    if series.glance == 24 and switches.glance_image_api_2_16:
        return SERIES[series.nova + 1]
    return series


def _allowed_prefixes(image_cache: bool, series: Any = None) -> set[str]:
    """The path prefixes Glance's version negotiation sends to the v2 API: ``v2`` and every
    v2.N it lists (a set of the cloud's own)."""
    return set(_prefixes_of(image_cache, series or SERIES[max(SERIES)]))


@cache
def _prefixes_of(image_cache: bool, series: Any) -> frozenset[str]:
    """`_allowed_prefixes`, read from the version list once per series, not per cloud."""
    listed = glance_versions(series, image_cache)
    return frozenset({"v2"} | {f"v{v}" for v, _ in listed if v.startswith("2.")})


#: ``VersionNegotiationFilter.vnd_mime_type``: an ``Accept`` starting so names the version.
_VND = "application/vnd.openstack.images-"


#: The paths version negotiation rewrites its own answers to (`GlanceApi.dispatch`).
_NEGOTIATED = frozenset({"/", "/versions"})


def _slash(path: str) -> str:
    """The final ``/`` `path` has: version negotiation keeps ``PATH_INFO`` whole."""
    return "/" if path[-1:] == "/" else ""


class GlanceApi(ApiService):
    """The v2 REST API of one fake Glance."""

    name = "glance"
    paste_urlmap = True
    request_id_headers = ("x-openstack-request-id",)
    shared_routes = True
    #: ``cors`` heads every pipeline of glance-api-paste.ini (16.0.0 on): its own ``OPTIONS``
    #: answer has no request id (`fakecloud.api.cors`).
    cors_outer_headers: tuple[str, ...] = ()
    #: glance-api-paste.ini's ``authtoken`` has ``delay_auth_decision = true`` (16.0.0 to
    #: 31.0.0): an invalid service token only goes unconfirmed and ``ContextMiddleware`` reads
    #: ``X-Identity-Status`` alone (`fakecloud.transport.auth`).
    delays_auth_decision = True

    def __init__(self, glance: Any):
        super().__init__(glance.kernel)
        self.glance = glance
        self._series = glance.kernel.switches.series
        listed = listing_series(glance.kernel.switches)
        self._prefixes = _allowed_prefixes(glance.config.image_cache, listed)

    @classmethod
    def declare_routes(cls, router: Any, variant: Any) -> None:
        """Every route of Glance's v2 API (one table for every release)."""
        # ``routes.Mapper`` (glance 16.0.0-31.x common/wsgi.py APIMapper, api/v2/router.py)
        # matches no path with a trailing slash: ``GET /v2/images/`` is ``Router._dispatch``'s
        # bare 404. ``/`` and ``/versions/...`` are version negotiation's (rewritten above).
        router.slash_paths = frozenset({"/"})
        add = router.add
        for method in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"):
            add(method, "/", cls.multiple_choices)
            add(method, "/versions", cls.explicit_versions)
        add("GET", "/v2/images", cls.index)
        add("POST", "/v2/images", cls.create)
        add("GET", "/v2/images/{image_id}", cls.show)
        add("PATCH", "/v2/images/{image_id}", cls.update)
        add("DELETE", "/v2/images/{image_id}", cls.delete)
        add("PUT", "/v2/images/{image_id}/file", cls.upload)
        add("GET", "/v2/images/{image_id}/file", cls.download)
        add("PUT", "/v2/images/{image_id}/stage", cls.stage)
        add("POST", "/v2/images/{image_id}/import", cls.import_image)
        add("POST", "/v2/images/{image_id}/actions/deactivate", cls.deactivate)
        add("POST", "/v2/images/{image_id}/actions/reactivate", cls.reactivate)
        add("PUT", "/v2/images/{image_id}/tags/{tag_value}", cls.add_tag)
        add("DELETE", "/v2/images/{image_id}/tags/{tag_value}", cls.delete_tag)
        add("GET", "/v2/images/{image_id}/tasks", cls.image_tasks)
        add("POST", "/v2/images/{image_id}/locations", cls.add_location)
        add("GET", "/v2/images/{image_id}/locations", cls.get_locations)
        add("GET", "/v2/images/{image_id}/members", cls.list_members)
        add("POST", "/v2/images/{image_id}/members", cls.create_member)
        add("GET", "/v2/images/{image_id}/members/{member_id}", cls.show_member)
        add("PUT", "/v2/images/{image_id}/members/{member_id}", cls.update_member)
        add("DELETE", "/v2/images/{image_id}/members/{member_id}", cls.delete_member)
        add("GET", "/v2/schemas/image", cls.schema_image)
        add("GET", "/v2/schemas/images", cls.schema_images)
        add("GET", "/v2/schemas/member", cls.schema_member)
        add("GET", "/v2/schemas/members", cls.schema_members)
        for name in METADEF_SCHEMA_NAMES:
            add("GET", f"/v2/schemas/metadefs/{name}", cls.schema_metadef)
        for name in TASK_SCHEMA_NAMES:
            add("GET", f"/v2/schemas/{name}", cls.schema_task)
        for template, allow in _ALLOW.items():
            if template.startswith("/v2/metadefs/"):
                for method in allow.split(", "):
                    add(method, template, cls.metadefs)
        add("GET", "/v2/tasks", cls.list_tasks)
        add("POST", "/v2/tasks", cls.create_task)
        add("GET", "/v2/tasks/{task_id}", cls.show_task)
        add("DELETE", "/v2/tasks/{task_id}", cls.delete_task)
        add("GET", "/v2/info/usage", cls.usage)
        add("GET", "/v2/info/import", cls.import_info)
        add("GET", "/v2/info/stores", cls.stores)
        add("GET", "/v2/info/stores/detail", cls.stores)
        add("DELETE", "/v2/stores/{store_id}/{image_id}", cls.delete_from_store)
        for method, template, handler in (*cache_api.ROUTES, *cache_manage.ROUTES):
            add(method, template, handler)

    # -- errors ------------------------------------------------------------------------------

    def render_fault(self, error: HttpError) -> Response:
        """Defer the body: WebOb picks its format from the request's Accept header."""
        return _Fault(error.status, None, dict(error.headers), error=error)

    def no_route(self, req: Request, error: NoRoute, detail: str | None = None) -> Response:
        """A method the path's routes do not serve: Glance's reject route's 405, its ``Allow``
        header in Glance's order, or 404 where Glance has no reject route for the path. The
        body is WebOb's, rendered here for the request's ``Accept`` (the gateway's explained
        404 comes straight from here)."""
        path = req.path
        if path == "/" or path == "/versions":  # version negotiation's, by any method
            document = self.multiple_choices if path == "/" else self.explicit_versions
            return self._finalize(req, document(req))
        if error.allowed:
            template = self._template(path)
            allow = _ALLOW.get(template)
            if template and template.startswith("/v2/cache"):
                allow = cache_api.allow(template, path, self._series.glance)
            if allow is None or self._series.glance < _ROUTE_SINCE.get(template, 0):
                error = NoRoute([])
            else:
                error = HttpError(405, error.message, headers={"Allow": allow})
        if error.status == 404 and req.method not in _IMPLEMENTED_METHODS:
            error = HttpError(501, "Not Implemented")
        return self._finalize(req, super().no_route(req, error, detail))

    def _template(self, path: str) -> str | None:
        """The template of the routes whose fixed segments `path` has (one per path here)."""
        parts = [s for s in path.split("/") if s]
        for route in self.router.routes():
            if len(route.segments) == len(parts) and all(
                parts[i] == literal for i, literal in route.literals
            ):
                return route.template
        return None

    def unexpected(self, exc: BaseException) -> HttpError:
        """Glance's 500: WebOb's own words."""
        return HTTPInternalServerError()

    def _finalize(self, req: Request, response: Response) -> Response:
        if isinstance(response, _Fault):
            rendered = render(response.error, req.headers, req.method)
            response.body = rendered.body
            response.headers.update(rendered.headers)
        elif req.path in _NEGOTIATED:
            # ``VersionNegotiationFilter`` answers before ``ContextMiddleware``, whose
            # ``process_response`` alone sets ``x-openstack-request-id`` (glance 16.0.0-31.x):
            # no id (the one drawn stays drawn: later ids keep their places).
            response.headers.pop("x-openstack-request-id", None)
            req.context = None  # nothing stamps the answer again
        return response

    # -- version negotiation -----------------------------------------------------------------

    def needs_token(self, method: str, path: str) -> bool:
        """keystonemiddleware stands behind ``VersionNegotiationFilter`` (glance-api-paste.ini's
        pipelines, glance 16.0.0-31.x): what the filter answers itself (``/versions``, a path
        whose first segment is no version it allows: the version document) needs no token,
        what it sends to the v2 API (``/v2``, ``/v2.1/images``...) does."""
        first = path.lstrip("/").split("/", 1)[0]
        return first != "versions" and first in self._prefixes

    def dispatch(self, req: Request) -> Response | Generator[Any, Any, Response]:
        """Negotiate the version from the ``Accept`` media type or the path, then answer as
        ApiService does."""
        accept = dict.get(req.headers, "accept")
        if accept and accept.startswith(_VND):
            parts = [p for p in req.path.split("/") if p]
            if parts and parts[0] == "versions":
                req.path = "/versions"
            elif accept[len(_VND) :] not in self._prefixes:  # the version document, any path
                req.path = "/"
            elif req.context is None:
                return self._finalize(req, self._unauthenticated(req))
            else:  # the path kept whole under the media type's version: /v2/v2/... is a 404
                req.path = "/v2/" + "/".join(parts) + _slash(req.path)
            result = super().dispatch(req)
            if isinstance(result, Response):
                return self._finalize(req, result)
            return self._finalize_later(req, result)
        parts = [p for p in req.path.split("/") if p]
        if parts and parts[0] == "versions":
            req.path = "/versions"
        elif not parts or parts[0] not in self._prefixes:
            req.path = "/"  # Glance answers its version document to any unversioned path
        elif len(parts) == 1 and not req.path.endswith("/"):
            # The filter leaves ``/v2`` and the router's ``mapper.redirect("", "/")`` (common/
            # wsgi.py, 39477afb0, 2013) sends it on through routes' redirect; the webob
            # middleware around it (every pipeline's outermost `cors`) makes it absolute.
            base = (req.base_url or self.glance.public_endpoint).rstrip("/")
            redirect = {"Content-Type": "text/plain; charset=utf8", "Location": f"{base}/v2/"}
            return self._finalize(req, Response(302, None, redirect))
        elif parts[0] != "v2":
            req.path = "/" + "/".join(["v2", *parts[1:]]) + _slash(req.path)
        result = super().dispatch(req)
        if isinstance(result, Response):
            return self._finalize(req, result)
        return self._finalize_later(req, result)

    def _unauthenticated(self, req: Request) -> Response:
        """The 401 to a request the media type sent to the v2 API without a token."""
        from fakecloud.transport.auth import refused_at_door

        refused_at_door(self.kernel, self.name, f"{req.method} {req.path}", "no token")
        self.kernel.ids.request_id()  # drawn as before: every later id keeps its place
        return self.unauthenticated(req)

    def unauthenticated(self, req: Request) -> Response:
        """A request without a valid token (glance 16.0.0-31.x): ``authtoken`` has
        ``delay_auth_decision = true`` (glance-api-paste.ini), so ``ContextMiddleware.
        process_request`` (api/middleware/context.py) raises ``webob.exc.HTTPUnauthorized()``:
        WebOb's body for the ``Accept`` header, keystonemiddleware's ``process_response``
        adding its ``WWW-Authenticate``; no request id (``process_response`` never runs)."""
        from fakecloud.transport.auth import www_authenticate

        response = render(HTTPUnauthorized(), req.headers, req.method)
        response.headers["WWW-Authenticate"] = www_authenticate(self.kernel)
        return response

    def _finalize_later(self, req: Request, work: Generator) -> Generator[Any, Any, Response]:
        response = yield from work
        return self._finalize(req, response)

    def explicit_versions(self, req: Request) -> Response:
        """``GET /versions``: the version document, 200."""
        return self._versions(req, 200)

    def multiple_choices(self, req: Request) -> Response:
        """Any unversioned path: the version document, 300 Multiple Choices."""
        return self._versions(req, 300)

    def _versions(self, req: Request, status: int) -> Response:
        base = req.base_url or self.glance.public_endpoint
        listed = listing_series(self.kernel.switches)
        body = {"versions": version_objects(base, self.glance.config.image_cache, listed)}
        return Response(status, body, dict(JSON))

    # -- reading requests --------------------------------------------------------------------

    @staticmethod
    def _body(req: Request) -> Any:
        """``JSONRequestDeserializer``: a JSON list or dict, or Glance's 400."""
        chunked = req.headers.get("transfer-encoding", "").lower() in (
            "chunked",
            "compress",
            "deflate",
            "gzip",
            "identity",
        )
        if not req.body and not chunked:
            raise HTTPBadRequest(explanation="Body expected in request.")
        try:
            body = loads_body(req.body or b"null")
        except ValueError:
            raise HTTPBadRequest(explanation="Malformed JSON in request body.")
        if not isinstance(body, (dict, list)):
            raise HTTPBadRequest(explanation="Unexpected body type. Expected list/dict.")
        return body

    @staticmethod
    def _image_data(req: Request, glance: int) -> tuple[ImageData, int | None]:
        """The data of an upload or stage request to the series' Glance `glance` (its major),
        and its declared size: ``x-openstack-image-size`` is Glance's from 31.0.0 (62a323aed,
        ``RequestDeserializer._get_image_size``: not an integer, 400); before, Glance reads
        ``Content-Length`` only (WebOb: not an integer is no size), and fakecloud takes a valid
        header as its simulated size. A negative size is unchecked before 31.0.0."""
        content_type = req.headers.get("Content-Type")
        media = content_type.split(";")[0].strip().lower() if content_type else None
        if media != "application/octet-stream":
            raise unsupported_media_type(f"Invalid content type {media}", glance)
        h = req.headers
        declared = h.get("x-openstack-image-size")
        try:
            size = int(declared) if declared is not None else None
        except ValueError:
            if glance >= IMAGE_SIZE_HEADER_SINCE:
                raise HTTPBadRequest(
                    explanation="Invalid or missing image size in request headers."
                ) from None
            size = None  # before 31.0.0 Glance never reads the header
        if size is None:
            # WebOb's content_length (parse_int_safe): a value that is not an integer is no
            # size at all, never an error (over HTTP the server refuses it first).
            length = h.get("Content-Length")
            size = _int_or_none(length) if length is not None else None
            size = size or len(req.body) or None
        if size is not None and size < 0 and glance < IMAGE_SIZE_HEADER_SINCE:
            size = None  # unchecked by the store before 31.0.0: the bytes received count
        virtual = h.get("x-fakecloud-virtual-size")
        if virtual:
            try:
                virtual = COUNT.check(int(virtual), "x-fakecloud-virtual-size")
            except ValueError:
                raise HTTPBadRequest(
                    explanation="fakecloud: x-fakecloud-virtual-size must be a whole number of "
                    f"bytes from 0, got {virtual!r}"
                ) from None
        common = {
            "link": h.get("x-fakecloud-link"),
            "disk_format": h.get("x-fakecloud-content-format"),
            "virtual_size": virtual or None,
        }
        if req.body and "x-fakecloud-content-id" not in h:
            raw = bytes(req.body)
            if common["disk_format"] is None:  # real bytes: inspect them as Glance does
                found, virtual = inspect_bytes(raw)
                common["disk_format"] = found
                common["virtual_size"] = common["virtual_size"] or virtual
            data = ImageData(len(raw), content_id="", raw=raw, **common)
        else:
            data = ImageData(
                max(size or 0, 0), content_id=h.get("x-fakecloud-content-id", ""), **common
            )
        return data, size

    def _view(self, image) -> dict[str, Any]:
        show = self.glance.config.show_multiple_locations
        return image_view(image, self.glance.schema, self.kernel.clock, show)

    # -- images ------------------------------------------------------------------------------

    def index(self, req: Request) -> Response:
        """``GET /v2/images``."""
        q, first = read_query(req.query, self._series.glance)
        images, next_marker = self.glance.lister.list(req.context, q)
        body: dict[str, Any] = {"images": [self._view(i) for i in images]}
        body["first"] = first
        body["schema"] = "/v2/schemas/images"
        if next_marker is not None:
            body["next"] = links(q, next_marker)["next"]
        return Response(200, body, dict(JSON))

    def create(self, req: Request) -> Response:
        """``POST /v2/images``: 201 with the image and its Location."""
        image = self.glance.images.create(req.context, self._body(req))
        base = req.base_url or self.glance.public_endpoint
        headers = {**JSON, "Location": f"{base.rstrip('/')}/v2/images/{image.id}"}
        methods = self.glance.import_methods
        if methods:
            headers["OpenStack-image-import-methods"] = ",".join(methods)
        return Response(201, self._view(image), headers)

    def show(self, req: Request) -> Response:
        """``GET /v2/images/{id}``."""
        if req.body:
            raise _body_rejected()
        return Response(
            200, self._view(self.glance.images.get(req.context, req.params["image_id"])), dict(JSON)
        )

    def update(self, req: Request) -> Response:
        """``PATCH /v2/images/{id}`` (JSON-patch media types only)."""
        draft = check_content_type(req.headers.get("Content-Type"), self._series.glance)
        changes = parse_patch(self._body(req), draft, self.glance.schema, self.glance.reserved)
        image = self.glance.images.update(req.context, req.params["image_id"], changes)
        return Response(200, self._view(image), dict(JSON))

    def delete(self, req: Request) -> Response:
        """``DELETE /v2/images/{id}``: 204."""
        if req.body:
            raise _body_rejected()
        self.glance.images.delete(req.context, req.params["image_id"])
        if self.glance.cache is not None:  # the cache middleware's _process_DELETE_response
            self.glance.cache.delete_cached(req.params["image_id"])
        return Response(204, None, plain_webob_headers())

    def deactivate(self, req: Request) -> Response:
        """``POST /v2/images/{id}/actions/deactivate``: 204."""
        if req.body or _chunked(req):
            raise _body_rejected()
        self.glance.images.deactivate(req.context, req.params["image_id"])
        return Response(204, None, plain_webob_headers())

    def reactivate(self, req: Request) -> Response:
        """``POST /v2/images/{id}/actions/reactivate``: 204."""
        if req.body or _chunked(req):
            raise _body_rejected()
        self.glance.images.reactivate(req.context, req.params["image_id"])
        return Response(204, None, plain_webob_headers())

    def add_tag(self, req: Request) -> Response:
        """``PUT /v2/images/{id}/tags/{tag}``: 204."""
        if req.body or _chunked(req):
            raise _body_rejected()
        self.glance.images.add_tag(req.context, req.params["image_id"], req.params["tag_value"])
        return Response(204, None, plain_webob_headers())

    def delete_tag(self, req: Request) -> Response:
        """``DELETE /v2/images/{id}/tags/{tag}``: 204, 404 for a tag it does not have."""
        if req.body:
            raise _body_rejected()
        self.glance.images.delete_tag(req.context, req.params["image_id"], req.params["tag_value"])
        return Response(204, None, plain_webob_headers())

    # -- data --------------------------------------------------------------------------------

    def upload(self, req: Request) -> Generator[Any, Any, Response]:
        """``PUT /v2/images/{id}/file``: 204 once the data is stored (takes virtual time)."""
        data, size = self._image_data(req, self._series.glance)
        # A request's size is known to Glance (its Content-Length, even 0): None is the body's
        size = data.size if size is None else size
        yield from self.glance.image_data.upload(req.context, req.params["image_id"], data, size)
        return Response(204, None, plain_webob_headers())

    def download(self, req: Request) -> Generator[Any, Any, Response]:
        """``GET /v2/images/{id}/file``: the data (200) or 204 for an image without any. With
        an image cache, the cache middleware first: a hit is served from the cache, a whole
        download of an image not cached fills it (`fakecloud.glance.image_cache`)."""
        if req.body:
            raise _body_rejected()
        limit = self.glance.config.downloadable_content_bytes
        image_id, link = req.params["image_id"], req.headers.get("x-fakecloud-link")
        cache = self.glance.cache
        ranged = req.headers.get("Range") or req.headers.get("Content-Range")
        if cache is not None and not ranged and image_id in cache.cached:
            hit = yield from self.glance.image_data.download_cached(
                req.context, image_id, link, limit
            )
            if hit is not None:
                response = self._data_response(req, *hit, limit)
                cache.hit(image_id)
                return response
        image, data = yield from self.glance.image_data.download(
            req.context, image_id, link, sendable=limit
        )
        if data is None:
            return Response(204, None, {})
        response = self._data_response(req, image, data, limit)
        if cache is not None and response.status == 200 and cache.cacheable(image_id):
            cache.commit(image, data.size)  # the cache middleware's tee, read through
        return response

    @staticmethod
    def _data_response(req: Request, image: Any, data: ImageData, limit: int) -> Response:
        """An image's data as ``ImageDataController.download`` (or a cache hit) answers it:
        the whole (200) or the ``Range``/``Content-Range`` asked (206)."""
        ranges = req.headers.get("Range"), image.size or 0, req.headers.get("Content-Range")
        part = byte_range(*ranges)
        body = data.materialize(limit, image.disk_format) or b""
        headers = {"Content-Type": "application/octet-stream"}
        if part is not None:
            body = body[part[0] : part[1]]
            headers["Content-Range"] = f"bytes {part[0]}-{part[1] - 1}/{image.size}"
        headers.update(
            {
                "Content-Length": str(len(body)),
                "x-fakecloud-content-id": data.content_id,
                "x-fakecloud-content-size": str(data.size),
            }
        )
        if image.checksum:
            headers["Content-MD5"] = image.checksum
        return Response(200 if part is None else 206, body, headers)

    def stage(self, req: Request) -> Generator[Any, Any, Response]:
        """``PUT /v2/images/{id}/stage``: 204 once staged."""
        if (
            self._series.glance >= STAGE_NEEDS_GLANCE_DIRECT_SINCE
            and "glance-direct" not in self.glance.import_methods
        ):
            raise HTTPNotFound(explanation="'glance-direct' method is not available at this site.")
        data, size = self._image_data(req, self._series.glance)
        yield from self.glance.image_data.stage(req.context, req.params["image_id"], data, size)
        return Response(204, None, plain_webob_headers())

    def import_image(self, req: Request) -> Response:
        """``POST /v2/images/{id}/import``: 202, the import runs in the background."""
        body = self._body(req)
        self.glance.image_data.import_image(req.context, req.params["image_id"], body)
        return Response(202, None, plain_webob_headers())

    def add_location(self, req: Request) -> Response:
        """``POST /v2/images/{id}/locations`` (glance 29.0.0 on): 202, the image ``active``."""
        if self._series.glance < _ROUTE_SINCE["/v2/images/{image_id}/locations"]:
            return self.no_route(req, NoRoute([]))
        body = self._body(req)
        self.glance.images.add_location_request(req.context, req.params["image_id"], body)
        return Response(202, None, plain_webob_headers())

    def get_locations(self, req: Request) -> Response:
        """``GET /v2/images/{id}/locations`` (glance 29.0.0 on): 200, the locations."""
        if self._series.glance < _ROUTE_SINCE["/v2/images/{image_id}/locations"]:
            return self.no_route(req, NoRoute([]))
        locations = self.glance.images.get_locations(req.context, req.params["image_id"])
        return Response(200, locations, dict(JSON))

    def image_tasks(self, req: Request) -> Response:
        """``GET /v2/images/{id}/tasks`` (``get_task_info``, Image API 2.12): the image's
        tasks, ``[]`` when no import ran; a bare 404 when the caller may not see the image.
        Glance 22.0.0 (Wallaby) added the route: before, the path is unknown (404)."""
        if self._series.glance < IMAGE_TASKS_SINCE:
            return self.no_route(req, NoRoute([]))
        if req.body:
            raise _body_rejected()
        ctx, image_id = req.context, req.params["image_id"]
        try:
            self.glance.images.get(ctx, image_id)
        except (HTTPNotFound, HTTPForbidden):
            raise HTTPNotFound() from None
        tasks = self.glance.tasks
        body = {"tasks": [tasks.view(t) for t in tasks.for_image(ctx, image_id)]}
        return Response(200, body, dict(JSON))

    def metadefs(self, req: Request) -> Response:
        """``/v2/metadefs/...``: reads (`fakecloud.glance.metadefs`) and writes
        (`fakecloud.glance.metadef_writes`), by path and method."""
        md, ctx, p, method = MetadefWrites(self.glance), req.context, req.params, req.method
        parts = req.path.split("/")[3:]  # after /v2/metadefs
        ns = p.get("namespace")
        shape = "/".join([*parts[:1], *("{namespace}" for _ in parts[1:2]), *parts[2:3]])
        shape += "/{name}" if len(parts) > 3 else ""
        has_body = req.body or (method == "POST" and _chunked(req))
        if has_body and (method, shape) in _METADEF_BODY_REJECT:
            raise _body_rejected()
        if parts == ["resource_types"]:
            return Response(200, md.resource_types(ctx), dict(JSON))
        if len(parts) == 1:  # namespaces
            if method == "GET":
                return Response(200, md.index(ctx, req.query), dict(JSON))
            body = md.create_namespace(ctx, self._body(req))
            base = req.base_url or self.glance.public_endpoint
            location = f"{base.rstrip('/')}{body['self']}"
            return Response(201, body, {**JSON, "Location": location})
        if len(parts) == 2:  # namespaces/{namespace}
            if method == "GET":
                return Response(200, md.show(ctx, ns, req.query), dict(JSON))
            if method == "PUT":
                return Response(200, md.update_namespace(ctx, ns, self._body(req)), dict(JSON))
            md.delete_namespace(ctx, ns)
            return Response(204, None, plain_webob_headers())
        part, item = parts[2], p.get("name")
        if method == "GET":
            if item is None and part in ("tags", "objects"):
                listed = md.tags if part == "tags" else md.objects
                return Response(200, listed(ctx, ns, req.query), dict(JSON))
            if item is None:
                read = {"resource_types": md.associations, "properties": md.properties}[part]
                return Response(200, read(ctx, ns), dict(JSON))
            if part == "properties":
                return Response(200, md.property(ctx, ns, item, req.query), dict(JSON))
            body = md.object(ctx, ns, item) if part == "objects" else md.tag(ctx, ns, item)
            return Response(200, body, dict(JSON))
        if method == "DELETE":
            if item is None:
                md.delete_namespace(ctx, ns, part)
            else:
                delete = {
                    "resource_types": md.dissociate,
                    "properties": md.delete_property,
                    "objects": md.delete_object,
                    "tags": md.delete_tag,
                }[part]
                delete(ctx, ns, item)
            return Response(204, None, plain_webob_headers())
        if part == "tags" and method == "POST" and item is not None:
            return Response(201, md.create_tag(ctx, ns, item), dict(JSON))
        body = self._body(req)
        if method == "PUT":
            update = {"properties": md.update_property, "objects": md.update_object}
            answer = update.get(part, md.update_tag)(ctx, ns, item, body)
            return Response(200, answer, dict(JSON))
        if part == "tags":
            append = req.headers.get("x-openstack-append", "").strip().lower()
            answer = md.create_tags(ctx, ns, body, append in _TRUE_STRINGS)
        else:
            create = {
                "resource_types": md.associate,
                "properties": md.create_property,
                "objects": md.create_object,
            }[part]
            answer = create(ctx, ns, body)
        return Response(201, answer, dict(JSON))

    def create_task(self, req: Request) -> Response:
        """``POST /v2/tasks`` (`fakecloud.glance.legacy_import`): 201, the task ``pending``
        and its Location; the access check comes before the body is read."""
        task_api.enforce_access(self.glance, req.context)
        task = legacy_import.create(self.glance, req.context, self._body(req))
        base = req.base_url or self.glance.public_endpoint
        headers = {**JSON, "Location": f"{base.rstrip('/')}/v2/tasks/{task.id}"}
        # TaskRepo.add: task_create's row of the session, not read back
        return Response(201, task_api.full_view(self.glance, task, written=True), headers)

    def list_tasks(self, req: Request) -> Response:
        """``GET /v2/tasks`` (`task_api.index`)."""
        return Response(200, task_api.index(self.glance, req.context, req.query), dict(JSON))

    def show_task(self, req: Request) -> Response:
        """``GET /v2/tasks/{task_id}`` (`task_api.show`)."""
        task = task_api.show(self.glance, req.context, req.params["task_id"])
        return Response(200, task, dict(JSON))

    def delete_task(self, req: Request) -> Response:
        """``DELETE /v2/tasks/{task_id}``: after the access check, always 405 (Allow: GET),
        the body the explanation alone."""
        task_api.enforce_access(self.glance, req.context)
        refusal = HTTPMethodNotAllowed(
            explanation=task_api.DELETE_REFUSAL, headers={"Allow": "GET"}
        )
        refusal.template = "${explanation}"  # body_template='${explanation}'
        raise refusal

    # -- members -----------------------------------------------------------------------------

    def _member(self, member, written: str = "") -> Response:
        return Response(200, member_view(member, self.kernel.clock, written), dict(JSON))

    def list_members(self, req: Request) -> Response:
        """``GET /v2/images/{id}/members``."""
        if req.body:
            raise _body_rejected()
        members = self.glance.members.list(req.context, req.params["image_id"])
        body = {
            "members": [member_view(m, self.kernel.clock) for m in members],
            "schema": "/v2/schemas/members",
        }
        return Response(200, body, dict(JSON))

    def create_member(self, req: Request) -> Response:
        """``POST /v2/images/{id}/members`` ``{"member": "<project>"}``."""
        body = self._body(req)
        if not isinstance(body, dict):
            raise HTTPBadRequest(
                explanation='Expected a member in the form: {"member": "image_id"}'
            )
        if "member" not in body:
            raise HTTPBadRequest(explanation="Member to be added not specified")
        given = body["member"]
        if not given:
            raise HTTPBadRequest(explanation="Member can't be empty")
        if isinstance(given, (dict, list)):
            # Real Glance passes the value on to its database query, which cannot bind a
            # mapping or a list: glance.common.wsgi.Resource answers HTTPInternalServerError.
            raise HTTPInternalServerError()
        # The ``member`` column is a string: a number (or true) is stored as its text, while
        # the create answer still shows the value as sent (the domain object, not re-read).
        stored = "1" if given is True else str(given)
        member = self.glance.members.create(req.context, req.params["image_id"], stored)
        response = self._member(member, written="created_at updated_at")
        response.body["member_id"] = given
        return response

    def show_member(self, req: Request) -> Response:
        """``GET /v2/images/{id}/members/{member}``."""
        if req.body:
            raise _body_rejected()
        p = req.params
        return self._member(self.glance.members.show(req.context, p["image_id"], p["member_id"]))

    def update_member(self, req: Request) -> Response:
        """``PUT /v2/images/{id}/members/{member}`` ``{"status": "accepted"}``."""
        body = self._body(req)
        if not isinstance(body, dict):
            raise HTTPBadRequest(explanation='Expected a status in the form: {"status": "status"}')
        if "status" not in body:
            raise HTTPBadRequest(explanation="Status not specified")
        p = req.params
        member = self.glance.members.update(
            req.context, p["image_id"], p["member_id"], body["status"]
        )
        return self._member(member, written="updated_at")

    def delete_member(self, req: Request) -> Response:
        """``DELETE /v2/images/{id}/members/{member}``: 204."""
        if req.body:
            raise _body_rejected()
        p = req.params
        self.glance.members.delete(req.context, p["image_id"], p["member_id"])
        return Response(204, None, {})

    # -- schemas and usage -------------------------------------------------------------------

    def schema_image(self, req: Request) -> Response:
        """``GET /v2/schemas/image``."""
        if req.body:
            raise _body_rejected()
        return Response(200, self.glance.schema.raw(), dict(JSON))

    def schema_images(self, req: Request) -> Response:
        """``GET /v2/schemas/images``."""
        if req.body:
            raise _body_rejected()
        body = {
            "name": "images",
            "properties": {
                "images": {"type": "array", "items": self.glance.schema.raw()},
                "first": {"type": "string"},
                "next": {"type": "string"},
                "schema": {"type": "string"},
            },
            "links": [
                {"rel": "first", "href": "{first}"},
                {"rel": "next", "href": "{next}"},
                {"rel": "describedby", "href": "{schema}"},
            ],
        }
        return Response(200, body, dict(JSON))

    def schema_member(self, req: Request) -> Response:
        """``GET /v2/schemas/member``: ``image_members.get_schema().minimal()`` (no
        ``additionalProperties``: the schema Glance validates with is the ``raw()`` one)."""
        if req.body:
            raise _body_rejected()
        return Response(200, _MEMBER_SCHEMA, dict(JSON))

    def schema_members(self, req: Request) -> Response:
        """``GET /v2/schemas/members``: ``CollectionSchema('members', ...).minimal()``."""
        if req.body:
            raise _body_rejected()
        body = {
            "name": "members",
            "properties": {
                "members": {"type": "array", "items": _MEMBER_SCHEMA},
                "schema": {"type": "string"},
            },
            "links": [{"rel": "describedby", "href": "{schema}"}],
        }
        return Response(200, body, dict(JSON))

    def schema_metadef(self, req: Request) -> Response:
        """``GET /v2/schemas/metadefs/<name>``: the metadefs schema of that name, as Glance
        builds it (`fakecloud.glance.metadef_schemas`)."""
        if req.body:
            raise _body_rejected()
        return Response(200, metadef_schema(req.path.rsplit("/", 1)[1]), dict(JSON))

    def schema_task(self, req: Request) -> Response:
        """``GET /v2/schemas/task[s]``: the task schemas of this series' Glance
        (`fakecloud.glance.task_schemas`). Their routes have no ``body_reject``: a body is
        read as JSON (Glance's 400s), and one that parses reaches ``Controller.task(req)`` as
        a ``body`` argument it does not take, which ``wsgi.Resource`` answers with a 500."""
        if req.body:
            self._body(req)
            raise HTTPInternalServerError()
        name = req.path.rsplit("/", 1)[1]
        return Response(200, task_schema(name, self._series.glance), dict(JSON))

    def import_info(self, req: Request) -> Response:
        """``GET /v2/info/import`` (``InfoController.get_image_import``): the import methods
        this Glance enables, as ``openstack image import info`` and ``image import`` read them."""
        if req.body:
            raise _body_rejected()
        methods = {
            "description": "Import methods available.",
            "type": "array",
            "value": list(self.glance.import_methods),
        }
        return Response(200, {"import-methods": methods}, dict(JSON))

    def stores(self, req: Request) -> Response:
        """``GET /v2/info/stores[/detail]`` (``get_stores``, which ``get_stores_detail`` calls
        first): a single-store Glance (no ``enabled_backends``) answers 404; a Glance older
        than the route (`_ROUTE_SINCE`) has no such path."""
        if self._series.glance < _ROUTE_SINCE.get(self._template(req.path) or "", 0):
            return self.no_route(req, NoRoute([]))
        if req.body:
            raise _body_rejected()
        raise HTTPNotFound(explanation="Multi backend is not supported at this site.")

    def delete_from_store(self, req: Request) -> Response:
        """``DELETE /v2/stores/{store_id}/{image_id}`` (``ImagesController.delete_from_store``,
        glance 20.0.0 on, ``body_reject``): a single-store Glance (no ``enabled_backends``)
        answers WebOb's bare 404 before it looks at the store or the image; a Glance older
        than the route has no such path."""
        if self._series.glance < _ROUTE_SINCE["/v2/stores/{store_id}/{image_id}"]:
            return self.no_route(req, NoRoute([]))
        if req.body:
            raise _body_rejected()
        raise HTTPNotFound()

    def usage(self, req: Request) -> Response:
        """``GET /v2/info/usage``: unified-limit usage of the caller's project; before Glance
        24.0.0 an unknown path (404). Its route has no ``body_reject``: a body is read as JSON
        (Glance's 400s), and one that parses is a ``body`` argument ``get_usage`` does not
        take, ``wsgi.Resource``'s 500."""
        if self._series.glance < USAGE_INFO_SINCE:
            return self.no_route(req, NoRoute([]))
        if req.body:
            self._body(req)
            raise HTTPInternalServerError()
        ctx = req.context
        return Response(
            200,
            {"usage": self.glance.quotas.usage(ctx.project_id, self.glance.uncounted)},
            dict(JSON),
        )


_MEMBER_SCHEMA = {
    "name": "member",
    "properties": {
        "member_id": {
            "type": "string",
            "description": "An identifier for the image member (tenantId)",
        },
        "image_id": {
            "type": "string",
            "description": "An identifier for the image",
            "pattern": (
                "^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}"
                "-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$"
            ),
        },
        "created_at": {"type": "string", "description": "Date and time of image member creation"},
        "updated_at": {
            "type": "string",
            "description": "Date and time of last modification of image member",
        },
        "status": {
            "type": "string",
            "description": "The status of this image member",
            "enum": ["pending", "accepted", "rejected"],
        },
        "schema": {"readOnly": True, "type": "string"},
    },
}

__all__ = ["GlanceApi", "GlanceHttpError", "HTTPForbidden"]
