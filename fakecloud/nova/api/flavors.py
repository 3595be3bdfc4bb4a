"""``/flavors`` (``nova/api/openstack/compute/flavors.py``): list, detail and show."""

from __future__ import annotations

from typing import Any

from fakecloud.api.http import HttpError, Request, Response
from fakecloud.api.pagination import paginate
from fakecloud.nova.api import views

FLAVOR_EXTRA_SPECS_INDEX = "os_compute_api:os-flavor-extra-specs:index"


class FlavorsController:
    """The flavors every project sees (all public)."""

    def __init__(self, nova: Any):
        self.nova = nova

    def _flavors(self, req: Request) -> list[Any]:
        """``_get_flavors``: the enabled flavors in Nova's default order, ``flavorid`` ascending
        as the database sorts that string column ("1", "2", "42", "5"), then a page of them
        (``marker``, ``limit``, at most ``[api] max_limit``)."""
        flavors = [f for f in self.nova.flavors.values() if not f.disabled]
        flavors.sort(key=lambda f: f.flavorid)
        rows = paginate(flavors, req.arg("marker") or None, req.arg("limit"), key=_flavorid)
        return rows[: self.nova.config.max_limit]

    def _page(self, req: Request, items: list[Any], flavors: list[Any], collection: str) -> dict:
        """``_list_view``: the page, and ``flavors_links`` (a ``next`` link) when it is full."""
        body: dict[str, Any] = {"flavors": items}
        found = views.collection_links(
            req.link_prefix, req.query, flavors, collection, self.nova.config.max_limit, _flavorid
        )
        if found:
            body["flavors_links"] = found
        return body

    def index(self, req: Request) -> Response:
        """``GET /flavors``."""
        prefix = req.link_prefix
        flavors = self._flavors(req)
        items = [views.flavor_basic(prefix, f, req.microversion) for f in flavors]
        return Response(200, self._page(req, items, flavors, "flavors"))

    def detail(self, req: Request) -> Response:
        """``GET /flavors/detail``."""
        prefix = req.link_prefix
        flavors = self._flavors(req)
        items = [views.flavor_detail(prefix, f, req.microversion, True) for f in flavors]
        return Response(200, self._page(req, items, flavors, "flavors/detail"))

    def show(self, req: Request) -> Response:
        """``GET /flavors/{flavor_id}``: 404 ``Flavor <id> could not be found.``"""
        flavor_id = req.params["flavor_id"]
        flavor = self.nova.flavors.get(flavor_id)
        if flavor is None:
            raise HttpError(404, f"Flavor {flavor_id} could not be found.")
        item = views.flavor_detail(req.link_prefix, flavor, req.microversion, True)
        return Response(200, {"flavor": item})


def _flavorid(flavor: Any) -> str:
    return flavor.flavorid
