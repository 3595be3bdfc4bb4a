"""Fault injection a user can discover: a registry of points, errors by name or HTTP status,
did-you-mean for typos, and a warning for a rule that never fired."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from fakecloud import Cloud
from fakecloud.catalog import main as list_main
from fakecloud.errors import ConfigError
from fakecloud.fault_points import points, rpc_methods
from fakecloud.nova.virt.guest_agent import FREEZE, SET_USER_PASSWORD, THAW
from fakecloud.scenario.errors import ScenarioError
from fakecloud.scenario.loader import loads
from tests.state.state_helpers import boot

GUEST_AGENT_COMMANDS = (FREEZE, THAW, SET_USER_PASSWORD)  # the values the point declares

PACKAGE = Path(__file__).resolve().parents[2] / "fakecloud"


@pytest.mark.parametrize(
    ("rule", "says"),
    [
        ({"point": "io.tranfser", "error": "CinderBackendError"}, "did you mean 'io.transfer'?"),
        (
            {"point": "cinder.snapshot.create", "error": "CinderBackendEror"},
            "did you mean 'CinderBackendError'?",
        ),
        (
            {
                "point": "cinder.snapshot.create",
                "error": "CinderBackendError",
                "match": {"volum_id": "v"},
            },
            "has no attribute 'volum_id' (did you mean 'volume_id'?)",
        ),
        # qemu-ga's command name, not the word a reader of the trace might guess: a rule for
        # "freeze" never fired, a warning after the run (session 42's new user)
        (
            {"point": "nova.guest_agent", "action": "stall", "match": {"command": "freeze"}},
            "command 'freeze' is none of its values; command is one of guest-fsfreeze-freeze, "
            "guest-fsfreeze-thaw, guest-set-user-password",
        ),
        (
            {
                "point": "nova.guest_agent",
                "action": "stall",
                "match": {"command": ["guest-fsfreeze-thaw", "guest-fsfreeze-freez"]},
            },
            "command 'guest-fsfreeze-freez' is none of its values (did you mean "
            "'guest-fsfreeze-freeze'?)",
        ),  # fmt: skip
        # an RPC method no service serves: the rule never fired, a warning after a run that
        # passed (session 43's audit of issue 16)
        (
            {
                "point": "rpc.call",
                "action": "delay",
                "delay_s": 15,
                "match": {"method": "quiesce_instanse"},
            },
            "no RPC method 'quiesce_instanse' on any endpoint (did you mean 'quiesce_instance'?); "
            "`fakecloud list points rpc.call` lists the services'",
        ),
        (
            {
                "point": "rpc.cast",
                "action": "drop",
                "match": {"target": "cinder-scheduler", "method": "unquiesce_instance"},
            },
            "no RPC method 'unquiesce_instance' on cinder-scheduler's endpoint",
        ),  # fmt: skip
        ({"point": "nova.libvirt.extract", "error": 503}, "an HTTP status (503) names an error"),
        ({"point": "glance.upload", "error": 418}, "glance has no HTTP 418 error"),
        ({"point": "image_api.create", "error": 302}, "HTTP status 302 is not an error"),
    ],
)
def test_what_would_never_fire_is_refused_with_the_closest_name(rule, says):
    cloud = Cloud()
    with pytest.raises(ConfigError) as info:
        cloud.faults.add(**rule)
    assert says in str(info.value)
    with pytest.raises(ConfigError, match="did you mean 'glance.upload'"):
        cloud.faults.release("glance.uplod")


def test_an_http_status_names_the_error_a_client_sees_there():
    cloud = Cloud(seed=1, profile="upstream")
    server_id = boot(cloud)
    cloud.faults.add("image_api.create", error=400, times=1)
    r = cloud.request(
        "compute",
        "POST",
        f"/v2.1/servers/{server_id}/action",
        body={"createImage": {"name": "snap"}},
        microversion="2.45",
    )
    assert r.status == 400
    assert r.json() == {"badRequest": {"code": 400, "message": "HTTP Bad Request"}}
    # Glance's upload answering 503: Nova's client retries, then gives up and deletes the image.
    cloud.faults.add("glance.upload", error="503")
    r = cloud.request(
        "compute",
        "POST",
        f"/v2.1/servers/{server_id}/action",
        body={"createImage": {"name": "snap2"}},
        microversion="2.45",
    )
    assert r.status == 202
    cloud.run_until_idle()
    uploads = [
        e["status"]
        for e in cloud.trace.filter(kind="http.response", callee="glance-api")
        if e["subject"].endswith("/file")
    ]
    assert uploads == [503] * len(uploads) and len(uploads) >= 2
    image = cloud.request("image", "GET", f"/v2/images/{r.json()['image_id']}")
    assert image.status == 404


SCENARIO = """\
name: typos
steps:
  - fault: {point: io.tranfser, error: GlanceStoreTimeout}
  - fault: {point: image_api.create, error: 503, match: {image_idd: x}}
  - release: glance.uplod
  - fault: {point: my.own.point, error: Whatever}
  - fault: {point: nova.guest_agent, action: stall, match: {command: thaw}}
  - fault: {point: rpc.cast, action: drop, match: {method: [unquiesce_instance, snapshot_instanse]}}
