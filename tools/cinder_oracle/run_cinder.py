"""Run `cases.play` against cinder's own API, brought up as its functional tests do
(``_FunctionalTestBase``: the volume and scheduler services with the fake driver, sqlite, the
WSGI API on a local port). Runs in a venv with cinder installed (see CONTRIBUTING.md "The
cinder oracle"), never in the project's: ``python run_cinder.py OUT.json``.

Three fixture settings are put back to a deployment's: the workers table is written (the
unit tests' ``MOCK_WORKER`` mocks its writes), the API pipeline authenticates with
``keystonecontext`` (the ``X-User-Id``/``X-Project-Id``/``X-Roles`` headers keystonemiddleware
would set) instead of ``noauth`` (which makes every caller an admin), and the policy file is an
empty one, so Cinder's default policies apply (the unit tests' policy.yaml loosens them).
Cinder's Nova is `nova_stub.NovaStub` (Keystone's token and catalog, Nova's
``os-volume_attachments`` show and ``os-server-external-events``), served on another local
port: ``[nova] token_auth_url`` names it, and each request carries a token for Cinder's
novaclient to present. The "held" attachment of `cases.HELD_CASES` is made through Cinder's
API and given to the stub as Nova's.

A run always ends with a result file: each request has a timeout (a request that gets no
answer is recorded with status 0 and the error), the whole test has oslotest's
``OS_TEST_TIMEOUT``, and the answers so far are written however the run ends. The one hang
seen (session 22) came with eventlet's warning that urllib3 was imported before its monkey
patching (LP #1808951): ``requests`` is imported after Cinder's functional package, which
patches, so the client's sockets and locks are green like the server's.
"""

import importlib.metadata
import json
import logging
import os
import shutil
import sys
import tempfile
import time
import unittest
from pathlib import Path

# isort: off
# The functional package monkey-patches on import: before requests (urllib3), as eventlet asks.
from cinder.tests.functional import functional_helpers
import cinder
import eventlet
import eventlet.wsgi
import requests
from oslo_config import cfg
from oslo_messaging._drivers import impl_fake
from oslo_serialization import jsonutils

# isort: on

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cases  # noqa: E402
from nova_stub import NOVA_MAX, TOKEN, NovaStub  # noqa: E402

OUT = sys.argv[1] if len(sys.argv) > 1 else "cinder-results.json"
PID = "6f70656e737461636b20697320636f6f"
OTHER = "0ther0000000000000000000000000aa"
ROLES = {
    "member": ("fake", PID, "reader,member"),
    "admin": ("admin", PID, "reader,member,admin"),
    "reader": ("reader", PID, "reader"),
    "other": ("otheruser", OTHER, "reader,member"),
    # the member's request as Nova sends it, with its service token (X-Service-Roles)
    "service": ("fake", PID, "reader,member"),
    # a member whose own token holds the service role, and no service token
    "svcrole": ("fake", PID, "reader,member,service"),
}
#: Seconds to connect and to wait for an answer (an RPC call inside Cinder gives up after 60).
REQUEST_TIMEOUT = (5, 90)
# oslotest's whole-test timeout (fixtures.Timeout, gentle: an exception in the test).
os.environ.setdefault("OS_TEST_TIMEOUT", "1200")
TMP = Path(tempfile.mkdtemp(prefix="cinder-oracle-"))
SITE = Path(cinder.__file__).parent.parent
ETC = Path(sys.prefix) / "etc" / "cinder"
# The tests read etc/cinder/* beside the package (a source tree); the wheel installs it under
# the venv's prefix.
if not (SITE / "etc" / "cinder").exists() and ETC.exists():
    shutil.copytree(ETC, SITE / "etc" / "cinder")
# The fake transport checks each message with the standard json module, stricter than the
# drivers a deployment runs (jsonutils): Cinder 15 and 16 cast a migration's host
# capabilities as a ReadOnlyDict, which the check refuses (TypeError: the migration stays
# `starting`). Checked as a deployment's driver serializes it.
impl_fake.FakeDriver._check_serialize = staticmethod(jsonutils.dumps)
(TMP / "policy.yaml").write_text("{}\n")
paste = (SITE / "etc" / "cinder" / "api-paste.ini").read_text()
paste = paste.replace("osprofiler noauth apiv3", "osprofiler keystonecontext apiv3")
(TMP / "api-paste.ini").write_text(paste)


#: Volume states that last until the client's next call (no service moves them on).
_CLIENT_WAITS = ("attaching", "detaching")


