"""The storm: N boot-from-volume servers on H hosts, all snapshotting at once.

N servers (m1.tiny; root volume an RBD clone of a golden snapshot, Cinder on one Ceph RBD
backend, as an operator of a large boot-from-volume cloud has it) are booted through the API
handlers, then every one gets ``createImage`` at the same virtual instant and the cloud runs
until every flow is done (Cinder snapshots and Glance images active). Python's collector runs as
it does for users. Measured in CPU seconds: the boot and the storm; and the peak resident
memory of the process. Each size runs in its own process (``--storm-one N H``), so each peak is
its own and the sizes give the curve of cost per server.
"""

from __future__ import annotations

import gc
import json
import os
import resource
import subprocess
import sys
import time
from typing import Any

from direct import UNLIMITED, expect, image_id
from measure import Result

from fakecloud import Cloud

#: Cinder on one Ceph RBD backend, so a volume from a snapshot is a copy-on-write clone (a
#: metadata operation). 1 PB: the default 100 TB is full with 100,000 1 GB volumes.
STORM_CINDER = {
    **UNLIMITED["cinder"],
    "backends": {"ceph": {"kind": "rbd", "capacity_gb": 1_000_000}},
    "volume_types": {"__DEFAULT__": {"backend": "ceph", "description": "Ceph RBD"}},
}

#: Servers per compute host in every size of the curve (100,000 on 1,000 hosts).
PER_HOST = 100


def _wait_cinder(cloud: Cloud, kind: str, ident: str) -> None:
    cloud.run_until_idle()
    r = cloud.request("volumev3", "GET", f"/v3/{{project_id}}/{kind}s/{ident}")
    if r.json()[kind]["status"] != "available":
        raise SystemExit(f"golden {kind} not available: {r.json()}")


def golden_snapshot(cloud: Cloud) -> str:
    """A volume made from the cirros image (a real download into Ceph), snapshotted."""
    r = cloud.request(
        "volumev3",
        "POST",
        "/v3/{project_id}/volumes",
        body={"volume": {"size": 1, "imageRef": image_id(cloud), "name": "golden"}},
    )
    volume = expect(r, 202, "golden volume").json()["volume"]["id"]
    _wait_cinder(cloud, "volume", volume)
    r = cloud.request(
        "volumev3",
        "POST",
        "/v3/{project_id}/snapshots",
        body={"snapshot": {"volume_id": volume, "name": "golden"}},
    )
    snapshot = expect(r, 202, "golden snapshot").json()["snapshot"]["id"]
    _wait_cinder(cloud, "snapshot", snapshot)
    return snapshot


def boot(cloud: Cloud, count: int) -> list[str]:
    """Boot `count` servers from the golden snapshot, all requests first; their ids."""
    mapping = {
        "boot_index": 0,
        "uuid": golden_snapshot(cloud),
        "source_type": "snapshot",
        "destination_type": "volume",
        "delete_on_termination": True,
    }
    ids = []
    for i in range(count):
        body = {
            "server": {
                "name": f"s{i}",
                "flavorRef": "1",
                "networks": "none",
                "imageRef": "",
                "block_device_mapping_v2": [mapping],
            }
        }
        r = cloud.request("compute", "POST", "/v2.1/servers", body=body, microversion="2.37")
        ids.append(expect(r, 202, "boot").json()["server"]["id"])
    cloud.run_until_idle()
    active = sum(1 for sid in ids if cloud.nova.db.instances[sid].vm_state == "active")
    if active != count:
        raise SystemExit(f"only {active} of {count} servers are ACTIVE after boot")
    return ids


def snapshot_all(cloud: Cloud, servers: list[str]) -> None:
    """createImage on every server at one virtual instant, then run until all are done."""
    from fakecloud.scenario.transport import Transport

    transport = Transport(cloud)
    for i, sid in enumerate(servers):
        answer = transport.send(
            "compute",
            "POST",
            f"/v2.1/servers/{sid}/action",
            user="demo",
            body={"createImage": {"name": f"storm-{i}"}},
            microversion="2.45",
        )
        if not hasattr(answer, "status"):
            cloud.kernel.spawn(answer, name=f"createImage {sid}")
    cloud.run_until_idle()
    n = len(servers)
    images = sum(
        1
        for i in cloud.glance.db.images.values()
        if i.name.startswith("storm-") and i.status == "active"
    )
    snapshots = sum(1 for s in cloud.cinder.store.snapshots.values() if s.status == "available")
    if images != n or snapshots != n + 1:
        raise SystemExit(f"storm incomplete: {images} images, {snapshots - 1} snapshots of {n}")


