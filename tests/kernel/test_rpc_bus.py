"""The RPC bus: casts delivered after the delay, calls with replies, errors and timeouts."""

import pytest

from fakecloud import Cloud
from fakecloud.sim.rpc import MessagingTimeout


class Endpoint:
    def __init__(self, cloud):
        self.cloud = cloud
        self.seen = []

    def note(self, value):
        self.seen.append((self.cloud.now, value))

    def slow_double(self, value, seconds=1.0):
        yield self.cloud.kernel.env.timeout(seconds)
        return value * 2

    def broken(self):
        raise KeyError("remote failure")


def _call(cloud, target, method, **kwargs):
    box = {}

    def caller():
        try:
            box["value"] = yield from cloud.kernel.rpc.call(target, method, **kwargs)
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            box["error"] = exc
        box["t"] = cloud.now

    cloud.kernel.spawn(caller(), name="caller")
    cloud.run_until_idle()
    return box


def test_cast_is_delivered_after_the_configured_delay():
    cloud = Cloud(config={"rpc": {"delay_s": 0.25}})
    ep = Endpoint(cloud)
    cloud.kernel.rpc.register("compute.cmp-1", ep)
    cloud.kernel.rpc.cast("compute.cmp-1", "note", value="hi")
    cloud.run_until_idle()
    assert ep.seen == [(0.25, "hi")]
    kinds = [e["kind"] for e in cloud.trace.filter(kind="rpc.*")]
    assert kinds == ["rpc.cast", "rpc.deliver"]


def test_call_returns_the_reply_after_two_hops_and_the_work():
    cloud = Cloud(config={"rpc": {"delay_s": 0.5}})
    cloud.kernel.rpc.register("compute.cmp-1", Endpoint(cloud))
    box = _call(cloud, "compute.cmp-1", "slow_double", value=21, seconds=2.0)
    assert box == {"value": 42, "t": 3.0}


def test_call_reraises_the_remote_exception():
    cloud = Cloud()
    cloud.kernel.rpc.register("compute.cmp-1", Endpoint(cloud))
    box = _call(cloud, "compute.cmp-1", "broken")
    assert isinstance(box["error"], KeyError)


def test_call_times_out_after_rpc_response_timeout():
    cloud = Cloud(config={"rpc": {"response_timeout_s": 30}})
    cloud.kernel.rpc.register("compute.cmp-1", Endpoint(cloud))
    box = _call(cloud, "compute.cmp-1", "slow_double", value=1, seconds=100)
    assert isinstance(box["error"], MessagingTimeout)
    assert box["t"] == 30.0
    assert cloud.trace.first(kind="rpc.timeout")["t"] == 30.0


def test_default_timeout_is_60s_and_a_down_service_loses_messages():
    cloud = Cloud()
    ep = Endpoint(cloud)
    cloud.kernel.rpc.register("compute.cmp-1", ep)
    cloud.kernel.rpc.set_up("compute.cmp-1", False)
    cloud.kernel.rpc.cast("compute.cmp-1", "note", value=1)
    box = _call(cloud, "compute.cmp-1", "slow_double", value=1)
    assert box["t"] == 60.0 and isinstance(box["error"], MessagingTimeout)
    assert ep.seen == []


def test_a_fault_rule_can_drop_a_call_which_then_times_out():
    cloud = Cloud()
    cloud.kernel.rpc.register("compute.cmp-1", Endpoint(cloud))
    cloud.faults.add("rpc.call", action="drop", match={"method": "slow_double"}, times=1)
    box = _call(cloud, "compute.cmp-1", "slow_double", value=1, timeout=10)
    assert isinstance(box["error"], MessagingTimeout) and box["t"] == 10.0
    box = _call(cloud, "compute.cmp-1", "slow_double", value=4, seconds=0)
    assert box["value"] == 8


def test_a_fault_rule_can_raise_on_cast():
    cloud = Cloud()
    cloud.kernel.rpc.register("compute.cmp-1", Endpoint(cloud))
    cloud.faults.add("rpc.cast", error=MessagingTimeout)
    with pytest.raises(MessagingTimeout):
        cloud.kernel.rpc.cast("compute.cmp-1", "note", value=1)


def test_a_server_that_dies_before_replying_is_a_timeout_not_a_crash():
    cloud = Cloud(config={"rpc": {"response_timeout_s": 20}})
    ep = Endpoint(cloud)
    cloud.kernel.rpc.register("compute.cmp-1", ep)
    box = {}

    def caller():
        try:
            yield from cloud.kernel.rpc.call("compute.cmp-1", "slow_double", value=1, seconds=10)
        except MessagingTimeout:
            box["t"] = cloud.now

    cloud.kernel.spawn(caller(), name="caller")
    cloud.advance(1)
    (server,) = [p for p, name in cloud.kernel._live.items() if name.startswith("rpc.call")]
    server.interrupt("compute restart")
    cloud.run_until_idle()
    assert box == {"t": 20.0}
