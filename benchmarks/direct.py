"""Direct flows: requests through the API handlers (``cloud.request``), no HTTP, no client.

Each case builds a cloud, prepares what the measured flow needs (unmeasured), then runs the
flow several times per sample. Every request's answer is checked, so a benchmark that breaks
the flow fails instead of measuring an error path.
"""

from __future__ import annotations

from typing import Any

from measure import Result, rate, repeat

from fakecloud import Cloud

UNLIMITED = {
    "nova": {"quota_instances": -1, "quota_cores": -1, "quota_ram": -1},
    "cinder": {"quota_volumes": -1, "quota_snapshots": -1, "quota_gigabytes": -1},
}
IMAGE_NAME = "cirros-0.6.2-x86_64-qga"


def image_id(cloud: Cloud) -> str:
    """The id of the cirros base image."""
    r = cloud.request("image", "GET", f"/v2/images?name={IMAGE_NAME}")
    return r.json()["images"][0]["id"]


def expect(response: Any, status: int, what: str) -> Any:
    """`response`, or SystemExit naming `what` when its status is not `status`."""
    if response.status != status:
        raise SystemExit(f"{what}: {response.status} {response.json()}")
    return response


def boot_body(image: str, volumes: int, name: str, flavor: str = "1") -> dict[str, Any]:
    """A server-create body: image-backed (`volumes` 0) or booted from a volume made from
    the image, plus `volumes` - 1 blank data volumes."""
    server: dict[str, Any] = {"name": name, "flavorRef": flavor, "networks": "none"}
    if not volumes:
        server["imageRef"] = image
        return {"server": server}
    root = {
        "boot_index": 0,
        "uuid": image,
        "source_type": "image",
        "destination_type": "volume",
        "volume_size": 1,
        "delete_on_termination": True,
    }
    blank = {
        "boot_index": -1,
        "source_type": "blank",
        "destination_type": "volume",
        "volume_size": 1,
        "delete_on_termination": True,
    }
    server["imageRef"] = ""
    server["block_device_mapping_v2"] = [root] + [dict(blank) for _ in range(volumes - 1)]
    return {"server": server}


def boot(cloud: Cloud, count: int, volumes: int, flavor: str = "1") -> list[str]:
    """Boot `count` servers (all requests first, then run until idle); their ids."""
    image = image_id(cloud)
    ids = []
    for i in range(count):
        body = boot_body(image, volumes, f"s{i}", flavor)
        r = cloud.request("compute", "POST", "/v2.1/servers", body=body, microversion="2.37")
        ids.append(expect(r, 202, "boot").json()["server"]["id"])
    cloud.run_until_idle()
    r = cloud.request("compute", "GET", "/v2.1/servers/detail?status=ERROR&limit=1")
    for server in expect(r, 200, "servers in ERROR").json()["servers"]:
        raise SystemExit(f"boot: a server went to ERROR: {server.get('fault')}")
    return ids


def create_image(cloud: Cloud, server_id: str, name: str) -> str:
    """createImage on `server_id`, run to completion; the new image's id."""
    r = cloud.request(
        "compute",
        "POST",
        f"/v2.1/servers/{server_id}/action",
        body={"createImage": {"name": name}},
        microversion="2.45",
    )
    expect(r, 202, "createImage")
    cloud.run_until_idle()
    return r.json()["image_id"]


def _image_active(cloud: Cloud, image: str) -> None:
    r = cloud.request("image", "GET", f"/v2/images/{image}")
    if r.json().get("status") != "active":
        raise SystemExit(f"snapshot image not active: {r.json()}")


#: How many servers of a flavor one compute host holds in placement (session 44's inventories:
#: MEMORY_MB (131,072 - 512) x 1.5, DISK_GB 900, VCPU 32 x 16): m1.tiny by its 512 MB, m1.small
#: by its 20 GB root.
SERVERS_A_HOST = {"1": 382, "2": 45}


def _create_image_case(
    case: str, config: dict, volumes: int, flavor: str, per_run: int, runs: int, target: float
) -> Result:
    count = per_run * (runs + 1)
    # every server is booted before the first sample: a cloud with hosts enough to hold them
    # all, as an operator's would be (two hosts refuse the 91st m1.small: No valid host)
    hosts = max(2, -(-count // SERVERS_A_HOST[flavor]))
    cloud = Cloud(config={**config, "nova": {**config["nova"], "compute_hosts": hosts}})
    servers = iter(boot(cloud, count, volumes, flavor))
    last: list[str] = []

    def work() -> None:
        for i in range(per_run):
            last.append(create_image(cloud, next(servers), f"snap-{i}"))

    samples = repeat(work, runs)
    _image_active(cloud, last[-1])
    return rate(case, samples, per_run, target)


def create_image_volume_backed(quick: bool) -> Result:
    """createImage on a booted volume-backed server with two volumes, run to completion."""
    per_run, runs = (2, 1) if quick else (200, 7)
    return _create_image_case(
        "createImage, volume-backed (2 volumes), to completion",
        UNLIMITED,
        2,
        "1",
        per_run,
        runs,
        3000.0,
    )


#: An image-backed guest with 10 GB written on its disk: m1.small (20 GB root), half written.
TEN_GB = {**UNLIMITED, "nova": {**UNLIMITED["nova"], "guest_written_fraction": 0.5}}


def create_image_image_backed(quick: bool) -> Result:
    """createImage of an image-backed server with a 10 GB disk, to an active image."""
    per_run, runs = (2, 1) if quick else (200, 7)
    return _create_image_case(
        "createImage, image-backed 10 GB disk, to active image",
        TEN_GB,
        0,
        "2",
        per_run,
        runs,
        3000.0,
    )


def boot_snapshot_delete(quick: bool) -> Result:
    """Boot from volume, createImage, delete the server: the whole flow, direct."""
    per_run, runs = (2, 1) if quick else (200, 7)
    cloud = Cloud(config=UNLIMITED)
    image = image_id(cloud)
    count = iter(range(10**9))

    def flow() -> None:
        n = next(count)
        r = cloud.request(
            "compute",
            "POST",
            "/v2.1/servers",
            body=boot_body(image, 1, f"b{n}"),
            microversion="2.37",
        )
        server = expect(r, 202, "boot").json()["server"]["id"]
        cloud.run_until_idle()
        create_image(cloud, server, f"snap-{n}")
        expect(cloud.request("compute", "DELETE", f"/v2.1/servers/{server}"), 204, "delete")
        cloud.run_until_idle()

    def work() -> None:
        for _ in range(per_run):
            flow()

    samples = repeat(work, runs)
    return rate("boot from volume + createImage + delete, direct", samples, per_run, 1000.0)


def fresh_cloud(quick: bool) -> Result:
    """A fresh ``Cloud()``: CPU milliseconds."""
    from measure import cost_ms

    samples = repeat(Cloud, 2 if quick else 200)
    return cost_ms("fresh Cloud()", samples, 20.0)
