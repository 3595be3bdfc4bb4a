"""What the fuzz tests share: the routes of each service, one request through a service's WSGI
application, a digest of the cloud's resources, and the checks every answer must pass.

Every answer must be a 2xx/3xx/4xx, or a 5xx the service renders on purpose (the 500 real
OpenStack gives for that input, never an exception fakecloud did not expect: no ``api.error``
event); an error answer carries a well-formed fault body of one of the shapes the real
services send; a refused request (4xx) changes no resource and starts no work.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from dataclasses import dataclass, fields, is_dataclass
from operator import attrgetter
from typing import Any

from fakecloud.nova.objects import INSTANCE_FIELDS, Instance
from fakecloud.transport.wsgi import ServiceApplication

#: Endpoint host of each service, and the `Cloud` attribute holding it.
SERVICES = {"identity": "keystone", "compute": "nova", "volume": "cinder", "image": "glance"}
#: Users whose tokens requests carry (None: no token; "bogus": a token Keystone never issued;
#: "system": the admin's system-scoped token, which passes no Glance rule where scope is
#: enforced).
USERS = (
    "demo", "demo-reader", "admin", "other", "other-reader", "other-admin", None, "bogus", "system"
)  # fmt: skip
#: The admin's password auth scoped to the system (keystone's bootstrap admin holds the system
#: admin role).
SYSTEM_AUTH = {
    "auth": {
        "identity": {
            "methods": ["password"],
            "password": {
                "user": {"name": "admin", "password": "admin-secret", "domain": {"id": "default"}}
            },
        },
        "scope": {"system": {"all": True}},
    }
}


@dataclass(frozen=True)
class RouteSpec:
    """One route: the host serving it, its method and path template."""

    host: str
    method: str
    template: str

    def __str__(self) -> str:
        return f"{self.host} {self.method} {self.template}"


def routes(cloud: Any, host: str) -> list[RouteSpec]:
    """Every route the service on `host` serves, in a stable order."""
    api = getattr(cloud, SERVICES[host]).api
    found = {(r.method, r.template) for r in api.router.routes()}
    return [RouteSpec(host, m, t) for m, t in sorted(found)]


def param_ids(template: str, name: str, ids: dict[str, str]) -> list[str]:
    """Ids of the world that fit path parameter `name` of `template` (may be empty)."""
    before = template.split("{" + name + "}")[0].rstrip("/").rsplit("/", 1)[-1]
    by_collection = {
        "servers": ["server_id"],
        "volumes": ["volume_id", "attached_volume_id", "replicated_volume_id"],
        "snapshots": ["volume_snapshot_id", "instance_snapshot_id"],
        "attachments": ["attachment_id"],
        "images": [
            "private_image_id",
            "shared_image_id",
            "community_image_id",
            "public_image_id",
            "snapshot_image_id",
        ],
        "members": ["other_project_id", "project_id"],
        "os-quota-sets": ["project_id", "other_project_id"],
        "os-simple-tenant-usage": ["project_id", "other_project_id"],
        "os-instance-actions": ["request_id"],
        "os-volume_attachments": ["attached_volume_id"],
        "projects": ["project_id", "other_project_id"],
        "flavors": ["private_flavor_id"],
        "os-keypairs": ["keypair_name"],
        "os-server-groups": ["server_group_id"],
        "os-aggregates": ["aggregate_id"],
        "os-services": ["service_id", "service_id_uuid"],
        "os-hypervisors": ["hypervisor_id", "hypervisor_id_uuid", "compute_host"],
        "backups": ["backup_id"],
        "types": ["volume_type_id"],
        "os-volume-transfer": ["transfer_id"],
        "volume-transfers": ["transfer_id"],
        "default-types": ["project_id", "other_project_id"],
        "migrations": ["migration_id"],
        # Session 29: Keystone's users, groups and implied roles; Cinder's groups, group types
        # and consistency groups.
        "users": ["user_id", "other_user_id"],
        "roles": ["prior_role_id", "implied_role_id"],
        "implies": ["implied_role_id"],
        "groups": ["group_id"],
        "group_types": ["group_type_id"],
        "consistencygroups": ["consistencygroup_id"],
        # Session 30: the rest of session 29's (catalog writes, OS-INHERIT, project tags,
        # cgsnapshots, Nova's assisted snapshots, which name Cinder's snapshots).
        "regions": ["region_id"],
        "endpoints": ["endpoint_id"],
        "cgsnapshots": ["cgsnapshot_id"],
        "os-assisted-volume-snapshots": ["volume_snapshot_id"],
        "domains": ["domain_id", "domain_project_id"],
        # Session 31: session 30's Keystone records (application credentials, access rules,
        # credentials, endpoint groups), Cinder's group snapshots (a cgsnapshot is one) and
        # Glance's metadefs.
        "application_credentials": ["app_cred_id"],
        "access_rules": ["access_rule_id"],
        "credentials": ["credential_id"],
        "endpoint_groups": ["endpoint_group_id"],
        "group_snapshots": ["cgsnapshot_id"],
        "namespaces": ["metadef_namespace"],
        "objects": ["metadef_object"],
        "properties": ["metadef_property"],
        "tags": ["metadef_tag"],
        "resource_types": ["metadef_resource_type"],
    }
    keys = by_collection.get(before, [])
    # Before 2.53 a service is updated by a word in its place; a server's network by name.
    words = {"os-services": ["enable", "disable", "disable-log-reason", "force-down",
                             "failover_host", "failover", "freeze", "thaw"]}  # fmt: skip
    words["ips"] = ["public"]
    if name in ("project_id", "tenant"):
        keys = ["project_id", "other_project_id"]
        if before == "projects":  # Keystone's: a project acting as a domain too
            keys.append("domain_project_id")
    elif name == "server_id":
        keys = ["server_id", "grouped_server_id"]
    elif name == "image_id":
        keys = by_collection["images"]
    elif name == "member_id":
        keys = by_collection["members"]
    elif name == "request_id":
        keys = ["request_id"]
    elif name == "group_id":  # Keystone's (Cinder's groups take {id})
        keys = ["ks_group_id"]
    elif name == "service_id":  # Keystone's catalog (Nova's and Cinder's services take {id})
        keys = ["catalog_service_id"]
    elif name == "role_id":
        keys = ["member_role_id", "implied_role_id", "domain_role_id"]
    elif name == "tag" and before == "tags":
        keys = ["project_tag"]
    return [ids[k] for k in keys if k in ids] + words.get(before, [])


def tokens(cloud: Any) -> dict[Any, str | None]:
    """An ``X-Auth-Token`` per entry of `USERS`."""
    out: dict[Any, str | None] = {None: None, "bogus": "gAAAAABnot-a-token"}
    made = cloud.request("identity", "POST", "/v3/auth/tokens", SYSTEM_AUTH, user=None)
    out["system"] = made.headers["X-Subject-Token"]
    for user in USERS:
        if user not in out:
            out[user] = cloud.keystone.token_for(user).id
    return out


@dataclass
class Answer:
    """What the server sent back."""

    status: int
    headers: dict[str, str]
    body: bytes


def send(
    cloud: Any,
    host: str,
    method: str,
    path: str,
    *,
    query: str = "",
    headers: dict[str, str] | None = None,
    body: bytes = b"",
) -> Answer:
    """One request through `host`'s WSGI application (the path as a client would send it,
    already percent-decoded as PEP 3333 delivers it)."""
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path.encode("utf-8", "surrogatepass").decode("latin-1"),
        "QUERY_STRING": query,
        "SERVER_NAME": host,
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_HOST": f"{host}.fakecloud.test",
    }
    for key, value in (headers or {}).items():
        name = key.upper().replace("-", "_")
        if name in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            environ[name] = value
        else:
            environ["HTTP_" + name] = value
    seen: dict[str, Any] = {}

    def start_response(status: str, response_headers: list, exc_info: Any = None) -> None:
        seen["status"] = int(status.split(" ", 1)[0])
        seen["headers"] = {k.lower(): v for k, v in response_headers}

    payload = b"".join(ServiceApplication(cloud, host)(environ, start_response))
    return Answer(seen["status"], seen["headers"], payload)


#: Per row type, a reader of all its fields as one tuple (C-level `attrgetter`): what `digest`
#: hashes of each row. `Instance.__repr__` shows four fields (uuid, states, host), so until
#: session 36 a refused request that renamed a server or changed its metadata, tags or lock went
#: unseen; the other rows are dataclasses, whose generated reprs show every field but cost a
#: Python call, `reprlib.recursive_repr`'s bookkeeping and a name per field.
_ROW_FIELDS: dict[type, Any] = {Instance: attrgetter(*INSTANCE_FIELDS)}


def _as_is(row: Any) -> Any:
    """`row` itself: a dict's or a list's repr shows all of it."""
    return row


def _row_fields(row: Any) -> Any:
    """Every field of `row` (a dataclass or a server), or `row` itself (a dict, a list)."""
    read = _ROW_FIELDS.get(type(row))
    if read is None:
        dataclass_row = is_dataclass(row) and not isinstance(row, type)
        names = [f.name for f in fields(row)] if dataclass_row else ()
        read = _ROW_FIELDS[type(row)] = attrgetter(*names) if names else _as_is
    return read(row)


def digest(cloud: Any) -> str:
    """A hash of every resource a user could see change (not the trace, ids or the clock)."""
    nova, cinder, glance = cloud.nova, cloud.cinder, cloud.glance
    tables = {
        "nova.instances": nova.db.instances,
        "nova.bdms": nova.db.bdms,
        "nova.flavors": nova.flavors,
        "nova.quotas": nova.db._quotas or {},
        # Sessions 15 and 16: flavor access, key pairs, addresses, services an operator
        # changed, aggregates, server groups and pinned zones.
        "nova.flavor_projects": getattr(nova, "flavor_projects", None) or {},
        "nova.keypairs": nova.db._keypairs or {},
        "nova.networks": nova.db._networks or {},
        "nova.service_changes": nova.db.service_changes or {},
        "nova.aggregates": nova.db.aggregates.rows if nova.db.aggregates else {},
        "nova.server_groups": getattr(nova, "server_groups", None) or {},
        "nova.pinned_zones": nova.db.pinned_zones or {},
        "cinder.volumes": cinder.store.volumes,
        "cinder.snapshots": cinder.store.snapshots,
        "cinder.attachments": cinder.store.attachments,
        "cinder.quota_limits": cinder.quotas._limits,
        # A refused reservation may leave zero rows for a project new to quotas: nothing a
        # user can see (every read shows 0 either way).
        "cinder.quota_usages": {
            project: {name: u for name, u in usages.items() if u.in_use or u.reserved}
            for project, usages in cinder.quotas._usages.items()
            if any(u.in_use or u.reserved for u in usages.values())
        },
        # Session 16: backups, volume types (specs, privacy) and who may use a private one.
        "cinder.backups": cinder.store.backup_rows(),
        "cinder.volume_types": cinder.volume_types,
        "cinder.type_access": getattr(cinder, "type_access", None) or {},
        "cinder.service_changes": getattr(cinder, "service_changes", None) or {},
        # Session 17: volume transfers offered.
        "cinder.transfers": cinder.store.transfer_rows(),
        "glance.images": glance.db.images,
        "glance.members": glance.db.members,
        "nova.instance_snapshots": {
            getattr(s, "id", i): s
            for i, s in enumerate(getattr(nova, "instance_snapshots", list)())
        },
    }
    hashes = []
    for name, table in sorted(tables.items()):
        # The rows' reprs joined: a repr of their sorted list would escape each row's quotes
        # again, about a quarter of a digest's time (one follows every fuzzed request).
        text = "\n".join(sorted([repr((key, _row_fields(row))) for key, row in table.items()]))
        hashes.append(f"{name}={hashlib.sha256(text.encode()).hexdigest()[:16]}")
    return ";".join(hashes)


def changed_tables(before: str, after: str) -> set[str]:
    """The tables whose hashes differ between two `digest`s."""
    return set(before.split(";")) ^ set(after.split(";"))


#: Refusals after which the real service has changed something too: (method and path, status,
#: the tables it may change). Nova's aggregate update saves a new name before it checks the
#: zone (nova 17.0.13-34.0.0 compute/api.py ``AggregateAPI.update_aggregate``), so a 400 for
#: the zone keeps the name.
CHANGED_BEFORE_REFUSAL = [
    (re.compile(r"PUT /v2\.1/(?:[0-9a-f-]+/)?os-aggregates/[^/]+"), 400, {"nova.aggregates"}),
    # Cinder's restore to a new volume creates it, waits, and refuses with a 400 if it ended in
    # error (no backend took it): the volume stays, in error, with its quota (12.0.10-29.0.0
    # backup/api.py ``restore``).
    (
        re.compile(r"POST /v3/(?:[^/]+/)?backups/[^/]+/restore"),
        400,
        {"cinder.volumes", "cinder.quota_usages"},
    ),
    # Cinder's group create from a source (and the consistency group one over it) commits the
    # ``groups`` quota and the new row, then looks for a host: a source with none (a group that
    # ended in error) is refused, 400 "No valid host to create group X.", and the row stays,
    # creating, with its quota (12.0.10-HEAD group/api.py ``create_from_src``).
    (
        re.compile(r"POST /v3/(?:[^/]+/)?(?:consistencygroups/create_from_src|groups/action)"),
        400,
        {"cinder.quota_usages"},
    ),
]


def _changes_allowed(request: str, status: int, before: str, after: str) -> bool:
    names = {part.split("=")[0] for part in changed_tables(before, after)}
    return any(
        pattern.fullmatch(request) and status == code and names <= tables
        for pattern, code, tables in CHANGED_BEFORE_REFUSAL
    )


def fault_shape_problem(answer: Answer, method: str = "GET") -> str | None:
    """Why an error answer's body is not one of the real services' fault shapes, or None."""
    status = answer.status
    if method == "HEAD":
        return None if answer.body == b"" else f"a HEAD answer with a body: {answer.body[:80]!r}"
    kind = answer.headers.get("content-type", "")
    if status in (204, 304) or answer.body == b"" and status < 400:
        return None
    if "json" not in kind:
        if status >= 400 and not answer.body:
            return "an error with an empty body"
        return None  # webob's text/html or text/plain renderings, image data
    try:
        body = json.loads(answer.body)
    except ValueError:
        return f"Content-Type {kind} but the body is not JSON: {answer.body[:80]!r}"
    if status < 400:
        return None
    if isinstance(body, dict) and len(body) == 1:
        ((name, inner),) = body.items()
        if isinstance(inner, dict) and inner.get("code") == status and "message" in inner:
            return None  # Nova/Cinder {"badRequest": {...}}, Keystone {"error": {...}}
    if status == 405 and isinstance(body, dict) and list(body) == ["message"]:
        return None  # Flask-RESTful's 405 (Keystone from 15.0.0: a method a route lacks)
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        code = str(body.get("code", ""))
        if code.startswith(str(status)) and "title" in body:
            return None  # webob's JSON rendering (Glance, sizelimit, no route)
    return f"status {status} with a body of no known fault shape: {answer.body[:200]!r}"


def check(
    cloud: Any,
    answer: Answer,
    errors_before: int,
    digest_before: str,
    live: int,
    method: str,
    path: str = "",
) -> str:
    """The properties every answer keeps (raises AssertionError naming the broken one);
    returns the digest after the request (`path`, as sent, names the few refusals that change
    state in the real service too: `CHANGED_BEFORE_REFUSAL`)."""
    errors = cloud.trace.filter(kind="api.error")[errors_before:]
    assert not errors, f"an exception fakecloud did not expect: {errors}"
    assert 100 <= answer.status < 600, answer.status
    problem = fault_shape_problem(answer, method)
    assert problem is None, problem
    after = digest(cloud)
    if 400 <= answer.status < 500:
        assert after == digest_before or _changes_allowed(
            f"{method} {path}", answer.status, digest_before, after
        ), f"a refused request ({answer.status}) changed {changed_tables(digest_before, after)}"
        assert len(cloud.kernel.running()) <= live, "a refused request started work"
    return after
