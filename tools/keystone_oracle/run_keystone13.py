"""`run_keystone.py` for keystone 13.x (Queens), whose app is a paste pipeline, not Flask: run
in a Debian bullseye chroot whose ``/root/k13b`` venv holds keystone 13.0.4 (conformance.md,
"Keystone 13.x runs") with this folder bind-mounted over its ``/mnt``::

    unshare -m sh -c 'mount --bind tools/keystone_oracle CHROOT/mnt &&
      mount --bind /tmp/x CHROOT/tmp && mount -t proc proc CHROOT/proc &&
      chroot CHROOT /root/k13b/bin/python /mnt/run_keystone13.py /mnt/K13.json'

``keystone-manage db_sync``, ``fernet_setup`` and ``bootstrap`` (public and admin identity
endpoints, as Queens' devstack) on sqlite in a temporary directory, the paste app of
``[paste_deploy] config_file`` (13.0.4's ``keystone-paste.ini``; ``KEYSTONE_PASTE``) built by
``wsgi.initialize_application(name="main")``, fakecloud's world made through the managers
(13.x's bootstrap makes ``admin`` alone: the world's ``member`` and ``reader`` too), and each
case sent with WebOb (``REMOTE_ADDR`` set, as a WSGI server sets it).
"""

import json
import os
import subprocess
import sys
import tempfile
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cases  # noqa: E402

OUT = sys.argv[1] if len(sys.argv) > 1 else "keystone13-results.json"
del sys.argv[1:]
HOST = "http://localhost"
VENV = os.environ.get("KEYSTONE_VENV", "/root/k13b")
PASTE = os.environ.get("KEYSTONE_PASTE", "/root/k13run/keystone-paste.ini")


def configure(tmp):
    """keystone.conf in `tmp`, and the keystone-manage steps a deployment runs."""
    conf = f"{tmp}/keystone.conf"
    with open(conf, "w") as f:
        f.write(
            f"[database]\nconnection = sqlite:///{tmp}/keystone.db\n[token]\nprovider = fernet\n"
            f"[fernet_tokens]\nkey_repository = {tmp}/fernet\n"
            f"[paste_deploy]\nconfig_file = {PASTE}\n"
        )
    os.makedirs(f"{tmp}/fernet")
    url = HOST + "/identity/v3"
    for args in (
        ["db_sync"],
        ["fernet_setup", "--keystone-user", "root", "--keystone-group", "root"],
        ["bootstrap", "--bootstrap-password", cases.PASSWORDS["admin"],
         "--bootstrap-public-url", url, "--bootstrap-admin-url", url,
         "--bootstrap-region-id", "RegionOne"],
    ):  # fmt: skip
        done = subprocess.run(
            [f"{VENV}/bin/keystone-manage", "--config-file", conf, *args],
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, (args, done.stderr[-2000:])
    return conf


def world():
    """fakecloud's world through keystone's managers (`run_keystone.world`'s, on 13.x)."""
    from keystone.common import provider_api

    apis = provider_api.ProviderAPIs
    demo_pid = uuid.uuid4().hex
    apis.resource_api.create_project(demo_pid, {"id": demo_pid, "name": "demo",
        "domain_id": "default", "description": "The demo project", "enabled": True,
        "parent_id": "default", "is_domain": False})  # fmt: skip
    for name in ("member", "reader"):
        rid = uuid.uuid4().hex
        apis.role_api.create_role(rid, {"id": rid, "name": name})
    roles = {r["name"]: r["id"] for r in apis.role_api.list_roles()}
    uids = {}
    for name, role in (("demo", "member"), ("demo-reader", "reader")):
        user = apis.identity_api.create_user({"name": name, "domain_id": "default",
            "password": cases.PASSWORDS[name], "enabled": True})  # fmt: skip
        uids[name] = user["id"]
        apis.identity_api.update_user(user["id"], {"default_project_id": demo_pid})
        apis.assignment_api.create_grant(roles[role], user_id=user["id"], project_id=demo_pid)
    for stype, sname, path in cases.CATALOG:
        if stype == "identity":
            continue
        sid, eid = uuid.uuid4().hex, uuid.uuid4().hex
        apis.catalog_api.create_service(sid, {"id": sid, "type": stype, "name": sname,
                                              "enabled": True})  # fmt: skip
        apis.catalog_api.create_endpoint(eid, {"id": eid, "service_id": sid,
            "interface": "public", "region_id": "RegionOne", "url": f"{HOST}/{sname}{path}",
            "enabled": True})  # fmt: skip
    admin = apis.identity_api.get_user_by_name("admin", "default")
    admin_project = apis.resource_api.get_project_by_name("admin", "default")
    apis.identity_api.update_user(admin["id"], {"default_project_id": admin_project["id"]})
    found = {"demo_pid": demo_pid, "admin_pid": admin_project["id"], "demo_uid": uids["demo"],
             "reader_uid": uids["demo-reader"], "admin_uid": admin["id"],
             "nouuid": cases.NO_SUCH}  # fmt: skip
    found.update({f"{name}_rid": rid for name, rid in roles.items()})
    return found


def main():
    import webob
    from keystone.server import wsgi

    conf = configure(tempfile.mkdtemp(prefix="keystone13-oracle-"))
    app = wsgi.initialize_application(name="main", config_files=[conf])
    found = world()

    def call(method, path, body, headers):
        req = webob.Request.blank(path, method=method, headers=headers or {},
                                  environ={"REMOTE_ADDR": "127.0.0.1"})  # fmt: skip
        if body:
            req.body = body
        return req.get_response(app)

    tokens = {}
    for who, (name, scope) in cases.USERS.items():
        sc = {"system": {"all": True}} if scope == "system" else cases.project_scope(scope)
        body = cases.b(cases.password_auth(name, cases.PASSWORDS[name], sc))
        r = call("POST", "/v3/auth/tokens", body, {"Content-Type": cases.J})
        assert r.status_int == 201, (who, r.body[:300])
        tokens[who] = r.headers["X-Subject-Token"]
    found["member_token"] = tokens["member"]
    out = []
    for case in cases.CASES:
        method, path, body, headers = cases.filled(case, found, tokens)
        r = call(method, path, body, headers)
        text = r.body.decode("utf-8", "replace")
        try:
            j = json.loads(text) if text else None
        except ValueError:
            j = {"_text": text[:300]}
        headers = {k.lower(): v for k, v in r.headers.items()}
        out.append({"name": case[0], "status": r.status_int, "json": j, "headers": headers,
                    "ids": dict(found)})  # fmt: skip
        found = cases.kept(case, j, found, headers)
    with open(OUT, "w") as f:
        f.write(json.dumps(out, indent=1, default=str))
    print("keystone 13 answers", len(out))


if __name__ == "__main__":
    main()
