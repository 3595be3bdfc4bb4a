"""Run `cases.CASES` against nova's own API app, brought up as its functional tests do
(``_IntegratedTestBase``: OSAPIFixture over wsgi-intercept, Cinder/Glance/Placement fixtures,
the fake virt driver, in-memory sqlite). Runs in a venv with nova installed (see
CONTRIBUTING.md "The nova oracle"), never in the project's: ``python run_nova.py OUT.json``.

One script for every release that comes up: where a release's test helpers differ (no
``_create_server_boot_from_volume`` before 29, its own policy defaults), it boots and rescues
through the API itself and keeps the release's own ``enforce_new_defaults``; for Train (20.x)
it adds what that base class lacks (Cinder fixture, real policy, admin client) and the
noauth2 token.
"""

import datetime
import importlib.metadata
import json
import os
import re
import sys
import time
import unittest
import warnings
from pathlib import Path

# isort: off
# requests before nova's test package, which patches with eventlet as it is imported: with
# urllib3 patched, a snapshot's task state never clears and every later createImage is a 409.
import requests
import sqlalchemy
from nova.tests.functional import integrated_helpers
from nova.tests import fixtures as nova_fixtures
import fixtures as _fx
import nova.policy
import nova.service
from oslo_config import cfg
from oslo_db.sqlalchemy import engines as _db_engines
from oslo_policy import opts as policy_opts

# isort: on

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cases  # noqa: E402


class _NoWarnings(_fx.Fixture):
    """nova's WarningsFixture makes SQLAlchemy 2.1 deprecations errors (500s): ignore them."""

    def _setUp(self):
        warnings.simplefilter("ignore")


nova_fixtures.WarningsFixture = _NoWarnings


def _mysql_regexp(expr, item):
    """MySQL's ``item REGEXP expr`` under its default collation (utf8 general_ci): NULL
    (no row) for a NULL column, the case ignored. oslo.db's sqlite ``regexp`` searches
    ``str(item)``, so a NULL column is the text "None" and matches ``.``."""
    if item is None or expr is None:
        return None
    return re.search(expr, str(item), re.IGNORECASE) is not None


_oslo_init_events = _db_engines._init_events


def _init_events(engine, *args, **kw):
    """oslo.db's engine events, then `_mysql_regexp` as the connection's ``regexp`` (a later
    ``connect`` listener replaces the function oslo.db's sets)."""
    _oslo_init_events(engine, *args, **kw)
    if engine.dialect.name == "sqlite":
        sqlalchemy.event.listen(
            engine, "connect", lambda con, _rec: con.create_function("regexp", 2, _mysql_regexp)
        )


_db_engines._init_events = _init_events
if hasattr(nova.service, "assert_eventlet_uses_monotonic_clock"):
    # Train and older check for the `monotonic` package's clock; on Python 3.9 they run with
    # eventlet 0.30, whose hub uses time.monotonic (the same clock).
    nova.service.assert_eventlet_uses_monotonic_clock = lambda: None
RELEASE = importlib.metadata.version("nova")


def _new_defaults():
    """The release's own ``[oslo_policy] enforce_new_defaults``, read before the Placement
    fixture overrides it: what nova.policy set as it was imported (on from 27.0.0), else (as
    in 34.0.0, which sets none) oslo.policy's own default; None before oslo.policy 3.0 (Train
    and older have no such option)."""
    try:
        return nova.policy.CONF.oslo_policy.enforce_new_defaults
    except cfg.NoSuchOptError:
        (_group, options), *_ = policy_opts.list_opts()
        return next((o.default for o in options if o.name == "enforce_new_defaults"), None)


NEW_DEFAULTS = _new_defaults()

