"""Shared set-up for the volume-backed snapshot tests: boot-from-volume servers, what a user
reads back (Cinder snapshots, Glance images, instance actions), the guest's frozen intervals,
and the timeline arithmetic the frozen windows are checked against.

The timeline of an online snapshot, from the configuration alone (``L`` = ``volume_api.
latency_s``, ``d`` = ``rpc.delay_s``, ``P`` = ``nova.snapshot_completion_poll_s``): the
``quiesce_instance`` call sent at ``T`` is delivered at ``T + d``; the guest is frozen at
``T + d + freeze_s`` and the reply is back ``d`` later. Per volume, in order, the API spends
``L`` on ``volume_api.get`` and ``L`` on ``create_snapshot_force`` (Cinder makes the snapshot
half-way, ``L/2``); Cinder casts scheduler → volume (``2d``) and the backend takes its time.
The unquiesce cast is delivered ``d`` after the last create returns; each poll reads the status
``L/2`` after it starts and returns ``L/2`` later, the next one starts ``P`` after the previous
start; the thaw completes ``thaw_s`` after the last poll returns.
"""

from __future__ import annotations

import math
from typing import Any

from fakecloud.nova.objects import Flavor
from tests.nova.conftest import NovaEnv

QGA = "cirros-0.6.2-x86_64-qga"
"""A base image with ``hw_qemu_guest_agent=yes`` (quiesce works)."""
NO_AGENT = "cirros-0.6.2-x86_64-disk"
"""A base image with no guest agent (quiesce is QemuGuestAgentNotEnabled)."""
STRICT = "ubuntu-24.04-server-cloudimg-amd64-qga"
"""A base image with the agent and ``os_require_quiesce=yes`` (min_disk 4)."""
GiB = 1024**3
MB = 1_000_000
#: A blank 2 GiB data volume, deleted with the server.
DATA_VOLUME = {
    "boot_index": -1,
    "source_type": "blank",
    "destination_type": "volume",
    "volume_size": 2,
    "delete_on_termination": True,
}
#: A 1 GiB local ext4 ephemeral disk.
EPHEMERAL = {
    "boot_index": -1,
    "source_type": "blank",
    "destination_type": "local",
    "volume_size": 1,
    "guest_format": "ext4",
}


def backend_config(kind: str, **spec: Any) -> dict[str, Any]:
    """A ``cinder`` config section whose default volume type lives on one `kind` backend."""
    return {
        "backends": {"b1": {"kind": kind, **spec}},
        "volume_types": {"__DEFAULT__": {"backend": "b1"}},
    }


#: Flavors with room for a 1 GiB ephemeral disk, a 512 MB swap disk or both, by (ephemeral,
#: swap) asked for: Nova refuses local blank disks beyond the flavor's (``_validate_bdm``) and
#: adds the flavor's own unless asked for (``_get_flavor_defined_bdms``); devstack's have none.
LOCAL_DISKS_FLAVORS = {
    (True, False): Flavor("eph", "m1.tiny.eph", 512, 1, 1, ephemeral_gb=1),
    (False, True): Flavor("swap", "m1.tiny.swap", 512, 1, 1, swap=512),
    (True, True): Flavor("ephswap", "m1.tiny.ephswap", 512, 1, 1, ephemeral_gb=1, swap=512),
}


def local_disks_flavor(bdms: list[dict[str, Any]]) -> str:
    """The flavor for a boot with `bdms`: devstack's m1.tiny, or the one of
    `LOCAL_DISKS_FLAVORS` that holds exactly their local disks."""
    local = [b for b in bdms if b.get("destination_type") == "local"]
    swap = any(b.get("guest_format") == "swap" for b in local)
    ephemeral = any(b.get("guest_format") != "swap" for b in local)
    if not (swap or ephemeral):
        return "1"
    return LOCAL_DISKS_FLAVORS[ephemeral, swap].flavorid


