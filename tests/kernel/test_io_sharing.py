"""Timed I/O: max-min fair sharing, exact finishing times, capacity changes and faults."""

import pytest

from fakecloud import Cloud
from fakecloud.sim.io import GB, MB, TransferFailed


def _run_transfers(cloud, specs):
    """Start (delay, size, path) transfers; return {index: finish time}."""
    done = {}

    def worker(i, delay, size, path):
        if delay:
            yield cloud.kernel.env.timeout(delay)
        t = cloud.io.transfer(size, path, label=f"t{i}")
        yield t.done
        done[i] = cloud.now

    for i, (delay, size, path) in enumerate(specs):
        cloud.kernel.spawn(worker(i, delay, size, path), name=f"worker {i}")
    cloud.run_until_idle()
    return done


def test_two_equal_transfers_share_a_link_and_both_finish_at_20s():
    cloud = Cloud()
    cloud.io.resource("link", 100 * MB)
    assert _run_transfers(cloud, [(0, GB, ["link"]), (0, GB, ["link"])]) == {0: 20.0, 1: 20.0}


def test_unequal_transfers_finish_at_10s_and_15s():
    cloud = Cloud()
    cloud.io.resource("link", 100 * MB)
    done = _run_transfers(cloud, [(0, GB, ["link"]), (0, GB // 2, ["link"])])
    assert done == {0: 15.0, 1: 10.0}


def test_a_late_arrival_reshares_at_its_arrival():
    # 1 GB alone for 5 s (500 MB done), then shared with a 250 MB transfer: 5 s more each at
    # 50 MB/s finishes the small one at 10 s; the big one has 250 MB left at full speed: 12.5 s.
    cloud = Cloud()
    cloud.io.resource("link", 100 * MB)
    done = _run_transfers(cloud, [(0, GB, ["link"]), (5, 250 * MB, ["link"])])
    assert done == {1: 10.0, 0: 12.5}


def test_slowing_a_link_mid_transfer_moves_the_finish_time():
    # 1 GB at 100 MB/s for 5 s (500 MB), then 25 MB/s: 500 MB / 25 MB/s = 20 s more.
    cloud = Cloud()
    cloud.io.resource("link", 100 * MB)
    cloud.kernel.at(5, lambda: cloud.io.set_capacity("link", 25 * MB))
    assert _run_transfers(cloud, [(0, GB, ["link"])]) == {0: 25.0}


def test_the_bottleneck_resource_sets_the_rate_and_leftover_goes_to_others():
    # Upload A crosses link1 (100 MB/s) and a store (60 MB/s); B crosses link2 and the store.
    # C only link1. Store splits 30/30 to A and B; C gets link1's remaining 70 MB/s.
    cloud = Cloud()
    for name, cap in [("link1", 100 * MB), ("link2", 100 * MB), ("store", 60 * MB)]:
        cloud.io.resource(name, cap)
    done = _run_transfers(
        cloud,
        [
            (0, 300 * MB, ["link1", "store"]),
            (0, 300 * MB, ["link2", "store"]),
            (0, 700 * MB, ["link1"]),
        ],
    )
    assert done == {0: 10.0, 1: 10.0, 2: 10.0}


def test_rates_are_visible_while_transfers_run():
    cloud = Cloud()
    cloud.io.resource("link", 100 * MB)
    a = cloud.io.transfer(GB, ["link"], label="a")
    b = cloud.io.transfer(GB, ["link"], label="b")
    cloud.advance(1)
    assert a.rate == b.rate == 50 * MB
    assert a.remaining(cloud.now) == pytest.approx(GB - 50 * MB)


def test_a_fault_rule_fails_a_transfer_at_its_start():
    cloud = Cloud()
    cloud.io.resource("link", 100 * MB)
    cloud.faults.add("io.transfer", error=TransferFailed("store full"), match={"label": "up"})
    outcome = []

    def worker():
        t = cloud.io.transfer(GB, ["link"], label="up")
        try:
            yield t.done
        except TransferFailed as exc:
            outcome.append((cloud.now, str(exc)))

    cloud.kernel.spawn(worker(), name="uploader")
    cloud.run_until_idle()
    assert outcome == [(0.0, "store full")]
    assert [e["kind"] for e in cloud.trace.filter(subject="io.transfer")] == ["fault"]


def test_a_timed_fault_fails_a_running_transfer_at_that_instant():
    cloud = Cloud()
    cloud.io.resource("link", 100 * MB)
    cloud.faults.add("io.transfer", error=TransferFailed("link reset"), at=3.0)
    outcome = []

    def worker():
        t = cloud.io.transfer(GB, ["link"], label="up")
        try:
            yield t.done
        except TransferFailed:
            outcome.append(cloud.now)

    cloud.kernel.spawn(worker(), name="uploader")
    cloud.run_until_idle()
    assert outcome == [3.0]


def test_a_stalled_transfer_resumes_with_the_bytes_it_had_left():
    # 1 GB at 100 MB/s; stalled from t=2 (200 MB done) to t=10: finishes at 10 + 8 = 18 s.
    cloud = Cloud()
    cloud.io.resource("link", 100 * MB)
    box = {}

    def worker():
        box["t"] = cloud.io.transfer(GB, ["link"], label="up")
        yield box["t"].done
        box["end"] = cloud.now

    cloud.kernel.spawn(worker(), name="uploader")
    cloud.kernel.at(2, lambda: cloud.io.stall(box["t"]))
    cloud.kernel.at(10, lambda: cloud.io.resume(box["t"]))
    cloud.run_until_idle()
    assert box["end"] == 18.0


def test_a_stall_rule_keeps_the_transfer_waiting_and_idle_detection_names_it():
    from fakecloud.errors import SimulationNotIdle

    cloud = Cloud()
    cloud.io.resource("link", 100 * MB)
    cloud.faults.add("io.transfer", action="stall")

    def worker():
        yield cloud.io.transfer(GB, ["link"], label="up").done

    cloud.kernel.spawn(worker(), name="upload of image X")
    with pytest.raises(SimulationNotIdle, match="upload of image X"):
        cloud.run_until_idle()


def test_zero_byte_transfer_finishes_at_once():
    cloud = Cloud()
    cloud.io.resource("link", 100 * MB)
    assert _run_transfers(cloud, [(0, 0, ["link"])]) == {0: 0.0}


def test_bad_throughput_is_a_clear_error():
    cloud = Cloud()
    with pytest.raises(ValueError, match="throughput of 'link'"):
        cloud.io.resource("link", float("inf"))


def test_a_transfer_stalled_at_its_start_goes_on_when_the_fault_is_released():
    cloud = Cloud()
    cloud.io.resource("link", 100 * MB)
    cloud.faults.add("io.transfer", action="stall", times=1)
    cloud.kernel.at(30, lambda: cloud.faults.release("io.transfer"))
    assert _run_transfers(cloud, [(0, GB, ["link"])]) == {0: 40.0}
