"""Hypothesis strategies for the surfaces sessions 31 to 33 added, and a runner that checks a
sequence of them.

The surfaces: Nova's ``os-hosts`` calls to compute, remote consoles and the
``os-get*Console`` actions, ``os-agents`` (before 23.0.0), the partly removed ``os-networks``
and ``os-tenant-networks``, the removed APIs' 410, ``resetNetwork``, ``changes-since`` and
``changes-before`` times, evacuate from 2.68; Cinder's backups (the backup service's grace, its
restart's clean-up, force-delete), the volume service's workers rows (a volume create),
``os-services``; Keystone's bootstrap roles, application credentials, names and secrets with a
lone surrogate (``fakecloud/identity/sql_text.py``), and OPTIONS (oslo.middleware's CORS) on
every service. Session 33's (`SESSION33`): Nova's multinic actions and injectNetworkInfo,
os-server-password, diskConfig on resize and rebuild, personality files, access addresses;
Cinder's workers clean-up; Glance's cache API and the ``/v2`` redirect; Keystone's domain,
project and user writes with options, tags and explicit ids.

An example is a short sequence of steps: requests (a client's valid request, bent by
`corpus.mutated`, given a key twice, another method, an odd microversion, header or query) and
now and then a service stopped or started and the clock moved. `Run` sends each step to a fork
of a robustness world and checks each answer (`fuzzing.check`); `Run.settle` then checks the
invariants, that a save loads and saves again byte for byte, and that the same steps on a
second fork of the world answer and save the same bytes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from corpus import ODD, fill, mutated
from fuzz_scale import SCALE
from fuzzing import check, digest, send, tokens
from hypothesis import strategies as st

from fakecloud import Cloud, state
from fakecloud.nova.api import removed

_NET = "6fc476ad-fc56-566c-8a31-4f5bd2e4075d"  # fakecloud.nova.network's ``public``
_AGENT = {
    "hypervisor": "kvm",
    "os": "linux",
    "architecture": "x86_64",
    "version": "8.0",
    "url": "http://example.com/agent.tgz",
    "md5hash": "add6bb58e139be103324d04d82d8f545",
}
_BACKUP = "/v3/{project_id}/backups"
_SERVICES = "/v3/{project_id}/os-services"
_APP_CREDS = "/v3/users/{user_id}/application_credentials"
_APP_CRED_AUTH = {
    "auth": {
        "identity": {
            "methods": ["application_credential"],
            "application_credential": {"id": "{app_cred_id}", "secret": "{app_cred_secret}"},
        }
    }
}
#: A time at the edges iso8601 and Nova's database meet (session 32's `TIMES`).
TIMES = [
    "2026-01-01T00:00:00Z",
    "2026",
    "2026-W01-4",
    "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:59:59-05:00",
    "2026-01-01T00:00:30.5Z",
    "%FF",
    "",
]


def _actions(*bodies: Any) -> list[Any]:
    return list(bodies)


_PERSONALITY = [{"path": "/etc/motd", "contents": "aGk="}]
_OPTIONS = {"options": {"immutable": True}}
#: Session 33's surfaces: Nova's addFixedIp, removeFixedIp and injectNetworkInfo (11d973ea),
#: os-server-password (392f8a52), OS-DCF:diskConfig on resize and rebuild (adf2bfe6,
#: 3b400a82), personality files and their quotas (4d07c607), accessIPv4/6 (743703f4); Cinder's
#: POST /workers/cleanup (94f8ed5a); Glance's cache API (05baf5af) and the /v2 redirect
#: (05c8904b); Keystone's domain, project and user writes per release: options, tags, explicit
#: ids (98f78d80, a2867a6b, 48bbde7a).
SESSION33: list[tuple[str, str, str, list[Any], list[str]]] = [
    (
        "compute",
        "POST",
        "/v2.1/servers/{server_id}/action",
        _actions(
            {"addFixedIp": {"networkId": _NET}},
            {"addFixedIp": {"networkId": 5}},
            {"removeFixedIp": {"address": "10.0.0.3"}},
            {"removeFixedIp": {"address": "::1"}},
            {"injectNetworkInfo": None},
            {"resize": {"flavorRef": "2", "OS-DCF:diskConfig": "AUTO"}},
            {"resize": {"flavorRef": "2", "OS-DCF:diskConfig": "MANUAL"}},
            {"rebuild": {"imageRef": "{base_image_id}", "OS-DCF:diskConfig": "AUTO"}},
            {"rebuild": {"imageRef": "{base_image_id}", "personality": _PERSONALITY}},
            {"rebuild": {"imageRef": "{base_image_id}", "accessIPv4": "1.2.3.4"}},
            {"confirmResize": None},
            {"revertResize": None},
        ),
        ["2.1", "2.19", "2.43", "2.44", "2.56", "2.57", "latest"],
    ),
    ("compute", "GET", "/v2.1/servers/{server_id}/os-server-password", [None], ["2.1"]),
    ("compute", "DELETE", "/v2.1/servers/{server_id}/os-server-password", [None], ["2.1"]),
    (
        "compute",
        "POST",
        "/v2.1/servers",
        [
            {
                "server": {
                    "name": "p",
                    "flavorRef": "1",
                    "imageRef": "{base_image_id}",
                    "networks": "none",
                    "personality": _PERSONALITY * 6,
                    "OS-DCF:diskConfig": "AUTO",
                }
            },
            {
                "server": {
                    "name": "a",
                    "flavorRef": "1",
                    "imageRef": "{base_image_id}",
                    "networks": "none",
                    "accessIPv4": "1.1.1.1",
                    "accessIPv6": "fe80::1",
                }
            },
        ],
        ["2.1", "2.37", "2.56", "2.57"],
    ),
    (
        "compute",
        "PUT",
        "/v2.1/servers/{server_id}",
        [{"server": {"accessIPv4": "1.1.1.1.1"}}, {"server": {"accessIPv6": ""}}],
        ["2.1", "2.19"],
    ),
    (
        "volume",
        "POST",
        "/v3/{project_id}/workers/cleanup",
        [
            {},
            {"host": "cinder@lvmdriver-1", "binary": "cinder-volume", "is_up": None},
            {"resource_id": "{volume_id}", "resource_type": "volume"},
            {"service_id": 1, "cluster_name": "c", "disabled": "true"},
        ],
        ["3.23", "3.24", "latest"],
    ),
    ("image", "GET", "/v2/cache", [None], []),
    ("image", "PUT", "/v2/cache/{base_image_id}", [None], []),
    ("image", "PUT", "/v2/cache/{private_image_id}", [None], []),
    ("image", "DELETE", "/v2/cache/{base_image_id}", [None], []),
    ("image", "DELETE", "/v2/cache", [None], []),
    ("image", "GET", "/v2/cache/nodes/{base_image_id}", [None], []),
    ("image", "POST", "/v2/cache/prune", [None], []),
    ("image", "GET", "/v2", [None], []),
    (
        "identity",
        "POST",
        "/v3/domains",
        [
            {"domain": {"name": "d33", **_OPTIONS}},
            {"domain": {"name": "d34", "explicit_domain_id": "abc123", "tags": ["t"]}},
            {"domain": {"name": "d35", "id": "d35"}},
        ],
        ["3.0"],
    ),
    (
        "identity",
        "PATCH",
        "/v3/domains/{domain_id}",
        [{"domain": {"options": {"immutable": None}}}, {"domain": {"tags": ["x"]}}],
        ["3.0"],
    ),
    (
        "identity",
        "POST",
        "/v3/projects",
        [
            {"project": {"name": "p33", **_OPTIONS, "tags": ["a", "b"]}},
            {"project": {"name": "p34", "id": "p34", "domain_id": "default"}},
        ],
        ["3.0"],
    ),
    (
        "identity",
        "PATCH",
        "/v3/projects/{child_project_id}",
        [{"project": _OPTIONS}, {"project": {"options": {"immutable": None}, "tags": []}}],
        ["3.0"],
    ),
    ("identity", "DELETE", "/v3/projects/{child_project_id}", [None], ["3.0"]),
    (
        "identity",
        "POST",
        "/v3/users",
        [
            {"user": {"name": "u33", "options": {"ignore_lockout_failure_attempts": True}}},
            {"user": {"name": "u34", "options": {"multi_factor_auth_rules": [["password"]]}}},
        ],
        ["3.0"],
    ),
    (
        "identity",
        "PATCH",
        "/v3/users/{other_user_id}",
        [
            {"user": {"options": {"lock_password": None}}},
            {"user": {"options": {"multi_factor_auth_enabled": True}, "extra": 1}},
        ],
        ["3.0"],
    ),
]


#: (host, method, path, bodies, versions): the requests a client sends to each surface (ids as
#: ``{name}`` of the world's; a path's query as clients send it). A body None is no body.
SURFACES: list[tuple[str, str, str, list[Any], list[str]]] = [
    # Nova os-hosts (calls to the compute host: e22a945d)
    ("compute", "GET", "/v2.1/os-hosts?zone=nova", [None], ["2.1", "2.42", "2.43"]),
    ("compute", "GET", "/v2.1/os-hosts/{compute_host}", [None], ["2.1", "2.43"]),
    *[
        ("compute", "GET", f"/v2.1/os-hosts/{{compute_host}}/{verb}", [None], ["2.1", "2.43"])
        for verb in ("reboot", "shutdown", "startup")
    ],
    (
        "compute",
        "PUT",
        "/v2.1/os-hosts/{compute_host}",
        [
            {"status": "disable"},
            {"maintenance_mode": "enable"},
            {"status": "enable", "maintenance_mode": "disable"},
        ],
        ["2.1", "2.43"],
    ),
    # Remote consoles (859a99ea)
    (
        "compute",
        "POST",
        "/v2.1/servers/{server_id}/remote-consoles",
        [
            {"remote_console": {"protocol": p, "type": t}}
            for p, t in (
                ("vnc", "novnc"),
                ("spice", "spice-html5"),
                ("serial", "serial"),
                ("rdp", "rdp-html5"),
                ("mks", "webmks"),
                ("spice", "spice-direct"),
                ("vnc", "xvpvnc"),
            )
        ],
        ["2.1", "2.6", "2.8", "2.99", "latest"],
    ),
    (
        "compute",
        "POST",
        "/v2.1/servers/{server_id}/action",
        _actions(
            {"os-getVNCConsole": {"type": "novnc"}},
            {"os-getVNCConsole": {"type": "xvpvnc"}},
            {"os-getSPICEConsole": {"type": "spice-html5"}},
            {"os-getRDPConsole": {"type": "rdp-html5"}},
            {"os-getSerialConsole": {"type": "serial"}},
            {"resetNetwork": None},
            {"evacuate": {}},
            {"evacuate": {"host": "{compute_host}"}},
            {"evacuate": {"host": "cmp-2", "adminPass": "p4ss"}},
            {"evacuate": {"targetState": "stopped"}},
        ),
        ["2.1", "2.5", "2.14", "2.29", "2.68", "2.95", "latest"],
    ),
    # os-agents (01f55d4b)
    ("compute", "GET", "/v2.1/os-agents?hypervisor=kvm", [None], ["2.1", "2.75"]),
    ("compute", "POST", "/v2.1/os-agents", [{"agent": _AGENT}], ["2.1"]),
    (
        "compute",
        "PUT",
        "/v2.1/os-agents/1",
        [{"para": {"version": "9", "url": "http://e.test/a", "md5hash": "0f"}}],
        ["2.1"],
    ),
    ("compute", "DELETE", "/v2.1/os-agents/1", [None], ["2.1"]),
    # os-networks and os-tenant-networks (72e23bfd, 710c791a)
    ("compute", "GET", "/v2.1/os-networks", [None], ["2.1", "2.36"]),
    ("compute", "GET", f"/v2.1/os-networks/{_NET}", [None], ["2.1"]),
    (
        "compute",
        "POST",
        "/v2.1/os-networks",
        [{"network": {"label": "n", "cidr": "10.0.0.0/24"}}],
        ["2.1"],
    ),
    ("compute", "POST", "/v2.1/os-networks/add", [{"id": _NET}, {"id": None}], ["2.1"]),
    ("compute", "DELETE", f"/v2.1/os-networks/{_NET}", [None], ["2.1"]),
    (
        "compute",
        "POST",
        f"/v2.1/os-networks/{_NET}/action",
        [
            {"disassociate": None},
            {"associate_host": "{compute_host}"},
            {"disassociate_host": None},
            {"disassociate_project": None},
            {"addFixedIp": None},
        ],
        ["2.1", "2.36"],
    ),
    ("compute", "GET", "/v2.1/os-tenant-networks", [None], ["2.1", "2.35", "2.36"]),
    ("compute", "GET", f"/v2.1/os-tenant-networks/{_NET}", [None], ["2.1", "2.36"]),
    (
        "compute",
        "POST",
        "/v2.1/os-tenant-networks",
        [{"network": {"label": "n", "cidr": "10.0.0.0/24"}}],
        ["2.1"],
    ),
    ("compute", "DELETE", f"/v2.1/os-tenant-networks/{_NET}", [None], ["2.1"]),
    # The removed APIs' 410 (afcd4a59)
    *[
        (
            "compute",
            method,
            "/v2.1" + path.replace("{id}", "x").replace("{domain_id}", "d"),
            [{"x": None} if method in ("POST", "PUT") else None],
            ["2.1", "latest"],
        )
        for _, _, group in removed.GROUPS
        for method, path in group
    ],
    # changes-since and changes-before (aac4942f)
    *[
        ("compute", "GET", path + "?" + key + "={time}", [None], versions)
        for path, versions in (
            ("/v2.1/servers", ["2.1", "2.66"]),
            ("/v2.1/servers/detail", ["2.66"]),
            ("/v2.1/servers/{server_id}/os-instance-actions", ["2.58", "2.66"]),
            ("/v2.1/os-migrations", ["2.59", "2.66", "2.80"]),
        )
        for key in ("changes-since", "changes-before")
    ],
    ("compute", "GET", "/v2.1/os-services?binary=nova-compute", [None], ["2.1", "2.53"]),
    (
        "compute",
        "PUT",
        "/v2.1/os-services/{service_id_uuid}",
        [{"status": "disabled"}, {"forced_down": True}, {"status": "enabled"}],
        ["2.53", "2.11"],
    ),
    # Cinder's backups (b2434819), workers rows (3e3a6eb4), os-services
    (
        "volume",
        "POST",
        _BACKUP,
        [
            {"backup": {"volume_id": "{volume_id}", "name": "b", "force": True}},
            {"backup": {"volume_id": "{volume_id}", "incremental": True}},
            {
                "backup": {
                    "volume_id": "{attached_volume_id}",
                    "snapshot_id": "{volume_snapshot_id}",
                }
            },
        ],
        ["3.0", "3.43", "3.51", "latest"],
    ),
    ("volume", "DELETE", _BACKUP + "/{backup_id}", [None], ["3.0"]),
    (
        "volume",
        "POST",
        _BACKUP + "/{backup_id}/action",
        [
            {"os-force_delete": {}},
            {"os-reset_status": {"status": "error"}},
            {"os-reset_status": {"status": "available"}},
            {"os-reset_status": {"status": "creating"}},
        ],
        ["3.0"],
    ),
    (
        "volume",
        "POST",
        _BACKUP + "/{backup_id}/restore",
        [
            {"restore": {"volume_id": None}},
            {"restore": {"volume_id": "{volume_id}"}},
            {"restore": {"name": "r"}},
        ],
        ["3.0", "3.47"],
    ),
    ("volume", "GET", _BACKUP + "/detail?all_tenants=1&sort=created_at", [None], ["3.0", "3.45"]),
    ("volume", "GET", _BACKUP + "/{backup_id}/export_record", [None], ["3.0"]),
    (
        "volume",
        "POST",
        "/v3/{project_id}/volumes",
        [{"volume": {"size": 1}}, {"volume": {"size": 1, "backup_id": "{backup_id}"}}],
        ["3.0", "3.47"],
    ),
    ("volume", "GET", _SERVICES + "?binary=cinder-backup", [None], ["3.0", "3.7", "3.32"]),
    (
        "volume",
        "PUT",
        _SERVICES + "/disable",
        [{"host": "cinder", "binary": "cinder-backup"}],
        ["3.0", "3.32"],
    ),
    (
        "volume",
        "PUT",
        _SERVICES + "/enable",
        [{"host": "cinder", "binary": "cinder-backup"}],
        ["3.0"],
    ),
    (
        "volume",
        "PUT",
        _SERVICES + "/disable-log-reason",
        [{"host": "cinder", "binary": "cinder-backup", "disabled_reason": "r"}],
        ["3.0"],
    ),
    (
        "volume",
        "PUT",
        _SERVICES + "/set-log",
        [{"level": "DEBUG", "binary": "cinder-backup"}],
        ["3.32"],
    ),
    ("volume", "PUT", _SERVICES + "/get-log", [{"binary": "cinder-backup"}], ["3.32"]),
    # Keystone: bootstrap roles, application credentials, names UTF-8 cannot encode
    ("identity", "GET", "/v3/roles?name=manager", [None], ["3.0"]),
    ("identity", "GET", "/v3/role_inferences", [None], ["3.0"]),
    ("identity", "GET", "/v3/role_assignments?effective&include_names=1", [None], ["3.0"]),
    (
        "identity",
        "POST",
        _APP_CREDS,
        [
            {"application_credential": {"name": "a", "roles": [{"name": "member"}]}},
            {
                "application_credential": {
                    "name": "b",
                    "secret": "s",
                    "unrestricted": True,
                    "expires_at": "2030-01-01T00:00:00Z",
                }
            },
            {
                "application_credential": {
                    "name": "d",
                    "expires_at": "",
                }
            },
            {
                "application_credential": {
                    "name": "c",
                    "access_rules": [
                        {"service": "compute", "method": "GET", "path": "/v2.1/servers"}
                    ],
                }
            },
        ],
        ["3.0"],
    ),
    ("identity", "GET", _APP_CREDS + "?name=a", [None], ["3.0"]),
    ("identity", "GET", _APP_CREDS + "/{app_cred_id}", [None], ["3.0"]),
    ("identity", "DELETE", _APP_CREDS + "/{app_cred_id}", [None], ["3.0"]),
    ("identity", "POST", "/v3/auth/tokens", [_APP_CRED_AUTH], ["3.0"]),
    *[
        (
            "identity",
            "POST",
            f"/v3/{kind}s",
            [{kind: {"name": "\ud800"}}, {kind: {"name": "ok"}}],
            ["3.0"],
        )
        for kind in ("user", "project", "group", "role", "domain")
    ],
    ("identity", "POST", "/v3/regions", [{"region": {"id": "R\ud800"}}], ["3.0"]),
    *SESSION33,
]

METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"]
#: Callers (`fuzzing.USERS`) with a token, and none.
CALLERS = ["demo", "demo-reader", "admin", "other", "other-admin", "system", None, "bogus"]
ODD_VERSIONS = [
    "2.01",
    "2.\uff11",
    "latest ",
    "3.999",
    "4.0",
    "2.1000000000000000000001",
    "",
    "\u00e9",
    "2.1 ; q=1",
]
VERSION_NAMES = {"compute": "compute", "volume": "volume", "identity": "identity", "image": "image"}
#: Hosts a `Down` step may stop: a compute host or the backup or volume service.
TARGETS = ["compute.cmp-1", "cinder-backup.cinder", "cinder-volume.cinder@lvmdriver-1"]


def dumps_twice(value: Any, draw: Any) -> bytes:
    """`value` as JSON text with one of its mappings' keys given twice (the second an odd
    value: Python's json, as every service's, keeps the last)."""
    places = [p for p in _mappings(value, ()) if p[1]]
    if not places:
        return json.dumps(value).encode()
    path, keys = draw(st.sampled_from(places))
    key = draw(st.sampled_from(keys))
    odd = draw(ODD)
    first = draw(st.booleans())

    def write(inner: Any, at: tuple) -> str:
        if isinstance(inner, dict):
            items = [f"{json.dumps(k)}: {write(v, (*at, k))}" for k, v in inner.items()]
            if at == path:
                twin = f"{json.dumps(key)}: {json.dumps(odd)}"
                items = [twin, *items] if first else [*items, twin]
            return "{" + ", ".join(items) + "}"
        if isinstance(inner, list):
            return "[" + ", ".join(write(v, (*at, i)) for i, v in enumerate(inner)) + "]"
        return json.dumps(inner)

    return write(value, ()).encode()


def _mappings(value: Any, at: tuple) -> list[tuple[tuple, list]]:
    out = []
    if isinstance(value, dict):
        out.append((at, list(value)))
        for key, inner in value.items():
            out += _mappings(inner, (*at, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            out += _mappings(inner, (*at, index))
    return out


def _rpc_timeout(event: Any) -> bool:
    return "MessagingTimeout" in str(event.get("error", ""))


#: Keystone 15.0.0-26.x's own 500 to a method its one Flask resource of a collection and its
#: members defines but the path does not take (``POST /v3/users/<id>``, ``DELETE /v3/domains``:
#: `fakecloud.identity.flask_resources`), recorded as an ``api.error`` as Keystone logs it.
FLASK_UNENFORCED = "AssertionError in keystone.server.flask.common"


def _deliberate(event: Any) -> bool:
    return event.get("error") == FLASK_UNENFORCED


@dataclass(frozen=True)
class Request:
    """One request as sent: `fuzzing.send`'s arguments and the caller's name."""

    host: str
    method: str
    path: str
    query: str
    caller: Any
    headers: tuple[tuple[str, str], ...]
    body: bytes


@dataclass(frozen=True)
class Down:
    """A service stopped (`up` False) or started again, then the clock moved `wait` seconds."""

    target: str
    up: bool
    wait: float


@st.composite
def requests(draw: Any, ids: dict[str, str]) -> Request:
    """A request to one of the `SURFACES`, bent."""
    host, method, template, bodies, versions = draw(st.sampled_from(SURFACES))
    path, _, query = fill(template, ids).partition("?")
    if "{time}" in query:
        query = query.replace("{time}", quote(draw(st.sampled_from(TIMES)), safe="%"))
    if "{project_id}" in path:
        path = path.replace(
            "{project_id}",
            ids[draw(st.sampled_from(["project_id", "project_id", "other_project_id"]))],
        )
    if draw(st.integers(0, 7)) == 0:
        method = draw(st.sampled_from(METHODS))
    parts = path.split("/")
    if len(parts) > 2 and draw(st.integers(0, 9)) == 0:  # an odd id (a 5,000-character one too)
        index = draw(st.integers(2, len(parts) - 1))
        odd = draw(st.sampled_from(["\u00e9", "\ud800", "x" * 5000, "-1", "%FF", "..", "0"]))
        parts[index] = odd  # decoded, as PEP 3333 hands a path (`fuzzing.send`)
        path = "/".join(parts)
    if query and draw(st.integers(0, 3)) == 0:  # a parameter repeated, emptied or odd
        pairs = query.split("&")
        odd = draw(st.sampled_from(["", "%FF", "-1", "99999999999999999999", "a%00", "%ED%A0%80"]))
        key = pairs[draw(st.integers(0, len(pairs) - 1))].partition("=")[0]
        pairs.append(f"{key}={odd}")
        query = "&".join(pairs)
    caller = draw(st.sampled_from(CALLERS))
    headers = {"Accept": draw(st.sampled_from(["application/json", "*/*", "text/html"]))}
    given = st.sampled_from(versions) if versions else st.nothing()
    version = draw(given | st.sampled_from(ODD_VERSIONS) | st.none())
    if version is not None:
        headers["OpenStack-API-Version"] = f"{VERSION_NAMES[host]} {version}"
        if host == "compute" and draw(st.booleans()):
            headers["X-OpenStack-Nova-API-Version"] = version
    if method == "OPTIONS" or draw(st.integers(0, 9)) == 0:  # a CORS preflight
        headers["Origin"] = draw(st.sampled_from(["http://a.test", "null", "\u00e9"]))
        headers["Access-Control-Request-Method"] = draw(st.sampled_from(["POST", "X", ""]))
    body = draw(st.sampled_from(bodies))
    raw = b""
    if body is not None or method in ("POST", "PUT", "PATCH"):
        body = fill(body, ids)
        how = draw(st.sampled_from(["as is", "bent", "bent", "bent", "twice", "bytes", "none"]))
        if how == "as is":
            raw = json.dumps(body).encode()
        elif how == "bent":
            raw = draw(mutated(body))
        elif how == "twice":
            raw = dumps_twice(body, draw)
        elif how == "bytes":
            raw = draw(
                st.sampled_from(
                    [
                        b"\xff\xfe{",
                        b'{"a": "\xed\xa0\x80"}',
                        b"{",
                        b"[]",
                        b"null",
                        b'{"a": 1e400}',
                        b"\x00" * 8,
                    ]
                )
            )
        kind = draw(st.sampled_from(["application/json"] * 4 + ["text/plain", ""]))
        if kind:
            headers["Content-Type"] = kind
    # Header values as WSGI hands them: latin-1 text, so raw UTF-8 arrives as its bytes.
    headers = {k: v.encode("utf-8", "surrogatepass").decode("latin-1") for k, v in headers.items()}
    return Request(host, method, path, query, caller, tuple(headers.items()), raw)


@st.composite
def steps(draw: Any, ids: dict[str, str], most: int = 4) -> list[Any]:
    """One to `most` steps: mostly requests, now and then a service stopped or started."""
    out: list[Any] = []
    for _ in range(draw(st.integers(1, most))):
        if draw(st.integers(0, 5)) == 0:
            out.append(
                Down(
                    draw(st.sampled_from(TARGETS)),
                    draw(st.booleans()),
                    draw(st.sampled_from([0.0, 30.0, 61.0, 700.0])),
                )
            )
        else:
            out.append(draw(requests(ids)))
    return out


@dataclass
class Run:
    """Steps sent to one fork of a world, each answer checked, and everything sent kept so a
    second fork can replay it (`settle`)."""

    world: Any
    cloud: Any = None
    auth: dict = field(default_factory=dict)
    sent: list[Any] = field(default_factory=list)
    answers: list[tuple[int, bytes]] = field(default_factory=list)
    stopped: bool = False

    def __post_init__(self) -> None:
        self.cloud = self.world.fork()
        self.auth = tokens(self.cloud)

    def apply(self, step: Any, cloud: Any = None, auth: dict | None = None) -> tuple[int, bytes]:
        """Send `step` to `cloud` (this run's own by default, checked and kept) and return the
        answer's status and body (0 and no bytes for a `Down`)."""
        own = cloud is None
        cloud, auth = (self.cloud, self.auth) if own else (cloud, auth)
        if own:
            self.sent.append(step)
        if isinstance(step, Down):
            self.stopped |= own and not step.up
            cloud.kernel.rpc.set_up(step.target, step.up)
            if step.wait:
                cloud.advance(step.wait)
            return 0, b""
        headers = dict(step.headers)
        if auth.get(step.caller):
            headers["X-Auth-Token"] = auth[step.caller]
        before = digest(cloud) if own else ""
        errors = len(cloud.trace.filter(kind="api.error"))
        live = len(cloud.kernel.running())
        answer = send(
            cloud,
            step.host,
            step.method,
            step.path,
            query=step.query,
            headers=headers,
            body=step.body,
        )
        if own:
            timeouts = self.unexpected(cloud, errors)
            assert all(self.stopped and _rpc_timeout(e) for e in timeouts), (step, timeouts)
            seen = len(cloud.trace.filter(kind="api.error"))
            if seen == errors + len(timeouts):
                check(cloud, answer, seen, before, live, step.method, step.path)
            else:  # Keystone's unenforced 500: the WSGI server's, no body, nothing changed
                assert (answer.status, answer.body) == (500, b""), (step, answer.status)
                assert digest(cloud) == before, step
            for text in (b"Traceback", b'File "/', b"/work/", b"site-packages"):
                assert text not in answer.body, (step, answer.status, answer.body[:300])
            self.answers.append((answer.status, answer.body))
        return answer.status, answer.body

    def unexpected(self, cloud: Any, errors: int) -> list:
        """The `api.error` events since `errors`: none, or once a service was stopped the
        caller's own 500 for a call to it that timed out (``MessagingTimeout``, uncaught in
        OpenStack too: ``scenarios/bugs/lp1754360_thaw_after_quiesce_timeout.yaml``)."""
        return [e for e in cloud.trace.filter(kind="api.error")[errors:] if not _deliberate(e)]

    def settle(self, again: bool = True) -> None:
        """Every service started, the cloud run until idle; the invariants hold; its save loads
        and saves the same bytes; a second fork given the same steps answers the same bytes
        and writes the same trace (under ``make fuzz`` also the same save). Then, if `again`,
        the run starts again from a fresh fork."""
        for target in TARGETS:
            self.apply(Down(target, True, 0.0))
        self.cloud.run_until_idle()
        broken = [
            v
            for v in self.cloud.check_invariants()
            if not (
                v.invariant == "no_unexpected_500"
                and (
                    FLASK_UNENFORCED in v.message
                    or (self.stopped and "MessagingTimeout" in v.message)
                )
            )
        ]
        assert not broken, (broken, self.sent)
        saved = state.dumps(self.cloud)
        assert state.dumps(state.loads(saved, cloud_class=Cloud)) == saved, self.sent
        twin = self.world.fork()
        auth = tokens(twin)
        answers = [a for s in self.sent if (a := self.apply(s, twin, auth)) != (0, b"")]
        twin.run_until_idle()
        assert answers == self.answers, self.sent
        assert twin.trace.digest() == self.cloud.trace.digest(), self.sent
        if SCALE > 1:
            assert state.dumps(twin) == saved, self.sent
        if again:
            self.__init__(self.world)
