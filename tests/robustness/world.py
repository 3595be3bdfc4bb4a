"""A small populated cloud for the robustness tests: two projects, each kind of resource the
APIs serve, owned by the ``demo`` project, and users of the ``other`` project to try them.

`build(profile)` makes it (about a hundred virtual seconds of work); tests `fork` it per case so
each starts from the same state. `ids` names what was made, by the path parameter that takes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fakecloud import Cloud
from fakecloud.state.replica import Replica

#: Forks of a world made the plain way before its fork is planned (`World.fork`): a plan costs
#: about ten forks, so a world forked a few times (a release's, in test_fuzz_releases) is never
#: planned, and each profile's, forked about a hundred times in a run, is planned at its tenth.
PLAN_AFTER_FORKS = 10

#: Users of a second project, to try the first project's resources.
OTHER_USERS = {
    "other": {"password": "other-secret", "project": "other", "roles": ["member"]},
    "other-reader": {"password": "other-reader-secret", "project": "other", "roles": ["reader"]},
    "other-admin": {"password": "other-admin-secret", "project": "other", "roles": ["admin"]},
}
#: Session 31: a replicating RBD backend beside the default LVM one (Cinder's failover_host,
#: failover and replication_status), and a volume type of it with ``replication_enabled``.
REPLICATED = {"replication_enabled": "<is> True"}
CINDER = {
    "backends": {
        "lvmdriver-1": {"kind": "lvm-thin"},
        "ceph": {"kind": "rbd", "replication_device": [{"backend_id": "dr"}]},
    },
    "volume_types": {
        "__DEFAULT__": {"backend": "lvmdriver-1", "description": "Default Volume Type"},
        "replicated": {"backend": "ceph", "extra_specs": REPLICATED},
    },
}
CONFIG = {
    "identity": {"projects": {"other": {"description": "Another tenant"}}, "users": OTHER_USERS},
    "glance": {"image_member_quota": 8},
    "cinder": CINDER,
}


@dataclass
class World:
    """A built cloud and the ids of what it holds (by kind)."""

    cloud: Any
    profile: str
    ids: dict[str, str] = field(default_factory=dict)
    _forks: int = 0
    _replica: Any = None

    def fork(self) -> Any:
        """A fresh copy of the cloud, in the same state: the graph ``cloud.fork()`` makes.

        The world never runs, so from its `PLAN_AFTER_FORKS`-th fork on its fork is planned
        once and replayed (`fakecloud.state.replica`, as the explorer's worlds do): a fork of
        these worlds costs about 4 ms, a replayed one 0.5 ms, the plan about ten forks. A
        replica refuses to fork a world that changed (`StateError`)."""
        if self._replica is None:
            self._forks += 1
            if self._forks < PLAN_AFTER_FORKS:
                return self.cloud.fork()
            self._replica = Replica(self.cloud)
        return self._replica.fork()


def _ok(resp: Any, *statuses: int) -> Any:
    assert resp.status in statuses, (resp.status, resp.body)
    return resp.json()


#: The demo user's imported key (ed25519: no key generation cost).
PUBLIC_KEY = (
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAT1gK83ruUidhGETF5lkrWWgfbW7DHFfcuJm1iJGvO+ r1@fakecloud"
)


def _session15(cloud: Any, ids: dict[str, str]) -> None:
    """What sessions 15 and 16 added: the demo user's key pair, a private flavor the demo
    project may use, an aggregate with a zone holding the host the first server is not on, an
    anti-affinity server group with a member (booted with the key and the private flavor, an
    address on ``public``); the ids of that host's service and hypervisor (by number before
    2.53, by uuid from it)."""
    req = cloud.request
    pair = {"keypair": {"name": "demo-key", "public_key": PUBLIC_KEY}}
    made = req("compute", "POST", "/v2.1/os-keypairs", body=pair)
    ids["keypair_name"] = _ok(made, 200)["keypair"]["name"]
    flavor = {"name": "private", "ram": 512, "vcpus": 1, "disk": 1, "id": "p1"}
    flavor["os-flavor-access:is_public"] = False
    made = req("compute", "POST", "/v2.1/flavors", body={"flavor": flavor}, user="admin")
    ids["private_flavor_id"] = _ok(made, 200)["flavor"]["id"]
    access = {"addTenantAccess": {"tenant": ids["project_id"]}}
    path = f"/v2.1/flavors/{ids['private_flavor_id']}/action"
    _ok(req("compute", "POST", path, body=access, user="admin"), 200)
    shown = req("compute", "GET", f"/v2.1/servers/{ids['server_id']}", user="admin")
    # Upstream refuses a zone for a host holding servers: the other host gets it.
    host = {"cmp-1": "cmp-2", "cmp-2": "cmp-1"}[_ok(shown, 200)["server"]["OS-EXT-SRV-ATTR:host"]]
    aggregate = {"aggregate": {"name": "fast", "availability_zone": "z1"}}
    made = req("compute", "POST", "/v2.1/os-aggregates", body=aggregate, user="admin")
    ids["aggregate_id"] = str(_ok(made, 200)["aggregate"]["id"])
    path = f"/v2.1/os-aggregates/{ids['aggregate_id']}/action"
    _ok(req("compute", "POST", path, body={"add_host": {"host": host}}, user="admin"), 200)
    ids["compute_host"] = host
    group = {"server_group": {"name": "spread", "policies": ["anti-affinity"]}}
    made = req("compute", "POST", "/v2.1/os-server-groups", body=group)
    ids["server_group_id"] = _ok(made, 200)["server_group"]["id"]
    server = {"name": "member", "flavorRef": ids["private_flavor_id"], "networks": "auto"}
    server.update(imageRef=ids["base_image_id"], key_name=ids["keypair_name"])
    body = {"server": server, "os:scheduler_hints": {"group": ids["server_group_id"]}}
    made = req("compute", "POST", "/v2.1/servers", body=body, microversion="2.60")
    ids["grouped_server_id"] = _ok(made, 202)["server"]["id"]
    cloud.run_until_idle()
    for version, suffix in (("2.1", ""), ("2.53", "_uuid")):
        path = "/v2.1/os-services?binary=nova-compute"
        listed = _ok(req("compute", "GET", path, user="admin", microversion=version), 200)
        row = next(s for s in listed["services"] if s["host"] == host)
        ids["service_id" + suffix] = str(row["id"])
        path = "/v2.1/os-hypervisors"
        listed = _ok(req("compute", "GET", path, user="admin", microversion=version), 200)
        row = next(h for h in listed["hypervisors"] if h["hypervisor_hostname"] == host)
        ids["hypervisor_id" + suffix] = str(row["id"])


def _session16(cloud: Any, ids: dict[str, str]) -> None:
    """What session 16 added to Cinder: a backup of the demo project's volume, and a private
    volume type (with an extra spec) the demo project was given access to."""
    req = cloud.request
    body = {"backup": {"volume_id": ids["volume_id"], "name": "nightly"}}
    made = req("block-storage", "POST", "/v3/{project_id}/backups", body=body)
    ids["backup_id"] = _ok(made, 202)["backup"]["id"]
    cloud.run_until_idle()
    kind = {"name": "gold", "os-volume-type-access:is_public": False}
    kind["extra_specs"] = {"k": "v"}
    made = req(
        "block-storage", "POST", "/v3/{project_id}/types", {"volume_type": kind}, user="admin"
    )
    ids["volume_type_id"] = _ok(made, 200)["volume_type"]["id"]
    access = {"addProjectAccess": {"project": ids["project_id"]}}
    path = f"/v3/{{project_id}}/types/{ids['volume_type_id']}/action"
    _ok(req("block-storage", "POST", path, body=access, user="admin"), 202)


def _session17(cloud: Any, ids: dict[str, str]) -> None:
    """What session 17 added to Cinder: a volume of the demo project offered for transfer
    (``awaiting-transfer``), the transfer's id and its key."""
    req = cloud.request
    made = req("block-storage", "POST", "/v3/{project_id}/volumes", {"volume": {"size": 1}})
    ids["transfer_volume_id"] = _ok(made, 202)["volume"]["id"]
    cloud.run_until_idle()
    body = {"transfer": {"volume_id": ids["transfer_volume_id"], "name": "gift"}}
    made = _ok(req("block-storage", "POST", "/v3/{project_id}/os-volume-transfer", body), 202)
    ids["transfer_id"] = made["transfer"]["id"]
    ids["transfer_auth_key"] = made["transfer"]["auth_key"]


