"""Run `cases.CASES` against fakecloud (``Cloud(profile="upstream")``, in-process, the same
servers and states as run_nova.py): ``PYTHONPATH=. .venv/bin/python
tools/nova_oracle/run_fakecloud.py OUT.json [--profile nova-X.Y.Z]`` from the repository
(``--profile``: the release the nova side ran, ``upstream`` by default; ``GLANCE=URL``: Nova's
``[glance] api_servers``, by default the nova fixtures' ``http://localhost:9292``)."""

import argparse
import json
import os
import sys
from pathlib import Path

from tests.nova.conftest import NovaEnv

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import cases  # noqa: E402
from oracle_compare import answer_json, wire_header_dict  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("out", nargs="?", default="fc-results.json")
parser.add_argument("--profile", default="upstream")
args = parser.parse_args()
OUT = args.out
USERS = {
    "member": "demo",
    "admin": "admin",
    "reader": "demo-reader",
    "other": "alt",
    "service": "nova-svc",
}
CONFIG = {
    "identity": {
        "projects": {"alt": {"description": "another"}},
        # the service role the fixtures' token carries: keystone-manage bootstrap makes it from
        # 2023.2 (24.0.0) only, so an older profile's cloud starts without it
        "roles": {"service": []},
        "users": {
            "alt": {"password": "pw", "project": "alt", "roles": ["member"]},
            "nova-svc": {"password": "pw", "project": "demo", "roles": ["member", "service"]},
        },
    },
    # One compute host, as the nova fixtures start; the resize stays on it, as run_nova.py
    # sets, and a shelve keeps the server SHELVED.
    "nova": {"compute_hosts": 1, "allow_resize_to_same_host": True, "shelved_offload_time_s": -1},
}
# Nova's [glance] api_servers as every release's Glance fixture sets it (a 2.1 createImage's
# Location names it; 34.0.0's default endpoint ends in "/": "...//images/<id>").
CONFIG["nova"]["glance_api_servers"] = os.environ.get("GLANCE", "http://localhost:9292")
env = NovaEnv(profile=args.profile, config=CONFIG)
cloud = env.cloud


def boot_bfv(name):
    """A volume-backed server booted as run_nova.py's ``_boot(bfv=True)`` asks (a 1 GiB volume
    from the image, ``delete_on_termination`` left out: false); its id once ACTIVE."""
    bdm = {"source_type": "image", "destination_type": "volume", "boot_index": 0}
    bdm.update(uuid=env.image.id, volume_size=1)
    server = {"name": name, "flavorRef": "1", "networks": "none", "imageRef": ""}
    body = {"server": {**server, "block_device_mapping_v2": [bdm]}}
    resp = env.request("POST", "/v2.1/servers", body, microversion="2.45")
    assert resp.status == 202, resp.json()
    cloud.run_until_idle()
    return resp.json()["server"]["id"]


sid = env.boot("a")
vsid = boot_bfv("v")
lsid = env.boot("l")
env.action(lsid, {"lock": None})
cloud.run_until_idle()
rsid = env.boot("r")
env.action(rsid, {"rescue": {}})
cloud.run_until_idle()
esid = env.boot("e")
env.action(esid, {"os-resetState": {"state": "error"}}, user="admin")
cloud.run_until_idle()
psid = env.boot("p")
env.action(psid, {"pause": None})
cloud.run_until_idle()
pid = cloud.keystone.token_for("demo").project.id


def acted(sid, body, user="demo"):
    """`sid` after the action `body` (run to idle)."""
    env.action(sid, body, user=user)
    cloud.run_until_idle()
    return sid


def more_servers():
    """run_nova.py's `_more_servers`: the key pair, the group and its stopped member, the
    suspended, shelved, offloaded, resized, admin-locked and deleted servers."""
    quota = {"quota_set": cases.QUOTA}
    assert env.request("PUT", f"/v2.1/os-quota-sets/{pid}", quota, user="admin").status == 200
    key = {"keypair": {"name": cases.KEYPAIR, "public_key": cases.PUBLIC_KEY}}
    assert env.request("POST", "/v2.1/os-keypairs", key).status == 200
    gid = env.request("POST", "/v2.1/os-server-groups", cases.GROUP).json()["server_group"]["id"]
    member = {"name": "t", "flavorRef": "1", "networks": "none", "imageRef": env.image.id}
    body = {"server": member, "os:scheduler_hints": {"group": gid}}
    tsid = env.request("POST", "/v2.1/servers", body, microversion="2.45").json()["server"]["id"]
    cloud.run_until_idle()
    more = {
        "gid": gid,
        "ssid": acted(env.boot("s"), {"suspend": None}),
        "tsid": acted(tsid, {"os-stop": None}),
        "hsid": acted(env.boot("h"), {"shelve": None}),
        "osid": acted(acted(env.boot("o"), {"shelve": None}), {"shelveOffload": None}, "admin"),
        "vosid": acted(boot_bfv("vo"), {"shelve": None}),
        "zsid": acted(env.boot("z"), {"resize": {"flavorRef": "2"}}),
        "asid": acted(env.boot("al"), {"lock": None}, "admin"),
    }
    more["dsid"] = env.boot("d")
    assert env.request("DELETE", "/v2.1/servers/" + more["dsid"]).status == 204
    cloud.run_until_idle()
    return more


#: ``{rimg}``: an image other than the one the volume-backed server's volume was made from.
rimg = next(i.id for i in cloud.glance.db.images.values() if i.name == "cirros-0.6.2-x86_64-qga")
assert rimg != env.image.id
attached = env.request("GET", f"/v2.1/servers/{vsid}/os-volume_attachments").json()
#: ``{host}`` in a path: the compute host (not among the ids, which the comparison writes back
#: as placeholders wherever they occur).
HOST = next(iter(cloud.nova.hosts))
ids = cases.ids(
    uid=cloud.keystone.token_for("demo").user.id,
    vvol=attached["volumeAttachments"][0]["volumeId"],
    rimg=rimg,
    sid=sid,
    vsid=vsid,
    lsid=lsid,
    rsid=rsid,
    esid=esid,
    psid=psid,
    pid=pid,
    **more_servers(),
)
out = []
for name, method, path, headers, body, user in cases.CASES:
    h = {k: v for k, v in headers.items()}
    if "Accept" not in h:
        h["Accept"] = None  # gateway's default accept dropped, as requests sends */*
    r = cloud.request(
        "compute",
        method,
        path.format(host=HOST, **ids),
        body=cases.fill(body, {**ids, "host": HOST}) if body is not None else b"",
        user=USERS[user],
        headers=h,
    )
    j = answer_json(r)
    out.append(
        {
            "name": name,
            "status": r.status,
            "json": j,
            "headers": wire_header_dict(r),
            "ids": ids,
        }
    )
    cases.learn(ids, j)
    cloud.run_until_idle()
Path(OUT).write_text(json.dumps(out, indent=1, default=str))
print("done", len(out))
