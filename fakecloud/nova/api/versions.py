"""The version documents (``nova/api/openstack/compute/versions.py``): ``GET /`` lists v2.0
and v2.1; ``GET /v2.1`` (and ``/v2``) describe one, with the profile's microversion range
(before 21.0.0 the bare path is a 302 to itself with a final ``/``); ``GET
/v2.1/versions/{id}`` describes the one named; any other path the root application is given
answers 300 Multiple Choices."""

from __future__ import annotations

from typing import Any

from fakecloud import late
from fakecloud.api.http import HttpError, Request, Response
from fakecloud.api.router import NoRoute
from fakecloud.nova.api.urlmap import legacy_v2

_DOCS = "http://docs.openstack.org/"
#: The API router's ``('', '/')`` redirect (routes' ``Mapper.redirect``) takes these paths
#: before 21.0.0.
_BARE = ("/v2", "/v2.1")


class VersionsController:
    """The unauthenticated discovery documents."""

    def __init__(self, nova: Any, service: Any):
        self.nova = nova
        self.service = service

    def _versions(self) -> dict[str, dict[str, Any]]:
        versions = self.service.versions
        # The legacy v2.0 API was deprecated in 32.0.0 (switch v2_api_deprecated).
        deprecated = self.nova.kernel.switches.v2_api_deprecated
        v20_updated = "2025-07-04T12:00:00Z" if deprecated else "2011-01-21T11:33:21Z"
        return {
            "v2.0": {
                "id": "v2.0",
                "status": "DEPRECATED" if deprecated else "SUPPORTED",
                "version": "",
                "min_version": "",
                "updated": v20_updated,
                "media-types": [
                    {
                        "base": "application/json",
                        "type": "application/vnd.openstack.compute+json;version=2",
                    }
                ],
            },
            "v2.1": {
                "id": "v2.1",
                "status": "CURRENT",
                "version": versions.maximum,
                "min_version": versions.minimum,
                "updated": "2013-07-23T11:33:21Z",
                "media-types": [
                    {
                        "base": "application/json",
                        "type": "application/vnd.openstack.compute+json;version=2.1",
                    }
                ],
            },
        }

    def _request_base(self) -> str:
        endpoints = late.module("fakecloud.transport.endpoints")
        return endpoints.host_url(self.nova.kernel.config, "compute")

    def _root(self, req: Request) -> str:
        return self.service.link_prefix(req).root

    def index(self, req: Request) -> Response:
        """``GET /``: every version, with a self link each."""
        root = self._root(req)
        items = []
        for key, version in sorted(self._versions().items()):
            items.append(
                {
                    "id": version["id"],
                    "status": version["status"],
                    "version": version["version"],
                    "min_version": version["min_version"],
                    "updated": version["updated"],
                    "links": [{"rel": "self", "href": f"{root}/{key.replace('v2.0', 'v2')}/"}],
                }
            )
        return Response(200, {"versions": items})

    def multi(self, req: Request) -> Response:
        """Any other path of the root application (``Versions.multi``, nova 17.0.0-34.0.0): 300
        Multiple Choices, each version linking to the same path under it (``build_choices``,
        ``generate_href``)."""
        root = self._root(req)
        choices = []
        for key, version in sorted(self._versions().items()):
            number = "v2.1" if key == "v2.1" else "v2"
            choices.append(
                {
                    "id": version["id"],
                    "status": version["status"],
                    "links": [{"rel": "self", "href": url_join(root, number, req.path)}],
                    "media-types": version["media-types"],
                }
            )
        return Response(300, {"choices": choices})

    def show_any_method(self, req: Request) -> Response:
        """``/v2`` or ``/v2.1`` by a method other than GET: from 21.0.0 (1e907602e3)
        ``VersionsV2`` answers every method with the document; before, the API router's
        ``('', '/')`` redirect took the bare path by any method, and its ``/`` route GET alone
        (a 404 for the others)."""
        if not self.nova.kernel.switches.versioned_discovery_public:
            if req.path in _BARE:
                return redirect_to_slash(req, self._request_base())
            raise NoRoute([])
        return self.show(req)

    def show(self, req: Request) -> Response:
        """``GET /v2.1`` or ``GET /v2``: one version document (before 21.0.0 the bare path's
        302, `redirect_to_slash`)."""
        if req.path in _BARE and not self.nova.kernel.switches.versioned_discovery_public:
            return redirect_to_slash(req, self._request_base())
        key = "v2.0" if req.path.rstrip("/") == "/v2" else "v2.1"
        return self._document(req, key, "v2" if key == "v2.0" else "v2.1")

    def show_by_id(self, req: Request) -> Response:
        """``GET /v2.1/versions/{id}`` (``versionsV21.VersionsController.show``, nova
        17.0.0-34.0.0, behind the token in every release): the document of ``v2.0`` or
        ``v2.1``, its self link the ``/v2.1/`` it was asked under (``build_version`` links
        ``req.application_url``); any other id is ``expected_errors``' 404."""
        if legacy_v2(req.path):  # ``is_legacy_v2()``: the id is v2.0's before it is checked
            return self._document(req, "v2.0", "v2")
        key = req.params["id"]
        if key not in ("v2.0", "v2.1"):
            raise HttpError(404, "The resource could not be found.")
        return self._document(req, key, "v2.1")

    def show_under_project(self, req: Request) -> Response:
        """``GET /v2.1/{project_id}/`` (``ROUTE_LIST``'s ``('/', GET show)``, which
        ``ProjectMapper.create_route`` also serves as ``/{project_id}/``, nova 17.0.0-34.0.0):
        the v2.1 document behind the token, its self link ``/v2.1/`` (``build_version`` links
        ``req.application_url``, the URL's project left out). ``/v2.1/{project_id}`` without
        the slash has no route: the router's 404 (the ``('', '/')`` redirect has no project
        form)."""
        if legacy_v2(req.path):  # ``/v2/{project_id}/``: ``is_legacy_v2()``, v2.0's
            return self._document(req, "v2.0", "v2")
        return self._document(req, "v2.1", "v2.1")

    def _document(self, req: Request, key: str, path: str) -> Response:
        version = dict(self._versions()[key])
        version["links"] = [
            {"rel": "self", "href": f"{self._root(req)}/{path}/"},
            {"rel": "describedby", "type": "text/html", "href": _DOCS},
        ]
        return Response(200, {"version": version})


def redirect_to_slash(req: Request, default_base: str) -> Response:
    """Before 21.0.0 (1e907602e3) ``/v2`` and ``/v2.1`` by any method reach the API router's
    ``('', '/')`` entry, routes' ``Mapper.redirect``: ``RoutesMiddleware`` answers ``302
    Found``, no body, ``Location`` the same path with a final ``/``, made absolute on the
    request's own URL by the webob middleware around it (``Response._abs_headerlist``, webob
    1.8), before any controller reads a microversion."""
    base = (req.base_url or default_base).rstrip("/")
    headers = {"Content-Type": "text/plain; charset=utf8", "Location": f"{base}{req.path}/"}
    return Response(302, None, headers)


def url_join(*parts: str) -> str:
    """``nova.api.openstack.common.url_join``: the non-empty parts, their own leading and
    trailing ``/`` dropped, joined by ``/`` (an empty last part leaves a trailing ``/``)."""
    clean = [part.strip("/") for part in parts if part]
    if not parts[-1]:
        clean.append("")
    return "/".join(clean)
