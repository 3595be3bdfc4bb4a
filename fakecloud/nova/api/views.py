"""Response shapes of the compute API (``nova/api/openstack/compute/views``), per microversion.

Everything here only reads: a server row, a flavor, an image dict, an action. Timestamps are
formatted as Nova formats them: ``isotime`` (``2026-01-01T00:00:04Z``) for ``created`` and
``updated``, ``PERFECT_TIME_FORMAT`` (``2026-01-01T00:00:04.000000``) for datetimes Nova
serializes as such (``OS-SRV-USG:launched_at``, instance-action times). A time Nova reads back
from its database is the whole second MySQL's ``DATETIME`` stored (`Formatter.stored`,
`Formatter.stored_perfect`); `Formatter.perfect` is for one Nova shows as it just wrote it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from fakecloud.nova import states
from fakecloud.nova.image_meta_props import STANDARD_IMAGE_PROPERTIES


class Formatter:
    """Turns virtual seconds into Nova's timestamp strings."""

    def __init__(self, kernel: Any):
        self._clock = kernel.clock
        self._env = kernel.env

    def isotime(self, t: float | None) -> str | None:
        """``utils.isotime``: seconds precision, ``Z``."""
        if t is None:
            return None
        return self._clock.strftime(t, "%Y-%m-%dT%H:%M:%SZ")

    def stored(self, t: float | None) -> str | None:
        """``utils.isotime`` of a time Nova read back from its database: the whole second
        MySQL's ``DATETIME`` stored (`fakecloud.sim.clock.stored_time`: the nearest, a half up)."""
        if t is None:
            return None
        return self._clock.stored_strftime(t, "%Y-%m-%dT%H:%M:%SZ")

    def stored_or_now(self, t: float | None) -> str:
        """``utils.isotime(at)`` of a column Nova read back that may be NULL: `stored`, or
        for NULL (``at=None``) the current time, cut to the second (``strftime``)."""
        if t is None:
            return self._clock.strftime(self._env.now, "%Y-%m-%dT%H:%M:%SZ")
        return self._clock.stored_strftime(t, "%Y-%m-%dT%H:%M:%SZ")

    def stored_perfect(self, t: float | None) -> str | None:
        """``PERFECT_TIME_FORMAT`` of a time Nova read back from its database: MySQL's whole
        second (`fakecloud.sim.clock.stored_time`), so ``.000000``."""
        if t is None:
            return None
        return self._clock.stored_strftime(t, "%Y-%m-%dT%H:%M:%S.%f")

    def perfect(self, t: float | None) -> str | None:
        """``PERFECT_TIME_FORMAT``: microseconds, no zone."""
        if t is None:
            return None
        return self._clock.strftime(t, "%Y-%m-%dT%H:%M:%S.%f")


def generate_hostid(host: str | None, project_id: str | None) -> str:
    """``utils.generate_hostid``: sha224 of project + host, "" without a host."""
    if not host:
        return ""
    key = (host, project_id)
    found = _HOSTIDS.get(key)
    if found is None:
        if len(_HOSTIDS) >= 4096:
            _HOSTIDS.clear()
        found = _HOSTIDS[key] = hashlib.sha224((str(project_id) + host).encode()).hexdigest()
    return found


#: (host, project id) -> its hostId: every view of a server shows one, and a cloud has few
#: hosts and projects (a client polling a server asks for the same digest again and again).
_HOSTIDS: dict[tuple[str, str | None], str] = {}


@dataclass(frozen=True)
class LinkBase:
    """Where links point: the service root, and the project id if the request URL had one."""

    root: str
    project_id: str = ""
    #: ``<root>/v2.1[/<project>]`` and ``<root>[/<project>]``: every view writes links, their
    #: two stems made once per base, not per link.
    versioned: str = field(init=False, repr=False, compare=False)
    unversioned: str = field(init=False, repr=False, compare=False)
    #: The version segment of ``req.application_url`` (the API's script name).
    VERSION = "v2.1"

    def __post_init__(self) -> None:
        project = f"/{self.project_id}" if self.project_id else ""
        object.__setattr__(self, "versioned", f"{self.root}/{self.VERSION}{project}")
        object.__setattr__(self, "unversioned", f"{self.root}{project}")

    def self_href(self, collection: str, ident: str) -> str:
        """``<root>/v2.1[/<project>]/<collection>/<id>``."""
        return f"{self.versioned}/{collection}/{ident}"

    def collection_href(self, collection: str) -> str:
        """``<root>/v2.1[/<project>]/<collection>``."""
        return f"{self.versioned}/{collection}"

    def bookmark_href(self, collection: str, ident: str) -> str:
        """``<root>[/<project>]/<collection>/<id>``."""
        return f"{self.unversioned}/{collection}/{ident}"


