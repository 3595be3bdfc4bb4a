"""The compute REST surface: every route of the fake Nova API, on one `NovaApiService`.

Paths are served under ``/v2.1`` and, for older clients, ``/v2.1/{project_id}``; the version
documents at ``/``, ``/v2`` and ``/v2.1``. Microversions run from 2.1 to the profile's maximum
(switch ``max_microversion``), read from ``OpenStack-API-Version: compute X.Y`` or the legacy
``X-OpenStack-Nova-API-Version`` header, and are echoed on every versioned response.
"""

from __future__ import annotations

import functools
import importlib
from functools import cached_property
from typing import Any

from fakecloud.api.microversion import VersionRange
from fakecloud.nova.api import (
    create_backup,
    multinic,
    remote_consoles,
    removed,
    security_group_actions,
    server_actions,
    server_evacuate,
    server_guest_actions,
    server_live_migrate,
    server_rescue,
    server_resize,
    servers,
    volumes_boot,
)
from fakecloud.nova.api.agents import REMOVED_SINCE as AGENTS_REMOVED_SINCE
from fakecloud.nova.api.agents import AgentController
from fakecloud.nova.api.aggregates import AggregateController
from fakecloud.nova.api.assisted_volume_snapshots import AssistedVolumeSnapshotsController
from fakecloud.nova.api.availability_zones import AvailabilityZoneController
from fakecloud.nova.api.create_backup import CreateBackupController
from fakecloud.nova.api.extension_info import ExtensionInfoController
from fakecloud.nova.api.flavor_access import FlavorAccessController
from fakecloud.nova.api.flavor_manage import FlavorManageController
from fakecloud.nova.api.flavors import FlavorsController
from fakecloud.nova.api.flavors_extraspecs import FlavorExtraSpecsController
from fakecloud.nova.api.hosts import HostController
from fakecloud.nova.api.hosts import declare as declare_hosts
from fakecloud.nova.api.hypervisors import HypervisorsController
from fakecloud.nova.api.image_metadata import ImageMetadataController
from fakecloud.nova.api.images import ImagesController
from fakecloud.nova.api.instance_actions import InstanceActionsController
from fakecloud.nova.api.instance_usage_audit_log import InstanceUsageAuditLogController
from fakecloud.nova.api.keypairs import KeypairsController
from fakecloud.nova.api.limits import LimitsController
from fakecloud.nova.api.migrations import MigrationsController, ServerMigrationsController
from fakecloud.nova.api.multinic import MultinicController
from fakecloud.nova.api.networks import NetworksController, TenantNetworksController
from fakecloud.nova.api.quota_classes import QuotaClassSetsController
from fakecloud.nova.api.quota_sets import QuotaSetsController
from fakecloud.nova.api.remote_consoles import RemoteConsolesController
from fakecloud.nova.api.security_group_actions import SecurityGroupActionController
from fakecloud.nova.api.server_actions import ServerActionsController
from fakecloud.nova.api.server_diagnostics import ServerDiagnosticsController
from fakecloud.nova.api.server_evacuate import ServerEvacuateController
from fakecloud.nova.api.server_external_events import ServerExternalEventsController
from fakecloud.nova.api.server_groups import ServerGroupsController
from fakecloud.nova.api.server_groups import declare as declare_server_groups
from fakecloud.nova.api.server_guest_actions import ServerGuestActionsController
from fakecloud.nova.api.server_ips import ServerIpsController
from fakecloud.nova.api.server_metadata import ServerMetadataController
from fakecloud.nova.api.server_password import ServerPasswordController
from fakecloud.nova.api.server_rescue import ServerRescueController
from fakecloud.nova.api.server_resize import ServerResizeController
from fakecloud.nova.api.server_security_groups import ServerSecurityGroupController
from fakecloud.nova.api.server_tags import ServerTagsController
from fakecloud.nova.api.server_topology import ServerTopologyController
from fakecloud.nova.api.servers import ServersController
from fakecloud.nova.api.services import ServicesController
from fakecloud.nova.api.simple_tenant_usage import SimpleTenantUsageController
from fakecloud.nova.api.versions import VersionsController
from fakecloud.nova.api.volume_attachments import VolumeAttachmentController
from fakecloud.nova.api.volumes_proxy import VolumesProxyController
from fakecloud.nova.api.volumes_proxy import declare as declare_volumes_proxy
from fakecloud.nova.api.wsgi import NovaApiService, NovaRoutes

