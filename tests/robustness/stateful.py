"""A Hypothesis state machine over Nova, Cinder, Glance and Keystone at once, for
``test_stateful.py``.

Each rule is what a user or an operator does (boot from an image or a volume, createImage of
either kind, stop and start, attach and detach, volume snapshots, deletes of images in use,
quota changes, retypes and migrations, Cinder groups and QoS, Keystone users and grants,
session 30's surfaces (application credentials, credentials, role updates and domain roles,
endpoint groups, projects acting as domains, failover, group snapshots, metadefs), the virtual
clock advanced), as the owner of a resource, its project's reader, another project's
member or an admin. After every step: no exception fakecloud did not expect, every error
answer a fault body of a real service's shape, and `cloud.check_invariants()` holds. Now and
then the cloud is settled, saved, loaded and forked: the copies' saved bytes must be the
original's, the machine carries on with one copy, and the next steps go to the original too,
each answer byte for byte the same, and both save the same bytes at the next settling.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from fuzzing import SYSTEM_AUTH, Answer, fault_shape_problem
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from fakecloud import Cloud, state

#: Who acts on a resource: its owner (three times as often), its project's reader, another
#: project's member, an admin.
ACTORS = ("owner", "owner", "owner", "reader", "stranger", "admin")
#: The users who create resources, and each one's reader and stranger.
OWNERS = {"demo": ("demo-reader", "other"), "other": ("other-reader", "demo")}
PICK = st.integers(min_value=0, max_value=255)
WAITS = st.sampled_from([0.0, 0.5, 2.0, 10.0, 60.0, 600.0])
#: Whether a create is waited for (a minute), so that later steps find it built as often as
#: building.
SETTLE = st.booleans()


def _apart(mine: Any, theirs: Any, where: str = "") -> str:
    """Where two saved data first differ, and how."""
    if type(mine) is type(theirs) and isinstance(mine, (dict, list)):
        keys = sorted(set(mine) | set(theirs)) if isinstance(mine, dict) else range(len(mine))
        for key in keys:
            if isinstance(mine, list) and key >= len(theirs):
                break
            if isinstance(mine, dict) and (key not in mine or key not in theirs):
                return f"{where}/{key}: only in one"
            if mine[key] != theirs[key]:
                return _apart(mine[key], theirs[key], f"{where}/{key}")
    return f"{where}: {str(mine)[:300]} != {str(theirs)[:300]}"


def _foreign_volume_500(violation: Any) -> bool:
    """Nova's own 500 for createImage of a server holding another project's volume."""
    return (
        violation.invariant == "no_unexpected_500"
        and violation.subject.endswith("/action")
        and "VolumeNotFound" in violation.message
    )


def _refused_swap_500(violation: Any) -> bool:
    """Nova's own 500 for a swap to a volume Cinder will not attach (its ``InvalidInput``;
    scenarios/bugs/swap_to_unattachable_volume_500.yaml)."""
    return (
        violation.invariant == "no_unexpected_500"
        and "/os-volume_attachments/" in violation.subject
        and "InvalidInput" in violation.message
    )


def _rpc_timeout_500(violation: Any) -> bool:
    """A service's own 500 for an RPC call that timed out (its callee stopped)."""
    return violation.invariant == "no_unexpected_500" and "MessagingTimeout" in violation.message


def _pick(items: list, index: int) -> Any:
    """The `index`-th newest of `items` (Hypothesis draws small numbers most: the newest
    resources, those still settling, are acted on most)."""
    return items[-1 - index % len(items)] if items else None