def _session18(cloud: Any, ids: dict[str, str]) -> None:
    """What session 18 added to Nova: the first server live-migrated away and back (two
    ``completed`` live migrations; the first one's id), so the routes of a server's migration
    reach past the look-up."""
    path = f"/v2.1/servers/{ids['server_id']}/action"
    for _ in range(2):
        body = {"os-migrateLive": {"host": None, "block_migration": "auto"}}
        resp = cloud.request("compute", "POST", path, body=body, user="admin", microversion="2.30")
        _ok(resp, 202)
        cloud.run_until_idle()
    path = f"/v2.1/os-migrations?instance_uuid={ids['server_id']}"
    listed = _ok(cloud.request("compute", "GET", path, user="admin", microversion="2.23"), 200)
    ids["migration_id"] = str(min(m["id"] for m in listed["migrations"]))


def _session29(cloud: Any, ids: dict[str, str]) -> None:
    """What session 29 added: a Keystone group holding the other project's member and the
    member role on a child project of demo's; a role implying another (no one holds either);
    a generic volume group of the private type, and a consistency group of a public type with
    no extra specs (scheduled, but no driver supports it: ``error``)."""
    req = cloud.request

    def admin(service: str, method: str, path: str, body: Any, status: int, *keys: str) -> Any:
        value = _ok(req(service, method, path, body=body, user="admin", microversion="3.38"),
                    status)  # fmt: skip
        for key in keys:
            value = value[key]
        return value

    ids["ks_group_id"] = admin("identity", "POST", "/v3/groups", {"group": {"name": "ops"}},
                               201, "group", "id")  # fmt: skip
    admin("identity", "PUT", f"/v3/groups/{ids['ks_group_id']}/users/{ids['other_user_id']}",
          None, 204)  # fmt: skip
    child = {"project": {"name": "demo-child", "parent_id": ids["project_id"]}}
    ids["child_project_id"] = admin("identity", "POST", "/v3/projects", child, 201, "project", "id")
    member = admin("identity", "GET", "/v3/roles?name=member", None, 200, "roles")[0]["id"]
    path = f"/v3/projects/{ids['child_project_id']}/groups/{ids['ks_group_id']}/roles/{member}"
    admin("identity", "PUT", path, None, 204)
    for name in ("prior", "implied"):
        body = {"role": {"name": name}}
        ids[f"{name}_role_id"] = admin("identity", "POST", "/v3/roles", body, 201, "role", "id")
    path = f"/v3/roles/{ids['prior_role_id']}/implies/{ids['implied_role_id']}"
    admin("identity", "PUT", path, None, 201)
    kind = ids["volume_type_id"]
    body = {"group_type": {"name": "replicated"}}
    ids["group_type_id"] = admin("block-storage", "POST", "/v3/{project_id}/group_types", body,
                                 202, "group_type", "id")  # fmt: skip
    group = {"name": "g", "group_type": ids["group_type_id"], "volume_types": [kind]}
    made = req("block-storage", "POST", "/v3/{project_id}/groups", {"group": group},
               microversion="3.13")  # fmt: skip
    ids["group_id"] = _ok(made, 202)["group"]["id"]
    body = {"volume_type": {"name": "cg"}}
    ids["cg_type_id"] = admin("block-storage", "POST", "/v3/{project_id}/types", body, 200,
                              "volume_type", "id")  # fmt: skip
    body = {"consistencygroup": {"name": "cg", "volume_types": ids["cg_type_id"]}}
    made = req("block-storage", "POST", "/v3/{project_id}/consistencygroups", body)
    ids["consistencygroup_id"] = _ok(made, 202)["consistencygroup"]["id"]
    cloud.run_until_idle()


