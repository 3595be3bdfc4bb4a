"""Every route fakecloud serves, in both profiles, answers with the real service's shape.

`test_every_route_is_walked` lists the routes of the four services' routers (the project-id
forms of Nova's and Cinder's paths are the same routes, and so are Cinder's v2 paths, its v3
handlers at 3.0) and Nova's server actions, and fails
for any that no shape test requests: Nova's are walked per microversion against Nova 34's own
response schemas in `test_response_shapes` (`nova_response_schemas.ROUTES` and ``ACTIONS``),
the volume, snapshot and image CRUD there too; every other route is walked here, once per
profile, at the lowest and highest microversion that serves it, against Cinder's view builders
(`cinder_response_schemas`), Glance's own schemas (`glance_schemas`), Keystone's api-ref
(`tests/identity/keystone_schemas`) and, for the vendor's instance snapshots (seed only, no
upstream schema exists), the contract fakecloud defines in DESIGN.md.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import jsonschema
import pytest

from fakecloud import Cloud
from fakecloud.cinder import messages
from fakecloud.nova.api import removed
from tests.identity import keystone_schemas as ks
from tests.schemas import cinder_response_schemas as cinder
from tests.schemas import glance_schemas as glance
from tests.schemas import nova_response_schemas as nova
from tests.schemas.test_response_shapes import CINDER_TOP as _CINDER_TOP
from tests.schemas.test_response_shapes import (
    NOVA_FAULT,
    PROFILES,
    World,
    _boundaries,
    _pick,
    _v,
    check,
    world_for,
    worlds,
)

#: The highest block-storage microversion of each profile's Cinder (Queens 3.50, 2026.2 3.71).
CINDER_TOP = {p: f"{v[0]}.{v[1]}" for p, v in _CINDER_TOP.items()}

__all__ = ["worlds"]  # the shared module-scoped fixture

SERVICES = {"compute": "nova", "volumev3": "cinder", "image": "glance", "identity": "keystone"}


def served(cloud: Cloud) -> set[tuple[str, str, str]]:
    """``(service type, method, template)`` of every route the cloud's services serve."""
    out = set()
    for service, attr in SERVICES.items():
        for route in getattr(cloud, attr).api.router.routes():
            template = route.template
            if service in ("compute", "volumev3"):
                template = template.replace("/{project_id}", "")
            if service == "volumev3" and template.startswith("/v2/"):
                # Cinder's legacy v2 API (before 19.0.0) is the v3 route's handler answering
                # as at 3.0, the lowest microversion every walker walks it at.
                template = "/v3/" + template[4:]
            out.add((service, route.method, template))
    return out


def _nova_walked() -> set[tuple[str, str, str]]:
    out = set()
    for method, template in nova.ROUTES:
        path = template if template in ("/", "/v2", "/v2.1") else "/v2.1" + template
        out.add(("compute", method, path))
    return out


#: Routes `test_response_shapes` walks besides Nova's.
_WALKED_THERE = {
    ("volumev3", "GET", f"/v3/{path}")
    for path in (
        "volumes",
        "volumes/detail",
        "volumes/{id}",
        "snapshots",
        "snapshots/detail",
        "snapshots/{id}",
    )
} | {
    ("compute", "POST", "/v2.1/servers/{server_id}/action"),  # every action in ACTIONS
    ("volumev3", "POST", "/v3/volumes"),
    ("volumev3", "POST", "/v3/snapshots"),
    ("image", "GET", "/v2/images"),
    ("image", "POST", "/v2/images"),
    ("image", "GET", "/v2/images/{image_id}"),
    ("image", "PATCH", "/v2/images/{image_id}"),
    ("image", "GET", "/v2/schemas/image"),
    ("image", "GET", "/v2/schemas/images"),
}

#: ``(service, method, template)`` -> walker(world, profile); filled below.
WALK: dict[tuple[str, str, str], Callable[[World, str], None]] = {}


def walks(service: str, method: str, *templates: str) -> Callable:
    """Register a walker for one or more routes."""

    def register(func: Callable) -> Callable:
        for template in templates:
            WALK[(service, method, template)] = func
        return func

    return register


#: Server actions without a 2xx and 34.0.0 response schema to walk, asserted by tests of their
#: own: ``os-getRDPConsole`` (400 or 501 with libvirt: tests/nova/test_remote_consoles.py),
#: ``resetNetwork`` (202 with no body before 23.0.0, 410 from it:
#: tests/nova/test_removed_network_methods.py).
_ACTIONS_WALKED_ELSEWHERE = {"os-getRDPConsole", "resetNetwork"}


@pytest.mark.parametrize("profile", list(PROFILES))
def test_every_route_is_walked(profile):
    cloud = Cloud(seed=0, profile=profile)
    walked = _nova_walked() | _WALKED_THERE | set(WALK)
    missing = sorted(served(cloud) - walked)
    assert not missing, "routes no shape test requests: " + ", ".join(map(" ".join, missing))
    actions = set(cloud.nova.api.ACTIONS) - set(nova.ACTIONS) - _ACTIONS_WALKED_ELSEWHERE
    assert not actions, f"server actions no shape test requests: {sorted(actions)}"


# -- helpers ----------------------------------------------------------------------------------


def expect(r: Any, status: int | tuple[int, ...], schema: dict | None, where: str) -> Any:
    """Check the status and the body (None: no body at all)."""
    statuses = status if isinstance(status, tuple) else (status,)
    assert r.status in statuses, (where, r.status, r.body)
    if schema is None:
        assert not r.body, (where, r.body)
        return None
    check(r.json(), schema, where)
    return r.json()


def volume(w: World, method: str, path: str, body: Any = None, mv: str | None = None, **kw):
    """A block-storage call under ``/v3/{project_id}``."""
    return w.req("volumev3", method, "/v3/{project_id}/" + path, body, microversion=mv, **kw)


# -- Nova: the vendor's instance snapshots (seed) -----------------------------------------------

_INSTANCE_SNAPSHOT = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "name": {"type": "string"},
        "description": {"type": ["string", "null"]},
        "status": {"enum": ["creating", "available", "error", "deleting"]},
        "server_id": {"type": "string", "format": "uuid"},
        "parent_id": {"type": ["string", "null"], "format": "uuid"},
        "is_current": {"type": "boolean"},
        "volume_backed": {"type": "boolean"},
        "size": {"type": ["integer", "null"]},
        "volume_snapshot_ids": {"type": "array", "items": {"type": "string", "format": "uuid"}},
        "created_at": {"type": "string", "format": "date-time"},
        "updated_at": {"type": ["string", "null"], "format": "date-time"},
        "links": nova.response_types.links,
    },
    "required": [
        "id", "name", "description", "status", "server_id", "parent_id", "is_current",
        "volume_backed", "size", "volume_snapshot_ids", "created_at", "updated_at", "links",
    ],
    "additionalProperties": False,
}  # fmt: skip
_SNAPS = "/v2.1/servers/{server_id}/snapshots"


@walks("compute", "POST", _SNAPS)
@walks("compute", "GET", _SNAPS, _SNAPS + "/{snapshot_id}")
@walks("compute", "DELETE", _SNAPS + "/{snapshot_id}")
@walks("compute", "POST", _SNAPS + "/{snapshot_id}/revert")
def _instance_snapshots(w: World, profile: str) -> None:
    sid = w.boot("isnap")
    base = f"/servers/{sid}/snapshots"
    one = {"type": "object", "properties": {"snapshot": _INSTANCE_SNAPSHOT}}
    one |= {"required": ["snapshot"], "additionalProperties": False}
    r = w.compute("POST", base, {"snapshot": {"name": "s1"}}, mv="2.1")
    snap = expect(r, 202, one, "POST snapshots")["snapshot"]
    w.cloud.run_until_idle()
    listed = {
        "type": "object",
        "properties": {"snapshots": {"type": "array", "items": _INSTANCE_SNAPSHOT}},
        "required": ["snapshots"],
        "additionalProperties": False,
    }
    expect(w.compute("GET", base, mv=w.top), 200, listed, "GET snapshots")
    expect(w.compute("GET", f"{base}/{snap['id']}", mv=w.top), 200, one, "GET snapshot")
    expect(w.action(sid, {"os-stop": None}), 202, None, "os-stop")
    w.cloud.run_until_idle()
    r = w.compute("POST", f"{base}/{snap['id']}/revert", mv="2.1")
    expect(r, 202, None, "POST revert")
    w.cloud.run_until_idle()
    expect(w.compute("DELETE", f"{base}/{snap['id']}", mv="2.1"), 202, None, "DELETE snapshot")
    w.cloud.run_until_idle()


# -- Nova: /os-volumes_boot, a clone of /servers ------------------------------------------------

_VB = "/v2.1/os-volumes_boot"


@walks("compute", "GET", _VB, _VB + "/detail", _VB + "/{server_id}")
@walks("compute", "POST", _VB, _VB + "/{server_id}/action")
@walks("compute", "PUT", _VB + "/{server_id}")
@walks("compute", "DELETE", _VB + "/{server_id}")
def _volumes_boot(w: World, profile: str) -> None:
    # /servers' schemas at its first and last microversion (2.102 from 33.0.0; 404 after)
    last = "2.102" if _v(w.top) > _v("2.102") else w.top
    sid = w.boot("vb")
    for mv in ("2.1", last):
        for method, path, route in (
            ("GET", "", "/servers"),
            ("GET", "/detail", "/servers/detail"),
            ("GET", f"/{sid}", "/servers/{server_id}"),
        ):
            r = w.compute(method, "/os-volumes_boot" + path, mv=mv)
            expect(r, 200, _pick(nova.ROUTES[(method, route)], mv), f"{method} {_VB}{path} {mv}")
        r = w.compute("PUT", f"/os-volumes_boot/{sid}", {"server": {"name": "vb"}}, mv=mv)
        if last == w.top:
            expect(r, 200, _pick(nova.ROUTES[("PUT", "/servers/{server_id}")], mv), f"PUT {mv}")
        else:  # VolumesBootController.update calls ServersController's without the body
            expect(r, 500, NOVA_FAULT, f"PUT {_VB}/{{server_id}} {mv}")
        image = {"createImage": {"name": "vb"}}
        r = w.compute("POST", f"/os-volumes_boot/{sid}/action", image, mv=mv)
        expect(r, 202, _pick(nova.ACTIONS["createImage"], mv), f"createImage {_VB} {mv}")
        w.cloud.run_until_idle()
    body = {"server": w.server_body("vb2", False)}
    r = w.compute("POST", "/os-volumes_boot", body, mv=last)
    made = expect(r, 202, _pick(nova.ROUTES[("POST", "/servers")], last), f"POST {_VB}")
    w.cloud.run_until_idle()
    r = w.compute("DELETE", f"/os-volumes_boot/{made['server']['id']}", mv=last)
    expect(r, 204, None, f"DELETE {_VB}")
    if last != w.top:
        r = w.compute("GET", f"/os-volumes_boot/{sid}", mv=w.top)
        expect(r, 404, NOVA_FAULT, f"GET {_VB} at {w.top}")
    w.cloud.run_until_idle()


# -- Nova: volume attach and detach -------------------------------------------------------------

_VA = "/v2.1/servers/{server_id}/os-volume_attachments"


def _attach_view(keys: tuple[str, ...]) -> dict[str, Any]:
    props: dict[str, Any] = {
        "id": {"type": "string", "format": "uuid"},
        "serverId": {"type": "string", "format": "uuid"},
        "volumeId": {"type": "string", "format": "uuid"},
        "device": {"type": ["string", "null"], "pattern": "^/dev/"},
        "tag": {"type": ["string", "null"]},
        "delete_on_termination": {"type": "boolean"},
    }
    view = {
        "type": "object",
        "properties": {k: props[k] for k in keys},
        "required": list(keys),
        "additionalProperties": False,
    }
    return {
        "type": "object",
        "properties": {"volumeAttachment": view},
        "required": ["volumeAttachment"],
        "additionalProperties": False,
    }


# -- Nova: services and hypervisors (the admin's) ---------------------------------------------

_SV = nova.services
_HV = nova.hypervisors
#: ``@validation.response_body_schema`` of services.py and hypervisors.py (Nova 34.0.0).
_HOST_ROUTES = {
    ("GET", "/os-services"): [
        ("2.0", "2.10", _SV.index_response),
        ("2.11", "2.52", _SV.index_response_v211),
        ("2.53", "2.68", _SV.index_response_v253),
        ("2.69", None, _SV.index_response_v269),
    ],
    ("PUT", "/os-services/{id}"): [
        ("2.0", "2.52", _SV.update_response),
        ("2.53", "2.68", _SV.update_response_v253),
        ("2.69", None, _SV.update_response_v269),
    ],
    ("DELETE", "/os-services/{id}"): [(None, None, _SV.delete_response)],
    ("GET", "/os-hypervisors"): [
        ("2.1", "2.32", _HV.index_response),
        ("2.33", "2.52", _HV.index_response_v233),
        ("2.53", None, _HV.index_response_v253),
    ],
    ("GET", "/os-hypervisors/detail"): [
        ("2.1", "2.27", _HV.detail_response),
        ("2.28", "2.32", _HV.detail_response_v228),
        ("2.33", "2.52", _HV.detail_response_v233),
        ("2.53", "2.87", _HV.detail_response_v253),
        ("2.88", None, _HV.detail_response_v288),
    ],
    ("GET", "/os-hypervisors/{id}"): [
        ("2.1", "2.27", _HV.show_response),
        ("2.28", "2.52", _HV.show_response_v228),
        ("2.53", "2.87", _HV.show_response_v253),
        ("2.88", None, _HV.show_response_v288),
    ],
    ("GET", "/os-hypervisors/{id}/uptime"): [
        ("2.1", "2.52", _HV.uptime_response),
        ("2.53", "2.87", _HV.uptime_response_v253),
    ],
    ("GET", "/os-hypervisors/{id}/search"): [("2.1", "2.52", _HV.search_response)],
    ("GET", "/os-hypervisors/{id}/servers"): [("2.1", "2.52", _HV.servers_response)],
    ("GET", "/os-hypervisors/statistics"): [("2.1", "2.87", _HV.statistics_response)],
}


def _host_versions(route: tuple[str, str], top: str) -> list[str]:
    """The boundary microversions a route serves in a profile (up to `top`)."""
    ranges = _HOST_ROUTES[route]
    return _boundaries(ranges, min(top, ranges[-1][1] or top, key=_v))


_GONE_FAULT = {
    "type": "object",
    "properties": {
        "computeFault": {
            "type": "object",
            "properties": {"code": {"const": 410}, "message": {"const": removed.GONE}},
            "required": ["code", "message"],
            "additionalProperties": False,
        }
    },
    "required": ["computeFault"],
    "additionalProperties": False,
}
_REMOVED = sorted({(m, "/v2.1" + p) for _, _, routes in removed.GROUPS for m, p in routes})


def _removed_apis(w: World, profile: str, only: bool | None = None) -> None:
    # each route of a group the profile's release removed; before it, no route (404)
    served = {(r.method, r.template) for r in w.cloud.nova.api.router.routes()}
    for method, template in _REMOVED:
        # os-agents' routes are `_agents`' (only them), the others this walker's own
        if (method, template) not in served or (template in _AGENT_PATHS) != (only is not None):
            continue
        path = template.removeprefix("/v2.1")
        for name in ("{id}", "{domain_id}", "{server_id}", "{network_id}"):
            path = path.replace(name, "x1")
        body = {} if method in ("POST", "PUT") else None
        if path.endswith("/action"):  # os-networks' removed actions (another is 400)
            body = {"disassociate": None}
        for mv in ("2.1", w.top):
            r = w.compute(method, path, body, mv=mv, user="admin")
            expect(r, 410, _GONE_FAULT, f"{method} {template} @{mv}")


for _method, _template in _REMOVED:
    walks("compute", _method, _template)(_removed_apis)

_AGENT_ROUTES = (("GET", "/os-agents"), ("POST", "/os-agents"), ("PUT", "/os-agents/{id}"),
                 ("DELETE", "/os-agents/{id}"))  # fmt: skip
_AGENT_PATHS = {"/v2.1" + p for _, p in _AGENT_ROUTES}
_TEXT = {"type": "string"}
#: nova 22.0.0 api-ref os-agents.inc: create's, list's and update's agent.
_AGENT = {
    "type": "object",
    "properties": {
        **{k: _TEXT for k in ("hypervisor", "os", "architecture", "version", "url", "md5hash")},
        "agent_id": {"type": "integer"},
    },
    "required": ["hypervisor", "os", "architecture", "version", "url", "md5hash", "agent_id"],
    "additionalProperties": False,
}
_AGENT_UPDATED = {
    "type": "object",
    "properties": {"agent_id": _TEXT, "version": _TEXT, "url": _TEXT, "md5hash": _TEXT},
    "required": ["agent_id", "version", "url", "md5hash"],
    "additionalProperties": False,
}