class BfvEnv(NovaEnv):
    """A cloud plus helpers for servers booted from volumes (and `LOCAL_DISKS_FLAVORS`, for
    those with local ephemeral or swap disks)."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for flavor in LOCAL_DISKS_FLAVORS.values():
            self.nova.flavors[flavor.flavorid] = flavor

    def image_id(self, name: str) -> str:
        """The id of a base image by name."""
        return next(i.id for i in self.images if i.name == name)

    def boot_bfv(
        self,
        name: str = "vm",
        image: str = QGA,
        size: int = 1,
        extra: list[dict[str, Any]] | None = None,
        user: str = "demo",
        wait: bool = True,
    ) -> str:
        """Boot a server whose root is a `size` GiB volume made of `image` (plus `extra`
        block devices, e.g. blank data volumes); its id."""
        mapping = [
            {
                "boot_index": 0,
                "uuid": self.image_id(image),
                "source_type": "image",
                "destination_type": "volume",
                "volume_size": size,
                "delete_on_termination": True,
            },
            *(extra or []),
        ]
        server = {
            "name": name,
            "flavorRef": local_disks_flavor(extra or []),
            "networks": "none",
            "imageRef": "",
            "block_device_mapping_v2": mapping,
        }
        resp = self.request(
            "POST", "/v2.1/servers", {"server": server}, user=user, microversion="2.45"
        )
        assert resp.status == 202, resp.json()
        sid = resp.json()["server"]["id"]
        if wait:
            self.cloud.run_until_idle()
            assert self.server(sid)["status"] == "ACTIVE", self.server(sid)
        return sid

    def server_action(self, sid: str, action: str, user: str = "demo") -> None:
        """A power action (``os-stop``, ``pause``, ``suspend``...), run to its end."""
        resp = self.action(sid, {action: None}, user=user)
        assert resp.status == 202, resp.json()
        self.cloud.run_until_idle()

    def snap(self, sid: str, name: str = "snap", **kw: Any) -> str:
        """A createImage that must answer 202; the image id."""
        resp = self.create_image(sid, name=name, **kw)
        assert resp.status == 202, resp.json()
        return resp.json()["image_id"]

    # -- what a user reads -------------------------------------------------------------------

    def volume_snapshots(self, user: str = "demo") -> list[dict[str, Any]]:
        """``GET /v3/{project_id}/snapshots/detail``, oldest first (the list's own order
        reversed: the times shown are MySQL's whole seconds, which snapshots of one flow
        share)."""
        resp = self.cloud.request("volumev3", "GET", "/v3/{project_id}/snapshots/detail", user=user)
        assert resp.status == 200, resp.json()
        return resp.json()["snapshots"][::-1]

    def volume(self, volume_id: str, user: str = "demo") -> dict[str, Any]:
        """``GET /v3/{project_id}/volumes/{id}``."""
        resp = self.cloud.request("volumev3", "GET", f"/v3/{{project_id}}/volumes/{volume_id}")
        assert resp.status == 200, resp.json()
        return resp.json()["volume"]

    def images_named(self, name: str) -> list[dict[str, Any]]:
        """Glance's images called `name` (admin view)."""
        resp = self.cloud.request("image", "GET", f"/v2/images?name={name}", user="admin")
        return resp.json()["images"]

    def actions(self, sid: str) -> list[dict[str, Any]]:
        """The server's instance actions with their events (admin view, top microversion)."""
        path = f"/v2.1/servers/{sid}/os-instance-actions"
        listed = self.request("GET", path, user="admin", microversion=self.top).json()
        out = []
        for action in listed["instanceActions"]:
            one = self.request(
                "GET", f"{path}/{action['request_id']}", user="admin", microversion=self.top
            )
            out.append(one.json()["instanceAction"])
        return out

    # -- the guest ---------------------------------------------------------------------------

    def domain(self, sid: str) -> Any:
        """The libvirt domain of a server, wherever it runs."""
        for manager in self.nova.hosts.values():
            dom = manager.driver.domains.get(sid)
            if dom is not None:
                return dom
        raise AssertionError(f"no domain for {sid}")

    def events(self, kind: str, **fields: Any) -> list[dict[str, Any]]:
        """Trace events of `kind` matching `fields`."""
        return list(self.cloud.trace.filter(kind=kind, **fields))

    def t(self, kind: str, index: int = 0, **fields: Any) -> float:
        """Virtual time of the `index`-th event of `kind` matching `fields`."""
        return self.events(kind, **fields)[index]["t"]

    # -- timeline arithmetic -----------------------------------------------------------------

    @property
    def L(self) -> float:  # noqa: N802 - the symbol of the module doc
        """One round trip of Nova's Cinder client."""
        return self.nova.volume_api.config.latency_s

    @property
    def d(self) -> float:
        """One RPC delivery."""
        return self.cloud.config.rpc.delay_s

    @property
    def nova_cfg(self) -> Any:
        return self.cloud.config.nova

    def available_times(self, created: list[float], backend_s: list[float]) -> list[float]:
        """When each snapshot is ``available``: made at `created`, then scheduler → volume
        casts, then the backend's time."""
        return [c + 2 * self.d + s for c, s in zip(created, backend_s, strict=True)]

    def thaw_time(self, delivered: float, available: list[float], thaw_s: float) -> float:
        """When the thaw completes: ``_wait_for_snapshots_completion`` from `delivered`, each
        snapshot polled in order every ``P`` until it is no longer ``creating``."""
        half, poll = self.L / 2, self.nova_cfg.snapshot_completion_poll_s
        t = delivered
        for ready in available:
            ticks = max(0, math.ceil(round((ready - t - half) / poll, 9)))
            t = t + ticks * poll + self.L
        return t + thaw_s


def copy_seconds(size_gib: int, throughput_mb_per_s: float) -> float:
    """A full copy of `size_gib` GiB at `throughput_mb_per_s` MB/s (1 MB = 10^6 bytes)."""
    return size_gib * GiB / (throughput_mb_per_s * MB)
