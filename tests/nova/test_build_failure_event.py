"""A build that fails on its host without a reschedule, as the user sees it afterwards
(``ComputeManager._do_build_and_run_instance``, nova 12.0.0-34.0.0): the instance-action event
is named after the wrapped method (``compute__do_build_and_run_instance``) and ends ``Success``,
since the method handles the failure and returns; the server leaves the host
(``_nil_out_instance_obj_host_and_node``), so no hypervisor counts it and its delete is the
API's own, with no cast to a compute."""

from __future__ import annotations

import pytest

from tests.nova.conftest import NovaEnv


@pytest.fixture(scope="module")
def env() -> NovaEnv:
    return NovaEnv(config={"nova": {"volume_wait_retries": 1, "volume_wait_interval_s": 1.0}})


def test_an_aborted_build_leaves_the_host_and_its_event_succeeds(env):
    env.cloud.faults.add(
        "cinder.driver", match={"op": "copy_image_to_volume"}, error=RuntimeError("disk on fire")
    )
    sid = env.boot(bfv=True, wait=False)
    env.cloud.run_until_idle()
    server = env.server(sid)
    assert server["status"] == "ERROR" and server["fault"]["message"].startswith(
        f"Build of instance {sid} aborted: Volume "
    )
    assert server["OS-EXT-SRV-ATTR:host"] is None
    assert server["OS-EXT-SRV-ATTR:hypervisor_hostname"] is None
    (action,) = env.request("GET", f"/v2.1/servers/{sid}/os-instance-actions", user="admin").json()[
        "instanceActions"
    ]
    assert action["action"] == "create" and action["message"] is None
    shown = env.request(
        "GET", f"/v2.1/servers/{sid}/os-instance-actions/{action['request_id']}", user="admin"
    ).json()["instanceAction"]
    assert [(e["event"], e["result"], e["traceback"]) for e in shown["events"]] == [
        ("compute__do_build_and_run_instance", "Success", None)
    ]
    hypervisors = env.request("GET", "/v2.1/os-hypervisors/detail", user="admin").json()
    assert {h["running_vms"] for h in hypervisors["hypervisors"]} == {0}
    since = env.cloud.now
    assert env.request("DELETE", f"/v2.1/servers/{sid}").status == 204
    env.cloud.run_until_idle()
    assert not [
        e for e in env.cloud.trace.filter(kind="rpc.cast") if e["t"] >= since
    ]  # ``_local_delete``: nova-api deletes it itself
    assert env.request("GET", f"/v2.1/servers/{sid}").status == 404
