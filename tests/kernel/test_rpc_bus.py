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


def test_default_timeout_is_60s_and_a_down_services_messages_wait_in_its_queue():
    cloud = Cloud()
    ep = Endpoint(cloud)
    rpc = cloud.kernel.rpc
    rpc.register("compute.cmp-1", ep)
    rpc.set_up("compute.cmp-1", False)
    rpc.cast("compute.cmp-1", "note", value=1)
    rpc.cast("compute.cmp-1", "note", value=2)
    box = _call(cloud, "compute.cmp-1", "slow_double", value=1)
    assert box["t"] == 60.0 and isinstance(box["error"], MessagingTimeout)
    assert ep.seen == []
    assert rpc.queued("compute.cmp-1") == ["note", "note", "slow_double"]
    assert [e["method"] for e in cloud.trace.filter(kind="rpc.queued")] == [
        "note",
        "note",
        "slow_double",
    ]
    # The call expires at 60.002 (published with expiration=timeout): no longer waiting.
    cloud.advance(0.002)
    assert rpc.queued("compute.cmp-1") == ["note", "note"]
    # Back up at t=100: the queue is consumed in order, one delivery delay later; the call
    # expired at 60.002 (published with expiration=timeout): RabbitMQ discards it unserved.
    cloud.advance(100 - cloud.now)
    rpc.set_up("compute.cmp-1", True)
    cloud.run_until_idle()
    assert ep.seen == [(100.002, 1), (100.002, 2)]
    assert rpc.queued("compute.cmp-1") == []
    (expired,) = cloud.trace.filter(kind="rpc.expired")
    assert (expired["t"], expired["method"]) == (100.0, "slow_double")
    assert cloud.trace.filter(kind="rpc.dropped") == []
    assert [e["method"] for e in cloud.trace.filter(kind="rpc.deliver")] == ["note", "note"]


def test_a_monitored_call_given_up_on_is_still_served_until_its_timeout_expires():
    """The caller gives up after ``call_monitor_timeout`` with no heartbeat, but the request
    carries ``expiration=timeout``: a service back before then serves it, to nobody."""
    cloud = Cloud()
    rpc = cloud.kernel.rpc
    rpc.register("compute.cmp-1", Endpoint(cloud))
    rpc.set_up("compute.cmp-1", False)
    box = _call(
        cloud, "compute.cmp-1", "slow_double", timeout=300, call_monitor_timeout=60, value=1
    )
    assert isinstance(box["error"], MessagingTimeout) and box["t"] == 60.0
    cloud.advance(40)
    rpc.set_up("compute.cmp-1", True)
    cloud.run_until_idle()
    (dropped,) = cloud.trace.filter(kind="rpc.dropped")
    assert (dropped["method"], dropped["t"]) == ("slow_double", pytest.approx(101.004))
    assert cloud.trace.filter(kind="rpc.expired") == []


def test_a_call_waiting_in_the_queue_is_answered_if_the_service_returns_in_time():
    cloud = Cloud(config={"rpc": {"response_timeout_s": 30}})
    rpc = cloud.kernel.rpc
    rpc.register("compute.cmp-1", Endpoint(cloud))
    rpc.set_up("compute.cmp-1", False)
    cloud.kernel.after(10, lambda: rpc.set_up("compute.cmp-1", True))
    box = _call(cloud, "compute.cmp-1", "slow_double", value=21)
    assert box["value"] == 42 and box["t"] == pytest.approx(11.004)


@pytest.mark.parametrize("how", ["amqp_auto_delete", "fault"])
def test_a_lost_queue_loses_the_message(how):
    config = {"rpc": {"amqp_auto_delete": True}} if how == "amqp_auto_delete" else None
    cloud = Cloud(config=config)
    ep = Endpoint(cloud)
    rpc = cloud.kernel.rpc
    rpc.register("compute.cmp-1", ep)
    if how == "fault":
        cloud.faults.add("rpc.queue", action="drop", match={"method": "note"})
    rpc.set_up("compute.cmp-1", False)
    rpc.cast("compute.cmp-1", "note", value=1, volume_id="v-1")
    cloud.advance(1)
    rpc.set_up("compute.cmp-1", True)
    cloud.run_until_idle()
    assert ep.seen == []
    (lost,) = cloud.trace.filter(kind="rpc.lost")
    assert (lost["method"], lost["reason"]) == ("note", "no queue")
    assert lost["volume_id"] == "v-1"  # a Cinder message's loss names its volume (explore paths)


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


class Raiser:
    def __init__(self, exc):
        self.exc = exc

    def fail(self):
        raise self.exc


def test_errors_come_back_rebuilt_as_oslo_messaging_rebuilds_them():
    from fakecloud.nova import exception
    from fakecloud.sim.rpc import RemoteError

    cloud = Cloud()
    rpc = cloud.kernel.rpc
    # A Nova exception (nova.exception is an allowed module): <Name>_Remote in <module>_Remote,
    # still the class it was, with its message.
    rpc.register("compute.a", Raiser(exception.InternalError(err="libvirt said no")))
    error = _call(cloud, "compute.a", "fail")["error"]
    assert type(error).__name__ == "InternalError_Remote"
    assert type(error).__module__ == "nova.exception_Remote"
    assert error.real_class_path == "nova.exception_Remote.InternalError_Remote"
    assert isinstance(error, exception.InternalError)
    assert error.format_message() == "libvirt said no"
    # A builtin stays itself; an exception of a module not allowed is a RemoteError.
    rpc.register("compute.b", Raiser(ValueError("bad")))
    error = _call(cloud, "compute.b", "fail")["error"]
    assert type(error) is ValueError and str(error) == "bad"
    rpc.register("compute.c", Raiser(MessagingTimeout("nested call timed out")))
    error = _call(cloud, "compute.c", "fail")["error"]
    assert isinstance(error, RemoteError)
    assert (error.exc_type, error.value) == ("MessagingTimeout", "nested call timed out")
    assert error.real_class_path == "oslo_messaging.rpc.client.RemoteError"