_TENANT_NETWORK = {
    "type": "object",
    "properties": {"id": _TEXT, "cidr": {"const": "None"}, "label": _TEXT},
    "required": ["id", "cidr", "label"],
    "additionalProperties": False,
}


@walks("compute", "GET", "/v2.1/os-tenant-networks", "/v2.1/os-tenant-networks/{id}")
def _tenant_networks(w: World, profile: str) -> None:
    # nova 17.0.13/22.0.0 tenant_networks.py network_dict (cidr is str(None)), to 2.35
    r = w.compute("GET", "/os-tenant-networks", mv="2.1")
    nets = expect(r, 200, _one("networks", {"type": "array", "items": _TENANT_NETWORK}), "list")
    r = w.compute("GET", f"/os-tenant-networks/{nets['networks'][0]['id']}", mv="2.35")
    expect(r, 200, _one("network", _TENANT_NETWORK), "show @2.35")
    expect(w.compute("GET", "/os-tenant-networks", mv="2.36"), 404, NOVA_FAULT, "list @2.36")


def _one(key: str, schema: dict) -> dict:
    return {"type": "object", "properties": {key: schema}, "required": [key],
            "additionalProperties": False}  # fmt: skip


@walks("compute", "GET", "/v2.1/os-agents")
@walks("compute", "POST", "/v2.1/os-agents")
@walks("compute", "PUT", "/v2.1/os-agents/{id}")
@walks("compute", "DELETE", "/v2.1/os-agents/{id}")
def _agents(w: World, profile: str) -> None:
    # the XenAPI agent builds: an admin API before 23.0.0 (nova 22.x agents.py), 410 from it
    if w.cloud.kernel.switches.release.major >= 23:
        _removed_apis(w, profile, only=True)
        return
    agent = {"hypervisor": "xen", "os": "linux", "architecture": "x86", "version": "7.0",
             "url": "http://example.com/a.tgz", "md5hash": "add6bb58e1"}  # fmt: skip
    r = w.compute("POST", "/os-agents", {"agent": agent}, mv="2.1", user="admin")
    ident = expect(r, 200, _one("agent", _AGENT), "POST /os-agents")["agent"]["agent_id"]
    for mv in ("2.1", w.top):
        r = w.compute("GET", "/os-agents?hypervisor=xen", mv=mv, user="admin")
        expect(r, 200, _one("agents", {"type": "array", "items": _AGENT}), f"GET @{mv}")
    para = {"version": "8.0", "url": "http://example.com/b.tgz", "md5hash": "ab"}
    r = w.compute("PUT", f"/os-agents/{ident}", {"para": para}, mv=w.top, user="admin")
    expect(r, 200, _one("agent", _AGENT_UPDATED), "PUT /os-agents/{id}")
    r = w.compute("DELETE", f"/os-agents/{ident}", mv=w.top, user="admin")
    expect(r, 200, None, "DELETE /os-agents/{id}")


@walks("compute", "PUT", "/v2.1/os-hosts/{host}")
@walks(
    "compute", "GET", *(f"/v2.1/os-hosts/{{host}}/{a}" for a in ("startup", "shutdown", "reboot"))
)
def _hosts_not_on_libvirt(w: World, profile: str) -> None:
    # libvirt implements none of them: NotImplementedError, 501, at 2.1 and 2.42 (2.43: 404);
    # from 20.0.0 the manager answers `status` itself (099b490c2f), the trait changed.
    host = next(iter(w.cloud.nova.hosts))
    trait = w.cloud.kernel.switches.release.version >= (20, 0, 0)
    for mv in ("2.1", "2.42"):
        for status in ("disable", "enable"):
            r = w.compute("PUT", f"/os-hosts/{host}", {"status": status}, mv=mv, user="admin")
            if trait:
                expect(r, 200, nova.hosts.update_response, f"PUT os-hosts @{mv}")
                assert r.body == {"host": host, "status": f"{status}d"}, r.body
            else:
                expect(r, 501, NOVA_FAULT, f"PUT os-hosts @{mv}")
        body = {"maintenance_mode": "enable"}
        r = w.compute("PUT", f"/os-hosts/{host}", body, mv=mv, user="admin")
        expect(r, 501, NOVA_FAULT, f"PUT os-hosts maintenance @{mv}")
        for action in ("startup", "shutdown", "reboot"):
            r = w.compute("GET", f"/os-hosts/{host}/{action}", mv=mv, user="admin")
            expect(r, 501, NOVA_FAULT, f"GET os-hosts {action} @{mv}")


@walks("compute", "HEAD", "/v2", "/v2.1")
@walks("compute", "POST", "/v2", "/v2.1")
@walks("compute", "PUT", "/v2", "/v2.1")
@walks("compute", "PATCH", "/v2", "/v2.1")
@walks("compute", "DELETE", "/v2", "/v2.1")
def _version_documents_by_any_method(w: World, profile: str) -> None:
    # 1e907602e3 (21.0.0): VersionsV2 answers every method; before, the router's ('', '/')
    # redirect took the bare path by any method (302), its '/' route GET alone (404).
    public = w.cloud.kernel.switches.versioned_discovery_public
    for method in ("HEAD", "POST", "PUT", "PATCH", "DELETE"):
        for path in ("/v2", "/v2.1"):
            r = w.req("compute", method, path)
            if not public:
                assert r.status == 302, (profile, method, path, r.status)
                assert w.req("compute", method, path + "/").status == 404, (method, path)
            elif method == "HEAD":
                assert r.status == 200, (profile, method, path, r.status)
            else:
                expect(r, 200, nova.ROUTES[("GET", path)][0][2], f"{method} {path}")


@walks("compute", "OPTIONS", "/v2", "/v2.1")
def _version_documents_by_options(w: World, profile: str) -> None:
    # api-paste.ini's cors sends an OPTIONS on: VersionsV2's document from 21.0.0 goes through;
    # before, the router's ('', '/') redirect, which cors replaces by its empty 200.
    public = w.cloud.kernel.switches.versioned_discovery_public
    for path in ("/v2", "/v2.1"):
        r = w.req("compute", "OPTIONS", path)
        if public:
            expect(r, 200, nova.ROUTES[("GET", path)][0][2], f"OPTIONS {path}")
        else:
            assert (r.status, r.body or b"") == (200, b""), (profile, path, r.status)


@walks("compute", "GET", "/v2.1/")  # served under the URL's project ('/v2.1/' is urlmap's)
def _version_document_under_the_project(w: World, profile: str) -> None:
    r = w.req("compute", "GET", "/v2.1/{project_id}/")
    expect(r, 200, nova.ROUTES[("GET", "/v2.1")][0][2], "GET /v2.1/{project_id}/")


@walks("compute", "GET", *("/v2.1" + t for m, t in _HOST_ROUTES if m == "GET"))
def _hosts_read(w: World, profile: str) -> None:
    for route, ranges in _HOST_ROUTES.items():
        method, template = route
        if method != "GET":
            continue
        for mv in _host_versions(route, w.top):
            listed = w.compute("GET", "/os-hypervisors", mv=mv, user="admin").json()
            ident = listed["hypervisors"][0]["id"]
            # a hypervisor's id, or (search, servers) a hostname pattern
            pattern = template.endswith(("/search", "/servers"))
            path = template.replace("{id}", "cmp" if pattern else str(ident))
            r = w.compute("GET", path, mv=mv, user="admin")
            expect(r, 200, _pick(ranges, mv), f"GET {template} @{mv}")
    if _v(w.top) >= _v("2.53"):
        for path in ("/os-hypervisors?with_servers=true", "/os-hypervisors/detail?with_servers=1"):
            ranges = _HOST_ROUTES[("GET", path.split("?")[0])]
            r = w.compute("GET", path, mv="2.53", user="admin")
            expect(r, 200, _pick(ranges, "2.53"), f"GET {path} @2.53")


@walks("compute", "PUT", "/v2.1/os-services/{id}")
@walks("compute", "DELETE", "/v2.1/os-services/{id}")
def _services_write(w: World, profile: str) -> None:
    route = ("PUT", "/os-services/{id}")
    for mv in _host_versions(route, w.top):
        schema = _pick(_HOST_ROUTES[route], mv)
        if _v(mv) < _v("2.53"):
            for action in ("disable-log-reason", "enable"):
                body = {"host": "cmp-1", "binary": "nova-compute", "disabled_reason": "shape"}
                if action == "enable":
                    del body["disabled_reason"]
                r = w.compute("PUT", f"/os-services/{action}", body, mv=mv, user="admin")
                expect(r, 200, schema, f"PUT os-services/{action} @{mv}")
            continue
        listed = w.compute("GET", "/os-services?host=cmp-1", mv=mv, user="admin").json()
        uuid = listed["services"][0]["id"]
        for body in ({"status": "disabled", "disabled_reason": "shape"}, {"status": "enabled"}):
            r = w.compute("PUT", f"/os-services/{uuid}", body, mv=mv, user="admin")
            expect(r, 200, schema, f"PUT os-services/{{uuid}} @{mv}")
    # the control services (no servers, no scheduling depends on their rows)
    r = w.compute("DELETE", "/os-services/2", mv="2.1", user="admin")
    expect(r, 204, _HOST_ROUTES[("DELETE", "/os-services/{id}")][0][2], "DELETE @2.1")
    if _v(w.top) >= _v("2.53"):
        uuid = w.compute("GET", "/os-services", mv="2.53", user="admin").json()["services"][0]
        r = w.compute("DELETE", f"/os-services/{uuid['id']}", mv="2.53", user="admin")
        expect(r, 204, None, "DELETE @2.53")


_AG = nova.aggregates


@walks("compute", "GET", "/v2.1/os-aggregates", "/v2.1/os-aggregates/{id}")
@walks("compute", "POST", "/v2.1/os-aggregates", "/v2.1/os-aggregates/{id}/action")
@walks("compute", "PUT", "/v2.1/os-aggregates/{id}")
@walks("compute", "DELETE", "/v2.1/os-aggregates/{id}")
@walks("compute", "POST", "/v2.1/os-aggregates/{id}/images")
def _aggregates(w: World, profile: str) -> None:
    """``@validation.response_body_schema`` of aggregates.py (Nova 34.0.0): each handler at
    2.1 (no uuid) and from 2.41."""
    for mv in ("2.1", "2.41"):
        v241 = mv == "2.41"

        def call(method, path, body=None, mv=mv):
            return w.compute(method, "/os-aggregates" + path, body, mv=mv, user="admin")

        new = {"aggregate": {"name": f"shape-{mv}"}}  # no zone: cmp-1 runs servers
        made = expect(
            call("POST", "", new),
            200,
            _AG.create_response_v241 if v241 else _AG.create_response,
            f"create @{mv}",
        )
        path = f"/{made['aggregate']['id']}"
        one = _AG.show_response_v241 if v241 else _AG.show_response
        expect(
            call("GET", ""),
            200,
            _AG.index_response_v241 if v241 else _AG.index_response,
            f"index @{mv}",
        )
        expect(call("GET", path), 200, one, f"show @{mv}")
        expect(
            call("PUT", path, {"aggregate": {"name": f"shaped-{mv}"}}), 200, one, f"update @{mv}"
        )
        for action in (
            {"add_host": {"host": "cmp-1"}},
            {"set_metadata": {"metadata": {"k": "v"}}},
            {"remove_host": {"host": "cmp-1"}},
        ):
            expect(call("POST", path + "/action", action), 200, one, f"{next(iter(action))} @{mv}")
        if _v(w.top) >= _v("2.81") and v241:
            cache = {"cache": [{"id": w.base_image}]}
            r = w.compute("POST", f"/os-aggregates{path}/images", cache, mv="2.81", user="admin")
            expect(r, 202, None, "images @2.81")
        r = call("DELETE", path)
        assert r.status == 200 and not r.body, (r.status, r.body)
        check(None, _AG.delete_response, f"delete @{mv}")


@walks("compute", "POST", _VA)
@walks("compute", "DELETE", _VA + "/{volume_id}")
def _volume_attach_detach(w: World, profile: str) -> None:
    sid = w.boot("va")
    base = ("id", "serverId", "volumeId", "device")
    steps = [("2.1", base), ("2.49", base)]
    if profile == "upstream":
        steps += [("2.79", (*base, "tag", "delete_on_termination")), (w.top, None)]
    for mv, keys in steps:
        vid = volume(w, "POST", "volumes", {"volume": {"size": 1}}).json()["volume"]["id"]
        w.cloud.run_until_idle()
        r = w.compute(
            "POST",
            f"/servers/{sid}/os-volume_attachments",
            {"volumeAttachment": {"volumeId": vid}},
            mv=mv,
        )
        if keys is None:
            expect(r, 202, None, f"POST os-volume_attachments @{mv}")
        else:
            expect(r, 200, _attach_view(keys), f"POST os-volume_attachments @{mv}")
        w.cloud.run_until_idle()
        r = w.compute("DELETE", f"/servers/{sid}/os-volume_attachments/{vid}", mv=mv)
        expect(r, 202, None, f"DELETE os-volume_attachments @{mv}")
        w.cloud.run_until_idle()


# -- Cinder -------------------------------------------------------------------------------------


@walks("volumev3", "GET", "/", "/v3", "/v2")
@walks("volumev3", "HEAD", "/")
@walks("volumev3", "POST", "/")
@walks("volumev3", "PUT", "/")
@walks("volumev3", "PATCH", "/")
@walks("volumev3", "DELETE", "/")
def _cinder_versions(w: World, profile: str) -> None:
    expect(w.req("volumev3", "GET", "/"), 300, cinder.VERSIONS, "GET /")
    # the version router's '/' route has no method condition (cinder api/versions.py)
    assert w.req("volumev3", "HEAD", "/").status == 300
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        expect(w.req("volumev3", method, "/"), 300, cinder.VERSIONS, f"{method} /")
    expect(w.req("volumev3", "GET", "/v3/"), 200, cinder.VERSIONS, "GET /v3/")
    v2 = w.req("volumev3", "GET", "/v2/")  # the v2 router's, before Cinder 19
    if profile == "seed":
        expect(v2, 200, cinder.VERSIONS, "GET /v2/")
    else:
        assert v2.status == 404


@walks("volumev3", "OPTIONS", "/v3", "/v2")
def _cinder_versions_by_options(w: World, profile: str) -> None:
    # the v2/v3 routers' '/' has no method condition and cors sends a 2xx through; their
    # ('', '/') redirect and, from Cinder 19, /v2/'s 404 become cors's empty 200
    expect(w.req("volumev3", "OPTIONS", "/v3/"), 200, cinder.VERSIONS, "OPTIONS /v3/")
    bare = [w.req("volumev3", "OPTIONS", "/v3")]
    v2 = w.req("volumev3", "OPTIONS", "/v2/")
    if profile == "seed":
        expect(v2, 200, cinder.VERSIONS, "OPTIONS /v2/")
    else:
        bare.append(v2)
    for r in bare:
        assert (r.status, r.body or b"") == (200, b""), (profile, r.status)


@walks("volumev3", "PUT", "/v3/volumes/{id}")
@walks("volumev3", "POST", "/v3/volumes/{id}/action")
@walks("volumev3", "DELETE", "/v3/volumes/{id}")
def _cinder_volume_writes(w: World, profile: str) -> None:
    for mv in ("3.0", CINDER_TOP[profile]):
        vid = volume(w, "POST", "volumes", {"volume": {"size": 1}}).json()["volume"]["id"]
        w.cloud.run_until_idle()
        r = volume(w, "PUT", f"volumes/{vid}", {"volume": {"name": "renamed"}}, mv=mv)
        expect(r, 200, cinder.one("volume", cinder.volume_detail(mv, False)), f"PUT @{mv}")
        body = {"os-set_bootable": {"bootable": True}}
        expect(volume(w, "POST", f"volumes/{vid}/action", body, mv=mv), 200, None, "action")
        expect(volume(w, "DELETE", f"volumes/{vid}", mv=mv), 202, None, f"DELETE @{mv}")
        w.cloud.run_until_idle()