#: ``POST /servers/{id}/action``: action name -> (the service's attribute holding the
#: controller, handler(controller, req, server_id, body)). One table for every cloud and fork:
#: no controller holds bound handlers of its own, and those serving only actions are made on
#: their first one.
ACTIONS: dict[str, tuple[str, Any]] = {
    **{name: ("servers", handler) for name, handler in servers.ACTIONS.items()},
    **{name: ("server_actions", handler) for name, handler in server_actions.ACTIONS.items()},
    **{name: ("create_backup", handler) for name, handler in create_backup.ACTIONS.items()},
    **{name: ("server_resize", handler) for name, handler in server_resize.ACTIONS.items()},
    server_live_migrate.ACTION: ("server_resize", server_live_migrate.migrate_live),
    **{name: ("server_evacuate", handler) for name, handler in server_evacuate.ACTIONS.items()},
    **{name: ("server_rescue", handler) for name, handler in server_rescue.ACTIONS.items()},
    **{name: ("server_guest", handler) for name, handler in server_guest_actions.ACTIONS.items()},
    **{name: ("remote_consoles", handler) for name, handler in remote_consoles.ACTIONS.items()},
    **{
        name: ("security_group_actions", handler)
        for name, handler in security_group_actions.ACTIONS.items()
    },
    **{name: ("multinic", handler) for name, handler in multinic.ACTIONS.items()},
}

#: Controllers written apart, each a module with ``enabled(switches)`` (whether a cloud serves
#: it), ``declare(routes)`` (its routes, on a `NovaRoutes`) and ``attach(service)`` (its
#: controller on the service; server actions are `ACTIONS`' alone).
EXTENSIONS = ("fakecloud.nova.api.instance_snapshots",)
#: The route-table variant entry of a release still serving ``/os-agents``.
_AGENTS_VARIANT = "agents"


@functools.cache
def _extensions() -> tuple[tuple[str, Any], ...]:
    found = []
    for name in EXTENSIONS:
        try:
            found.append((name, importlib.import_module(name)))
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
    return tuple(found)


