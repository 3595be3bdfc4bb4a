"""What save, load and fork refuse, and how they say so; and how independent a copy is."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fakecloud import Cloud
from fakecloud.errors import StateError
from fakecloud.glance.config import BASE_IMAGES
from fakecloud.state import FORMAT_VERSION, dumps, loads, to_data
from fakecloud.state.replica import Replica
from tests.robustness.fuzz_scale import SCALE
from tests.state.state_helpers import boot

FORMAT_1 = Path(__file__).parent / "data" / "format1-8213291.json"


def test_work_in_flight_is_refused_naming_the_processes(tmp_path):
    cloud = Cloud(seed=1)
    server_id = boot(cloud)
    r = cloud.request(
        "compute",
        "POST",
        f"/v2.1/servers/{server_id}/action",
        body={"createImage": {"name": "snap"}},
        microversion="2.45",
    )
    assert r.status == 202
    live = cloud.kernel.running()
    assert live
    for attempt in (lambda: cloud.save(tmp_path / "busy.json"), cloud.fork, lambda: Replica(cloud)):
        with pytest.raises(StateError) as info:
            attempt()
        message = str(info.value)
        assert "work in flight" in message and live[0] in message
        assert "run_until_idle" in message
    assert not (tmp_path / "busy.json").exists()
    cloud.run_until_idle()
    cloud.save(tmp_path / "idle.json")  # once idle, it saves


def test_a_file_of_another_format_version_is_refused(tmp_path):
    data = json.loads(dumps(Cloud(seed=1)))
    data["version"] = FORMAT_VERSION + 1
    path = tmp_path / "future.json"
    path.write_text(json.dumps(data))
    with pytest.raises(StateError) as info:
        Cloud.load(path)
    message = str(info.value)
    assert f"format {FORMAT_VERSION + 1}" in message
    assert message.endswith(f"reads formats 1, 2, 3 and {FORMAT_VERSION}")
    assert str(path) in message
    data["version"], data["fakecloud"] = 10**400, "9" * 1000  # were printed whole
    path.write_text(json.dumps(data))
    with pytest.raises(StateError) as info:
        Cloud.load(path)
    assert re.search(r"format 1000000000\S{0,30} \(saved by fakecloud 9{5}", str(info.value))
    assert len(str(info.value)) < 400


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("not json at all", "not JSON"),
        ('{"servers": []}', "not a fakecloud state file"),
        ("[1, 2, 3]", "not a fakecloud state file"),
        # were "is not a fakecloud state file (not JSON: ...)" and "'utf-16-be' codec..."
        ('{"format":"fakecloud-state","version":2,"clo', "state file cut short or damaged"),
        ("\x00\x01hello", r"not a fakecloud state file \(not JSON: Expecting value: line 1"),
        # a number past CPython's 4,300 digits was json's bare ValueError (serve --state too)
        (
            '{"format":"fakecloud-state","version":' + "9" * 5000 + "}",
            r"cut short or damaged \(not JSON: Exceeds the limit \(4300 digits\) for integer "
            r"string conversion: value has 5000 digits\); nothing was loaded",
        ),
    ],
)
def test_a_file_that_is_not_a_state_is_refused(tmp_path, text, says):
    path = tmp_path / "other.json"
    path.write_text(text)
    with pytest.raises(StateError, match=says):
        Cloud.load(path)


@pytest.mark.parametrize(
    ("encoding", "says"),
    [
        ("utf-16", r"\(UTF-16 text, a byte order mark first; a state is UTF-8 JSON without"),
        ("utf-16-le", r"\(UTF-16-LE text; a state is UTF-8 JSON"),
        ("utf-32", r"\(UTF-32 text, a byte order mark first;"),
        ("utf-8-sig", r"\(UTF-8 text, a byte order mark first;"),
    ],
)
def test_a_state_in_another_encoding_than_saves_is_refused_naming_it(tmp_path, encoding, says):
    """``json.loads`` of bytes reads UTF-16, UTF-32 and a BOM: a save re-encoded by an editor
    loaded (session 41); `save` writes UTF-8 without a BOM, and `load` takes that alone."""
    saved = tmp_path / "world.json"
    Cloud(seed=1).save(saved)
    other = tmp_path / "other.json"
    other.write_bytes(saved.read_text().encode(encoding))
    with pytest.raises(
        StateError, match=f"^{re.escape(str(other))} is not a fakecloud state fi.*{says}"
    ):
        Cloud.load(other)
    assert Cloud.load(saved).seed == 1


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(StateError, match="cannot read .*nope.json"):
        Cloud.load(tmp_path / "nope.json")


def test_a_damaged_file_is_a_clear_error_not_a_traceback():
    data = json.loads(dumps(Cloud(seed=1)))
    data["nodes"] = data["nodes"][:40]
    with pytest.raises(StateError, match="refers to node|damaged"):
        loads(json.dumps(data), cloud_class=Cloud)


def test_a_file_cannot_name_code_outside_fakecloud():
    data = json.loads(dumps(Cloud(seed=1)))
    obj = max(i for i, node in enumerate(data["nodes"]) if node[0] == "obj")
    data["nodes"][obj][1] = "os:system"
    with pytest.raises(StateError, match="os:system, which is not one of fakecloud's"):
        loads(json.dumps(data), cloud_class=Cloud)
    data["nodes"][obj] = ["exc", "subprocess:Popen", [], {}]
    with pytest.raises(StateError, match="not one of fakecloud's"):
        loads(json.dumps(data), cloud_class=Cloud)


def test_a_fault_rule_with_a_python_function_cannot_be_saved_but_can_be_forked():
    cloud = Cloud(seed=1)
    cloud.faults.add("glance.upload", error=lambda msg=None: RuntimeError("mine"))
    with pytest.raises(StateError) as info:
        dumps(cloud)
    assert "cloud.kernel.faults._rules['glance.upload'][0].error" in str(info.value)
    assert "name the error by string" in str(info.value)
    assert cloud.fork().faults.rules()[0].point == "glance.upload"


def test_exceptions_and_timed_rules_in_the_fault_plan_are_saved(tmp_path):
    cloud = Cloud(seed=1)
    cloud.faults.add("glance.upload", error=RuntimeError("store on fire"), at=50.0)
    path = tmp_path / "plan.json"
    cloud.save(path)
    loaded = Cloud.load(path)
    (rule,) = loaded.faults.rules()
    assert isinstance(rule.error, RuntimeError) and rule.error.args == ("store on fire",)
    assert rule.at == 50.0
    loaded.advance(60)  # the rule's announcement, scheduled on the clock, is kept
    assert loaded.now == 60.0


def test_a_fork_is_independent_of_its_original():
    cloud = Cloud(seed=2)
    before = len(cloud.trace)
    replica = Replica(cloud)
    twin = cloud.fork()
    r = twin.request("volume", "POST", "/v3/{project_id}/volumes", body={"volume": {"size": 1}})
    assert r.status == 202
    twin.advance(100)
    assert twin.now == 100.0 and cloud.now == 0.0
    assert len(cloud.trace) == before < len(twin.trace)
    listed = cloud.request("volume", "GET", "/v3/{project_id}/volumes").json()["volumes"]
    assert listed == []
    with pytest.raises(StateError, match="changed since its replica was made"):
        replica.fork()  # a replica replays the cloud as it was: it refuses once it ran
    assert twin.trace.tail(1)[0]["t"] == 100.0 or twin.trace.tail(1)[0]["t"] <= 100.0
    # A service class's route table is shared by every cloud and fork: it is read-only.
    assert twin.cinder.api.router is cloud.cinder.api.router
    with pytest.raises(TypeError, match="read-only"):
        twin.cinder.api.router.add("GET", "/v3/x", lambda service, req: None)


def test_a_saved_file_is_the_same_bytes_for_the_same_state():
    cloud = Cloud(seed=4)
    boot(cloud, volumes=1)
    text = dumps(cloud)
    again = json.dumps(to_data(cloud, verify=False), separators=(",", ":")) + "\n"
    assert again == text
    assert dumps(loads(text, cloud_class=Cloud)) == text
    assert json.dumps(to_data(cloud.fork(), verify=False), separators=(",", ":")) + "\n" == text


def test_forking_inside_intercept_gives_a_cloud_with_its_own_clock():
    cloud = Cloud(seed=2)
    with cloud.intercept():
        twin = cloud.fork()
    with twin.intercept():
        import time

        time.sleep(30)
    assert twin.now == 30.0 and cloud.now == 0.0


def test_every_class_the_state_tables_name_exists():
    # A class renamed or moved would silently leave the table: copied, saved or reset wrongly.
    from fakecloud.state import kinds
    from fakecloud.state.decode import resolve_class

    named = (
        set(kinds.RESET)
        | set(kinds.CACHES)
        | kinds.SHARED_CLASSES
        | kinds.VALUE_CLASSES
        | kinds.BUILT_CLASSES
    )
    missing = []
    for name in sorted(named):
        try:
            found = kinds.class_name(resolve_class(name))
        except StateError:
            found = None
        if found != name:  # the tables name a class where it is defined
            missing.append((name, found))
    assert missing == []


def _first(node, match):
    """The first dict or list inside `node` that `match` accepts (depth first)."""
    if match(node):
        return node
    children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
    for child in children:
        found = _first(child, match)
        if found is not None:
            return found
    return None


def test_a_hand_edited_setting_of_the_wrong_type_is_refused_at_load_not_at_the_next_save():
    """Found by mutating saved files value by value: a config value of the wrong type loaded,
    and the cloud then failed its next save (or mid-run) with a ConfigError."""
    data = json.loads(dumps(Cloud(seed=1)))
    # a string such as '0' or '10GB' in Glance's config (format 2 holds it in the header)
    data["cloud"]["config"] = {"glance": {"user_storage_quota": 0}}
    with pytest.raises(StateError, match='"cloud" header builds no cloud: config glance.user_st'):
        loads(json.dumps(data), cloud_class=Cloud)
    # ... and in a format-1 file, which held it in the nodes too
    data = json.loads(FORMAT_1.read_text())
    glance = _first(data["nodes"], lambda n: isinstance(n, dict) and "user_storage_quota" in n)
    glance["user_storage_quota"] = 0
    with pytest.raises(
        StateError,
        match="GlanceConfig at cloud.glance.config is damaged: its field"
        " 'user_storage_quota' holds int 0, expected str",
    ):
        loads(json.dumps(data), cloud_class=Cloud)


def test_a_random_generator_state_out_of_range_is_a_damaged_file():
    """An OverflowError from random.setstate reached the caller."""
    data = json.loads(dumps(Cloud(seed=1)))
    mt = _first(data["nodes"], lambda n: isinstance(n, list) and len(n) == 625)
    mt[0] = -1
    with pytest.raises(StateError, match=r"the saved random at cloud\.\S+ is damaged \(Overflow"):
        loads(json.dumps(data), cloud_class=Cloud)


def test_a_list_where_a_key_was_is_refused_naming_the_dict():
    """Was the generic "damaged and cannot be loaded (TypeError: unhashable type: 'list')"."""
    data = json.loads(dumps(Cloud(seed=1)))
    pairs = _first(data["nodes"], lambda n: isinstance(n, list) and n[:1] == ["dict"] and n[1])
    pairs[1][0] = [1, 2]
    with pytest.raises(StateError, match=r"the saved dict at \S+ is damaged \(TypeError: unhash"):
        loads(json.dumps(data), cloud_class=Cloud)


def test_a_state_file_that_is_a_device_is_refused_not_read():
    """``Cloud.load("/dev/zero")`` read until a MemoryError (or the host's memory ran out)."""
    with pytest.raises(StateError, match=r"^cannot read /dev/zero: it is a character device, no"):
        Cloud.load("/dev/zero")


@pytest.mark.parametrize(
    ("edit", "says"),
    [
        # were "the state is damaged and cannot be loaded (TypeError: ... not subscriptable)",
        # "(KeyError: 'config')", "(ConfigError: seed: ...)", "(TypeError: ... not iterable)"
        (lambda d: d.update(cloud=None), r'its "cloud" holds NoneType None, expected an object'),
        (lambda d: d["cloud"].pop("config"), r"""its "cloud" has no 'config'"""),
        (lambda d: d["cloud"].update(config=[1]), r'its "cloud.config" holds list \[1\], expected'),
        (
            lambda d: d["cloud"].update(seed=None),
            r'its "cloud" header builds no cloud: seed: a who',
        ),
        (lambda d: d.update(nodes={}), r'its "nodes" holds dict \{\}, expected a list of nodes'),
        (  # loaded a world whose profile said 'seed' and which behaved as nova 17.0.0
            lambda d: d["cloud"].update(profile="nova-17.0.0"),
            r"""its "cloud" header says profile 'nova-17.0.0', its saved world 'seed'""",
        ),
        (  # loaded a world of cmp-1 and cmp-2 whose configuration said one host
            lambda d: d["cloud"].update(config={"nova": {"compute_hosts": 1}}),
            r"""header says nova.compute_hosts 1, its saved world has 2 \(cmp-1, cmp-2\)""",
        ),
        (
            lambda d: next(n for n in d["nodes"] if n[0] == "trace")[1].pop("format"),
            "the saved trace cannot be restored: not a trace snapshot: it has no 'format'",
        ),
    ],
)
def test_a_damaged_header_is_refused_naming_what_it_lacks(edit, says):
    data = json.loads(dumps(Cloud(seed=1)))
    edit(data)
    with pytest.raises(StateError, match=says) as refused:
        loads(json.dumps(data), cloud_class=Cloud)
    assert "cannot be loaded (" not in str(refused.value)


_MALLORY = {"password": "x", "project": "demo", "roles": ["admin"]}


@pytest.mark.parametrize(
    ("config", "says"),
    [  # each loaded the world the file was built with, its settings saying otherwise
        (
            {"identity": {"users": {"mallory": _MALLORY}}},
            r"says identity users \[admin, cinder, demo, demo-reader, glance, mallory, nova\], its "
            r"saved world \[admin, cinder, demo, demo-reader, glance, nova\] \(nova, cinder, "
            r"glance: not the same record\): was the header edited\?",
        ),
        (
            {"identity": {"users": {"demo": {**_MALLORY, "roles": ["member"]}}}},
            r"identity users \[admin, cinder, demo, demo-reader, glance, nova\], .* \(demo: not "
            r"the same record\)",
        ),
        ({"identity": {"token_ttl_s": 60}}, r"identity.token_ttl_s 60.0, its saved world 3600.0"),
        ({"identity": {"region": "R2"}}, r"identity.region 'R2', its saved world 'RegionOne'"),
        (
            {"glance": {"base_images": []}},
            r"glance.base_images \[\], its saved world made \[cirros-0.6.2-x86_64-disk\]",
        ),
        (  # the same ids, drawn in the same order, for other images
            {"glance": {"base_images": [dict(i) for i in BASE_IMAGES[1:]]}},
            r"base_images \[cirros-0.6.2-x86_64-qga, ubuntu-24.04-server-cloudimg-amd64-qga\], its"
            r" saved world made \[cirros-0.6.2-x86_64-disk, cirros-0.6.2-x86_64-qga, ubuntu",
        ),
    ],
)
def test_a_header_whose_identity_or_base_images_are_not_its_worlds_is_refused(config, says):
    data = json.loads(_saved_seed_1())
    data["cloud"]["config"] = config
    with pytest.raises(StateError, match=says):
        loads(json.dumps(data), cloud_class=Cloud)


def test_a_world_that_deleted_a_base_image_and_made_one_at_once_loads_as_saved():
    """The image made by the first request is not taken for a base image the header lacks."""
    cloud = Cloud(seed=1)
    first = next(iter(cloud.glance.db.images))
    made = cloud.request("image", "POST", "/v2/images", body={"name": "x"}, user="admin")
    gone = cloud.request("image", "DELETE", f"/v2/images/{first}", user="admin")
    assert (made.status, gone.status) == (201, 204)
    assert len(loads(dumps(cloud), cloud_class=Cloud).glance.db.images) == 4


_USERS = ("demo", "demo-reader", "admin")
_CHANGES = st.one_of(
    st.builds(
        lambda kind, name: {
            "identity": {kind: {name: {"password": "p"} if kind == "users" else {}}}
        },
        st.sampled_from(["users", "projects"]),
        st.sampled_from(["mallory", "x", "☃"]),
    ),
    st.builds(lambda name: {"identity": {"users": {name: None}}}, st.sampled_from(_USERS)),
    st.builds(lambda s: {"identity": {"token_ttl_s": s}}, st.integers(1, 3599)),
    st.builds(lambda r: {"identity": {"region": r}}, st.sampled_from(["R2", "regionone", "☃"])),
    st.builds(
        lambda keep: {"glance": {"base_images": [dict(BASE_IMAGES[i]) for i in keep]}},
        st.lists(st.integers(0, len(BASE_IMAGES) - 1), max_size=4).filter(
            lambda keep: keep != list(range(len(BASE_IMAGES)))
        ),
    ),
)


@settings(max_examples=2 * SCALE, deadline=None, suppress_health_check=list(HealthCheck))
@given(change=_CHANGES)
def test_any_change_to_what_a_world_was_built_with_is_refused(change):
    data = json.loads(_saved_seed_1())
    data["cloud"]["config"] = change
    with pytest.raises(StateError, match="was the header edited"):
        loads(json.dumps(data), cloud_class=Cloud)


@functools.cache
def _saved_seed_1() -> str:
    return dumps(Cloud(seed=1))
