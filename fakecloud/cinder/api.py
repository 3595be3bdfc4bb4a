"""Cinder's REST surface (Block Storage API v3): routes, version documents, microversions.

    >>> from fakecloud.api.http import Request
    >>> resp = cloud.cinder.api.call(Request.build(
    ...     "POST", f"/v3/{ctx.project_id}/snapshots",
    ...     body={"snapshot": {"volume_id": vid, "force": True}}, context=ctx))
    >>> resp.status, resp.json()["snapshot"]["status"]
    (202, 'creating')

Every path is served with ``{project_id}``, and from 20.0.0 without it too (as Cinder's
``ProjectMapper`` does; ``/default-types`` the other way round, see `default_types_api`); a
project id in the URL that is not the caller's is a 400 "Malformed request url". Microversions
are read from ``OpenStack-API-Version: volume 3.x`` only (Cinder has no legacy header) and
echoed, with ``Vary``, on every answer including faults (a 406 echoes the refused version
unless it holds ``1.0`` or ``2.0``; a malformed one is not echoed). A header without a
``volume`` entry is a 400, one whose entry is not two words a 500 (both in ``FaultWrapper``'s
words, as real Cinder's). ``GET /`` answers 300 with the version list, ``GET /v3/`` 200.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import operator
import re
from collections.abc import Callable, Generator, Mapping
from types import GeneratorType
from typing import Any

from fakecloud.api import webob
from fakecloud.api.http import HttpError, Request, Response, WsgiServerError
from fakecloud.api.microversion import Version, VersionNotAcceptable, VersionRange
from fakecloud.api.router import NoRoute, served_from
from fakecloud.api.service import ApiService
from fakecloud.cinder import (
    admin_volume_actions,
    backup_rest,
    capabilities_api,
    consistencygroups_rest,
    controllers,
    default_types_api,
    exception,
    extensions_api,
    faults,
    freeze,
    groups_rest,
    hosts_api,
    list_filters,
    manage_existing,
    messages_api,
    migration,
    policy,
    pools,
    qos_api,
    qos_specs,
    quota_classes_api,
    reimage,
    resource_filters_api,
    revert,
    services_api,
    snapshot_manage,
    transfer_rest,
    type_encryption,
    type_list,
    types_api,
    views,
    volume_manage,
    workers_api,
)
from fakecloud.cinder.list_query import (
    ATTACHMENT_COLUMNS,
    SNAPSHOT_COLUMNS,
    VOLUME_COLUMNS,
    columns_of,
)
from fakecloud.cinder.paging import (
    POPPED as _POPPED,
)
from fakecloud.cinder.paging import (
    first_values as _first_values,
)
from fakecloud.cinder.paging import (
    page_params as _page_params,
)
from fakecloud.cinder.paging import (
    paginate as _paginate,
)
from fakecloud.cinder.paging import (
    sort_params as _sort_params,
)
from fakecloud.cinder.paging import (
    sort_rows as _sort_rows,
)
from fakecloud.cinder.paging import (
    with_links as _with_links,
)
from fakecloud.cinder.validation import (
    DB_MAX_INT,
    NON_QUOTA_KEYS,
    QUEENS,
    QUOTA_SET_PROPERTIES,
    QUOTA_SET_UPDATE,
    SET_IMAGE_METADATA,
    SET_IMAGE_METADATA_255,
    SHOW_IMAGE_METADATA,
    SNAPSHOT_METADATA_CREATE,
    SNAPSHOT_METADATA_SCHEMA_SINCE,
    SNAPSHOT_METADATA_UPDATE,
    UNSET_IMAGE_METADATA,
    assert_valid_body,
    check_quota_set,
    for_release,
    validate,
    validate_integer,
    volume_metadata_schemas,
    worded,
)
from fakecloud.cinder.views import ViewContext
from fakecloud.profiles.series import CINDER_V2_UPDATED, cinder_api
from fakecloud.transport.endpoints import CINDER_V2_GONE_FROM

MIN_VERSION = "3.0"
MAX_VERSION = "3.71"
#: The Cinder release a service answers as (a route's `served_from` gate).
_MAJOR = operator.attrgetter("cinder_major")
LIMITS_USED_PROJECT_FILTER = "3.39"
ETAGS = "3.15"
VOLUME_SUMMARY = "3.12"
VOLUME_SUMMARY_METADATA = "3.36"
SUPPORT_COUNT_INFO = "3.45"
SNAPSHOT_SORT = "3.30"
#: The first Cinder that shows a volume type's (user-visible) extra specs to its readers.
USER_VISIBLE_EXTRA_SPECS_SINCE = 19
#: The first Cinder whose quota usage has no ``allocated``: 6005fc25f "Remove nested quota
#: leftovers" reached master after stable/wallaby branched (19.0.0 there) and stable/wallaby
#: as 1b702ec11 before 18.0.0 was tagged (``cinder/quota.py`` 17.0.0 reads
#: ``quota_allocated_get_all_by_project``, 18.0.0 nothing of it).
ALLOCATED_GONE = 18


class CinderVersions(VersionRange):
    """Cinder's own reading of ``OpenStack-API-Version`` (``Request.set_api_version_request``)."""

    def negotiate(self, headers: Mapping[str, str]) -> Version:
        """The ``volume`` entry of the header; none → 3.0, ``latest`` → 3.71, else 400/406.

        The first comma-separated entry that holds ``volume`` anywhere is split in two on
        white space. Only the two errors ``Resource.__call__`` catches get their own words; the
        others reach ``FaultWrapper``, which words none of them (12.0.10 to 29.0.0): an entry
        not of two words is its ValueError's 500, a header without such an entry
        VersionNotFoundForAPIMethod's 400 (an ``Invalid``, not ``safe``)."""
        raw = headers.get("OpenStack-API-Version")
        if raw is None:
            return Version.parse(self.minimum)
        requested = None
        for piece in raw.split(","):
            if self.service_type in piece:
                parts = piece.split()
                if len(parts) != 2:
                    raise HttpError(500, faults.GENERIC[500])
                requested = parts[1]
                break
        if not requested:
            raise HttpError(400, faults.GENERIC[400])
        if requested == "latest":
            return Version.parse(self.maximum)
        try:
            version = Version.parse(requested)
        except ValueError:
            raise HttpError(
                400,
                f"API Version String {requested} is of invalid format. Must be of format "
                "MajorNum.MinorNum.",
            ) from None
        if not version.matches(self.minimum, self.maximum):
            raise VersionNotAcceptable(version, self)
        return version

    def headers(self, version: Version) -> dict[str, Any]:
        """The echo of `version`, none for a "legacy endpoint" one: ``_is_legacy_endpoint``
        looks for ``1.0`` or ``2.0`` in the version's string (12.0.10 to 29.0.0), so a refused
        ``volume 2.0`` is a 406 with neither ``OpenStack-API-Version`` nor ``Vary``."""
        text = str(version)
        if "1.0" in text or "2.0" in text:
            return {}
        return super().headers(version)


VERSIONS = CinderVersions("volume", MIN_VERSION, MAX_VERSION)
"""The latest series' range (a cloud's Cinder follows its Nova release's series)."""


#: ``SUPPORTED_CONTENT_TYPES`` of ``cinder/api/openstack/wsgi.py``, compared with what webob's
#: ``Request.content_type`` gives: the header before any ``;``, neither stripped nor folded.
SUPPORTED_CONTENT_TYPES = ("application/json", "application/vnd.openstack.volume+json")
#: The first Cinder whose ``Resource.__call__`` answers a body of another type 415 (afae1e4b4,
#: LP #1715094); before, ``get_body`` dropped such a body (not modelled: the body is read).
CINDER_415_FROM = 14