class CloudMachine(RuleBasedStateMachine):
    """Steps over a fork of a robustness world (`World`); see the module docstring."""

    world: Any = None

    def __init__(self) -> None:
        super().__init__()
        self.cloud = self.world.fork()
        self.ids = self.world.ids
        self.project_ids = {"demo": self.ids["project_id"], "other": self.ids["other_project_id"]}
        self.twin: Any = None  # the cloud a copy was made of, sent every request too
        self.servers: list[tuple[str, str]] = [("demo", self.ids["server_id"])]
        self.volumes: list[tuple[str, str]] = [("demo", self.ids["volume_id"])]
        self.snapshots: list[tuple[str, str]] = [("demo", self.ids["volume_snapshot_id"])]
        self.images: list[tuple[str, str]] = [("demo", self.ids["snapshot_image_id"])]
        self.types: list[str] = [self.ids["volume_type_id"]]
        self.qos: list[str] = []
        self.group_types: list[str] = []
        self.groups: list[tuple[str, str]] = []
        self.users: list[str] = []
        self.ks_groups: list[str] = [self.ids["ks_group_id"]]
        self.children: list[str] = [self.ids["child_project_id"]]
        self.roles: list[str] = []
        self.cgs: list[tuple[str, str]] = [("demo", self.ids["consistencygroup_id"])]
        self.cgsnapshots: list[tuple[str, str]] = [("demo", self.ids["cgsnapshot_id"])]
        # session 31: session 30's surfaces
        self.app_creds: list[tuple[str, str, str]] = [
            ("demo", self.ids["app_cred_id"], self.ids["app_cred_secret"])
        ]
        self.credentials: list[tuple[str, str]] = [("demo", self.ids["credential_id"])]
        self.domain_roles: list[str] = [self.ids["domain_role_id"]]
        self.endpoint_groups: list[str] = [self.ids["endpoint_group_id"]]
        self.domains: list[str] = [self.ids["domain_project_id"]]
        self.namespaces: list[str] = [self.ids["metadef_namespace"]]
        self.types.append(self.ids["replicated_type_id"])
        self.steps = 0
        self.orphans_made = False
        self.foreign_attached = False
        self.down: set[str] = set()  # the services the walk stopped
        self.stopped = False  # whether it ever stopped one

    # -- sending ---------------------------------------------------------------------------

    def _user(self, owner: str, actor: str) -> str:
        reader, stranger = OWNERS.get(owner, ("demo-reader", "other"))
        return {"owner": owner, "reader": reader, "stranger": stranger, "admin": "admin"}[actor]

    def call(
        self,
        service: str,
        method: str,
        path: str,
        body: Any = None,
        user: str | None = "demo",
        microversion: str | None = None,
        token: str | None = None,
    ) -> Any:
        """Send one request (to the twin too, whose answer must be the same); check it. With
        a `token`, as its holder (``user`` None)."""
        headers = {"X-Auth-Token": token} if token is not None else None
        if token is not None:
            user = None
        resp = self.cloud.request(service, method, path, body, user, microversion, headers)
        shown = f"{user or token} {method} {path} {body} @{microversion}"
        answer = Answer(
            resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.content()
        )
        problem = fault_shape_problem(answer, method)
        assert problem is None, (shown, problem)
        if self.twin is not None:
            again = self.twin.request(service, method, path, body, user, microversion, headers)
            assert (again.status, again.content()) == (resp.status, answer.body), (
                f"the copy answered {shown} otherwise: {again.status} {again.content()[:300]!r}"
                f" vs {resp.status} {answer.body[:300]!r}"
            )
        return resp

    def advance(self, seconds: float) -> None:
        self.cloud.advance(seconds)
        if self.twin is not None:
            self.twin.advance(seconds)

    def _made(self, resp: Any, status: int, *keys: str) -> str | None:
        if resp.status != status:
            return None
        value = resp.json()
        for key in keys:
            value = value[key]
        return str(value)

    # -- Nova -------------------------------------------------------------------------------

    @rule(owner=st.sampled_from(sorted(OWNERS)), flavor=st.sampled_from(["1", "2"]), settle=SETTLE)
    def boot_from_image(self, owner: str, flavor: str, settle: bool) -> None:
        server = {"name": "i", "flavorRef": flavor, "imageRef": self.ids["base_image_id"]}
        server["networks"] = "none"
        resp = self.call("compute", "POST", "/v2.1/servers", {"server": server}, owner, "2.60")
        if made := self._made(resp, 202, "server", "id"):
            self.servers.append((owner, made))
        if settle:
            self.advance(60.0)

    @rule(
        owner=st.sampled_from(sorted(OWNERS)),
        keep=st.booleans(),
        index=PICK,
        source=st.sampled_from(["image", "volume", "snapshot"]),
        settle=SETTLE,
    )
    def boot_from_volume(
        self, owner: str, keep: bool, index: int, source: str, settle: bool
    ) -> None:
        """Boot from a volume Nova makes of the image, or from an existing volume or a
        volume snapshot (one of the owner's, or another's: Nova's and Cinder's refusals)."""
        uuid = self.ids["base_image_id"]
        if source == "volume" and self.volumes:
            uuid = _pick(self.volumes, index)[1]
        elif source == "snapshot" and self.snapshots:
            uuid = _pick(self.snapshots, index)[1]
        else:
            source = "image"
        mapping = {"boot_index": 0, "uuid": uuid, "source_type": source}
        mapping.update(destination_type="volume", delete_on_termination=not keep)
        if source != "volume":
            mapping["volume_size"] = 1
        server = {"name": "v", "flavorRef": "1", "networks": "none"}
        server["block_device_mapping_v2"] = [mapping]
        resp = self.call("compute", "POST", "/v2.1/servers", {"server": server}, owner, "2.60")
        if made := self._made(resp, 202, "server", "id"):
            self.servers.append((owner, made))
        if settle:
            self.advance(60.0)

    @rule(owner=st.sampled_from(sorted(OWNERS)), keep=st.booleans(), wait=WAITS)
    def volume_backed_image(self, owner: str, keep: bool, wait: float) -> None:
        """The flow most rules act on the middle of: boot from a volume made of the image, let
        it build, createImage of it (volume snapshots behind the image; on NFS, Nova's
        assisted snapshot), then wait a while."""
        self.boot_from_volume(owner, keep, 0, "image", True)
        self.create_image(0, "owner")
        self.advance(wait)

    def _server_action(self, index: int, actor: str, body: Any, version: str | None = None):
        if not self.servers:
            return None, None
        owner, server = _pick(self.servers, index)
        path = f"/v2.1/servers/{server}/action"
        user = self._user(owner, actor)
        return owner, self.call("compute", "POST", path, body, user, version)

    @rule(index=PICK, actor=st.sampled_from(ACTORS))
    def create_image(self, index: int, actor: str) -> None:
        """createImage of an image-backed server (an upload) or a volume-backed one (volume
        snapshots behind an image)."""
        owner, resp = self._server_action(index, actor, {"createImage": {"name": "c"}}, "2.45")
        if resp is not None and (made := self._made(resp, 202, "image_id")):
            self.images.append((owner, made))

    @rule(
        index=PICK, actor=st.sampled_from(ACTORS), action=st.sampled_from(["os-stop", "os-start"])
    )
    def stop_or_start(self, index: int, actor: str, action: str) -> None:
        self._server_action(index, actor, {action: None})

    @rule(
        index=PICK,
        actor=st.sampled_from(ACTORS),
        action=st.sampled_from(["migrate", "resize", "confirmResize", "revertResize"]),
    )
    def move(self, index: int, actor: str, action: str) -> None:
        body = {action: {"flavorRef": "2"} if action == "resize" else None}
        self._server_action(index, actor, body)

    @rule(server=PICK, volume=PICK, actor=st.sampled_from(ACTORS))
    def attach(self, server: int, volume: int, actor: str) -> None:
        if not self.servers or not self.volumes:
            return
        owner, server_id = _pick(self.servers, server)
        volume_owner, volume_id = _pick(self.volumes, volume)
        # an admin may attach another project's volume: the owner's createImage is then
        # Nova's own 500 (docs/robustness.md, Known limits)
        self.foreign_attached |= actor == "admin" and volume_owner != owner
        body = {"volumeAttachment": {"volumeId": volume_id}}
        path = f"/v2.1/servers/{server_id}/os-volume_attachments"
        self.call("compute", "POST", path, body, self._user(owner, actor), "2.79")

    @rule(server=PICK, volume=PICK, actor=st.sampled_from(ACTORS))
    def detach(self, server: int, volume: int, actor: str) -> None:
        if not self.servers or not self.volumes:
            return
        owner, server_id = _pick(self.servers, server)
        volume_id = _pick(self.volumes, volume)[1]
        path = f"/v2.1/servers/{server_id}/os-volume_attachments/{volume_id}"
        self.call("compute", "DELETE", path, None, self._user(owner, actor))

    @rule(index=PICK, actor=st.sampled_from(ACTORS))
    def delete_server(self, index: int, actor: str) -> None:
        if not self.servers:
            return
        owner, server = _pick(self.servers, index)
        shown = self.call("compute", "GET", f"/v2.1/servers/{server}", None, "admin")
        task = shown.json()["server"]["OS-EXT-STS:task_state"] if shown.status == 200 else None
        if str(task).startswith("image_"):
            # A delete racing a createImage leaves its image queued in real Nova too (docs/
            # robustness.md, Known limits; no_stuck_snapshot_image reports it): wait instead.
            self.advance(10.0)
            return
        resp = self.call(
            "compute", "DELETE", f"/v2.1/servers/{server}", None, self._user(owner, actor)
        )
        if resp.status == 204:
            self.servers.remove((owner, server))

    @rule(
        project=st.sampled_from(sorted(OWNERS)),
        key=st.sampled_from(["instances", "cores", "ram"]),
        value=st.sampled_from([-1, 0, 1, 2, 4096]),
    )
    def nova_quota(self, project: str, key: str, value: int) -> None:
        """An operator sets a project's Nova quota (below its usage too)."""
        project_id = self.project_ids[project]
        body = {"quota_set": {key: value, "force": True}}
        self.call("compute", "PUT", f"/v2.1/os-quota-sets/{project_id}", body, "admin")

    # -- Cinder -----------------------------------------------------------------------------

    @rule(
        owner=st.sampled_from(sorted(OWNERS)),
        from_image=st.booleans(),
        index=PICK,
        typed=st.booleans(),
        settle=SETTLE,
    )
    def create_volume(
        self, owner: str, from_image: bool, index: int, typed: bool, settle: bool
    ) -> None:
        volume: dict[str, Any] = {"size": 1, "name": "d"}
        if from_image:
            volume["imageRef"] = self.ids["base_image_id"]
        if typed and self.types:
            volume["volume_type"] = _pick(self.types, index)
        resp = self.call(
            "block-storage", "POST", "/v3/{project_id}/volumes", {"volume": volume}, owner
        )
        if made := self._made(resp, 202, "volume", "id"):
            self.volumes.append((owner, made))
        if settle:
            self.advance(60.0)

    @rule(index=PICK, actor=st.sampled_from(ACTORS), force=st.booleans())
    def snapshot_volume(self, index: int, actor: str, force: bool) -> None:
        if not self.volumes:
            return
        owner, volume = _pick(self.volumes, index)
        body = {"snapshot": {"volume_id": volume, "force": force}}
        resp = self.call(
            "block-storage", "POST", "/v3/{project_id}/snapshots", body, self._user(owner, actor)
        )
        if made := self._made(resp, 202, "snapshot", "id"):
            self.snapshots.append((owner, made))

    @rule(index=PICK, actor=st.sampled_from(ACTORS))
    def snapshot_attached(self, index: int, actor: str) -> None:
        """Snapshot a volume a server has attached (its root volume too): on NFS, Nova's
        assisted snapshot of the running guest's file."""
        if not self.servers:
            return
        owner, server = _pick(self.servers, index)
        path = f"/v2.1/servers/{server}/os-volume_attachments"
        listed = self.call("compute", "GET", path, None, owner)
        if listed.status != 200 or not listed.json()["volumeAttachments"]:
            return
        volume = listed.json()["volumeAttachments"][0]["volumeId"]
        body = {"snapshot": {"volume_id": volume, "force": True}}
        resp = self.call("block-storage", "POST", "/v3/{project_id}/snapshots", body,
                         self._user(owner, actor))  # fmt: skip
        if made := self._made(resp, 202, "snapshot", "id"):
            self.snapshots.append((owner, made))

    @rule(index=PICK, actor=st.sampled_from(ACTORS))
    def delete_snapshot(self, index: int, actor: str) -> None:
        if not self.snapshots:
            return
        owner, snap = _pick(self.snapshots, index)
        resp = self.call(
            "block-storage",
            "DELETE",
            f"/v3/{{project_id}}/snapshots/{snap}",
            None,
            self._user(owner, actor),
        )
        if resp.status == 202:
            self.snapshots.remove((owner, snap))

    @rule(index=PICK, actor=st.sampled_from(ACTORS), cascade=st.booleans())
    def delete_volume(self, index: int, actor: str, cascade: bool) -> None:
        if not self.volumes:
            return
        owner, volume = _pick(self.volumes, index)
        path = f"/v3/{{project_id}}/volumes/{volume}" + ("?cascade=true" if cascade else "")
        resp = self.call("block-storage", "DELETE", path, None, self._user(owner, actor))
        if resp.status == 202:
            self.volumes.remove((owner, volume))

    @rule(
        project=st.sampled_from(sorted(OWNERS)),
        key=st.sampled_from(["volumes", "gigabytes", "snapshots", "groups"]),
        value=st.sampled_from([-1, 0, 1, 3, 1000]),
    )
    def cinder_quota(self, project: str, key: str, value: int) -> None:
        project_id = self.project_ids[project]
        body = {"quota_set": {key: value}}
        self.call(
            "block-storage", "PUT", f"/v3/{{project_id}}/os-quota-sets/{project_id}", body, "admin"
        )

    @rule(
        index=PICK,
        kind=PICK,
        actor=st.sampled_from(ACTORS),
        policy=st.sampled_from(["never", "on-demand"]),
    )
    def retype(self, index: int, kind: int, actor: str, policy: str) -> None:
        if not self.volumes or not self.types:
            return
        owner, volume = _pick(self.volumes, index)
        body = {"os-retype": {"new_type": _pick(self.types, kind), "migration_policy": policy}}
        path = f"/v3/{{project_id}}/volumes/{volume}/action"
        self.call("block-storage", "POST", path, body, self._user(owner, actor), "3.62")

    @rule(index=PICK, host=PICK)
    def migrate_volume(self, index: int, host: int) -> None:
        if not self.volumes:
            return
        _owner, volume = _pick(self.volumes, index)
        path = "/v3/{project_id}/scheduler-stats/get_pools"
        pools = self.call("block-storage", "GET", path, None, "admin").json()["pools"]
        if not pools:  # every cinder-volume down past service_down_time: the scheduler has none
            return
        body = {"os-migrate_volume": {"host": _pick(pools, host)["name"]}}
        path = f"/v3/{{project_id}}/volumes/{volume}/action"
        self.call("block-storage", "POST", path, body, "admin", "3.16")

    @rule(backend=st.sampled_from([None, "lvmdriver-1", "nowhere"]))
    def make_type(self, backend: str | None) -> None:
        kind: dict[str, Any] = {"name": f"t{len(self.types)}-{self.steps}"}
        if backend:
            kind["extra_specs"] = {"volume_backend_name": backend}
        resp = self.call(
            "block-storage", "POST", "/v3/{project_id}/types", {"volume_type": kind}, "admin"
        )
        if made := self._made(resp, 200, "volume_type", "id"):
            self.types.append(made)

    @rule(consumer=st.sampled_from(["front-end", "back-end", "both"]))
    def make_qos(self, consumer: str) -> None:
        body = {
            "qos_specs": {
                "name": f"q{len(self.qos)}-{self.steps}",
                "consumer": consumer,
                "read_iops_sec": "100",
            }
        }
        resp = self.call("block-storage", "POST", "/v3/{project_id}/qos-specs", body, "admin")
        if made := self._made(resp, 200, "qos_specs", "id"):
            self.qos.append(made)

    @rule(
        qos=PICK,
        kind=PICK,
        verb=st.sampled_from(["associate", "disassociate", "disassociate_all", "delete", "force"]),
    )
    def qos_call(self, qos: int, kind: int, verb: str) -> None:
        if not self.qos or not self.types:
            return
        spec = _pick(self.qos, qos)
        base = f"/v3/{{project_id}}/qos-specs/{spec}"
        if verb in ("delete", "force"):
            resp = self.call(
                "block-storage", "DELETE", f"{base}?force={verb == 'force'}", None, "admin"
            )
            if resp.status == 202:
                self.qos.remove(spec)
            return
        query = "" if verb == "disassociate_all" else f"?vol_type_id={_pick(self.types, kind)}"
        self.call("block-storage", "GET", f"{base}/{verb}{query}", None, "admin")

    @rule(kinds=st.lists(PICK, min_size=1, max_size=2), owner=st.sampled_from(sorted(OWNERS)))
    def make_group(self, kinds: list[int], owner: str) -> None:
        if not self.group_types:
            resp = self.call(
                "block-storage",
                "POST",
                "/v3/{project_id}/group_types",
                {"group_type": {"name": "gt"}},
                "admin",
                "3.11",
            )
            if made := self._made(resp, 202, "group_type", "id"):
                self.group_types.append(made)
            return
        types = sorted({_pick(self.types, k) for k in kinds})
        body = {"group": {"name": "g", "group_type": self.group_types[0], "volume_types": types}}
        resp = self.call("block-storage", "POST", "/v3/{project_id}/groups", body, owner, "3.13")
        if made := self._made(resp, 202, "group", "id"):
            self.groups.append((owner, made))

    @rule(
        group=PICK,
        volume=PICK,
        actor=st.sampled_from(ACTORS),
        verb=st.sampled_from(["add", "remove", "snapshot", "delete", "delete-volumes"]),
    )
    def group_call(self, group: int, volume: int, actor: str, verb: str) -> None:
        if not self.groups:
            return
        owner, group_id = _pick(self.groups, group)
        user = self._user(owner, actor)
        if verb == "snapshot":
            body = {"group_snapshot": {"group_id": group_id}}
            self.call(
                "block-storage", "POST", "/v3/{project_id}/group_snapshots", body, user, "3.14"
            )
            return
        if verb.startswith("delete"):
            body = {"delete": {"delete-volumes": verb == "delete-volumes"}}
            path = f"/v3/{{project_id}}/groups/{group_id}/action"
            resp = self.call("block-storage", "POST", path, body, user, "3.13")
            if resp.status == 202:
                self.groups.remove((owner, group_id))
            return
        if not self.volumes:
            return
        key = "add_volumes" if verb == "add" else "remove_volumes"
        body = {"group": {key: _pick(self.volumes, volume)[1]}}
        path = f"/v3/{{project_id}}/groups/{group_id}"
        self.call("block-storage", "PUT", path, body, user, "3.13")

    # -- Glance -----------------------------------------------------------------------------

    @rule(index=PICK, actor=st.sampled_from(ACTORS), base=st.booleans())
    def delete_image(self, index: int, actor: str, base: bool) -> None:
        """Delete an image servers and volumes were made of (the base image: an admin's)."""
        if base and actor == "admin":
            self.call("image", "DELETE", f"/v2/images/{self.ids['base_image_id']}", None, "admin")
            return
        if not self.images:
            return
        owner, image = _pick(self.images, index)
        resp = self.call("image", "DELETE", f"/v2/images/{image}", None, self._user(owner, actor))
        if resp.status == 204:
            self.images.remove((owner, image))
            # A volume-backed server's image deleted leaves its volume snapshots, in real
            # OpenStack too (Glance knows nothing of them): no_orphan_volume_snapshot says so.
            self.orphans_made = True

    # -- Keystone ---------------------------------------------------------------------------

    @rule(project=st.sampled_from(sorted(OWNERS)))
    def make_user(self, project: str) -> None:
        """An admin makes a user with the member role on a project; it joins the owners."""
        name = f"u{len(self.users)}-{self.steps}"
        project_id = self.project_ids[project]
        body = {"user": {"name": name, "password": "pw", "default_project_id": project_id}}
        resp = self.call("identity", "POST", "/v3/users", body, "admin")
        if not (user_id := self._made(resp, 201, "user", "id")):
            return
        roles = self.call("identity", "GET", "/v3/roles?name=member", None, "admin")
        role = roles.json()["roles"][0]["id"]
        path = f"/v3/projects/{project_id}/users/{user_id}/roles/{role}"
        self.call("identity", "PUT", path, None, "admin")
        self.users.append(name)

    @rule(index=PICK, what=st.sampled_from(["revoke", "delete"]))
    def user_role(self, index: int, what: str) -> None:
        """Revoke a made user's member role, or delete the user (its servers and volumes
        stay)."""
        if not self.users:
            return
        name = _pick(self.users, index)
        found = self.call("identity", "GET", f"/v3/users?name={name}", None, "admin").json()
        if not found["users"]:
            return
        user = found["users"][0]
        if what == "delete":
            resp = self.call("identity", "DELETE", f"/v3/users/{user['id']}", None, "admin")
            if resp.status == 204:  # its name is no user of the cloud's any more
                self.users.remove(name)
            return
        roles = self.call("identity", "GET", "/v3/roles?name=member", None, "admin")
        role = roles.json()["roles"][0]["id"]
        path = f"/v3/projects/{user['default_project_id']}/users/{user['id']}/roles/{role}"
        self.call("identity", "DELETE", path, None, "admin")

    @rule(index=PICK, what=st.sampled_from(["boot", "volume"]))
    def as_made_user(self, index: int, what: str) -> None:
        """A made user boots a server or makes a volume (401 once it is gone)."""
        if not self.users:
            return
        name = _pick(self.users, index)
        if what == "boot":
            server = {"name": "u", "flavorRef": "1", "imageRef": self.ids["base_image_id"]}
            server["networks"] = "none"
            self.call("compute", "POST", "/v2.1/servers", {"server": server}, name, "2.60")
        else:
            self.call(
                "block-storage", "POST", "/v3/{project_id}/volumes", {"volume": {"size": 1}}, name
            )

    # -- session 29: Keystone groups, project trees, implied roles; consistency groups and
    # group replication

    def _member_role(self) -> str:
        roles = self.call("identity", "GET", "/v3/roles?name=member", None, "admin")
        return roles.json()["roles"][0]["id"]

    @rule(
        index=PICK,
        project=st.sampled_from(sorted(OWNERS)),
        verb=st.sampled_from(["make", "join", "grant", "leave", "revoke", "delete"]),
    )
    def ks_group(self, index: int, project: str, verb: str) -> None:
        """A Keystone group: made, joined by a made user, given the member role on a
        project (its members' tokens carry it), left, its grant revoked, deleted."""
        if verb == "make" or not self.ks_groups:
            body = {"group": {"name": f"g{len(self.ks_groups)}-{self.steps}"}}
            resp = self.call("identity", "POST", "/v3/groups", body, "admin")
            if made := self._made(resp, 201, "group", "id"):
                self.ks_groups.append(made)
            return
        group = _pick(self.ks_groups, index)
        if verb == "delete":
            resp = self.call("identity", "DELETE", f"/v3/groups/{group}", None, "admin")
            if resp.status == 204:
                self.ks_groups.remove(group)
            return
        if verb in ("grant", "revoke"):
            path = f"/v3/projects/{self.project_ids[project]}/groups/{group}/roles/"
            method = "PUT" if verb == "grant" else "DELETE"
            self.call("identity", method, path + self._member_role(), None, "admin")
            return
        if not self.users:
            return
        found = self.call("identity", "GET", f"/v3/users?name={_pick(self.users, index)}",
                          None, "admin").json()["users"]  # fmt: skip
        if found:
            method = "PUT" if verb == "join" else "DELETE"
            path = f"/v3/groups/{group}/users/{found[0]['id']}"
            self.call("identity", method, path, None, "admin")

    @rule(
        index=PICK,
        parent=st.sampled_from(sorted(OWNERS)),
        verb=st.sampled_from(["make", "disable", "delete", "delete parent"]),
    )
    def project_tree(self, index: int, parent: str, verb: str) -> None:
        """A child project under a project holding servers and volumes (and one under that);
        disabled, deleted, or its parent's delete tried (Keystone's 403 while children
        remain)."""
        if verb == "make" or not self.children:
            parent_id = self.project_ids[parent]
            if self.children and index % 2:
                parent_id = _pick(self.children, index)
            body = {"project": {"name": f"p{len(self.children)}-{self.steps}",
                                "parent_id": parent_id}}  # fmt: skip
            resp = self.call("identity", "POST", "/v3/projects", body, "admin")
            if made := self._made(resp, 201, "project", "id"):
                self.children.append(made)
            return
        if verb == "delete parent":
            self.call("identity", "DELETE", f"/v3/projects/{self.project_ids[parent]}", None,
                      "admin")  # fmt: skip
            return
        child = _pick(self.children, index)
        if verb == "disable":
            body = {"project": {"enabled": False}}
            self.call("identity", "PATCH", f"/v3/projects/{child}", body, "admin")
            return
        resp = self.call("identity", "DELETE", f"/v3/projects/{child}", None, "admin")
        if resp.status == 204:
            self.children.remove(child)

    @rule(index=PICK, verb=st.sampled_from(["make", "imply", "unimply", "delete"]))
    def implied_role(self, index: int, verb: str) -> None:
        """A role the member role implies (every member's token gains it), removed or the role
        deleted while implied."""
        if verb == "make" or not self.roles:
            body = {"role": {"name": f"r{len(self.roles)}-{self.steps}"}}
            resp = self.call("identity", "POST", "/v3/roles", body, "admin")
            if made := self._made(resp, 201, "role", "id"):
                self.roles.append(made)
            return
        role = _pick(self.roles, index)
        if verb == "delete":
            resp = self.call("identity", "DELETE", f"/v3/roles/{role}", None, "admin")
            if resp.status == 204:
                self.roles.remove(role)
            return
        path = f"/v3/roles/{self._member_role()}/implies/{role}"
        self.call("identity", "PUT" if verb == "imply" else "DELETE", path, None, "admin")

    @rule(
        index=PICK,
        volume=PICK,
        actor=st.sampled_from(ACTORS),
        owner=st.sampled_from(sorted(OWNERS)),
        verb=st.sampled_from(["make", "add", "remove", "snapshot", "delete", "force"]),
    )
    def consistency_group(self, index: int, volume: int, actor: str, owner: str, verb: str):
        """The deprecated consistency groups: made of a volume type, volumes added and removed,
        a cgsnapshot, deleted (with ``force``, its volumes too)."""
        base = "/v3/{project_id}/consistencygroups"
        if verb == "make" or not self.cgs:
            body = {"consistencygroup": {"name": "cg", "volume_types": _pick(self.types, index)}}
            resp = self.call("block-storage", "POST", base, body, owner)
            if made := self._made(resp, 202, "consistencygroup", "id"):
                self.cgs.append((owner, made))
            return
        owner, cg = _pick(self.cgs, index)
        user = self._user(owner, actor)
        if verb in ("delete", "force"):
            body = {"consistencygroup": {"force": verb == "force"}}
            resp = self.call("block-storage", "POST", f"{base}/{cg}/delete", body, user)
            if resp.status == 202:
                self.cgs.remove((owner, cg))
        elif verb == "snapshot":
            body = {"cgsnapshot": {"consistencygroup_id": cg}}
            resp = self.call("block-storage", "POST", "/v3/{project_id}/cgsnapshots", body, user)
            if made := self._made(resp, 202, "cgsnapshot", "id"):
                self.cgsnapshots.append((owner, made))
        elif self.volumes:
            key = "add_volumes" if verb == "add" else "remove_volumes"
            body = {"consistencygroup": {key: _pick(self.volumes, volume)[1]}}
            self.call("block-storage", "PUT", f"{base}/{cg}/update", body, user)

    @rule(
        index=PICK,
        actor=st.sampled_from(ACTORS),
        verb=st.sampled_from(["enable_replication", "disable_replication",
                              "failover_replication", "list_replication_targets"]),
    )  # fmt: skip
    def group_replication(self, index: int, actor: str, verb: str) -> None:
        if not self.groups:
            return
        owner, group = _pick(self.groups, index)
        path = f"/v3/{{project_id}}/groups/{group}/action"
        self.call("block-storage", "POST", path, {verb: {}}, self._user(owner, actor), "3.38")

    # -- session 30: the rest of session 29's surfaces: Nova's per-server lock and the API
    # lock, power-update, assisted snapshots; cgsnapshots; Keystone tags, OS-INHERIT and
    # catalog writes; RPC calls that expire while a service is down

    @rule(
        index=PICK,
        volume=PICK,
        actor=st.sampled_from(ACTORS),
        verbs=st.lists(
            st.sampled_from(["SOFT", "HARD", "detach", "swap", "os-stop", "os-start", "image"]),
            min_size=1,
            max_size=3,
        ),
    )
    def under_the_lock(self, index: int, volume: int, actor: str, verbs: list[str]) -> None:
        """Reboots, detaches, swaps, stops and starts, createImage sent at one instant to a
        server with a volume attached: nova-compute takes them one by one under the server's
        lock (detach, reboot and swap from the releases that lock them)."""
        found = self._attached(index)
        if found is None or not self.volumes:
            return
        owner, server, attached = found
        user = self._user(owner, actor)
        attachment = f"/v2.1/servers/{server}/os-volume_attachments/{attached}"
        for verb in verbs:
            if verb == "detach":
                self.call("compute", "DELETE", attachment, None, user)
            elif verb == "swap":
                body: Any = {"volumeAttachment": {"volumeId": _pick(self.volumes, volume)[1]}}
                self.call("compute", "PUT", attachment, body, "admin", "2.85")
            else:
                body = {"reboot": {"type": verb}} if verb in ("SOFT", "HARD") else {verb: None}
                if verb == "image":
                    body = {"createImage": {"name": "l"}}
                resp = self.call("compute", "POST", f"/v2.1/servers/{server}/action", body, user,
                                 "2.45")  # fmt: skip
                if verb == "image" and (made := self._made(resp, 202, "image_id")):
                    self.images.append((owner, made))

    def _attached(self, index: int) -> tuple[str, str, str] | None:
        """A server with a volume attached, and that volume, by Cinder's in-use volumes of every
        project (the server's owner, as the walk knows it)."""
        path = "/v3/{project_id}/volumes/detail?all_tenants=1&status=in-use"
        volumes = self.call("block-storage", "GET", path, None, "admin").json()["volumes"]
        pairs = [(a["server_id"], v["id"]) for v in volumes for a in v["attachments"]]
        if not pairs:
            return None
        server, volume = pairs[index % len(pairs)]
        return next((o for o, s in self.servers if s == server), "demo"), server, volume

    @rule(index=PICK, actor=st.sampled_from(ACTORS), verb=st.sampled_from(["lock", "unlock"]))
    def api_lock(self, index: int, actor: str, verb: str) -> None:
        """The API's lock: a locked server refuses its owner's actions (409), not an admin's."""
        body = {"lock": {"locked_reason": "r"}} if verb == "lock" else {"unlock": None}
        self._server_action(index, actor, body, "2.73")

    @rule(index=PICK, tag=st.sampled_from(["POWER_ON", "POWER_OFF", "POWER_SAVE"]))
    def power_update(self, index: int, tag: str) -> None:
        """2.76's power-update event, as Ironic sends it (libvirt cannot act on it)."""
        if not self.servers:
            return
        event = {"name": "power-update", "server_uuid": _pick(self.servers, index)[1], "tag": tag}
        self.call("compute", "POST", "/v2.1/os-server-external-events", {"events": [event]},
                  "admin", "2.76")  # fmt: skip

    @rule(index=PICK, snap=PICK, verb=st.sampled_from(["create", "delete"]))
    def assisted_snapshot(self, index: int, snap: int, verb: str) -> None:
        """Nova's os-assisted-volume-snapshots called directly by an admin (Cinder's NFS
        driver's call), for a volume a server has attached and a snapshot of the walk's (its
        status reported to Cinder, which may refuse it)."""
        found = self._attached(index)
        if found is None or not self.snapshots:
            return
        volume = found[2]
        snapshot = _pick(self.snapshots, snap)[1]
        base = "/v2.1/os-assisted-volume-snapshots"
        if verb == "create":
            info = {"snapshot_id": snapshot, "type": "qcow2", "new_file": f"volume-{volume}.s"}
            body = {"snapshot": {"volume_id": volume, "create_info": info}}
            self.call("compute", "POST", base, body, "admin")
            return
        info = {"volume_id": volume, "type": "qcow2", "file_to_merge": f"volume-{volume}.s",
                "merge_target_file": None}  # fmt: skip
        self.call("compute", "DELETE", f"{base}/{snapshot}?delete_info={quote(json.dumps(info))}",
                  None, "admin")  # fmt: skip

    @rule(index=PICK, actor=st.sampled_from(ACTORS), verb=st.sampled_from(["delete", "clone"]))
    def cgsnapshot_call(self, index: int, actor: str, verb: str) -> None:
        """A consistency group's cgsnapshots: deleted, or a group made from one."""
        if not self.cgsnapshots:
            return
        base = "/v3/{project_id}/cgsnapshots"
        owner, cgsnapshot = _pick(self.cgsnapshots, index)
        user = self._user(owner, actor)
        if verb == "delete":
            resp = self.call("block-storage", "DELETE", f"{base}/{cgsnapshot}", None, user)
            if resp.status == 202:
                self.cgsnapshots.remove((owner, cgsnapshot))
            return
        body = {"consistencygroup-from-src": {"name": "c", "cgsnapshot_id": cgsnapshot}}
        resp = self.call("block-storage", "POST", "/v3/{project_id}/consistencygroups/"
                         "create_from_src", body, user)  # fmt: skip
        if made := self._made(resp, 202, "consistencygroup", "id"):
            self.cgs.append((owner, made))

    @rule(
        index=PICK,
        project=st.sampled_from(sorted(OWNERS)),
        tag=st.sampled_from(["blue", "x" * 60, "\u00e9t\u00e9", "a,b", "a/b"]),
        verb=st.sampled_from(["add", "remove", "replace", "clear", "find"]),
    )
    def project_tag(self, index: int, project: str, tag: str, verb: str) -> None:
        """Tags on a project holding servers and volumes, or on a child project."""
        project_id = self.project_ids[project]
        if self.children and index % 2:
            project_id = _pick(self.children, index)
        base = f"/v3/projects/{project_id}/tags"
        if verb == "find":
            self.call("identity", "GET", f"/v3/projects?tags-any={quote(tag)}", None, "admin")
        elif verb in ("add", "remove"):
            method = "PUT" if verb == "add" else "DELETE"
            self.call("identity", method, f"{base}/{quote(tag, safe='')}", None, "admin")
        else:
            body = {"tags": [tag, "blue"] if verb == "replace" else []}
            self.call("identity", "PUT", base, body, "admin")

    @rule(
        index=PICK,
        on=st.sampled_from(["domain", "demo", "other"]),
        who=st.sampled_from(["group", "user"]),
        verb=st.sampled_from(["grant", "revoke", "check", "token"]),
    )
    def inherited_grant(self, index: int, on: str, who: str, verb: str) -> None:
        """OS-INHERIT: the member role inherited by every project below a domain or a project
        (the child projects), for a Keystone group or a user; a user's token scoped to a child
        project."""
        name, password = (
            (_pick(self.users, index), "pw") if self.users else ("other", "other-secret")
        )
        if verb == "token":
            if self.children:  # the user's token scoped to a project below (401 if no role)
                auth = {"identity": {"methods": ["password"], "password": {"user": {
                    "name": name, "password": password, "domain": {"id": "default"}}}},
                    "scope": {"project": {"id": _pick(self.children, index)}}}  # fmt: skip
                self.call("identity", "POST", "/v3/auth/tokens", {"auth": auth}, "admin")
            return
        if who == "group" and self.ks_groups:
            actor_path = f"groups/{_pick(self.ks_groups, index)}"
        else:
            found = self.call("identity", "GET", f"/v3/users?name={name}", None, "admin")
            if not found.json()["users"]:
                return
            actor_path = f"users/{found.json()['users'][0]['id']}"
        scope = "domains/default" if on == "domain" else f"projects/{self.project_ids[on]}"
        path = (f"/v3/OS-INHERIT/{scope}/{actor_path}/roles/{self._member_role()}"
                "/inherited_to_projects")  # fmt: skip
        method = {"grant": "PUT", "revoke": "DELETE", "check": "HEAD"}[verb]
        self.call("identity", method, path, None, "admin")

    @rule(
        index=PICK,
        verb=st.sampled_from(["region", "service", "endpoint", "move", "disable", "delete",
                              "catalog"]),
    )  # fmt: skip
    def catalog_write(self, index: int, verb: str) -> None:
        """Keystone's catalog written: regions, services, endpoints made, moved, disabled and
        deleted (the compute service's too), and a user's catalog read after."""
        services = self.call("identity", "GET", "/v3/services", None, "admin").json()["services"]
        service = services[index % len(services)]["id"]
        if verb == "region":
            body = {"region": {"id": f"R{self.steps}", "parent_region_id": "RegionOne"}}
            self.call("identity", "POST", "/v3/regions", body, "admin")
        elif verb == "service":
            body = {"service": {"type": f"t{self.steps}", "name": "s"}}
            self.call("identity", "POST", "/v3/services", body, "admin")
        elif verb == "endpoint":
            url = "http://e.test/$(project_id)s"
            body = {"endpoint": {"service_id": service, "interface": "public", "url": url,
                                 "region": "R9"}}  # fmt: skip
            self.call("identity", "POST", "/v3/endpoints", body, "admin")
        elif verb == "catalog":
            self.call("identity", "GET", "/v3/auth/catalog", None, "demo")
        else:
            endpoints = self.call("identity", "GET", f"/v3/endpoints?service_id={service}", None,
                                  "admin").json()["endpoints"]  # fmt: skip
            if verb == "delete":
                self.call("identity", "DELETE", f"/v3/services/{service}", None, "admin")
            elif endpoints:
                body = {"endpoint": {"url": "http://moved.test"}}
                if verb == "disable":
                    body = {"endpoint": {"enabled": False}}
                path = f"/v3/endpoints/{endpoints[0]['id']}"
                self.call("identity", "PATCH", path, body, "admin")

    @rule(
        which=st.sampled_from(["cinder-volume", "cmp-1", "cmp-2"]),
        up=st.booleans(),
        wait=st.sampled_from([0.0, 30.0, 61.0]),
    )
    def service_down(self, which: str, up: bool, wait: float) -> None:
        """A volume service or a compute host stopped (its queue kept, calls to it expiring
        after their timeout) or back; the walk's later requests meet it down."""
        (self.down.discard if up else self.down.add)(which)
        self.stopped |= not up
        for cloud in (self.cloud, self.twin):
            if cloud is None:
                continue
            targets = [t for t in cloud.kernel.rpc.targets() if t.startswith("cinder-volume.")]
            if which in cloud.nova.hosts:
                targets = [cloud.nova.hosts[which].target]
            for target in targets:
                cloud.kernel.rpc.set_up(target, up)
        self.advance(wait)

    @rule(
        index=PICK,
        version=st.sampled_from(["2.16", "2.53", "2.88"]),
        verb=st.sampled_from(["views", "evacuate", "window"]),
    )
    def seen_down(self, index: int, version: str, verb: str) -> None:
        """Session 31's surfaces, for session 32: what a stopped service looks like in its
        ``service_down_time`` grace and after (Nova's ``os-services``, ``os-hypervisors``
        detail, a server's ``host_status``; Cinder's ``os-services`` and ``os-hosts``), an
        admin's evacuate of a walk's server (400 while its host is up), and a server's shown
        ``updated`` as the whole-second ``changes-since``/``changes-before`` of a list, which
        must each keep it."""
        owner, server = _pick(self.servers, index) if self.servers else ("demo", None)
        if verb == "views":
            self.call("compute", "GET", "/v2.1/os-services", None, "admin", version)
            self.call("compute", "GET", "/v2.1/os-hypervisors/detail", None, "admin", version)
            self.call("block-storage", "GET", "/v3/{project_id}/os-services", None, "admin")
            self.call("block-storage", "GET", "/v3/{project_id}/os-hosts", None, "admin")
            if server is not None:
                self.call("compute", "GET", f"/v2.1/servers/{server}", None, "admin", version)
        elif server is None:
            return
        elif verb == "evacuate":
            body = {"evacuate": {}}
            self.call("compute", "POST", f"/v2.1/servers/{server}/action", body, "admin", "2.29")
        else:
            shown = self.call("compute", "GET", f"/v2.1/servers/{server}", None, owner, "2.66")
            if shown.status != 200:
                return
            when = quote(shown.json()["server"]["updated"])
            for key in ("changes-since", "changes-before"):
                listed = self.call("compute", "GET", f"/v2.1/servers?{key}={when}", None, owner,
                                   "2.66").json()["servers"]  # fmt: skip
                assert server in [s["id"] for s in listed], (key, when)

    # -- session 31: session 30's surfaces: Keystone's application credentials (their access
    # rules and auth method), credentials, role updates, domain-specific roles, endpoint
    # groups, projects acting as domains; Cinder's failover and replicated volumes, group
    # snapshots; Glance's metadefs under enforced scope

    def _user_id(self, name: str) -> str | None:
        if name == "demo":
            return self.ids["user_id"]
        found = self.call("identity", "GET", f"/v3/users?name={name}", None, "admin")
        return found.json()["users"][0]["id"] if found.json()["users"] else None

    def _token(self, body: Any) -> tuple[str | None, Any]:
        """A token got with `body` (``POST /v3/auth/tokens``), and the answer."""
        resp = self.call("identity", "POST", "/v3/auth/tokens", body, None)
        return (resp.headers["X-Subject-Token"] if resp.status == 201 else None), resp

    @rule(
        index=PICK,
        actor=st.sampled_from(ACTORS),
        verb=st.sampled_from(["make", "auth", "read", "delete"]),
        restricted=st.booleans(),
        ruled=st.booleans(),
    )
    def app_cred(self, index: int, actor: str, verb: str, restricted: bool, ruled: bool) -> None:
        """An application credential of demo or a made user: made (the member role alone, or
        the token's roles; restricted or not; an access rule for Nova's server list), a token
        got with it and used (the list, a volume: an access rule refuses what it does not
        name; a restricted one makes no credential), read and deleted by its owner, a reader,
        a stranger or an admin; once deleted, its auth is 401."""
        if verb == "make" or not self.app_creds:
            owner = _pick(["demo", *self.users], index)
            if (user_id := self._user_id(owner)) is None:
                return
            cred: dict[str, Any] = {"name": f"ac{self.steps}", "unrestricted": not restricted}
            if restricted:
                cred["roles"] = [{"name": "member"}]
            if ruled:
                cred["access_rules"] = [{"service": "compute", "method": "GET",
                                         "path": "/v2.1/servers"}]  # fmt: skip
            path = f"/v3/users/{user_id}/application_credentials"
            resp = self.call("identity", "POST", path, {"application_credential": cred}, owner)
            if resp.status == 201:
                made = resp.json()["application_credential"]
                self.app_creds.append((owner, made["id"], made["secret"]))
            return
        owner, cred_id, secret = _pick(self.app_creds, index)
        auth = {"auth": {"identity": {"methods": ["application_credential"],
                                      "application_credential": {"id": cred_id,
                                                                 "secret": secret}}}}  # fmt: skip
        if verb == "auth":
            token, resp = self._token(auth)
            if token is None:
                return
            project = resp.json()["token"]["project"]["id"]
            self.call("compute", "GET", "/v2.1/servers/detail", None, token=token)
            path = f"/v3/{project}/volumes"
            self.call("block-storage", "POST", path, {"volume": {"size": 1}}, token=token)
            blob = json.dumps({"access": f"x{self.steps}", "secret": "s"})
            body = {"credential": {"type": "ec2", "user_id": resp.json()["token"]["user"]["id"],
                                   "project_id": project, "blob": blob}}  # fmt: skip
            self.call("identity", "POST", "/v3/credentials", body, token=token)
            return
        if (user_id := self._user_id(owner)) is None:
            return
        path = f"/v3/users/{user_id}/application_credentials/{cred_id}"
        user = self._user(owner, actor)
        if verb == "read":
            self.call("identity", "GET", path, None, user)
            self.call("identity", "GET", f"/v3/users/{user_id}/access_rules", None, user)
            return
        if self.call("identity", "DELETE", path, None, user).status == 204:
            self.app_creds.remove((owner, cred_id, secret))
            # keystone's get_application_credential raises ApplicationCredentialNotFound, which
            # the auth lets through (keystone 13.0.0-30.0.0 auth/core.py _lookup_app_cred)
            assert self._token(auth)[1].status == 404, "a deleted application credential's auth"

    @rule(
        index=PICK,
        actor=st.sampled_from(ACTORS),
        verb=st.sampled_from(["make", "read", "update", "delete", "list"]),
        kind=st.sampled_from(["ec2", "totp", "cert"]),
    )
    def credential(self, index: int, actor: str, verb: str, kind: str) -> None:
        """``/v3/credentials``: a user's ec2, totp or cert credential made by its owner or an
        admin, read, its blob or type updated, listed, deleted (then 404)."""
        if verb == "make" or not self.credentials:
            owner = _pick(["demo", *self.users], index)
            if (user_id := self._user_id(owner)) is None:
                return
            blob = json.dumps({"access": f"a{self.steps}", "secret": "s"})
            body = {"credential": {"type": kind, "user_id": user_id, "blob": blob,
                                   "project_id": self.project_ids["demo"]}}  # fmt: skip
            user = owner if actor == "owner" else self._user(owner, actor)
            resp = self.call("identity", "POST", "/v3/credentials", body, user)
            if made := self._made(resp, 201, "credential", "id"):
                self.credentials.append((owner, made))
            return
        owner, cred = _pick(self.credentials, index)
        user, path = self._user(owner, actor), f"/v3/credentials/{cred}"
        if verb == "read":
            self.call("identity", "GET", path, None, user)
        elif verb == "list":
            self.call("identity", "GET", "/v3/credentials?type=ec2", None, user)
        elif verb == "update":
            body = {"credential": {"blob": json.dumps({"access": "b", "secret": "t"})}}
            if index % 2:
                body = {"credential": {"type": kind, "project_id": self.project_ids["other"]}}
            self.call("identity", "PATCH", path, body, user)
        elif self.call("identity", "DELETE", path, None, user).status == 204:
            self.credentials.remove((owner, cred))
            assert self.call("identity", "GET", path, None, "admin").status == 404

    @rule(
        index=PICK,
        project=st.sampled_from(sorted(OWNERS)),
        verb=st.sampled_from(["rename", "immutable", "mutable", "delete", "make", "grant",
                              "domain grant", "imply", "implied", "list"]),
    )  # fmt: skip
    def role_update(self, index: int, project: str, verb: str) -> None:
        """Role updates (``PATCH /v3/roles/{id}``: a name, the immutable option, which then
        refuses updates and deletes) of made and domain-specific roles; domain-specific roles
        made (in the default domain or a project acting as a domain), granted to a made user
        on a project or a domain (their domain's only), implying a global role or implied by
        one (refused), listed by domain."""
        if verb == "make" or not self.domain_roles:
            domain = _pick(["default", *self.domains], index)
            body = {"role": {"name": f"dr{self.steps}", "domain_id": domain}}
            resp = self.call("identity", "POST", "/v3/roles", body, "admin")
            if made := self._made(resp, 201, "role", "id"):
                self.domain_roles.append(made)
            return
        role = _pick(self.domain_roles + self.roles, index)
        path = f"/v3/roles/{role}"
        if verb == "list":
            self.call("identity", "GET", "/v3/roles?domain_id=default", None, "admin")
        elif verb == "rename":
            self.call("identity", "PATCH", path, {"role": {"name": f"n{self.steps}"}}, "admin")
        elif verb in ("immutable", "mutable"):
            body = {"role": {"options": {"immutable": verb == "immutable"}}}
            self.call("identity", "PATCH", path, body, "admin")
        elif verb == "delete":
            if self.call("identity", "DELETE", path, None, "admin").status == 204:
                (self.domain_roles if role in self.domain_roles else self.roles).remove(role)
        elif verb in ("imply", "implied"):
            pair = (role, self._member_role()) if verb == "imply" else (self._member_role(), role)
            self.call("identity", "PUT", "/v3/roles/{}/implies/{}".format(*pair), None, "admin")
        elif self.users and (user_id := self._user_id(_pick(self.users, index))):
            target = f"projects/{self.project_ids[project]}"
            if verb == "domain grant":
                target = f"domains/{_pick(['default', *self.domains], index)}"
            self.call("identity", "PUT", f"/v3/{target}/users/{user_id}/roles/{role}", None,
                      "admin")  # fmt: skip

    @rule(
        index=PICK,
        project=st.sampled_from([*sorted(OWNERS), "child"]),
        verb=st.sampled_from(["make", "associate", "dissociate", "endpoint", "filter", "delete",
                              "catalog"]),
        on=st.sampled_from(["interface", "service_id", "region_id"]),
    )  # fmt: skip
    def endpoint_group(self, index: int, project: str, verb: str, on: str) -> None:
        """OS-EP-FILTER: endpoint groups made (by interface, service or region), associated
        with a project holding servers and volumes (its catalog then only theirs) or a child,
        endpoints associated one by one, filters changed, groups deleted (then 404), and the
        project's users' catalogs read after."""
        base = "/v3/OS-EP-FILTER"
        project_id = self.project_ids.get(project) or _pick(self.children, index)
        if project_id is None:
            return
        value = {"interface": "public", "region_id": "RegionOne"}.get(on)
        if value is None:
            services = self.call("identity", "GET", "/v3/services", None, "admin").json()
            value = services["services"][index % len(services["services"])]["id"]
        if verb == "make" or not self.endpoint_groups:
            body = {"endpoint_group": {"name": f"e{self.steps}", "filters": {on: value}}}
            resp = self.call("identity", "POST", f"{base}/endpoint_groups", body, "admin")
            if made := self._made(resp, 201, "endpoint_group", "id"):
                self.endpoint_groups.append(made)
            return
        group = f"{base}/endpoint_groups/{_pick(self.endpoint_groups, index)}"
        if verb == "catalog":
            self.call("identity", "GET", "/v3/auth/catalog", None, "demo")
            self.call("identity", "GET", f"{base}/projects/{project_id}/endpoints", None, "admin")
        elif verb in ("associate", "dissociate"):
            method = "PUT" if verb == "associate" else "DELETE"
            self.call("identity", method, f"{group}/projects/{project_id}", None, "admin")
        elif verb == "endpoint":
            endpoints = self.call("identity", "GET", "/v3/endpoints", None, "admin").json()
            endpoint = endpoints["endpoints"][index % len(endpoints["endpoints"])]["id"]
            path = f"{base}/projects/{project_id}/endpoints/{endpoint}"
            self.call("identity", "PUT" if index % 2 else "DELETE", path, None, "admin")
        elif verb == "filter":
            body = {"endpoint_group": {"filters": {on: value}}}
            self.call("identity", "PATCH", group, body, "admin")
        elif self.call("identity", "DELETE", group, None, "admin").status == 204:
            self.endpoint_groups.remove(group.rsplit("/", 1)[1])
            assert self.call("identity", "GET", group, None, "admin").status == 404

    @rule(
        index=PICK,
        verb=st.sampled_from(["make", "child", "user", "disable", "enable", "delete", "token"]),
        route=st.sampled_from(["projects", "domains"]),
    )
    def domain_project(self, index: int, verb: str, route: str) -> None:
        """Projects acting as domains (``is_domain``): made, a project and a user made in one,
        disabled and enabled through either route, deleted (403 while enabled; then the
        domain is gone), the admin's token scoped to one (after a grant on it)."""
        if verb == "make" or not self.domains:
            body = {"project": {"name": f"d{self.steps}", "is_domain": True}}
            resp = self.call("identity", "POST", "/v3/projects", body, "admin")
            if made := self._made(resp, 201, "project", "id"):
                self.domains.append(made)
            return
        domain = _pick(self.domains, index)
        path = f"/v3/{route}/{domain}"
        key = route[:-1] if route == "projects" else "domain"
        if verb == "child":
            body = {"project": {"name": f"c{self.steps}", "domain_id": domain}}
            if made := self._made(self.call("identity", "POST", "/v3/projects", body, "admin"),
                                  201, "project", "id"):  # fmt: skip
                self.children.append(made)
        elif verb == "user":
            body = {"user": {"name": f"du{self.steps}", "domain_id": domain, "password": "pw"}}
            self.call("identity", "POST", "/v3/users", body, "admin")
        elif verb in ("disable", "enable"):
            self.call("identity", "PATCH", path, {key: {"enabled": verb == "enable"}}, "admin")
        elif verb == "token":
            admin_id = self._user_id_of("admin")
            grant = f"/v3/domains/{domain}/users/{admin_id}/roles/{self._member_role()}"
            self.call("identity", "PUT", grant, None, "admin")
            auth = {"identity": {"methods": ["password"], "password": {"user": {
                "name": "admin", "password": "admin-secret", "domain": {"id": "default"}}}},
                "scope": {"domain": {"id": domain}}}  # fmt: skip
            self._token({"auth": auth})
        elif self.call("identity", "DELETE", path, None, "admin").status == 204:
            self.domains.remove(domain)
            assert self.call("identity", "GET", f"/v3/domains/{domain}", None, "admin").status \
                == 404  # fmt: skip

    def _user_id_of(self, name: str) -> str:
        return self.call("identity", "GET", f"/v3/users?name={name}", None,
                         "admin").json()["users"][0]["id"]  # fmt: skip

    @rule(
        verb=st.sampled_from(["failover_host", "failback", "unknown", "failover", "freeze",
                              "thaw"]),
        wait=WAITS,
    )  # fmt: skip
    def failover(self, verb: str, wait: float) -> None:
        """Cinder's replicating backend failed over (``failover_host`` to its target, back to
        ``default``, to a target it lacks; ``failover`` at 3.26, which 28.0.0 routes no more),
        frozen or thawed, while the walk's volumes (replicated ones too) are used."""
        body: dict[str, Any] = {"host": self.ids["replicated_host"]}
        action, version = verb, None
        if verb in ("failover_host", "failover"):
            body["backend_id"] = "dr"
            version = "3.26" if verb == "failover" else None
        elif verb in ("failback", "unknown"):
            action, body["backend_id"] = "failover_host", {"failback": "default"}.get(verb, "x")
        path = f"/v3/{{project_id}}/os-services/{action}"
        self.call("block-storage", "PUT", path, body, "admin", version)
        self.advance(wait)

    @rule(
        group=PICK,
        actor=st.sampled_from(ACTORS),
        verb=st.sampled_from(["snapshot", "delete", "reset", "clone"]),
    )
    def group_snapshot(self, group: int, actor: str, verb: str) -> None:
        """Group snapshots of the walk's groups (an empty one: Cinder's 400), deleted, reset by
        an admin, a group made from one."""
        if not self.groups:
            return
        owner, group_id = _pick(self.groups, group)
        user = self._user(owner, actor)
        base = "/v3/{project_id}/group_snapshots"
        if verb == "snapshot":
            body = {"group_snapshot": {"group_id": group_id, "name": "gs"}}
            self.call("block-storage", "POST", base, body, user, "3.14")
            return
        listed = self.call("block-storage", "GET", f"{base}/detail?all_tenants=1", None, "admin",
                           "3.14").json()["group_snapshots"]  # fmt: skip
        if not listed:
            return
        snap = listed[group % len(listed)]["id"]
        if verb == "delete":
            self.call("block-storage", "DELETE", f"{base}/{snap}", None, user, "3.14")
        elif verb == "reset":
            body = {"reset_status": {"status": "error" if group % 2 else "available"}}
            self.call("block-storage", "POST", f"{base}/{snap}/action", body, "admin", "3.19")
        else:
            body = {"create-from-src": {"name": "gc", "group_snapshot_id": snap}}
            resp = self.call("block-storage", "POST", "/v3/{project_id}/groups/action", body, user,
                             "3.14")  # fmt: skip
            if made := self._made(resp, 202, "group", "id"):
                self.groups.append((owner, made))

    @rule(
        index=PICK,
        who=st.sampled_from(["admin", "demo", "demo-reader", "other", "system"]),
        verb=st.sampled_from(["make", "object", "property", "tag", "tags", "visibility",
                              "protect", "read", "list", "delete", "delete objects",
                              "delete tags"]),
        public=st.booleans(),
    )  # fmt: skip
    def metadef(self, index: int, who: str, verb: str, public: bool) -> None:
        """Glance's metadefs as an admin, a member, a reader, a stranger or the admin's
        system-scoped token (which, where scope is enforced, passes no rule: a bare 404):
        namespaces made public or private, objects, properties and tags added, visibility and
        protection changed, read, listed and deleted (a made one then shows 404)."""
        token = None
        if who == "system" and (token := self._token(SYSTEM_AUTH)[0]) is None:
            return
        base = "/v2/metadefs/namespaces"
        visibility = "public" if public else "private"

        def send(method: str, path: str, body: Any = None) -> Any:
            return self.call("image", method, path, body, who, token=token)

        if verb == "make" or not self.namespaces:
            name = f"ns{self.steps}"
            resp = send("POST", base, {"namespace": name, "visibility": visibility})
            if resp.status == 201:
                self.namespaces.append(name)
                assert send("GET", f"{base}/{name}").status == 200, "a made namespace"
            return
        ns = _pick(self.namespaces, index)
        path = f"{base}/{ns}"
        if verb == "object":
            send("POST", f"{path}/objects", {"name": f"o{self.steps}", "properties": {
                "x": {"type": "string", "title": "X"}}})  # fmt: skip
        elif verb == "property":
            send("POST", f"{path}/properties", {"name": f"p{self.steps}", "title": "P",
                                                "type": "integer", "minimum": 0})  # fmt: skip
        elif verb == "tag":
            send("POST", f"{path}/tags/t{self.steps}")
        elif verb == "tags":
            send("POST", f"{path}/tags", {"tags": [{"name": "a"}, {"name": f"b{self.steps}"}]})
        elif verb in ("visibility", "protect"):
            body = {"namespace": ns, "visibility": visibility}
            if verb == "protect":
                body["protected"] = public
            send("PUT", path, body)
        elif verb == "read":
            send("GET", f"{path}?resource_type=OS::Glance::Image")
            send("GET", f"{path}/objects")
        elif verb == "list":
            send("GET", f"{base}?visibility={visibility}")
        elif verb == "delete objects":
            send("DELETE", f"{path}/objects")
        elif verb == "delete tags":
            send("DELETE", f"{path}/tags")
        elif send("DELETE", path).status == 204:
            self.namespaces.remove(ns)
            assert self.call("image", "GET", path, None, "admin").status == 404

    # -- time and copies --------------------------------------------------------------------

    @rule(seconds=WAITS)
    def wait(self, seconds: float) -> None:
        self.advance(seconds)

    @rule(use=st.sampled_from(["load", "fork"]))
    def round_trip(self, use: str) -> None:
        """Settle, save: a load and a fork save the same bytes; carry on with one of them,
        sending every later request to the original too."""
        self.cloud.run_until_idle()
        if self.twin is not None:
            self.twin.run_until_idle()
        saved = state.dumps(self.cloud)
        if self.twin is not None:
            theirs = state.dumps(self.twin)
            apart = _apart(json.loads(saved), json.loads(theirs)) if theirs != saved else None
            assert apart is None, f"the copies went apart at {apart}"
        loaded = state.loads(saved, cloud_class=Cloud)
        assert state.dumps(loaded) == saved, "a loaded cloud saves other bytes"
        forked = self.cloud.fork()
        assert state.dumps(forked) == saved, "a fork saves other bytes"
        self.twin = self.cloud
        self.cloud = loaded if use == "load" else forked

    # -- after every step -------------------------------------------------------------------

    @invariant()
    def invariants_hold(self) -> None:
        self.steps += 1
        violations = self.cloud.check_invariants()
        if self.foreign_attached:
            kept = [v for v in violations if not _foreign_volume_500(v)]
            # Nova's loop leaves the volume snapshots it made before the 500 (in Nova too)
            self.orphans_made |= len(kept) < len(violations)
            violations = kept
        if self.orphans_made:
            violations = [v for v in violations if v.invariant != "no_orphan_volume_snapshot"]
        violations = [v for v in violations if not _refused_swap_500(v)]
        if self.stopped:
            # an RPC call to a stopped service times out: the API's own 500 where nothing
            # catches MessagingTimeout, in OpenStack too (scenarios/bugs/lp1754360_*.yaml)
            violations = [v for v in violations if not _rpc_timeout_500(v)]
        if self.down:
            # work waits in a stopped service's queue (in OpenStack too): only what may never
            # happen, however long it waits, is checked until the service is back
            violations = [v for v in violations if v.invariant == "no_unexpected_500"]
        assert not violations, violations