def _session30(cloud: Any, ids: dict[str, str]) -> None:
    """The rest of session 29's surfaces, for session 30's fuzzing: a region, a service and an
    endpoint written in Keystone's catalog, a tag on demo's project, the ops group's member role
    inherited below demo's project (OS-INHERIT), and a cgsnapshot of the consistency group
    (renamed, so ``available``, with a volume made in it: Cinder snapshots no empty group)."""
    req = cloud.request

    def admin(service: str, method: str, path: str, body: Any, status: int, *keys: str) -> Any:
        value = _ok(req(service, method, path, body=body, user="admin"), status)
        for key in keys:
            value = value[key]
        return value

    ids["region_id"] = admin("identity", "POST", "/v3/regions", {"region": {"id": "R2"}}, 201,
                             "region", "id")  # fmt: skip
    body = {"service": {"type": "object-store", "name": "swift"}}
    ids["catalog_service_id"] = admin("identity", "POST", "/v3/services", body, 201, "service",
                                      "id")  # fmt: skip
    endpoint = {"service_id": ids["catalog_service_id"], "interface": "public",
                "url": "http://swift.test/v1/AUTH_$(project_id)s", "region_id": "R2"}  # fmt: skip
    ids["endpoint_id"] = admin("identity", "POST", "/v3/endpoints", {"endpoint": endpoint}, 201,
                               "endpoint", "id")  # fmt: skip
    ids["project_tag"] = "blue"
    req("identity", "PUT", f"/v3/projects/{ids['project_id']}/tags/blue", user="admin")
    ids["domain_id"] = "default"
    ids["member_role_id"] = admin("identity", "GET", "/v3/roles?name=member", None, 200,
                                  "roles")[0]["id"]  # fmt: skip
    path = (f"/v3/OS-INHERIT/projects/{ids['project_id']}/groups/{ids['ks_group_id']}/roles/"
            f"{ids['member_role_id']}/inherited_to_projects")  # fmt: skip
    admin("identity", "PUT", path, None, 204)
    cg = ids["consistencygroup_id"]
    body = {"consistencygroup": {"name": "cg2"}}
    _ok(req("block-storage", "PUT", f"/v3/{{project_id}}/consistencygroups/{cg}/update", body), 202)
    body = {"volume": {"size": 1, "volume_type": ids["cg_type_id"], "consistencygroup_id": cg}}
    made = req("block-storage", "POST", "/v3/{project_id}/volumes", body)
    ids["cg_volume_id"] = _ok(made, 202)["volume"]["id"]
    cloud.run_until_idle()
    body = {"cgsnapshot": {"consistencygroup_id": cg, "name": "cgs"}}
    made = req("block-storage", "POST", "/v3/{project_id}/cgsnapshots", body)
    ids["cgsnapshot_id"] = _ok(made, 202)["cgsnapshot"]["id"]
    cloud.run_until_idle()


