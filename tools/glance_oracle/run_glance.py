"""Run `cases` against glance's own API app, brought up as its functional tests do
(``SynchronousAPIBase``: the paste pipeline ``context rootapp`` called in-process with webob,
a file store, sqlite). Runs in a venv with glance installed (see CONTRIBUTING.md "The glance
oracle"), never in the project's: ``python run_glance.py OUT.json``.
"""

import json
import os
import sys
import unittest
import warnings
from pathlib import Path

import glance
import glance.db.migration  # noqa: F401 (registers [database], as glance-manage does)
from glance.tests import functional

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cases  # noqa: E402

OUT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "glance-results.json")
MEMBER_PROJECT = "a1b2c3d4e5f60718293a4b5c6d7e8f90"
OTHER = "0ther0000000000000000000000000aa"
ADMIN_PROJECT = "ad0000000000000000000000000000aa"
ROLES = {
    "member": ("fake", MEMBER_PROJECT, "reader,member"),
    "admin": ("admin", ADMIN_PROJECT, "reader,member,admin"),
    "reader": ("reader", MEMBER_PROJECT, "reader"),
    "other": ("otheruser", OTHER, "reader,member"),
}


class Oracle(functional.SynchronousAPIBase):
    """One test: the setup steps and every case, in order."""

    def setUp(self):
        super().setUp(single_store=True, bypass_headers=True)
        self.start_server(enable_cache=False)

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
        r = self.api_request(method, path, headers=h, data=body)
        try:
            j = json.loads(r.body) if r.body else None
        except ValueError:
            j = {"_text": r.body[:300].decode(errors="replace")}
        return r.status_code, {k.lower(): v for k, v in r.headers.items()}, j

    def test_run(self):
        ids = {"other": OTHER, "pid": MEMBER_PROJECT, "apid": ADMIN_PROJECT}
        out = cases.run(self.send, ids)
        Path(OUT).write_text(json.dumps(out, indent=1, default=str))


if __name__ == "__main__":
    warnings.simplefilter("ignore")
    # copy_data_file reads glance/tests/etc relative to the working directory.
    os.chdir(os.path.dirname(os.path.dirname(glance.__file__)))
    res = unittest.TestResult()
    Oracle("test_run").run(res)
    for _t, e in res.errors + res.failures:
        print(e)
    print("ran", res.testsRun, "errors", len(res.errors), "failures", len(res.failures))