class ComputeApiService(NovaApiService):
    """``cloud.nova.api``: ``service.dispatch(Request)`` or ``service.call(Request)``."""

    #: The action table (module-level `ACTIONS`), read by ``ServersController.action``.
    ACTIONS = ACTIONS

    def action_names(self, path: str) -> Any:
        """The actions ``POST path`` dispatches on (``/os-volumes_boot``'s by release)."""
        if volumes_boot.is_volumes_boot(path):
            return volumes_boot.actions(self)
        return super().action_names(path)

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
        switches = nova.kernel.switches
        #: The extensions this cloud serves (which shared route table it reads).
        self.extensions = tuple(n for n, m in _extensions() if m.enabled(switches))
        for name, module in _extensions():
            if name in self.extensions:
                module.attach(self)
        # The shared table of these extensions, read once through `ApiService.router` and kept:
        # every request reads its router, and the variant never changes after this point.
        self.router = self.router

    # The other controllers only serve their own routes: each is made on its first use. A
    # fork of a cloud builds this service again (an explored seed, one per seed), and most
    # runs ask for a few of them.

    @cached_property
    def server_actions(self) -> ServerActionsController:
        """pause, suspend, shelve, lock, os-resetState and the like (`ACTIONS`)."""
        return ServerActionsController(self.nova, self.servers)

    @cached_property
    def server_resize(self) -> ServerResizeController:
        """resize, confirmResize, revertResize, migrate and os-migrateLive (`ACTIONS`)."""
        return ServerResizeController(self.nova, self.servers)

    @cached_property
    def server_evacuate(self) -> ServerEvacuateController:
        """evacuate (`ACTIONS`)."""
        return ServerEvacuateController(self.nova, self.servers)

    @cached_property
    def server_rescue(self) -> ServerRescueController:
        """rescue and unrescue (`ACTIONS`)."""
        return ServerRescueController(self.nova, self.servers)

    @cached_property
    def server_guest(self) -> ServerGuestActionsController:
        """changePassword, os-getConsoleOutput and trigger_crash_dump (`ACTIONS`)."""
        return ServerGuestActionsController(self.nova, self.servers)

    @cached_property
    def security_group_actions(self) -> SecurityGroupActionController:
        """addSecurityGroup and removeSecurityGroup (`ACTIONS`)."""
        return SecurityGroupActionController(self.nova, self.servers)

    @cached_property
    def multinic(self) -> MultinicController:
        """addFixedIp and removeFixedIp (`ACTIONS`)."""
        return MultinicController(self.nova, self.servers)

    @cached_property
    def server_security_groups(self) -> ServerSecurityGroupController:
        """``/servers/{id}/os-security-groups``."""
        return ServerSecurityGroupController(self.nova, self.servers)

    @cached_property
    def create_backup(self) -> CreateBackupController:
        """``createBackup`` (`ACTIONS`)."""
        return CreateBackupController(self.nova, self.servers)

    @cached_property
    def instance_actions(self) -> InstanceActionsController:
        """``/servers/{id}/os-instance-actions``."""
        return InstanceActionsController(self.nova, self.servers)

    @cached_property
    def migrations(self) -> MigrationsController:
        """``/os-migrations``."""
        return MigrationsController(self.nova)

    @cached_property
    def server_migrations(self) -> ServerMigrationsController:
        """``/servers/{id}/migrations``."""
        return ServerMigrationsController(self.nova, self.servers, self)

    @cached_property
    def remote_consoles(self) -> RemoteConsolesController:
        """``/servers/{id}/remote-consoles`` and the console actions (`ACTIONS`)."""
        return RemoteConsolesController(self.nova, self.servers, self)

    @cached_property
    def server_diagnostics(self) -> ServerDiagnosticsController:
        """``/servers/{id}/diagnostics``."""
        return ServerDiagnosticsController(self.nova, self.servers)

    @cached_property
    def server_topology(self) -> ServerTopologyController:
        """``/servers/{id}/topology``."""
        return ServerTopologyController(self.nova, self.servers)

    @cached_property
    def server_password(self) -> ServerPasswordController:
        """``/servers/{id}/os-server-password``."""
        return ServerPasswordController(self.nova, self.servers)

    @cached_property
    def server_metadata(self) -> ServerMetadataController:
        """``/servers/{id}/metadata``."""
        return ServerMetadataController(self.nova, self.servers, self)

    @cached_property
    def server_tags(self) -> ServerTagsController:
        """``/servers/{id}/tags``."""
        return ServerTagsController(self.nova, self.servers, self)

    @cached_property
    def server_ips(self) -> ServerIpsController:
        """``/servers/{id}/ips``."""
        return ServerIpsController(self.nova, self.servers)

    @cached_property
    def availability_zones(self) -> AvailabilityZoneController:
        """``/os-availability-zone``."""
        return AvailabilityZoneController(self.nova)

    @cached_property
    def flavors(self) -> FlavorsController:
        """``/flavors``."""
        return FlavorsController(self.nova)

    @cached_property
    def flavor_manage(self) -> FlavorManageController:
        """``POST /flavors``, ``PUT``/``DELETE /flavors/{id}``."""
        return FlavorManageController(self.nova, self)

    @cached_property
    def flavor_access(self) -> FlavorAccessController:
        """``/flavors/{id}/os-flavor-access`` and ``/flavors/{id}/action``."""
        return FlavorAccessController(self.nova, self)

    @cached_property
    def flavor_extra_specs(self) -> FlavorExtraSpecsController:
        """``/flavors/{id}/os-extra_specs``."""
        return FlavorExtraSpecsController(self.nova)

    @cached_property
    def volume_attachments(self) -> VolumeAttachmentController:
        """``/servers/{id}/os-volume_attachments``."""
        return VolumeAttachmentController(self.nova, self.servers)

    @cached_property
    def keypairs(self) -> KeypairsController:
        """``/os-keypairs``."""
        return KeypairsController(self.nova, self)

    @cached_property
    def server_groups(self) -> ServerGroupsController:
        """``/os-server-groups``."""
        return ServerGroupsController(self.nova, self)

    @cached_property
    def limits(self) -> LimitsController:
        """``/limits``."""
        return LimitsController(self.nova)

    @cached_property
    def quota_sets(self) -> QuotaSetsController:
        """``/os-quota-sets``."""
        return QuotaSetsController(self.nova)

    @cached_property
    def extension_info(self) -> ExtensionInfoController:
        """``/extensions``."""
        return ExtensionInfoController(self.nova)

    @cached_property
    def hosts(self) -> HostController:
        """``/os-hosts``."""
        return HostController(self.nova)

    @cached_property
    def usage_audit_log(self) -> InstanceUsageAuditLogController:
        """``/os-instance_usage_audit_log``."""
        return InstanceUsageAuditLogController(self.nova)

    @cached_property
    def quota_classes(self) -> QuotaClassSetsController:
        """``/os-quota-class-sets``."""
        return QuotaClassSetsController(self.nova)

    @cached_property
    def simple_tenant_usage(self) -> SimpleTenantUsageController:
        """``/os-simple-tenant-usage``."""
        return SimpleTenantUsageController(self.nova)

    @cached_property
    def services(self) -> ServicesController:
        """``/os-services``."""
        return ServicesController(self.nova, self)

    @cached_property
    def hypervisors(self) -> HypervisorsController:
        """``/os-hypervisors``."""
        return HypervisorsController(self.nova)

    @cached_property
    def aggregates(self) -> AggregateController:
        """``/os-aggregates``."""
        return AggregateController(self.nova, self)

    @cached_property
    def server_external_events(self) -> ServerExternalEventsController:
        """``/os-server-external-events``."""
        return ServerExternalEventsController(self.nova)

    @cached_property
    def assisted_volume_snapshots(self) -> AssistedVolumeSnapshotsController:
        """``/os-assisted-volume-snapshots``."""
        return AssistedVolumeSnapshotsController(self.nova)

    @cached_property
    def networks(self) -> NetworksController:
        """``/os-networks`` (the network proxy)."""
        return NetworksController(self.nova)

    @cached_property
    def tenant_networks(self) -> TenantNetworksController:
        """``/os-tenant-networks`` (the network proxy)."""
        return TenantNetworksController(self.nova)

    @cached_property
    def volumes_proxy(self) -> VolumesProxyController:
        """``/os-volumes`` and ``/os-snapshots`` (the Cinder proxies)."""
        return VolumesProxyController(self.nova, self)

    @cached_property
    def images(self) -> ImagesController:
        """``/images`` (the image proxy)."""
        return ImagesController(self.nova)

    @cached_property
    def image_metadata(self) -> ImageMetadataController:
        """``/images/{id}/metadata``."""
        return ImageMetadataController(self.nova, self.servers, self)

    @cached_property
    def agents(self) -> AgentController:
        """``/os-agents`` (before 23.0.0)."""
        return AgentController(self.nova)

    @cached_property
    def removed_apis(self) -> removed.RemovedController:
        """The removed APIs (410)."""
        return removed.RemovedController()

    @cached_property
    def versions_controller(self) -> VersionsController:
        """The version documents."""
        return VersionsController(self.nova, self)

    def route_variant(self) -> tuple[str, ...]:
        """The routes differ by the extensions served and the APIs the release removed."""
        major = self.nova.kernel.switches.release.major
        agents = (_AGENTS_VARIANT,) if major < AGENTS_REMOVED_SINCE else ()
        return self.extensions + removed.variant(major) + agents

    @classmethod
    def declare_routes(cls, router: Any, variant: tuple[str, ...]) -> None:
        """Every route of the compute API, and those of the extensions in `variant`."""
        routes = NovaRoutes(router)
        # Nova 34.0.0's own app (functional fixtures) answers ``GET /v2.1/servers/`` and
        # ``POST /v2.1/servers/{id}/action/`` 404: ``routes.Mapper`` (nova/api/openstack/
        # __init__.py APIMapper, 17.0.7-34.0.0) matches no path with a trailing slash; only
        # the version documents' (urlmap strips it) and the root's are served.
        router.slash_paths = frozenset({"/", "/v2/", "/v2.1/"})
        # api-paste.ini '/v2/+' (17.0.0-20.x: '/v2'): the legacy v2 compatible pipeline ends in
        # the same APIRouterV21 (`NovaApiService.dispatch` filters its headers)
        router.alias = ("/v2/", "/v2.1/")
        v = VersionsController
        routes.add_unversioned("GET", "/", "versions_controller", v.index)
        routes.add_unversioned("GET", "/v2", "versions_controller", v.show)
        routes.add_unversioned("GET", "/v2.1", "versions_controller", v.show)
        for method in ("HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"):
            routes.add_unversioned(method, "/v2", "versions_controller", v.show_any_method)
            routes.add_unversioned(method, "/v2.1", "versions_controller", v.show_any_method)
        routes.add("GET", "/versions/{id}", "versions_controller", v.show_by_id)
        # ROUTE_LIST's ('/', GET show) with the project: '/v2.1/' itself is urlmap's
        routes.add_project_only("GET", "/", "versions_controller", v.show_under_project)

        add = routes.add
        s = ServersController
        add("GET", "/servers", "servers", s.index)
        add("GET", "/servers/detail", "servers", s.detail)
        add("POST", "/servers", "servers", s.create)
        add("GET", "/servers/{server_id}", "servers", s.show)
        add("PUT", "/servers/{server_id}", "servers", s.update)
        add("DELETE", "/servers/{server_id}", "servers", s.delete)
        add("POST", "/servers/{server_id}/action", "servers", s.action)
        vb = volumes_boot.served
        add("GET", "/os-volumes_boot", "servers", vb(s.index))
        add("GET", "/os-volumes_boot/detail", "servers", vb(s.detail))
        add("POST", "/os-volumes_boot", "servers", vb(s.create))
        add("GET", "/os-volumes_boot/{server_id}", "servers", vb(s.show))
        add("PUT", "/os-volumes_boot/{server_id}", "servers", volumes_boot.update)
        add("DELETE", "/os-volumes_boot/{server_id}", "servers", vb(s.delete))
        add("POST", "/os-volumes_boot/{server_id}/action", "servers", volumes_boot.action)
        sg = ServerSecurityGroupController
        add("GET", "/servers/{server_id}/os-security-groups", "server_security_groups", sg.index)
        ia = InstanceActionsController
        add("GET", "/servers/{server_id}/os-instance-actions", "instance_actions", ia.index)
        add(
            "GET",
            "/servers/{server_id}/os-instance-actions/{request_id}",
            "instance_actions",
            ia.show,
        )
        add("GET", "/os-migrations", "migrations", MigrationsController.index)
        sm = ServerMigrationsController
        add("GET", "/servers/{server_id}/migrations", "server_migrations", sm.index)
        add(
            "GET",
            "/servers/{server_id}/migrations/{migration_id}",
            "server_migrations",
            sm.show,
        )
        add(
            "DELETE",
            "/servers/{server_id}/migrations/{migration_id}",
            "server_migrations",
            sm.delete,
        )
        add(
            "POST",
            "/servers/{server_id}/migrations/{migration_id}/action",
            "server_migrations",
            sm.action,
        )
        add(
            "POST",
            "/servers/{server_id}/remote-consoles",
            "remote_consoles",
            RemoteConsolesController.create,
        )
        add(
            "GET",
            "/servers/{server_id}/diagnostics",
            "server_diagnostics",
            ServerDiagnosticsController.index,
        )
        add(
            "GET",
            "/servers/{server_id}/topology",
            "server_topology",
            ServerTopologyController.index,
        )
        spw = ServerPasswordController
        add("GET", "/servers/{server_id}/os-server-password", "server_password", spw.index)
        add("DELETE", "/servers/{server_id}/os-server-password", "server_password", spw.clear)
        va = VolumeAttachmentController
        add("GET", "/servers/{server_id}/os-volume_attachments", "volume_attachments", va.index)
        add(
            "GET",
            "/servers/{server_id}/os-volume_attachments/{volume_id}",
            "volume_attachments",
            va.show,
        )
        add("POST", "/servers/{server_id}/os-volume_attachments", "volume_attachments", va.create)
        add(
            "PUT",
            "/servers/{server_id}/os-volume_attachments/{volume_id}",
            "volume_attachments",
            va.update,
        )
        add(
            "DELETE",
            "/servers/{server_id}/os-volume_attachments/{volume_id}",
            "volume_attachments",
            va.delete,
        )
        f = FlavorsController
        add("GET", "/flavors", "flavors", f.index)
        add("GET", "/flavors/detail", "flavors", f.detail)
        add("GET", "/flavors/{flavor_id}", "flavors", f.show)
        fm = FlavorManageController
        add("POST", "/flavors", "flavor_manage", fm.create)
        add("PUT", "/flavors/{flavor_id}", "flavor_manage", fm.update)
        add("DELETE", "/flavors/{flavor_id}", "flavor_manage", fm.delete)
        fa = FlavorAccessController
        add("GET", "/flavors/{flavor_id}/os-flavor-access", "flavor_access", fa.index)
        add("POST", "/flavors/{flavor_id}/action", "flavor_access", fa.action)
        es = FlavorExtraSpecsController
        specs = "/flavors/{flavor_id}/os-extra_specs"
        add("GET", specs, "flavor_extra_specs", es.index)
        add("POST", specs, "flavor_extra_specs", es.create)
        add("GET", specs + "/{key}", "flavor_extra_specs", es.show)
        add("PUT", specs + "/{key}", "flavor_extra_specs", es.update)
        add("DELETE", specs + "/{key}", "flavor_extra_specs", es.delete)
        add("GET", "/limits", "limits", LimitsController.index)
        kp = KeypairsController
        add("GET", "/os-keypairs", "keypairs", kp.index)
        add("POST", "/os-keypairs", "keypairs", kp.create)
        add("GET", "/os-keypairs/{name}", "keypairs", kp.show)
        add("DELETE", "/os-keypairs/{name}", "keypairs", kp.delete)
        declare_server_groups(add)
        q = QuotaSetsController
        add("GET", "/os-quota-sets/{tenant_id}", "quota_sets", q.show)
        add("GET", "/os-quota-sets/{tenant_id}/detail", "quota_sets", q.detail)
        add("GET", "/os-quota-sets/{tenant_id}/defaults", "quota_sets", q.defaults)
        add("PUT", "/os-quota-sets/{tenant_id}", "quota_sets", q.update)
        add("DELETE", "/os-quota-sets/{tenant_id}", "quota_sets", q.delete)
        add("GET", "/extensions", "extension_info", ExtensionInfoController.index)
        add("GET", "/extensions/{alias}", "extension_info", ExtensionInfoController.show)
        declare_hosts(add)
        audit = "/os-instance_usage_audit_log"
        add("GET", audit, "usage_audit_log", InstanceUsageAuditLogController.index)
        add("GET", audit + "/{before}", "usage_audit_log", InstanceUsageAuditLogController.show)
        qc = QuotaClassSetsController
        add("GET", "/os-quota-class-sets/{id}", "quota_classes", qc.show)
        add("PUT", "/os-quota-class-sets/{id}", "quota_classes", qc.update)
        u = SimpleTenantUsageController
        add("GET", "/os-simple-tenant-usage", "simple_tenant_usage", u.index)
        add("GET", "/os-simple-tenant-usage/{tenant_id}", "simple_tenant_usage", u.show)
        add(
            "POST",
            "/os-server-external-events",
            "server_external_events",
            ServerExternalEventsController.create,
        )
        avs = AssistedVolumeSnapshotsController
        add("POST", "/os-assisted-volume-snapshots", "assisted_volume_snapshots", avs.create)
        add("DELETE", "/os-assisted-volume-snapshots/{id}", "assisted_volume_snapshots", avs.delete)
        i = ImagesController
        add("GET", "/images", "images", i.index)
        add("GET", "/images/detail", "images", i.detail)
        add("GET", "/images/{image_id}", "images", i.show)
        add("DELETE", "/images/{image_id}", "images", i.delete)
        add("GET", "/os-networks", "networks", NetworksController.index)
        add("GET", "/os-networks/{network_id}", "networks", NetworksController.show)
        add("GET", "/os-tenant-networks", "tenant_networks", TenantNetworksController.index)
        add("GET", "/os-tenant-networks/{id}", "tenant_networks", TenantNetworksController.show)
        declare_volumes_proxy(add)
        im = ImageMetadataController
        sm = ServerMetadataController
        server_meta = "/servers/{server_id}/metadata"
        add("GET", server_meta, "server_metadata", sm.index)
        add("POST", server_meta, "server_metadata", sm.create)
        add("PUT", server_meta, "server_metadata", sm.update_all)
        add("GET", server_meta + "/{key}", "server_metadata", sm.show)
        add("PUT", server_meta + "/{key}", "server_metadata", sm.update)
        add("DELETE", server_meta + "/{key}", "server_metadata", sm.delete)
        st = ServerTagsController
        tags = "/servers/{server_id}/tags"
        add("GET", tags, "server_tags", st.index)
        add("PUT", tags, "server_tags", st.update_all)
        add("DELETE", tags, "server_tags", st.delete_all)
        add("GET", tags + "/{tag}", "server_tags", st.show)
        add("PUT", tags + "/{tag}", "server_tags", st.update)
        add("DELETE", tags + "/{tag}", "server_tags", st.delete)
        ips = ServerIpsController
        add("GET", "/servers/{server_id}/ips", "server_ips", ips.index)
        add("GET", "/servers/{server_id}/ips/{network}", "server_ips", ips.show)
        az = AvailabilityZoneController
        add("GET", "/os-availability-zone", "availability_zones", az.index)
        add("GET", "/os-availability-zone/detail", "availability_zones", az.detail)
        sv = ServicesController
        add("GET", "/os-services", "services", sv.index)
        add("PUT", "/os-services/{id}", "services", sv.update)
        add("DELETE", "/os-services/{id}", "services", sv.delete)
        hv = HypervisorsController
        add("GET", "/os-hypervisors", "hypervisors", hv.index)
        add("GET", "/os-hypervisors/detail", "hypervisors", hv.detail)
        add("GET", "/os-hypervisors/statistics", "hypervisors", hv.statistics)
        add("GET", "/os-hypervisors/{id}", "hypervisors", hv.show)
        add("GET", "/os-hypervisors/{id}/uptime", "hypervisors", hv.uptime)
        add("GET", "/os-hypervisors/{id}/search", "hypervisors", hv.search)
        add("GET", "/os-hypervisors/{id}/servers", "hypervisors", hv.servers)
        ag = AggregateController
        add("GET", "/os-aggregates", "aggregates", ag.index)
        add("POST", "/os-aggregates", "aggregates", ag.create)
        add("GET", "/os-aggregates/{id}", "aggregates", ag.show)
        add("PUT", "/os-aggregates/{id}", "aggregates", ag.update)
        add("DELETE", "/os-aggregates/{id}", "aggregates", ag.delete)
        add("POST", "/os-aggregates/{id}/action", "aggregates", ag.action)
        add("POST", "/os-aggregates/{id}/images", "aggregates", ag.images)
        meta = "/images/{image_id}/metadata"
        add("GET", meta, "image_metadata", im.index)
        add("POST", meta, "image_metadata", im.create)
        add("PUT", meta, "image_metadata", im.update_all)
        add("GET", meta + "/{key}", "image_metadata", im.show)
        add("PUT", meta + "/{key}", "image_metadata", im.update)
        add("DELETE", meta + "/{key}", "image_metadata", im.delete)
        removed.declare(add, variant)
        if _AGENTS_VARIANT in variant:
            ac = AgentController
            add("GET", "/os-agents", "agents", ac.index)
            add("POST", "/os-agents", "agents", ac.create)
            add("PUT", "/os-agents/{id}", "agents", ac.update)
            add("DELETE", "/os-agents/{id}", "agents", ac.delete)
        for name, module in _extensions():
            if name in variant:
                module.declare(routes)
        routes.finish()
