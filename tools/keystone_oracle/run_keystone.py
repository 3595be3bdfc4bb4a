"""Run `cases.CASES` against real Keystone, in-process: ``KEYSTONE_VENV/bin/python
run_keystone.py OUT.json`` (a venv with ``keystone==X.Y.Z``; see CONTRIBUTING.md).

Keystone comes up as ``keystone-manage db_sync``, ``fernet_setup`` and ``bootstrap`` leave it
(done here in-process: `upgrades.offline_sync_database_to_version`, `FernetUtils`,
`Bootstrapper`), sqlite in a temporary directory (in WAL mode, foreign keys enforced, as a
deployment's database server would have it), its own defaults otherwise (policy, scope
enforcement); its Flask app (``application_factory("public")`` and the middleware
``initialize_application`` adds, as a deployment's WSGI entry point) is called as a WSGI app
through Werkzeug's test client.
The demo project, its two users and `cases.CATALOG`'s services are made through Keystone's
managers (as devstack's ``openstack`` commands would through the API), then every case's user
gets a token by password and each case is sent with its token.
"""

import json
import os
import sqlite3
import sys
import tempfile
import uuid
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cases  # noqa: E402

OUT = sys.argv[1] if len(sys.argv) > 1 else "keystone-results.json"
del sys.argv[1:]  # oslo.config's CONF() parses the command line
HOST = "http://localhost"


def configure(tmp):
    """keystone.conf in `tmp`: sqlite, fernet key repositories, no log file."""
    conf = Path(tmp, "keystone.conf")
    conf.write_text(
        "[database]\n"
        f"connection = sqlite:///{tmp}/keystone.db\n"
        "[fernet_tokens]\n"
        f"key_repository = {tmp}/fernet-keys\n"
        "[fernet_receipts]\n"
        f"key_repository = {tmp}/fernet-receipts\n"
    )
    return str(conf)


def fernet_setup(conf):
    """``keystone-manage fernet_setup``'s key repositories (tokens and receipts)."""
    from keystone.common import fernet_utils

    for group in ("fernet_tokens", "fernet_receipts"):
        section = getattr(conf, group)
        futils = fernet_utils.FernetUtils(section.key_repository, section.max_active_keys, group)
        futils.create_key_directory(os.getuid(), os.getgid())
        if futils.validate_key_repository(requires_write=True):
            futils.initialize_key_repository(os.getuid(), os.getgid())


def bootstrap():
    """``keystone-manage bootstrap`` as devstack runs it (a public identity endpoint)."""
    from keystone.cmd import bootstrap as ks_bootstrap

    b = ks_bootstrap.Bootstrapper()
    b.admin_password = cases.PASSWORDS["admin"]
    b.admin_username = "admin"
    b.project_name = "admin"
    b.admin_role_name = "admin"
    b.service_name = "keystone"
    b.public_url = HOST + "/identity/v3"
    b.region_id = "RegionOne"
    b.immutable_roles = True  # keystone-manage bootstrap's default (--immutable-roles)
    b.bootstrap()
    return b


