"""The version documents (``nova/api/openstack/compute/versions.py``): ``GET /`` lists v2.0
and v2.1; ``GET /v2.1`` (and ``/v2``) describe one, with the profile's microversion range; any
other path the root application is given answers 300 Multiple Choices."""

from __future__ import annotations

from typing import Any

from fakecloud.api.http import Request, Response
from fakecloud.api.router import NoRoute

_DOCS = "http://docs.openstack.org/"


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
        ``VersionsV2`` answers every method with the document; before, the API router's ``/``
        route took GET alone (a 404 for the others)."""
        if not self.nova.kernel.switches.versioned_discovery_public:
            raise NoRoute([])
        return self.show(req)

    def show(self, req: Request) -> Response:
        """``GET /v2.1`` or ``GET /v2``: one version document."""
        key = "v2.0" if req.path.rstrip("/") == "/v2" else "v2.1"
        version = dict(self._versions()[key])
        path = "v2" if key == "v2.0" else "v2.1"
        version["links"] = [
            {"rel": "self", "href": f"{self._root(req)}/{path}/"},
            {"rel": "describedby", "type": "text/html", "href": _DOCS},
        ]
        return Response(200, {"version": version})


def url_join(*parts: str) -> str:
    """``nova.api.openstack.common.url_join``: the non-empty parts, their own leading and
    trailing ``/`` dropped, joined by ``/`` (an empty last part leaves a trailing ``/``)."""
    clean = [part.strip("/") for part in parts if part]
    if not parts[-1]:
        clean.append("")
    return "/".join(clean)