class GcClock:
    """CPU seconds spent in Python's collector and collections per generation, per phase.

    Only watches (``gc.callbacks``): the collector runs with its usual thresholds, as users have
    it. A storm's flows are all in flight at once, so most of what they allocate outlives the
    young generations; the full collections that this promotes walk the whole heap.
    """

    def __init__(self) -> None:
        self.phase = "boot"
        self.cpu_s = {"boot": 0.0, "storm": 0.0}
        self.collections = {"boot": [0, 0, 0], "storm": [0, 0, 0]}
        self._started = 0.0

    def __call__(self, stage: str, info: dict[str, Any]) -> None:
        if stage == "start":
            self._started = time.process_time()
            return
        self.cpu_s[self.phase] += time.process_time() - self._started
        self.collections[self.phase][info["generation"]] += 1


def one(servers: int, hosts: int) -> dict[str, Any]:
    """One storm in this process: CPU seconds of boot and storm (and of the collector in each),
    peak RSS, events."""
    config = {"nova": {**UNLIMITED["nova"], "compute_hosts": hosts}, "cinder": STORM_CINDER}
    clock = GcClock()
    gc.callbacks.append(clock)
    try:
        cloud = Cloud(config=config)
        t = time.process_time()
        ids = boot(cloud, servers)
        boot_s = time.process_time() - t
        boot_virtual = cloud.now
        clock.phase = "storm"
        t = time.process_time()
        snapshot_all(cloud, ids)
        storm_s = time.process_time() - t
    finally:
        gc.callbacks.remove(clock)
    return {
        "servers": servers,
        "hosts": hosts,
        "boot_cpu_s": boot_s,
        "storm_cpu_s": storm_s,
        "boot_virtual_s": boot_virtual,
        "storm_virtual_s": cloud.now - boot_virtual,
        "boot_gc_cpu_s": clock.cpu_s["boot"],
        "storm_gc_cpu_s": clock.cpu_s["storm"],
        "gc_collections": clock.collections,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "trace_events": len(cloud.trace),
    }


def run_one(servers: int, hosts: int) -> dict[str, Any]:
    """`one` in a fresh Python process (its own peak memory)."""
    here = os.path.dirname(os.path.abspath(__file__))
    out = subprocess.run(
        [sys.executable, os.path.join(here, "run.py"), "--storm-one", str(servers), str(hosts)],
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise SystemExit(f"storm of {servers} failed:\n{out.stdout}\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def storm(quick: bool, sizes: list[int] | None = None) -> list[Result]:
    """The storm at each size (the last is the target's); results and the curve."""
    sizes = sizes or ([200, 400] if quick else [1_000, 10_000, 100_000])
    curve = [run_one(n, max(1, n // PER_HOST)) for n in sizes]
    big = curve[-1]
    n = big["servers"]
    full = n >= 100_000
    notes = f"{n} servers on {big['hosts']} hosts"
    results = [
        Result(
            f"storm: boot {n} BFV servers",
            "CPU s",
            big["boot_cpu_s"],
            big["boot_cpu_s"],
            big["boot_cpu_s"],
            1,
            60.0 if full else None,
            "lower",
            note=notes,
        ),
        Result(
            f"storm: {n} snapshotting at once",
            "CPU s",
            big["storm_cpu_s"],
            big["storm_cpu_s"],
            big["storm_cpu_s"],
            1,
            40.0 if full else None,
            "lower",
            note=notes,
        ),
        Result(
            f"storm: peak memory, {n} servers",
            "MB",
            big["peak_rss_mb"],
            big["peak_rss_mb"],
            big["peak_rss_mb"],
            1,
            2048.0 if full else None,
            "lower",
            note=f"{big['trace_events']} trace events",
        ),
    ]
    per = [(c["boot_cpu_s"] + c["storm_cpu_s"]) * 1e6 / c["servers"] for c in curve]
    gc_per = [(c["boot_gc_cpu_s"] + c["storm_gc_cpu_s"]) * 1e6 / c["servers"] for c in curve]
    flat = Result(
        "storm: CPU per server (boot + snapshot)",
        "CPU us",
        per[-1],
        min(per),
        max(per),
        len(per),
        None,
        "lower",
        note="curve (of which the collector): "
        + ", ".join(
            f"{c['servers']}: {p:.0f} us ({g:.0f})"
            for c, p, g in zip(curve, per, gc_per, strict=True)
        ),
    )
    flat.extra["curve"] = curve
    flat.extra["growth"] = per[-1] / per[0]
    results.append(flat)
    kb = [c["peak_rss_mb"] * 1024 / c["servers"] for c in curve]
    memory = Result(
        "storm: peak memory per server",
        "KB",
        kb[-1],
        min(kb),
        max(kb),
        len(kb),
        None,
        "lower",
        note="curve (peak RSS over servers, fixed costs included): "
        + ", ".join(f"{c['servers']}: {k:.1f} KB" for c, k in zip(curve, kb, strict=True)),
    )
    results.append(memory)
    return results
