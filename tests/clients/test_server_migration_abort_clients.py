"""``openstack server migration abort`` / ``force complete`` (python-openstackclient 10.5.0,
unchanged, in-process) on a server that is not live-migrating: Nova's 409s (nova 17.0.13 and
34.0.0 ``server_migrations.py`` ``delete``/``_force_complete``, compute ``API``
``live_migrate_abort``/``live_migrate_force_complete`` under ``check_instance_state``,
``common.raise_http_conflict_for_instance_invalid_state``). Both were fakecloud's own 404 (no
route)."""

import pytest
from client_helpers import boot_direct
from osc_inprocess import CommandFailed, OpenStackCLI


def test_abort_and_force_complete_are_refused_while_no_live_migration_runs(intercepted, tmp_path):
    sid = boot_direct(intercepted, "s1")
    osc = OpenStackCLI(intercepted, tmp_path)
    for command, action in (
        (("abort",), "abort live migration"),
        (("force", "complete"), "force_complete"),
    ):
        with pytest.raises(CommandFailed) as failed:
            osc("server", "migration", *command, sid, "1", cloud="fakecloud-admin", output=False)
        # task_state None: common.raise_http_conflict_for_instance_invalid_state's fallback.
        assert f"Instance {sid} is in an invalid state for '{action}'" in str(failed)
    base = f"/v2.1/servers/{sid}/migrations/1"

    def call(method, path, body=None, user="admin", version="2.24"):
        resp = intercepted.request("compute", method, path, body=body, user=user,
                                   microversion=version)  # fmt: skip
        return resp.status, resp.json() if resp.body else None

    assert call("DELETE", base, version="2.23")[0] == 404
    assert call("POST", f"{base}/action", {"force_complete": None}, version="2.21")[0] == 404
    assert call("DELETE", base, user="demo")[0] == 403
    assert call("POST", f"{base}/action", {"force_complete": {}})[0] == 400
    assert call("POST", f"{base}/action", {"abort": None}) == (
        400, {"badRequest": {"code": 400, "message": "There is no such action: abort"}}
    )  # fmt: skip
    # ``openstack server migrate --live-migration`` (openstacksdk ``live_migrate_server``,
    # session 18): the scheduler's pick, the server on the other host when it ends.
    osc("server", "migrate", "--live-migration", sid, cloud="fakecloud-admin", output=False)
    assert (
        intercepted.request("compute", "GET", f"/v2.1/servers/{sid}").json()["server"]["status"]
        == "MIGRATING"
    )
    intercepted.run_until_idle()
    shown = intercepted.request(
        "compute", "GET", f"/v2.1/servers/{sid}", user="admin", microversion="2.47"
    ).json()["server"]
    assert (shown["status"], shown["OS-EXT-SRV-ATTR:host"]) == ("ACTIVE", "cmp-2")
    (row,) = intercepted.request(
        "compute", "GET", "/v2.1/os-migrations", user="admin", microversion="2.23"
    ).json()["migrations"]
    assert (row["migration_type"], row["status"]) == ("live-migration", "completed")