#: The image the volume-backed server is rebuilt to (``{rimg}``): the Glance fixture's second
#: (every release's), not the root volume's (``BFV_IMAGE``, or before 29.0.0 the fixture's
#: ``IMAGE_BACKED_VOL``, made from its first).
RIMG = "a2459075-d96c-40d5-893e-577ff92e721c"
#: The boot-from-volume image (the helpers' ``uuids.bfv_image_uuid``).
BFV_IMAGE = "6a6b5dca-3e5e-4f4c-9d64-000000000bf0"
#: The volume-backed offloaded server's volume before 29.0.0 (the Cinder fixture answers any id).
SECOND_VOLUME = "6a6b5dca-3e5e-4f4c-9d64-000000000bf1"
OUT = sys.argv[1] if len(sys.argv) > 1 else "nova-results.json"
OTHER = "0ther0000000000000000000000000aa"
ROLES = {
    "member": ("fake", None, "reader,member"),
    "admin": ("admin", None, "reader,member,admin"),
    "reader": ("reader", None, "reader"),
    "other": ("otheruser", OTHER, "reader,member"),
    "service": ("nova-svc", None, "reader,member,service"),
}


class Oracle(integrated_helpers._IntegratedTestBase):
    _bfv_image = None
    ADMIN_API = False
    USE_PROJECT_ID = False
    microversion = "2.37"
    api_major_version = "v2.1"  # Train's base class reads it without a default
    USE_NEUTRON = True  # Train's base class starts nova-network otherwise

    def setUp(self):
        """Before 21.0.0 the base class sets up no Cinder fixture and no admin client."""
        super().setUp()
        if not hasattr(self, "cinder"):
            self.cinder = self.useFixture(nova_fixtures.CinderFixture(self))
        if not hasattr(self, "admin_api"):
            # Train's base class keeps nova/test.py's permissive test policy.
            from nova.tests.unit import policy_fixture

            self.useFixture(policy_fixture.RealPolicyFixture())
            self.admin_api = self.api_fixture.admin_api
            self.admin_api.microversion = self.microversion

    def _setup_compute_service(self):
        """The fixtures' `SmallFakeDriver` (2 VCPU, 8192 MB less 512 reserved) holds 8 of the
        runner's 14 servers at the default ratios (4.0 and 1.0 from Stein)."""
        self.flags(cpu_allocation_ratio=16.0, ram_allocation_ratio=2.0)
        return super()._setup_compute_service()

    def _settle(self, server_ids):
        """Wait until no server has a task state (a snapshot may finish after its 202)."""
        for server_id in server_ids:
            for _ in range(200):
                server = self.admin_api.get_server(server_id)
                if server["OS-EXT-STS:task_state"] is None:
                    break
                time.sleep(0.05)

    def _wait(self, server_id, status):
        """Poll until the server shows `status` (the helpers' name and signature vary)."""
        for _ in range(200):
            server = self.admin_api.get_server(server_id)
            if server["status"] == status:
                return server
            time.sleep(0.05)
        raise AssertionError(f"{server_id} never {status}: {server['status']}")

    def _gone(self, server_id):
        """Poll until the admin's show of `server_id` is a 404 (a delete finished)."""
        for _ in range(200):
            r = requests.get(
                self._url + "/v2.1/servers/" + server_id, headers=self._headers("admin")
            )
            if r.status_code == 404:
                return
            time.sleep(0.05)
        raise AssertionError(f"{server_id} never deleted")

    def _headers(self, user):
        """A request's identity headers for one of `ROLES` (noauth2's token too, for Train)."""
        u, proj, roles = ROLES[user]
        h = {
            "X-Auth-User": u,
            "X-User-Id": u,
            "X-Auth-Project-Id": proj or self._pid,
            "X-Roles": roles,
        }
        if not hasattr(self.api, "base_url"):
            # Train and older: noauth2 answers a request without a token with a token;
            # it reads no roles (admin is the user named admin).
            h["X-Auth-Token"] = f"{u}:{proj or self._pid}"
        return h

    def _boot(self, bfv=False, hints=None, volume=None):
        """An ACTIVE server with no network, image-backed or, as the helpers' own
        ``_create_server_boot_from_volume`` does (it takes no ``networks`` before 30), on a
        volume made from an image of its own (before 29.0.0, on the fixture's volume)."""
        self.api.microversion = "2.35"  # the image proxy: gone from 2.36
        image_id = self.api.get_images()[0]["id"]
        self.api.microversion = self.microversion
        server = {
            "name": "oracle",
            "flavorRef": self.api.get_flavors()[0]["id"],
            "networks": "none",
            "imageRef": image_id,
        }
        if bfv and not hasattr(nova_fixtures.CinderFixture, "fake_vol_create"):
            # Before 29.0.0 the Cinder fixture makes no volume: boot from its image-backed one.
            server["imageRef"] = ""
            server["block_device_mapping_v2"] = [
                {
                    "source_type": "volume",
                    "destination_type": "volume",
                    "boot_index": 0,
                    "uuid": volume or nova_fixtures.CinderFixture.IMAGE_BACKED_VOL,
                }
            ]
        elif bfv:
            when = datetime.datetime(2011, 1, 1, 1, 2, 3)
            image = {
                "id": BFV_IMAGE,
                "name": "fake_image_name",
                "created_at": when,
                "updated_at": when,
                "deleted_at": None,
                "deleted": False,
                "status": "active",
                "container_format": "raw",
                "disk_format": "raw",
                "min_disk": 0,
            }
            if not self._bfv_image:
                self._bfv_image = self.glance.create(None, image)
            server["imageRef"] = ""
            server["block_device_mapping_v2"] = [
                {
                    "source_type": "image",
                    "destination_type": "volume",
                    "boot_index": 0,
                    "uuid": BFV_IMAGE,
                    "volume_size": 1,
                }
            ]
        body = {"server": server}
        if hints:
            body["os:scheduler_hints"] = hints
        server_id = self.api.post_server(body)["id"]
        self._wait(server_id, "ACTIVE")
        return server_id

    def _more_servers(self):
        """The rows and states of session 25's cases (cases.py's docstring names them): a key
        pair, a server group whose member is stopped, suspended, shelved, offloaded, resized,
        admin-locked and deleted servers; their ids by placeholder."""
        self.admin_api.api_put(f"/os-quota-sets/{self._pid}", {"quota_set": cases.QUOTA})
        self.api.api_post(
            "/os-keypairs", {"keypair": {"name": cases.KEYPAIR, "public_key": cases.PUBLIC_KEY}}
        )
        gid = self.api.api_post("/os-server-groups", cases.GROUP).body["server_group"]["id"]
        more = {"gid": gid}
        more["ssid"] = self._boot()
        self.api.post_server_action(more["ssid"], {"suspend": None})
        self._wait(more["ssid"], "SUSPENDED")
        more["tsid"] = self._boot(hints={"group": gid})
        self.api.post_server_action(more["tsid"], {"os-stop": None})
        self._wait(more["tsid"], "SHUTOFF")
        more["hsid"] = self._boot()
        self.api.post_server_action(more["hsid"], {"shelve": None})
        self._wait(more["hsid"], "SHELVED")
        more["osid"] = self._boot()
        self.api.post_server_action(more["osid"], {"shelve": None})
        self._wait(more["osid"], "SHELVED")
        self.admin_api.post_server_action(more["osid"], {"shelveOffload": None})
        self._wait(more["osid"], "SHELVED_OFFLOADED")
        # Before 29.0.0: another of the fixture's volumes (any id is one; IMAGE_BACKED_VOL is
        # the first's, and a volume has one host connection).
        more["vosid"] = self._boot(bfv=True, volume=SECOND_VOLUME)
        self.api.post_server_action(more["vosid"], {"shelve": None})
        self._wait(more["vosid"], "SHELVED_OFFLOADED")
        more["zsid"] = self._boot()
        self.api.post_server_action(more["zsid"], {"resize": {"flavorRef": "2"}})
        self._wait(more["zsid"], "VERIFY_RESIZE")
        more["asid"] = self._boot()
        self.admin_api.post_server_action(more["asid"], {"lock": None})
        more["dsid"] = self._boot()
        self.api.delete_server(more["dsid"])
        self._gone(more["dsid"])
        return more

    def test_run(self):
        pid = self._pid = self.api.project_id
        # Train's test client has only its auth_url (on the same host).
        url = self.api.base_url if hasattr(self.api, "base_url") else self.api.auth_url
        host = url.split("/")[2]
        self._url = "http://" + host
        # The resize stays on the one compute host; a shelve keeps the server SHELVED.
        self.flags(allow_resize_to_same_host=True, shelved_offload_time=-1)
        # The tests' ConfFixture validates every answer against the release's response schemas
        # (``[api] response_validation = error``); a deployment's default is ``warn`` (a log
        # line): 34.0.0's usage audit log schema takes hosts_not_run's host names for uuids.
        try:
            self.flags(response_validation="warn", group="api")
        except cfg.NoSuchOptError:  # before 31.0.0
            pass
        sid = self._boot()
        vsid = self._boot(bfv=True)
        lsid = self._boot()
        self.api.post_server_action(lsid, {"lock": None})
        rsid = self._boot()
        self.api.post_server_action(rsid, {"rescue": {}})
        self._wait(rsid, "RESCUE")
        esid = self._boot()
        self.admin_api.post_server_action(esid, {"os-resetState": {"state": "error"}})
        psid = self._boot()
        self.api.post_server_action(psid, {"pause": None})
        self._wait(psid, "PAUSED")
        more = self._more_servers()
        # The Placement fixture turns [oslo_policy] enforce_new_defaults off on the shared
        # configuration; the release's own default is set back (servers booted).
        if NEW_DEFAULTS is not None:
            self.flags(enforce_new_defaults=NEW_DEFAULTS, group="oslo_policy")
            nova.policy.reset()
            nova.policy.init(suppress_deprecation_warnings=True)
        # The volume-backed server's volume (the swap cases' old volume).
        r = requests.get(
            f"{self._url}/v2.1/servers/{vsid}/os-volume_attachments",
            headers=self._headers("member"),
        )
        vvol = r.json()["volumeAttachments"][0]["volumeId"]
        ids = cases.ids(
            uid=ROLES["member"][0],
            vvol=vvol,
            sid=sid,
            vsid=vsid,
            lsid=lsid,
            rsid=rsid,
            esid=esid,
            psid=psid,
            pid=pid,
            rimg=RIMG,
            **more,
        )
        out = []
        settle = [sid, vsid, lsid, psid] + [more[k] for k in ("ssid", "tsid", "asid")]
        for name, method, path, headers, body, user in cases.CASES:
            h = dict(headers)
            h.update(self._headers(user))
            url = self._url + path.format(host=self.compute.host, **ids)
            # A redirect is the answer (fakecloud's side follows none).
            glance = getattr(self, "glance", None)  # Train's fake image service: none
            if b"{rimg}" in (body or b"") and glance and RIMG not in glance.images:
                # The fixture's `detail` ignores filters, so a createBackup's rotation has
                # deleted its oldest images by now: the rebuild's image put back.
                glance.create(None, dict(type(glance).image2))
            data = cases.fill(body, {**ids, "host": self.compute.host})
            r = requests.request(method, url, data=data, headers=h, allow_redirects=False)
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
            cases.learn(ids, j)
            if r.status_code == 202:
                self._settle(settle)
        Path(OUT).write_text(json.dumps(out, indent=1, default=str))


if __name__ == "__main__":
    res = unittest.TestResult()
    Oracle("test_run").run(res)
    for _t, e in res.errors + res.failures:
        print(e)
    print("nova", RELEASE, "enforce_new_defaults", NEW_DEFAULTS)
    print("ran", res.testsRun, "errors", len(res.errors), "failures", len(res.failures))
