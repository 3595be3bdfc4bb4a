"""``/extensions`` and ``/extensions/{alias}`` (``nova/api/openstack/compute/extension_info.py``):
the v2.1 API's extension list, frozen since 2017 (68bbddd8ae) and the same in every release
17.0.13-34.0.0. ``data/extensions.json`` holds it as written by ``EXTENSION_LIST``; the legacy
v2 pipeline (``/v2``) lists one more, ``OS-EXT-VIF-NET``, all sorted by alias. An alias not in
the list is 404. Policy ``os_compute_api:extensions``: ``rule:admin_or_owner`` against the
caller's own project before 21.0.0 (anyone with a project), ``@`` after. A query is strict
from 2.102.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

from fakecloud.api.http import HttpError, Request, Response
from fakecloud.nova.api import schemas
from fakecloud.nova.policies import EXTENSIONS

#: 9c8d51fa0c: the queries refuse unknown parameters from 2.102.
STRICT_QUERY = "2.102"
#: The first Nova whose ``os_compute_api:extensions`` check has an empty target.
EMPTY_TARGET_SINCE = 22


@functools.cache
def extension_list(legacy_v2: bool) -> tuple[dict[str, Any], ...]:
    """``EXTENSION_LIST`` (shared: never change), or ``EXTENSION_LIST_LEGACY_V2_COMPATIBLE``."""
    data = resources.files("fakecloud.nova").joinpath("data", "extensions.json").read_text()
    document = json.loads(data)
    if not legacy_v2:
        return tuple(document["extensions"])
    both = document["extensions"] + document["legacy_v2_only"]
    return tuple(sorted(both, key=lambda ext: ext["alias"]))


class ExtensionInfoController:
    """The extension list and one extension by its alias."""

    def __init__(self, nova: Any):
        self.nova = nova

    def index(self, req: Request) -> Response:
        """``GET /extensions``: every extension."""
        self._authorize(req)
        return Response(200, {"extensions": list(extension_list(bool(req.legacy_v2)))})

    def show(self, req: Request) -> Response:
        """``GET /extensions/{alias}``: the one whose alias that is, else 404."""
        self._authorize(req)
        alias = req.params["alias"]
        for ext in extension_list(bool(req.legacy_v2)):
            if ext["alias"] == alias:
                return Response(200, {"extension": ext})
        raise HttpError(404, "The resource could not be found.")

    def _authorize(self, req: Request) -> None:
        schemas.query_validator(req.microversion < STRICT_QUERY).validate(req.query)
        # 22.0.0 asks on an empty target (284ac43f7a 'Add scope and new default roles in
        # extensions policies'); before, on the caller's own project (``context.can``'s), which
        # 21.0.0's ``admin_or_owner`` default needs for a member to pass.
        empty = self.nova.kernel.switches.release.major >= EMPTY_TARGET_SINCE
        self.nova.policy.authorize(req.context, EXTENSIONS, {} if empty else None)
