"""Profiles, switches and configuration: defaults, overrides, and clear errors."""

import re

import pytest

from fakecloud import Cloud
from fakecloud.errors import ConfigError
from fakecloud.profiles import SWITCHES


def test_profiles_bundle_the_switch_values_of_their_release():
    seed, upstream = Cloud(profile="seed").switches, Cloud(profile="upstream").switches
    assert (seed.max_microversion, upstream.max_microversion) == ("2.60", "2.104")
    assert seed.policy_before_lookup and not upstream.policy_before_lookup
    assert seed.instance_snapshot_branch and not upstream.instance_snapshot_branch
    # 17.0.13 has the Cinder limits pre-check and the LP #1731986 fix (both 17.0.1).
    assert seed.cinder_limits_precheck and upstream.cinder_limits_precheck
    assert seed.lp1980720 and not upstream.lp1980720
    assert not seed.lp1731986 and not upstream.lp1731986
    assert (seed.release.name, upstream.release.name) == ("17.0.13", "34.0.0")


def test_every_switch_is_documented():
    for switch in SWITCHES.values():
        assert switch.doc.strip(), switch.name


def test_bugs_and_switch_overrides_per_cloud():
    cloud = Cloud(config={"bugs": ["lp1731986"], "switches": {"max_microversion": "2.50"}})
    assert cloud.switches.lp1731986 is True
    assert cloud.switches.max_microversion == "2.50"
    assert "lp1731986" in cloud.switches.bugs_on() and "lp1754360" not in cloud.switches.bugs_on()
    fixed = Cloud(profile="nova-17.0.0", config={"switches": {"lp1731986": False}})
    assert not fixed.switches.lp1731986 and fixed.switches.lp1754360


def test_unknown_names_are_errors_that_suggest_the_right_one():
    with pytest.raises(ConfigError, match="unknown switch 'lp1731968'.*'lp1731986'"):
        Cloud(config={"switches": {"lp1731968": True}})
    with pytest.raises(ConfigError, match="unknown profile 'upstrem'.*'upstream'"):
        Cloud(profile="upstrem")
    with pytest.raises(ConfigError, match=r"profile '17\.0\.1' \(did you mean 'nova-17\.0\.1'"):
        Cloud(profile="17.0.1")  # a bare release number is its nova- profile, not seed-17.0.13
    # capitals and spaces (session 40: 'NOVA-17.0.0' was "did you mean 'seed-17.0.0'")
    with pytest.raises(ConfigError, match=r"'NOVA-17\.0\.0 ' \(did you mean 'nova-17\.0\.0'"):
        Cloud(profile="NOVA-17.0.0 ")
    with pytest.raises(ConfigError, match="unknown config section 'rcp'.*'rpc'"):
        Cloud(config={"rcp": {}})
    with pytest.raises(ConfigError, match="unknown config key rpc.dealy_s.*'delay_s'"):
        Cloud(config={"rpc": {"dealy_s": 1}})
    with pytest.raises(ConfigError, match="expected float"):
        Cloud(config={"rpc": {"delay_s": "fast"}})
    with pytest.raises(ConfigError, match="takes a bool"):
        Cloud(config={"switches": {"lp1731986": "yes"}})


def test_config_values_are_read_by_section():
    cloud = Cloud(config={"rpc": {"delay_s": 1}})
    assert cloud.config.rpc.delay_s == 1.0
    assert cloud.config.rpc.response_timeout_s == 60.0
    assert cloud.config.to_dict()["rpc"]["delay_s"] == 1.0


def test_config_sections_are_in_name_order_whatever_was_imported_first():
    """A saved cloud's config (and its bytes) does not depend on the order a user's imports
    registered the sections in."""
    from fakecloud import config

    registered = list(config._SECTIONS)
    first = Cloud().kernel.config.to_dict()
    assert list(first) == sorted(registered)
    assert {"image_api", "volume_api"} <= set(first)


