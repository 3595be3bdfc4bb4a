"""A file that `cloud.save` wrote in an earlier format loads and works in this fakecloud.

`tests/state/data/format1-8213291.json` was saved by main at 8213291 (2026-12-04): seed 0, one
image-backed server and one booted from a volume with a second volume attached, idle. Loading
it must give the cloud that the same steps build today: the same answers and trace for what
follows. Saved again, it was format 2 (the configuration and switches written once, in the
header, as what differs from their defaults): `format2-from-format1-8213291.json` is what the
first fakecloud writing format 2 (session 17) saved it as, and every later one saved the same
bytes, from either file (but for a default changed since, whose old value the file then
writes: session 23's Glance enables its series' import methods, the file ``glance-direct``
alone; session 42's ``image_api.num_retries`` unset is the release's ``[glance] num_retries``,
0 on Queens, and the file's Nova image API, which held a section of its own, keeps the 3 retries
it was saved with, which the loaded configuration then says: ``image_api.num_retries`` 3 in the
header). Since session 46 it saves as format 3, `format3-from-format1-8213291.json`: the format-2
file's very nodes, its header naming ``image_api.page_size`` 20 (the default of its day, which
format 3 made the release's: `fakecloud.state.versions.EARLIER_DEFAULTS`). Format 4 (session 46
too) writes ``nova.rbd_pool`` ``vms`` there as well (Nova's ``rbd`` is the default since):
`TODAY` is those bytes, and every later fakecloud must save them from any of the four files. A
change that adds an attribute to a saved object breaks this; a memo belongs in
`fakecloud.state.kinds.TRANSIENT` (not saved, a default on load), and state a file cannot have
held needs a new format version. A profile switch or a configuration key added
after a file was saved reads, in the loaded cloud, the value a cloud built today has.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fakecloud import Cloud
from fakecloud.profiles.resolve import resolve
from fakecloud.profiles.table import SWITCHES
from tests.state.state_helpers import boot

SAVED = Path(__file__).parent / "data" / "format1-8213291.json"
SAVED2 = Path(__file__).parent / "data" / "format2-from-format1-8213291.json"
SAVED3 = Path(__file__).parent / "data" / "format3-from-format1-8213291.json"


def _as_format_4(path: Path) -> bytes:
    """The format-3 file at `path` as format 4 saves it: its version, and ``nova.rbd_pool``
    ``vms`` (what the file holds, as the default of its day) in the header, nothing else."""
    data = json.loads(path.read_text())
    data["version"] = 4
    data["cloud"]["config"]["nova"] = {"rbd_pool": "vms"}  # the last section by name
    return (json.dumps(data, separators=(",", ":")) + "\n").encode()


#: What this fakecloud saves `SAVED`, `SAVED2` and `SAVED3` as.
TODAY = _as_format_4(SAVED3)
IMAGE_BACKED = "871edeee-5182-422d-bf94-9c5fdd0a576b"
VOLUME_BACKED = "2e7ba040-b2ed-4380-a911-ab9bde4d22cb"


#: The files were saved before a volume's connect took virtual time at a spawn (session 35):
#: today's world is built without it, to reach them at the same times.
NO_CONNECT_TIME = {"nova": {"volume_connect_s": 0}}


def _built_today() -> Cloud:
    """The world of the saved file, built by this fakecloud's code."""
    cloud = Cloud(seed=0, config=NO_CONNECT_TIME)
    assert boot(cloud, "s0") == IMAGE_BACKED
    assert boot(cloud, "s0", volumes=2) == VOLUME_BACKED
    return cloud


def _continued(cloud: Cloud, mark: int) -> list[dict[str, Any]]:
    """The trace after `mark`, each event without its ``seq`` (its place since the cloud
    began: a file saved before a build traced more states has a shorter past)."""
    return [{k: v for k, v in e.items() if k != "seq"} for e in cloud.trace[mark:]]


