"""Non-finite and out-of-range times, rates and counts never get into a cloud: the Python API
and config sections refuse them with a `ConfigError` naming the field, and the clock is left
as it was."""

import math

import pytest

from fakecloud import Cloud
from fakecloud.bounds import MAX_SECONDS, OutOfRange
from fakecloud.errors import ConfigError

BAD_TIMES = [math.nan, math.inf, -math.inf, 1e308, -1, MAX_SECONDS * 2, "5", True, None]


@pytest.mark.parametrize("seconds", BAD_TIMES, ids=repr)
def test_advance_refuses_a_time_that_is_not_a_finite_duration(seconds):
    cloud = Cloud(seed=1)
    cloud.advance(2)
    with pytest.raises(
        OutOfRange, match=r"^advance: expected a number of seconds from 0 to 1e\+09"
    ):
        cloud.advance(seconds)
    assert cloud.now == 2.0
    cloud.advance(0.5)
    assert cloud.now == 2.5


def test_times_on_a_clock_advanced_past_the_longest_duration_are_taken():
    """``run(until=...)`` and a fault rule's ``at`` and ``until`` are times on the clock, but
    were checked as durations: once advanced past 1e9 s (twice ``advance(1e9)``), a cloud
    refused every later time, however near. Now a time up to 1e9 s after now is taken."""
    cloud = Cloud(seed=1)
    cloud.advance(MAX_SECONDS)
    cloud.advance(MAX_SECONDS)
    rule = cloud.faults.add("glance.upload", error=503, at=cloud.now + 5, until=cloud.now + 9)
    cloud.run(until=cloud.now + 10)
    assert (cloud.now, rule.at) == (2 * MAX_SECONDS + 10, 2 * MAX_SECONDS + 5)
    with pytest.raises(OutOfRange, match=r"run\(until\): expected a number of seconds from 0 to 3"):
        cloud.run(until=cloud.now + MAX_SECONDS + 1)
    assert cloud.now == 2 * MAX_SECONDS + 10


def test_run_and_run_until_idle_refuse_non_finite_times():
    cloud = Cloud(seed=1)
    with pytest.raises(ValueError, match=r"run\(until\): .* got nan"):
        cloud.run(math.nan)
    for until in ("x", True):  # were simpy's ValueError, and a run to t=1
        with pytest.raises(OutOfRange, match=rf"run\(until\): .* got {until!r}"):
            cloud.run(until)
    with pytest.raises(ValueError, match="cap_s: .* got inf"):
        cloud.run_until_idle(math.inf)
    assert cloud.now == 0.0


def test_timers_refuse_a_time_that_would_jam_the_clock():
    """Session 39: ``kernel.after(nan, f)`` queued a timer at NaN, first in the queue, and no
    later event ran (``advance(5)`` ran none of them; ``run()`` then took the clock back from
    NaN); ``kernel.at(nan, f)`` ran `f` at once; ``after(1, 5)`` failed in a later run."""
    cloud = Cloud(seed=1)
    ran = []
    for bad in (math.nan, math.inf, 1e300, "5", None):
        with pytest.raises(OutOfRange, match=r"^kernel.after: expected a number of seconds"):
            cloud.kernel.after(bad, lambda: ran.append("bad"))
        with pytest.raises(OutOfRange, match=r"^kernel.at: expected a number of seconds"):
            cloud.kernel.at(bad, lambda: ran.append("bad"))
    with pytest.raises(TypeError, match=r"^kernel.after: expected a function to call, got 5"):
        cloud.kernel.after(1, 5)
    cloud.kernel.after(1, lambda: ran.append(cloud.now))
    cloud.advance(5)
    assert ran == [1]


def test_run_until_a_time_already_past_says_so_and_until_now_runs_what_is_due():
    """Were simpy's "until (3.0) must be greater than the current simulation time" (a time
    mixed up with a duration), also for until == now, where advance(0) runs what is due."""
    cloud = Cloud(seed=1)
    cloud.advance(5)
    with pytest.raises(OutOfRange, match=r"^run\(until=3\): the clock is already at 5; until"):
        cloud.run(until=3)
    cloud.run(until=5)
    assert cloud.now == 5.0


def test_the_clock_cannot_be_run_past_the_calendar():
    cloud = Cloud(seed=1, config={"clock": {"epoch": "8999-01-01T00:00:00Z"}})
    for _ in range(31):
        cloud.advance(MAX_SECONDS)
    with pytest.raises(OutOfRange, match="the virtual clock would pass 9999-01-01"):
        cloud.advance(MAX_SECONDS)
    assert cloud.now == 31 * MAX_SECONDS