def test_a_clouds_config_lists_and_mappings_are_read_only_as_its_sections_are():
    """A cloud's config lists and mappings, its defaults and the ones it was given, nested
    ones too, refuse every write (`fakecloud.frozen`): ``disk_formats.append`` changed the
    cloud, every fork of it and what a save wrote, so the file loaded as a world the cloud was
    not built as. A switch set by force still leaves the next cloud alone."""
    first = Cloud(config={"cinder": {"backends": {"lvmdriver-1": {"kind": "rbd"}}}})
    fork = first.fork()
    fixed = r"config is fixed when the cloud is built .*: give the value in Cloud\(config="
    with pytest.raises(TypeError, match=fixed):
        first.config.glance.disk_formats.append("fake")
    with pytest.raises(TypeError, match=fixed):
        first.config.identity.users["eve"] = {"password": "x"}
    with pytest.raises(TypeError, match=fixed):
        first.config.cinder.backends["lvmdriver-1"]["kind"] = "lvm-thin"
    with pytest.raises(TypeError, match=fixed):
        first.config.glance.disk_formats += ["fake"]
    assert first.config.glance.disk_formats + ["iso"] == [*fork.config.glance.disk_formats, "iso"]
    assert "fake" not in fork.config.glance.disk_formats
    assert first.config.overrides() == {"cinder": {"backends": {"lvmdriver-1": {"kind": "rbd"}}}}
    object.__setattr__(first.switches, "lp1731986", not first.switches.lp1731986)  # by force
    second = Cloud()
    assert second.switches.lp1731986 == Cloud(profile="seed").switches.to_dict()["lp1731986"]
    assert second.config.glance == type(second.config.glance)()


def test_a_config_value_that_is_no_json_data_is_refused_naming_where():
    """The config is JSON data of its own: a mapping that holds itself or a list nested
    5,000 deep was Python's RecursionError while copying it; an object inside a mapping was
    taken and made the cloud unsavable."""
    holds_itself: dict = {}
    holds_itself["web"] = holds_itself
    deep: list = []
    for _ in range(5000):
        deep = [deep]
    cases = [
        ({"nova": {"guest_agents": holds_itself}}, "nova.guest_agents: nests more than 100"),
        ({"glance": {"disk_formats": deep}}, "glance.disk_formats: nests more than 100"),
        ({"nova": {"guest_agents": {"web": {1, 2}}}}, "nova.guest_agents.web: expected JSON"),
    ]
    for given, where in cases:
        with pytest.raises(ConfigError, match=rf"^Cloud: config {re.escape(where)}"):
            Cloud(config=given)


def test_a_clouds_switches_and_sections_are_fixed_so_a_fork_never_sees_its_parent_change():
    """A fork shares its parent's switches and config (values that never change): setting
    ``cloud.switches.lp1731986`` after a fork turned the bug on in the fork too, and a save
    and load of either lost it (the file builds the switches it was given). Both are refused
    now, naming the way that works."""
    parent = Cloud()
    fork = parent.fork()
    with pytest.raises(AttributeError, match=r"Cloud\(config=\{'switches': \{'lp1731986': True"):
        parent.switches.lp1731986 = True
    with pytest.raises(AttributeError, match=r"Cloud\(config=\{'rpc': \{\.\.\.\}\}\)"):
        parent.config.rpc = fork.config.rpc
    assert fork.switches.lp1731986 is parent.switches.lp1731986 is False


def test_a_cloud_keeps_its_own_copy_of_the_containers_its_config_was_given():
    """Changing the caller's dict after ``Cloud(config=...)`` changed the config the cloud
    saved (a world built with 100 MB/s loading as 5), a read-only mapping made ``save`` a
    TypeError, and a tuple was refused only by ``save``; each is now the cloud's own JSON
    data, so the saved file loads as the world it was built as."""
    import types

    backend = {"kind": "lvm-thin", "throughput_mb_per_s": 100}
    given = {
        "cinder": {"backends": {"lvmdriver-1": backend}},
        "glance": {
            "disk_formats": ("qcow2", "raw"),
            "project_storage_quota": types.MappingProxyType({"p": "1GB"}),
        },
    }
    cloud = Cloud(config=given)
    backend["throughput_mb_per_s"] = 5
    given["glance"]["disk_formats"] = ["vmdk"]
    # What a save writes as its header (the mapping proxy was its TypeError, and the tuple,
    # which the file would give back as a list, its StateError)
    saved = cloud.config.overrides()
    assert saved["cinder"]["backends"]["lvmdriver-1"]["throughput_mb_per_s"] == 100
    assert saved["glance"] == {
        "disk_formats": ["qcow2", "raw"],
        "project_storage_quota": {"p": "1GB"},
    }