"""


def test_a_scenario_naming_a_point_that_does_not_exist_fails_to_load_naming_the_line():
    with pytest.raises(ScenarioError) as info:
        loads(SCENARIO, "typos.yaml")
    lines = str(info.value).splitlines()
    assert lines == [
        "typos.yaml:3: field steps[0].fault.point: unknown fault point 'io.tranfser' (did you "
        "mean 'io.transfer'?); `fakecloud list points` lists them",
        "typos.yaml:4: field steps[1].fault.match.image_idd: fault point 'image_api.create' has "
        "no attribute 'image_idd' (did you mean 'image_id'?); it matches on image_id, call, "
        "attempt",
        "typos.yaml:5: field steps[2].release: unknown fault point 'glance.uplod' (did you mean "
        "'glance.upload'?); `fakecloud list points` lists them",
        "typos.yaml:7: field steps[4].fault.match.command: fault point 'nova.guest_agent': "
        "command 'thaw' is none of its values; command is one of guest-fsfreeze-freeze, "
        "guest-fsfreeze-thaw, guest-set-user-password",
        "typos.yaml:8: field steps[5].fault.match.method: fault point 'rpc.cast': method "
        "'snapshot_instanse' is none of its values (did you mean 'snapshot_instance'?); "
        f"`fakecloud list points rpc.cast` lists all {len(rpc_methods())}",
    ]


def test_the_rpc_methods_a_rule_may_match_are_those_the_services_answer():
    methods = rpc_methods()
    # nova-compute's, cinder-volume's, cinder-scheduler's and cinder-backup's
    assert {"quiesce_instance", "snapshot_instance", "create_snapshot", "create_backup"} <= set(
        methods
    )
    assert not {"starting", "started", "stopped"} & set(methods)  # the bus's own hooks
    cloud = Cloud()  # what a scenario file is checked against covers what a cloud serves
    served = cloud.kernel.rpc.methods()
    assert "quiesce_instance" in served and set(served) <= set(methods)
    cloud.faults.add("rpc.call", "delay", delay_s=1, match={"method": served})


#: The public methods of the services' managers that no RPC message names: called in their
#: own process (a restart's, a driver's steps, a scheduler's filters).
IN_PROCESS = {
    "ComputeManager": {"guest_stopped", "init_host", "rebuild_call_args", "restart", "spawn_task"},
    "VolumeManager": {
        "driver_create_snapshot",
        "migrate_volume_completion",  # an RPC call in real Cinder; fakecloud calls it in place
        "refresh_volume_glance_meta",
        "snapshot_created",
    },
    "SchedulerManager": {"capable", "retype_candidates"},
    "BackupManager": set(),
}


def test_a_managers_rpc_methods_are_its_rpc_apis_not_every_public_method():
    """A rule or an explored fault matching a public method no message names never fired:
    each manager lists its RPC API (`RPC_API`), and a new public method is one or the other."""
    from fakecloud.cinder.backup_manager import BackupManager
    from fakecloud.cinder.manager import SchedulerManager, VolumeManager
    from fakecloud.nova.compute.manager import ComputeManager
    from fakecloud.sim.rpc import HOOKS

    for manager in (ComputeManager, VolumeManager, SchedulerManager, BackupManager):
        public = {
            name
            for name, member in vars(manager).items()
            if callable(member) and not name.startswith("_") and name not in HOOKS
        }
        assert manager.RPC_API | IN_PROCESS[manager.__name__] == public, manager.__name__
        assert not manager.RPC_API & IN_PROCESS[manager.__name__]
    assert not {"restart", "init_host", "driver_create_snapshot", "capable"} & set(rpc_methods())
    with pytest.raises(ConfigError, match=r"'snapshot_created' .*did you mean 'snapshot_current'"):
        Cloud().faults.add("rpc.cast", "drop", match={"method": "snapshot_created"})


_CONSULT = re.compile(r"faults\.(?:pause|check)\(\s*(f?)\"([^\"{]+)")


def _consulted_points() -> set[str]:
    """Fault point names consulted in fakecloud's source (an f-string as its prefix + ``*``)."""
    found = set()
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for fstring, name in _CONSULT.findall(text):
            found.add(name + "*" if fstring else name)
    return found


def test_every_point_the_services_consult_is_in_the_registry():
    consulted = _consulted_points()
    assert {"io.transfer", "cinder.snapshot.create", "image_api.*", "volume_api.*"} <= consulted
    registered = set(points())
    for name in consulted:
        if name.endswith("*"):
            assert any(p.startswith(name[:-1]) for p in registered), name
        else:
            assert name in registered, f"{name} is consulted but not in fakecloud/fault_points.py"
    assert {"image_api.upload", "volume_api.create_snapshot_force"} <= registered