def world(b):
    """The demo project and its users, and the catalog's other services (fakecloud's world)."""
    from keystone.common import provider_api

    apis = provider_api.ProviderAPIs
    demo_pid = uuid.uuid4().hex
    apis.resource_api.create_project(
        demo_pid,
        {
            "id": demo_pid,
            "name": "demo",
            "domain_id": "default",
            "description": "The demo project",
            "enabled": True,
            "parent_id": "default",
            "is_domain": False,
        },
    )
    roles = {r["name"]: r["id"] for r in apis.role_api.list_roles()}
    uids = {}
    for name, role in (("demo", "member"), ("demo-reader", "reader")):
        user = apis.identity_api.create_user(
            {
                "name": name,
                "domain_id": "default",
                "password": cases.PASSWORDS[name],
                "enabled": True,
            }
        )
        uids[name] = user["id"]
        # devstack's `openstack user create --project demo` (fakecloud's world gives each
        # user its project as default_project_id)
        apis.identity_api.update_user(user["id"], {"default_project_id": demo_pid})
        apis.assignment_api.create_grant(roles[role], user_id=user["id"], project_id=demo_pid)
    # the services' project and Nova's service user (session 42; devstack's
    # `create_service_user nova admin`: admin and service on project service; the service
    # role made where bootstrap does not make it)
    if "service" not in roles:
        rid = uuid.uuid4().hex
        apis.role_api.create_role(rid, {"id": rid, "name": "service"})
        roles["service"] = rid
    service_pid = uuid.uuid4().hex
    apis.resource_api.create_project(
        service_pid,
        {
            "id": service_pid,
            "name": "service",
            "domain_id": "default",
            "description": "",
            "enabled": True,
            "parent_id": "default",
            "is_domain": False,
        },
    )
    nova = apis.identity_api.create_user(
        {"name": "nova", "domain_id": "default", "password": "nova-secret", "enabled": True}
    )
    apis.identity_api.update_user(nova["id"], {"default_project_id": service_pid})
    for role in ("admin", "service"):
        apis.assignment_api.create_grant(roles[role], user_id=nova["id"], project_id=service_pid)
    for stype, sname, path in cases.CATALOG:
        if stype == "identity":
            continue
        sid = uuid.uuid4().hex
        apis.catalog_api.create_service(sid, {"id": sid, "type": stype, "name": sname,
                                              "enabled": True})  # fmt: skip
        eid = uuid.uuid4().hex
        apis.catalog_api.create_endpoint(
            eid,
            {
                "id": eid,
                "service_id": sid,
                "interface": "public",
                "region_id": "RegionOne",
                "url": f"{HOST}/{sname}{path}",
                "enabled": True,
            },
        )
    # fakecloud's admin has the admin project as its default one (bootstrap sets none)
    apis.identity_api.update_user(b.admin_user_id, {"default_project_id": b.project_id})
    found = {
        "demo_pid": demo_pid,
        "admin_pid": b.project_id,
        "demo_uid": uids["demo"],
        "reader_uid": uids["demo-reader"],
        "admin_uid": b.admin_user_id,
        "nouuid": cases.NO_SUCH,
    }
    found.update({f"{name}_rid": rid for name, rid in roles.items()})
    return found


def token(client, who):
    """A token of `cases.USERS[who]` by password."""
    name, scope = cases.USERS[who]
    sc = {"system": {"all": True}} if scope == "system" else cases.project_scope(scope)
    body = cases.b(cases.password_auth(name, cases.PASSWORDS[name], sc))
    r = client.post("/v3/auth/tokens", data=body, headers={"Content-Type": cases.J})
    assert r.status_code == 201, r.get_data(as_text=True)
    return r.headers["X-Subject-Token"]


def main():
    tmp = tempfile.mkdtemp(prefix="keystone-oracle-")
    conf_file = configure(tmp)
    import keystone.conf
    import keystone.server
    from keystone.common.sql import core as sql_core
    from keystone.common.sql import upgrades

    # foreign keys enforced, as a deployment's server database does (the ON DELETE CASCADEs:
    # a deleted role's implications go with it)
    sql_core.enable_sqlite_foreign_key()
    keystone.server.configure(config_files=[conf_file])
    conf = keystone.conf.CONF
    upgrades.offline_sync_database_to_version()
    # WAL: a transaction left open for reading blocks no commit. With sqlite's default
    # journal, keystone 25.0.0 answered every write from `role-create` on "database is locked".
    sqlite3.connect(f"{tmp}/keystone.db").execute("PRAGMA journal_mode=WAL").close()
    fernet_setup(conf)
    found = world(bootstrap())  # the Bootstrapper loads the backends
    from keystone.server.flask import application, core

    # initialize_application("public") without its second configure() and load_backends()
    app = core.setup_app_middleware(application.application_factory("public"))
    from werkzeug.test import Client

    client = Client(app)
    tokens = {who: token(client, who) for who in cases.USERS}
    found["member_token"] = tokens["member"]
    out = []
    for case in cases.CASES:
        name = case[0]
        method, path, body, headers = cases.filled(case, found, tokens)
        try:
            r = client.open(path, method=method, data=body, headers=headers)
        except Exception as e:  # noqa: BLE001
            # The app sets PROPAGATE_EXCEPTIONS: an error none of its handlers maps leaves
            # the app, and the WSGI server answers its own 500.
            propagated = {"_propagated": type(e).__name__, "detail": str(e)[:300]}
            out.append({"name": name, "status": 500, "json": propagated, "headers": {},
                        "ids": dict(found)})  # fmt: skip
            continue
        text = r.get_data(as_text=True)
        try:
            j = json.loads(text) if text else None
        except ValueError:
            j = {"_text": text[:300]}
        out.append(
            {
                "name": name,
                "status": r.status_code,
                "json": j,
                "headers": {k.lower(): v for k, v in r.headers.items()},
                "ids": dict(found),
            }
        )
        found = cases.kept(case, j, found, out[-1]["headers"])
    Path(OUT).write_text(json.dumps(out, indent=1, default=str))
    from importlib.metadata import version

    print("keystone", version("keystone"), "answers", len(out))


if __name__ == "__main__":
    main()
