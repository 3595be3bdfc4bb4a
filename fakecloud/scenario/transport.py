"""How a scenario reaches a cloud's APIs: an authenticated `Request` for a named user, handed
to the service's `ApiService.dispatch` without blocking the clock.

Steps run as simulated processes, so a request must not drive the clock itself (as the
synchronous ``cloud.request`` does): `Transport.send` returns the service's `Response`, or the
generator the step's process drives on the virtual clock, so concurrent requests overlap.

Paths are the service's own, as ``cloud.request`` takes them (``/v2.1/servers``,
``/v3/{project_id}/volumes``, ``/v2/images``, ``/v3/projects``), or relative to the catalog URL
as openstacksdk users write them (``/servers``, ``/volumes``): the version prefix is added
(``volumev2``'s is ``/v2/{project_id}``, Cinder's v2 API before 19.0.0).
``{project_id}`` becomes the caller's project.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any
from urllib.parse import parse_qs

from fakecloud.api import cors
from fakecloud.api.http import Request, Response, WsgiServerError
from fakecloud.identity.exception import Error as IdentityError
from fakecloud.transport.auth import (
    DEFAULT_REQUEST_ID_HEADERS,
    authenticate,
    refuse_token,
    stamp_request_id,
)
from fakecloud.transport.endpoints import check_volume_v2

#: Service type → the `Cloud` attribute that holds the service (its ``.api`` answers).
SERVICE_ATTRIBUTES = {
    "compute": "nova",
    "image": "glance",
    "block-storage": "cinder",
    "volumev2": "cinder",
    "identity": "keystone",
}
#: The catalog path of each service (fakecloud.transport.endpoints.CATALOG has the same).
CATALOG_PATHS = {
    "compute": "/v2.1",
    "image": "",
    "block-storage": "/v3/{project_id}",
    "volumev2": "/v2/{project_id}",
    "identity": "/v3",
}
_IDENTITY_ROOTS = frozenset(
    {"auth", "projects", "users", "roles", "domains", "role_assignments", "groups", "system"}
    | {"credentials", "services", "endpoints", "regions", "limits", "registered_limits"}
)
_BLOCK_STORAGE_ROOTS = frozenset(
    {"volumes", "snapshots", "types", "backups", "attachments", "qos-specs", "group_snapshots"}
    | {"scheduler-stats", "os-volume-transfer", "volume-transfers", "manageable_volumes"}
)
#: The identity roots a path without its version prefix may start with (``/limits`` is Nova's).
_UNVERSIONED_IDENTITY_ROOTS = _IDENTITY_ROOTS - {"limits"}


class Unreachable(Exception):
    """The cloud has no service (or no such user) to answer a scenario's request."""


def infer_service(path: str) -> str:
    """The service type a path belongs to when a step does not say (see the schema)."""
    found = _SERVICE_OF.get(path)  # every run of a case sends the same paths
    if found is None:
        found = _infer_service(path)
        if len(_SERVICE_OF) >= 4096:
            _SERVICE_OF.clear()
        _SERVICE_OF[path] = found
    return found


_SERVICE_OF: dict[str, str] = {}


def _infer_service(path: str) -> str:
    parts = [p for p in path.split("?")[0].split("/") if p]
    first = parts[0] if parts else ""
    second = parts[1] if len(parts) > 1 else ""
    if first in ("v2", "v2.0"):
        return "image"
    if first == "v3":
        identity = second in _IDENTITY_ROOTS or second.startswith("OS-")
        return "identity" if identity else "block-storage"
    if first in _BLOCK_STORAGE_ROOTS:
        return "block-storage"
    if first in _UNVERSIONED_IDENTITY_ROOTS or first.startswith("OS-"):
        return "identity"
    return "compute"


def parsed_query(query: str) -> dict[str, list[str]]:
    """``parse_qs(query, keep_blank_values=True)``, as `Request.build` parses a query string,
    parsed once per text (every run of a case sends the same queries). Shared: read it, or
    hand it to `Request.build`, which makes the request's own lists from it."""
    found = _QUERIES.get(query)
    if found is None:
        found = parse_qs(query, keep_blank_values=True)
        if len(_QUERIES) >= 4096:
            _QUERIES.clear()
        _QUERIES[query] = found
    return found


_QUERIES: dict[str, dict[str, list[str]]] = {}


def full_path(service_type: str, path: str) -> str:
    """The path on the service's host: the catalog prefix added unless already there."""
    prefix = CATALOG_PATHS.get(service_type, "")
    if not prefix:
        return path
    version = "/" + prefix.strip("/").split("/")[0]
    if path == version or path.startswith(version + "/") or path.startswith(version + "?"):
        return path
    return prefix + path