class LegacyLinkBase(LinkBase):
    """The links of the legacy v2 compatible pipeline (``/v2/+``): its application URL is
    ``<root>/v2``, so self links read ``<root>/v2[/<project>]/...``."""

    VERSION = "v2"


def links(prefix: LinkBase, collection: str, ident: str) -> list[dict[str, str]]:
    """Self and bookmark links of a resource."""
    return [
        {"rel": "self", "href": f"{prefix.versioned}/{collection}/{ident}"},
        {"rel": "bookmark", "href": f"{prefix.unversioned}/{collection}/{ident}"},
    ]


def collection_links(
    prefix: LinkBase,
    query: dict[str, list[str]],
    items: list[Any],
    collection: str,
    max_limit: int,
    last_id: Any,
) -> list[dict[str, str]]:
    """``ViewBuilder._get_collection_links``: a ``next`` link when the page is full — the
    request's ``limit`` (capped at ``[api] max_limit``) or, without one, ``max_limit`` items.
    The link repeats the request's parameters, sorted, with ``marker`` set to the last item."""
    raw = query.get("limit")
    max_items = min(int(raw[-1]) if raw else max_limit, max_limit)
    if not max_items or max_items != len(items):
        return []
    params = {k: v[-1] for k, v in sorted(query.items())}
    params["marker"] = last_id(items[-1])
    href = f"{prefix.collection_href(collection)}?{urlencode(params)}"
    return [{"rel": "next", "href": href}]


def bookmark(prefix: LinkBase, collection: str, ident: str) -> list[dict[str, str]]:
    """Only the bookmark link (image and flavor references inside a server)."""
    return [{"rel": "bookmark", "href": f"{prefix.unversioned}/{collection}/{ident}"}]


# -- flavors -----------------------------------------------------------------------------------


def flavor_basic(prefix: LinkBase, flavor: Any, version: Any) -> dict[str, Any]:
    """A flavor in ``GET /flavors``."""
    out = {
        "id": flavor.flavorid,
        "links": links(prefix, "flavors", flavor.flavorid),
        "name": flavor.name,
    }
    if (_FLAVOR_GATES.get(version.key) or flavor_gates(version))[2]:
        out["description"] = flavor.description
    return out


def flavor_gates(version: Any) -> tuple[bool, bool, bool, bool]:
    """Whether `version` (a `Version`) is at least 2.75 (swap 0, not ""), 2.102 (no
    ``OS-FLV-DISABLED:disabled`` nor ``rxtx_factor``), 2.55 (the description) and 2.61 (extra
    specs): compared once per version, not once per flavor a list shows (the views read
    ``_FLAVOR_GATES`` first)."""
    gates = (version >= "2.75", version >= "2.102", version >= "2.55", version >= "2.61")
    if len(_FLAVOR_GATES) < 1024:
        _FLAVOR_GATES[version.key] = gates
    return gates


_FLAVOR_GATES: dict[tuple[int, int], tuple[bool, bool, bool, bool]] = {}


def flavor_detail(prefix: LinkBase, flavor: Any, version: Any, show_extra_specs: bool) -> dict:
    """A flavor in ``GET /flavors/detail`` and ``GET /flavors/{id}``."""
    out: dict[str, Any] = {
        "id": flavor.flavorid,
        "name": flavor.name,
        "ram": flavor.memory_mb,
        "disk": flavor.root_gb,
        "swap": flavor.swap or "",
        "OS-FLV-EXT-DATA:ephemeral": flavor.ephemeral_gb,
        "OS-FLV-DISABLED:disabled": flavor.disabled,
        "vcpus": flavor.vcpus,
        "os-flavor-access:is_public": flavor.is_public,
        "rxtx_factor": flavor.rxtx_factor or "",
        "links": links(prefix, "flavors", flavor.flavorid),
    }
    swap_number, trimmed, described, specs = _FLAVOR_GATES.get(version.key) or flavor_gates(version)
    if swap_number:
        out["swap"] = flavor.swap or 0
    if trimmed:
        del out["OS-FLV-DISABLED:disabled"]
        del out["rxtx_factor"]
    if described:
        out["description"] = flavor.description
    if specs and show_extra_specs:
        out["extra_specs"] = dict(flavor.extra_specs)
    return out


