"""The compute REST surface: every route of the fake Nova API, on one `NovaApiService`.

Paths are served under ``/v2.1`` and, for older clients, ``/v2.1/{project_id}``; the version
documents at ``/``, ``/v2`` and ``/v2.1``. Microversions run from 2.1 to the profile's maximum
(switch ``max_microversion``), read from ``OpenStack-API-Version: compute X.Y`` or the legacy
``X-OpenStack-Nova-API-Version`` header, and are echoed on every versioned response.
"""

from __future__ import annotations

import importlib
from typing import Any

from fakecloud.api.microversion import VersionRange
from fakecloud.nova.api.create_backup import CreateBackupController
from fakecloud.nova.api.flavors import FlavorsController
from fakecloud.nova.api.flavors_extraspecs import FlavorExtraSpecsController
from fakecloud.nova.api.image_metadata import ImageMetadataController
from fakecloud.nova.api.images import ImagesController
from fakecloud.nova.api.instance_actions import InstanceActionsController
from fakecloud.nova.api.limits import LimitsController
from fakecloud.nova.api.server_actions import ServerActionsController
from fakecloud.nova.api.servers import ServersController
from fakecloud.nova.api.versions import VersionsController
from fakecloud.nova.api.volume_attachments import VolumeAttachmentController
from fakecloud.nova.api.wsgi import NovaApiService

#: Controllers written apart that add their routes with ``register(service)`` when present:
#: ``service.add(method, template, handler)`` and ``service.servers.actions[name] = handler``.
EXTENSIONS = ("fakecloud.nova.api.instance_snapshots",)


class ComputeApiService(NovaApiService):
    """``cloud.nova.api``: ``service.dispatch(Request)`` or ``service.call(Request)``."""

    def __init__(self, nova: Any):
        versions = VersionRange(
            "compute",
            "2.1",
            nova.kernel.switches.max_microversion,
            legacy_header="X-OpenStack-Nova-API-Version",
        )
        super().__init__(nova.kernel, versions, nova.config)
        self.nova = nova
        self.servers = ServersController(nova, self)
        self.server_actions = ServerActionsController(nova, self.servers)
        self.instance_actions = InstanceActionsController(nova, self.servers)
        self.create_backup = CreateBackupController(nova, self.servers)
        self.flavors = FlavorsController(nova)
        self.flavor_extra_specs = FlavorExtraSpecsController(nova)
        self.volume_attachments = VolumeAttachmentController(nova, self.servers)
        self.limits = LimitsController(nova)
        self.images = ImagesController(nova)
        self.image_metadata = ImageMetadataController(nova, self.servers, self)
        self.versions_controller = VersionsController(nova, self)

        r = self.router
        v = self.versions_controller
        r.add("GET", "/", v.index)
        r.add("GET", "/v2", v.show)
        r.add("GET", "/v2.1", v.show)

        s = self.servers
        self.add("GET", "/servers", s.index)
        self.add("GET", "/servers/detail", s.detail)
        self.add("POST", "/servers", s.create)
        self.add("GET", "/servers/{server_id}", s.show)
        self.add("DELETE", "/servers/{server_id}", s.delete)
        self.add("POST", "/servers/{server_id}/action", s.action)
        ia = self.instance_actions
        self.add("GET", "/servers/{server_id}/os-instance-actions", ia.index)
        self.add("GET", "/servers/{server_id}/os-instance-actions/{request_id}", ia.show)
        va = self.volume_attachments
        self.add("GET", "/servers/{server_id}/os-volume_attachments", va.index)
        self.add("GET", "/servers/{server_id}/os-volume_attachments/{volume_id}", va.show)
        self.add("GET", "/flavors", self.flavors.index)
        self.add("GET", "/flavors/detail", self.flavors.detail)
        self.add("GET", "/flavors/{flavor_id}", self.flavors.show)
        es = self.flavor_extra_specs
        self.add("GET", "/flavors/{flavor_id}/os-extra_specs", es.index)
        self.add("POST", "/flavors/{flavor_id}/os-extra_specs", es.create)
        self.add("GET", "/flavors/{flavor_id}/os-extra_specs/{key}", es.show)
        self.add("PUT", "/flavors/{flavor_id}/os-extra_specs/{key}", es.update)
        self.add("DELETE", "/flavors/{flavor_id}/os-extra_specs/{key}", es.delete)
        self.add("GET", "/limits", self.limits.index)
        self.add("GET", "/images", self.images.index)
        self.add("GET", "/images/detail", self.images.detail)
        self.add("GET", "/images/{image_id}", self.images.show)
        self.add("DELETE", "/images/{image_id}", self.images.delete)
        im = self.image_metadata
        self.add("GET", "/images/{image_id}/metadata", im.index)
        self.add("POST", "/images/{image_id}/metadata", im.create)
        self.add("PUT", "/images/{image_id}/metadata", im.update_all)
        self.add("GET", "/images/{image_id}/metadata/{key}", im.show)
        self.add("PUT", "/images/{image_id}/metadata/{key}", im.update)
        self.add("DELETE", "/images/{image_id}/metadata/{key}", im.delete)
        for name in EXTENSIONS:
            try:
                module = importlib.import_module(name)
            except ModuleNotFoundError as exc:
                if exc.name != name:
                    raise
                continue
            module.register(self)
        self.finish_routes()