class Oracle(functional_helpers._FunctionalTestBase):
    POLICY_PATH = str(TMP / "policy.yaml")
    # The unit tests' base mocks create_worker, set_worker and unset_worker (MOCK_WORKER):
    # the workers table stayed empty, and POST /workers/cleanup found no row of any resource.
    MOCK_WORKER = False

    def _start_api_service(self):
        from cinder import service

        cfg.CONF.api_paste_config = str(TMP / "api-paste.ini")
        cfg.CONF.set_override("auth_strategy", "noauth")
        # The fixture's services report no state while the cases run: after service_down_time
        # (60 s; a run on a busy machine takes longer) the scheduler and the migration's
        # service lookup take the volume service for down, and snapshots fail to schedule.
        cfg.CONF.set_override("service_down_time", 24 * 3600)

        self.osapi = service.WSGIService("osapi_volume")
        self.osapi.start()
        self.auth_url = f"http://{self.osapi.host}:{self.osapi.port}/v3"

    def test_run(self):
        host = self.auth_url.split("/")[2]
        # the Nova of Cinder's series (`NOVA_MAX`)
        stub = NovaStub(NOVA_MAX[int(importlib.metadata.version("cinder").split(".")[0])])
        sock = eventlet.listen(("127.0.0.1", 0))
        stub.base = f"http://127.0.0.1:{sock.getsockname()[1]}"
        eventlet.spawn(eventlet.wsgi.server, sock, stub, log_output=False)
        cfg.CONF.set_override("token_auth_url", stub.base + "/identity/v3", group="nova")
        if os.environ.get("ORACLE_LOG"):  # Cinder's warnings and errors (the test hides them)
            handler = logging.FileHandler(os.environ["ORACLE_LOG"])
            handler.setLevel(logging.WARNING)
            logging.getLogger().addHandler(handler)

        def send(method, path, mv, body, user):
            u, proj, roles = ROLES[user]
            h = {
                "Content-Type": "application/json",
                "X-User-Id": u,
                "X-Project-Id": proj,
                "X-Roles": roles,
                "X-Auth-Token": TOKEN,  # what Cinder's novaclient presents to Nova
            }
            if user == "service":
                h["X-Service-Roles"] = "service"
            if mv is not None:
                h["OpenStack-API-Version"] = f"volume {mv}"
            try:
                r = requests.request(
                    method, "http://" + host + path, data=body, headers=h, timeout=REQUEST_TIMEOUT
                )
            except requests.RequestException as e:
                return 0, {"_error": f"{type(e).__name__}: {e}"[:300]}, {}
            try:
                j = r.json() if r.content else None
            except ValueError:
                j = {"_text": r.text[:300]}
            return r.status_code, j, {k.lower(): v for k, v in r.headers.items()}

        def settle():
            """Wait until no volume, migration, snapshot, group or group snapshot is in a
            transient state."""
            for _ in range(100):
                s1, vols, _h = send("GET", f"/v3/{PID}/volumes/detail", "3.0", None, "admin")
                s2, snaps, _h = send("GET", f"/v3/{PID}/snapshots/detail", "3.0", None, "admin")
                # (a group snapshot is made and deleted on the volume service, as a group is:
                # `creating` and `deleting` outlive the API's 202)
                s3, groups, _h = send("GET", f"/v3/{PID}/groups/detail", "3.14", None, "admin")
                s4, gsnaps, _h = send(
                    "GET", f"/v3/{PID}/group_snapshots/detail", "3.14", None, "admin"
                )
                if (s1, s2, s3, s4) != (200, 200, 200, 200):  # no answer: the next case shows it
                    return
                # (a migration runs on after an admin's 202: starting, migrating, completing)
                states = [v["status"] for v in vols["volumes"]]
                states += [v.get("migration_status") or "" for v in vols["volumes"]]
                states += [s["status"] for s in snaps["snapshots"]]
                states += [g["status"] for g in groups["groups"]]
                states += [g["status"] for g in gsnaps["group_snapshots"]]
                # (error_extending and the like are final: the old fixtures' LVM cannot extend;
                # attaching and detaching wait for the client's next call, os-attach,
                # os-complete or os-detach: a volume a case left so is settled, not every
                # later case's 100 polls)
                if not any(
                    s.endswith("ing") and not s.startswith("error") and s not in _CLIENT_WAITS
                    for s in states
                ):
                    return
                time.sleep(0.05)

        def hold(ids):
            held = cases.attach_through_cinder(send, settle, ids, cases.HELD_SERVER)
            stub.hold(held["hsid"], held["hvid"], held["haid"])
            return held

        def stop():
            """The volume service stopped (`cases.STOPPED_CASES`): its RPC servers no longer
            take casts, which wait in the fake transport's queues."""
            self.volume.stop()

        out: list = []
        try:
            cases.play(send, settle, PID, out, hold, stop)
        finally:
            Path(OUT).write_text(json.dumps(out, indent=1, default=str))
            print("answers", len(out), "of", len(cases.CASES))
            print("nova stub:", [seen for seen in stub.seen if "/compute/" in seen[1]])


if __name__ == "__main__":
    res = unittest.TestResult()
    Oracle("test_run").run(res)
    for _t, e in res.errors + res.failures:
        print(e)
    print("ran", res.testsRun, "errors", len(res.errors), "failures", len(res.failures))