@walks("volumev3", "GET", "/v3/volumes/{id}/metadata", "/v3/volumes/{id}/metadata/{key}")
@walks("volumev3", "POST", "/v3/volumes/{id}/metadata")
@walks("volumev3", "PUT", "/v3/volumes/{id}/metadata", "/v3/volumes/{id}/metadata/{key}")
@walks("volumev3", "DELETE", "/v3/volumes/{id}/metadata/{key}")
@walks("volumev3", "GET", "/v3/volumes/summary")
def _cinder_volume_metadata_summary(w: World, profile: str) -> None:
    for mv in ("3.0", CINDER_TOP[profile]):
        meta = f"volumes/{w.volume}/metadata"
        r = volume(w, "POST", meta, {"metadata": {"a": "1", "b": "2"}}, mv=mv)
        expect(r, 200, cinder.METADATA, "POST volume metadata")
        expect(volume(w, "GET", meta, mv=mv), 200, cinder.METADATA, "GET volume metadata")
        expect(volume(w, "GET", f"{meta}/a", mv=mv), 200, cinder.META, "GET volume metadata key")
        r = volume(w, "PUT", f"{meta}/a", {"meta": {"a": "3"}}, mv=mv)
        expect(r, 200, cinder.META, "PUT volume metadata key")
        r = volume(w, "PUT", meta, {"metadata": {"b": "2"}}, mv=mv)
        expect(r, 200, cinder.METADATA, "PUT volume metadata")
        expect(volume(w, "DELETE", f"{meta}/b", mv=mv), 200, None, "DELETE volume metadata key")
    expect(volume(w, "GET", "volumes/summary", mv="3.11"), 404, cinder.FAULT, "summary @3.11")
    expect(volume(w, "GET", "volumes/summary", mv="3.12"), 200, cinder.SUMMARY, "summary @3.12")
    r = volume(w, "GET", "volumes/summary", mv=CINDER_TOP[profile])
    expect(r, 200, cinder.SUMMARY_METADATA, "summary @top")


@walks("volumev3", "PUT", "/v3/snapshots/{id}")
@walks("volumev3", "POST", "/v3/snapshots/{id}/action")
@walks("volumev3", "DELETE", "/v3/snapshots/{id}")
@walks("volumev3", "GET", "/v3/snapshots/{id}/metadata", "/v3/snapshots/{id}/metadata/{key}")
@walks("volumev3", "POST", "/v3/snapshots/{id}/metadata")
@walks("volumev3", "PUT", "/v3/snapshots/{id}/metadata", "/v3/snapshots/{id}/metadata/{key}")
@walks("volumev3", "DELETE", "/v3/snapshots/{id}/metadata/{key}")
def _cinder_snapshot_writes(w: World, profile: str) -> None:
    for mv in ("3.0", CINDER_TOP[profile]):
        body = {"snapshot": {"volume_id": w.volume, "force": True}}
        sid = volume(w, "POST", "snapshots", body).json()["snapshot"]["id"]
        w.cloud.run_until_idle()
        snap = cinder.one("snapshot", cinder.snapshot_detail(mv, extended=False))
        r = volume(w, "PUT", f"snapshots/{sid}", {"snapshot": {"name": "renamed"}}, mv=mv)
        expect(r, 200, snap, f"PUT snapshot @{mv}")
        meta = f"snapshots/{sid}/metadata"
        r = volume(w, "POST", meta, {"metadata": {"a": "1", "b": "2"}}, mv=mv)
        expect(r, 200, cinder.METADATA, "POST metadata")
        expect(volume(w, "GET", meta, mv=mv), 200, cinder.METADATA, "GET metadata")
        expect(volume(w, "GET", f"{meta}/a", mv=mv), 200, cinder.META, "GET metadata key")
        r = volume(w, "PUT", f"{meta}/a", {"meta": {"a": "3"}}, mv=mv)
        expect(r, 200, cinder.META, "PUT metadata key")
        r = volume(w, "PUT", meta, {"metadata": {"b": "2"}}, mv=mv)
        expect(r, 200, cinder.METADATA, "PUT metadata")
        expect(volume(w, "DELETE", f"{meta}/b", mv=mv), 200, None, "DELETE metadata key")
        body = {"os-reset_status": {"status": "available"}}
        r = volume(w, "POST", f"snapshots/{sid}/action", body, mv=mv, user="admin")
        expect(r, 202, None, f"snapshot action @{mv}")
        expect(volume(w, "DELETE", f"snapshots/{sid}", mv=mv), 202, None, "DELETE snapshot")
        w.cloud.run_until_idle()


_BK = "/v3/backups"


@walks("volumev3", "POST", _BK, _BK + "/{id}/restore", _BK + "/{id}/action")
@walks("volumev3", "POST", _BK + "/import_record")
@walks("volumev3", "GET", _BK, _BK + "/detail", _BK + "/{id}", _BK + "/{id}/export_record")
@walks("volumev3", "PUT", _BK + "/{id}")
@walks("volumev3", "DELETE", _BK + "/{id}")
def _cinder_backups(w: World, profile: str) -> None:
    for mv in ("3.0", CINDER_TOP[profile]):
        r = volume(w, "POST", "backups", {"backup": {"volume_id": w.volume, "force": True}}, mv=mv)
        bid = expect(r, 202, cinder.one("backup", cinder.BACKUP_SUMMARY), f"POST @{mv}")
        bid = bid["backup"]["id"]
        w.cloud.run_until_idle()
        for users, admin in (({}, False), ({"user": "admin"}, True)):
            one = cinder.one("backup", cinder.backup_detail(mv, admin))
            r = volume(w, "GET", f"backups/{bid}", mv=mv, **users)
            expect(r, 200, one, f"GET backup @{mv} {users}")
            listed = cinder.collection("backups", cinder.backup_detail(mv, admin))
            r = volume(w, "GET", "backups/detail", mv=mv, **users)
            expect(r, 200, listed, f"GET detail @{mv} {users}")
        listed = cinder.collection("backups", cinder.BACKUP_SUMMARY)
        expect(volume(w, "GET", "backups?limit=1", mv=mv), 200, listed, f"GET backups @{mv}")
        if _v(mv) >= _v("3.9"):
            r = volume(w, "PUT", f"backups/{bid}", {"backup": {"name": "renamed"}}, mv=mv)
            expect(r, 200, cinder.one("backup", cinder.BACKUP_SUMMARY), f"PUT @{mv}")
        else:
            expect(volume(w, "PUT", f"backups/{bid}", {"backup": {}}, mv=mv), 404,
                   cinder.FAULT, f"PUT @{mv}")  # fmt: skip
        r = volume(w, "POST", f"backups/{bid}/restore", {"restore": {"name": "r"}}, mv=mv)
        expect(r, 202, cinder.RESTORE, f"POST restore @{mv}")
        w.cloud.run_until_idle()
        r = volume(w, "GET", f"backups/{bid}/export_record", mv=mv, user="admin")
        record = expect(r, 200, cinder.BACKUP_RECORD, f"GET export_record @{mv}")
        r = volume(w, "POST", "backups/import_record", record, mv=mv, user="admin")
        expect(r, 400, cinder.FAULT, f"POST import_record (exists) @{mv}")
        if w.cloud.switches.lp1965847:  # that refusal destroyed the backup (Cinder 12.0.5-20.0.0)
            r = volume(w, "POST", "backups", {"backup": {"volume_id": w.volume, "force": True}})
            bid = r.json()["backup"]["id"]
            w.cloud.run_until_idle()
        body = {"os-reset_status": {"status": "error"}}
        r = volume(w, "POST", f"backups/{bid}/action", body, mv=mv, user="admin")
        expect(r, 202, None, f"backup action @{mv}")
        w.cloud.run_until_idle()
        expect(volume(w, "DELETE", f"backups/{bid}", mv=mv), 202, None, f"DELETE @{mv}")
        w.cloud.run_until_idle()


_TR = "/v3/os-volume-transfer"
_VT = "/v3/volume-transfers"


@walks("volumev3", "POST", _TR, _TR + "/{id}/accept", _VT, _VT + "/{id}/accept")
@walks("volumev3", "GET", _TR, _TR + "/detail", _TR + "/{id}", _VT, _VT + "/detail", _VT + "/{id}")
@walks("volumev3", "DELETE", _TR + "/{id}", _VT + "/{id}")
def _cinder_transfers(w: World, profile: str) -> None:
    paths = ["os-volume-transfer"]
    if profile == "seed":  # 12.0.10: no /volume-transfers (the router's bare 404)
        r = volume(w, "GET", "volume-transfers")
        assert r.status == 404 and b"itemNotFound" not in r.body, r.body
    else:
        paths.append("volume-transfers")
    for path in paths:
        for mv in ("3.0", CINDER_TOP[profile]):
            r = volume(w, "POST", "volumes", {"volume": {"size": 1}})
            vid = r.json()["volume"]["id"]
            w.cloud.run_until_idle()
            r = volume(w, "POST", path, {"transfer": {"volume_id": vid, "name": "t"}}, mv=mv)
            created = cinder.one("transfer", cinder.transfer_detail(mv, True))
            made = expect(r, 202, created, f"POST {path} @{mv}")["transfer"]
            detail = cinder.transfer_detail(mv)
            r = volume(w, "GET", f"{path}/{made['id']}", mv=mv)
            expect(r, 200, cinder.one("transfer", detail), f"GET {path}/id @{mv}")
            r = volume(w, "GET", f"{path}/detail", mv=mv)
            expect(r, 200, cinder.collection("transfers", detail), f"GET {path}/detail @{mv}")
            listed = cinder.collection("transfers", cinder.TRANSFER_SUMMARY)
            expect(volume(w, "GET", path, mv=mv), 200, listed, f"GET {path} @{mv}")
            r = volume(w, "POST", f"{path}/{made['id']}/accept",
                       {"accept": {"auth_key": made["auth_key"]}}, mv=mv, user="admin")  # fmt: skip
            summary = cinder.one("transfer", cinder.TRANSFER_SUMMARY)
            expect(r, 202, summary, f"POST {path}/id/accept @{mv}")
            r = volume(w, "POST", path, {"transfer": {"volume_id": w.volume}}, mv=mv)
            created = cinder.one("transfer", cinder.transfer_detail(mv, True))
            made = expect(r, 202, created, f"POST {path} again @{mv}")["transfer"]
            expect(volume(w, "DELETE", f"{path}/{made['id']}", mv=mv), 202, None, "DELETE")


_GT = "/v3/group_types/{id}"
_GR = "/v3/groups"
_GS = "/v3/group_snapshots"


@walks("volumev3", "GET", "/v3/group_types", _GT, _GT + "/group_specs", _GT + "/group_specs/{key}")
@walks("volumev3", "POST", "/v3/group_types", _GT + "/group_specs")
@walks("volumev3", "PUT", _GT, _GT + "/group_specs/{key}")
@walks("volumev3", "DELETE", _GT, _GT + "/group_specs/{key}")
@walks("volumev3", "GET", _GR, _GR + "/detail", _GR + "/{id}", _GS, _GS + "/detail", _GS + "/{id}")
@walks("volumev3", "POST", _GR, _GR + "/action", _GR + "/{id}/action", _GS, _GS + "/{id}/action")
@walks("volumev3", "PUT", _GR + "/{id}")
@walks("volumev3", "DELETE", _GS + "/{id}")
def _cinder_groups(w: World, profile: str) -> None:
    mv = CINDER_TOP[profile]
    kind = cinder.group_type(admin=True)
    r = volume(w, "POST", "group_types", {"group_type": {"name": "walked"}}, mv=mv, user="admin")
    gtype = expect(r, 202, cinder.one("group_type", kind), "POST group_types")["group_type"]["id"]
    path = f"group_types/{gtype}"
    r = volume(w, "PUT", path, {"group_type": {"description": "d"}}, mv=mv, user="admin")
    expect(r, 200, cinder.one("group_type", kind), "PUT group_type")
    r = volume(w, "GET", "group_types", mv=mv)
    expect(r, 200, cinder.collection("group_types", cinder.group_type(admin=False)), "types")
    expect(
        volume(w, "GET", path, mv=mv),
        200,
        cinder.one("group_type", cinder.group_type(False)),
        "type",
    )
    specs = {"group_specs": {"k": "v"}}
    r = volume(w, "POST", path + "/group_specs", specs, mv=mv, user="admin")
    expect(r, 202, cinder.GROUP_SPECS, "POST group_specs")
    r = volume(w, "PUT", path + "/group_specs/k", {"k": "w"}, mv=mv, user="admin")
    expect(r, 200, cinder.one("k", {"type": "string"}), "PUT spec")
    r = volume(w, "GET", path + "/group_specs", mv=mv, user="admin")
    expect(r, 200, cinder.GROUP_SPECS, "specs")
    r = volume(w, "GET", path + "/group_specs/k", mv=mv, user="admin")
    expect(r, 200, cinder.one("k", {"type": "string"}), "spec")
    expect(volume(w, "DELETE", path + "/group_specs/k", mv=mv, user="admin"), 202, None, "DELETE")
    # a volume type of its own (Queens has none by default)
    r = volume(w, "POST", "types", {"volume_type": {"name": "grouped"}}, user="admin")
    vtype = r.json()["volume_type"]["id"]
    body = {"group": {"group_type": gtype, "volume_types": [vtype]}}
    r = volume(w, "POST", "groups", body, mv=mv)
    gid = expect(r, 202, cinder.one("group", cinder.GROUP_SUMMARY), "POST groups")["group"]["id"]
    w.cloud.run_until_idle()
    r = volume(
        w, "POST", "volumes", {"volume": {"size": 1, "volume_type": vtype, "group_id": gid}}, mv=mv
    )
    vid = r.json()["volume"]["id"]
    w.cloud.run_until_idle()
    detail = cinder.group_detail(mv)
    expect(volume(w, "GET", f"groups/{gid}", mv=mv), 200, cinder.one("group", detail), "group")
    expect(
        volume(w, "GET", "groups/detail", mv=mv), 200, cinder.collection("groups", detail), "detail"
    )
    summary = cinder.collection("groups", cinder.GROUP_SUMMARY)
    expect(volume(w, "GET", "groups", mv=mv), 200, summary, "groups")
    r = volume(w, "PUT", f"groups/{gid}", {"group": {"name": "n"}}, mv=mv)
    expect(r, 202, None, "PUT group")
    body = {"group_snapshot": {"group_id": gid}}
    r = volume(w, "POST", "group_snapshots", body, mv=mv)
    created = cinder.one("group_snapshot", cinder.GROUP_SNAPSHOT_CREATED)
    gsid = expect(r, 202, created, "POST group_snapshots")["group_snapshot"]["id"]
    w.cloud.run_until_idle()
    gs_detail = cinder.group_snapshot_detail(mv)
    r = volume(w, "GET", f"group_snapshots/{gsid}", mv=mv)
    expect(r, 200, cinder.one("group_snapshot", gs_detail), "group snapshot")
    r = volume(w, "GET", "group_snapshots/detail", mv=mv)
    expect(r, 200, cinder.collection("group_snapshots", gs_detail), "group snapshots detail")
    r = volume(w, "GET", "group_snapshots", mv=mv)
    expect(r, 200, cinder.collection("group_snapshots", cinder.GROUP_SNAPSHOT_SUMMARY), "list")
    body = {"create-from-src": {"group_snapshot_id": gsid}}
    r = volume(w, "POST", "groups/action", body, mv=mv)
    copy = expect(r, 202, cinder.one("group", cinder.GROUP_SUMMARY), "create-from-src")["group"]
    w.cloud.run_until_idle()
    reset = {"reset_status": {"status": "available"}}
    r = volume(w, "POST", f"group_snapshots/{gsid}/action", reset, mv=mv, user="admin")
    expect(r, 202, None, "reset group snapshot")
    expect(volume(w, "DELETE", f"group_snapshots/{gsid}", mv=mv), 202, None, "DELETE gsnap")
    w.cloud.run_until_idle()
    for group in (gid, copy["id"]):
        body = {"delete": {"delete-volumes": True}}
        r = volume(w, "POST", f"groups/{group}/action", body, mv=mv)
        expect(r, 202, None, "delete group")
    w.cloud.run_until_idle()
    assert volume(w, "GET", f"volumes/{vid}").status == 404
    expect(volume(w, "DELETE", path, mv=mv, user="admin"), 202, None, "DELETE group type")
    assert volume(w, "DELETE", f"types/{vtype}", user="admin").status == 202


_CG = "/v3/consistencygroups"
_CS = "/v3/cgsnapshots"