#: The first Cinder that serves its v3 paths without a project id too (31b34e91e): before,
#: only ``/v3/{project_id}/...`` routes exist, and ``/v3/volumes`` is the router's 404.
PATHS_WITHOUT_PROJECT_FROM = 20
#: From then, ``[DEFAULT] project_id_regex`` (default ``[0-9a-f\-]+``) limits the project id
#: routes take; before, ``{project_id}`` took any segment (then 400 "Malformed request url").
PROJECT_ID = re.compile(r"[0-9a-f\-]+")


def _check_content_type(service: CinderApi, req: Request) -> None:
    kind = dict.get(req.headers, "content-type")  # a `Headers`: names folded
    if (
        kind
        and kind != "application/json"
        and req.body
        and kind.split(";", 1)[0] not in SUPPORTED_CONTENT_TYPES
        and service.cinder_major >= CINDER_415_FROM
    ):
        raise HttpError(415, "Unsupported Content-Type")


#: The path the v3 router redirects to ``/v3/`` (see `CinderApi.versions_index`).
_REDIRECTED = frozenset({"/v3", "/v2"})
#: The first Cinder without the v2 API (``root_app_factory`` drops ``/v2``).
V2_GONE_FROM = CINDER_V2_GONE_FROM
#: The resources of the v3 router alone (cinder 12.0.10-18.x ``api/v3/router.py`` beside
#: ``api/v2/router.py``: the v2 router has volumes, types, snapshots, limits and the contrib
#: extensions, ``os-volume-manage`` and ``os-snapshot-manage`` among them): their paths are
#: served under ``/v3`` only.
V3_ONLY_ROOTS = frozenset(
    {"attachments", "messages", "groups", "group_types", "group_snapshots", "workers"}
    | {"resource_filters", "manageable_volumes", "manageable_snapshots", "volume-transfers"}
    | {"clusters", "default-types"}
)
#: The version a legacy ``/v2`` request is (``api_version.legacy_api_version2``): no v3
#: microversion's change applies, as at 3.0, and none is echoed.
V2_REQUEST_VERSION = Version.parse("3.0")


def _v2_route(path: str) -> bool:
    """Whether the v2 router also serves `path` (a route's path after the project id)."""
    return path.split("/", 1)[0] not in V3_ONLY_ROOTS and path != "volumes/summary"


def _wrap(
    handler: Callable, project: bool = True, bare_from: int = PATHS_WITHOUT_PROJECT_FROM
) -> Callable:
    """A route's handler: check the caller, the body's content type and the URL's project,
    then call `handler` (a `CinderApi` function) on the service, turning Cinder errors into
    HTTP errors. A path without a project id is served from Cinder `bare_from` on."""

    def serve(service: CinderApi, req: Request) -> Any:
        try:
            _check_content_type(service, req)
            if project:
                ctx = req.context
                if ctx is None:
                    raise HttpError(401, "The request you have made requires authentication.")
                pid = req.params.get("project_id")
                if pid is None:
                    if service.cinder_major < bare_from:
                        raise NoRoute([])
                elif pid != ctx.project_id:
                    if (
                        service.cinder_major >= PATHS_WITHOUT_PROJECT_FROM
                        and not PROJECT_ID.fullmatch(pid)
                    ):
                        raise NoRoute([])
                    raise HttpError(400, "Malformed request url")
            result = handler(service, req)
        except exception.CinderException as exc:
            raise faults.to_http(worded(exc, service.cinder_major)) from None
        if inspect.isgenerator(result):
            return CinderApi._timed(result, service.cinder_major)
        return result

    serve.__name__ = handler.__name__
    serve.__doc__ = handler.__doc__
    return serve


def _no_resource_ids(req: Request, response: Response) -> None:
    """An answer no ``wsgi.Resource`` gives (the router's bare 404, Routes' redirect) carries
    oslo.middleware's ``x-openstack-request-id`` alone (cinder 12.0.0-29.0.0: the
    ``x-compute-request-id`` is ``_set_request_id_header``'s, the Resource's and Fault's)."""
    if getattr(response, "no_resource", False):
        response.headers.pop("x-compute-request-id", None)
        req.context = None  # so that neither the gateway nor cloud.request stamps it again


