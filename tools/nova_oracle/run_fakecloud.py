"""Run `cases.CASES` against fakecloud (``Cloud(profile="upstream")``, in-process, the same
servers and states as run_nova.py): ``PYTHONPATH=. .venv/bin/python
tools/nova_oracle/run_fakecloud.py OUT.json [--profile nova-X.Y.Z]`` from the repository
(``--profile``: the release the nova side ran, ``upstream`` by default; ``GLANCE=URL``: Nova's
``[glance] api_servers``, as the nova fixtures' ``http://localhost:9292``)."""

import argparse
import json
import os
import sys
from pathlib import Path

from tests.nova.conftest import NovaEnv

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import cases  # noqa: E402
from oracle_compare import wire_header_dict  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("out", nargs="?", default="fc-results.json")
parser.add_argument("--profile", default="upstream")
args = parser.parse_args()
OUT = args.out
USERS = {"member": "demo", "admin": "admin", "reader": "demo-reader", "other": "alt"}
CONFIG = {
    "identity": {
        "projects": {"alt": {"description": "another"}},
        "users": {"alt": {"password": "pw", "project": "alt", "roles": ["member"]}},
    },
    # One compute host, as the nova fixtures start.
    "nova": {"compute_hosts": 1},
}
if os.environ.get("GLANCE"):
    CONFIG["nova"]["glance_api_servers"] = os.environ["GLANCE"]
env = NovaEnv(profile=args.profile, config=CONFIG)
cloud = env.cloud
sid = env.boot("a")
vsid = env.boot("v", bfv=True)
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
ids = cases.ids(
    sid=sid,
    vsid=vsid,
    lsid=lsid,
    rsid=rsid,
    esid=esid,
    psid=psid,
    pid=pid,
)
out = []
for name, method, path, headers, body, user in cases.CASES:
    h = {k: v for k, v in headers.items()}
    if "Accept" not in h:
        h["Accept"] = None  # gateway's default accept dropped, as requests sends */*
    r = cloud.request(
        "compute",
        method,
        path.format(**ids),
        body=body if body is not None else b"",
        user=USERS[user],
        headers=h,
    )
    try:
        j = r.json() if r.body else None
    except Exception:
        j = {"_text": r.body[:300].decode(errors="replace")}
    out.append(
        {
            "name": name,
            "status": r.status,
            "json": j,
            "headers": wire_header_dict(r),
            "ids": ids,
        }
    )
    cloud.run_until_idle()
Path(OUT).write_text(json.dumps(out, indent=1, default=str))
print("done", len(out))