@walks("volumev3", "GET", _CG, _CG + "/detail", _CG + "/{id}", _CS, _CS + "/detail", _CS + "/{id}")
@walks("volumev3", "POST", _CG, _CG + "/create_from_src", _CG + "/{id}/delete", _CS)
@walks("volumev3", "PUT", _CG + "/{id}/update")
@walks("volumev3", "DELETE", _CS + "/{id}", _CG + "/{id}")
def _cinder_consistency_groups(w: World, profile: str) -> None:
    """No driver here has consistency groups: the CG ``error`` (a rename makes it
    ``available``), a volume made in it, its cgsnapshot ``creating``. On a fork: the member
    cannot be deleted and would hold one of demo's ten volumes in the shared world."""
    w.cloud.run_until_idle()
    w = copy.copy(w)
    w.cloud = w.cloud.fork()
    r = volume(w, "POST", "types", {"volume_type": {"name": "cg"}}, user="admin")
    vtype = r.json()["volume_type"]["id"]
    body = {"consistencygroup": {"name": "cg", "volume_types": vtype}}
    summary = cinder.one("consistencygroup", cinder.GROUP_SUMMARY)
    r = volume(w, "POST", "consistencygroups", body)
    made = expect(r, 202, summary, "POST consistencygroups")["consistencygroup"]
    w.cloud.run_until_idle()
    one, listed = cinder.CONSISTENCYGROUP_DETAIL, cinder.collection
    r = volume(w, "GET", f"consistencygroups/{made['id']}")
    expect(r, 200, cinder.one("consistencygroup", one), "GET consistencygroup")
    r = volume(w, "GET", "consistencygroups/detail")
    expect(r, 200, listed("consistencygroups", one), "GET consistencygroups/detail")
    r = volume(w, "GET", "consistencygroups")
    expect(r, 200, listed("consistencygroups", cinder.GROUP_SUMMARY), "GET consistencygroups")
    r = volume(
        w, "PUT", f"consistencygroups/{made['id']}/update", {"consistencygroup": {"name": "n"}}
    )
    expect(r, 202, None, "PUT consistencygroup")
    body = {"consistencygroup-from-src": {"source_cgid": made["id"]}}
    r = volume(w, "POST", "consistencygroups/create_from_src", body)
    expect(r, 400, cinder.FAULT, "create_from_src (an empty source)")
    body = {"volume": {"size": 1, "volume_type": vtype, "consistencygroup_id": made["id"]}}
    assert volume(w, "POST", "volumes", body).status == 202
    w.cloud.run_until_idle()
    body = {"cgsnapshot": {"consistencygroup_id": made["id"]}}
    r = volume(w, "POST", "cgsnapshots", body)
    snap = expect(r, 202, cinder.one("cgsnapshot", cinder.GROUP_SUMMARY), "POST cgsnapshots")
    w.cloud.run_until_idle()
    r = volume(w, "GET", f"cgsnapshots/{snap['cgsnapshot']['id']}")
    expect(r, 200, cinder.one("cgsnapshot", cinder.CGSNAPSHOT_DETAIL), "GET cgsnapshot")
    r = volume(w, "GET", "cgsnapshots/detail")
    expect(r, 200, listed("cgsnapshots", cinder.CGSNAPSHOT_DETAIL), "GET cgsnapshots/detail")
    r = volume(w, "GET", "cgsnapshots")
    expect(r, 200, listed("cgsnapshots", cinder.GROUP_SUMMARY), "GET cgsnapshots")
    refused = "DELETE cgsnapshot (creating)"
    expect(
        volume(w, "DELETE", f"cgsnapshots/{snap['cgsnapshot']['id']}"), 400, cinder.FAULT, refused
    )
    r = volume(w, "POST", f"consistencygroups/{made['id']}/delete", {"consistencygroup": {}})
    expect(r, 400, cinder.FAULT, "delete consistencygroup (it has a cgsnapshot)")
    bare = volume(w, "DELETE", f"consistencygroups/{made['id']}")  # delete() without a body
    expect(bare, 400 if profile == "seed" else 500, cinder.FAULT, "DELETE consistencygroup")


@walks("volumev3", "GET", "/v3/scheduler-stats/get_pools")
def _cinder_pools(w: World, profile: str) -> None:
    for mv in ("3.0", CINDER_TOP[profile]):
        path = "scheduler-stats/get_pools"
        r = volume(w, "GET", path, mv=mv, user="admin")
        expect(r, 200, cinder.collection("pools", cinder.POOL_SUMMARY), f"GET pools @{mv}")
        r = volume(w, "GET", path + "?detail=true", mv=mv, user="admin")
        expect(r, 200, cinder.collection("pools", cinder.POOL_DETAIL), f"GET detail @{mv}")
        expect(volume(w, "GET", path, mv=mv), 403, cinder.FAULT, f"GET pools (member) @{mv}")


_DT = "/v3/default-types"


@walks("volumev3", "PUT", _DT + "/{id}")
@walks("volumev3", "GET", _DT, _DT + "/{id}")
@walks("volumev3", "DELETE", _DT + "/{id}")
def _cinder_default_types(w: World, profile: str) -> None:
    admin = w.cloud.keystone.token_for("admin").context.project_id
    path = f"default-types/{admin}"
    if profile == "seed":  # 12.0.10: no such route (the router's bare 404)
        r = volume(w, "GET", "default-types", user="admin")
        assert r.status == 404 and b"itemNotFound" not in r.body, r.body
        return
    for mv in ("3.62", CINDER_TOP[profile]):
        body = {"default_type": {"volume_type": "__DEFAULT__"}}
        r = volume(w, "PUT", path, body, mv=mv, user="admin")
        expect(r, 200, cinder.one("default_type", cinder.DEFAULT_TYPE), f"PUT @{mv}")
        r = volume(w, "GET", path, mv=mv, user="admin")
        expect(r, 200, cinder.one("default_type", cinder.DEFAULT_TYPE), f"GET one @{mv}")
        r = volume(w, "GET", "default-types", mv=mv, user="admin")
        listed = {"type": "object", "properties": {"default_types": {"type": "array", "items":
                  cinder.DEFAULT_TYPE}}, "required": ["default_types"],
                  "additionalProperties": False}  # fmt: skip
        expect(r, 200, listed, f"GET list @{mv}")
        expect(volume(w, "DELETE", path, mv=mv, user="admin"), 204, None, f"DELETE @{mv}")
    expect(volume(w, "GET", path, mv="3.61", user="admin"), 404, cinder.FAULT, "GET @3.61")


@walks("volumev3", "GET", "/v3/capabilities/{host}")
def _cinder_capabilities(w: World, profile: str) -> None:
    prop = {"type": "object", "required": ["title", "description", "type"]}
    shape = {
        "type": "object",
        "properties": {
            "namespace": {"type": "string", "pattern": "^OS::Storage::Capabilities::.+@.+$"},
            "properties": {"type": "object", "additionalProperties": prop},
            "replication_targets": {"type": "array"},
            **{
                key: {"type": ["string", "null"]}
                for key in (
                    "vendor_name", "volume_backend_name", "pool_name", "driver_version",
                    "storage_protocol", "display_name", "description", "visibility",
                )
            },
        },
        "required": [
            "namespace", "vendor_name", "volume_backend_name", "pool_name", "driver_version",
            "storage_protocol", "display_name", "description", "visibility",
            "replication_targets", "properties",
        ],
        "additionalProperties": False,
    }  # fmt: skip
    for mv in ("3.0", CINDER_TOP[profile]):
        r = volume(w, "GET", "capabilities/cinder", mv=mv, user="admin")
        expect(r, 200, shape, f"GET capabilities @{mv}")
        expect(volume(w, "GET", "capabilities/nope", mv=mv, user="admin"), 404, cinder.FAULT,
               f"GET capabilities (no such host) @{mv}")  # fmt: skip


@walks("volumev3", "POST", "/v3/workers/cleanup")
def _cinder_workers_cleanup(w: World, profile: str) -> None:
    # api/v3/views/workers.py service_list
    service = {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "host": {"type": "string"},
            "binary": {"type": "string"},
            "cluster_name": {"type": ["string", "null"]},
        },
        "required": ["id", "host", "binary", "cluster_name"],
        "additionalProperties": False,
    }
    shape = {
        "type": "object",
        "properties": {
            "cleaning": {"type": "array", "items": service},
            "unavailable": {"type": "array", "items": service},
        },
        "required": ["cleaning", "unavailable"],
        "additionalProperties": False,
    }
    for mv in ("3.24", CINDER_TOP[profile]):
        body = {"is_up": True, "resource_type": "snapshot"}
        r = volume(w, "POST", "workers/cleanup", body, mv=mv, user="admin")
        expect(r, 202, shape, f"POST workers/cleanup @{mv}")
        assert r.json()["cleaning"], r.json()
    expect(volume(w, "POST", "workers/cleanup", {}, mv="3.23", user="admin"), 404, cinder.FAULT,
           "POST workers/cleanup @3.23")  # fmt: skip


@walks("volumev3", "GET", "/v3/manageable_volumes", "/v3/manageable_volumes/detail")
@walks("volumev3", "GET", "/v3/os-volume-manage", "/v3/os-volume-manage/detail")
def _cinder_manageable_volumes(w: World, profile: str) -> None:
    # api/views/manageable_volumes.py summary and detail
    summary = {
        "reference": {"type": "object", "required": ["source-name"]},
        "size": {"type": "integer"},
        "safe_to_manage": {"type": "boolean"},
    }
    detail = {
        **summary,
        "reason_not_safe": {"type": ["string", "null"]},
        "cinder_id": {"type": ["string", "null"]},
        "extra_info": {"type": ["object", "null"]},
    }
    for path, mv in (("manageable_volumes", "3.8"), ("os-volume-manage", "3.0")):
        for suffix, fields in (("", summary), ("/detail", detail)):
            item = {"type": "object", "properties": fields, "required": list(fields),
                    "additionalProperties": False}  # fmt: skip
            shape = {"type": "object", "properties": {"manageable-volumes": {
                "type": "array", "items": item}}, "required": ["manageable-volumes"],
                "additionalProperties": False}  # fmt: skip
            for version in (mv, CINDER_TOP[profile]):
                r = volume(w, "GET", f"{path}{suffix}?host=cinder", mv=version, user="admin")
                expect(r, 200, shape, f"GET {path}{suffix} @{version}")
    expect(volume(w, "GET", "manageable_volumes?host=cinder", mv="3.7", user="admin"), 404,
           cinder.FAULT, "GET manageable_volumes @3.7")  # fmt: skip
    expect(volume(w, "GET", "os-volume-manage", mv="3.0", user="admin"), 400, cinder.FAULT,
           "GET os-volume-manage without host")  # fmt: skip


@walks("volumev3", "POST", "/v3/manageable_volumes", "/v3/os-volume-manage")
@walks("volumev3", "GET", "/v3/manageable_snapshots", "/v3/manageable_snapshots/detail")
@walks("volumev3", "GET", "/v3/os-snapshot-manage", "/v3/os-snapshot-manage/detail")
@walks("volumev3", "POST", "/v3/manageable_snapshots", "/v3/os-snapshot-manage")
def _cinder_manage_existing(w: World, profile: str) -> None:
    # api/views/manageable_snapshots.py summary and detail; the manage answers: the volume's
    # legacy detail view, the snapshot's base view. A reference nothing holds: each row ends
    # error_managing / error, then is deleted (the world's other walkers do not see them).
    summary = {
        "reference": {"type": "object", "required": ["source-name"]},
        "size": {"type": "integer"},
        "safe_to_manage": {"type": "boolean"},
        "source_reference": {"type": "object", "required": ["source-name"]},
    }
    detail = {
        **summary,
        "reason_not_safe": {"type": ["string", "null"]},
        "cinder_id": {"type": ["string", "null"]},
        "extra_info": {"type": ["object", "null"]},
    }
    host = "cinder@lvmdriver-1"
    snap = cinder.one("snapshot", cinder.snapshot_summary())
    made = []
    for path, mv in (("manageable_snapshots", "3.8"), ("os-snapshot-manage", "3.0")):
        for suffix, fields in (("", summary), ("/detail", detail)):
            item = {"type": "object", "properties": fields, "required": list(fields),
                    "additionalProperties": False}  # fmt: skip
            shape = cinder.collection("manageable-snapshots", item)
            for version in (mv, CINDER_TOP[profile]):
                r = volume(w, "GET", f"{path}{suffix}?host={host}", mv=version, user="admin")
                assert expect(r, 200, shape, f"GET {path}{suffix} @{version}")[
                    "manageable-snapshots"]  # fmt: skip
        for version in (mv, CINDER_TOP[profile]):
            body = {"snapshot": {"volume_id": w.volume, "ref": "snapshot-none"}}
            r = volume(w, "POST", path, body, mv=version, user="admin")
            shown = expect(r, 202, snap, f"POST {path} @{version}")
            made.append(("snapshots", shown["snapshot"]["id"]))
    legacy = cinder.one("volume", cinder.volume_detail("3.0", extensions=False))
    for path, mv in (("manageable_volumes", "3.8"), ("os-volume-manage", "3.0")):
        for version in (mv, CINDER_TOP[profile]):
            body = {"volume": {"host": host, "ref": {"source-name": "volume-none"}}}
            r = volume(w, "POST", path, body, mv=version, user="admin")
            made.append(
                ("volumes", expect(r, 202, legacy, f"POST {path} @{version}")["volume"]["id"])
            )
    body = {"volume": {"host": host, "ref": {}}}
    expect(volume(w, "POST", "manageable_volumes", body, mv="3.7", user="admin"), 404,
           cinder.FAULT, "POST manageable_volumes @3.7")  # fmt: skip
    w.cloud.run_until_idle()
    for kind, made_id in made:
        assert volume(w, "DELETE", f"{kind}/{made_id}", user="admin").status == 202
    w.cloud.run_until_idle()


_MSG = "/v3/messages"


@walks("volumev3", "GET", _MSG, _MSG + "/{id}")
@walks("volumev3", "DELETE", _MSG + "/{id}")
def _cinder_messages(w: World, profile: str) -> None:
    cinder_ = w.cloud.cinder
    row = cinder_.volume(w.volume)
    for mv in ("3.3", CINDER_TOP[profile]):
        # as the scheduler's NoValidBackend records one (scheduler/flows/create_volume.py)
        messages.record(cinder_, messages.SCHEDULE_ALLOCATE_VOLUME, row.project_id, row.id,
                        detail="003")  # fmt: skip
        schema = cinder.collection("messages", cinder.MESSAGE)
        listed = expect(volume(w, "GET", "messages", mv=mv), 200, schema, f"GET messages @{mv}")
        mid = listed["messages"][0]["id"]
        r = volume(w, "GET", f"messages/{mid}", mv=mv)
        expect(r, 200, cinder.one("message", cinder.MESSAGE), f"GET message @{mv}")
        expect(volume(w, "DELETE", f"messages/{mid}", mv=mv), 204, None, f"DELETE @{mv}")
        expect(volume(w, "GET", "messages", mv="3.0"), 404, cinder.FAULT, "GET messages @3.0")


_ATT = "/v3/attachments"


@walks("volumev3", "POST", _ATT, _ATT + "/{id}/action")
@walks("volumev3", "GET", _ATT, _ATT + "/detail", _ATT + "/{id}")
@walks("volumev3", "PUT", _ATT + "/{id}")
@walks("volumev3", "DELETE", _ATT + "/{id}")
def _cinder_attachments(w: World, profile: str) -> None:
    connector = {"host": "cmp-1", "initiator": "iqn.1993-08.org.debian:01:cmp-1"}
    for mv in ("3.44", CINDER_TOP[profile]):
        vid = volume(w, "POST", "volumes", {"volume": {"size": 1}}).json()["volume"]["id"]
        w.cloud.run_until_idle()
        detail = cinder.one("attachment", cinder.ATTACHMENT_DETAIL)
        body = {"attachment": {"volume_uuid": vid, "instance_uuid": w.server}}
        r = volume(w, "POST", "attachments", body, mv=mv)
        aid = expect(r, 200, detail, f"POST attachments @{mv}")["attachment"]["id"]
        r = volume(w, "PUT", f"attachments/{aid}", {"attachment": {"connector": connector}}, mv=mv)
        expect(r, 200, detail, f"PUT attachment @{mv}")
        r = volume(w, "POST", f"attachments/{aid}/action", {"os-complete": None}, mv=mv)
        expect(r, 204, None, f"os-complete @{mv}")
        listed = cinder.collection("attachments", cinder.ATTACHMENT_SUMMARY)
        expect(volume(w, "GET", "attachments", mv=mv), 200, listed, "GET attachments")
        detailed = cinder.collection("attachments", cinder.ATTACHMENT_DETAIL)
        expect(volume(w, "GET", "attachments/detail", mv=mv), 200, detailed, "GET detail")
        expect(volume(w, "GET", f"attachments/{aid}", mv=mv), 200, detail, "GET attachment")
        r = volume(w, "DELETE", f"attachments/{aid}", mv=mv)
        expect(r, 200, cinder.collection("attachments", cinder.ATTACHMENT_SUMMARY), "DELETE")
        w.cloud.run_until_idle()
        volume(w, "DELETE", f"volumes/{vid}")
        w.cloud.run_until_idle()


@walks("volumev3", "GET", "/v3/types", "/v3/types/{id}", "/v3/types/default")
def _cinder_types(w: World, profile: str) -> None:
    for user in ("demo", "admin"):
        # Queens' EXTRA_SPEC_POLICY is rule:admin_api (readers from Cinder 19.0.0).
        specs = user == "admin" or profile != "seed"
        item = cinder.volume_type(admin=user == "admin", specs=specs)
        r = volume(w, "GET", "types", mv="3.0", user=user)
        types = expect(r, 200, cinder.collection("volume_types", item), f"types as {user}")
        for found in types["volume_types"]:
            if user != "admin":
                assert set(found.get("extra_specs", {})) <= set(cinder.USER_VISIBLE_EXTRA_SPECS)
            r = volume(w, "GET", f"types/{found['id']}", user=user)
            expect(r, 200, cinder.one("volume_type", item), f"type as {user}")
        if _CINDER_TOP[profile] >= (3, 62):  # GET /types/default came with 3.62 (Victoria)
            r = volume(w, "GET", "types/default", mv="3.62", user=user)
            expect(r, 200, cinder.one("volume_type", item), f"default type as {user}")