def _server_flavor(prefix: LinkBase, flavor: Any, embedded: bool, extra_specs: bool) -> dict:
    if embedded:  # 2.47: ``_get_flavor_dict``, its extra specs only where the policy allows
        out = {
            "vcpus": flavor.vcpus,
            "ram": flavor.memory_mb,
            "disk": flavor.root_gb,
            "ephemeral": flavor.ephemeral_gb,
            "swap": flavor.swap,
            "original_name": flavor.name,
        }
        if extra_specs:
            out["extra_specs"] = dict(flavor.extra_specs)
        return out
    return {"id": flavor.flavorid, "links": bookmark(prefix, "flavors", flavor.flavorid)}


# -- servers -----------------------------------------------------------------------------------


def server_basic(prefix: LinkBase, instance: Any) -> dict[str, Any]:
    """A server in ``GET /servers``."""
    return {
        "id": instance.uuid,
        "name": instance.display_name,
        "links": links(prefix, "servers", instance.uuid),
    }


class DetailGates:
    """What a server's detail view holds at one microversion: each of its gates compared
    once per version (`detail_gates`), not once per server shown (a client polling a
    server asks at the same version each time)."""

    __slots__ = (
        "image_properties",
        "flavor_embedded",
        "more_attributes",
        "locked",
        "host_status",
        "description",
        "tags",
        "server_groups",
        "trusted_image_certificates",
        "locked_reason",
        "hostname",
        "pinned_availability_zone",
        "scheduler_hints",
    )

    def __init__(self, version: Any):
        self.image_properties = version >= "2.98"
        self.flavor_embedded = version >= "2.47"
        #: hostname, kernel and ramdisk ids, launch index ... and delete_on_termination
        self.more_attributes = version >= "2.3"
        self.locked = version >= "2.9"
        self.host_status = version >= "2.16"
        self.description = version >= "2.19"
        self.tags = version >= "2.26"
        self.server_groups = version >= "2.71"  # show only, not the list
        self.trusted_image_certificates = version >= "2.63"
        self.locked_reason = version >= "2.73"
        self.hostname = version >= "2.90"
        self.pinned_availability_zone = version >= "2.96"
        self.scheduler_hints = version >= "2.100"


def detail_gates(version: Any) -> DetailGates:
    """The `DetailGates` of `version` (a `Version`), made once per version."""
    key = (version.major, version.minor)
    gates = _GATES.get(key)
    if gates is None:
        gates = DetailGates(version)
        if len(_GATES) < 1024:
            _GATES[key] = gates
    return gates


_GATES: dict[tuple[int, int], DetailGates] = {}


