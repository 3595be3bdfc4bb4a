"""The races of the spec's section 7 that touch the image-backed path, each placed at an exact
virtual time: two requests started with ``kernel.spawn`` at chosen instants."""

from __future__ import annotations

from fakecloud.nova import states
from tests.nova.conftest import NovaEnv, unexpected_500

UNEXPECTED_TASK_STATE = "nova.exception.UnexpectedTaskStateError"


def _snapshot_images(env: NovaEnv) -> list[dict]:
    resp = env.cloud.request("image", "GET", "/v2/images?name=snap", user="admin")
    return resp.json()["images"]


def _action(sid: str) -> tuple[str, str]:
    return "POST", f"/v2.1/servers/{sid}/action"


def test_two_requests_past_the_state_check_500_and_leak_a_queued_image(any_env: NovaEnv):
    """Both pass ``check_instance_state`` while Glance creates their images; the loser's
    compare-and-swap fails with UnexpectedTaskStateError, which nothing catches (L1)."""
    env = any_env
    sid = env.boot()
    t = env.cloud.now + 1.0
    body = {"createImage": {"name": "snap"}}
    headers = {"OpenStack-API-Version": "compute 2.45"}
    first = env.spawn_request(t, *_action(sid), body, headers=headers)
    second = env.spawn_request(t, *_action(sid), body, headers=headers)
    env.cloud.run_until_idle()
    assert first["response"].status == 202
    assert second["response"].status == 500
    assert second["response"].json() == {
        "computeFault": {
            "code": 500,
            "message": unexpected_500(env.cloud.profile, UNEXPECTED_TASK_STATE),
        }
    }
    images = {i["id"]: i["status"] for i in _snapshot_images(env)}
    winner = first["response"].json()["image_id"]
    assert images.pop(winner) == "active"
    assert list(images.values()) == ["queued"]  # the loser's image, leaked
    assert env.server(sid)["OS-EXT-STS:task_state"] is None


def test_second_request_after_the_first_saved_is_a_plain_409(env: NovaEnv):
    sid = env.boot()
    t = env.cloud.now + 1.0
    body = {"createImage": {"name": "snap"}}
    first = env.spawn_request(t, *_action(sid), body)
    # Glance's create takes image_api.latency_s; the first save happens right after.
    second = env.spawn_request(t + 0.5, *_action(sid), body)
    env.cloud.run_until_idle()
    assert first["response"].status == 202
    assert second["response"].status == 409
    assert len(_snapshot_images(env)) == 1


def test_delete_between_image_create_and_save_is_409_task_state_deleting(any_env: NovaEnv):
    """LP #1555065: the API deletes its image and answers 409, not 500."""
    env = any_env
    sid = env.boot()
    t = env.cloud.now + 1.0
    snap = env.spawn_request(t, *_action(sid), {"createImage": {"name": "snap"}})
    delete = env.spawn_request(t + 0.001, "DELETE", f"/v2.1/servers/{sid}")
    env.cloud.run_until_idle()
    assert delete["response"].status == 204
    assert snap["response"].status == 409
    assert snap["response"].json()["conflictingRequest"]["message"] == (
        f"Cannot 'createImage' instance {sid} while it is in task_state deleting"
    )
    assert _snapshot_images(env) == []
    assert env.request("GET", f"/v2.1/servers/{sid}").status == 404


def test_local_delete_between_image_create_and_save_is_409_vm_state_deleted(env: NovaEnv):
    """With the compute service down (past service_down_time) the delete is local: the row
    is gone at the save."""
    sid = env.boot()
    env.kernel.rpc.set_up("compute.cmp-1", False)
    env.cloud.advance(61.0)
    t = env.cloud.now + 1.0
    snap = env.spawn_request(t, *_action(sid), {"createImage": {"name": "snap"}})
    delete = env.spawn_request(t + 0.001, "DELETE", f"/v2.1/servers/{sid}")
    env.cloud.run_until_idle()
    assert delete["response"].status == 204
    assert snap["response"].status == 409
    assert snap["response"].json()["conflictingRequest"]["message"] == (
        f"Cannot 'createImage' instance {sid} while it is in vm_state deleted"
    )
    assert _snapshot_images(env) == []


def test_delete_after_202_before_the_compute_picks_up_the_cast_leaks_the_image(env: NovaEnv):
    sid = env.boot()
    t = env.cloud.now + 1.0
    snap = env.spawn_request(t, *_action(sid), {"createImage": {"name": "snap"}})
    env.cloud.run(until=t + 0.0055)  # the 202 is out, the cast (2 ms) not yet delivered
    assert snap["response"].status == 202
    delete = env.spawn_request(env.cloud.now, "DELETE", f"/v2.1/servers/{sid}")
    env.cloud.run_until_idle()
    assert delete["response"].status == 204
    images = _snapshot_images(env)
    assert [i["status"] for i in images] == ["queued"]
    logs = env.cloud.trace.filter(kind="log", subject=sid)
    assert "Instance being deleted, snapshot cannot continue" in [e["message"] for e in logs]


def test_delete_during_the_snapshot_cleans_up_a_non_active_image():
    env = NovaEnv("upstream", {"nova": {"disk_throughput_mb_per_s": 10.0}})
    sid = env.boot()
    t = env.cloud.now + 1.0
    snap = env.spawn_request(t, *_action(sid), {"createImage": {"name": "snap"}})
    delete = env.spawn_request(t + 3.0, "DELETE", f"/v2.1/servers/{sid}")
    env.cloud.run_until_idle()
    assert snap["response"].status == 202 and delete["response"].status == 204
    assert _snapshot_images(env) == []
    assert env.nova.db.faults.get(sid) is None


def test_snapshot_and_stop_at_the_same_instant_one_wins(env: NovaEnv):
    sid = env.boot()
    t = env.cloud.now + 1.0
    snap = env.spawn_request(t, *_action(sid), {"createImage": {"name": "snap"}})
    stop = env.spawn_request(t, *_action(sid), {"os-stop": None})
    env.cloud.run_until_idle()
    # The stop claims the task_state at once; the snapshot's save after Glance's create loses.
    assert stop["response"].status == 202
    assert snap["response"].status == 500
    assert [i["status"] for i in _snapshot_images(env)] == ["queued"]
    assert env.server(sid)["status"] == "SHUTOFF"


def test_stop_after_the_snapshot_claimed_the_server_is_409(env: NovaEnv):
    sid = env.boot()
    t = env.cloud.now + 1.0
    env.spawn_request(t, *_action(sid), {"createImage": {"name": "snap"}})
    stop = env.spawn_request(t + 0.5, *_action(sid), {"os-stop": None})
    env.cloud.run_until_idle()
    assert stop["response"].status == 409
    assert (
        stop["response"]
        .json()["conflictingRequest"]["message"]
        .endswith(f"while it is in task_state {states.IMAGE_PENDING_UPLOAD}")
    )


def test_a_race_replays_byte_for_byte():
    def run() -> str:
        env = NovaEnv("upstream")
        sid = env.boot()
        t = env.cloud.now + 1.0
        body = {"createImage": {"name": "snap"}}
        env.spawn_request(t, *_action(sid), body)
        env.spawn_request(t, *_action(sid), body)
        env.spawn_request(t + 0.001, "DELETE", f"/v2.1/servers/{sid}")
        env.cloud.run_until_idle()
        return env.cloud.trace.digest()

    assert run() == run()