def _session31(cloud: Any, ids: dict[str, str]) -> None:
    """Session 30's surfaces, for session 31's fuzzing: an application credential of the demo
    user (with an access rule where the release has them, 16.0.0 on) and its secret, an ec2
    credential, a domain-specific role, an endpoint group associated with demo's project, a
    project acting as a domain; a replicated volume on the replicating backend; a public
    metadef namespace of the admin's with an object, a property, a tag and a resource type."""
    req = cloud.request
    rule = {"service": "compute", "method": "GET", "path": "/v2.1/servers"}
    body = {"application_credential": {"name": "ac", "description": "d", "access_rules": [rule]}}
    path = f"/v3/users/{ids['user_id']}/application_credentials"
    made = req("identity", "POST", path, body)
    if made.status == 400:  # no access rules before keystone 16.0.0
        del body["application_credential"]["access_rules"]
        made = req("identity", "POST", path, body)
    made = _ok(made, 201)["application_credential"]
    ids["app_cred_id"], ids["app_cred_secret"] = made["id"], made["secret"]
    if made.get("access_rules"):
        ids["access_rule_id"] = made["access_rules"][0]["id"]
    blob = '{"access": "a31", "secret": "s31"}'
    body = {"credential": {"type": "ec2", "user_id": ids["user_id"], "blob": blob,
                           "project_id": ids["project_id"]}}  # fmt: skip
    made = req("identity", "POST", "/v3/credentials", body, user="admin")
    ids["credential_id"] = _ok(made, 201)["credential"]["id"]
    body = {"role": {"name": "domain-role", "domain_id": "default"}}
    made = req("identity", "POST", "/v3/roles", body, user="admin")
    ids["domain_role_id"] = _ok(made, 201)["role"]["id"]
    body = {"endpoint_group": {"name": "eg", "filters": {"interface": "public"}}}
    made = req("identity", "POST", "/v3/OS-EP-FILTER/endpoint_groups", body, user="admin")
    ids["endpoint_group_id"] = _ok(made, 201)["endpoint_group"]["id"]
    path = f"/v3/OS-EP-FILTER/endpoint_groups/{ids['endpoint_group_id']}/projects/"
    _ok(req("identity", "PUT", path + ids["project_id"], user="admin"), 204)
    body = {"project": {"name": "dom31", "is_domain": True}}
    made = req("identity", "POST", "/v3/projects", body, user="admin")
    ids["domain_project_id"] = _ok(made, 201)["project"]["id"]
    body = {"volume": {"size": 1, "name": "rep", "volume_type": "replicated"}}
    made = req("block-storage", "POST", "/v3/{project_id}/volumes", body)
    ids["replicated_volume_id"] = _ok(made, 202)["volume"]["id"]
    ids["replicated_host"] = "cinder@ceph"
    kinds = _ok(req("block-storage", "GET", "/v3/{project_id}/types?is_public=none", user="admin"),
                200)["volume_types"]  # fmt: skip
    ids["replicated_type_id"] = next(k["id"] for k in kinds if k["name"] == "replicated")
    cloud.run_until_idle()
    body = {"namespace": "fz31", "display_name": "F", "visibility": "public",
            "resource_type_associations": [{"name": "OS::Glance::Image", "prefix": "fz_"}],
            "properties": {"p": {"type": "string", "title": "P"}},
            "objects": [{"name": "o", "properties": {"x": {"type": "integer", "title": "X"}}}],
            "tags": [{"name": "t"}]}  # fmt: skip
    made = _ok(req("image", "POST", "/v2/metadefs/namespaces", body, user="admin"), 201)
    ids["metadef_namespace"] = made["namespace"]
    ids.update(metadef_object="o", metadef_property="p", metadef_tag="t")
    ids["metadef_resource_type"] = "OS::Glance::Image"


