"""Every response body of compute, image and block-storage, checked against the real schemas.

Compute bodies are validated against Nova 34.0.0's own response schemas, chosen per
microversion exactly as its ``@validation.response_body_schema`` decorators choose them
(`nova_response_schemas.ROUTES`/`ACTIONS`); image bodies against Glance's own image schema;
volume and snapshot bodies against schemas written from Cinder's view builders. Each route
is requested at both ends of every schema range its profile serves (seed: 2.1-2.60 and
Cinder 3.0-3.50, upstream: 2.1-2.104 and 3.0-3.71), and the error bodies (Nova's and
Cinder's fault, Glance's WebOb body) are checked too. One cloud per profile, with its
servers, images, volumes and snapshots, is shared by all the cases of that profile.
"""

from __future__ import annotations

import functools
import json
import uuid
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import pytest

from fakecloud import Cloud
from fakecloud.nova.network import NETWORK_ID
from tests.schemas import cinder_response_schemas as cinder
from tests.schemas import glance_schemas as glance
from tests.schemas import nova_response_schemas as nova

PROFILES = {"seed": "2.60", "upstream": "2.104"}

_FORMATS = jsonschema.FormatChecker()


@_FORMATS.checks("date-time")
def _date_time(instance: Any) -> bool:
    # nova/api/validation/validators.py: oslo's parse_isotime (iso8601), any string form.
    if not isinstance(instance, str):
        return True
    try:
        datetime.fromisoformat(instance.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


@_FORMATS.checks("uuid")
def _uuid(instance: Any) -> bool:
    # oslo_utils.uuidutils.is_uuid_like
    if not isinstance(instance, str):
        return True
    try:
        return str(uuid.UUID(instance)).replace("-", "") == instance.replace("-", "").lower()
    except ValueError:
        return False


@_FORMATS.checks("uri")
def _uri(instance: Any) -> bool:
    # rfc3986 with scheme and host required
    if not isinstance(instance, str):
        return True
    parts = urlsplit(instance)
    return bool(parts.scheme and parts.netloc)


#: nova/api/openstack/wsgi.py Fault: ``{"<faultName>": {"code", "message"}}``.
NOVA_FAULT = {
    "type": "object",
    "minProperties": 1,
    "maxProperties": 1,
    "patternProperties": {
        "^(badRequest|unauthorized|forbidden|itemNotFound|badMethod|conflictingRequest"
        "|overLimit|badMediaType|notImplemented|serviceUnavailable|computeFault)$": {
            "type": "object",
            "properties": {
                "code": {"type": "integer"},
                "message": {"type": "string"},
                "retryAfter": {"type": "string"},
                "details": {"type": "string"},
            },
            "required": ["code", "message"],
            "additionalProperties": False,
        }
    },
    "additionalProperties": False,
}


def _v(version: str) -> tuple[int, int]:
    major, minor = version.split(".")
    return int(major), int(minor)


def _pick(ranges: list, version: str) -> dict:
    for low, high, schema in ranges:
        if (low is None or _v(low) <= _v(version)) and (high is None or _v(version) <= _v(high)):
            return schema
    raise AssertionError(f"no schema for {version}")


def _boundaries(ranges: list, top: str) -> list[str]:
    """Each range's min and max, capped to 2.1..top."""
    out: list[str] = []
    for low, high in [(r[0], r[1]) for r in ranges]:
        for v in (low or "2.1", high or top):
            v = max(v, "2.1", key=_v)
            if _v(v) <= _v(top) and v not in out:
                out.append(v)
    return sorted({v for v in out if _v(v) <= _v(top)} | {"2.1", top}, key=_v)


#: The bodies each schema passed in this process, by the schema's id and the body's JSON text
#: (the schema kept with them, so its id is never another's). Half of the file's checks are a
#: body already checked against the same schema (a route that answers the same at both ends of
#: a range, a fault body met again): validation is a function of the two, so it passes again.
_PASSED: dict[tuple[int, str], dict] = {}


def check(body: Any, schema: dict, where: str) -> None:
    """Validate `body`; the failure names the route, the microversion and the error path."""
    key = (id(schema), json.dumps(body, sort_keys=True))
    if key in _PASSED:
        return
    validator = jsonschema.Draft202012Validator(schema, format_checker=_FORMATS)
    errors = sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
    if errors:
        lines = [
            f"  at {'/'.join(str(p) for p in e.absolute_path) or '<root>'}: {e.message[:300]}"
            for e in errors[:10]
        ]
        pytest.fail(f"{where}: {len(errors)} schema error(s)\n" + "\n".join(lines))
    _PASSED[key] = schema


# -- the world one profile's cases share ------------------------------------------------------


class World:
    """A cloud with an image-backed and a volume-backed server, snapshots, a volume."""

    def __init__(self, profile: str):
        self.profile = profile
        self.top = PROFILES[profile]
        self.cloud = Cloud(
            seed=0,
            profile=profile,
            # SPICE and serial consoles on: their actions' 200s (devstack's are off).
            config={
                "nova": {
                    "shelved_offload_time_s": -1,
                    "spice_enabled": True,
                    "serial_console_enabled": True,
                }
            },
        )
        images = self.req("image", "GET", "/v2/images").json()["images"]
        self.base_image = min(images, key=lambda i: (i["min_disk"], i["size"] or 0))["id"]
        self.server = self.boot("image-backed")
        self.bfv = self.boot("volume-backed", bfv=True)
        for sid in (self.server, self.bfv):
            r = self.action(sid, {"createImage": {"name": f"snap-{sid[:4]}"}}, "2.45")
            assert r.status == 202, r.json()
            self.cloud.run_until_idle()
        self.snapshot_image = r.json()["image_id"]
        self.request_ids = {}
        for sid in (self.server, self.bfv):
            actions = self.compute("GET", f"/servers/{sid}/os-instance-actions", mv="2.1")
            self.request_ids[sid] = actions.json()["instanceActions"][0]["request_id"]
        r = self.req("volumev3", "POST", "/v3/{project_id}/volumes", {"volume": {"size": 1}})
        assert r.status == 202, r.json()
        self.volume = r.json()["volume"]["id"]
        self.cloud.run_until_idle()
        body = {"snapshot": {"volume_id": self.volume, "name": "s1"}}
        r = self.req("volumev3", "POST", "/v3/{project_id}/snapshots", body)
        assert r.status == 202, r.json()
        self.snapshot = r.json()["snapshot"]["id"]
        self.cloud.run_until_idle()
        # An image of demo's with a property, for the image-metadata proxy; an extra spec.
        body = {"name": "meta", "disk_format": "raw", "container_format": "bare", "k": "v"}
        self.meta_image = self.req("image", "POST", "/v2/images", body).json()["id"]
        body = {"extra_specs": {"k": "v"}}
        r = self.compute("POST", "/flavors/1/os-extra_specs", body, mv="2.1", user="admin")
        assert r.status == 200, r.json()
        r = self.compute("GET", f"/servers/{self.bfv}/os-volume_attachments", mv="2.1")
        self.bfv_volume = r.json()["volumeAttachments"][0]["volumeId"]
        for sid in (self.server, self.bfv):  # a metadata key ``k`` on both servers
            r = self.compute("POST", f"/servers/{sid}/metadata", {"metadata": {"k": "v"}})
            assert r.status == 200, r.json()
            r = self.compute("PUT", f"/servers/{sid}/tags/k", mv="2.26")  # and a tag ``k``
            assert r.status == 201, r.json()
        # A key pair ``k`` of the admin's (who makes the reads).
        body = {"keypair": {"name": "k", "public_key": SSH_KEY}}
        r = self.compute("POST", "/os-keypairs", body, mv="2.1", user="admin")
        assert r.status == 200, r.json()

    @functools.cached_property
    def guest(self) -> str:
        """A server with a guest agent and a network (the changePassword and security group
        actions need them), booted on first use."""
        images = self.req("image", "GET", "/v2/images").json()["images"]
        image = next(i for i in images if i.get("hw_qemu_guest_agent") == "yes")
        server = {**self.server_body("guest"), "imageRef": image["id"], "networks": "auto"}
        r = self.compute("POST", "/servers", {"server": server}, mv="2.45")
        assert r.status == 202, r.json()
        self.cloud.run_until_idle()
        return r.json()["server"]["id"]

    def req(self, service: str, method: str, path: str, body: Any = None, **kw: Any):
        """One call through ``cloud.request``."""
        return self.cloud.request(service, method, path, body=body, **kw)

    def compute(self, method: str, path: str, body: Any = None, mv: str | None = None, **kw):
        """A compute call under ``/v2.1``."""
        return self.req("compute", method, "/v2.1" + path, body, microversion=mv, **kw)

    def action(self, sid: str, body: Any, mv: str | None = None, user: str = "demo"):
        """``POST /servers/{id}/action``."""
        return self.compute("POST", f"/servers/{sid}/action", body, mv=mv, user=user)

    def boot(self, name: str, bfv: bool = False, wait: bool = True) -> str:
        """A server booted as demo (ACTIVE once `wait`); its id."""
        r = self.compute("POST", "/servers", {"server": self.server_body(name, bfv)}, mv="2.45")
        assert r.status == 202, r.json()
        if wait:
            self.cloud.run_until_idle()
        return r.json()["server"]["id"]

    def server_body(self, name: str, bfv: bool = False) -> dict[str, Any]:
        """A create-server body (networks "none", flavor 1)."""
        server: dict[str, Any] = {"name": name, "flavorRef": "1", "networks": "none"}
        if bfv:
            server["imageRef"] = ""
            server["block_device_mapping_v2"] = [
                {
                    "boot_index": 0,
                    "uuid": self.base_image,
                    "source_type": "image",
                    "destination_type": "volume",
                    "volume_size": 1,
                    "delete_on_termination": True,
                }
            ]
        else:
            server["imageRef"] = self.base_image
        return server


_WORLDS: dict[str, World] = {}


@pytest.fixture(scope="session")
def worlds():
    """The shared worlds, built on first use, one per profile, for this module and the route
    walk (`test_route_walk` imports this fixture): built once per test process."""
    yield _WORLDS
    _WORLDS.clear()


def world_for(worlds: dict[str, World], profile: str) -> World:
    if profile not in worlds:
        worlds[profile] = World(profile)
    return worlds[profile]


# -- compute ----------------------------------------------------------------------------------

#: Read routes: path template -> how to fill it from the world.
#: An OpenSSH public key for ``/os-keypairs``.
SSH_KEY = (
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAT1gK83ruUidhGETF5lkrWWgfbW7DHFfcuJm1iJGvO+ t6@fakecloud"
)

_FILL = {
    "{server_id}": lambda w, sid: sid,
    "{request_id}": lambda w, sid: w.request_ids[sid],
    "{flavor_id}": lambda w, sid: "1",
    "{image_id}": lambda w, sid: w.base_image,
    "{tenant_id}": lambda w, sid: "{project_id}",  # the caller's own, filled in by the cloud
    "{tag}": lambda w, sid: "k",
    "{network}": lambda w, sid: "private",
    "{network_id}": lambda w, sid: NETWORK_ID,
    "{snapshot_id}": lambda w, sid: w.snapshot,
    "{name}": lambda w, sid: "k",
    "{alias}": lambda w, sid: "os-hosts",
    "{host}": lambda w, sid: next(iter(w.cloud.nova.hosts)),
    "{before}": lambda w, sid: "2012-01-05 10:00:00",
}

_READS = [key for key in nova.ROUTES if key[0] == "GET"]
_WRITES = [key for key in nova.ROUTES if key[0] != "GET"]


#: ``@wsgi.Controller.api_version("2.1", MAX_PROXY_API_SUPPORT_VERSION)``: the image, network,
#: volume and snapshot proxy APIs answer 404 from 2.36 on; the image-metadata proxy from 2.39 on,
#: ``/os-hosts`` from 2.43 on.
_LAST = {
    key: "2.38" if "/metadata" in key[1] else "2.35"
    for key in nova.ROUTES
    if key[1].startswith(("/images", "/os-networks", "/os-volumes", "/os-snapshots"))
} | {key: "2.42" for key in nova.ROUTES if key[1].startswith("/os-hosts")}
_LAST |= {key: "2.5" for key in ("os-getVNCConsole", "os-getSPICEConsole", "os-getSerialConsole")}
_LAST |= {key: "2.43" for key in ("addFixedIp", "removeFixedIp")}


def _xfail(key: Any, mv: str) -> Any:
    """The known mismatches, as strict xfails (none left for compute routes)."""
    return None


def _grouped_cases(keys: list, table: dict) -> list:
    """The cases of `keys` in each profile: one test per profile and route with the list of its
    boundary microversions (a test item costs more than a request and a check); a row with a
    known mismatch (`_xfail`) stays a test of its own."""
    cases = []
    for profile, top in PROFILES.items():
        for key in keys:
            last = min(top, _LAST.get(key, top), key=_v)
            label = " ".join(key) if isinstance(key, tuple) else f"action {key}"
            versions = []
            first = min((r[0] or "2.1" for r in table[key]), key=_v)  # 2.26: server tags
            for mv in [v for v in _boundaries(table[key], last) if _v(v) >= _v(first)]:
                if _xfail(key, mv):
                    cases.append(
                        pytest.param(profile, key, [mv], id=f"{profile}-{label}@{mv}",
                                     marks=[_xfail(key, mv)])
                    )  # fmt: skip
                else:
                    versions.append(mv)
            if versions:
                cases.append(pytest.param(profile, key, versions, id=f"{profile}-{label}"))
    return cases


def _each_version(versions: list, check_one: Any) -> None:
    """`check_one(mv)` for every microversion; a failure names every failing one."""
    failures = []
    for mv in versions:
        try:
            check_one(mv)
        except (Exception, pytest.fail.Exception) as exc:  # noqa: BLE001 - named below
            failures.append(f"@{mv}: {type(exc).__name__}: {exc}")
    assert not failures, "\n".join(failures)


def _fill(world: World, template: str, sid: str | None = None) -> str:
    template = template.replace("/versions/{id}", "/versions/v2.0")
    template = template.replace("/os-quota-class-sets/{id}", "/os-quota-class-sets/default")
    if "/metadata" in template:  # the image-metadata proxy: demo's image and its property
        template = template.replace("{image_id}", world.meta_image).replace("{key}", "k")
    template = template.replace("{key}", "k").replace("{volume_id}", world.bfv_volume)
    for name, get in _FILL.items():
        if name in template:
            template = template.replace(name, get(world, sid or world.server))
    return template


#: A usage period from before the cloud's epoch to now.
_USAGE_PERIOD = "?start=2000-01-01T00:00:00"


@pytest.mark.parametrize(("profile", "route", "versions"), _grouped_cases(_READS, nova.ROUTES))
def test_compute_read(worlds, profile, route, versions):
    world = world_for(worlds, profile)
    _each_version(versions, lambda mv: _read(world, profile, route, mv))


def _server_group(world: World) -> str:
    """A group of demo's with a member (a server booted into it), made on first use."""
    found = getattr(world, "server_group", None)
    if found is None:
        body = {"server_group": {"name": "sg", "policies": ["affinity"]}}
        r = world.compute("POST", "/os-server-groups", body, mv="2.1")
        assert r.status == 200, r.json()
        found = world.server_group = r.json()["server_group"]["id"]
        body = {"server": world.server_body("grouped"), "os:scheduler_hints": {"group": found}}
        assert world.compute("POST", "/servers", body, mv="2.45").status == 202
        world.cloud.run_until_idle()
    return found


def _server_group_call(world: World, route: tuple, mv: str, where: str) -> None:
    """Show (as the admin), the admin's ``all_projects`` list, a create as the admin (its
    project's quota, not demo's), or the delete of a group made for it."""
    method, template = route
    if method == "POST":
        group = {"name": f"new-{mv}"}
        if _v(mv) >= (2, 64):
            group["policy"] = "anti-affinity"
            group["rules"] = {"max_server_per_host": 2}
        else:
            group["policies"] = ["anti-affinity"]
        r = world.compute(method, template, {"server_group": group}, mv=mv, user="admin")
    elif method == "DELETE":
        body = {"server_group": {"name": "doomed", "policies": ["affinity"]}}
        made = world.compute("POST", "/os-server-groups", body, mv="2.1", user="admin")
        path = template.replace("{id}", made.json()["server_group"]["id"])
        r = world.compute(method, path, mv=mv, user="admin")
    else:
        path = template.replace("{id}", _server_group(world))
        if template == "/os-server-groups":
            path += "?all_projects=1"
        r = world.compute(method, path, mv=mv, user="admin")
        groups = r.json().get("server_groups") or [r.json()["server_group"]]
        assert any(g["members"] for g in groups)
    assert r.status in (200, 204), r.json()
    check(r.json() if r.body else None, _pick(nova.ROUTES[route], mv), where)


def _read(world: World, profile: str, route: tuple, mv: str) -> None:
    method, template = route
    if template.startswith("/os-server-groups"):
        _server_group_call(world, route, mv, f"{profile} {method} {template} @{mv}")
        return
    if template.endswith("/os-flavor-access"):  # a private flavor's list (a public one: 404)
        path = f"/flavors/{_private_flavor(world)}/os-flavor-access"
        r = world.compute(method, path, mv=mv, user="admin")
        assert r.status == 200, r.json()
        check(r.json(), _pick(nova.ROUTES[route], mv), f"{profile} {method} {template} @{mv}")
        return
    sids = (world.bfv,) if "{volume_id}" in template else (world.server, world.bfv)
    if template.endswith("/os-security-groups"):  # only a server with a port has groups
        sids = (world.guest,)
    for sid in sids:
        path = _fill(world, template, sid)
        if template in ("/", "/v2", "/v2.1"):
            r = world.req("compute", method, path, microversion=mv)
            if r.status == 302:  # before 21.0.0: to the same path with a final /
                assert r.headers["Location"] == f"http://compute.fakecloud.test{path}/"
                r = world.req("compute", method, path + "/", microversion=mv)
        else:
            if template in ("/servers", "/servers/detail"):
                path += "?all_tenants=1"  # the servers are demo's; admin lists them all
            if template.startswith("/os-simple-tenant-usage"):
                # demo's servers, over a period that holds them, each listed
                demo = world.cloud.keystone.token_for("demo").context.project_id
                path = path.replace("{project_id}", demo) + _USAGE_PERIOD
                path += "" if template.endswith("}") else "&detailed=1"
            r = world.compute(method, path, mv=mv, user="admin")
        if template.endswith("/ips/{network}"):  # fakecloud's servers have no networks
            assert r.status == 404, r.json()
            check(r.json(), NOVA_FAULT, f"{profile} {method} {template} @{mv}")
            continue
        if template.endswith("/tags/{tag}"):  # 204: the server has the tag
            assert r.status == 204, r.json()
            check(None, _pick(nova.ROUTES[route], mv), f"{profile} {method} {template} @{mv}")
            continue
        assert r.status in (200, 300), (r.status, r.json())
        if template.startswith("/os-simple-tenant-usage"):
            usage = r.json().get("tenant_usage") or r.json()["tenant_usages"][0]
            assert len(usage["server_usages"]) >= 2
        if template in ("/servers", "/servers/detail"):
            assert len(r.json()["servers"]) >= 2
        if template.endswith("/os-security-groups"):
            assert r.json()["security_groups"], r.json()
        check(r.json(), _pick(nova.ROUTES[route], mv), f"{profile} {method} {template} @{mv}")


_META = "/images/{image_id}/metadata"
_SERVER_META = "/servers/{server_id}/metadata"
_SPECS = "/flavors/{flavor_id}/os-extra_specs"
#: path template -> method -> (body, user, the key the path names, a body that creates that key
#: first with PUT, or None). Deletes use their own key, so the shared world keeps ``k``.
_SIMPLE_WRITES = {
    _META: {
        "POST": ({"metadata": {"k2": "v2"}}, "demo", None, None),
        "PUT": ({"metadata": {"k": "v"}}, "demo", None, None),
    },
    _META + "/{key}": {
        "PUT": ({"meta": {"k": "v3"}}, "demo", "k", None),
        "DELETE": (None, "demo", "doomed", {"meta": {"doomed": "x"}}),
    },
    _SERVER_META: {
        "POST": ({"metadata": {"k2": "v2"}}, "demo", None, None),
        "PUT": ({"metadata": {"k": "v"}}, "demo", None, None),
    },
    _SERVER_META + "/{key}": {
        "PUT": ({"meta": {"k": "v3"}}, "demo", "k", None),
        "DELETE": (None, "demo", "doomed", {"meta": {"doomed": "x"}}),
    },
    _SPECS: {"POST": ({"extra_specs": {"k2": 2}}, "admin", None, None)},
    _SPECS + "/{key}": {
        "PUT": ({"k": "v"}, "admin", "k", None),
        "DELETE": (None, "admin", "doomed", {"doomed": "x"}),
    },
}


@pytest.mark.parametrize(("profile", "route", "versions"), _grouped_cases(_WRITES, nova.ROUTES))
def test_compute_write(worlds, profile, route, versions):
    world = world_for(worlds, profile)
    _each_version(versions, lambda mv: _write(world, profile, route, mv))


def _write(world: World, profile: str, route: tuple, mv: str) -> None:
    method, template = route
    where = f"{profile} {method} {template} @{mv}"
    if route == ("POST", "/servers"):
        for bfv in (False, True):
            body = {"server": world.server_body(f"new-{mv}", bfv)}
            if _v(mv) < (2, 37):
                del body["server"]["networks"]  # "none" exists from 2.37
            r = world.compute("POST", "/servers", body, mv=mv)
            assert r.status == 202, r.json()
            check(r.json(), _pick(nova.ROUTES[route], mv), where)
        world.cloud.run_until_idle()
        return
    if route == ("PUT", "/servers/{server_id}"):
        # A new description (2.19) or name, for both servers; the names stay.
        for sid in (world.server, world.bfv):
            shown = world.compute("GET", f"/servers/{sid}", mv="2.1").json()["server"]
            entity = {"description": f"at {mv}"} if _v(mv) >= (2, 19) else {"name": shown["name"]}
            r = world.compute("PUT", f"/servers/{sid}", {"server": entity}, mv=mv)
            assert r.status == 200, r.json()
            check(r.json(), _pick(nova.ROUTES[route], mv), where)
        return
    if template == "/servers/{server_id}/remote-consoles":
        for protocol, kind in (("vnc", "novnc"), ("spice", "spice-html5"), ("serial", "serial")):
            body = {"remote_console": {"protocol": protocol, "type": kind}}
            r = world.compute(method, _fill(world, template), body, mv=mv)
            assert r.status == 200, r.json()
            check(r.json(), _pick(nova.ROUTES[route], mv), where)
        return
    if template in _SIMPLE_WRITES:
        body, user, key, prepare = _SIMPLE_WRITES[template][method]
        path = _fill(world, template.replace("{key}", key or "k"))
        if prepare is not None:
            r = world.compute("PUT", path, prepare, mv="2.1", user=user)
            assert r.status == 200, r.json()
        r = world.compute(method, path, body, mv=mv, user=user)
        assert r.status in (200, 204), r.json()
        check(r.json() if r.body else None, _pick(nova.ROUTES[route], mv), where)
        return
    if template.startswith("/flavors") and template != _SPECS and "{key}" not in template:
        _flavor_write(world, route, mv, where)
        return
    if template.startswith("/servers/{server_id}/tags"):
        # Tag ``k`` set again (204), all replaced by ``k``, a tag of its own deleted, or all
        # deleted and ``k`` put back.
        path = _fill(world, template.replace("{tag}", "doomed" if method == "DELETE" else "k"))
        if template.endswith("{tag}") and method == "DELETE":
            assert world.compute("PUT", path, mv="2.26").status == 201
        body = {"tags": ["k"]} if template.endswith("/tags") and method == "PUT" else None
        r = world.compute(method, path, body, mv=mv)
        assert r.status in (200, 204), r.json()
        check(r.json() if r.body else None, _pick(nova.ROUTES[route], mv), where)
        if template.endswith("/tags") and method == "DELETE":
            assert world.compute("PUT", path + "/k", mv="2.26").status == 201
        return
    if template.startswith("/os-server-groups"):
        _server_group_call(world, route, mv, where)
        return
    if template.endswith("/os-server-password"):  # no password to clear: four empty items
        r = world.compute(method, _fill(world, template), mv=mv)
        assert r.status == 204, r.json()
        check(None, _pick(nova.ROUTES[route], mv), where)
        return
    if template.startswith("/os-keypairs"):
        # A key pair made (its name valid at every microversion), or one of its own deleted.
        name = f"new-{mv.replace('.', '-')}" if method == "POST" else "doomed"
        body = {"keypair": {"name": name, "public_key": SSH_KEY}}
        if method == "DELETE":
            assert world.compute("POST", "/os-keypairs", body, mv="2.1").status == 200
            r = world.compute(method, template.replace("{name}", name), mv=mv)
        else:
            r = world.compute(method, template, body, mv=mv)
        assert r.status in (200, 201, 202, 204), r.json()
        check(r.json() if r.body else None, _pick(nova.ROUTES[route], mv), where)
        return
    if template in ("/os-quota-sets/{tenant_id}", "/os-quota-class-sets/{id}"):
        # The admin's own project or the default class, set to the default it has (the shared
        # world's quotas stay).
        key = "quota_set" if "{tenant_id}" in template else "quota_class_set"
        body = {key: {"key_pairs": 100}} if method == "PUT" else None
        r = world.compute(method, _fill(world, template), body, mv=mv, user="admin")
        assert r.status == (200 if method == "PUT" else 202), r.json()
        check(r.json() if r.body else None, _pick(nova.ROUTES[route], mv), where)
        return
    if template.startswith("/os-assisted-volume-snapshots"):
        # What Cinder's NFS driver asks of the volume-backed server's root volume (the admin
        # may); the host's updates of a snapshot Cinder does not have are only logged.
        volume_id = world.bfv_volume
        if method == "POST":
            info = {"snapshot_id": "s", "type": "qcow2", "new_file": "f", "id": volume_id}
            body = {"snapshot": {"volume_id": volume_id, "create_info": info}}
            r = world.compute(method, template, body, mv=mv, user="admin")
        else:
            query = json.dumps({"volume_id": volume_id, "type": "qcow2"})
            r = world.compute(method, f"{template[:-5]}/s?delete_info={query}", mv=mv, user="admin")
        assert r.status in (200, 204), r.json()
        check(r.json() if r.body else None, _pick(nova.ROUTES[route], mv), where)
        world.cloud.run_until_idle()
        return
    if template == "/os-server-external-events":
        # What a service sends (the admin may): an event every microversion knows.
        event = {"name": "network-changed", "server_uuid": world.server}
        r = world.compute(method, template, {"events": [event]}, mv=mv, user="admin")
        assert r.status == 200, r.json()
        check(r.json(), _pick(nova.ROUTES[route], mv), where)
        world.cloud.run_until_idle()
        return
    if route == ("PUT", "/servers/{server_id}/os-volume_attachments/{volume_id}"):
        # 2.85+: the volume-backed server's root mapping, delete_on_termination as it is.
        # Before, every PUT is a swap: refused (upstream: the volume is not migrating; seed:
        # the "new" volume is this attached one), with Nova's fault body.
        path = _fill(world, template, world.bfv)
        body = {"volumeAttachment": {"volumeId": world.bfv_volume}}
        if _v(mv) >= (2, 85):
            body["volumeAttachment"]["delete_on_termination"] = True
            r = world.compute(method, path, body, mv=mv)
            assert r.status == 202, r.json()
            check(None if not r.body else r.json(), _pick(nova.ROUTES[route], mv), where)
        else:
            r = world.compute(method, path, body, mv=mv, user="admin")
            assert r.status == (409 if profile == "upstream" else 400), r.json()
            check(r.json(), NOVA_FAULT, where)
        return
    if template.startswith(("/os-volumes", "/os-snapshots")):
        _volume_proxy_write(world, route, mv, where)
        return
    if route == ("DELETE", "/servers/{server_id}"):
        path = f"/servers/{world.boot(f'doomed-{mv}')}"
    else:  # DELETE /images/{image_id} (the proxy API, to 2.35)
        r = world.action(world.server, {"createImage": {"name": f"gone-{mv}"}}, "2.45")
        world.cloud.run_until_idle()
        path = f"/images/{r.json()['image_id']}"
    r = world.compute(method, path, mv=mv)
    assert r.status in (202, 204), r.json()
    check(r.json() if r.body else None, _pick(nova.ROUTES[route], mv), where)
    world.cloud.run_until_idle()


def _volume_proxy_write(world: World, route: tuple, mv: str, where: str) -> None:
    """A volume (1 GB) or a snapshot of the world's volume made through the proxy, then
    deleted through it: the create's answer or the delete's checked, the world as it was."""
    method, template = route
    kind = "volume" if template.startswith("/os-volumes") else "snapshot"
    base = template.split("/{")[0]
    entity = {"size": 1} if kind == "volume" else {"volume_id": world.volume}
    r = world.compute("POST", base, {kind: {**entity, "display_name": f"proxy-{mv}"}}, mv=mv)
    assert r.status == 200, r.json()
    if method == "POST":
        check(r.json(), _pick(nova.ROUTES[route], mv), where)
    world.cloud.run_until_idle()
    r = world.compute("DELETE", f"{base}/{r.json()[kind]['id']}", mv=mv)
    assert r.status == 202, r.json()
    if method == "DELETE":
        check(None if not r.body else r.json(), _pick(nova.ROUTES[route], mv), where)
    world.cloud.run_until_idle()


def _private_flavor(world: World) -> str:
    """A private flavor of the shared world (made on first use), demo's project given access."""
    if world.compute("GET", "/flavors/walk-private", user="admin").status != 200:
        body = {"name": "walk-private", "id": "walk-private", "ram": 64, "vcpus": 1, "disk": 0}
        body["os-flavor-access:is_public"] = False
        assert world.compute("POST", "/flavors", {"flavor": body}, user="admin").status == 200
    return "walk-private"


def _flavor_write(world: World, route: tuple, mv: str, where: str) -> None:
    """A flavor made (its id and name new at every microversion), a made one described anew
    or deleted, or demo's project given and refused access to the private one."""
    method, template = route
    made = f"walk-{method.lower()}-{mv}"
    if method != "POST" or template == "/flavors":
        body = {"name": made, "id": made, "ram": 64, "vcpus": 1, "disk": 0}
        r = world.compute("POST", "/flavors", {"flavor": body}, mv=mv, user="admin")
        assert r.status == 200, r.json()
        if method == "POST":
            check(r.json(), _pick(nova.ROUTES[route], mv), where)
            return
        path = f"/flavors/{made}"
        entity = {"flavor": {"description": "walked"}} if method == "PUT" else None
        r = world.compute(method, path, entity, mv=mv, user="admin")
        assert r.status in (200, 202), r.json()
        check(r.json() if r.body else None, _pick(nova.ROUTES[route], mv), where)
        return
    path = f"/flavors/{_private_flavor(world)}/action"
    demo = world.cloud.keystone.token_for("demo").context.project_id
    for action in ("addTenantAccess", "removeTenantAccess"):
        r = world.compute(method, path, {action: {"tenant": demo}}, mv=mv, user="admin")
        assert r.status == 200, r.json()
        check(r.json(), _pick(nova.ROUTES[route], mv), where)


#: action -> the actions that put a fresh ACTIVE server where the action applies.
_BEFORE = {
    "os-start": [{"os-stop": None}],
    "unpause": [{"pause": None}],
    "resume": [{"suspend": None}],
    "shelveOffload": [{"shelve": None}],
    "unshelve": [{"shelve": None}, {"shelveOffload": None}],
    "unlock": [{"lock": None}],
    "unrescue": [{"rescue": None}],
    "confirmResize": [{"resize": {"flavorRef": "2"}}],
    "revertResize": [{"resize": {"flavorRef": "2"}}],
    "removeSecurityGroup": [{"addSecurityGroup": {"name": "default"}}],
}
_ACTION_BODY = {
    "createImage": {"createImage": {"name": "shape"}},
    "createBackup": {"createBackup": {"name": "shape", "backup_type": "daily", "rotation": 1}},
    "os-resetState": {"os-resetState": {"state": "error"}},
    "reboot": {"reboot": {"type": "SOFT"}},
    "resize": {"resize": {"flavorRef": "2"}},
    "changePassword": {"changePassword": {"adminPass": "shape"}},
    "os-getConsoleOutput": {"os-getConsoleOutput": {"length": 2}},
    "os-getVNCConsole": {"os-getVNCConsole": {"type": "novnc"}},
    "os-getSPICEConsole": {"os-getSPICEConsole": {"type": "spice-html5"}},
    "os-getSerialConsole": {"os-getSerialConsole": {"type": "serial"}},
    "addSecurityGroup": {"addSecurityGroup": {"name": "default"}},
    "removeSecurityGroup": {"removeSecurityGroup": {"name": "default"}},
    # Neutron's refusals are the guest's fault rows, after the 202: its addresses stay.
    "addFixedIp": {"addFixedIp": {"networkId": "no-such-network"}},
    "removeFixedIp": {"removeFixedIp": {"address": "192.0.2.1"}},
}
#: Actions that leave their server as it was (removeSecurityGroup after its `_BEFORE` add;
#: the multinic actions' bodies name what the guest has not):
#: sent to the world's `World.guest`, not to a server booted for them.
_ON_GUEST = {
    "changePassword",
    "os-getConsoleOutput",
    "os-getVNCConsole",
    "os-getSPICEConsole",
    "os-getSerialConsole",
    "trigger_crash_dump",
    "addSecurityGroup",
    "removeSecurityGroup",
    "addFixedIp",
    "removeFixedIp",
    "injectNetworkInfo",
}
_ADMIN_ACTIONS = {
    "os-resetState",
    "shelveOffload",
    "migrate",
    "os-migrateLive",
    "injectNetworkInfo",
}
#: Actions answered 204 (``confirmResize``) or 200 (``rescue``), not 202.
_NO_CONTENT = {"confirmResize"}
_OK = {
    "rescue",
    "os-getConsoleOutput",
    "os-getVNCConsole",
    "os-getSPICEConsole",
    "os-getSerialConsole",
}


@pytest.mark.parametrize(
    ("profile", "action", "versions"), _grouped_cases(list(nova.ACTIONS), nova.ACTIONS)
)
def test_compute_action(worlds, profile, action, versions):
    world = world_for(worlds, profile)
    _each_version(versions, lambda mv: _action(world, profile, action, mv))


def _evacuate(world: World, profile: str, mv: str) -> None:
    """``evacuate`` (200): its server's compute forced down first, restarted after (which
    destroys the guest left there)."""
    sid = world.boot(f"evacuate-{mv}")
    r = world.compute("GET", f"/servers/{sid}", mv="2.1", user="admin")
    host = r.json()["server"]["OS-EXT-SRV-ATTR:host"]

    def forced(value: bool) -> None:
        body = {"host": host, "binary": "nova-compute", "forced_down": value}
        r = world.compute("PUT", "/os-services/force-down", body, mv="2.11", user="admin")
        assert r.status == 200, r.json()

    forced(True)
    body = {"evacuate": {"onSharedStorage": False} if _v(mv) < _v("2.14") else {}}
    r = world.action(sid, body, mv, user="admin")
    assert r.status == 200, r.json()
    check(
        r.json() if r.body else None,
        _pick(nova.ACTIONS["evacuate"], mv),
        f"{profile} POST /servers/{{server_id}}/action evacuate @{mv}",
    )
    world.cloud.run_until_idle()
    forced(False)
    world.cloud.nova.restart_compute(host, down_s=0.0)
    world.compute("DELETE", f"/servers/{sid}", user="admin")
    world.cloud.run_until_idle()


def _action(world: World, profile: str, action: str, mv: str) -> None:
    if action == "evacuate":
        return _evacuate(world, profile, mv)
    sid = world.guest if action in _ON_GUEST else world.boot(f"{action}-{mv}")
    if action == "restore":  # the shape world deletes at once (reclaim_instance_interval 0)
        world.cloud.nova.force_state(sid, vm_state="soft-delete")
    for step in _BEFORE.get(action, []):
        user = "admin" if next(iter(step)) in _ADMIN_ACTIONS else "demo"
        r = world.action(sid, step, mv, user=user)
        assert r.status == (200 if next(iter(step)) in _OK else 202), (step, r.json())
        world.cloud.run_until_idle()
    body = _ACTION_BODY.get(action, {action: None})
    if action == "os-migrateLive":
        args = {"host": None, "block_migration": "auto"}
        if _v(mv) < _v("2.25"):
            args = {"host": None, "block_migration": True, "disk_over_commit": False}
        body = {action: args}
    if action == "rebuild":
        body = {"rebuild": {"imageRef": world.base_image, "adminPass": "shape"}}
    user = "admin" if action in _ADMIN_ACTIONS else "demo"
    r = world.action(sid, body, mv, user=user)
    assert r.status == (204 if action in _NO_CONTENT else 200 if action in _OK else 202), r.json()
    check(
        r.json() if r.body else None,
        _pick(nova.ACTIONS[action], mv),
        f"{profile} POST /servers/{{server_id}}/action {action} @{mv}",
    )
    world.cloud.run_until_idle()
    if action not in _ON_GUEST:
        world.compute("DELETE", f"/servers/{sid}", user="admin")
        world.cloud.run_until_idle()


_NOVA_ERRORS = [
    ("GET", "/servers/00000000-0000-0000-0000-000000000000", None, 404),
    ("GET", "/flavors/nope", None, 404),
    ("GET", "/images/00000000-0000-0000-0000-000000000000", None, 404),
    ("POST", "/servers", {"server": {"name": "x"}}, 400),
    ("POST", "/servers/{server_id}/action", {"createImage": {}}, 400),
    ("POST", "/servers/{server_id}/action", {"unpause": None}, 409),
]


@pytest.mark.parametrize("profile", list(PROFILES))
@pytest.mark.parametrize(
    ("method", "template", "body", "status"),
    _NOVA_ERRORS,
    ids=[f"{m} {t} {s}" for m, t, _, s in _NOVA_ERRORS],
)
def test_compute_fault(worlds, profile, method, template, body, status):
    world = world_for(worlds, profile)
    r = world.compute(method, _fill(world, template), body, mv=world.top)
    assert r.status == status, r.json()
    check(r.json(), NOVA_FAULT, f"{profile} {method} {template} -> {status}")
    (fault,) = r.json().values()
    assert fault["code"] == status


# -- image ------------------------------------------------------------------------------------


def _image_schemas(world: World) -> tuple[dict, dict]:
    config = world.cloud.glance.config
    series = world.cloud.kernel.switches.release.series.glance
    major = 16 if series < 17 else 33  # the two series vendored (Queens: the seed's)
    return (
        glance.get_schema(config.container_formats, config.disk_formats, major),
        glance.get_collection_schema(config.container_formats, config.disk_formats, major),
    )


@pytest.mark.parametrize("profile", list(PROFILES))
def test_image_schema_document_is_glances(worlds, profile):
    world = world_for(worlds, profile)
    image, images = _image_schemas(world)
    assert world.req("image", "GET", "/v2/schemas/image").json() == image
    assert world.req("image", "GET", "/v2/schemas/images").json() == images


@pytest.mark.parametrize("profile", list(PROFILES))
@pytest.mark.parametrize("user", ["demo", "admin"])
def test_image_bodies(worlds, profile, user):
    world = world_for(worlds, profile)
    image, images = _image_schemas(world)
    r = world.req("image", "GET", "/v2/images", user=user)
    check(r.json(), images, f"{profile} GET /v2/images as {user}")
    for img in r.json()["images"]:
        shown = world.req("image", "GET", f"/v2/images/{img['id']}", user=user)
        check(shown.json(), image, f"{profile} GET /v2/images/{{id}} ({img['name']}) as {user}")
    body = {"name": f"new-{user}", "disk_format": "raw", "container_format": "bare"}
    r = world.req("image", "POST", "/v2/images", body, user=user)
    assert r.status == 201, r.json()
    check(r.json(), image, f"{profile} POST /v2/images as {user}")
    patch = [{"op": "add", "path": "/os_distro", "value": "cirros"}]
    r = world.req(
        "image",
        "PATCH",
        f"/v2/images/{r.json()['id']}",
        patch,
        user=user,
        headers={"Content-Type": "application/openstack-images-v2.1-json-patch"},
    )
    assert r.status == 200, r.json()
    check(r.json(), image, f"{profile} PATCH /v2/images/{{id}} as {user}")
    snap = world.req("image", "GET", f"/v2/images/{world.snapshot_image}", user=user)
    check(snap.json(), image, f"{profile} GET /v2/images/{{snapshot}} as {user}")


@pytest.mark.parametrize("profile", list(PROFILES))
def test_image_faults(worlds, profile):
    world = world_for(worlds, profile)
    r = world.req("image", "GET", "/v2/images/00000000-0000-0000-0000-000000000000")
    assert r.status == 404
    check(r.json(), glance.FAULT, f"{profile} GET /v2/images/{{missing}} -> 404")
    r = world.req("image", "POST", "/v2/images", {"disk_format": "floppy"})
    assert r.status == 400
    check(r.json(), glance.FAULT, f"{profile} POST /v2/images bad format -> 400")


# -- block storage ----------------------------------------------------------------------------

#: The Cinder of each profile's series: Queens (Cinder 12) stops at 3.50, 2026.2 at 3.71.
CINDER_TOP = {"seed": (3, 50), "upstream": (3, 71)}
#: Each profile's boundary microversions of the block-storage API.
_VOLUME_VERSIONS = {
    p: [mv for mv in cinder.BOUNDARIES if tuple(map(int, mv.split("."))) <= CINDER_TOP[p]]
    for p in PROFILES
}


@pytest.mark.parametrize("profile", list(PROFILES))
@pytest.mark.parametrize("user", ["demo", "admin"])
def test_volume_bodies(worlds, profile, user):
    """Every boundary microversion in one test per profile and user (a test item costs more
    than its requests); a failure names every failing microversion."""
    world = world_for(worlds, profile)
    _each_version(_VOLUME_VERSIONS[profile], lambda mv: _volume_bodies(world, profile, mv, user))


def _volume_bodies(world: World, profile: str, mv: str, user: str) -> None:
    detail = cinder.volume_detail(mv)

    def get(path: str):
        r = world.req("volumev3", "GET", path, user=user, microversion=mv)
        assert r.status == 200, r.json()
        return r.json()

    where = f"{profile} as {user} @{mv}"
    all_tenants = "?all_tenants=1" if user == "admin" else ""
    check(
        get(f"/v3/{{project_id}}/volumes/{world.volume}"),
        cinder.one("volume", detail),
        f"GET volumes/{{id}} {where}",
    )
    check(
        get(f"/v3/{{project_id}}/volumes/detail{all_tenants}"),
        cinder.collection("volumes", detail),
        f"GET volumes/detail {where}",
    )
    check(
        get("/v3/{project_id}/volumes"),
        cinder.collection("volumes", cinder.volume_summary()),
        f"GET volumes {where}",
    )
    check(
        get(f"/v3/{{project_id}}/snapshots/{world.snapshot}"),
        cinder.one("snapshot", cinder.snapshot_detail(mv)),
        f"GET snapshots/{{id}} {where}",
    )
    check(
        get(f"/v3/{{project_id}}/snapshots/detail{all_tenants}"),
        cinder.collection("snapshots", cinder.snapshot_detail(mv)),
        f"GET snapshots/detail {where}",
    )
    check(
        get("/v3/{project_id}/snapshots"),
        cinder.collection("snapshots", cinder.snapshot_summary()),
        f"GET snapshots {where}",
    )
    if user == "demo":
        r = world.req(
            "volumev3", "POST", "/v3/{project_id}/volumes", {"volume": {"size": 1}},
            microversion=mv,
        )  # fmt: skip
        assert r.status == 202, r.json()
        created = cinder.volume_detail(mv, extensions=False)
        check(r.json(), cinder.one("volume", created), f"POST volumes {where}")
        vid = r.json()["volume"]["id"]
        world.cloud.run_until_idle()
        body = {"snapshot": {"volume_id": vid}}
        r = world.req("volumev3", "POST", "/v3/{project_id}/snapshots", body, microversion=mv)
        assert r.status == 202, r.json()
        check(
            r.json(),
            cinder.one("snapshot", cinder.snapshot_detail(mv, extended=False)),
            f"POST snapshots {where}",
        )
        world.cloud.run_until_idle()
        sid = r.json()["snapshot"]["id"]
        world.req("volumev3", "DELETE", f"/v3/{{project_id}}/snapshots/{sid}")
        world.cloud.run_until_idle()
        world.req("volumev3", "DELETE", f"/v3/{{project_id}}/volumes/{vid}")
        world.cloud.run_until_idle()


@pytest.mark.parametrize("profile", list(PROFILES))
def test_block_storage_faults(worlds, profile):
    world = world_for(worlds, profile)
    missing = "00000000-0000-0000-0000-000000000000"
    for path, status in (
        (f"/v3/{{project_id}}/volumes/{missing}", 404),
        (f"/v3/{{project_id}}/snapshots/{missing}", 404),
    ):
        r = world.req("volumev3", "GET", path)
        assert r.status == status, r.json()
        check(r.json(), cinder.FAULT, f"{profile} GET {path} -> {status}")
    r = world.req("volumev3", "POST", "/v3/{project_id}/volumes", {"volume": {"size": -1}})
    assert r.status == 400, r.json()
    check(r.json(), cinder.FAULT, f"{profile} POST volumes bad size -> 400")