_TYPE = "/v3/types/{id}"


@walks("volumev3", "POST", "/v3/types", _TYPE + "/action", _TYPE + "/extra_specs")
@walks("volumev3", "PUT", _TYPE, _TYPE + "/extra_specs/{key}")
@walks("volumev3", "GET", _TYPE + "/extra_specs", _TYPE + "/extra_specs/{key}")
@walks("volumev3", "GET", _TYPE + "/os-volume-type-access")
@walks("volumev3", "DELETE", _TYPE, _TYPE + "/extra_specs/{key}")
def _cinder_type_writes(w: World, profile: str) -> None:
    item = cinder.one("volume_type", cinder.managed_volume_type(create=True))
    body = {"volume_type": {"name": "walked", "os-volume-type-access:is_public": False}}
    r = volume(w, "POST", "types", body, user="admin")
    path = "types/" + expect(r, 200, item, "POST types")["volume_type"]["id"]
    item = cinder.one("volume_type", cinder.managed_volume_type(create=False))
    r = volume(w, "PUT", path, {"volume_type": {"description": "walked"}}, user="admin")
    expect(r, 200, item, "PUT type")
    r = volume(w, "POST", path + "/extra_specs", {"extra_specs": {"k": "v"}}, user="admin")
    expect(r, 200, cinder.EXTRA_SPECS, "POST extra specs")
    spec = cinder.one("k", {"type": "string"})
    r = volume(w, "PUT", path + "/extra_specs/k", {"k": "w"}, user="admin")
    expect(r, 200, spec, "PUT spec")
    expect(volume(w, "GET", path + "/extra_specs", user="admin"), 200, cinder.EXTRA_SPECS, "specs")
    expect(volume(w, "GET", path + "/extra_specs/k", user="admin"), 200, spec, "spec")
    expect(volume(w, "DELETE", path + "/extra_specs/k", user="admin"), 202, None, "DELETE spec")
    project = w.cloud.context("demo").project_id
    add = {"addProjectAccess": {"project": project}}
    expect(volume(w, "POST", path + "/action", add, user="admin"), 202, None, "addProjectAccess")
    r = volume(w, "GET", path + "/os-volume-type-access", user="admin")
    expect(r, 200, cinder.TYPE_ACCESS, "type access")
    expect(volume(w, "DELETE", path, user="admin"), 202, None, "DELETE type")


@walks("volumev3", "GET", "/v3/os-services")
@walks("volumev3", "PUT", "/v3/os-services/{action}")
def _cinder_services(w: World, profile: str) -> None:
    for mv in ("3.0", CINDER_TOP[profile]):
        r = volume(w, "GET", "os-services", mv=mv, user="admin")
        expect(r, 200, cinder.collection("services", cinder.SERVICE), f"os-services @{mv}")
    # The scheduler's row: disabling it steers nothing here (28.0.0 on: enable is a no-op).
    body = {"host": "cinder", "binary": "cinder-scheduler"}
    for action in ("disable", "enable"):
        r = volume(w, "PUT", f"os-services/{action}", body, user="admin")
        expect(r, 200, cinder.SERVICE_UPDATED, f"os-services/{action}")


_QOS = "/v3/qos-specs/{id}"


@walks("volumev3", "GET", "/v3/qos-specs", _QOS, _QOS + "/associations", _QOS + "/associate")
@walks("volumev3", "GET", _QOS + "/disassociate", _QOS + "/disassociate_all")
@walks("volumev3", "POST", "/v3/qos-specs")
@walks("volumev3", "PUT", _QOS, _QOS + "/delete_keys")
@walks("volumev3", "DELETE", _QOS)
def _cinder_qos_specs(w: World, profile: str) -> None:
    body = {"qos_specs": {"name": f"walk-{profile}", "consumer": "both", "iops": "9"}}
    spec = expect(volume(w, "POST", "qos-specs", body, user="admin"), 200, cinder.QOS_SPEC, "+")
    sid = spec["qos_specs"]["id"]
    listed = volume(w, "GET", "qos-specs", user="admin")
    expect(listed, 200, cinder.collection("qos_specs", cinder._QOS), "qos-specs")
    expect(volume(w, "GET", f"qos-specs/{sid}", user="admin"), 200, cinder.QOS_SPEC, "show")
    r = volume(w, "PUT", f"qos-specs/{sid}", {"qos_specs": {"a": "1"}}, user="admin")
    assert r.status == 200 and r.json() == {"qos_specs": {"a": "1"}}
    r = volume(w, "PUT", f"qos-specs/{sid}/delete_keys", {"keys": ["a"]}, user="admin")
    expect(r, 202, None, "delete_keys")
    body = {"volume_type": {"name": f"walk-qos-{profile}"}}
    tid = volume(w, "POST", "types", body, user="admin").json()["volume_type"]["id"]
    for action in ("associate", "disassociate", "associate", "disassociate_all"):
        r = volume(w, "GET", f"qos-specs/{sid}/{action}?vol_type_id={tid}", user="admin")
        expect(r, 202, None, action)
    r = volume(w, "GET", f"qos-specs/{sid}/associations", user="admin")
    expect(r, 200, cinder.QOS_ASSOCIATIONS, "associations")
    expect(volume(w, "DELETE", f"qos-specs/{sid}", user="admin"), 202, None, "delete")


_ENC = "/v3/types/{type_id}/encryption"


@walks("volumev3", "GET", _ENC, _ENC + "/{id}", "/v3/volumes/{volume_id}/encryption")
@walks("volumev3", "POST", _ENC)
@walks("volumev3", "PUT", _ENC + "/{id}")
@walks("volumev3", "DELETE", _ENC + "/{id}")
def _cinder_type_encryption(w: World, profile: str) -> None:
    body = {"volume_type": {"name": f"walk-enc-{profile}"}}
    tid = volume(w, "POST", "types", body, user="admin").json()["volume_type"]["id"]
    path = f"types/{tid}/encryption"
    body = {"encryption": {"provider": "luks", "control_location": "front-end"}}
    made = expect(volume(w, "POST", path, body, user="admin"), 200, cinder.ENCRYPTION_CREATED, "+")
    eid = made["encryption"]["encryption_id"]
    expect(volume(w, "GET", path, user="admin"), 200, cinder.ENCRYPTION_ROW, "index")
    r = volume(w, "GET", f"{path}/provider", user="admin")
    assert (r.status, r.json()) == (200, {"provider": "luks"})
    body = {"encryption": {"key_size": 256}}
    r = volume(w, "PUT", f"{path}/{eid}", body, user="admin")
    expect(r, 200, cinder.ENCRYPTION_UPDATED, "update")
    expect(volume(w, "DELETE", f"{path}/{eid}", user="admin"), 202, None, "delete")
    vid = volume(w, "POST", "volumes", {"volume": {"size": 1}}).json()["volume"]["id"]
    r = volume(w, "GET", f"volumes/{vid}/encryption")
    expect(r, 200, cinder.VOLUME_ENCRYPTION, "volumes/{id}/encryption")
    # Leave the shared world idle and within demo's volume quota for the walks after this one
    # (a fork of a cloud with work in flight is refused; under `-n 2` the order is not fixed).
    w.cloud.run_until_idle()
    assert volume(w, "DELETE", f"volumes/{vid}").status == 202
    w.cloud.run_until_idle()


@walks("volumev3", "GET", "/v3/os-hosts", "/v3/os-hosts/{id}", "/v3/extensions")
@walks("volumev3", "GET", "/v3/extensions/{id}")
def _cinder_hosts_and_extensions(w: World, profile: str) -> None:
    hosts = expect(volume(w, "GET", "os-hosts", user="admin"), 200, cinder.HOSTS, "os-hosts")
    name = next(h["host_name"] for h in hosts["hosts"] if h["service"] == "cinder-volume")
    expect(volume(w, "GET", f"os-hosts/{name}", user="admin"), 200, cinder.HOST, "os-hosts/x")
    expect(volume(w, "GET", "extensions"), 200, cinder.EXTENSIONS, "extensions")
    expect(volume(w, "GET", "extensions/encryption"), 200, cinder.EXTENSION, "extensions/x")


@walks("volumev3", "GET", "/v3/resource_filters")
def _cinder_resource_filters(w: World, profile: str) -> None:
    for mv in ("3.33", CINDER_TOP[profile]):
        r = volume(w, "GET", "resource_filters", mv=mv)
        expect(r, 200, cinder.RESOURCE_FILTERS, f"resource_filters @{mv}")
    assert volume(w, "GET", "resource_filters", mv="3.32").status == 404


@walks("volumev3", "GET", "/v3/limits", "/v3/os-availability-zone")
def _cinder_limits_and_zones(w: World, profile: str) -> None:
    for mv in ("3.0", CINDER_TOP[profile]):
        expect(volume(w, "GET", "limits", mv=mv), 200, cinder.LIMITS, f"limits @{mv}")
        r = volume(w, "GET", "os-availability-zone", mv=mv)
        expect(r, 200, cinder.AVAILABILITY_ZONES, f"zones @{mv}")


_QUOTAS = "/v3/os-quota-sets/{tenant}"


@walks("volumev3", "GET", _QUOTAS, _QUOTAS + "/defaults")
@walks("volumev3", "PUT", _QUOTAS)
@walks("volumev3", "DELETE", _QUOTAS)
@walks("volumev3", "GET", "/v3/os-quota-class-sets/{class}")
@walks("volumev3", "PUT", "/v3/os-quota-class-sets/{class}")
def _cinder_quotas(w: World, profile: str) -> None:
    project = w.cloud.context("demo").project_id
    path = f"os-quota-sets/{project}"
    expect(volume(w, "GET", path), 200, cinder.QUOTA_SET, "quotas")
    r = volume(w, "GET", path + "?usage=true")
    expect(r, 200, cinder.QUOTA_SET_USAGE, "quotas usage")
    expect(volume(w, "GET", path + "/defaults"), 200, cinder.QUOTA_SET, "quota defaults")
    r = volume(w, "PUT", path, {"quota_set": {"volumes": 20}}, user="admin")
    expect(r, 200, cinder.QUOTA_SET_UPDATED, "PUT quotas")
    expect(volume(w, "DELETE", path, user="admin"), 200, None, "DELETE quotas")
    r = volume(w, "GET", "os-quota-class-sets/default", user="admin")
    expect(r, 200, cinder.QUOTA_CLASS_SET, "quota class")
    r = volume(w, "PUT", "os-quota-class-sets/default", {"quota_class_set": {}}, user="admin")
    expect(r, 200, cinder.QUOTA_CLASS_SET_UPDATED, "PUT quota class")


# -- Glance ---------------------------------------------------------------------------------------

_GLANCE_VERSIONS = {
    "type": "object",
    "properties": {
        "versions": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "properties": {
                    # No v1: devstack turns Queens' (16.x) off, 17.0.0 removed it.
                    "id": {"type": "string", "pattern": r"^v2\.\d+$"},
                    "status": {"enum": ["CURRENT", "SUPPORTED"]},
                    "links": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {"rel": {"const": "self"}, "href": {"type": "string"}},
                            "required": ["rel", "href"],
                            "additionalProperties": False,
                        },
                    },
                },
                "required": ["id", "status", "links"],
                "additionalProperties": False,
            },
        }
    },
    "required": ["versions"],
    "additionalProperties": False,
}

#: glance/db/sqlalchemy/api.py ``_task_format`` with its info, as the JSON serializer writes it.
_TASK = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "type": {"enum": ["import", "api_image_import", "location_import"]},
        "status": {"enum": ["pending", "processing", "success", "failure"]},
        "owner": {"type": ["string", "null"]},
        "expires_at": {"type": ["string", "null"], "format": "date-time"},
        "created_at": {"type": "string", "format": "date-time"},
        "updated_at": {"type": "string", "format": "date-time"},
        "deleted_at": {"type": ["string", "null"], "format": "date-time"},
        "deleted": {"type": "boolean"},
        "image_id": {"type": "string", "format": "uuid"},
        "request_id": {"type": ["string", "null"]},
        "user_id": {"type": ["string", "null"]},
        "input": {"type": ["object", "null"]},
        "result": {"type": ["object", "null"]},
        "message": {"type": "string"},
    },
    "required": [
        "id", "type", "status", "owner", "expires_at", "created_at", "updated_at",
        "deleted_at", "deleted", "image_id", "request_id", "user_id", "input", "result",
        "message",
    ],
    "additionalProperties": False,
}  # fmt: skip
_TASKS = {
    "type": "object",
    "properties": {"tasks": {"type": "array", "items": _TASK}},
    "required": ["tasks"],
    "additionalProperties": False,
}
#: glance/api/v2/tasks.py ``_TASK_SCHEMA`` as ``_format_task`` fills it (``image_id``,
#: ``request_id``, ``user_id`` from 22.0.0), and the list's stub (no input, result, message).
_TASK_FULL = {
    "type": "object",
    "properties": {
        **{k: v for k, v in _TASK["properties"].items() if k not in ("deleted", "deleted_at")},
        "expires_at": {"type": "string", "format": "date-time"},
        "self": {"type": "string"},
        "schema": {"const": "/v2/schemas/task"},
    },
    "required": [
        "id", "input", "type", "status", "owner", "message", "result", "created_at",
        "updated_at", "self", "schema",
    ],
    "additionalProperties": False,
}  # fmt: skip
_STUB_KEYS = ("id", "type", "status", "owner", "created_at", "updated_at", "self", "schema")
_TASK_STUB = {
    "type": "object",
    "properties": {k: _TASK_FULL["properties"][k] for k in (*_STUB_KEYS, "expires_at")},
    "required": list(_STUB_KEYS),
    "additionalProperties": False,
}
_TASK_LIST = {
    "type": "object",
    "properties": {
        "tasks": {"type": "array", "items": _TASK_STUB},
        "first": {"type": "string"},
        "next": {"type": "string"},
        "schema": {"const": "/v2/schemas/tasks"},
    },
    "required": ["tasks", "first", "schema"],
    "additionalProperties": False,
}
#: glance/api/v2/discovery.py ``get_usage``: ``{"usage": {name: {"usage", "limit"}}}``.
_USAGE = {
    "type": "object",
    "properties": {
        "usage": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "properties": {"usage": {"type": "integer"}, "limit": {"type": "integer"}},
                "required": ["usage", "limit"],
                "additionalProperties": False,
            },
        }
    },
    "required": ["usage"],
    "additionalProperties": False,
}
_OCTET = {"Content-Type": "application/octet-stream"}


def image(w: World, method: str, path: str, body: Any = None, **kw: Any):
    """An image call."""
    return w.req("image", method, "/v2/" + path, body, **kw)


_ROOT_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


@walks("image", "GET", "/", "/versions")
@walks("image", "HEAD", "/", "/versions")
@walks("image", "POST", "/", "/versions")
@walks("image", "PUT", "/", "/versions")
@walks("image", "PATCH", "/", "/versions")
@walks("image", "DELETE", "/", "/versions")
def _glance_versions(w: World, profile: str) -> None:
    for method in _ROOT_METHODS:
        for path, status in (("/", 300), ("/versions", 200)):
            r = w.req("image", method, path)
            if method == "HEAD":
                assert r.status == status
                continue
            expect(r, status, _GLANCE_VERSIONS, f"{method} {path}")


def _my_image(w: World, name: str) -> str:
    body = {"name": name, "disk_format": "raw", "container_format": "bare"}
    return image(w, "POST", "images", body).json()["id"]


