"""The events that Nova's writers and Cinder's new rows put at trace sites (an instance
action's events, a snapshot's uploaded end, the volume-backed quiesce's log line, a snapshot
row's first state) are the events the general write gives: the same trace bytes and snapshot
as a trace whose every `Trace.write_at` goes through `Trace.write`, for a volume-backed and an
image-backed createImage (twice each: a site's second event takes its kept shape), and the
values each caller means."""

import json

import pytest

from fakecloud import Cloud
from fakecloud.sim.trace import Trace

IMAGE = "cirros-0.6.2-x86_64-qga"


def _general_write_at(self, site, actor, subject, tail=()):
    """`Trace.write_at` as the general write of the same event."""
    self.write(
        site.form, actor, site.subject(subject), site.values(tail), site.template is not None
    )


def _trace(monkeypatch: pytest.MonkeyPatch, general: bool) -> tuple:
    if general:
        monkeypatch.setattr(Trace, "write_at", _general_write_at)
    cloud = Cloud()
    image = cloud.request("image", "GET", f"/v2/images?name={IMAGE}").json()["images"][0]["id"]
    root = {"boot_index": 0, "uuid": image, "source_type": "image"}
    root.update(destination_type="volume", volume_size=1, delete_on_termination=True)
    servers = [
        {"name": "vb", "flavorRef": "1", "networks": "none", "imageRef": ""},
        {"name": "ib", "flavorRef": "1", "networks": "none", "imageRef": image},
    ]
    servers[0]["block_device_mapping_v2"] = [root]
    ids = []
    for server in servers:
        body = {"server": server}
        r = cloud.request("compute", "POST", "/v2.1/servers", body=body, microversion="2.37")
        ids.append(r.json()["server"]["id"])
    cloud.run_until_idle()
    for i, server in enumerate(ids * 2):
        body = {"createImage": {"name": f"snap-{i}"}}
        path = f"/v2.1/servers/{server}/action"
        r = cloud.request("compute", "POST", path, body=body, microversion="2.45")
        assert r.status == 202
        cloud.run_until_idle()
    monkeypatch.undo()
    return cloud.trace.to_jsonl(), cloud.trace.snapshot()


def _details(jsonl: str, kind: str, **match: object) -> list[dict]:
    """The `kind` events matching `match`, without their time, seq and subject."""
    found = []
    for line in jsonl.splitlines():
        event = json.loads(line)
        if event["kind"] == kind and all(event.get(k) == v for k, v in match.items()):
            for key in ("t", "seq", "subject"):
                del event[key]
            found.append(event)
    return found


def test_events_at_sites_are_the_general_writes_events(monkeypatch):
    general = _trace(monkeypatch, general=True)
    assert _trace(monkeypatch, general=False) == general
    jsonl = general[0]
    finish = {"kind": "nova.event", "actor": "nova-api-1", "event": "api_snapshot_instance"}
    assert (
        _details(jsonl, "nova.event", event="api_snapshot_instance")
        == [
            finish | {"phase": "start"},
            finish | {"phase": "finish", "result": "Success"},
        ]
        * 2
    )
    uploaded = {"kind": "nova.snapshot", "actor": "nova-compute:cmp-2", "phase": "uploaded"}
    assert _details(jsonl, "nova.snapshot", phase="uploaded") == [uploaded] * 2
    assert [e["message"] for e in _details(jsonl, "log", actor="nova-api")] == [
        "Attempting to quiesce instance before volume snapshot."
    ] * 2
    born = {"kind": "state", "actor": "cinder-api", "machine": "snapshot.status"}
    assert (
        _details(jsonl, "state", machine="snapshot.status", old=None)
        == [born | {"field": "status", "old": None, "new": "creating"}] * 2
    )
