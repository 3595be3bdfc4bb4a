"""Run `cases` against fakecloud (``Cloud(profile="upstream")`` without base images,
in-process, through the gateway as a token's user): ``PYTHONPATH=. .venv/bin/python
tools/glance_oracle/run_fakecloud.py OUT.json [PROFILE]`` from the repository (PROFILE: a
release whose Glance the other side runs, such as ``nova-33.0.2`` for glance 32.0.0)."""

import json
import os
import sys
from pathlib import Path

from fakecloud import Cloud

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cases  # noqa: E402

OUT = sys.argv[1] if len(sys.argv) > 1 else "fc-results.json"
PROFILE = sys.argv[2] if len(sys.argv) > 2 else "upstream"
USERS = {
    "member": "demo",
    "admin": "admin",
    "reader": "demo-reader",
    "other": "alt",
    "service": "nova",
    "svctoken": "demo",  # with `SERVICE_TOKEN_USER`'s token as its X-Service-Token
}
SERVICE_TOKEN_USER = "nova-service"
CONFIG = {
    "glance": {"base_images": []},
    "identity": {
        "projects": {"alt": {"description": "another"}},
        "users": {
            "alt": {"password": "pw", "project": "alt", "roles": ["member"]},
            "nova": {"password": "pw", "project": "demo", "roles": ["member", "service"]},
            "nova-service": {"password": "pw", "project": "demo", "roles": ["service"]},
        },
    },
}
#: ``ORACLE_QUOTAS=1``: unified limits on (`cases.LIMITS`), the quota cases alone.
QUOTAS = os.environ.get("ORACLE_QUOTAS") == "1"
if QUOTAS:
    CONFIG["glance"].update(use_keystone_limits=True, registered_limits=dict(cases.LIMITS))
cloud = Cloud(profile=PROFILE, config=CONFIG)


def send(method, path, headers, body, user):
    """One request as `user`; (status, lower-cased headers, JSON or None)."""
    h = dict(headers)
    if "Accept" not in h:
        h["Accept"] = None  # the gateway's default accept dropped, as webob sends none
    caller = USERS[user]
    if user == "svctoken":
        h["X-Auth-Token"] = cloud.keystone.token_for(caller).id
        h["X-Service-Token"] = cloud.keystone.token_for(SERVICE_TOKEN_USER).id
        caller = None
    r = cloud.request(
        "image", method, path, body=body if body is not None else b"", user=caller, headers=h
    )
    cloud.run_until_idle()
    # a real request takes time: images made one after another are ordered by when. The real
    # side's sqlite keeps each row's microseconds, so its rows never tie; fakecloud stores
    # MySQL's whole second and orders a second's rows by id (_image_get_all's created_at, id),
    # so a second a request keeps the lists' order compared (session 38)
    cloud.advance(1.0)
    body = r.body if isinstance(r.body, (bytes, str)) else r.json()
    try:
        j = body if isinstance(body, (dict, list)) else json.loads(body) if body else None
    except ValueError:
        j = {"_text": bytes(body)[:300].decode(errors="replace")}
    hdrs = {k.lower(): v if isinstance(v, str) else ", ".join(v) for k, v in r.headers.items()}
    return r.status, hdrs, j


ids = {
    "other": cloud.keystone.token_for("alt").project.id,
    "pid": cloud.keystone.token_for("demo").project.id,
    "apid": cloud.keystone.token_for("admin").project.id,
    "svc": cloud.keystone.token_for("nova").user.id,  # the users of the tasks a case left
    "mem": cloud.keystone.token_for("demo").user.id,
    "adm": cloud.keystone.token_for("admin").user.id,  # (a legacy import task's user_id)
}
out = cases.run(send, ids, quotas=QUOTAS)
Path(OUT).write_text(json.dumps(out, indent=1, default=str))
print("done", len(out))