def test_fakecloud_list_shows_each_registry(capsys):
    assert list_main(["points", "cinder.snapshot"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("cinder.snapshot.create\n")
    assert "matches on: snapshot_id, volume_id, project_id, size, backend" in out
    assert list_main(["points", "nova.guest_agent"]) == 0  # the values a rule must name
    assert (
        "    command: guest-fsfreeze-freeze, guest-fsfreeze-thaw, guest-set-user-password\n"
        in capsys.readouterr().out
    )
    assert list_main(["errors"]) == 0
    out = capsys.readouterr().out
    assert "CinderBackendError" in out and "HTTP statuses (error: 503)" in out
    assert list_main(["invariants", "frozen"]) == 0
    assert "no_frozen_guest\n    No guest's filesystems are left frozen" in capsys.readouterr().out
    assert list_main(["switches", "lp1731986"]) == 0
    # where the bug is, not only where it changed: 17.0.0 had it, 17.0.1 fixed it
    assert (
        "lp1731986: seed=False  upstream=False  (the bug in 17.0.0; changes: 17.0.1"
        in capsys.readouterr().out
    )
    # a long list of changes wraps under the values at 100 columns, each release's whole
    # (max_microversion's line was ~300 columns: session 38's new user)
    assert list_main(["switches", "max_microversion"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert (
        lines[0]
        == "max_microversion: seed='2.60'  upstream='2.104'  (changes: 18.0.0 (4cae503767): '2.65',"
    )
    assert (
        lines[1]
        == " " * len("max_microversion: ")
        + "19.0.0 (3225fb61f9): '2.72', 20.0.0 (e5b47543cf): '2.79',"
    )
    assert (
        max(map(len, lines)) <= 100
        and lines[-1] == "    the highest compute API microversion served."
    )
    assert list_main(["events", "guest.freeze"]) == 0
    assert "fields: host, requested_at" in capsys.readouterr().out
    assert list_main(["points", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["name"] for r in rows} == set(points())
    agent = next(r for r in rows if r["name"] == "nova.guest_agent")
    assert agent["values"] == {"command": list(GUEST_AGENT_COMMANDS)}
    # a bug is named by its number: a reviewer looks for its symptom (session 42's new user)
    assert list_main(["bugs", "quiesce"]) == 0
    captured = capsys.readouterr()
    assert [line.split(":")[0] for line in captured.out.splitlines() if line[:2] == "lp"] == [
        "lp1754360",
        "lp1980720",
    ]
    assert captured.err == (
        "fakecloud list bugs: no name contains 'quiesce'; 2 whose description does:\n"
    )
    assert list_main(["points", "--json", "freeze"]) == 0  # JSON on stdout, the note on stderr
    captured = capsys.readouterr()
    assert [r["name"] for r in json.loads(captured.out)] == ["nova.guest_agent"]
    assert "no name contains 'freeze'" in captured.err
    assert list_main(["events", "thawed"]) == 0  # events are named by kind
    assert capsys.readouterr().err == (
        "fakecloud list events: no kind contains 'thawed'; 1 whose description does:\n"
    )
    assert list_main(["points", "no-such-thing"]) == 1
    assert "nothing matches 'no-such-thing'" in capsys.readouterr().err
    assert list_main(["points", "--json", "no-such-thing"]) == 1  # stdout was empty: no JSON
    assert json.loads(capsys.readouterr().out) == []


@pytest.mark.parametrize("word", ["", "  "])
def test_fakecloud_list_refuses_an_empty_word_as_run_refuses_an_empty_case(capsys, word):
    """``list points "$WORD"`` with WORD unset listed every point, as if no WORD were given;
    a word of spaces said "nothing matches". Either is refused, as ``run --case ""`` is, for
    every kind (argparse's exit status 2, one line on stderr)."""
    for what in ("points", "events", "config"):
        with pytest.raises(SystemExit) as caught:
            list_main([what, word])
        assert caught.value.code == 2
        captured = capsys.readouterr()
        assert captured.out == ""
        assert captured.err.splitlines()[-1] == (
            "fakecloud list: error: argument word: expected a word to look for, got "
            f"{word!r} (leave it out to list everything)"
        )


def test_a_bare_fakecloud_list_says_what_there_is_to_list(capsys):
    """Session 44's student typed `fakecloud list` first and got argparse's "the following
    arguments are required: what": it lists what there is to list, each with its meaning."""
    assert list_main([]) == 0
    out = capsys.readouterr().out
    assert out.startswith("fakecloud list WHAT [WORD] [--json], where WHAT is one of:\n")
    assert "  scenarios   the scenario library (fakecloud run NAME)\n" in out
    assert "  config      configuration keys" in out
