"""Run `cases.CASES` against fakecloud's Keystone (``Cloud(profile=...)``, in-process):
``PYTHONPATH=. .venv/bin/python tools/keystone_oracle/run_fakecloud.py OUT.json [--profile
nova-X.Y.Z]`` from the repository (``upstream`` by default: Keystone 30). Every case's user
gets a token by password first, as run_keystone.py's do, and each case is sent with it."""

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
parser.add_argument("out", nargs="?", default="fc-keystone-results.json")
parser.add_argument("--profile", default="upstream")
args = parser.parse_args()
cloud = Cloud(profile=args.profile)


def send(method, path, body=None, headers=None):
    """One request to the identity API with no token but what `headers` carry."""
    h = {"Accept": None, **(headers or {})}
    return cloud.request("identity", method, path, body=body or b"", user=None, headers=h)


def token(who):
    """A token of `cases.USERS[who]` by password."""
    name, scope = cases.USERS[who]
    sc = {"system": {"all": True}} if scope == "system" else cases.project_scope(scope)
    body = cases.b(cases.password_auth(name, cases.PASSWORDS[name], sc))
    r = send("POST", "/v3/auth/tokens", body, {"Content-Type": cases.J})
    assert r.status == 201, r.body
    return r.headers["X-Subject-Token"]


keystone = cloud.keystone
tokens = {who: token(who) for who in cases.USERS}
ref = {name: send("GET", "/v3/auth/tokens", None, {"X-Auth-Token": tokens["system"],
       "X-Subject-Token": tokens[who]}).json()["token"] for who, name in
       (("admin", "admin"), ("member", "demo"), ("reader", "demo-reader"))}  # fmt: skip
roles = send("GET", "/v3/roles", None, {"X-Auth-Token": tokens["system"]}).json()["roles"]
found = {
    "demo_pid": ref["demo"]["project"]["id"],
    "admin_pid": ref["admin"]["project"]["id"],
    "demo_uid": ref["demo"]["user"]["id"],
    "reader_uid": ref["demo-reader"]["user"]["id"],
    "admin_uid": ref["admin"]["user"]["id"],
    "nouuid": cases.NO_SUCH,
    "member_token": tokens["member"],
    **{f"{r['name']}_rid": r["id"] for r in roles},
}
out = []
for case in cases.CASES:
    name = case[0]
    r = send(*cases.filled(case, found, tokens))
    j = answer_json(r)
    out.append(
        {
            "name": name,
            "status": r.status,
            "json": j,
            "headers": wire_header_dict(r),
            "ids": dict(found),
        }  # fmt: skip
    )
    found = cases.kept(case, j, found, out[-1]["headers"])
    cloud.run_until_idle()
Path(args.out).write_text(json.dumps(out, indent=1, default=str))
print("done", len(out))