def server_detail(
    fmt: Formatter,
    prefix: LinkBase,
    instance: Any,
    gates: DetailGates,
    *,
    is_admin: bool,
    show_extended_attr: bool,
    show_extra_specs: bool,
    host_status: str | None,
    fault: Any,
    bdms: list[Any],
    addresses: dict[str, Any],
    security_groups: list[str],
) -> dict[str, Any]:
    """A server in ``GET /servers/detail`` and ``GET /servers/{id}``, as the request's
    microversion shows it (`gates`: ``detail_gates(req.microversion)``; `addresses`: its
    networks, `fakecloud.nova.network.addresses`; `security_groups`: the names of its port's
    groups, none (and no key) for a server without a port)."""
    status = (
        "DELETED"
        if instance.deleted
        else states.status_from_state(instance.vm_state, instance.task_state)
    )
    image: Any = ""
    if instance.image_ref:
        image = {"id": instance.image_ref, "links": bookmark(prefix, "images", instance.image_ref)}
        if gates.image_properties:
            # ``_get_image``: the standard properties only (not ``min_ram``, ``disk_format``,
            # ``base_image_ref`` nor custom ones), none whose value is null. Nova's
            # system_metadata is a text column: every value reads back as a string.
            image["properties"] = {
                k[6:]: str(v)
                for k, v in instance.system_metadata.items()
                if k.startswith("image_") and k[6:] in STANDARD_IMAGE_PROPERTIES and v is not None
            }
    server: dict[str, Any] = {
        "id": instance.uuid,
        "name": instance.display_name,
        "status": status,
        "tenant_id": instance.project_id or "",
        "user_id": instance.user_id or "",
        "metadata": dict(instance.metadata),
        "hostId": generate_hostid(instance.host, instance.project_id),
        "image": image,
        "flavor": _server_flavor(prefix, instance.flavor, gates.flavor_embedded, show_extra_specs),
        "created": fmt.stored(instance.created_at),
        # NULL until the row's first save (the build's on its compute host): the GET's time
        "updated": fmt.stored_or_now(instance.updated_at),
        "addresses": addresses,
        "accessIPv4": instance.access_ip_v4 or "",
        "accessIPv6": instance.access_ip_v6 or "",
        "links": links(prefix, "servers", instance.uuid),
        "OS-DCF:diskConfig": "AUTO" if instance.auto_disk_config else "MANUAL",
    }
    if status in ("ERROR", "DELETED") and fault is not None:
        fault_dict = {
            "code": fault.code,
            "created": fmt.stored(fault.created_at),
            "message": fault.message,
        }
        if fault.details and (is_admin or fault.code != 500):
            fault_dict["details"] = fault.details
        server["fault"] = fault_dict
    if status in ("ACTIVE", "BUILD", "REBUILD", "RESIZE", "VERIFY_RESIZE", "MIGRATING"):
        server["progress"] = instance.progress or 0
    server["OS-EXT-AZ:availability_zone"] = instance.availability_zone or ""
    server["config_drive"] = instance.config_drive or ""
    server["key_name"] = instance.key_name
    server["OS-SRV-USG:launched_at"] = fmt.stored_perfect(instance.launched_at)
    server["OS-SRV-USG:terminated_at"] = fmt.stored_perfect(instance.terminated_at)
    if security_groups:
        server["security_groups"] = [{"name": name} for name in security_groups]
    if show_extended_attr:
        server["OS-EXT-SRV-ATTR:host"] = instance.host
        server["OS-EXT-SRV-ATTR:instance_name"] = instance.name()
        server["OS-EXT-SRV-ATTR:hypervisor_hostname"] = instance.node
        if gates.more_attributes:
            server["OS-EXT-SRV-ATTR:hostname"] = instance.hostname
            server["OS-EXT-SRV-ATTR:kernel_id"] = instance.system_metadata.get(
                "image_kernel_id", ""
            )
            server["OS-EXT-SRV-ATTR:launch_index"] = instance.launch_index
            server["OS-EXT-SRV-ATTR:ramdisk_id"] = instance.system_metadata.get(
                "image_ramdisk_id", ""
            )
            server["OS-EXT-SRV-ATTR:reservation_id"] = instance.reservation_id
            server["OS-EXT-SRV-ATTR:root_device_name"] = instance.root_device_name
            server["OS-EXT-SRV-ATTR:user_data"] = instance.user_data
    server["OS-EXT-STS:task_state"] = instance.task_state
    server["OS-EXT-STS:vm_state"] = instance.vm_state
    server["OS-EXT-STS:power_state"] = instance.power_state
    attached = []
    for bdm in bdms:
        if bdm.volume_id:
            item: dict[str, Any] = {"id": bdm.volume_id}
            if gates.more_attributes:
                item["delete_on_termination"] = bool(bdm.delete_on_termination)
            attached.append(item)
    server["os-extended-volumes:volumes_attached"] = attached
    if gates.locked:
        server["locked"] = bool(instance.locked_by)
    if host_status is not None:
        server["host_status"] = host_status
    if gates.description:
        server["description"] = instance.display_description
    if gates.tags:
        server["tags"] = list(instance.tags)
    if gates.trusted_image_certificates:
        server["trusted_image_certificates"] = None
    if gates.locked_reason:
        server["locked_reason"] = instance.system_metadata.get("locked_reason")
    if gates.hostname and not show_extended_attr:
        server["OS-EXT-SRV-ATTR:hostname"] = instance.hostname
    if gates.pinned_availability_zone:
        server["pinned_availability_zone"] = None
    return server


