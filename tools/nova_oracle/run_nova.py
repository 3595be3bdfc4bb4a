"""Run `cases.CASES` against nova's own API app, brought up as its functional tests do
(``_IntegratedTestBase``: OSAPIFixture over wsgi-intercept, Cinder/Glance/Placement fixtures,
the fake virt driver, in-memory sqlite). Runs in a venv with nova installed (see
CONTRIBUTING.md "The nova oracle"), never in the project's: ``python run_nova.py OUT.json``.
"""

import json
import os
import sys
import time
import unittest
import warnings
from pathlib import Path

# isort: off
# requests before nova's test package, which patches with eventlet as it is imported: with
# urllib3 patched, a snapshot's task state never clears and every later createImage is a 409.
import requests
from nova.tests.functional import integrated_helpers
from nova.tests import fixtures as nova_fixtures
import fixtures as _fx
import nova.policy

# isort: on

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cases  # noqa: E402


class _NoWarnings(_fx.Fixture):
    """nova's WarningsFixture makes SQLAlchemy 2.1 deprecations errors (500s): ignore them."""

    def _setUp(self):
        warnings.simplefilter("ignore")


nova_fixtures.WarningsFixture = _NoWarnings

OUT = sys.argv[1] if len(sys.argv) > 1 else "nova-results.json"
OTHER = "0ther0000000000000000000000000aa"
ROLES = {
    "member": ("fake", None, "reader,member"),
    "admin": ("admin", None, "reader,member,admin"),
    "reader": ("reader", None, "reader"),
    "other": ("otheruser", OTHER, "reader,member"),
}


class Oracle(integrated_helpers._IntegratedTestBase):
    ADMIN_API = False
    USE_PROJECT_ID = False
    microversion = "2.37"

    def _settle(self, server_ids):
        """Wait until no server has a task state (a snapshot may finish after its 202)."""
        for server_id in server_ids:
            for _ in range(200):
                server = self.admin_api.get_server(server_id)
                if server["OS-EXT-STS:task_state"] is None:
                    break
                time.sleep(0.05)

    def test_run(self):
        pid = self.api.project_id
        host = self.api.base_url.split("/")[2]
        sid = self._create_server(networks="none")["id"]
        vsid = self._create_server_boot_from_volume(networks="none")["id"]
        lsid = self._create_server(networks="none")["id"]
        self.api.post_server_action(lsid, {"lock": None})
        rsid = self._create_server(networks="none")["id"]
        self._rescue_server({"id": rsid})
        esid = self._create_server(networks="none")["id"]
        self.admin_api.post_server_action(esid, {"os-resetState": {"state": "error"}})
        psid = self._create_server(networks="none")["id"]
        self.api.post_server_action(psid, {"pause": None})
        self._wait_for_state_change({"id": psid}, "PAUSED")
        # The Placement fixture turns [oslo_policy] enforce_new_defaults off on the shared
        # configuration; Nova 34.0.0's default is on (servers booted, it is set back).
        self.flags(enforce_new_defaults=True, group="oslo_policy")
        nova.policy.reset()
        nova.policy.init(suppress_deprecation_warnings=True)
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
            u, proj, roles = ROLES[user]
            h = dict(headers)
            h.update(
                {
                    "X-Auth-User": u,
                    "X-User-Id": u,
                    "X-Auth-Project-Id": proj or pid,
                    "X-Roles": roles,
                }
            )
            url = "http://" + host + path.format(**ids)
            r = requests.request(method, url, data=body, headers=h)
            try:
                j = r.json() if r.content else None
            except ValueError:
                j = {"_text": r.text[:300]}
            out.append(
                {
                    "name": name,
                    "status": r.status_code,
                    "json": j,
                    "headers": {k.lower(): v for k, v in r.headers.items()},
                    "ids": ids,
                }
            )
            if r.status_code == 202:
                self._settle([sid, vsid, lsid, psid])
        Path(OUT).write_text(json.dumps(out, indent=1, default=str))


if __name__ == "__main__":
    res = unittest.TestResult()
    Oracle("test_run").run(res)
    for _t, e in res.errors + res.failures:
        print(e)
    print("ran", res.testsRun, "errors", len(res.errors), "failures", len(res.failures))
