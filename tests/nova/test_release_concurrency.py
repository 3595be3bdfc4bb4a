"""nova-compute's concurrency backends by release: eventlet only before 33.0.0, threading
available from 33.0.0 (9e678b83eb) and the default from 34.0.0 (90e1f6adb3). With threading,
the max_concurrent_snapshots semaphore is neutered and one long-task executor of
max(max_concurrent_builds, max_concurrent_snapshots) workers runs builds and snapshots."""

from __future__ import annotations

import pytest

from fakecloud import Cloud
from fakecloud.errors import ConfigError
from tests.nova.conftest import NovaEnv


def _started_together(profile: str, **nova) -> int:
    """How many of three snapshots on one host begin before the first is uploaded."""
    env = NovaEnv(profile, {"nova": {"compute_hosts": 1, **nova}})
    sids = [env.boot(f"vm{i}") for i in range(3)]
    for sid in sids:
        assert env.create_image(sid).status == 202
    env.cloud.run_until_idle()
    trace = env.cloud.trace
    first_done = trace.filter(kind="nova.snapshot", phase="uploaded")[0]["t"]
    return sum(e["t"] < first_done for e in trace.filter(kind="nova.snapshot", phase="begin"))


@pytest.mark.parametrize(
    ("profile", "nova", "together"),
    [
        # 33.0.2: eventlet by default, the semaphore of 1 serialises.
        ("nova-33.0.2", {"max_concurrent_snapshots": 1}, 1),
        ("nova-33.0.2", {"max_concurrent_snapshots": 1, "concurrency_backend": "threading"}, 3),
        # 34.0.0 (threading by default, the semaphore neutered, an executor of
        # max(max_concurrent_builds, max_concurrent_snapshots)): scenarios/races/snapshot_semaphore
    ],
)
def test_what_limits_snapshots_follows_the_concurrency_backend(profile, nova, together):
    assert _started_together(profile, **nova) == together


def test_the_default_backend_is_threading_from_34_0_0():
    assert Cloud(profile="nova-33.0.2").nova.hosts["cmp-1"].concurrency_backend == "eventlet"
    assert Cloud(profile="upstream").nova.hosts["cmp-1"].concurrency_backend == "threading"


@pytest.mark.parametrize(
    ("profile", "backend", "message"),
    [
        ("nova-32.2.1", "threading", "threading needs Nova 33.0.0 or later"),
        ("seed", "threading", "(the profile is Nova 17.0.13, eventlet only)"),
        ("upstream", "greenlet", "must be eventlet or threading, got 'greenlet'"),
    ],
)
def test_a_backend_the_release_lacks_is_a_clear_error(profile, backend, message):
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Cloud(profile=profile, config={"nova": {"concurrency_backend": backend}})


@pytest.mark.parametrize(("builds", "serial"), [(1, True), (0, False)])
def test_max_concurrent_builds_limits_builds_with_eventlet(builds, serial):
    """Every release's ``_build_semaphore`` (max_concurrent_builds, default 10; 0: none): with
    1, three boots of 4 s each on one host become active 4 s apart."""
    env = NovaEnv("nova-17.0.13", {"nova": {"compute_hosts": 1, "max_concurrent_builds": builds}})
    for i in range(3):
        env.boot(f"vm{i}", wait=False)
    env.cloud.run_until_idle()
    active = [e["t"] for e in env.cloud.trace.filter(kind="state", field="vm_state", new="active")]
    assert len(active) == 3
    assert (active[-1] - active[0] == pytest.approx(8.0, abs=0.01)) is serial
