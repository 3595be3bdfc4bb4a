"""Bandwidth over time, read back from a trace: the max-min fair rates the I/O model gave."""

from fakecloud.views.bandwidth import bandwidth, max_min_rates
from tests.views.conftest import run_scenario

MB = 1_000_000


def test_a_latecomer_takes_its_fair_third_and_everyone_speeds_up_when_it_leaves():
    result = run_scenario("kernel/fair_sharing.yaml", "latecomer")
    (link,) = bandwidth(result.trace).values()
    third = 100 * MB / 3
    assert link.name == "link:demo"
    assert link.capacity == [(result.t0, 100 * MB)]
    assert link.points == [(0, 100 * MB), (23.0, 0.0)]  # saturated all along
    rates = {fid: [(t, round(v)) for t, v in steps] for fid, steps in link.flows.items()}
    assert list(rates.values()) == [
        [(0, 50 * MB), (4.0, round(third)), (13.0, 50 * MB), (23.0, 0)],
        [(0, 50 * MB), (4.0, round(third)), (13.0, 50 * MB), (23.0, 0)],
        [(4.0, round(third)), (13.0, 0)],
    ]


def test_a_flow_held_back_elsewhere_leaves_its_share_to_the_others():
    flows = {"a": ("link-1", "store"), "b": ("link-2", "store"), "c": ("link-2",)}
    capacity = {"link-1": 30.0, "link-2": 100.0, "store": 100.0}
    assert max_min_rates(flows, capacity) == {"a": 30.0, "b": 50.0, "c": 50.0}


def test_every_transfer_moves_exactly_its_bytes(image_online):
    sizes = {e["subject"]: e["size"] for e in image_online.trace if e["kind"] == "io.start"}
    for usage in bandwidth(image_online.trace).values():
        for fid, steps in usage.flows.items():
            moved = sum((t1 - t0) * v for (t0, v), (t1, _) in zip(steps, steps[1:], strict=False))
            assert abs(moved - sizes[fid]) < 1e-3 * max(1, sizes[fid]), (usage.name, fid)