@walks("image", "PUT", "/v2/images/{image_id}/file", "/v2/images/{image_id}/stage")
@walks("image", "GET", "/v2/images/{image_id}/file", "/v2/images/{image_id}/tasks")
@walks("image", "POST", "/v2/images/{image_id}/import")
@walks("image", "POST", "/v2/images/{image_id}/actions/deactivate")
@walks("image", "POST", "/v2/images/{image_id}/actions/reactivate")
@walks("image", "PUT", "/v2/images/{image_id}/tags/{tag_value}")
@walks("image", "DELETE", "/v2/images/{image_id}/tags/{tag_value}")
@walks("image", "DELETE", "/v2/images/{image_id}")
@walks("image", "GET", "/v2/tasks", "/v2/tasks/{task_id}")
@walks("image", "DELETE", "/v2/tasks/{task_id}")
def _glance_image_data_and_actions(w: World, profile: str) -> None:
    uploaded = _my_image(w, "walk-upload")
    r = image(w, "PUT", f"images/{uploaded}/file", b"x" * 1024, headers=_OCTET)
    expect(r, 204, None, "PUT file")
    r = image(w, "GET", f"images/{uploaded}/file")
    assert r.status == 200 and r.body == b"x" * 1024
    expect(image(w, "PUT", f"images/{uploaded}/tags/walk"), 204, None, "PUT tag")
    expect(image(w, "DELETE", f"images/{uploaded}/tags/walk"), 204, None, "DELETE tag")
    for action in ("deactivate", "reactivate"):
        r = image(w, "POST", f"images/{uploaded}/actions/{action}", user="admin")
        expect(r, 204, None, action)
    # Glance 22.0.0 added the tasks route: before (the seed's Glance 16), a 404 like any path.
    tasks_status = 200 if profile == "upstream" else 404
    r = image(w, "GET", f"images/{uploaded}/tasks")
    if tasks_status == 404:
        assert r.status == 404
    else:
        expect(r, 200, _TASKS, "GET tasks (none)")
    staged = _my_image(w, "walk-stage")
    r = image(w, "PUT", f"images/{staged}/stage", b"y" * 1024, headers=_OCTET)
    expect(r, 204, None, "PUT stage")
    body = {"method": {"name": "glance-direct"}}
    expect(image(w, "POST", f"images/{staged}/import", body), 202, None, "POST import")
    w.cloud.run_until_idle()
    if tasks_status == 200:
        tasks = expect(image(w, "GET", f"images/{staged}/tasks"), 200, _TASKS, "GET tasks")
        assert [t["status"] for t in tasks["tasks"]] == ["success"]
    listed = expect(image(w, "GET", "tasks", user="admin"), 200, _TASK_LIST, "GET /tasks")
    task_id = listed["tasks"][0]["id"]
    expect(image(w, "GET", f"tasks/{task_id}", user="admin"), 200, _TASK_FULL, "GET task")
    assert image(w, "DELETE", f"tasks/{task_id}", user="admin").status == 405
    expect(image(w, "DELETE", f"images/{staged}"), 204, None, "DELETE image")


_MEMBERS = "/v2/images/{image_id}/members"


@walks("image", "POST", _MEMBERS)
@walks("image", "GET", _MEMBERS, _MEMBERS + "/{member_id}")
@walks("image", "PUT", _MEMBERS + "/{member_id}")
@walks("image", "DELETE", _MEMBERS + "/{member_id}")
@walks("image", "GET", "/v2/schemas/member", "/v2/schemas/members", "/v2/info/usage")
def _glance_members_schemas_usage(w: World, profile: str) -> None:
    member, members = glance.get_member_schema(), glance.get_member_collection_schema()
    assert image(w, "GET", "schemas/member").json() == member
    assert image(w, "GET", "schemas/members").json() == members
    shared = _my_image(w, "walk-shared")
    image(w, "PATCH", f"images/{shared}", [{"op": "replace", "path": "/visibility",
          "value": "shared"}], headers={"Content-Type":
          "application/openstack-images-v2.1-json-patch"})  # fmt: skip
    other = w.cloud.context("admin").project_id
    r = image(w, "POST", f"images/{shared}/members", {"member": other})
    expect(r, 200, member, "POST member")
    expect(image(w, "GET", f"images/{shared}/members"), 200, members, "GET members")
    r = image(w, "GET", f"images/{shared}/members/{other}")
    expect(r, 200, member, "GET member")
    r = image(w, "PUT", f"images/{shared}/members/{other}", {"status": "accepted"}, user="admin")
    expect(r, 200, member, "PUT member")
    expect(image(w, "DELETE", f"images/{shared}/members/{other}"), 204, None, "DELETE member")
    # Glance 24.0.0 added the usage route: before (the seed's Glance 16), a 404 like any path.
    if profile == "upstream":
        expect(image(w, "GET", "info/usage"), 200, _USAGE, "GET usage")
    else:
        assert image(w, "GET", "info/usage").status == 404


_IMPORT_INFO = {
    "type": "object",
    "properties": {
        "import-methods": {
            "type": "object",
            "properties": {
                "description": {"const": "Import methods available."},
                "type": {"const": "array"},
                "value": {"type": "array", "items": {"type": "string"}},
            },
            "required": ["description", "type", "value"],
            "additionalProperties": False,
        }
    },
    "required": ["import-methods"],
    "additionalProperties": False,
}
_WEBOB_JSON = {
    "type": "object",
    "properties": {"message": {"type": "string"}, "code": {"type": "string"},
                   "title": {"type": "string"}},
    "required": ["message", "code", "title"],
    "additionalProperties": False,
}  # fmt: skip


@walks("image", "POST", "/v2/images/{image_id}/locations")
@walks("image", "GET", "/v2/images/{image_id}/locations")
def _glance_locations(w: World, profile: str) -> None:
    # Glance 29.0.0's location API: a project member is refused (no http store; the GET is the
    # service role's); before (the seed's Glance 16), an unknown path. tests/glance has the rest.
    queued = _my_image(w, "walk-locations")
    r = image(w, "POST", f"images/{queued}/locations", {"url": "rbd://f/p/i/snap"})
    expect(r, 403 if profile == "upstream" else 404, _WEBOB_JSON, "POST locations")
    r = image(w, "GET", f"images/{queued}/locations")
    expect(r, 403 if profile == "upstream" else 404, _WEBOB_JSON, "GET locations")


@walks("image", "DELETE", "/v2/stores/{store_id}/{image_id}")
def _glance_delete_from_store(w: World, profile: str) -> None:
    # a single-store Glance: WebOb's bare 404 (and before 20.0.0 no such route)
    expect(image(w, "DELETE", "stores/file/x"), 404, _WEBOB_JSON, "DELETE from a store")


@walks("image", "GET", *(f"/v2/schemas/metadefs/{name}" for name in glance.METADEF_FACTS))
def _glance_metadef_schemas(w: World, profile: str) -> None:
    # Draft 4 documents named as Glance names them; tests/glance/test_metadef_schemas has more
    for name, (title, *_) in glance.METADEF_FACTS.items():
        r = image(w, "GET", f"schemas/metadefs/{name}")
        assert r.status == 200 and r.json()["name"] == title, name
        jsonschema.Draft4Validator.check_schema(r.json())


@walks("image", "POST", "/v2/tasks")
def _glance_legacy_import_task(w: World, profile: str) -> None:
    # the URL no web serves: Glance 33.0.0 refuses it at once, the seed's takes the task and
    # its flow fails (tests/glance/test_legacy_import_task has more)
    inputs = {"import_from": "http://nowhere.example/x.qcow2", "import_from_format": "qcow2"}
    body = {"type": "import", "input": {**inputs, "image_properties": {}}}
    r = image(w, "POST", "tasks", body, user="admin")
    if profile == "upstream":
        expect(r, 400, _WEBOB_JSON, "POST /tasks")
        return
    task = expect(r, 201, _TASK_FULL, "POST /tasks")
    w.cloud.run_until_idle()
    done = expect(image(w, "GET", f"tasks/{task['id']}", user="admin"), 200, _TASK_FULL, "GET")
    assert done["status"] == "failure"


_NS = "metadefs/namespaces/OS::Compute::Quota"


_MD = "/v2/metadefs/namespaces/{namespace}"


@walks("image", "GET", "/v2/metadefs/namespaces", "/v2/metadefs/resource_types")
@walks("image", "GET", *(f"{_MD}{p}" for p in ("", "/objects", "/properties", "/tags")))
@walks("image", "GET", f"{_MD}/resource_types")
@walks("image", "GET", *(f"{_MD}/{p}/{{name}}" for p in ("objects", "properties", "tags")))
def _glance_metadefs(w: World, profile: str) -> None:
    # each answer against the schema Glance serves for it (tests/glance/test_metadefs has more)
    def served(name: str) -> dict:
        return image(w, "GET", f"schemas/metadefs/{name}").json()

    checks = [
        ("metadefs/namespaces", "namespaces"),
        (_NS, "namespace"),
        (f"{_NS}/objects", "objects"),
        (f"{_NS}/objects/CPU Limits", "object"),
        (f"{_NS}/resource_types", "resource_types"),
        (f"{_NS}/properties", "properties"),
        (f"{_NS}/tags", "tags"),
    ]
    for path, name in checks:
        expect(image(w, "GET", path), 200, served(name), f"GET {path}")
    prop = image(w, "GET", "metadefs/namespaces/OS::Compute::Hypervisor/properties/hypervisor_type")
    expect(prop, 200, served("property"), "GET a property")
    missing = image(w, "GET", f"{_NS}/tags/none")
    expect(missing, 404, _WEBOB_JSON, "GET a tag")
    types = image(w, "GET", "metadefs/resource_types").json()["resource_types"]
    assert "OS::Glance::Image" in [t["name"] for t in types]


@walks("image", "POST", "/v2/metadefs/namespaces", f"{_MD}/resource_types", f"{_MD}/tags/{{name}}")
@walks("image", "POST", *(f"{_MD}/{p}" for p in ("objects", "properties", "tags")))
@walks("image", "PUT", _MD, *(f"{_MD}/{p}/{{name}}" for p in ("objects", "properties", "tags")))
@walks("image", "DELETE", _MD, f"{_MD}/resource_types/{{name}}")
@walks("image", "DELETE", *(f"{_MD}/{p}" for p in ("objects", "properties", "tags")))
@walks("image", "DELETE", *(f"{_MD}/{p}/{{name}}" for p in ("objects", "properties", "tags")))
def _glance_metadef_writes(w: World, profile: str) -> None:
    # an admin's namespace through every write, each answer against Glance's served schema
    def served(name: str) -> dict:
        return image(w, "GET", f"schemas/metadefs/{name}").json()

    def call(method: str, path: str, body: Any, status: int, schema: str | None) -> None:
        r = image(w, method, f"metadefs/namespaces/walk{path}", body, user="admin")
        expect(r, status, served(schema) if schema else None, f"{method} {path}")

    r = image(w, "POST", "metadefs/namespaces", {"namespace": "walk"}, user="admin")
    expect(r, 201, served("namespace"), "POST a namespace")
    call("PUT", "", {"namespace": "walk", "protected": False}, 200, "namespace")
    call("POST", "/objects", {"name": "o"}, 201, "object")
    call("PUT", "/objects/o", {"name": "o", "description": "d"}, 200, "object")
    prop = {"name": "p", "title": "P", "type": "string"}
    call("POST", "/properties", prop, 201, "property")
    call("PUT", "/properties/p", {**prop, "title": "Q"}, 200, "property")
    call("POST", "/tags", {"tags": [{"name": "a"}]}, 201, "tags")
    call("POST", "/tags/b", None, 201, "tag")
    call("PUT", "/tags/b", {"name": "c"}, 200, "tag")
    call("POST", "/resource_types", {"name": "OS::Glance::Image"}, 201, "resource_type")
    call("DELETE", "/resource_types/OS::Glance::Image", None, 204, None)
    for part, name in (("objects", "o"), ("properties", "p"), ("tags", "c")):
        call("DELETE", f"/{part}/{name}", None, 204, None)
        call("DELETE", f"/{part}", None, 204, None)
    call("DELETE", "", None, 204, None)


@walks("image", "GET", "/v2/schemas/task", "/v2/schemas/tasks")
def _glance_task_schemas(w: World, profile: str) -> None:
    # minimal() Draft 4 documents; tests/glance/test_task_schemas has each release's
    for name in ("task", "tasks"):
        r = image(w, "GET", f"schemas/{name}")
        assert r.status == 200 and r.json()["name"] == name, name
        jsonschema.Draft4Validator.check_schema(r.json())


@walks("image", "GET", "/v2/info/import", "/v2/info/stores", "/v2/info/stores/detail")
def _glance_info(w: World, profile: str) -> None:
    expect(image(w, "GET", "info/import"), 200, _IMPORT_INFO, "GET import info")
    for path in ("info/stores", "info/stores/detail"):  # a single-store Glance: 404
        expect(image(w, "GET", path), 404, _WEBOB_JSON, f"GET {path}")


@walks("image", "GET", "/v2/cache", "/v2/cache/nodes/{image_id}")
@walks("image", "DELETE", "/v2/cache", "/v2/cache/{image_id}")
@walks("image", "PUT", "/v2/cache/{image_id}")
@walks("image", "POST", "/v2/cache/{image_id}")
def _glance_cache(w: World, profile: str) -> None:
    # no image cache: the admin's 404 (Glance 24 on; before, no such path), WebOb's body
    for method, path in (
        ("GET", "cache"),
        ("DELETE", "cache"),
        ("PUT", "cache/x"),
        ("DELETE", "cache/x"),  # no such image: Glance's 500, the same body
        ("POST", "cache/clean"),
        ("GET", "cache/nodes/x"),
    ):
        r = image(w, method, path, user="admin", headers={"Accept": "application/json"})
        unreachable = path == "cache/x" and method == "DELETE" and profile == "upstream"
        expect(r, 500 if unreachable else 404, _WEBOB_JSON, f"{method} {path}")


@walks("image", "GET", "/v2/cached_images", "/v2/queued_images")
@walks("image", "DELETE", "/v2/cached_images", "/v2/cached_images/{image_id}")
@walks("image", "DELETE", "/v2/queued_images", "/v2/queued_images/{image_id}")
@walks("image", "PUT", "/v2/queued_images/{image_id}")
def _glance_cache_manage(w: World, profile: str) -> None:
    # the cachemanage filter (Glance 18-23 with an image cache): absent here, the API's 404
    for method, path in (
        ("GET", "cached_images"),
        ("GET", "queued_images"),
        ("DELETE", "cached_images"),
        ("DELETE", "cached_images/x"),
        ("DELETE", "queued_images"),
        ("DELETE", "queued_images/x"),
        ("PUT", "queued_images/x"),
    ):
        r = image(w, method, path, user="admin", headers={"Accept": "application/json"})
        expect(r, 404, _WEBOB_JSON, f"{method} {path}")


# -- Keystone -------------------------------------------------------------------------------------

_REF = {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]}
_REGION = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "description": {"type": "string"},
        "parent_region_id": {"type": ["string", "null"]},
        "links": ks.LINK_SELF,
    },
    "required": ["id", "description", "parent_region_id", "links"],
    "additionalProperties": False,
}
_SERVICE = {
    "type": "object",
    "properties": {
        "id": ks.HEX32,
        "type": {"type": "string"},
        "name": {"type": "string"},
        "enabled": {"type": "boolean"},
        "description": {"type": "string"},
        "links": ks.LINK_SELF,
    },
    "required": ["id", "type", "enabled", "links"],
    "additionalProperties": False,
}
_ASSIGNMENT = {
    "type": "object",
    "properties": {
        "user": _REF,
        "group": _REF,
        "role": _REF,
        "scope": {"type": "object"},
        "links": {"type": "object", "required": ["assignment"]},
    },
    "required": ["role", "scope", "links"],
    "additionalProperties": False,
}
_ROLE_REF = {
    "type": "object",
    "properties": {"id": ks.HEX32, "name": {"type": "string"}, "links": ks.LINK_SELF},
    "required": ["id", "name", "links"],
    "additionalProperties": False,
}
_INFERENCE = {
    "type": "object",
    "properties": {"prior_role": _ROLE_REF, "implies": {"type": "array", "items": _ROLE_REF}},
    "required": ["prior_role", "implies"],
    "additionalProperties": False,
}
#: ``/v3/auth/catalog``'s and ``/v3/auth/system``'s links: ``self`` alone (the keystone oracle)
_SELF_ONLY = {**ks.LINK_SELF, "additionalProperties": False}
_SYSTEM = {
    "type": "object",
    "properties": {
        "system": {"type": "array", "items": {"type": "object", "properties": {"all": {}}}},
        "links": _SELF_ONLY,
    },
    "required": ["system", "links"],
    "additionalProperties": False,
}

#: path -> (schema, the id to put in it: a function of the cloud).
_KEYSTONE_READS: dict[str, Any] = {
    "/v3/domains": ks.listing("domains", ks.DOMAIN),
    "/v3/domains/{domain_id}": ks.single("domain", ks.DOMAIN),
    "/v3/projects": ks.listing("projects", ks.PROJECT),
    "/v3/projects/{project_id}": ks.single("project", ks.PROJECT),
    "/v3/users": ks.listing("users", ks.USER),
    "/v3/users/{user_id}": ks.single("user", ks.USER),
    "/v3/users/{user_id}/projects": ks.listing("projects", ks.PROJECT),
    "/v3/roles": ks.listing("roles", ks.ROLE),
    "/v3/roles/{role_id}": ks.single("role", ks.ROLE),
    "/v3/regions": ks.listing("regions", _REGION),
    "/v3/regions/{region_id}": ks.single("region", _REGION),
    "/v3/services": ks.listing("services", _SERVICE),
    "/v3/services/{service_id}": ks.single("service", _SERVICE),
    "/v3/endpoints": ks.listing("endpoints", {**ks.ENDPOINT, "additionalProperties": True}),
    "/v3/role_assignments": ks.listing("role_assignments", _ASSIGNMENT),
    "/v3/role_inferences": {
        "type": "object",
        "required": ["role_inferences"],
        "properties": {"role_inferences": {"type": "array", "items": _INFERENCE}},
        "additionalProperties": False,
    },
    "/v3/auth/projects": ks.listing("projects", ks.PROJECT),
    "/v3/auth/domains": ks.listing("domains", ks.DOMAIN),
    "/v3/auth/system": _SYSTEM,
    "/v3/auth/catalog": {
        "type": "object",
        "properties": {"catalog": ks.CATALOG, "links": _SELF_ONLY},
        "required": ["catalog", "links"],
        "additionalProperties": False,
    },
}