class CinderApi(ApiService):
    """The REST surface of one fake Cinder."""

    name = "cinder"
    paste_urlmap = True
    urlmap_outermost = True
    #: oslo.middleware's ``RequestId`` (``x-openstack-request-id``) on every answer of the v3
    #: pipeline; ``x-compute-request-id`` is ``wsgi.Resource``'s and ``Fault``'s
    #: (``_set_request_id_header``, cinder 12.0.10-29.0.0 api/openstack/wsgi.py), which
    #: `_finish` adds but to a controller's own ``webob.Response`` (`webob.WebObResponse`:
    #: ``_process_stack`` makes no ``ResponseObject`` of it, so it gets none).
    request_id_headers = ("x-openstack-request-id",)
    #: keystonemiddleware's 401 passes back through oslo.middleware's ``RequestId`` alone.
    rejected_request_id_headers = ("x-openstack-request-id",)
    shared_routes = True
    #: ``ResponseObject.serialize`` (12.0.10-25.0.0 ``api/openstack/wsgi.py``): a controller's
    #: ``None`` is ``webob.Response()`` given the negotiated type, JSON; the controllers that
    #: return their own ``webob.Response(status_int=N)`` answer `webob.plain_webob_headers`.
    bodyless_content_type = "application/json"

    def __init__(self, cinder: Any):
        series = cinder.kernel.switches.series
        self.series_api = cinder_api(series)
        #: The series' body schemas where they changed (`validation.QUEENS`, ...).
        self.cinder_major = series.cinder
        self.volume_metadata_schemas = volume_metadata_schemas(cinder.kernel.switches)
        #: Who sees an attachment's host in a volume's view (switch cinder_attachment_host_name).
        self.host_name_to = cinder.kernel.switches.cinder_attachment_host_name
        #: An attachment create's success: 202 before Cinder 12.0.7 (switch
        #: cinder_attachment_answers_202), 200 after.
        self.attachment_created = (
            202 if cinder.kernel.switches.cinder_attachment_answers_202 else 200
        )
        top = self.series_api["max_microversion"]
        versions = VERSIONS if top == MAX_VERSION else CinderVersions("volume", MIN_VERSION, top)
        super().__init__(cinder.kernel, versions=versions)
        self.cinder = cinder
        #: What the filters in front of ``cors`` add to its own ``OPTIONS`` answer
        #: (`fakecloud.api.cors`): nothing before 20.0.0, where ``cors`` heads every pipeline
        #: of api-paste.ini; from 20.0.0 (18b8033b6) ``request_id`` heads them, its
        #: ``x-openstack-request-id``.
        self.cors_outer_headers = ("x-openstack-request-id",) if self.cinder_major >= 20 else ()

    def route_variant(self) -> bool:
        """Whether the release serves the legacy v2 API (before 19.0.0): its routes are in
        the table of those releases alone."""
        return self.cinder_major < V2_GONE_FROM

    def _finish(
        self, req: Request | Any, response: Response, extra: dict[str, str], line: str
    ) -> Response:
        response = super()._finish(req, response, extra, line)
        cls = response.__class__
        if cls is not webob.WebObResponse and cls is not WsgiServerError:
            rid = response.headers.get("x-openstack-request-id")
            if rid is not None:
                response.headers["x-compute-request-id"] = rid
        return response

    def needs_token(self, method: str, path: str) -> bool:
        """``[composite:osapi_volume]`` (``etc/cinder/api-paste.ini``, 12.0.0 to 29.0.0): only
        the v3 pipeline (``/v3`` and below) and, before 19.0.0, the v2 one (``enable_v2_api``
        defaults to true; ``root_app_factory`` drops ``/v2`` from 19.0.0) stand behind
        ``authtoken``; every other path is the root's ``apiversions``, no token: ``/`` by any
        method its 300, any other path the version router's bare 404."""
        if path == "/v3" or path.startswith("/v3/"):
            return True
        return self.cinder_major < 19 and (path == "/v2" or path.startswith("/v2/"))

    def dispatch(self, req: Request) -> Response | Generator[Any, Any, Response]:
        """Answer as ApiService does; the root application's answers (`_root_app`) carry the
        request ids its own pipeline gives."""
        path = req.path
        if path[:4] == "/v3/" or path == "/v3":
            result = super().dispatch(req)
            if result.__class__ is Response and (result.status == 404 or result.status == 302):
                _no_resource_ids(req, result)
            return result
        return self._root_app(req)

    def _root_app(self, req: Request) -> Response | Generator[Any, Any, Response]:
        """``[pipeline:apiversions]`` (every path but ``/v3``'s, and ``/v2``'s before 19.0.0):
        before 20.0.0 it has no ``request_id`` filter (18b8033b6, LP #1960021): no id at
        all. From 20.0.0 its own ``RequestId`` sets ``x-openstack-request-id`` and a
        placeholder ``cinder.context``, from which ``wsgi.Resource`` (the versions
        controller's ``/``) adds ``x-compute-request-id``; the router's bare 404 is no
        Resource's (``x-openstack-request-id`` only). The id is drawn as before either way."""
        if self.needs_token(req.method, req.path):  # /v2 before 19.0.0: its own pipeline
            result = super().dispatch(req)
            if result.__class__ is Response and (result.status == 404 or result.status == 302):
                _no_resource_ids(req, result)
            return result
        response = super().dispatch(req)
        if not isinstance(response, Response):  # (the root's answers are synchronous)
            return response
        headers = response.headers
        if self.cinder_major < 20:
            headers.pop("x-openstack-request-id", None)
            headers.pop("x-compute-request-id", None)
        elif response.status == 404:
            headers.pop("x-compute-request-id", None)
        req.context = None  # no keystonecontext there: nothing stamps the answer again
        return response

    # -- the service's own fault bodies ------------------------------------------------------

    def render_fault(self, error: HttpError) -> Response:
        """Cinder's fault body (see `fakecloud.cinder.faults`)."""
        return faults.render(error)

    def unexpected(self, exc: BaseException) -> HttpError:
        """``FaultWrapper``'s 500: a generic text, nothing internal."""
        return HttpError(500, faults.GENERIC[500])

    def no_route(self, req: Request, error: NoRoute, detail: str | None = None) -> Response:
        """``oslo_service.wsgi.Router._dispatch``: a bare ``webob.exc.HTTPNotFound()`` for any
        method and path no route serves (never a 405, not a Cinder fault body)."""
        response = webob.render(webob.HTTPNotFound(detail), req.headers, req.method)
        response.no_resource = True
        return response

    # -- routing -----------------------------------------------------------------------------

    @classmethod
    def declare_routes(cls, router: Any, variant: Any) -> None:
        """Every route of Cinder's v3 API, with and without the project id, and where
        `variant` (`route_variant`) says so the v2 API's (one table for the releases of each:
        a series' microversions change answers, not routes)."""
        # ``routes.Mapper`` (cinder 12.0.0-29.0.0 api/openstack/__init__.py ProjectMapper, and
        # the version router's) matches no path with a trailing slash: ``GET
        # /v3/{project}/volumes/`` is ``Router._dispatch``'s bare 404; ``/v3/`` is the v3
        # router's own ``'/'`` route (urlmap strips ``/v3``), ``/`` the root's.
        router.slash_paths = frozenset({"/", "/v3/", "/v2/"})
        # The version router's ``mapper.connect('versions', '/', ...)`` has no method
        # condition (cinder 12.0.0-29.0.0 api/versions.py): every method is the 300.
        for method in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"):
            router.add(method, "/", _wrap(cls.versions_all, project=False))
        # The v2 and v3 routers' ``mapper.connect("versions", "/", ...)`` and
        # ``mapper.redirect("", "/")`` have no method condition either (api/v3/router.py,
        # 12.0.10-29.0.0): an OPTIONS, which ``cors`` sends on, is answered as a GET.
        for method in ("GET", "OPTIONS"):
            router.add(method, "/v3", _wrap(cls.versions_index, project=False))
            router.add(method, "/v2", _wrap(cls.versions_v2, project=False))
        for method, path, handler in (
            ("GET", "volumes/detail", cls.volumes_detail),
            ("GET", "volumes/summary", cls.volumes_summary),
            ("GET", "volumes", cls.volumes_index),
            ("POST", "volumes", cls.volumes_create),
            ("GET", "volumes/{id}", cls.volumes_show),
            ("PUT", "volumes/{id}", cls.volumes_update),
            ("DELETE", "volumes/{id}", cls.volumes_delete),
            ("POST", "volumes/{id}/action", cls.volumes_action),
            ("GET", "snapshots/detail", cls.snapshots_detail),
            ("GET", "snapshots", cls.snapshots_index),
            ("POST", "snapshots", cls.snapshots_create),
            ("GET", "snapshots/{id}", cls.snapshots_show),
            ("PUT", "snapshots/{id}", cls.snapshots_update),
            ("DELETE", "snapshots/{id}", cls.snapshots_delete),
            ("POST", "snapshots/{id}/action", cls.snapshots_action),
            ("GET", "volumes/{id}/metadata", cls.volume_metadata_index),
            ("POST", "volumes/{id}/metadata", cls.volume_metadata_create),
            ("PUT", "volumes/{id}/metadata", cls.volume_metadata_update_all),
            ("GET", "volumes/{id}/metadata/{key}", cls.volume_metadata_show),
            ("PUT", "volumes/{id}/metadata/{key}", cls.volume_metadata_update),
            ("DELETE", "volumes/{id}/metadata/{key}", cls.volume_metadata_delete),
            ("GET", "snapshots/{id}/metadata", cls.snapshot_metadata_index),
            ("POST", "snapshots/{id}/metadata", cls.snapshot_metadata_create),
            ("PUT", "snapshots/{id}/metadata", cls.snapshot_metadata_update_all),
            ("GET", "snapshots/{id}/metadata/{key}", cls.snapshot_metadata_show),
            ("PUT", "snapshots/{id}/metadata/{key}", cls.snapshot_metadata_update),
            ("DELETE", "snapshots/{id}/metadata/{key}", cls.snapshot_metadata_delete),
            ("GET", "attachments/detail", cls.attachments_detail),
            ("GET", "attachments", cls.attachments_index),
            ("POST", "attachments", cls.attachments_create),
            ("GET", "attachments/{id}", cls.attachments_show),
            ("PUT", "attachments/{id}", cls.attachments_update),
            ("DELETE", "attachments/{id}", cls.attachments_delete),
            ("POST", "attachments/{id}/action", cls.attachments_action),
            ("GET", "types/default", cls.types_default),
            ("GET", "types", cls.types_index),
            ("GET", "types/{id}", cls.types_show),
            ("GET", "limits", cls.limits),
            ("GET", "os-quota-sets/{tenant}/defaults", cls.quotas_defaults),
            ("GET", "os-quota-sets/{tenant}", cls.quotas_show),
            ("PUT", "os-quota-sets/{tenant}", cls.quotas_update),
            ("DELETE", "os-quota-sets/{tenant}", cls.quotas_delete),
            ("GET", "os-availability-zone", cls.availability_zones),
            *types_api.ROUTES,
            *backup_rest.ROUTES,
            *quota_classes_api.ROUTES,
            *services_api.ROUTES,
            *freeze.ROUTES,
            *qos_api.ROUTES,
            *type_encryption.ROUTES,
            *hosts_api.ROUTES,
            *extensions_api.ROUTES,
            *messages_api.ROUTES,
            *transfer_rest.ROUTES,
            *groups_rest.ROUTES,
            *consistencygroups_rest.ROUTES,
            *pools.ROUTES,
            *capabilities_api.ROUTES,
            *resource_filters_api.ROUTES,
            *workers_api.ROUTES,
            *volume_manage.ROUTES,
            *manage_existing.ROUTES,
            *snapshot_manage.ROUTES,
        ):
            # Paths without a project id first, so /v3/snapshots/{id} wins over
            # /v3/{project_id}/x.
            router.add(method, f"/v3/{path}", _wrap(handler))
            router.add(method, f"/v3/{{project_id}}/{path}", _wrap(handler))
            if variant and _v2_route(path):
                # The legacy v2 API (before 19.0.0), only under a project id (paths without
                # one came in 20.0.0, after it went).
                router.add(method, f"/v2/{{project_id}}/{path}", _wrap(handler))
        # The default types' paths came without a project id first, whatever the release's
        # others (switch cinder_default_types_bare_paths).
        for method, path, handler in default_types_api.ROUTES:
            router.add(method, f"/v3/{path}", _wrap(handler, bare_from=0))
            gate = default_types_api.with_project_paths
            with_project = served_from(1, gate, _wrap(handler))
            router.add(method, f"/v3/{{project_id}}/{path}", with_project)

    @staticmethod
    def _timed(work: Generator, major: int) -> Generator:
        try:
            return (yield from work)
        except exception.CinderException as exc:
            raise faults.to_http(worded(exc, major)) from None

    # -- helpers -----------------------------------------------------------------------------

    def _vc(self, req: Request, written: bool = False) -> ViewContext:
        """The view context of `req`; `written`: the answer shows a row just written, from
        the object in memory (`Cinder.written_timestamp`), not one read back."""
        return ViewContext(
            context=req.context,
            version=req.microversion,
            base_url=(req.base_url or self.cinder.config.public_endpoint).rstrip("/"),
            api_root="/v2" if req.path[:4] == "/v2/" else "/v3",
            url_project=req.params.get("project_id") or "",
            timestamp=self.cinder.written_timestamp if written else self.cinder.timestamp,
            store=self.cinder.store,
            host_name_to=self.host_name_to,
            targets=self.cinder.volume_targets,
        )

    @staticmethod
    def _body(req: Request) -> Any:
        try:
            return req.json()
        except ValueError:
            raise HttpError(400, "Malformed request body") from None

    @staticmethod
    def _query(req: Request) -> dict[str, str]:
        return {k: v[-1] for k, v in req.query.items() if v}

    def _all_tenants(self, req: Request, params: dict[str, str]) -> bool:
        if "all_tenants" not in params:
            return False
        return req.context.is_admin and controllers.get_bool_param("all_tenants", params)

    def _policy(self, req: Request, action: str, project_id: str | None) -> None:
        policy.authorize(req.context, action, project_id, self.cinder.policy_rules)

    # -- version documents -------------------------------------------------------------------

    def _versions_body(self, req: Request, v2: bool = True) -> dict[str, Any]:
        base = (req.base_url or self.cinder.config.public_endpoint).rstrip("/")
        api = self.series_api
        entries = [("v3.0", "CURRENT", api["max_microversion"], MIN_VERSION, api["updated"], 3)]
        if v2 and api["v2_listed"]:  # Cinder listed its deprecated v2 API until 18.x
            entries.insert(0, ("v2.0", "DEPRECATED", "", "", CINDER_V2_UPDATED, 2))
        return {
            "versions": [
                {
                    "id": vid,
                    "status": status,
                    "version": top,
                    "min_version": low,
                    "updated": updated,
                    "links": [
                        {
                            "rel": "describedby",
                            "type": "text/html",
                            "href": "https://docs.openstack.org/",
                        },
                        {"rel": "self", "href": f"{base}/v{major}/"},
                    ],
                    "media-types": [
                        {
                            "base": "application/json",
                            "type": f"application/vnd.openstack.volume+json;version={major}",
                        }
                    ],
                }
                for vid, status, top, low, updated, major in entries
            ]
        }

    def versions_all(self, req: Request) -> Response:
        """``GET /``: every version, 300 Multiple Choices."""
        return Response(300, self._versions_body(req))

    def versions_index(self, req: Request) -> Response:
        """``GET /v3/``: the v3 version, 200. Only ``GET /`` lists v2.0: the 3.0 ``index`` of
        ``VersionsController`` pops it (``cinder/api/versions.py``, 12.0.10 to 18.x).

        ``GET /v3`` (no slash) is the v3 router's ``mapper.redirect("", "/")`` (``api/v3/
        router.py``, 12.0.10 to 29.0.0): Routes answers ``302 Found`` before any controller
        (no microversion), with a ``text/plain`` empty body and the ``Location`` that WebOb's
        ``Response`` makes absolute on its way out through the pipeline's middleware."""
        if req.path in _REDIRECTED:
            return self._redirect_to_slash(req)
        return Response(200, self._versions_body(req, v2=False))

    def _redirect_to_slash(self, req: Request) -> Response:
        base = (req.base_url or self.cinder.config.public_endpoint).rstrip("/")
        response = Response(
            302,
            b"",
            {"Content-Type": "text/plain; charset=utf8", "Location": f"{base}{req.path}/"},
        )
        response.no_resource = True
        return response

    def versions_v2(self, req: Request) -> Response:
        """``GET /v2/`` before 19.0.0: the v2 router's ``versions`` route, the 2.0 ``index``
        of ``VersionsController``, which pops v3.0: the v2.0 document alone, 200, and no
        ``OpenStack-API-Version`` (a legacy endpoint's request is 2.0, never echoed). ``GET
        /v2`` is its router's redirect, as ``/v3``'s. From 19.0.0 no ``/v2`` is routed."""
        if self.cinder_major >= V2_GONE_FROM:
            raise NoRoute([])
        if req.path in _REDIRECTED:
            return self._redirect_to_slash(req)
        body = self._versions_body(req)
        body["versions"] = [v for v in body["versions"] if v["id"] == "v2.0"]
        return Response(200, body)

    def versioned(self, req: Request) -> bool:
        """Every ``/v3`` request but the redirect negotiates a microversion. A legacy ``/v2``
        one is `V2_REQUEST_VERSION`, whatever its headers say, and its answer names none
        (``Resource._process_stack`` and ``Fault``: ``not _is_legacy_endpoint(request)``,
        cinder 12.0.10-18.x ``api/openstack/wsgi.py``)."""
        path = req.path
        if path[:4] == "/v2/":
            req.microversion = V2_REQUEST_VERSION
            return False
        return path not in _REDIRECTED

    # -- volumes -----------------------------------------------------------------------------

    def _volume_list(self, req: Request, detail: bool) -> Response:
        page = _page_params(req)
        params = self._query(req)
        sort = _sort_params(_first_values(req))
        show_count, popped = self._show_count(req, params)
        filters = list_filters.multidict(req.query, popped)
        list_filters.volume_filters(filters, req.context, req.microversion, self.cinder_major)
        volumes = self.cinder.volume_api.list(req.context, filters)
        if sort is not None:
            keys = ["display_name" if k == "name" else k for k in sort[0]]
            _sort_rows(
                volumes,
                keys,
                sort[1],
                columns_of(VOLUME_COLUMNS, self.cinder_major),
                self.kernel.clock,
            )
        count = len(volumes or ()) if show_count else None
        if volumes is None:  # no query, so no marker fetched either (_generate_paginate_query)
            volumes = []
        else:
            volumes = _paginate(volumes, page, lambda m: exception.VolumeNotFound(volume_id=m))
        vc = self._vc(req)
        view = views.volume_detail if detail else views.volume_summary
        body = {"volumes": [view(vc, v) for v in volumes]}
        links = _with_links(body, "volumes", vc, params, page.limit, volumes, detail, count)
        return Response(200, links)

    def volumes_index(self, req: Request) -> Response:
        """``GET /volumes``."""
        return self._volume_list(req, detail=False)

    def volumes_detail(self, req: Request) -> Response:
        """``GET /volumes/detail``."""
        return self._volume_list(req, detail=True)

    def volumes_summary(self, req: Request) -> Response:
        """``GET /volumes/summary`` (3.12): count and total size; from 3.36 the distinct
        values of each metadata key too. Before 3.12, Cinder's 404 for a missing version."""
        if not req.microversion >= VOLUME_SUMMARY:
            raise controllers.not_found()
        # remove_invalid_filter_options drops all_tenants from a non-admin's query first.
        filters = list_filters.multidict(req.query)
        list_filters.summary_filters(filters, req.context, self.cinder_major)
        all_tenants = req.context.is_admin and controllers.get_bool_param("all_tenants", filters)
        count, size, metadata = self.cinder.volume_api.summary(req.context, all_tenants)
        summary: dict[str, Any] = {"total_count": count, "total_size": size}
        if req.microversion >= VOLUME_SUMMARY_METADATA:
            summary["metadata"] = metadata
        return Response(200, {"volume-summary": summary})

    def volumes_create(self, req: Request) -> Response:
        """``POST /volumes``: 202 and the volume, ``creating`` (no extension keys)."""
        volume = controllers.create_volume(
            self.cinder, req.context, self._body(req), req.microversion
        )
        vc = self._vc(req, written=True)  # db.volume_create's object
        return Response(202, {"volume": views.volume_detail(vc, volume, False)})

    def volumes_show(self, req: Request) -> Response:
        """``GET /volumes/{id}``."""
        volume = self.cinder.volume_api.get(req.context, req.params["id"])
        return Response(200, {"volume": views.volume_detail(self._vc(req), volume)})

    def volumes_update(self, req: Request) -> Response:
        """``PUT /volumes/{id}`` (no extension keys): metadata too large is the 413 of
        ``HTTPRequestEntityTooLarge`` (12.0.10 to 27.0.0 v2/volumes.py ``update``)."""
        try:
            volume = controllers.update_volume(
                self.cinder, req.context, req.params["id"], self._body(req), req.microversion
            )
        except exception.InvalidVolumeMetadataSize as error:
            raise HttpError(413, error.msg) from None
        return Response(200, {"volume": views.volume_detail(self._vc(req), volume, False)})

    def volumes_delete(self, req: Request) -> Response:
        """``DELETE /volumes/{id}[?cascade=true][&force=true]``: 202."""
        controllers.delete_volume(
            self.cinder, req.context, req.params["id"], self._query(req), req.microversion
        )
        return webob.WebObResponse(202, None, webob.plain_webob_headers())

    def volumes_action(self, req: Request) -> Response:
        """``POST /volumes/{id}/action``."""
        body = self._body(req)
        if isinstance(body, dict) and len(body) == 1:
            image_action = _IMAGE_METADATA_ACTIONS.get(next(iter(body)))
            if image_action is not None:
                return image_action(self, req, body)
            if migration.ACTION in body:
                migration.migrate_volume_action(
                    self.cinder, req.context, req.params["id"], body, req.microversion
                )
                return Response(202)
            if migration.COMPLETION in body:
                saved = migration.migrate_volume_completion_action(
                    self.cinder, req.context, req.params["id"], body
                )
                return Response(200, {"save_volume_id": saved})
            if controllers.INITIALIZE_CONNECTION in body:
                info = controllers.initialize_connection(
                    self.cinder, req.context, req.params["id"], body
                )
                return Response(200, {"connection_info": info})
            if reimage.ACTION in body and self.cinder_major >= reimage.SINCE:
                reimage.reimage_action(
                    self.cinder, req.context, req.params["id"], body, req.microversion
                )
                return Response(202)
            action = next(iter(body))
            if admin_volume_actions.serves(action, self.cinder_major):
                admin_volume_actions.volume_admin_action(
                    self.cinder, req.context, req.params["id"], body
                )
                if action == admin_volume_actions.UNMANAGE:  # volume_unmanage.py's own
                    return webob.WebObResponse(202, None, webob.plain_webob_headers())
                return Response(202)
            if revert.ACTION in body:
                revert.revert_action(
                    self.cinder, req.context, req.params["id"], body, req.microversion
                )
                return Response(202)
            if "os-volume_upload_image" in body:
                inner = controllers.volume_upload_image(
                    self.cinder, req.context, req.params["id"], body, req.microversion
                )
                return Response(202, {"os-volume_upload_image": inner})
        status = controllers.volume_action(
            self.cinder, req.context, req.params["id"], self._body(req), req.microversion
        )
        return Response(status)

    # -- image metadata actions (cinder/api/contrib/volume_image_metadata.py) ---------------

    def _show_image_metadata(self, req: Request, body: Any) -> Response:
        validate(SHOW_IMAGE_METADATA, body)
        api = self.cinder.volume_api
        volume = api.get(req.context, req.params["id"])
        return Response(200, {"metadata": api.get_image_metadata(req.context, volume)})

    def _set_image_metadata(self, req: Request, body: Any) -> Response:
        api = self.cinder.volume_api
        if self.cinder_major > QUEENS:
            switches = self.cinder.kernel.switches
            schema = SET_IMAGE_METADATA_255 if switches.cinder_image_metadata_value_255 else None
            validate(for_release(schema or SET_IMAGE_METADATA, switches), body)
            volume = api.get(req.context, req.params["id"])
            metadata = body["os-set_image_metadata"]["metadata"]
            saved = api.set_image_metadata(req.context, volume, metadata)
            return Response(200, {"metadata": saved})
        # Queens' action has no schema (12.0.10 contrib/volume_image_metadata.py ``create``):
        # the volume, its policy (``context.authorize(IMAGE_METADATA_POLICY, target_obj=
        # volume)``, before the body: a caller it refuses is 403 whatever the body; session
        # 41 found the body's 400 first), then the body, then ``_update_volume_metadata``'s
        # ``check_metadata_properties`` (`VolumeAPI.set_image_metadata`), its two errors and the
        # db's ``metadata.items()`` answered as ``_update_volume_image_metadata`` answers them.
        # 13.0.0 on, ``@validation.schema`` checks the body first (above).
        volume = api.get(req.context, req.params["id"])
        api.authorize_image_metadata(req.context, volume, "set")
        try:
            metadata = body["os-set_image_metadata"]["metadata"]
            saved = api.set_image_metadata(req.context, volume, metadata)
        except (KeyError, TypeError, ValueError, AttributeError):
            raise HttpError(400, "Malformed request body.") from None
        except exception.InvalidVolumeMetadataSize as error:
            raise HttpError(413, error.msg) from None
        return Response(200, {"metadata": saved})

    def _unset_image_metadata(self, req: Request, body: Any) -> Response:
        api = self.cinder.volume_api
        if self.cinder_major > QUEENS:
            validate(UNSET_IMAGE_METADATA, body)
            volume = api.get(req.context, req.params["id"])
            key = body["os-unset_image_metadata"]["key"]
        else:
            # Queens' action has no schema (12.0.10 contrib/volume_image_metadata.py
            # ``delete``): the volume, its policy, then the key by hand
            volume = api.get(req.context, req.params["id"])
            api.authorize_image_metadata(req.context, volume, "remove")
            try:
                key = body["os-unset_image_metadata"]["key"]
            except (KeyError, TypeError):
                raise HttpError(400, "Malformed request body.") from None
            if not key:
                raise HttpError(400, "The key cannot be None.")
        api.unset_image_metadata(req.context, volume, key)
        return webob.WebObResponse(200, None, webob.plain_webob_headers())

    # -- snapshots ---------------------------------------------------------------------------

    def _snapshot_list(self, req: Request, detail: bool) -> Response:
        sort = _sort_params(_first_values(req))  # snapshots' _items reads sorting first
        page = _page_params(req)
        params = self._query(req)
        show_count, popped = self._show_count(req, params)
        filters = list_filters.multidict(req.query, popped)
        list_filters.snapshot_filters(filters, req.context, req.microversion, self.cinder_major)
        snaps = self.cinder.snapshot_api.list(req.context, filters.copy())
        if sort is not None:
            keys = sort[0]
            if req.microversion >= SNAPSHOT_SORT:  # 'name' sorts by display_name from 3.30
                keys = ["display_name" if k == "name" else k for k in keys]
            _sort_rows(
                snaps,
                keys,
                sort[1],
                columns_of(SNAPSHOT_COLUMNS, self.cinder_major),
                self.kernel.clock,
            )
        count = self.cinder.snapshot_api.count(req.context, filters) if show_count else None
        if snaps is None:
            snaps = []
        else:
            snaps = _paginate(snaps, page, lambda m: exception.SnapshotNotFound(snapshot_id=m))
        vc = self._vc(req)
        if detail:
            extended = self._extended(req)
            items = [views.snapshot_detail(vc, s, extended=extended) for s in snaps]
        else:
            items = [views.snapshot_summary(vc, s) for s in snaps]
        body = {"snapshots": items}
        links = _with_links(body, "snapshots", vc, params, page.limit, snaps, detail, count)
        return Response(200, links)

    @staticmethod
    def _show_count(req: Request, params: dict[str, str]) -> tuple[bool, tuple[str, ...]]:
        """From 3.45 (``SUPPORT_COUNT_INFO``) ``with_count`` asks for ``count`` (how many items
        match the filters, marker and limit aside: ``calculate_resource_count``), read with
        ``get_bool_param`` before the filters and popped once; and what the list popped."""
        if not (req.microversion >= SUPPORT_COUNT_INFO and "with_count" in params):
            return False, _POPPED
        return controllers.get_bool_param("with_count", params), (*_POPPED, "with_count")

    def _extended(self, req: Request, project_id: str | None = None) -> bool:
        return policy.allowed(
            req.context,
            "volume_extension:extended_snapshot_attributes",
            project_id,
            self.cinder.policy_rules,
        )

    def snapshots_index(self, req: Request) -> Response:
        """``GET /snapshots``."""
        return self._snapshot_list(req, detail=False)

    def snapshots_detail(self, req: Request) -> Response:
        """``GET /snapshots/detail`` (with ``os-extended-snapshot-attributes:*``)."""
        return self._snapshot_list(req, detail=True)

    def snapshots_create(self, req: Request) -> Any:
        """``POST /snapshots``: 202 and the snapshot, ``creating`` (no progress key)."""
        snap = controllers.create_snapshot(
            self.cinder, req.context, self._body(req), req.microversion
        )
        if isinstance(snap, GeneratorType):  # ``snapshot_recheck_delay_s`` > 0
            return self._snapshot_created(req, snap)
        vc = self._vc(req, written=True)  # db.snapshot_create's object
        return Response(202, {"snapshot": views.snapshot_detail(vc, snap)})

    def _snapshot_created(self, req: Request, work: Generator) -> Generator:
        snap = yield from work
        vc = self._vc(req, written=True)
        return Response(202, {"snapshot": views.snapshot_detail(vc, snap)})

    def snapshots_show(self, req: Request) -> Response:
        """``GET /snapshots/{id}`` (with ``os-extended-snapshot-attributes:*``)."""
        snap = self.cinder.snapshot_api.get(req.context, req.params["id"])
        extended = self._extended(req, snap.project_id)
        return Response(
            200, {"snapshot": views.snapshot_detail(self._vc(req), snap, extended=extended)}
        )

    def snapshots_update(self, req: Request) -> Response:
        """``PUT /snapshots/{id}``."""
        snap = controllers.update_snapshot(
            self.cinder, req.context, req.params["id"], self._body(req)
        )
        return Response(200, {"snapshot": views.snapshot_detail(self._vc(req), snap)})

    def snapshots_delete(self, req: Request) -> Response:
        """``DELETE /snapshots/{id}``: 202."""
        api = self.cinder.snapshot_api
        api.delete(req.context, api.get(req.context, req.params["id"]))
        return webob.WebObResponse(202, None, webob.plain_webob_headers())

    def snapshots_action(self, req: Request) -> Response:
        """``POST /snapshots/{id}/action``."""
        body = self._body(req)
        status = controllers.snapshot_action(self.cinder, req.context, req.params["id"], body)
        if "os-update_snapshot_status" in body or "os-unmanage" in body:
            # snapshot_actions.py's and snapshot_unmanage.py's own webob.Response
            return webob.WebObResponse(status, None, webob.plain_webob_headers())
        return Response(status)

    # -- volume metadata (cinder/api/v3/volume_metadata.py) ---------------------------------

    def _volume_meta(self, req: Request) -> tuple[Any, dict[str, str]]:
        api = self.cinder.volume_api
        volume = api.get(req.context, req.params["id"])
        return volume, api.get_metadata(req.context, volume)

    def _etag_refused(self, req: Request) -> bool:
        """From 3.15 (``ETAGS``) an ``If-Match`` that names none of the md5 of the volume's
        current ``{"metadata": ...}`` refuses a write (412, no body)."""
        if not req.microversion >= ETAGS:
            return False
        raw = req.headers.get("If-Match")
        if not raw:
            return False
        tags = {t.strip().removeprefix("W/").strip('"') for t in raw.split(",")}
        return _metadata_etag(self._volume_meta(req)[1]) not in tags

    def volume_metadata_index(self, req: Request) -> Response:
        """``GET /volumes/{id}/metadata``; from 3.15 with the md5 of the body as ``Etag``."""
        body = {"metadata": self._volume_meta(req)[1]}
        if req.microversion >= ETAGS:
            return webob.WebObResponse(200, body, {"Etag": _metadata_etag(body["metadata"])})
        return Response(200, body)

    def _volume_update_meta(
        self, req: Request, metadata: dict[str, str], delete: bool, create: bool = False
    ) -> dict[str, str]:
        api = self.cinder.volume_api
        volume = api.get(req.context, req.params["id"])
        action = "volume:create_volume_metadata" if create else "volume:update_volume_metadata"
        return api.update_metadata(req.context, volume, metadata, delete=delete, action=action)

    def volume_metadata_create(self, req: Request) -> Response:
        """``POST /volumes/{id}/metadata``: merge (``create_volume_metadata``)."""
        body = self._body(req)
        validate(self.volume_metadata_schemas[0], body)
        meta = self._volume_update_meta(req, body["metadata"], False, create=True)
        return Response(200, {"metadata": meta})

    def volume_metadata_update_all(self, req: Request) -> Response:
        """``PUT /volumes/{id}/metadata``: replace."""
        body = self._body(req)
        validate(self.volume_metadata_schemas[0], body)
        if self._etag_refused(req):
            return webob.WebObResponse(412, None, webob.plain_webob_headers())
        return Response(200, {"metadata": self._volume_update_meta(req, body["metadata"], True)})

    def volume_metadata_show(self, req: Request) -> Response:
        """``GET /volumes/{id}/metadata/{key}``."""
        volume, meta = self._volume_meta(req)
        key = req.params["key"]
        if key not in meta:
            raise exception.VolumeMetadataNotFound(volume_id=req.params["id"], metadata_key=key)
        return Response(200, {"meta": {key: meta[key]}})

    def volume_metadata_update(self, req: Request) -> Response:
        """``PUT /volumes/{id}/metadata/{key}``: one item."""
        body = self._body(req)
        validate(self.volume_metadata_schemas[1], body)
        if self._etag_refused(req):
            return webob.WebObResponse(412, None, webob.plain_webob_headers())
        item = body["meta"]
        if req.params["key"] not in item:
            raise HttpError(400, "Request body and URI mismatch")
        if len(item) > 1:
            raise HttpError(400, "Request body contains too many items")
        self._volume_update_meta(req, item, False)
        return Response(200, {"meta": item})

    def volume_metadata_delete(self, req: Request) -> Response:
        """``DELETE /volumes/{id}/metadata/{key}``: 200."""
        volume, meta = self._volume_meta(req)
        key = req.params["key"]
        if key not in meta:
            raise exception.VolumeMetadataNotFound(volume_id=req.params["id"], metadata_key=key)
        self.cinder.volume_api.delete_metadata(req.context, volume, key)
        return webob.WebObResponse(200, None, webob.plain_webob_headers())

    # -- snapshot metadata -------------------------------------------------------------------

    def _snap_meta(self, req: Request) -> tuple[Any, dict[str, str]]:
        api = self.cinder.snapshot_api
        snap = api.get(req.context, req.params["id"])
        return snap, api.get_metadata(req.context, snap)

    def snapshot_metadata_index(self, req: Request) -> Response:
        """``GET /snapshots/{id}/metadata``."""
        return Response(200, {"metadata": dict(self._snap_meta(req)[1])})

    def _update_meta(self, req: Request, metadata: Any, delete: bool) -> dict[str, str]:
        api = self.cinder.snapshot_api
        snap = api.get(req.context, req.params["id"])
        try:
            return dict(api.update_metadata(req.context, snap, metadata, delete=delete))
        except exception.InvalidVolumeMetadataSize as error:
            raise HttpError(413, error.msg) from None

    def _check_snapshot_metadata(self, req: Request, schema: dict, entity: str) -> Any:
        """The body of a snapshot-metadata write: checked by `schema` from Cinder 28.0.0
        (1d41db9f8), by ``assert_valid_body`` alone before (the volume API's
        ``check_metadata_properties`` then checks keys and values)."""
        body = self._body(req)
        if self.cinder_major >= SNAPSHOT_METADATA_SCHEMA_SINCE:
            validate(schema, body)
        else:
            assert_valid_body(body, entity)
        return body

    def snapshot_metadata_create(self, req: Request) -> Response:
        """``POST /snapshots/{id}/metadata``: merge."""
        body = self._check_snapshot_metadata(req, SNAPSHOT_METADATA_CREATE, "metadata")
        return Response(200, {"metadata": self._update_meta(req, body["metadata"], False)})

    def snapshot_metadata_update_all(self, req: Request) -> Response:
        """``PUT /snapshots/{id}/metadata``: replace."""
        body = self._check_snapshot_metadata(req, SNAPSHOT_METADATA_CREATE, "metadata")
        return Response(200, {"metadata": self._update_meta(req, body["metadata"], True)})

    def snapshot_metadata_show(self, req: Request) -> Response:
        """``GET /snapshots/{id}/metadata/{key}``."""
        snap, meta = self._snap_meta(req)
        key = req.params["key"]
        if key not in meta:
            raise exception.SnapshotMetadataNotFound(snapshot_id=snap.id, metadata_key=key)
        return Response(200, {"meta": {key: meta[key]}})

    def snapshot_metadata_update(self, req: Request) -> Response:
        """``PUT /snapshots/{id}/metadata/{key}``: one item."""
        body = self._check_snapshot_metadata(req, SNAPSHOT_METADATA_UPDATE, "meta")
        item = body["meta"]
        if req.params["key"] not in item:
            raise HttpError(400, "Request body and URI mismatch")
        if len(item) > 1:
            raise HttpError(400, "Request body contains too many items")
        self._update_meta(req, item, False)
        return Response(200, {"meta": item})

    def snapshot_metadata_delete(self, req: Request) -> Response:
        """``DELETE /snapshots/{id}/metadata/{key}``: 200. As ``SnapshotMetadataController
        .delete``: the metadata read first (the reader's policy), a missing key a 404, then the
        delete's policy."""
        snap, meta = self._snap_meta(req)
        key = req.params["key"]
        if key not in meta:
            raise exception.SnapshotMetadataNotFound(snapshot_id=snap.id, metadata_key=key)
        self.cinder.snapshot_api.delete_metadata(req.context, snap, key)
        return webob.WebObResponse(200, None, webob.plain_webob_headers())

    # -- attachments -------------------------------------------------------------------------

    def _attachment_list(self, req: Request, detail: bool) -> Response:
        """Attachments' ``_items`` (3.27+): sorting, then paging popped and read as for
        snapshots, then the filters (`list_filters.attachment_filters`)."""
        if not req.microversion >= controllers.NEW_ATTACH:
            raise controllers.not_found()
        sort = _sort_params(_first_values(req))
        page = _page_params(req)
        filters = list_filters.multidict(req.query, _POPPED)
        list_filters.attachment_filters(filters, req.context, req.microversion, self.cinder_major)
        items = self.cinder.attachment_api.list(req.context, filters)
        if sort is not None:
            _sort_rows(items, sort[0], sort[1], ATTACHMENT_COLUMNS, self.kernel.clock)
        if items is None:
            items = []
        else:
            items = _paginate(
                items,
                page,
                lambda m: exception.VolumeAttachmentNotFound(filter=f"attachment_id = {m}"),
            )
        vc = self._vc(req)
        if detail:
            out = [views.attachment_detail(vc, a) for a in items]
        else:
            out = [views.attachment_summary(a) for a in items]
        return Response(200, {"attachments": out})

    def attachments_index(self, req: Request) -> Response:
        """``GET /attachments`` (3.27+)."""
        return self._attachment_list(req, detail=False)

    def attachments_detail(self, req: Request) -> Response:
        """``GET /attachments/detail`` (3.27+)."""
        return self._attachment_list(req, detail=True)

    def attachments_create(self, req: Request) -> Response:
        """``POST /attachments`` (3.27+): 200 (Cinder 12.0.0-12.0.6: 202) and the attachment."""
        attachment = controllers.create_attachment(
            self.cinder, req.context, self._body(req), req.microversion
        )
        view = views.attachment_detail(self._vc(req), attachment)
        return Response(self.attachment_created, {"attachment": view})

    def attachments_show(self, req: Request) -> Response:
        """``GET /attachments/{id}`` (3.27+)."""
        if not req.microversion >= controllers.NEW_ATTACH:
            raise controllers.not_found()
        attachment = self.cinder.attachment_api.get(req.context, req.params["id"])
        return Response(200, {"attachment": views.attachment_detail(self._vc(req), attachment)})

    def attachments_update(self, req: Request) -> Response:
        """``PUT /attachments/{id}`` (3.27+)."""
        attachment = controllers.update_attachment(
            self.cinder, req.context, req.params["id"], self._body(req), req.microversion
        )
        return Response(200, {"attachment": views.attachment_detail(self._vc(req), attachment)})

    def attachments_delete(self, req: Request) -> Response:
        """``DELETE /attachments/{id}`` (3.27+): 200 and the attachments left."""
        left = controllers.delete_attachment(
            self.cinder, req.context, req.params["id"], req.microversion
        )
        return Response(200, {"attachments": [views.attachment_summary(a) for a in left]})

    def attachments_action(self, req: Request) -> Response:
        """``POST /attachments/{id}/action``: ``os-complete`` (3.44+), 204 (Cinder
        12.0.0-12.0.6: 202)."""
        status = controllers.attachment_action(
            self.cinder, req.context, req.params["id"], self._body(req), req.microversion
        )
        return Response(status)

    # -- types, limits, quotas, zones --------------------------------------------------------

    def _type_view(self, req: Request, vtype: Any) -> dict[str, Any]:
        def may(action: str) -> bool:
            return policy.allowed(req.context, action, None, self.cinder.policy_rules)

        # Until 084212711 (Cinder 19.0.0) the extra specs were the admins' only (``rule:
        # admin_api``, ``cinder/policies/volume_type.py`` 12.0.10 to 18.x), all of them.
        specs = may("volume_extension:access_types_extra_specs") and (
            self.cinder_major >= USER_VISIBLE_EXTRA_SPECS_SINCE or req.context.is_admin
        )
        return views.volume_type(
            vtype,
            extra_specs=specs,
            sensitive=may("volume_extension:types_extra_specs:read_sensitive"),
            qos=may("volume_extension:access_types_qos_specs_id"),
            access=may("volume_extension:volume_type_access"),
            qos_specs_id=qos_specs.spec_id_of_type(self.cinder, vtype),
        )

    def types_index(self, req: Request) -> Response:
        """``GET /types``: the types the series' filters keep (`fakecloud.cinder.type_list`),
        paged (``get_pagination_params``; a marker the caller cannot see is a 404)."""
        page = _page_params(req)
        ctx = req.context
        sensitive = policy.allowed(
            ctx, "volume_extension:types_extra_specs:read_sensitive", None,
            self.cinder.policy_rules,
        )  # fmt: skip
        filters = type_list.type_filters(
            req.query, _POPPED, ctx, req.microversion, self.cinder_major, sensitive
        )
        cinder = self.cinder
        types = type_list.select(
            list(cinder.volume_types.values()),
            filters,
            lambda t: cinder.type_shared(t, ctx.project_id),
        )
        if filters is not None:
            if page.marker is not None:
                self.cinder.volume_type_by_id(page.marker, ctx)
            types = _paginate(types, page, lambda m: exception.VolumeTypeNotFound(volume_type_id=m))
        return Response(200, {"volume_types": [self._type_view(req, t) for t in types]})

    def types_show(self, req: Request) -> Response:
        """``GET /types/{id}``."""
        # get_volume_type: by id only (a name is no id: 404), private hidden from a member.
        vtype = self.cinder.volume_type_by_id(req.params["id"], req.context)
        return Response(200, {"volume_type": self._type_view(req, vtype)})

    def types_default(self, req: Request) -> Response:
        """``GET /types/default``: the default type, at every microversion
        (``VolumeTypesController.show`` special-cases the id ``default``, Queens to 29): the
        caller's project's own from 17.0.0 (``get_default_volume_type(context)``)."""
        vtype = self.cinder.project_default_type(req.context)
        return Response(200, {"volume_type": self._type_view(req, vtype)})

    def limits(self, req: Request) -> Response:
        """``GET /limits``: ``rate`` (empty) and ``absolute`` limits and usage."""
        ctx = req.context
        params = self._query(req)
        project_id = ctx.project_id
        if ctx.is_admin and req.microversion >= LIMITS_USED_PROJECT_FILTER:
            project_id = params.get("project_id", params.get("tenant_id", project_id))
        absolute = views.absolute_limits(self.cinder.quotas, project_id)
        return Response(200, {"limits": {"rate": [], "absolute": absolute}})

    def quotas_show(self, req: Request) -> Response:
        """``GET /os-quota-sets/{tenant}[?usage=true]``."""
        target = req.params["tenant"]
        self._policy(req, "volume_extension:quotas:show", target)
        usage = controllers.get_bool_param("usage", self._query(req))
        quotas = self.cinder.quotas
        if usage:
            body = {r: dict(v) for r, v in quotas.usages(target).items()}
            if self.cinder_major < ALLOCATED_GONE and quotas.overrides(target):
                # ``DbQuotaDriver.get_project_quotas`` before 18.0.0: a project with quota
                # rows of its own gets each row's ``allocated`` (the nested driver's, 0 since
                # it went), every resource's (6005fc25f removed it)
                for entry in body.values():
                    entry["allocated"] = 0
        else:
            body = quotas.limits(target)
        return Response(200, {"quota_set": {"id": target, **body}})

    def quotas_defaults(self, req: Request) -> Response:
        """``GET /os-quota-sets/{tenant}/defaults``: the show policy, target the named project
        (``QuotaSetsController.defaults``, Queens to 29)."""
        target = req.params["tenant"]
        self._policy(req, "volume_extension:quotas:show", target)
        return Response(200, {"quota_set": {"id": target, **self.cinder.quotas.defaults()}})

    def quotas_update(self, req: Request) -> Response:
        """``PUT /os-quota-sets/{tenant}`` (admin), as ``QuotaSetsController.update``: the
        schema (with the ``quota_set`` format's integer and key checks; Queens: the policy,
        then its own checks), then no limit below
        what the project uses, but only for resources the project already has a limit of its
        own for (``get_project_quotas(defaults=False)``); the answer has no ``id``."""
        target = req.params["tenant"]
        body = self._body(req)
        quotas = self.cinder.quotas
        if self.cinder_major > QUEENS:
            # ``@validation.schema`` (schemas/quotas.py, 13.0.0 on) runs before the method
            # body, so before its policy check.
            validate(QUOTA_SET_PROPERTIES, body)
            if isinstance(body, dict) and isinstance(body.get("quota_set"), dict):
                check_quota_set(body["quota_set"], quotas.resources)
            validate(QUOTA_SET_UPDATE, body)
            self._policy(req, "volume_extension:quotas:update", target)
        else:
            # Queens (12.0.10 contrib/quotas.py): the policy, ``assert_valid_body``, every
            # unknown key (joined with a bare comma); each value then as its turn comes.
            self._policy(req, "volume_extension:quotas:update", target)
            assert_valid_body(body, "quota_set")
            bad = [k for k in body["quota_set"] if k not in quotas.resources]
            bad = [k for k in bad if k not in NON_QUOTA_KEYS]
            if bad:
                raise HttpError(400, f"Bad key(s) in quota set: {','.join(bad)}")
        own, usages = quotas.overrides(target), quotas.usages(target)
        limits = {}
        for key, value in body["quota_set"].items():
            if key in NON_QUOTA_KEYS:
                continue
            limit = validate_integer(value, key, -1, DB_MAX_INT)
            if key in own and key != "per_volume_gigabytes" and limit != -1:
                used = usages[key]["in_use"] + usages[key]["reserved"]
                if limit < used:
                    raise HttpError(
                        400,
                        f"Quota {key} limit must be equal or greater than existing resources. "
                        f"Current usage is {used} and the requested limit is {limit}.",
                    )
            limits[key] = limit
        quotas.set_limits(target, **limits)
        return Response(200, {"quota_set": quotas.limits(target)})

    def quotas_delete(self, req: Request) -> Response:
        """``DELETE /os-quota-sets/{tenant}`` (admin): ``quota_destroy_by_project``, the
        project's own limits go and the defaults hold again; usage stays (an empty 200)."""
        target = req.params["tenant"]
        self._policy(req, "volume_extension:quotas:delete", target)
        self.cinder.quotas.clear_limits(target)
        return Response(200)

    def availability_zones(self, req: Request) -> Response:
        """``GET /os-availability-zone``."""
        zone = self.cinder.config.storage_availability_zone
        return Response(
            200,
            {"availabilityZoneInfo": [{"zoneName": zone, "zoneState": {"available": True}}]},
        )


def _metadata_etag(metadata: dict[str, str]) -> str:
    """``VolumeMetadataController``'s ETag: the md5 of ``jsonutils.dumps({"metadata": ...})``."""
    data = json.dumps({"metadata": metadata}).encode("utf-8")
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


#: The volume actions of the image-metadata extension, answered with a body.
_IMAGE_METADATA_ACTIONS = {
    "os-show_image_metadata": CinderApi._show_image_metadata,
    "os-set_image_metadata": CinderApi._set_image_metadata,
    "os-unset_image_metadata": CinderApi._unset_image_metadata,
}
