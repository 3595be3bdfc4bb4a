"""Shared set-up for the save/load/fork tests: boot servers as a user does, and run one
continuation on a cloud and on its copies, collecting what a user sees."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from fakecloud import Cloud

QGA = "cirros-0.6.2-x86_64-qga"


def image_id(cloud: Cloud, name: str = QGA) -> str:
    """The id of a base image, by name."""
    return cloud.request("image", "GET", f"/v2/images?name={name}").json()["images"][0]["id"]


def boot(cloud: Cloud, name: str = "vm", volumes: int = 0) -> str:
    """Boot a server (image-backed, or from `volumes` 1 GiB volumes) and run until idle."""
    server: dict[str, Any] = {"name": name, "flavorRef": "1", "networks": "none"}
    if volumes:
        mapping = [
            {
                "boot_index": 0 if i == 0 else -1,
                "source_type": "image" if i == 0 else "blank",
                "destination_type": "volume",
                "volume_size": 1,
                "delete_on_termination": True,
            }
            for i in range(volumes)
        ]
        mapping[0]["uuid"] = image_id(cloud)
        server.update(imageRef="", block_device_mapping_v2=mapping)
    else:
        server["imageRef"] = image_id(cloud)
    r = cloud.request(
        "compute", "POST", "/v2.1/servers", body={"server": server}, microversion="2.37"
    )
    assert r.status == 202, r.json()
    cloud.run_until_idle()
    return r.json()["server"]["id"]


def copies(cloud: Cloud, tmp_path: Path, replica: bool = True) -> dict[str, Cloud]:
    """The cloud, a fork of it, a replica's fork of it (unless not `replica`) and a cloud
    loaded from its saved file."""
    from fakecloud.state.replica import Replica

    path = tmp_path / "world.json"
    clouds = {"original": cloud, "fork": cloud.fork()}
    if replica:
        clouds["replica"] = Replica(cloud).fork()
    cloud.save(path)
    clouds["loaded"] = Cloud.load(path)
    return clouds


def continue_all(clouds: dict[str, Cloud], step: Callable[[Cloud], Any]) -> tuple[Any, str]:
    """Run `step` on every cloud; assert each sees the same and writes the same trace bytes.

    Returns what `step` saw and the trace (JSON Lines) they share.
    """
    seen = {name: step(c) for name, c in clouds.items()}
    traces = {name: c.trace.to_jsonl() for name, c in clouds.items()}
    for name in clouds:
        assert seen[name] == seen["original"], f"{name} saw something else"
        assert traces[name] == traces["original"], f"{name} wrote another trace"
    return seen["original"], traces["original"]
