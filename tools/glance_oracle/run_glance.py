"""Run `cases` against glance's own API app, brought up as its functional tests do
(``SynchronousAPIBase``: the paste pipeline ``cors context gzip rootapp`` called in-process
with webob, a file store, sqlite; ``context rootapp`` before 31.0.0's fixture). Runs in a venv
with glance installed (see CONTRIBUTING.md "The glance oracle"), never in the project's:
``python run_glance.py OUT.json [SCHEMA_IMAGE_JSON]``.

The wheel has no ``etc/``: given the release's ``etc/schema-image.json`` (from its sdist or
its tag), Glance finds it as a deployment does (``CONF.find_file``: here in ``~``, with
``HOME`` a temporary directory), and its image schema has the shipped custom properties.
"""

import inspect
import json
import os
import shutil
import sys
import tempfile
import time
import unittest
import warnings
from pathlib import Path

import glance
import glance.db.migration  # noqa: F401 (registers [database], as glance-manage does)

OUT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "glance-results.json")
SCHEMA_IMAGE = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else None
#: ``ORACLE_QUOTAS=1``: unified limits on (`cases.LIMITS`), the quota cases alone.
QUOTAS = os.environ.get("ORACLE_QUOTAS") == "1"
#: ``ORACLE_TASK_WAIT``: seconds (of the wall clock, however slow each poll) an image's tasks
#: may take. A run at load 8 on 2 cores waited 0.5 s at most; the bound is over Linux's TCP
#: connect timeout (6 SYN retries, ~127 s), which a web-download of an address that drops
#: packets waits out where no route refuses it at once. (It was 300 polls: 30 s and more.)
TASK_WAIT = float(os.environ.get("ORACLE_TASK_WAIT", "180"))
#: ``ORACLE_METADEFS``: the release's ``etc/metadefs`` directory (the wheel installs it as
#: ``VENV/etc/glance/metadefs``), loaded as ``glance-manage db_load_metadefs`` loads it (devstack
#: runs it; fakecloud's Glance has them loaded). Unset: no metadefs, as the fixture has.
METADEFS = os.environ.get("ORACLE_METADEFS")
WAITS: list[float] = []
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# glance.tests logs to ./run_tests.log as it is imported: a directory of its own, not the caller's
os.chdir(tempfile.mkdtemp(prefix="glance-oracle-"))
import cases  # noqa: E402
from glance.tests import functional  # noqa: E402

MEMBER_PROJECT = "a1b2c3d4e5f60718293a4b5c6d7e8f90"
OTHER = "0ther0000000000000000000000000aa"
ADMIN_PROJECT = "ad0000000000000000000000000000aa"
SERVICE_USER = "nova-service-user"
ADMIN_USER = "oracle-admin-user"
ROLES = {
    "member": ("fake", MEMBER_PROJECT, "reader,member"),
    # (not "admin": the loaded namespaces' owner is the text "admin", not a user's id)
    "admin": (ADMIN_USER, ADMIN_PROJECT, "reader,member,admin"),
    "reader": ("reader", MEMBER_PROJECT, "reader"),
    "other": ("otheruser", OTHER, "reader,member"),
    # (not "nova": a side's ids are replaced in its answers' text, and docs.openstack.org/nova)
    "service": (SERVICE_USER, MEMBER_PROJECT, "reader,member,service"),
    "svctoken": ("fake", MEMBER_PROJECT, "reader,member"),  # + X-Service-Roles: service
}


def register_enforce_scope():
    """Register ``[oslo_policy] enforce_scope`` where the installed oslo.policy has dropped it
    (6.0.0) and the release still sets it (glance 32.0.0's ``start_server``; its policy reads it
    only when ``enforce_new_defaults`` is off): as oslo.policy 5.0.0, the release's own
    upper-constraint, registers it (default ``True``; 6.0.0 always enforces scope)."""
    from oslo_config import cfg
    from oslo_policy import opts

    if not any(o.name == "enforce_scope" for o in opts._options):
        opt = cfg.BoolOpt("enforce_scope", default=True)
        cfg.CONF.register_opt(opt, group="oslo_policy")