@walks("identity", "GET", "/", "/v3", "/v3/auth/tokens", "/v3/endpoints/{endpoint_id}")
@walks("identity", "GET", *_KEYSTONE_READS)
@walks("identity", "DELETE", "/v3/auth/tokens")
@walks("identity", "HEAD", "/v3/auth/tokens")
@walks("identity", "POST", "/v3/auth/tokens")
def _keystone(w: World, profile: str) -> None:
    def first(listing: str, key: str) -> str:
        return w.req("identity", "GET", listing, user="admin").json()[key][0]["id"]

    ids = {
        "{domain_id}": lambda: first("/v3/domains", "domains"),
        "{project_id}": lambda: first("/v3/projects", "projects"),
        "{role_id}": lambda: first("/v3/roles", "roles"),
        "{region_id}": lambda: first("/v3/regions", "regions"),
        "{service_id}": lambda: first("/v3/services", "services"),
        "{endpoint_id}": lambda: first("/v3/endpoints", "endpoints"),
        "{user_id}": lambda: first("/v3/users", "users"),
    }
    for template, schema in _KEYSTONE_READS.items():
        path = template
        for name, get in ids.items():
            if name in path:
                path = path.replace(name, get())
        r = w.req("identity", "GET", path, user="admin")
        assert r.status == 200, (path, r.json())
        ks.check(r.json(), schema)
    r = w.req("identity", "GET", f"/v3/endpoints/{ids['{endpoint_id}']()}", user="admin")
    ks.check(r.json(), ks.single("endpoint", {**ks.ENDPOINT, "additionalProperties": True}))
    ks.check(w.req("identity", "GET", "/", user=None).json(), ks.VERSIONS_DOC)
    ks.check(w.req("identity", "GET", "/v3", user=None).json(), ks.VERSION_DOC)
    creds = w.cloud.credentials("demo")
    auth = {
        "auth": {
            "identity": {
                "methods": ["password"],
                "password": {
                    "user": {
                        "name": creds["username"],
                        "domain": {"name": creds["user_domain_name"]},
                        "password": creds["password"],
                    }
                },
            },
            "scope": {
                "project": {
                    "name": creds["project_name"],
                    "domain": {"name": creds["project_domain_name"]},
                }
            },
        }
    }
    r = w.req("identity", "POST", "/v3/auth/tokens", auth, user=None)
    assert r.status == 201, r.json()
    ks.check(r.json(), ks.TOKEN)
    headers = {"X-Subject-Token": r.headers["X-Subject-Token"]}
    r = w.req("identity", "GET", "/v3/auth/tokens", headers=headers, user="admin")
    ks.check(r.json(), ks.TOKEN)
    r = w.req("identity", "HEAD", "/v3/auth/tokens", headers=headers, user="admin")
    assert r.status == 200 and not r.body
    r = w.req("identity", "DELETE", "/v3/auth/tokens", headers=headers, user="admin")
    assert (r.status, r.body) == (204, None) or (r.status, r.body) == (204, b"")


_GRANT_SCOPES = ("/v3/projects/{project_id}", "/v3/domains/{domain_id}", "/v3/system")


@walks("identity", "POST", "/v3/projects", "/v3/users", "/v3/domains", "/v3/roles")
@walks("identity", "POST", "/v3/users/{user_id}/password")
@walks("identity", "DELETE", "/v3/roles/{role_id}")
@walks(
    "identity",
    "PATCH",
    "/v3/projects/{project_id}",
    "/v3/users/{user_id}",
    "/v3/domains/{domain_id}",
)
@walks(
    "identity",
    "DELETE",
    "/v3/projects/{project_id}",
    "/v3/users/{user_id}",
    "/v3/domains/{domain_id}",
)
@walks("identity", "GET", *(f"{s}/users/{{user_id}}/roles{r}" for s in _GRANT_SCOPES
                            for r in ("", "/{role_id}")))  # fmt: skip
@walks("identity", "PUT", *(f"{s}/users/{{user_id}}/roles/{{role_id}}" for s in _GRANT_SCOPES))
@walks("identity", "DELETE", *(f"{s}/users/{{user_id}}/roles/{{role_id}}" for s in _GRANT_SCOPES))
def _keystone_writes(w: World, profile: str) -> None:
    cloud = w.cloud.fork()  # the walk's world stays as built

    def req(method: str, path: str, body: Any = None) -> Any:
        return cloud.request("identity", method, path, body, user="admin")

    r = req("POST", "/v3/projects", {"project": {"name": "walk"}})
    assert r.status == 201, r.json()
    ks.check(r.json(), ks.single("project", ks.PROJECT))
    project = r.json()["project"]["id"]
    r = req("PATCH", f"/v3/projects/{project}", {"project": {"description": "walked"}})
    ks.check(r.json(), ks.single("project", ks.PROJECT))
    r = req("POST", "/v3/users", {"user": {"name": "walk", "password": "pw"}})
    assert r.status == 201, r.json()
    ks.check(r.json(), ks.single("user", ks.USER))
    user = r.json()["user"]["id"]
    change = {"user": {"original_password": "pw", "password": "pw2"}}
    assert req("POST", f"/v3/users/{user}/password", change).status == 204
    r = req("PATCH", f"/v3/users/{user}", {"user": {"enabled": False}})
    ks.check(r.json(), ks.single("user", ks.USER))
    role = cloud.keystone.directory.role_by_name("reader").id
    for scope in (f"/v3/projects/{project}", "/v3/domains/default", "/v3/system"):
        one = f"{scope}/users/{user}/roles/{role}"
        assert (req("PUT", one).status, req("GET", one).status) == (204, 204)
        ks.check(req("GET", f"{scope}/users/{user}/roles").json(), ks.listing("roles", ks.ROLE))
        assert (req("DELETE", one).status, req("DELETE", one).status) == (204, 404)
    assert req("DELETE", f"/v3/users/{user}").status == 204
    assert req("DELETE", f"/v3/projects/{project}").status == 204
    r = req("POST", "/v3/domains", {"domain": {"name": "walk"}})
    assert r.status == 201, r.json()
    ks.check(r.json(), ks.single("domain", ks.DOMAIN))
    domain = r.json()["domain"]["id"]
    r = req("PATCH", f"/v3/domains/{domain}", {"domain": {"enabled": False}})
    ks.check(r.json(), ks.single("domain", ks.DOMAIN))
    assert req("DELETE", f"/v3/domains/{domain}").status == 204
    r = req("POST", "/v3/roles", {"role": {"name": "walk"}})
    assert r.status == 201, r.json()
    ks.check(r.json(), ks.single("role", ks.ROLE))
    assert req("DELETE", f"/v3/roles/{r.json()['role']['id']}").status == 204


_GROUP_ONE = "/v3/groups/{group_id}"
_GROUP_GRANTS = tuple(f"{s}/groups/{{group_id}}/roles" for s in _GRANT_SCOPES[:2])
_IMPLIES = "/v3/roles/{prior_role_id}/implies"
_TAGS = "/v3/projects/{project_id}/tags"


@walks(
    "identity",
    "GET",
    "/v3/groups",
    _GROUP_ONE,
    f"{_GROUP_ONE}/users",
    _IMPLIES,
    _TAGS,
    "/v3/users/{user_id}/groups",
    f"{_GROUP_ONE}/users/{{user_id}}",
    f"{_TAGS}/{{tag}}",
    f"{_IMPLIES}/{{implied_role_id}}",
    *_GROUP_GRANTS,
    *(f"{g}/{{role_id}}" for g in _GROUP_GRANTS),
)
@walks("identity", "POST", "/v3/groups")
@walks("identity", "PATCH", _GROUP_ONE)
@walks("identity", "HEAD", f"{_IMPLIES}/{{implied_role_id}}")
@walks(
    "identity",
    "PUT",
    f"{_GROUP_ONE}/users/{{user_id}}",
    _TAGS,
    f"{_TAGS}/{{tag}}",
    f"{_IMPLIES}/{{implied_role_id}}",
    *(f"{g}/{{role_id}}" for g in _GROUP_GRANTS),
)
@walks("identity", "DELETE", _GROUP_ONE, f"{_GROUP_ONE}/users/{{user_id}}", _TAGS,
       f"{_TAGS}/{{tag}}", f"{_IMPLIES}/{{implied_role_id}}",
       *(f"{g}/{{role_id}}" for g in _GROUP_GRANTS))  # fmt: skip
def _keystone_groups_tags(w: World, profile: str) -> None:
    cloud = w.cloud.fork()
    d = cloud.keystone.directory

    def req(method: str, path: str, body: Any = None) -> Any:
        return cloud.request("identity", method, path, body, user="admin")

    r = req("POST", "/v3/groups", {"group": {"name": "walk"}})
    assert r.status == 201, r.json()
    ks.check(r.json(), ks.single("group", ks.GROUP))
    group = f"/v3/groups/{r.json()['group']['id']}"
    ks.check(
        req("PATCH", group, {"group": {"description": "w"}}).json(), ks.single("group", ks.GROUP)
    )
    ks.check(req("GET", group).json(), ks.single("group", ks.GROUP))
    ks.check(req("GET", "/v3/groups").json(), ks.listing("groups", ks.GROUP))
    demo = d.user_by_name("demo").id
    member = f"{group}/users/{demo}"
    assert [req(m, member).status for m in ("PUT", "GET", "DELETE", "GET")] == [204, 204, 204, 404]
    assert req("PUT", member).status == 204
    ks.check(req("GET", f"{group}/users").json(), ks.listing("users", ks.USER))
    ks.check(req("GET", f"/v3/users/{demo}/groups").json(), ks.listing("groups", ks.GROUP))
    project, role = d.project_by_name("demo").id, d.role_by_name("reader").id
    for scope in (f"/v3/projects/{project}", "/v3/domains/default"):
        one = f"{scope}{group[3:]}/roles/{role}"
        assert (req("PUT", one).status, req("GET", one).status) == (204, 204)
        ks.check(req("GET", f"{scope}{group[3:]}/roles").json(), ks.listing("roles", ks.ROLE))
        assert (req("DELETE", one).status, req("DELETE", one).status) == (204, 404)
    assert (req("DELETE", group).status, req("GET", group).status) == (204, 404)
    prior = f"/v3/roles/{d.role_by_name('admin').id}/implies"  # a role every release makes
    rule = f"{prior}/{role}"
    inference = {"type": "object", "required": ["role_inference", "links"]}
    assert req("PUT", rule).status == 201 and req("HEAD", rule).status == 204
    ks.check(req("GET", rule).json(), inference)
    ks.check(req("GET", prior).json(), inference)
    assert (req("DELETE", rule).status, req("GET", rule).status) == (204, 404)
    tags = f"/v3/projects/{project}/tags"
    ks.check(req("PUT", tags, {"tags": ["a"]}).json(), ks.TAGS)
    assert [req(m, f"{tags}/b").status for m in ("PUT", "GET", "DELETE")] == [201, 204, 204]
    ks.check(req("GET", tags).json(), ks.TAGS)
    assert (req("DELETE", tags).status, req("GET", tags).json()["tags"]) == (204, [])


_INHERIT = tuple(
    f"/v3/OS-INHERIT/{t}/{a}/roles"
    for t in ("domains/{domain_id}", "projects/{project_id}")
    for a in ("users/{user_id}", "groups/{group_id}")
)
_INHERITED = tuple(f"{g}/{{role_id}}/inherited_to_projects" for g in _INHERIT)


@walks("identity", "GET", *_INHERITED, *(f"{g}/inherited_to_projects" for g in _INHERIT[:2]))
@walks("identity", "PUT", *_INHERITED)
@walks("identity", "DELETE", *_INHERITED)
def _keystone_inherited_grants(w: World, profile: str) -> None:
    cloud = w.cloud.fork()
    d = cloud.keystone.directory

    def req(method: str, path: str) -> Any:
        return cloud.request("identity", method, path, None, user="admin")

    group = cloud.request("identity", "POST", "/v3/groups", {"group": {"name": "w"}}, user="admin")
    actors = (f"users/{d.user_by_name('demo').id}", f"groups/{group.json()['group']['id']}")
    role = d.role_by_name("reader").id
    for target in (f"domains/{d.project_by_name('demo').domain_id}",
                   f"projects/{d.project_by_name('demo').id}"):  # fmt: skip
        for actor in actors:
            one = f"/v3/OS-INHERIT/{target}/{actor}/roles/{role}/inherited_to_projects"
            assert [req(m, one).status for m in ("PUT", "GET", "DELETE", "GET")] == [
                204, 204, 204, 404]  # fmt: skip
            if target.startswith("domains"):
                listed = f"/v3/OS-INHERIT/{target}/{actor}/roles/inherited_to_projects"
                ks.check(req("GET", listed).json(), ks.listing("roles", ks.ROLE))


_APP_CREDS = "/v3/users/{user_id}/application_credentials"
_ACCESS_RULES = "/v3/users/{user_id}/access_rules"


@walks(
    "identity",
    "GET",
    _APP_CREDS,
    f"{_APP_CREDS}/{{cred_id}}",
    _ACCESS_RULES,
    f"{_ACCESS_RULES}/{{rule_id}}",
    "/v3/credentials",
    "/v3/credentials/{credential_id}",
)
@walks("identity", "POST", _APP_CREDS, "/v3/credentials")
@walks(
    "identity",
    "DELETE",
    f"{_APP_CREDS}/{{cred_id}}",
    f"{_ACCESS_RULES}/{{rule_id}}",
    "/v3/credentials/{credential_id}",
)
@walks("identity", "PATCH", "/v3/credentials/{credential_id}")  # fmt: skip
def _keystone_app_creds_and_credentials(w: World, profile: str) -> None:
    cloud = w.cloud.fork()
    demo = cloud.keystone.directory.user_by_name("demo").id

    def req(method: str, path: str, body: Any = None) -> Any:
        return cloud.request("identity", method, path, body)

    rule = {"service": "compute", "path": "/v2.1/servers", "method": "GET"}
    body = {"application_credential": {"name": "w", "access_rules": [rule]}}
    if profile == "seed":  # keystone 13: no access rules, the model's 400 for the key
        del body["application_credential"]["access_rules"]
    made = req("POST", f"/v3/users/{demo}/application_credentials", body)
    ks.check(made.json(), ks.single("application_credential", ks.APP_CRED))
    one = made.json()["application_credential"]["links"]["self"].split("/v3", 1)[1]
    ks.check(req("GET", "/v3" + one).json(), ks.single("application_credential", ks.APP_CRED))
    listed = req("GET", f"/v3/users/{demo}/application_credentials").json()
    ks.check(listed, ks.listing("application_credentials", ks.APP_CRED))
    rules = req("GET", f"/v3/users/{demo}/access_rules")
    if profile == "seed":  # keystone 13: no access rules
        assert rules.status == 404
    else:
        ks.check(rules.json(), ks.listing("access_rules", ks.ACCESS_RULE))
        rule_id = rules.json()["access_rules"][0]["id"]
        shown = req("GET", f"/v3/users/{demo}/access_rules/{rule_id}").json()
        ks.check(shown, ks.single("access_rule", ks.ACCESS_RULE))
    assert req("DELETE", "/v3" + one).status == 204
    if profile != "seed":
        assert req("DELETE", f"/v3/users/{demo}/access_rules/{rule_id}").status == 204
    cert = {"credential": {"type": "cert", "user_id": demo, "blob": "pem"}}
    cred = cloud.request("identity", "POST", "/v3/credentials", cert, user="admin").json()
    ks.check(cred, ks.single("credential", ks.CREDENTIAL))
    path = f"/v3/credentials/{cred['credential']['id']}"
    for method, body in (("GET", None), ("PATCH", {"credential": {"blob": "b"}})):
        got = cloud.request("identity", method, path, body, user="admin").json()
        ks.check(got, ks.single("credential", ks.CREDENTIAL))
    listed = cloud.request("identity", "GET", "/v3/credentials", user="admin").json()
    ks.check(listed, ks.listing("credentials", ks.CREDENTIAL))
    assert cloud.request("identity", "DELETE", path, user="admin").status == 204


