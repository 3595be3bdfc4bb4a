"""The fault plan: rules matched by point and attributes, firing by count, time or chance."""

import pytest

from fakecloud import Cloud
from fakecloud.errors import ConfigError


class BackendDown(Exception):
    pass


def _hits(cloud, point, n, **attrs):
    fired = []
    for i in range(n):
        try:
            rule = cloud.faults.check(point, **attrs)
            fired.append("fired" if rule else "-")
        except BackendDown:
            fired.append(f"raised#{i + 1}")
    return fired


def test_nth_match_fires_once():
    cloud = Cloud()
    cloud.faults.add("cinder.snapshot.create", error=BackendDown, nth=2)
    assert _hits(cloud, "cinder.snapshot.create", 4) == ["-", "raised#2", "-", "-"]


def test_match_attributes_select_the_work():
    cloud = Cloud()
    cloud.faults.add("cinder.snapshot.create", error=BackendDown, match={"volume_id": "v2"})
    assert _hits(cloud, "cinder.snapshot.create", 1, volume_id="v1") == ["-"]
    assert _hits(cloud, "cinder.snapshot.create", 1, volume_id="v2") == ["raised#1"]


def test_rules_active_from_a_virtual_time():
    cloud = Cloud()
    cloud.faults.add("glance.upload", error=BackendDown, at=10.0, times=1)
    assert _hits(cloud, "glance.upload", 1) == ["-"]
    cloud.advance(10)
    assert _hits(cloud, "glance.upload", 2) == ["raised#1", "-"]


def test_seeded_probability_is_reproducible_per_seed():
    def pattern(seed):
        cloud = Cloud(seed=seed)
        cloud.faults.add("glance.upload", error=BackendDown, probability=0.5)
        return _hits(cloud, "glance.upload", 40)

    assert pattern(1) == pattern(1)
    assert pattern(1) != pattern(2)
    assert 5 < pattern(1).count("-") < 35


def test_errors_can_be_named_for_scenario_files_and_firings_are_traced():
    cloud = Cloud()
    cloud.faults.register_error("BackendDown", BackendDown)
    cloud.faults.add("cinder.snapshot.create", error="BackendDown", message="rbd timeout")
    with pytest.raises(BackendDown, match="rbd timeout"):
        cloud.faults.check("cinder.snapshot.create", volume_id="v1")
    event = cloud.trace.first(kind="fault")
    assert event["subject"] == "cinder.snapshot.create" and event["volume_id"] == "v1"


def test_delay_and_stall_in_a_process():
    cloud = Cloud()
    cloud.faults.add("cinder.snapshot.create", action="delay", delay_s=7.0, times=1)
    cloud.faults.add("glance.upload", action="stall")
    times = {}

    def snap():
        yield from cloud.faults.pause("cinder.snapshot.create")
        times["snap"] = cloud.now

    def upload():
        yield from cloud.faults.pause("glance.upload")
        times["upload"] = cloud.now

    cloud.kernel.spawn(snap(), name="snap")
    cloud.kernel.spawn(upload(), name="upload")
    cloud.kernel.at(30, lambda: cloud.faults.release("glance.upload"))
    cloud.run_until_idle()
    assert times == {"snap": 7.0, "upload": 30.0}


def test_bad_rules_are_clear_errors():
    cloud = Cloud()
    with pytest.raises(ConfigError, match="action 'explode'"):
        cloud.faults.add("glance.upload", action="explode")
    with pytest.raises(ConfigError, match="needs an error"):
        cloud.faults.add("glance.upload")
    # A mistyped point is named first (it said "needs an error", then, with one, the point).
    with pytest.raises(ConfigError, match="unknown fault point 'glance.uplod'"):
        cloud.faults.add("glance.uplod")
    with pytest.raises(ConfigError, match="unknown fault rule field"):
        cloud.faults.add("glance.upload", error=BackendDown, nht=2)
    # An error nobody registered is refused when the rule is added, not when it would fire.
    with pytest.raises(ConfigError, match="unknown error 'NoSuchError'"):
        cloud.faults.add("glance.upload", error="NoSuchError")
    assert cloud.faults.rules("glance.upload") == []


def test_a_rule_added_or_removed_between_messages_takes_effect_at_the_next_one():
    # hot paths test `point in plan.hot`, a set made again after every change of the plan
    cloud = Cloud()
    seen = []
    cloud.kernel.rpc.register(
        "compute.cmp-1", type("E", (), {"note": lambda self: seen.append(1)})()
    )
    cloud.kernel.rpc.cast("compute.cmp-1", "note")
    rule = cloud.faults.add("rpc.cast", action="drop")
    cloud.kernel.rpc.cast("compute.cmp-1", "note")
    cloud.faults.remove(rule)
    cloud.kernel.rpc.cast("compute.cmp-1", "note")
    cloud.faults.add("rpc.cast", action="drop")
    cloud.faults.clear()
    cloud.kernel.rpc.cast("compute.cmp-1", "note")
    cloud.run_until_idle()
    assert seen == [1, 1, 1]
    assert [e["kind"] for e in cloud.trace.filter(kind="rpc.lost")] == ["rpc.lost"]


@pytest.mark.parametrize("error", [3.5, True, [503]])
def test_an_error_no_rule_can_raise_is_refused_when_the_rule_is_added(error):
    """``error=3.5`` was taken; when the rule fired, the work under it failed with "cannot
    raise 3.5" instead of the fault asked for."""
    cloud = Cloud()
    with pytest.raises(ConfigError, match=r"^fault at 'glance.upload': error is an error name"):
        cloud.faults.add("glance.upload", error=error)
    assert cloud.faults.rules() == []


@pytest.mark.parametrize("error", [KeyboardInterrupt("x"), SystemExit, GeneratorExit()])
def test_an_error_that_stops_the_program_is_refused_when_the_rule_is_added(error):
    """``error=KeyboardInterrupt()`` was taken; when it fired it left the run, the volume it
    failed stayed in flight (no save, no fork) and every later run raised it again."""
    cloud = Cloud()
    with pytest.raises(ConfigError, match=r"^fault at 'cinder.volume.create': error \w+ is no "):
        cloud.faults.add("cinder.volume.create", error=error)
    assert cloud.faults.rules() == []


def test_removing_a_rule_not_in_the_plan_says_so():
    """Another cloud's rule was skipped silently (this plan kept its own, still firing), and
    a rule removed twice too; a number was an AttributeError. As list.remove: ValueError."""
    cloud, other = Cloud(), Cloud()
    mine = cloud.faults.add("glance.upload", error=503)
    with pytest.raises(ValueError, match="^not a rule of this fault plan: FaultRule"):
        cloud.faults.remove(other.faults.add("glance.upload", error=503))
    cloud.faults.remove(mine)
    with pytest.raises(ValueError, match="^not a rule of this fault plan"):
        cloud.faults.remove(mine)
