"""``fakecloud demo``: run the snapshot flow the seed document teaches, and show it.

The default flow is the seed's own subject: a server booted from a volume is snapshotted while
ACTIVE ("online": the guest's filesystems are frozen through the guest agent while Cinder takes
the volume snapshot, then thawed). Other flows: ``--flow volume-offline`` (the same server
SHUTOFF: no freeze) and ``--flow image`` (an image-booted server: disk extract and upload to
Glance). The run takes virtual seconds and costs milliseconds; it prints the story step by step,
then the sequence of calls between services, the state changes, and the invariants' verdict.

    fakecloud demo [--flow volume-online|volume-offline|image] [--profile seed|upstream]
                   [--seed N] [--trace out.jsonl] [--timeline]
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from typing import Any

from fakecloud.cloud import Cloud
from fakecloud.views.timeline import sequence, state_changes, story, timeline

FLOWS = ("volume-online", "volume-offline", "image")
IMAGE_NAME = "cirros-0.6.2-x86_64-qga"


@dataclass
class DemoRun:
    """A finished demo: the cloud, the story's events, and readable names for its ids."""

    cloud: Cloud
    events: list[dict[str, Any]]
    aliases: dict[str, str]


class DemoError(RuntimeError):
    """A step of the demo did not answer as the flow expects."""


def _ok(response: Any, step: str, *expected: int) -> Any:
    if response.status not in expected:
        raise DemoError(f"{step}: HTTP {response.status} {response.json()}")
    return response.json()


def _server_state(cloud: Cloud, server_id: str) -> str:
    body = _ok(cloud.request("compute", "GET", f"/v2.1/servers/{server_id}"), "show server", 200)
    return body["server"]["status"]


def run_flow(flow: str = "volume-online", profile: str = "seed", seed: int = 0) -> DemoRun:
    """Boot a server for `flow`, snapshot it with createImage, wait until the cloud is idle."""
    if flow not in FLOWS:
        raise DemoError(f"unknown flow {flow!r}; flows are {', '.join(FLOWS)}")
    cloud = Cloud(seed=seed, profile=profile)
    images = _ok(cloud.request("image", "GET", f"/v2/images?name={IMAGE_NAME}"), "find image", 200)[
        "images"
    ]
    image_id = images[0]["id"]
    server: dict[str, Any] = {"name": "demo-server", "flavorRef": "1", "networks": "none"}
    if flow.startswith("volume"):
        server["block_device_mapping_v2"] = [
            {
                "boot_index": 0,
                "uuid": image_id,
                "source_type": "image",
                "destination_type": "volume",
                "volume_size": 1,
                "delete_on_termination": True,
            }
        ]
        server["imageRef"] = ""
    else:
        server["imageRef"] = image_id
    created = _ok(
        cloud.request(
            "compute", "POST", "/v2.1/servers", body={"server": server}, microversion="2.37"
        ),
        "boot server",
        202,
    )
    server_id = created["server"]["id"]
    cloud.run_until_idle()
    if flow == "volume-offline":
        _ok(
            cloud.request(
                "compute", "POST", f"/v2.1/servers/{server_id}/action", body={"os-stop": None}
            ),
            "stop server",
            202,
        )
        cloud.run_until_idle()
    state = _server_state(cloud, server_id)
    cloud.trace.emit("note", "demo", server_id, text=f"the server is {state}: createImage now")
    answer = _ok(
        cloud.request(
            "compute",
            "POST",
            f"/v2.1/servers/{server_id}/action",
            body={"createImage": {"name": "demo-snapshot", "metadata": {"purpose": "demo"}}},
            microversion="2.45",
        ),
        "createImage",
        202,
    )
    cloud.run_until_idle()
    start = cloud.trace.first(kind="api.request", subject="POST /v2.1/servers")
    events = list(cloud.trace)[start["seq"] :]
    return DemoRun(cloud, events, _aliases(cloud, server_id, answer["image_id"], image_id))


def _aliases(cloud: Cloud, server_id: str, snapshot_image_id: str, image_id: str) -> dict:
    """Readable names for the ids of the run, read from the services' own records."""
    aliases = {server_id: "server", snapshot_image_id: "snapshot-image", image_id: IMAGE_NAME}
    for n, vol in enumerate(cloud.cinder.store.volumes.values(), 1):
        aliases[vol.id] = f"volume-{n}"
    for n, snap in enumerate(cloud.cinder.store.snapshots.values(), 1):
        aliases[snap.id] = f"volume-snapshot-{n}"
    for n, attachment in enumerate(cloud.cinder.store.attachments.values(), 1):
        aliases[attachment.id] = f"attachment-{n}"
    return aliases


def main(argv: list[str] | None = None) -> int:
    """Run the demo and print it; the exit status."""
    p = argparse.ArgumentParser(prog="fakecloud demo", description=__doc__.split("\n")[0])
    p.add_argument("--flow", choices=FLOWS, default="volume-online")
    p.add_argument("--profile", choices=("seed", "upstream"), default="seed")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--trace", metavar="OUT.jsonl", help="also write the whole trace")
    p.add_argument("--timeline", action="store_true", help="print every trace event too")
    args = p.parse_args(argv)
    try:
        run = run_flow(args.flow, args.profile, args.seed)
    except DemoError as exc:
        print(f"fakecloud demo: {exc}", file=sys.stderr)
        return 1
    title = f"fakecloud demo — {args.flow} snapshot, profile {args.profile}, seed {args.seed}"
    print(title)
    print("=" * len(title))
    print("\n== the story (virtual time) ==")
    cloud, events, aliases = run.cloud, run.events, run.aliases
    print(story(events, aliases))
    print("\n== calls between services ==")
    print(sequence(events, aliases))
    print("\n== state changes ==")
    print(state_changes(events, aliases))
    if args.timeline:
        print("\n== every event ==")
        print(timeline(cloud.trace))
    violations = cloud.check_invariants()
    print("\n== invariants ==")
    print("all hold" if not violations else "\n".join(map(str, violations)))
    print(f"\nvirtual time: {cloud.now:.3f} s; trace: {len(cloud.trace)} events")
    if args.trace:
        cloud.trace.to_jsonl(args.trace)
        print(f"trace written to {args.trace} (fakecloud report {args.trace})")
    return 0 if not violations else 1