def build(profile: str, seed: int = 5, config: dict | None = None) -> World:
    """Build the world for `profile`: the demo project's server (and its instance snapshot
    on the seed profile), snapshot image, volume, volume snapshot and attachment; images of
    every visibility; the other project invited as a member of the shared one. `config`
    adds sections to the world's configuration (a Cinder backend, say)."""
    cloud = Cloud(seed=seed, profile=profile, config={**CONFIG, **(config or {})})
    req = cloud.request
    ids: dict[str, str] = {
        "project_id": cloud.context("demo").project_id,
        "other_project_id": cloud.context("other").project_id,
        "user_id": cloud.context("demo").user_id,
        "other_user_id": cloud.context("other").user_id,
    }
    cirros = _ok(req("image", "GET", "/v2/images?name=cirros-0.6.2-x86_64-qga"), 200)
    ids["base_image_id"] = cirros["images"][0]["id"]
    server = {"name": "web", "flavorRef": "1", "imageRef": ids["base_image_id"]}
    server["networks"] = "none"
    created = _ok(
        req("compute", "POST", "/v2.1/servers", body={"server": server}, microversion="2.60"), 202
    )
    ids["server_id"] = created["server"]["id"]
    cloud.run_until_idle()
    action = f"/v2.1/servers/{ids['server_id']}/action"
    snap = req(
        "compute", "POST", action, body={"createImage": {"name": "web-snap"}}, microversion="2.45"
    )
    ids["snapshot_image_id"] = _ok(snap, 202)["image_id"]
    cloud.run_until_idle()
    volume = _ok(
        req(
            "block-storage",
            "POST",
            "/v3/{project_id}/volumes",
            body={"volume": {"size": 1, "name": "data"}},
        ),
        202,
    )
    ids["volume_id"] = volume["volume"]["id"]
    cloud.run_until_idle()
    vsnap = req(
        "block-storage",
        "POST",
        "/v3/{project_id}/snapshots",
        body={"snapshot": {"volume_id": ids["volume_id"], "name": "data-snap"}},
    )
    ids["volume_snapshot_id"] = _ok(vsnap, 202)["snapshot"]["id"]
    cloud.run_until_idle()
    spare = _ok(
        req(
            "block-storage",
            "POST",
            "/v3/{project_id}/volumes",
            body={"volume": {"size": 1, "name": "spare"}},
        ),
        202,
    )
    ids["attached_volume_id"] = spare["volume"]["id"]
    cloud.run_until_idle()
    attachment = {
        "volume_uuid": ids["attached_volume_id"],
        "instance_uuid": ids["server_id"],
        "connector": {"host": "cmp-1", "initiator": "iqn.2026-01.test:cmp-1"},
    }
    made = req(
        "block-storage",
        "POST",
        "/v3/{project_id}/attachments",
        body={"attachment": attachment},
        microversion="3.44",
    )
    ids["attachment_id"] = _ok(made, 200)["attachment"]["id"]
    for visibility in ("private", "shared", "community"):
        body = {"name": f"{visibility}-img", "disk_format": "raw", "container_format": "bare"}
        body["visibility"] = visibility
        ids[f"{visibility}_image_id"] = _ok(req("image", "POST", "/v2/images", body=body), 201)[
            "id"
        ]
    public = {"name": "public-img", "disk_format": "raw", "container_format": "bare"}
    public["visibility"] = "public"
    ids["public_image_id"] = _ok(
        req("image", "POST", "/v2/images", body=public, user="admin"), 201
    )["id"]
    member = {"member": ids["other_project_id"]}
    _ok(req("image", "POST", f"/v2/images/{ids['shared_image_id']}/members", body=member), 200)
    if profile == "seed":
        made = req(
            "compute",
            "POST",
            f"/v2.1/servers/{ids['server_id']}/snapshots",
            body={"snapshot": {"name": "s1"}},
        )
        ids["instance_snapshot_id"] = _ok(made, 202)["snapshot"]["id"]
    cloud.run_until_idle()
    _session15(cloud, ids)
    _session16(cloud, ids)
    _session17(cloud, ids)
    _session18(cloud, ids)
    _session29(cloud, ids)
    _session30(cloud, ids)
    _session31(cloud, ids)
    ids["request_id"] = _ok(
        req("compute", "GET", f"/v2.1/servers/{ids['server_id']}/os-instance-actions"), 200
    )["instanceActions"][-1]["request_id"]
    return World(cloud, profile, ids)
