"""A saved file (format 2) holds the configuration keys and switches a cloud set apart from
their defaults, once, in its header, and names the fault points it declares when they are the
registry's: a later fakecloud that only adds a key, a switch or a fault point saves the same
world to the same bytes, and loads an older file with the default (the point)."""

from __future__ import annotations

import dataclasses
import json
import types
from pathlib import Path

import pytest

from fakecloud import Cloud, config, fault_points
from fakecloud.errors import ConfigError
from fakecloud.profiles.table import SWITCHES
from fakecloud.sim.faults import FaultPoint
from fakecloud.sim.rpc import RpcConfig
from fakecloud.state import dumps, loads
from fakecloud.state.versions import EARLIER_DEFAULTS

#: The configuration defaults format-2 files rely on (format 3's: `DEFAULTS_3`, 4's `DEFAULTS_4`).
DEFAULTS = Path(__file__).parent / "data" / "config-defaults.json"
DEFAULTS_3 = Path(__file__).parent / "data" / "config-defaults-3.json"
DEFAULTS_4 = Path(__file__).parent / "data" / "config-defaults-4.json"


@dataclasses.dataclass(frozen=True)
class _LaterRpc(RpcConfig):
    """The rpc section as a later fakecloud may have it: two keys more, with defaults."""

    added_s: float = 5.0
    added_map: dict = dataclasses.field(default_factory=lambda: {"a": 1})


def test_a_cloud_at_its_defaults_writes_no_setting():
    data = json.loads(dumps(Cloud(seed=3)))
    assert data["cloud"]["config"] == {} and data["cloud"]["switches"] == {}
    nodes = json.dumps(data["nodes"])
    assert "quota_gigabytes" not in nodes and "response_timeout_s" not in nodes
    assert not [name for name in SWITCHES if f'"{name}"' in nodes]


def test_a_setting_apart_from_its_default_is_written_and_loads():
    cloud = Cloud(seed=3, config={"rpc": {"delay_s": 0.01}, "switches": {"lp1731986": True}})
    text = dumps(cloud)
    header = json.loads(text)["cloud"]
    assert header["config"] == {"rpc": {"delay_s": 0.01}}
    assert header["switches"] == {"lp1731986": True}
    loaded = loads(text, cloud_class=Cloud)
    assert loaded.kernel.config.rpc.delay_s == 0.01 and loaded.kernel.switches.lp1731986 is True
    assert dumps(loaded) == text


def test_a_key_added_later_with_a_default_leaves_the_saved_bytes_alone(monkeypatch):
    before = dumps(Cloud(seed=3))
    monkeypatch.setitem(config._SECTIONS, "rpc", _LaterRpc)
    later = Cloud(seed=3)
    assert later.kernel.config.rpc.added_s == 5.0
    assert dumps(later) == before  # a world built by the later fakecloud
    loaded = loads(before, cloud_class=Cloud)  # a file saved before the keys existed
    assert (loaded.kernel.config.rpc.added_s, loaded.kernel.config.rpc.added_map) == (5.0, {"a": 1})
    assert dumps(loaded) == before
    tuned = json.loads(dumps(Cloud(seed=3, config={"rpc": {"added_map": {"b": 2}}})))
    assert tuned["cloud"]["config"] == {"rpc": {"added_map": {"b": 2}}}


def test_a_setting_that_json_data_does_not_hold_as_it_is_is_refused_when_given():
    # A dict keyed by a number would load keyed by its text: a quota set for project 7
    # would no longer be found. Format 1 held it in the nodes; format 2 said so at save;
    # the config, JSON data of its own, says so when the cloud is built (session 37).
    with pytest.raises(
        ConfigError, match=r"config cinder.project_quotas: a key is text, got int 7"
    ):
        Cloud(config={"cinder": {"project_quotas": {7: {"volumes": 3}}}})
    with pytest.raises(ConfigError, match=r"config glance.disk_formats\[1\]: expected JSON data"):
        Cloud(config={"glance": {"disk_formats": ["raw", b"iso"]}})  # was save's TypeError


@pytest.mark.parametrize(("version", "pinned"), [(2, DEFAULTS), (3, DEFAULTS_3), (4, DEFAULTS_4)])
def test_the_defaults_saved_files_rely_on_are_unchanged(version, pinned):
    # A file (format 2 on) leaves a key at its default out, so the default is part of the file:
    # a file of `version` reads today's defaults but those a later format changed, which it
    # reads as they were (`versions.EARLIER_DEFAULTS`).
    today = config.Config.from_mapping().to_dict()
    for later, defaults in EARLIER_DEFAULTS.items():
        if later > version:
            for (section, key), value in defaults.items():
                today[section][key] = value
    changed = [
        f"{section}.{key}: {value!r} -> {today.get(section, {}).get(key, '(gone)')!r}"
        for section, keys in json.loads(pinned.read_text()).items()
        for key, value in keys.items()
        if not config.same_value(today.get(section, {}).get(key, ...), value)
    ]
    assert not changed, (
        "changing or removing a configuration default changes every saved world that relied "
        "on it: keep the default, or read the older files with the old one (a new format "
        "version, fakecloud.state.versions); never rewrite the defaults of a format already "
        f"written (NOTE to lead/all): {changed}"
    )


def test_a_fault_point_added_later_leaves_the_saved_bytes_alone(monkeypatch):
    # The declared points are the registry's: a file names them, a loaded cloud takes today's.
    before = dumps(Cloud(seed=3))
    assert '"settings","fault points"' in before and "faults:FaultPoint" not in before
    later = dict(fault_points.points())
    later = {**dict(list(later.items())[:3]), "later.point": FaultPoint("later.point", "New.")}
    later.update(fault_points.points())
    monkeypatch.setattr(fault_points, "_POINTS", later)
    assert dumps(Cloud(seed=3)) == before  # a world built by the later fakecloud
    loaded = loads(before, cloud_class=Cloud)  # a file saved before the point existed
    loaded.faults.add("later.point", action="delay", delay_s=1.0)  # it takes rules there
    assert list(loaded.kernel.faults.points) == list(later)
    assert dumps(loads(before, cloud_class=Cloud)) == before


def test_an_error_name_registered_later_leaves_the_saved_bytes_alone(monkeypatch):
    # The fault plan's error factories are wiring a cloud registers as it is built: a file
    # names the tables, and a loaded cloud has today's (a rule may name a new error in it).
    before = dumps(Cloud(seed=3))
    assert '"settings","fault errors"' in before
    declare = fault_points.declare

    def later(plan):
        declare(plan)
        plan.register_error("LaterError", RuntimeError)

    monkeypatch.setattr(fault_points, "declare", later)
    assert dumps(Cloud(seed=3)) == before
    loaded = loads(before, cloud_class=Cloud)
    loaded.faults.add("rpc.call", error="LaterError")
    assert dumps(loads(before, cloud_class=Cloud)) == before


def test_a_module_imported_again_names_the_same_error_tables():
    # pytest's pytester drops the modules an in-process run imported, so a later import makes
    # new function objects (new code objects) of the same module and name: a cloud holding
    # those still names the tables (found in the suite: a docs test's in-process run, then a
    # save whose bytes differed).
    cloud = Cloud(seed=3)
    before = dumps(cloud)
    assert '"settings","fault status errors"' in before
    tables = cloud.kernel.faults._status_errors
    for side, f in list(tables.items()):
        again = types.FunctionType(f.__code__.replace(), f.__globals__, f.__name__)
        again.__qualname__ = f.__qualname__
        assert again.__code__ is not f.__code__
        tables[side] = again
    assert dumps(cloud) == before