def test_a_configs_dict_is_what_dataclasses_asdict_gives_and_holds_copies():
    """`to_dict` (what a save writes and checks) reads plain sections directly: the same
    values, types and order as `dataclasses.asdict`, copies of every list and dict (plain
    ones of the config's read-only ones), and a section holding something else (a tuple of
    pairs, a set) still goes through `asdict`."""
    import dataclasses
    import json

    from fakecloud.frozen import FrozenDict, FrozenList

    plain = {FrozenList: list, FrozenDict: dict}

    config = Cloud().kernel.config  # glance's base images: a list of dicts
    got = config.to_dict()
    for name, section in config.sections().items():
        want = dataclasses.asdict(section)
        assert json.dumps(got[name]) == json.dumps(want) and got[name] == want, name
        for key, value in got[name].items():
            assert type(value) is plain.get(type(want[key]), type(want[key])), (name, key)
            assert not isinstance(value, (list, dict)) or value is not getattr(section, key)
    object.__setattr__(config.rpc, "delay_s", (1, [2]))
    object.__setattr__(config.clock, next(iter(got["clock"])), {3})
    assert config.to_dict()["rpc"]["delay_s"] == (1, [2])
    assert config.to_dict()["clock"] == dataclasses.asdict(config.clock)


def test_a_section_given_keys_is_what_its_dataclass_init_builds():
    """`from_mapping` makes a section given keys from its defaults with those keys set and
    its ``__post_init__`` run (`config._made`), not through the dataclass's ``__init__``:
    every section, given all its keys (a changed number where the key is one) or its first
    alone, is equal to ``cls(**values)`` field by field and in the same order; the defaults
    every cloud copies are left as they were; ``__post_init__``'s refusals still come; a
    section whose fields are not all ``__init__``'s parameters cannot register."""
    import dataclasses

    from fakecloud import config

    for name, cls in config._SECTIONS.items():
        values = config.section_values(cls())
        for key, value in values.items():
            if type(value) in (int, float) and value > 0:
                values[key] = value * 2  # inside every positive range
        first = dict([next(iter(values.items()))])
        for given in (values, first):
            made = config.Config.from_mapping({name: given}).sections()[name]
            want = cls(**config.section_values(made))
            assert made == want == cls(**{**config.section_values(cls()), **given}), name
            assert list(vars(made)) == list(vars(want)), name
    for name, cls in config._SECTIONS.items():  # no prototype took a cloud's keys
        assert config.Config.from_mapping().sections()[name] == cls(), name
    with pytest.raises(ConfigError, match="nova.quota_driver must be one of"):
        config.Config.from_mapping({"nova": {"quota_driver": "nope"}})

    @dataclasses.dataclass(frozen=True)
    class Odd:
        shown: int = 1
        kept: int = dataclasses.field(default=2, init=False)

    with pytest.raises(TypeError, match="every field, and only they, in __init__"):
        config.config_section("odd")(Odd)
    assert "odd" not in config._SECTIONS


def test_a_key_checked_again_is_refused_or_taken_exactly_as_the_first_time():
    """`config._checked_scalar` remembers the checks of text, int and bool values (a cloud is
    mostly built with the same few keys): a refused value is refused every time with its own
    message, ``True`` is not taken for ``1`` nor ``1`` for ``True``, an int given for a float
    is that float, and floats are checked each time (``-0.0`` equals ``0.0``, and a save
    writes them apart)."""
    from fakecloud.config import Config

    def nova(**keys):
        return Config.from_mapping({"nova": keys}).nova

    for _ in range(2):
        with pytest.raises(ConfigError, match=r"nova.quota_instances: expected a limit .* -5"):
            nova(quota_instances=-5)
        with pytest.raises(ConfigError, match="nova.quota_instances: expected int, got bool"):
            nova(quota_instances=True)  # YAML's true, an int, is no count
        assert nova(quota_instances=1).quota_instances == 1
        with pytest.raises(ConfigError, match="nova.notify_on_state_change"):
            nova(notify_on_state_change=1)
        made = nova(build_delay_s=3).build_delay_s
        assert (made, type(made)) == (3.0, float)
        for zero in (0.0, -0.0, 0.0):
            assert str(nova(build_delay_s=zero).build_delay_s) == str(zero)