def _after_validations(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`events` without the services' token validations with Keystone: a file saved before
    the services kept keystonemiddleware's token cache (session 40) holds none, so each
    service of the loaded cloud asks Keystone once about a token the built one has cached,
    as a service restarted would."""
    return [e for e in events if e.get("callee") != "keystone"]


def _snapshot_both_and_delete(cloud: Cloud) -> list[Any]:
    seen: list[Any] = []
    for server in (IMAGE_BACKED, VOLUME_BACKED):
        r = cloud.request("compute", "POST", f"/v2.1/servers/{server}/action",
                          body={"createImage": {"name": f"snap-{server[:4]}"}},
                          microversion="2.45")  # fmt: skip
        seen.append((r.status, r.json()))
        seen.append(cloud.run_until_idle())
        image = cloud.request("image", "GET", f"/v2/images/{r.json()['image_id']}").json()
        seen.append((image["status"], image["size"], image.get("block_device_mapping")))
    for server in (IMAGE_BACKED, VOLUME_BACKED):
        seen.append(cloud.request("compute", "DELETE", f"/v2.1/servers/{server}").status)
    seen.append(cloud.run_until_idle())
    volumes = cloud.request("volumev3", "GET", "/v3/{project_id}/volumes/detail").json()
    seen.append(sorted((v["status"], v["size"]) for v in volumes["volumes"]))
    seen.append([v.invariant for v in cloud.check_invariants()])
    return seen


def test_a_loaded_file_of_an_earlier_format_saves_as_today_and_then_to_the_same_bytes(tmp_path):
    resaved = tmp_path / "again.json"
    for path in (SAVED, SAVED2, SAVED3):
        Cloud.load(path).save(resaved)
        assert resaved.read_bytes() == TODAY, (
            f"{path.name} saves to other bytes once loaded: a saved object gained or lost an "
            "attribute, or a default changed (see this module's docstring)"
        )
    # The keys the file set apart from today's defaults (8213291's Cinder enforced the new
    # policy defaults; its Glance enabled glance-direct alone; its Nova retried Glance 3 times
    # and listed its images 20 a page): written, and the loaded cloud keeps them.
    two, three = json.loads(SAVED2.read_text()), json.loads(SAVED3.read_text())
    assert three["cloud"]["config"] == {
        "cinder": {"enforce_new_defaults": True},
        "glance": {"enabled_import_methods": ["glance-direct"]},
        "image_api": {"num_retries": 3, "page_size": 20},
    }
    assert three["cloud"]["switches"] == {}
    # ... and nothing else moved from format 2: the version, and the one key in the header
    assert (two["version"], three["version"]) == (2, 3)
    two["cloud"]["config"]["image_api"]["page_size"] = 20
    assert {**two, "version": 3} == three
    Cloud.load(resaved).save(resaved)
    assert resaved.read_bytes() == TODAY
    assert json.loads(TODAY)["cloud"]["config"]["nova"] == {"rbd_pool": "vms"}


def _saved_with_its_own_image_api(tmp_path: Path) -> Path:
    """`SAVED2` as fakecloud saved it from 6e08f9bf (session 42) until session 43: its Nova
    image API's section a node of its own (3 retries), the header without it."""
    data = json.loads(SAVED2.read_text())
    del data["cloud"]["config"]["image_api"]
    own = {"latency_s": 0.005, "num_retries": 3, "retry_interval_s": 1.0, "page_size": 20,
           "api_server": ""}  # fmt: skip
    at = data["nodes"].index(["settings", "config", "image_api"])
    data["nodes"][at] = ["obj", "fakecloud.nova.image_api:ImageApiConfig", own]
    path = tmp_path / "session42.json"
    path.write_text(json.dumps(data))
    return path


def test_a_loaded_world_s_configuration_says_the_retries_its_nova_makes(tmp_path):
    """A format-1 file's configuration has no ``image_api`` section: its Nova image API held
    one of its own, ``num_retries`` 3, the default then. Session 42 made the configuration's
    unset (the release's default, 0 on this Queens) and the loaded world's Nova kept its 3, so
    its configuration said None while Nova retried 3 times. Loaded (from format 1, from the
    format 2 it saves as, or from one session 42 saved), the configuration says 3 (`Config.
    adopt`) and Nova makes four attempts: Glance unreachable three times, createImage still
    makes the snapshot."""
    for path in (SAVED, SAVED2, _saved_with_its_own_image_api(tmp_path)):
        cloud = Cloud.load(path)
        assert cloud.kernel.config.image_api.num_retries == 3, path.name
        assert cloud.nova.image_api.config is cloud.kernel.config.image_api
        cloud.faults.add("image_api.create", error="GlanceUnreachable", times=3)
        r = cloud.request("compute", "POST", f"/v2.1/servers/{IMAGE_BACKED}/action",
                          body={"createImage": {"name": "snap"}}, microversion="2.45")  # fmt: skip
        assert r.status == 202, (path.name, r.json())


def test_a_format_1_file_saved_as_format_2_continues_as_it_would_have():
    old, new = Cloud.load(SAVED), Cloud.load(SAVED2)
    marks = len(old.trace), len(new.trace)
    assert new.kernel.config.to_dict() == old.kernel.config.to_dict()
    assert _snapshot_both_and_delete(new) == _snapshot_both_and_delete(old)
    assert new.trace[marks[1] :] == old.trace[marks[0] :]


def test_a_loaded_format_1_file_snapshots_and_deletes_as_a_world_built_today():
    loaded, built = Cloud.load(SAVED), _built_today()
    marks = len(loaded.trace), len(built.trace)
    seen = _snapshot_both_and_delete(loaded)
    assert seen == _snapshot_both_and_delete(built)
    assert [s[0] for s in seen[0:6:3]] == [202, 202]
    assert [s[0] for s in seen[2:6:3]] == ["active", "active"]
    assert seen[6:8] == [204, 204]
    assert seen[-1] == []
    assert _after_validations(_continued(loaded, marks[0])) == _continued(built, marks[1])


def _without_switches(data: Any, names: frozenset[str]) -> Any:
    """`data` (a saved file's JSON) as a fakecloud that knew none of the switches `names`
    would have written it: their keys gone from every mapping, whether a JSON object or the
    flat ``[key, value, ...]`` list a saved dict is."""
    if isinstance(data, dict):
        return {k: _without_switches(v, names) for k, v in data.items() if k not in names}
    if isinstance(data, list):
        keys = data[0::2]
        flat = len(data) % 2 == 0 and keys and all(isinstance(k, str) for k in keys)
        if flat and any(k in names for k in keys):
            pairs = zip(keys, data[1::2], strict=True)
            return [x for k, v in pairs if k not in names for x in (k, v)]
        return [_without_switches(x, names) for x in data]
    return data


def test_a_file_saved_before_a_switch_existed_reads_its_profiles_value(tmp_path):
    # Every switch added after the file was written must not break it: the loaded cloud reads
    # the value its profile gives today, and saves to its own bytes again.
    newest = frozenset(list(SWITCHES)[-3:])
    older = tmp_path / "older.json"
    older.write_text(json.dumps(_without_switches(json.loads(SAVED.read_text()), newest)))
    assert all(name not in older.read_text() for name in newest)
    loaded, built = Cloud.load(older), _built_today()
    profile = resolve(loaded.profile).values
    assert {n: getattr(loaded.kernel.switches, n) for n in newest} == {
        n: profile[n] for n in newest
    }
    assert loaded.kernel.switches.bugs_on() == built.kernel.switches.bugs_on()
    # ... and a cloud made after the load still has them all (the load left the profile alone)
    assert newest <= set(built.kernel.switches.to_dict()) <= set(Cloud().kernel.switches.to_dict())
    assert _snapshot_both_and_delete(loaded) == _snapshot_both_and_delete(built)
    again, third = tmp_path / "again.json", tmp_path / "third.json"
    loaded.save(again)
    Cloud.load(again).save(third)
    assert third.read_bytes() == again.read_bytes()


def test_a_file_saved_before_a_switch_existed_saves_only_switches_apart_from_its_profile(
    tmp_path,
):
    # The switches a load adds (`Switches._complete`) read the profile's values: a save leaves
    # them out, as it does every switch at its profile's value.
    newest = frozenset(list(SWITCHES)[-3:])
    older = _without_switches(json.loads(SAVED.read_text()), newest)
    (tmp_path / "older.json").write_text(json.dumps(older))
    loaded = Cloud.load(tmp_path / "older.json")
    assert newest <= loaded.kernel.switches._completed
    loaded.save(tmp_path / "again.json")
    profile = resolve(loaded.profile).values
    apart = {n: v for n, v in older["cloud"]["switches"].items() if v != profile[n]}
    assert json.loads((tmp_path / "again.json").read_text())["cloud"]["switches"] == apart


def test_a_file_whose_config_holds_its_sections_only_in_a_dict_loads_and_saves_alike(tmp_path):
    # A Config saved with its sections in ``_sections`` only (as before they were also plain
    # attributes): the loaded cloud reads every section, and saves the file's data again.
    data = json.loads(SAVED.read_text())
    (config,) = [n for n in data["nodes"] if n[:2] == ["obj", "fakecloud.config:Config"]]
    config[2] = {"_sections": config[2]["_sections"]}
    (tmp_path / "older.json").write_text(json.dumps(data))
    loaded, as_saved = Cloud.load(tmp_path / "older.json"), Cloud.load(SAVED)
    loaded.save(tmp_path / "again.json")
    assert (tmp_path / "again.json").read_bytes() == TODAY
    sections = loaded.kernel.config.to_dict()
    assert sections.keys() >= {"rpc", "nova", "cinder", "glance"}
    for name in sections:
        assert getattr(loaded.kernel.config, name) == getattr(as_saved.kernel.config, name)
    assert _snapshot_both_and_delete(loaded) == _snapshot_both_and_delete(as_saved)


def test_a_format_1_file_without_a_key_whose_default_is_made_reads_that_default(tmp_path):
    # A key added later whose default a factory makes (a dict) is no attribute of its class:
    # the loaded section gets it (`Config._complete`); the file saves as if it had it.
    data = json.loads(SAVED.read_text())
    wanted = ["obj", "fakecloud.cinder.config:CinderConfig"]
    (cinder,) = [n for n in data["nodes"] if n[:2] == wanted]
    del cinder[2]["project_quotas"], data["cloud"]["config"]["cinder"]["project_quotas"]
    (tmp_path / "older.json").write_text(json.dumps(data))
    loaded = Cloud.load(tmp_path / "older.json")
    assert loaded.kernel.config.cinder.project_quotas == {}
    loaded.save(tmp_path / "again.json")
    assert (tmp_path / "again.json").read_bytes() == TODAY


# -- a file holding answered RPC calls' deadlines ----------------------------------------------
# `format1-dcd5f95-deadlines.json` was saved by main at dcd5f95 (2026-12-04), when an answered
# call's 60-second reply deadline stayed queued until it expired: seed 0, one server booted from
# a volume, then a createImage run until idle (t=7.889), so the file's queue holds the two
# answered deadlines of quiesce_instance and snapshot_current (at t=67.149 and 67.173). Today
# an answered deadline is cancelled and a saved queue holds none; the old file still loads,
# saves them again (as format 2, then always to those bytes), and continues as the same world
# built today.

DEADLINES = Path(__file__).parent / "data" / "format1-dcd5f95-deadlines.json"


def _deadlines_world_today() -> Cloud:
    cloud = Cloud(seed=0, config=NO_CONNECT_TIME)
    server = boot(cloud, "s0", volumes=1)
    r = cloud.request("compute", "POST", f"/v2.1/servers/{server}/action",
                      body={"createImage": {"name": "snap"}}, microversion="2.45")  # fmt: skip
    assert r.status == 202
    assert cloud.run_until_idle() == 7.888999999999995
    return cloud


def _delete_and_wait(cloud: Cloud) -> list[Any]:
    (server,) = cloud.request("compute", "GET", "/v2.1/servers").json()["servers"]
    seen: list[Any] = [cloud.request("compute", "DELETE", f"/v2.1/servers/{server['id']}").status]
    seen.append(cloud.run_until_idle())
    cloud.advance(120)  # past the old file's answered deadlines: they run as empty events
    seen.append(cloud.now)
    images = cloud.request("image", "GET", "/v2/images?name=snap").json()["images"]
    seen.append([(i["status"], i["size"]) for i in images])
    return seen


def test_a_file_with_answered_deadlines_loads_saves_and_continues(tmp_path):
    loaded, built = Cloud.load(DEADLINES), _deadlines_world_today()
    resaved, third = tmp_path / "again.json", tmp_path / "third.json"
    loaded.save(resaved)
    assert "_Deadline" in resaved.read_text()  # kept: they are queued in the loaded cloud
    Cloud.load(resaved).save(third)
    assert third.read_bytes() == resaved.read_bytes()
    marks = len(loaded.trace), len(built.trace)
    seen = _delete_and_wait(loaded)
    assert seen == _delete_and_wait(built)
    assert seen[0] == 204 and seen[-1] == [("active", 0)]
    assert _after_validations(_continued(loaded, marks[0])) == _after_validations(
        _continued(built, marks[1])
    )


def test_a_saved_queue_holds_no_answered_deadline(tmp_path):
    built = _deadlines_world_today()
    path = tmp_path / "today.json"
    built.save(path)
    text = path.read_text()
    assert "_Deadline" in DEADLINES.read_text() and "_Deadline" not in text
    assert "_Cancelled" not in text
    assert "_Deadline" not in json.dumps(Cloud.load(path).fork().kernel.env._queue, default=repr)


def test_a_session_17_file_mid_move_reverts_to_the_vm_state_it_kept():
    """`format2-82eac90-stopped-migrated.json` was saved by main at 82eac90 (session 17's end):
    seed 0, upstream, one server stopped and then migrated, awaiting its confirm. Session 17 kept
    the move's old vm_state on the migration; Nova keeps it in the server's system metadata
    (``_prep_resize``, nova 17.0.13-34.0.0), where session 18's revert reads it: loaded, the
    server's revert ends it stopped on its source, as it would have then (it came back ACTIVE:
    the retired field was dropped)."""
    cloud = Cloud.load(Path(__file__).parent / "data" / "format2-82eac90-stopped-migrated.json")
    path = f"/v2.1/servers/{IMAGE_BACKED}"
    before = cloud.request("compute", "GET", path, user="admin").json()["server"]
    assert (before["status"], before["OS-EXT-SRV-ATTR:host"]) == ("VERIFY_RESIZE", "cmp-2")
    resp = cloud.request("compute", "POST", path + "/action", body={"revertResize": None})
    assert resp.status == 202
    cloud.run_until_idle()
    after = cloud.request("compute", "GET", path, user="admin").json()["server"]
    assert (after["status"], after["OS-EXT-SRV-ATTR:host"]) == ("SHUTOFF", "cmp-1")
    assert cloud.check_invariants() == []


def test_a_file_saved_before_a_policy_flag_existed_derives_it_as_a_cloud_built_today(tmp_path):
    """A 21.x world saved before session 35 holds a policy engine without
    ``real_defaults_major`` (the class's 0: 34.0.0's table, which refuses a system-scoped
    reader the ``system_reader_api`` rules 21.0.0-24.x let through with the new defaults off;
    `tests/nova/test_policy_releases.py`). Loaded, the engine derives its flags again
    (`Nova._rederive_policy`): the engine, and the file saved again, are today's."""
    path = tmp_path / "w.json"
    cloud = Cloud(seed=0, profile="nova-21.0.0")
    assert cloud.nova.policy.real_defaults_major == 21  # built on the first check, as by a request
    cloud.save(path)
    today = path.read_bytes()
    data = json.loads(today)
    (engine,) = (
        n for n in data["nodes"] if n[:2] == ["obj", "fakecloud.nova.policies:PolicyEngine"]
    )
    del engine[2]["real_defaults_major"]  # as the file's fakecloud saved it
    path.write_text(json.dumps(data))
    loaded = Cloud.load(path)
    assert loaded.nova.policy.real_defaults_major == 21
    loaded.save(path)
    assert path.read_bytes() == today


def test_a_loaded_format_1_world_checks_the_token_of_nova_s_calls():
    # The file holds no kernel.keystone (saved before session 40): Glance's middleware must
    # still check the user's token Nova's image proxy sends it, as in a world built today.
    loaded = Cloud.load(SAVED)
    mark = len(loaded.trace)
    assert loaded.request("compute", "GET", "/v2.1/images").status == 200
    asked = [
        e["actor"]
        for e in loaded.trace[mark:]
        if e["kind"] == "http.request" and e.get("callee") == "keystone"
    ]
    assert asked == ["nova-api", "glance-api"]


def test_a_world_saved_before_cinders_service_user_loads_as_it_was_built():
    """A world saved in session 42 has Nova's service user and not Cinder's (session 43):
    its header builds ``cinder`` today, and the load takes the world without it, whose
    Cinder keeps the service token it had then (unchecked: no user behind it)."""
    from fakecloud.cinder.service_auth import UNCHECKED, service_token
    from fakecloud.state import dumps, loads

    # (nor Cinder's ``[glance]`` user, session 46)
    without = {"identity": {"service_users": {"cinder": None, "glance": None}}}
    data = json.loads(dumps(Cloud(seed=1, profile="upstream", config=without)))
    data["cloud"]["config"].pop("identity")  # the header as session 42 wrote it
    loaded = loads(json.dumps(data), cloud_class=Cloud)
    names = [u.name for u in loaded.keystone.directory.users.values()]
    assert names == ["demo", "demo-reader", "admin", "nova"]
    assert service_token(loaded.kernel) is UNCHECKED


def test_a_world_saved_before_glances_user_of_every_release_loads_as_it_was_built():
    """A world of a release before 2025.2 saved before session 47 has no ``glance`` user
    (devstack's ``create_glance_accounts`` made it there too, ``service`` alone): its header
    builds it today, and the load takes the world without it, which a save keeps so."""
    from fakecloud.state import dumps, loads

    without = {"identity": {"service_users": {"glance": None}}}
    data = json.loads(dumps(Cloud(seed=1, profile="nova-24.0.0", config=without)))
    data["cloud"]["config"].pop("identity")  # the header as session 46 wrote it
    loaded = loads(json.dumps(data), cloud_class=Cloud)
    names = [u.name for u in loaded.keystone.directory.users.values()]
    assert names == ["demo", "demo-reader", "admin", "nova", "cinder"]
    again = json.loads(dumps(loaded))
    assert again["nodes"] == data["nodes"]


def test_a_world_saved_before_cinders_glance_user_loads_and_reads_locations_as_the_caller():
    """A 2025.2-on world saved before session 46 has no ``glance`` user (Cinder's ``[glance]``
    section's): its header builds it today, and the load takes the world without it, whose
    cinder-volume asks the location API with the caller's token (``[glance]`` without
    ``auth_type``): Glance 33.0.0's ``rule:service_api`` refuses the member, ``get`` follows,
    and the volume is made."""
    from fakecloud.state import dumps, loads

    without = {"identity": {"service_users": {"glance": None}}}
    data = json.loads(dumps(Cloud(seed=1, profile="nova-34.0.0", config=without)))
    data["cloud"]["config"].pop("identity")  # the header as session 45 wrote it
    loaded = loads(json.dumps(data), cloud_class=Cloud)
    names = [u.name for u in loaded.keystone.directory.users.values()]
    assert names == ["demo", "demo-reader", "admin", "nova", "cinder"]
    images = loaded.request("image", "GET", "/v2/images?name=cirros-0.6.2-x86_64-disk").json()
    body = {"volume": {"size": 1, "imageRef": images["images"][0]["id"]}}
    r = loaded.request("block-storage", "POST", "/v3/{project_id}/volumes", body=body)
    loaded.run_until_idle()
    answers = [
        (e["call"], e["status"])
        for e in loaded.trace.filter(kind="http.response", callee="glance-api")
        if e["actor"].startswith("cinder-volume")
    ]
    # has_version's GET /versions, then the location API's refusal of the caller's token
    expected = [("get_image_locations", 200), ("get_image_locations", 403), ("get_location", 200)]
    assert answers[:3] == expected
    path = f"/v3/{{project_id}}/volumes/{r.json()['volume']['id']}"
    assert loaded.request("block-storage", "GET", path).json()["volume"]["status"] == "available"
