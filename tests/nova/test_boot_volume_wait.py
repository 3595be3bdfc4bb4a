"""A server booted from a volume Nova asks Cinder to make: the compute manager reads the volume
until it leaves ``creating``/``downloading`` (``_await_block_device_map_created``), sleeping
``block_device_allocate_retries_interval`` after each such read; any other status ends the wait
at once, and running out of reads ends it too. Either way the build aborts with
``VolumeNotCreated``'s text in the server's fault (``_prep_block_device`` keeps it in
``InvalidBDM``)."""

from __future__ import annotations

import re

import pytest

from tests.nova.conftest import NovaEnv

NOT_CREATED = re.compile(
    r"Build of instance [-0-9a-f]{36} aborted: Volume [-0-9a-f]{36} did not finish being "
    r"created even after we waited (\d+) seconds or (\d+) attempts\. And its status is (\w+)\."
)


@pytest.fixture(scope="module")
def env() -> NovaEnv:
    # Three reads at most, one second apart.
    return NovaEnv(config={"nova": {"volume_wait_retries": 2, "volume_wait_interval_s": 1.0}})


def _fault(env: NovaEnv, sid: str) -> tuple[int, int, str]:
    env.cloud.run_until_idle()
    server = env.request("GET", f"/v2.1/servers/{sid}").json()["server"]
    assert server["status"] == "ERROR"
    seconds, attempts, status = NOT_CREATED.fullmatch(server["fault"]["message"]).groups()
    return int(seconds), int(attempts), status


def _logs(env: NovaEnv, sid: str) -> list[str]:
    """The warnings nova-compute logged for the server."""
    return [
        e["message"]
        for e in env.cloud.trace.filter(kind="log", subject=sid)
        if e.get("level") == "warning" and e["actor"].startswith("nova-compute")
    ]


def _reads(env: NovaEnv, since: float) -> list[float]:
    """When nova-compute read a volume from Cinder (after `since`)."""
    return [
        e["t"]
        for e in env.cloud.trace.filter(kind="http.request", call="get")
        if e["t"] >= since and e["actor"].startswith("nova-compute")
    ]


def test_a_volume_in_error_ends_the_wait_at_the_read_that_sees_it(env):
    rule = env.cloud.faults.add(
        "cinder.driver", match={"op": "copy_image_to_volume"}, error=RuntimeError("disk on fire")
    )
    t0 = env.cloud.now
    sid = env.boot(bfv=True, wait=False)
    # The first read finds it creating; one second later it is in error: no third read of
    # the wait. The aborted build's _cleanup_volumes reads it once more (_detach_volume) and
    # deletes it (delete_on_termination).
    assert _fault(env, sid) == (1, 2, "error")
    reads = _reads(env, t0)
    assert len(reads) == 3 and reads[2] - reads[1] < 0.5
    assert _logs(env, sid) == []
    env.cloud.faults.remove(rule)


def test_a_volume_still_creating_after_the_last_read_is_not_created(env):
    rule = env.cloud.faults.add("cinder.volume.create", "delay", delay_s=30.0, times=1)
    t0 = env.cloud.now
    sid = env.boot(bfv=True, wait=False)
    # Three reads, each followed by the one-second sleep (the last one too), then the clean-up's
    # read; Cinder refuses to delete a volume still creating, which Nova only logs.
    assert _fault(env, sid) == (3, 3, "creating")
    reads = _reads(env, t0)
    assert len(reads) == 4 and reads[2] - reads[0] == pytest.approx(2.0, abs=0.1)
    (logged,) = _logs(env, sid)
    assert logged.startswith("Failed to delete volume: ")
    env.cloud.faults.remove(rule)