_RL, _LM = "/v3/registered_limits", "/v3/limits"


@walks("identity", "GET", _RL, f"{_RL}/{{registered_limit_id}}", _LM, f"{_LM}/{{limit_id}}")
@walks("identity", "GET", f"{_LM}/model")
@walks("identity", "POST", _RL, _LM)
@walks("identity", "PATCH", f"{_RL}/{{registered_limit_id}}", f"{_LM}/{{limit_id}}")
@walks("identity", "DELETE", f"{_RL}/{{registered_limit_id}}", f"{_LM}/{{limit_id}}")
@walks("identity", "PUT", _RL, _LM)
def _keystone_limits(w: World, profile: str) -> None:
    cloud = w.cloud.fork()

    def req(method: str, path: str, body: Any = None) -> Any:
        return cloud.request("identity", method, path, body, user="admin")

    services = req("GET", "/v3/services").json()["services"]
    nova = next(s["id"] for s in services if s["type"] == "compute")
    if profile == "seed":  # keystone 13's experimental API: PUT lists, no PATCH, no model
        _keystone_13_limits(cloud, req, nova)
        return
    reg = {"service_id": nova, "resource_name": "servers", "default_limit": 10}
    made = req("POST", _RL, {"registered_limits": [reg]}).json()
    ks.check(made["registered_limits"][0], ks.REGISTERED_LIMIT)
    one = f"{_RL}/{made['registered_limits'][0]['id']}"
    ks.check(req("GET", _RL).json(), ks.listing("registered_limits", ks.REGISTERED_LIMIT))
    patch = {"registered_limit": {"default_limit": 5}}
    for method, body in (("GET", None), ("PATCH", patch)):
        ks.check(req(method, one, body).json(), ks.single("registered_limit", ks.REGISTERED_LIMIT))
    demo = cloud.context("demo").project_id
    lim = {"service_id": nova, "resource_name": "servers", "resource_limit": 4, "project_id": demo}
    lim = req("POST", _LM, {"limits": [lim]}).json()["limits"][0]
    ks.check(lim, ks.LIMIT)
    ks.check(req("GET", _LM).json(), ks.listing("limits", ks.LIMIT))
    patch = {"limit": {"resource_limit": 3}}
    for method, body in (("GET", None), ("PATCH", patch)):
        got = req(method, f"{_LM}/{lim['id']}", body).json()
        ks.check(got, ks.single("limit", ks.LIMIT))
    assert req("GET", f"{_LM}/model").json()["model"]["name"] == "flat"
    assert [req("DELETE", p).status for p in (f"{_LM}/{lim['id']}", one)] == [204, 204]


def _keystone_13_limits(cloud: Any, req: Callable[..., Any], nova: str) -> None:
    """Keystone 13.0.4's limits: every create and ``PUT`` answers the whole list (no
    ``links``), a limit has no ``domain_id``."""
    limit = {**ks.LIMIT, "required": [k for k in ks.LIMIT["required"] if k != "domain_id"]}

    def whole(key: str, item: dict[str, Any]) -> dict[str, Any]:
        return {**ks.single(key, {"type": "array", "items": item, "minItems": 1})}

    reg = {"service_id": nova, "resource_name": "servers", "default_limit": 10}
    made = req("POST", _RL, {"registered_limits": [reg]}).json()
    ks.check(made, whole("registered_limits", ks.REGISTERED_LIMIT))
    reg_id = made["registered_limits"][0]["id"]
    ks.check(req("GET", _RL).json(), ks.listing("registered_limits", ks.REGISTERED_LIMIT))
    one = req("GET", f"{_RL}/{reg_id}").json()
    ks.check(one, ks.single("registered_limit", ks.REGISTERED_LIMIT))
    put = {"registered_limits": [{"id": reg_id, "default_limit": 5}]}
    ks.check(req("PUT", _RL, put).json(), whole("registered_limits", ks.REGISTERED_LIMIT))
    demo = cloud.context("demo").project_id
    lim = {"service_id": nova, "resource_name": "servers", "resource_limit": 4, "project_id": demo}
    made = req("POST", _LM, {"limits": [lim]}).json()
    ks.check(made, whole("limits", limit))
    lim_id = made["limits"][0]["id"]
    ks.check(req("GET", _LM).json(), ks.listing("limits", limit))
    ks.check(req("GET", f"{_LM}/{lim_id}").json(), ks.single("limit", limit))
    put = {"limits": [{"id": lim_id, "resource_limit": 3}]}
    ks.check(req("PUT", _LM, put).json(), whole("limits", limit))
    assert req("GET", f"{_LM}/model").status == 404  # get_limit('model')
    assert req("PATCH", f"{_LM}/{lim_id}", {"limit": {}}).status == 404  # no such route
    assert [req("DELETE", p).status for p in (f"{_LM}/{lim_id}", f"{_RL}/{reg_id}")] == [204, 204]


_EPF = "/v3/OS-EP-FILTER"
_EPG = f"{_EPF}/endpoint_groups"
_EPG_ONE = f"{_EPG}/{{endpoint_group_id}}"
_EPG_PROJECT = f"{_EPG_ONE}/projects/{{project_id}}"
_PROJECT_EP = f"{_EPF}/projects/{{project_id}}/endpoints"
_SYSTEM_GROUP = "/v3/system/groups/{group_id}/roles"
_ENDPOINT_GROUP = {
    "type": "object",
    "required": ["id", "name", "description", "filters", "links"],
    "properties": {
        "id": ks.HEX32,
        "name": {"type": "string"},
        "description": {"type": ["string", "null"]},
        "filters": {"type": "object"},
        "links": ks.LINK_SELF,
    },
    "additionalProperties": False,
}


@walks("identity", "PATCH", "/v3/roles/{role_id}", _EPG_ONE)
@walks("identity", "POST", _EPG)
@walks("identity", "GET", _EPG, _EPG_ONE, f"{_EPG_ONE}/endpoints", f"{_EPG_ONE}/projects",
       _EPG_PROJECT, f"{_EPF}/endpoints/{{endpoint_id}}/projects", _PROJECT_EP,
       f"{_EPF}/projects/{{project_id}}/endpoint_groups", f"{_PROJECT_EP}/{{endpoint_id}}",
       _SYSTEM_GROUP, f"{_SYSTEM_GROUP}/{{role_id}}")  # fmt: skip
@walks("identity", "PUT", _EPG_PROJECT, f"{_PROJECT_EP}/{{endpoint_id}}",
       f"{_SYSTEM_GROUP}/{{role_id}}")  # fmt: skip
@walks("identity", "DELETE", _EPG_ONE, _EPG_PROJECT, f"{_PROJECT_EP}/{{endpoint_id}}",
       f"{_SYSTEM_GROUP}/{{role_id}}")  # fmt: skip
def _keystone_roles_endpoint_groups(w: World, profile: str) -> None:
    cloud = w.cloud.fork()
    d = cloud.keystone.directory

    def req(method: str, path: str, body: Any = None) -> Any:
        return cloud.request("identity", method, path, body, user="admin")

    role = req("POST", "/v3/roles", {"role": {"name": "walk"}}).json()["role"]["id"]
    r = req("PATCH", f"/v3/roles/{role}", {"role": {"name": "walked"}})
    ks.check(r.json(), ks.single("role", ks.ROLE))
    group = req("POST", "/v3/groups", {"group": {"name": "w"}}).json()["group"]["id"]
    one = f"/v3/system/groups/{group}/roles/{d.role_by_name('reader').id}"
    assert [req(m, one).status for m in ("PUT", "GET", "DELETE", "GET")] == [204, 204, 204, 404]
    ks.check(req("GET", f"/v3/system/groups/{group}/roles").json(), ks.listing("roles", ks.ROLE))
    body = {"endpoint_group": {"name": "walk", "filters": {"interface": "public"}}}
    r = req("POST", _EPG, body)
    ks.check(r.json(), ks.single("endpoint_group", _ENDPOINT_GROUP))
    eg = f"{_EPG}/{r.json()['endpoint_group']['id']}"
    r = req("PATCH", eg, {"endpoint_group": {"description": "d"}})
    ks.check(r.json(), ks.single("endpoint_group", _ENDPOINT_GROUP))
    ks.check(req("GET", _EPG).json(), ks.listing("endpoint_groups", _ENDPOINT_GROUP))
    project = d.project_by_name("demo").id
    endpoint = cloud.keystone.catalog.endpoint_records()[0]["id"]
    assert [req(m, f"{eg}/projects/{project}").status for m in ("PUT", "GET")] == [204, 200]
    assert [req(m, f"{_EPF}/projects/{project}/endpoints/{endpoint}").status
            for m in ("PUT", "GET", "DELETE")] == [204, 204, 204]  # fmt: skip
    endpoints = ks.listing("endpoints", {**ks.ENDPOINT, "additionalProperties": True})
    for path, schema in (
        (eg, ks.single("endpoint_group", _ENDPOINT_GROUP)),
        (f"{eg}/endpoints", endpoints),
        (f"{_EPF}/projects/{project}/endpoints", endpoints),
        (f"{eg}/projects", ks.listing("projects", ks.PROJECT)),
        (f"{_EPF}/endpoints/{endpoint}/projects", ks.listing("projects", ks.PROJECT)),
        (f"{_EPF}/projects/{project}/endpoint_groups",
         ks.listing("endpoint_groups", _ENDPOINT_GROUP)),
    ):  # fmt: skip
        ks.check(req("GET", path).json(), schema)
    assert [req("DELETE", p).status for p in (f"{eg}/projects/{project}", eg)] == [204, 204]


# -- migrations (nova 34.0.0 schemas/migrations.py, schemas/server_migrations.py) --------------


def _migrations_index_schemas() -> dict[str, dict]:
    """``index_response_v20``/``v223``/``v259``/``v280`` of ``schemas/migrations.py``."""
    nullable = {"type": ["string", "null"]}
    item: dict[str, Any] = {
        "type": "object",
        "properties": {
            "created_at": {"type": "string", "format": "date-time"},
            "dest_compute": nullable,
            "dest_host": nullable,
            "dest_node": nullable,
            "id": {"type": "integer"},
            "instance_uuid": {"type": "string", "format": "uuid"},
            "new_instance_type_id": {"type": ["integer", "null"]},
            "old_instance_type_id": {"type": ["integer", "null"]},
            "source_compute": nullable,
            "source_node": nullable,
            "status": {"type": "string"},
            "updated_at": {"type": ["string", "null"], "format": "date-time"},
        },
        "additionalProperties": False,
    }
    item["required"] = sorted(item["properties"])
    out = {}
    for mv, extra in (
        ("2.1", {}),
        ("2.23", {"migration_type": {"enum": ["migration", "resize", "live-migration",
                                              "evacuation"]},
                  "links": nova.response_types.links}),
        ("2.59", {"uuid": {"type": "string", "format": "uuid"}}),
        ("2.80", {"user_id": {"type": "string"}, "project_id": {"type": "string"}}),
    ):  # fmt: skip
        item = {
            **item,
            "properties": {**item["properties"], **extra},
            "required": item["required"] + sorted(k for k in extra if k != "links"),
        }
        props: dict[str, Any] = {"migrations": {"type": "array", "items": item}}
        if _v(mv) >= _v("2.59"):
            props["migrations_links"] = nova.response_types.collection_links
        out[mv] = {
            "type": "object",
            "properties": props,
            "required": ["migrations"],
            "additionalProperties": False,
        }
    return out


_EMPTY_MIGRATIONS = {
    "type": "object",
    "properties": {"migrations": {"type": "array", "maxItems": 0}},
    "required": ["migrations"],
    "additionalProperties": False,
}


@walks("compute", "DELETE", "/v2.1/servers/{server_id}/migrations/{migration_id}")
@walks("compute", "POST", "/v2.1/servers/{server_id}/migrations/{migration_id}/action")
@walks(
    "compute",
    "GET",
    "/v2.1/os-migrations",
    "/v2.1/servers/{server_id}/migrations",
    "/v2.1/servers/{server_id}/migrations/{migration_id}",
)
def _migrations_read(w: World, profile: str) -> None:
    sid = w.boot("moved")
    r = w.action(sid, {"resize": {"flavorRef": "2"}}, "2.1")
    assert r.status == 202, r.json()
    w.cloud.run_until_idle()
    schemas = _migrations_index_schemas()
    for mv, schema in schemas.items():
        if _v(mv) > _v(w.top):
            continue
        r = w.compute("GET", "/os-migrations?limit=1" if _v(mv) >= _v("2.59") else "/os-migrations",
                      mv=mv, user="admin")  # fmt: skip
        body = expect(r, 200, schema, f"GET /os-migrations @{mv}")
        assert body["migrations"], body
        if _v(mv) >= _v("2.23"):
            r = w.compute("GET", f"/servers/{sid}/migrations", mv=mv, user="admin")
            expect(r, 200, _EMPTY_MIGRATIONS, f"GET /servers/{{id}}/migrations @{mv}")
            ident = body["migrations"][0]["id"]
            r = w.compute("GET", f"/servers/{sid}/migrations/{ident}", mv=mv, user="admin")
            expect(r, 404, NOVA_FAULT, f"GET /servers/{{id}}/migrations/{{id}} @{mv}")
    if _v(w.top) >= _v("2.24"):  # abort, force_complete: no live migration runs (409)
        r = w.compute("DELETE", f"/servers/{sid}/migrations/1", mv="2.24", user="admin")
        expect(r, 409, NOVA_FAULT, "DELETE /servers/{id}/migrations/{id}")
        path = f"/servers/{sid}/migrations/1/action"
        r = w.compute("POST", path, {"force_complete": None}, mv="2.22", user="admin")
        expect(r, 409, NOVA_FAULT, "POST /servers/{id}/migrations/{id}/action")
    w.action(sid, {"revertResize": None}, "2.1")
    w.cloud.run_until_idle()


# -- the walk (after every walker registered) ---------------------------------------------------


_ENDPOINT_ONE = ks.single("endpoint", {**ks.ENDPOINT, "additionalProperties": True})


@walks("identity", "POST", "/v3/regions", "/v3/services", "/v3/endpoints")
@walks("identity", "PUT", "/v3/regions/{region_id}")
@walks("identity", "PATCH", "/v3/regions/{region_id}", "/v3/services/{service_id}",
       "/v3/endpoints/{endpoint_id}")  # fmt: skip
@walks("identity", "DELETE", "/v3/regions/{region_id}", "/v3/services/{service_id}",
       "/v3/endpoints/{endpoint_id}")  # fmt: skip
def _keystone_catalog_writes(w: World, profile: str) -> None:
    cloud = w.cloud.fork()

    def req(method: str, path: str, body: Any = None) -> Any:
        return cloud.request("identity", method, path, body, user="admin")

    region = {"region": {"description": "w"}}
    ks.check(req("POST", "/v3/regions", region).json(), ks.single("region", _REGION))
    ks.check(req("PUT", "/v3/regions/R2", region).json(), ks.single("region", _REGION))
    ks.check(req("PATCH", "/v3/regions/R2", region).json(), ks.single("region", _REGION))
    r = req("POST", "/v3/services", {"service": {"type": "walk", "name": "w"}})
    ks.check(r.json(), ks.single("service", _SERVICE))
    service = f"/v3/services/{r.json()['service']['id']}"
    ks.check(
        req("PATCH", service, {"service": {"name": "v"}}).json(), ks.single("service", _SERVICE)
    )
    body = {"service_id": service[13:], "interface": "public", "url": "http://w.test/",
            "region_id": "R2"}  # fmt: skip
    r = req("POST", "/v3/endpoints", {"endpoint": body})
    ks.check(r.json(), _ENDPOINT_ONE)
    endpoint = f"/v3/endpoints/{r.json()['endpoint']['id']}"
    ks.check(req("PATCH", endpoint, {"endpoint": {"enabled": False}}).json(), _ENDPOINT_ONE)
    assert [req("DELETE", p).status for p in (endpoint, service, "/v3/regions/R2")] == [204] * 3


def _cases() -> list:
    """One case per walker and profile that serves any of its routes (a walker covers all the
    routes it is registered for in one go)."""
    out = []
    probe = {p: served(Cloud(seed=0, profile=p)) for p in PROFILES}
    walkers: dict[Callable, list[tuple[str, str, str]]] = {}
    for key, walker in WALK.items():
        walkers.setdefault(walker, []).append(key)
    for walker, keys in walkers.items():
        for profile in PROFILES:
            if any(key in probe[profile] for key in keys):
                name = walker.__name__.strip("_")
                out.append(pytest.param(profile, walker, id=f"{profile}-{name}"))
    return out


@pytest.mark.parametrize(("profile", "walker"), _cases())
def test_walk(worlds, profile, walker):
    walker(world_for(worlds, profile), profile)