@pytest.mark.parametrize(
    "config, message",
    [
        ({"rpc": {"delay_s": math.nan}}, "config rpc.delay_s: expected a number of seconds"),
        ({"rpc": {"delay_s": -1}}, r"config rpc.delay_s: .* got -1 \(negative\)"),
        (
            {"nova": {"disk_throughput_mb_per_s": -1}},
            "nova.disk_throughput_mb_per_s: expected a rate",
        ),
        ({"nova": {"disk_throughput_mb_per_s": 0}}, "expected a rate above 0"),
        ({"nova": {"live_snapshot_poll_s": 0}}, "live_snapshot_poll_s: .* above 0"),
        ({"nova": {"compute_hosts": 10**9}}, "nova.compute_hosts: expected a count from 0 to 1000"),
        ({"nova": {"guest_written_fraction": 1.5}}, "expected a fraction from 0 to 1"),
        ({"cinder": {"quota_volumes": -2}}, r"a limit \(-1: unlimited\)"),
        ({"kernel": {"idle_cap_s": math.inf}}, "kernel.idle_cap_s"),
        ({"clock": {"epoch": "yesterday"}}, "clock.epoch: expected an ISO 8601 UTC time"),
        ({"clock": {"epoch": "9999-12-31T00:00:00Z"}}, "clock.epoch: expected a time from 1970"),
        ({"oslo_middleware": {"max_request_body_size": 0}}, "max_request_body_size"),
        # Glance's IntOpts with min=1 (glance/common/config.py): glance-api would not start;
        # fakecloud answered every list empty, or refused every upload
        ({"glance": {"limit_param_default": 0}}, "glance.limit_param_default: .* from 1 to"),
        ({"glance": {"api_limit_max": 0}}, "glance.api_limit_max: expected a count from 1"),
        ({"glance": {"image_size_cap": 0}}, "glance.image_size_cap: .* bytes from 1 to 9223"),
        # [glance] num_retries is an IntOpt with min=0; unset (None) it is the release's
        ({"image_api": {"num_retries": -1}}, r"image_api.num_retries: .* count .* \(negative\)"),
        ({"image_api": {"num_retries": True}}, "image_api.num_retries: expected a count"),
        # a backend's and a volume type's keys, as a section's: these were taken, and each
        # copy on the backend failed as the volume's error with fakecloud's own TypeError
        (
            {"cinder": {"backends": {"lvmdriver-1": {"kind": "rbd", "throughput_mb_per_s": -1}}}},
            r"cinder.backends.lvmdriver-1.throughput_mb_per_s: expected a rate .* \(negative\)",
        ),
        (
            {"cinder": {"backends": {"lvmdriver-1": {"kind": "copy", "capacity_gb": None}}}},
            "cinder.backends.lvmdriver-1.capacity_gb: expected int, got None",
        ),
        (
            {"cinder": {"volume_types": {"t": {"backend": "lvmdriver-1", "is_public": "no"}}}},
            "cinder.volume_types.t.is_public: expected true or false, got 'no'",
        ),
    ],
)
def test_config_refuses_numbers_out_of_range(config, message):
    with pytest.raises(ConfigError, match=message):
        Cloud(seed=1, config=config)


def test_config_keeps_the_values_that_mean_unlimited_or_never():
    cloud = Cloud(
        seed=1,
        config={"cinder": {"quota_volumes": -1}, "nova": {"shelved_offload_time_s": -1}},
    )
    assert cloud.kernel.config.cinder.quota_volumes == -1
    assert cloud.kernel.config.nova.shelved_offload_time_s == -1


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"action": "delay", "delay_s": math.nan}, "fault at 'p': delay_s: expected a number"),
        ({"action": "delay", "delay_s": -1}, r"delay_s: .* got -1 \(negative\)"),
        ({"action": "stall", "at": math.inf}, "fault at 'p': at: expected a number of seconds"),
        ({"action": "stall", "nth": 0}, "fault at 'p': nth: expected a count from 1"),
        ({"action": "stall", "probability": 1.5}, "probability: expected a fraction"),
        (
            {"error": "LibvirtEror"},
            r"unknown error 'LibvirtEror' \(did you mean 'LibvirtError'\?\)",
        ),
    ],
)
def test_fault_rules_refuse_numbers_and_names_that_could_never_work(fields, message):
    cloud = Cloud(seed=1)
    with pytest.raises(ConfigError, match=message):
        cloud.faults.add("p", **fields)
    assert cloud.faults.rules() == []


def test_an_rpc_fault_naming_a_target_that_does_not_exist_is_refused():
    cloud = Cloud(seed=1)
    with pytest.raises(ConfigError, match=r"unknown RPC target 'compute.cmp-9'.*compute.cmp-1"):
        cloud.faults.add("rpc.cast", action="drop", match={"target": "compute.cmp-9"})
    rule = cloud.faults.add("rpc.cast", action="drop", match={"target": "compute.cmp-2"})
    assert cloud.faults.rules() == [rule]


@pytest.mark.parametrize(
    "argv, says",
    [
        (["serve", "--speed", "nan"], "serve: error: argument --speed: expected a speed factor"),
        (["serve", "--speed", "1e300"], "from 0 to 1e+06, got 1e+300"),
        (["serve", "--speed", "inf"], "argument --speed: expected a speed factor from 0"),
        (["serve", "--speed", "-1"], "got -1.0 (negative)"),
        (["serve", "--speed", "abc"], "argument --speed: expected a number, got 'abc'"),
        (["serve", "--client-socket-timeout", "-1"], "timeout: expected a number of seconds"),
        (["serve", "--client-socket-timeout", "x"], "timeout: expected seconds, got 'x'"),
        (["clock", "advance", "nan"], "argument seconds: expected a number of seconds"),
        (["clock", "advance", "1e300"], "from 0 to 1e+09, got 1e+300"),
        (["explore", "x.yaml", "--time-budget", "nan"], "--time-budget: expected a number of"),
        (["explore", "x.yaml", "--time-budget", "-1"], "--time-budget: expected a number of"),
    ],
)
def test_command_line_times_and_speeds_that_would_poison_the_clock_are_refused(argv, says, capsys):
    from fakecloud.cli import main

    try:
        status = main(argv)
    except SystemExit as exited:  # argparse
        status = exited.code
    assert status == 2
    assert says in capsys.readouterr().err


def test_a_server_refuses_a_speed_that_would_poison_the_clock():
    from fakecloud.transport.server import FakecloudServer

    for speed in (math.nan, math.inf, 1e300, -1):
        with pytest.raises(OutOfRange, match="speed: expected a speed factor from 0 to 1e"):
            FakecloudServer(port_base=0, speed=speed)