# -- images (the proxy) ------------------------------------------------------------------------

_IMAGE_STATUS = {
    "active": "ACTIVE",
    "queued": "SAVING",
    "saving": "SAVING",
    "deleted": "DELETED",
    "pending_delete": "DELETED",
    "killed": "ERROR",
}
_IMAGE_PROGRESS = {"queued": 25, "saving": 50, "active": 100}


def image_basic(prefix: LinkBase, glance_url: str, image: dict[str, Any]) -> dict[str, Any]:
    """An image in ``GET /images``."""
    return {
        "id": image.get("id"),
        "name": image.get("name"),
        "links": _image_links(prefix, glance_url, image["id"]),
    }


def image_detail(
    fmt: Formatter, prefix: LinkBase, glance_url: str, image: dict[str, Any]
) -> dict[str, Any]:
    """An image in ``GET /images/detail`` and ``GET /images/{id}``."""
    properties = dict(image.get("properties") or {})
    out: dict[str, Any] = {
        "id": image.get("id"),
        "name": image.get("name"),
        "minRam": int(image.get("min_ram") or 0),
        "minDisk": int(image.get("min_disk") or 0),
        "metadata": properties,
        "created": _image_time(fmt, image.get("created_at")),
        "updated": _image_time(fmt, image.get("updated_at")),
        "status": _IMAGE_STATUS.get(image.get("status"), "UNKNOWN"),
        "progress": _IMAGE_PROGRESS.get(image.get("status"), 0),
        "OS-EXT-IMG-SIZE:size": image.get("size"),
        "links": _image_links(prefix, glance_url, image["id"]),
    }
    instance_uuid = properties.get("instance_uuid")
    if instance_uuid is not None:
        out["server"] = {"id": instance_uuid, "links": links(prefix, "servers", instance_uuid)}
    auto = properties.get("auto_disk_config")
    if auto is not None:
        truthy = str(auto).lower() in ("1", "t", "true", "on", "y", "yes")
        out["OS-DCF:diskConfig"] = "AUTO" if truthy else "MANUAL"
    return out


def _image_time(fmt: Formatter, value: Any) -> Any:
    """``utils.isotime`` of what Nova's image client returns (an aware datetime)."""
    if value is None:
        return None
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, str):
        return value if value.endswith("Z") else value.split(".")[0] + "Z"
    return fmt.isotime(value)


def _image_links(prefix: LinkBase, glance_url: str, ident: str) -> list[dict[str, str]]:
    out = links(prefix, "images", ident)
    out.append(
        {
            "rel": "alternate",
            "type": "application/vnd.openstack.image",
            # _get_alternate_link: '/'.join([glance_url, 'images', id]), a trailing slash kept
            "href": f"{glance_url}/images/{ident}",
        }
    )
    return out


# -- instance actions --------------------------------------------------------------------------

ACTION_KEYS = (
    "action",
    "instance_uuid",
    "request_id",
    "user_id",
    "project_id",
    "start_time",
    "message",
)


def instance_action(fmt: Formatter, action: Any, version: Any) -> dict[str, Any]:
    """An action (the keys of ``ACTION_KEYS``, plus ``updated_at`` from 2.58)."""
    out = {
        "action": action.action,
        "instance_uuid": action.instance_uuid,
        "request_id": action.request_id,
        "user_id": action.user_id,
        "project_id": action.project_id,
        "start_time": fmt.stored_perfect(action.start_time),
        "message": action.message,
    }
    if version >= "2.58":
        out["updated_at"] = fmt.stored_perfect(action.updated_at)
    return out


def instance_action_event(
    fmt: Formatter,
    event: Any,
    project_id: str,
    *,
    show_traceback: bool,
    show_host: bool,
    show_hostid: bool,
    show_details: bool,
) -> dict[str, Any]:
    """An event of an action, with what the caller may see."""
    out: dict[str, Any] = {
        "event": event.event,
        "start_time": fmt.stored_perfect(event.start_time),
        "finish_time": fmt.stored_perfect(event.finish_time),
        "result": event.result,
    }
    if show_traceback:
        out["traceback"] = event.traceback
    if show_host:
        out["host"] = event.host
    if show_hostid:
        out["hostId"] = generate_hostid(event.host, project_id)
    if show_details:
        out["details"] = event.details
    return out