class Transport:
    """Requests from named users to the services of a cloud, authenticated as Keystone would."""

    def __init__(self, cloud: Any):
        self.cloud = cloud

    def context(self, user: str) -> Any:
        """The request context of `user`."""
        try:
            return self.cloud.context(user)
        except AttributeError:
            raise Unreachable(f"this cloud has no identity service to act as {user!r}") from None
        except KeyError as exc:
            raise Unreachable(str(exc.args[0]) if exc.args else f"no user {user!r}") from None

    def api(self, service_type: str) -> Any:
        """The `ApiService` of `service_type`."""
        attr = SERVICE_ATTRIBUTES.get(service_type, service_type)
        service = getattr(self.cloud, attr, None)
        if service is None:
            raise Unreachable(f"this cloud has no {service_type} service (cloud.{attr})")
        return getattr(service, "api", service)

    def send(
        self,
        service_type: str,
        method: str,
        path: str,
        *,
        user: str,
        body: Any = None,
        microversion: str | None = None,
        headers: dict[str, Any] | None = None,
        base_url: str | None = None,
    ) -> Response | Generator[Any, Any, Response]:
        """Send one request: the answer, or a generator that drives it to its answer. A
        scenario step's `path` gets the catalog's prefix unless it has it (`full_path`) and
        its links are relative; with a `base_url` (the service's URL) the path is the one on
        that host, sent as it is, as ``cloud.request`` sends it, and links name the host."""
        api = self.api(service_type)
        if service_type == "volumev2":
            try:
                check_volume_v2(path, self.cloud.kernel.switches.series.cinder)
            except (KeyError, ValueError) as exc:
                raise Unreachable(str(exc.args[0])) from None
        sent = {"Accept": "application/json"}
        try:
            project_id, token = self._credentials(user)
        except IdentityError as exc:
            return refuse_token(self.api("identity"), self.cloud.keystone, exc)
        if token is not None:
            sent["X-Auth-Token"] = token
        if microversion is not None and getattr(api, "versions", None) is not None:
            sent["OpenStack-API-Version"] = f"{api.versions.service_type} {microversion}"
        if body is not None and not isinstance(body, (bytes, str)):
            sent["Content-Type"] = "application/json"
        sent.update({str(k): str(v) for k, v in (headers or {}).items()})
        if base_url is None:
            path = full_path(service_type, path)
        if project_id is not None:
            path = path.replace("{project_id}", project_id)
        raw_path, _, query = path.partition("?")
        parsed = parsed_query(query) if query else None
        req = Request.build(
            method, raw_path, query=parsed, headers=sent, body=body, base_url=base_url or ""
        )
        refused = self._authenticate(api, req, user)
        if refused is not None:
            return cors.filtered(api, req.method, refused)
        answer = api.dispatch(req)
        if isinstance(answer, Response):
            return self._stamp(api, req, answer)
        if req.method != "OPTIONS" and not getattr(
            api, "request_id_headers", DEFAULT_REQUEST_ID_HEADERS
        ):
            # Nothing to stamp (Nova's API puts its request ids on itself): the service's own
            # generator, without a frame more for as long as the request runs.
            return answer
        return self._drive(api, req, answer)

    def _drive(self, api: Any, req: Request, work: Generator) -> Generator:
        response = yield from work
        return self._stamp(api, req, response)

    # -- identity ----------------------------------------------------------------------------

    def _credentials(self, user: str) -> tuple[str | None, str | None]:
        keystone = getattr(self.cloud, "keystone", None)
        if keystone is None:
            return self.context(user).project_id, None
        try:
            token = keystone.token_for(user)
        except KeyError as exc:
            raise Unreachable(str(exc.args[0]) if exc.args else f"no user {user!r}") from None
        project = getattr(token, "project", None)
        return (project.id if project is not None else None), token.id

    def _authenticate(self, api: Any, req: Request, user: str) -> Response | None:
        keystone = getattr(self.cloud, "keystone", None)
        if keystone is None:
            req.context = self.context(user)
            return None
        return authenticate(keystone, api, req)

    def _stamp(self, api: Any, req: Request, response: Response) -> Response:
        request_id = getattr(req.context, "request_id", "")
        if request_id and response.__class__ is not WsgiServerError:
            stamp_request_id(api, response, request_id)
        return cors.filtered(api, req.method, response)  # outside the service, as on the wire
