"""Run `cases.play` against fakecloud (``Cloud(profile="upstream")``, in-process, Cinder's
REST API through ``cloud.request``): ``PYTHONPATH=. .venv/bin/python
tools/cinder_oracle/run_fakecloud.py OUT.json [--profile nova-X.Y.Z]`` from the repository
(``--profile``: the series the cinder side ran, e.g. ``nova-20.6.1`` for Cinder 15)."""

import argparse
import json
import os
import sys
from pathlib import Path

from fakecloud import Cloud

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import cases  # noqa: E402
from oracle_compare import answer_json, wire_header_dict  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("out", nargs="?", default="fc-cinder.json")
parser.add_argument("--profile", default="upstream")
args = parser.parse_args()
OUT = args.out
# The admin works in the member's project, as run_cinder.py's does (the project in a URL
# must be the token's).
USERS = {
    "member": "demo",
    "admin": "boss",
    "reader": "demo-reader",
    "other": "alt",
    # the member's request with Nova's service token (`send`: X-Service-Token)
    "service": "demo",
    # a member whose own token holds the service role, and no service token
    "svcrole": "svc-user",
}
CONFIG = {
    "identity": {
        "projects": {"alt": {"description": "another"}},
        # the service role Nova's token carries: keystone-manage bootstrap makes it from
        # 2023.2 (24.0.0) only, so an older profile's cloud starts without it
        "roles": {"service": []},
        "users": {
            "alt": {"password": "pw", "project": "alt", "roles": ["member"]},
            "boss": {"password": "pw", "project": "demo", "roles": ["admin"]},
            "nova-service": {"password": "pw", "project": "demo", "roles": ["service"]},
            "svc-user": {"password": "pw", "project": "demo", "roles": ["member", "service"]},
        },
    }
}
cloud = Cloud(profile=args.profile, config=CONFIG)


def send(method, path, mv, body, user):
    """One request to fakecloud's Cinder, as `cases.Send`."""
    # What requests sends (the gateway would send application/json).
    headers = {"Content-Type": "application/json", "Accept": "*/*"}
    if mv is not None:
        headers["OpenStack-API-Version"] = f"volume {mv}"
    caller = USERS[user]
    if user == "service":
        headers["X-Auth-Token"] = cloud.keystone.token_for(caller).id
        headers["X-Service-Token"] = cloud.keystone.token_for("nova-service").id
        caller = None
    r = cloud.request("volumev3", method, path, body=body or b"", user=caller, headers=headers)
    # a real request takes time: the real side's sqlite keeps each row's microseconds, so its
    # rows never tie; fakecloud stores MySQL's whole second and orders a second's rows by id
    # (process_sort_params' created_at, id), so a second a request keeps the lists' order
    # compared (as the glance runner, session 38)
    cloud.advance(1.0)
    j = answer_json(r)
    return r.status, j, wire_header_dict(r)


def hold(ids):
    """A server booted and given the "held" volume through Nova (`cases.HELD_CASES`)."""
    image = next(iter(cloud.glance.db.images.values()))
    server = {"name": "held", "flavorRef": "1", "imageRef": image.id, "networks": "none"}
    r = cloud.request(
        "compute", "POST", "/v2.1/servers", body={"server": server}, microversion="2.45"
    )
    assert r.status == 202, r.json()
    sid = r.json()["server"]["id"]
    r = send(
        "POST", f"/v3/{pid}/volumes", "3.0", b'{"volume": {"size": 1, "name": "held"}}', "member"
    )
    vid = r[1]["volume"]["id"]
    cloud.run_until_idle()
    body = {"volumeAttachment": {"volumeId": vid}}
    r = cloud.request("compute", "POST", f"/v2.1/servers/{sid}/os-volume_attachments", body=body)
    assert r.status == 200, r.json()
    cloud.run_until_idle()
    st, j, _h = send("GET", f"/v3/{pid}/attachments?volume_id={vid}", "3.44", None, "member")
    return {"hsid": sid, "hvid": vid, "haid": j["attachments"][0]["id"]}


pid = cloud.keystone.token_for("demo").project.id


def stop():
    """The volume service stopped (`cases.STOPPED_CASES`): casts to it wait in its queue."""
    for backend in cloud.cinder.drivers:
        cloud.kernel.rpc.set_up(cloud.cinder.volume_target(backend), False)


out = cases.play(send, cloud.run_until_idle, pid, hold=hold, stop=stop)
Path(OUT).write_text(json.dumps(out, indent=1, default=str))
print("done", len(out))