class Oracle(functional.SynchronousAPIBase):
    """One test: the setup steps and every case, in order."""

    def setUp(self):
        super().setUp(single_store=True, bypass_headers=True)
        register_enforce_scope()
        if QUOTAS:  # as glance's TestKeystoneQuotas: its fake Enforcer over `cases.LIMITS`
            import fixtures
            from glance.quota import keystone as ks_quota
            from glance.tests.functional.v2.test_images import get_enforcer_class

            self.config(endpoint_id="ENDPOINT_ID", group="oslo_limit")
            self.config(use_keystone_limits=True)
            mock = self.useFixture(fixtures.MockPatchObject(ks_quota, "limit")).mock
            mock.Enforcer = get_enforcer_class(cases.LIMITS)
        # Every glance-api-paste.ini pipeline starts with oslo.middleware's cors, which answers
        # an OPTIONS the app refuses and makes a redirect's Location absolute: the fixture's
        # glance-api-cors pipeline has it (from 31.0.0, ec28aa136), its default one does not.
        cors = "enable_cors" in inspect.signature(self.start_server).parameters
        self.start_server(enable_cache=False, **({"enable_cors": True} if cors else {}))
        if METADEFS:
            from glance.db.sqlalchemy import api as db_api
            from glance.db.sqlalchemy import metadata

            # file by file in name order: the loader takes os.listdir's (the filesystem's)
            for name in sorted(os.listdir(METADEFS)):
                metadata.db_load_metadefs(db_api.get_engine(), os.path.join(METADEFS, name))

    def send(self, method, path, headers, body, user):
        u, proj, roles = ROLES[user]
        h = {
            "X-Identity-Status": "Confirmed",
            "X-Auth-Token": "t",
            "X-User-Id": u,
            "X-Tenant-Id": proj,
            "X-Roles": roles,
            **headers,
        }
        if user == "svctoken":
            h["X-Service-Roles"] = "service"
        r = self.api_request(method, path, headers=h, data=body)
        if method == "POST" and path.endswith(("/import", "/locations")) and r.status_code == 202:
            self.wait_for_tasks(path.split("/")[3])
        try:
            j = json.loads(r.body) if r.body else None
        except ValueError:
            j = {"_text": r.body[:300].decode(errors="replace")}
        return r.status_code, {k.lower(): v for k, v in r.headers.items()}, j

    def wait_for_tasks(self, image_id):
        """Wait until the image's tasks have ended (`TASK_WAIT` seconds at most): Glance runs an
        import (and a location's ``location_import``) in its thread pool, and a request sent
        meanwhile meets its lock, its status or its database writes (a 500 from sqlite), where
        fakecloud's has ended (the runner waits for the cloud's idle). The longest wait is
        printed at the end of the run."""
        u, proj, roles = ROLES["admin"]
        h = {"X-Identity-Status": "Confirmed", "X-Auth-Token": "t", "X-User-Id": u}
        h.update({"X-Tenant-Id": proj, "X-Roles": roles})
        start = time.monotonic()
        while True:
            r = self.api_request("GET", f"/v2/images/{image_id}/tasks", headers=h)
            tasks = json.loads(r.body)["tasks"]
            waited = time.monotonic() - start
            if all(t["status"] in ("success", "failure") for t in tasks):
                WAITS.append(waited)
                return
            if waited > TASK_WAIT:
                raise AssertionError(f"the tasks of image {image_id} did not end: {tasks}")
            time.sleep(0.1)

    def test_run(self):
        ids = {"other": OTHER, "pid": MEMBER_PROJECT, "apid": ADMIN_PROJECT, "svc": SERVICE_USER}
        ids["adm"] = ADMIN_USER
        ids["mem"] = "fake"  # the users of the tasks a case left, named as fakecloud's are
        out = cases.run(self.send, ids, quotas=QUOTAS)
        Path(OUT).write_text(json.dumps(out, indent=1, default=str))


if __name__ == "__main__":
    warnings.simplefilter("ignore")
    if SCHEMA_IMAGE:
        os.environ["HOME"] = tempfile.mkdtemp(prefix="glance-oracle-home-")
        shutil.copy(SCHEMA_IMAGE, os.path.join(os.environ["HOME"], "schema-image.json"))
    # copy_data_file reads glance/tests/etc relative to the working directory.
    os.chdir(os.path.dirname(os.path.dirname(glance.__file__)))
    res = unittest.TestResult()
    Oracle("test_run").run(res)
    for _t, e in res.errors + res.failures:
        print(e)
    print("ran", res.testsRun, "errors", len(res.errors), "failures", len(res.failures))
    print(f"tasks waited for {len(WAITS)} times, the longest {max(WAITS, default=0):.1f} s")
