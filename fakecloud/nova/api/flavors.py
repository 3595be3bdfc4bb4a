"""``/flavors`` (``nova/api/openstack/compute/flavors.py``): list, detail and show."""

from __future__ import annotations

from typing import Any

from fakecloud.api.http import HttpError, Request, Response
from fakecloud.nova.api import views

FLAVOR_EXTRA_SPECS_INDEX = "os_compute_api:os-flavor-extra-specs:index"


class FlavorsController:
    """The flavors every project sees (all public)."""

    def __init__(self, nova: Any):
        self.nova = nova

    def _flavors(self, req: Request) -> list[Any]:
        flavors = [f for f in self.nova.flavors.values() if not f.disabled]
        flavors.sort(key=lambda f: (f.memory_mb, f.flavorid))
        return flavors

    def index(self, req: Request) -> Response:
        """``GET /flavors``."""
        prefix = req.link_prefix
        items = [views.flavor_basic(prefix, f, req.microversion) for f in self._flavors(req)]
        return Response(200, {"flavors": items})

    def detail(self, req: Request) -> Response:
        """``GET /flavors/detail``."""
        prefix = req.link_prefix
        items = [views.flavor_detail(prefix, f, req.microversion, True) for f in self._flavors(req)]
        return Response(200, {"flavors": items})

    def show(self, req: Request) -> Response:
        """``GET /flavors/{flavor_id}``: 404 ``Flavor <id> could not be found.``"""
        flavor_id = req.params["flavor_id"]
        flavor = self.nova.flavors.get(flavor_id)
        if flavor is None:
            raise HttpError(404, f"Flavor {flavor_id} could not be found.")
        item = views.flavor_detail(req.link_prefix, flavor, req.microversion, True)
        return Response(200, {"flavor": item})
