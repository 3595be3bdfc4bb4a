"""Run `cases.play` against fakecloud (``Cloud(profile="upstream")``, in-process, Cinder's
REST API through ``cloud.request``): ``PYTHONPATH=. .venv/bin/python
tools/cinder_oracle/run_fakecloud.py OUT.json`` from the repository."""

import json
import os
import sys
from pathlib import Path

from fakecloud import Cloud

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import cases  # noqa: E402
from oracle_compare import wire_header_dict  # noqa: E402

OUT = sys.argv[1] if len(sys.argv) > 1 else "fc-cinder.json"
# The admin works in the member's project, as run_cinder.py's does (the project in a URL
# must be the token's).
USERS = {"member": "demo", "admin": "boss", "reader": "demo-reader", "other": "alt"}
CONFIG = {
    "identity": {
        "projects": {"alt": {"description": "another"}},
        "users": {
            "alt": {"password": "pw", "project": "alt", "roles": ["member"]},
            "boss": {"password": "pw", "project": "demo", "roles": ["admin"]},
        },
    }
}
cloud = Cloud(profile="upstream", config=CONFIG)


def send(method, path, mv, body, user):
    """One request to fakecloud's Cinder, as `cases.Send`."""
    # What requests sends (the gateway would send application/json).
    headers = {"Content-Type": "application/json", "Accept": "*/*"}
    if mv is not None:
        headers["OpenStack-API-Version"] = f"volume {mv}"
    r = cloud.request("volumev3", method, path, body=body or b"", user=USERS[user], headers=headers)
    try:
        j = r.json() if r.body else None
    except Exception:
        j = {"_text": r.body[:300].decode(errors="replace")}
    return r.status, j, wire_header_dict(r)


pid = cloud.keystone.token_for("demo").project.id
out = cases.play(send, cloud.run_until_idle, pid)
Path(OUT).write_text(json.dumps(out, indent=1, default=str))
print("done", len(out))
