"""cinder-volume's failed create sent back to the scheduler (``OnFailureRescheduleTask``,
cinder 12.0.10-29.0.0; ``_populate_retry``'s ``scheduler_max_attempts``, 3)."""

import pytest
from cinder_support import call, create_snapshot, create_volume

from tests.booted import booted


def _errors(cloud, volume_id):
    return [e["error"] for e in cloud.trace.filter(kind="cinder.error", subject=volume_id)]


@pytest.mark.parametrize("profile", ["seed", "upstream"])
def test_a_volume_from_a_snapshot_whose_first_create_fails_is_made_at_the_second(profile):
    """The driver's ``create_volume_from_snapshot`` fails once: rescheduled, placed again on
    the snapshot's backend, made there."""
    cloud = booted(profile=profile)
    source = create_volume(cloud, size=1)
    snap = create_snapshot(cloud, source)
    cloud.faults.add(
        "cinder.driver",
        error="CinderBackendError",
        match={"op": "create_volume_from_snapshot"},
        times=1,
    )
    vid = create_volume(cloud, size=1, snapshot_id=snap)
    shown = call(cloud, "GET", f"volumes/{vid}").json()["volume"]
    assert shown["status"] == "available"
    assert len(_errors(cloud, vid)) == 1
    placed = [e for e in cloud.trace.filter(kind="rpc.cast") if e.get("method") == "create_volume"]
    assert len(placed) >= 4  # API -> scheduler -> manager, manager -> scheduler -> manager


def test_without_retries_a_failed_create_errors_at_once():
    """``scheduler_max_attempts: 1``: no retry information, ``do_reschedule`` false."""
    cloud = booted(profile="upstream", config={"cinder": {"scheduler_max_attempts": 1}})
    cloud.faults.add("cinder.volume.create", error="CinderBackendError")
    vid = create_volume(cloud, size=1, settle=False)
    cloud.run_until_idle()
    assert call(cloud, "GET", f"volumes/{vid}").json()["volume"]["status"] == "error"
    assert len(_errors(cloud, vid)) == 1