# -- an answered call's deadline is cancelled, as the caller's timer is ----------------------
# (oslo.messaging's ReplyWaiter stops waiting when the reply comes: no timer outlives it.)


def _pad(cloud, n):
    """`n` timers far ahead, so cancelled deadlines stay queued among them for a while (the
    kernel takes them out all at once when they are a quarter of the queue)."""
    for _ in range(n):
        cloud.kernel.after(10_000, lambda: None)


def test_a_run_to_the_end_stops_at_the_reply_not_at_the_deadline():
    cloud = Cloud(config={"rpc": {"delay_s": 0.5}})
    cloud.kernel.rpc.register("compute.cmp-1", Endpoint(cloud))
    box = _call(cloud, "compute.cmp-1", "slow_double", value=21, seconds=2.0)
    assert box == {"value": 42, "t": 3.0}
    cloud.advance(7)
    cloud.run()
    assert cloud.now == 10.0
    assert [e["kind"] for e in cloud.trace.filter(kind="rpc.*")] == [
        "rpc.call",
        "rpc.deliver",
        "rpc.reply",
    ]


def test_a_monitored_call_answered_leaves_no_timer_behind():
    cloud = Cloud(config={"rpc": {"delay_s": 0.5}})
    cloud.kernel.rpc.register("compute.cmp-1", Endpoint(cloud))
    box = _call(cloud, "compute.cmp-1", "slow_double", value=2, seconds=90.0, timeout=180,
                call_monitor_timeout=60)  # fmt: skip
    assert box == {"value": 4, "t": 91.0}
    cloud.run()
    assert cloud.now == 91.0


def test_a_stalled_cloud_is_reported_at_the_last_thing_that_happened():
    from fakecloud.errors import SimulationNotIdle

    cloud = Cloud(config={"rpc": {"delay_s": 0.5}})
    cloud.kernel.rpc.register("compute.cmp-1", Endpoint(cloud))
    never = cloud.kernel.env.event()

    def caller():
        yield from cloud.kernel.rpc.call("compute.cmp-1", "slow_double", value=1, seconds=2.0)
        yield never  # waits on an event nothing triggers

    cloud.kernel.spawn(caller(), name="orphan waiter")
    with pytest.raises(SimulationNotIdle, match=r"never become idle \(t=3\)"):
        cloud.run_until_idle(cap_s=30)
    assert cloud.now == 3.0


@pytest.mark.parametrize("padding", [0, 40])
def test_the_explorer_orders_no_answered_deadline(padding):
    # A timer due exactly when the answered call's deadline would have expired: with chance's
    # tie order on, the two were a tie the explorer decided; the deadline is gone now.
    cloud = Cloud(config={"explore": {"tie_order": True}})
    cloud.kernel.rpc.register("compute.cmp-1", Endpoint(cloud))
    fired = []
    cloud.kernel.after(60, lambda: fired.append(cloud.now))
    _pad(cloud, padding)
    box = _call(cloud, "compute.cmp-1", "slow_double", value=1, seconds=0)
    assert box["value"] == 2
    cloud.run(until=61)
    assert fired == [60.0]
    assert [d for d in cloud.kernel.choices.made if d.kind == "tie" and d.about["t"] == 60] == []


class Starting(Endpoint):
    """A service whose ``init_host`` takes virtual time (nova-compute's)."""

    def starting(self):
        self.seen.append((self.cloud.now, "init_host"))
        yield self.cloud.kernel.env.timeout(2.0)
        self.cloud.kernel.rpc.set_up("compute.cmp-1", True, init=False)

    def stopped(self):
        self.seen.append((self.cloud.now, "stopped"))


def test_a_start_consumes_the_queue_once_init_host_is_done_and_a_stop_kills_it():
    cloud = Cloud(config={"rpc": {"delay_s": 0.25}})
    ep = Starting(cloud)
    rpc = cloud.kernel.rpc
    rpc.register("compute.cmp-1", ep)
    rpc.set_up("compute.cmp-1", False)
    rpc.set_up("compute.cmp-1", True)  # init_host runs; the service is still down
    rpc.set_up("compute.cmp-1", True)  # the same start
    rpc.cast("compute.cmp-1", "note", value="queued")
    cloud.run_until_idle()
    assert ep.seen == [(0.0, "stopped"), (0.0, "init_host"), (2.25, "queued")]
    rpc.set_up("compute.cmp-1", False)
    rpc.set_up("compute.cmp-1", True)
    cloud.advance(1.0)
    rpc.set_up("compute.cmp-1", False)  # the start dies with its process
    cloud.run_until_idle()
    assert ep.seen[3:] == [(2.25, "stopped"), (2.25, "init_host"), (3.25, "stopped")]
    assert not rpc.is_up("compute.cmp-1")
