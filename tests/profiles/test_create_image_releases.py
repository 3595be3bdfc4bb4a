"""createImage on both sides of each release that changed it, where no other test holds that
pair: every case names a profile and nothing else (no switch), the last release without the
change and the first with it, so a switch recorded a release early or late fails here. The
table "createImage, series by series" in docs/profiles.md names, for every change, the test
that holds its two releases (this module's or an older one); the commits are in
`fakecloud.profiles`."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from fakecloud.api.http import Request
from fakecloud.profiles import SWITCHES, switches_compute, switches_driver
from tests.nova.conftest import NovaEnv
from tests.nova.volume_backed_env import DATA_VOLUME, STRICT, BfvEnv
from tests.profiles.test_snapshot_commit_table import API_SWITCHES

DOC = Path(__file__).resolve().parents[2] / "docs" / "profiles.md"
HEADING = "## createImage, series by series"
#: The switches of createImage's path: the compute manager's and the driver's (less the
#: vendor branch, in no release), the API layer's, and the API's words.
CREATE_IMAGE_SWITCHES = (
    {s.name for s in switches_compute.SWITCHES + switches_driver.SWITCHES}
    - {"instance_snapshot_branch"}
    | API_SWITCHES
    | {"jsonschema_non_empty_message", "glance_link_catalog_url", "api_support_string"}
)


def _table_rows() -> list[tuple[int, set[str], list[str], str]]:
    """The table's rows: series, releases, switches named (none for a release's own
    reading), what holds it."""
    section = DOC.read_text().split(HEADING, 1)[1].split("\n## ", 1)[0]
    rows, series = [], 0
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 5 or not re.match(r"\d+\.\d+\.\d+", cells[1]):
            continue
        series = int(re.search(r"\((\d+)\)", cells[0])[1]) if cells[0] else series
        switches = [] if cells[3].startswith("none") else re.findall(r"`([a-z0-9_]+)`", cells[3])
        rows.append((series, set(cells[1].split(", ")), switches, cells[4]))
    return rows


def test_the_series_table_has_every_change_of_createimages_switches_at_its_releases():
    listed = set()
    for series, releases, switches, held in _table_rows():
        assert min(int(r.split(".")[0]) for r in releases) == series, releases
        for name in switches:
            changes = [{r for r, _ in change.points()} for change in SWITCHES[name].changes]
            assert releases in changes, (name, releases)
            listed.add((name, frozenset(releases)))
        for path in re.findall(r"`(tests/[^`]+)`", held):
            assert (DOC.parents[1] / path).is_file(), path
        for name in re.findall(r"scenario `([^`]+)`", held):
            assert (DOC.parents[1] / "scenarios" / f"{name}.yaml").is_file(), name
    every = {
        (name, frozenset(r for r, _ in change.points()))
        for name in CREATE_IMAGE_SWITCHES
        for change in SWITCHES[name].changes
    }
    assert sorted(every - listed) == []


@pytest.mark.parametrize(("profile", "frozen"), [("nova-17.0.0", True), ("nova-17.0.1", False)])
def test_a_volume_snapshot_failing_mid_loop_thaws_the_guest_from_17_0_1(profile, frozen):
    """bca425a33f (18.0.0, backport 7ab98b5345 in 17.0.1, LP #1731986): the second volume's
    Cinder snapshot fails after the freeze; 17.0.0 never thaws the guest."""
    env = BfvEnv(profile)
    sid = env.boot_bfv(extra=[DATA_VOLUME])
    second = env.nova.db.bdms_by_instance(sid)[1].volume_id
    env.cloud.faults.add(
        "volume_api.create_snapshot_force", match={"volume_id": second}, error="CinderServerError"
    )
    assert env.create_image(sid).status == 500
    env.cloud.run_until_idle()
    assert (env.events("rpc.cast", method="unquiesce_instance") == []) is frozen
    assert env.domain(sid).frozen is frozen


@pytest.mark.parametrize(("profile", "frozen"), [("nova-17.0.5", True), ("nova-17.0.6", False)])
def test_a_quiesce_call_timing_out_thaws_the_guest_from_17_0_6(profile, frozen):
    """1e77faaa41 (18.0.0, backport bcae081c46 in 17.0.6, LP #1754360): the quiesce RPC times
    out while the agent is still freezing; 17.0.5 leaves the guest frozen for good."""
    config = {
        "rpc": {"response_timeout_s": 10.0},
        "nova": {"guest_agents": {"db": {"freeze_s": 15.0}}},
    }
    env = BfvEnv(profile, config)
    sid = env.boot_bfv(name="db")
    assert env.create_image(sid).status == 500
    env.cloud.run_until_idle()
    assert (env.events("rpc.cast", method="unquiesce_instance") == []) is frozen
    assert env.domain(sid).frozen is frozen


@pytest.mark.parametrize(("profile", "status"), [("nova-17.0.13", 400), ("nova-18.0.0", 202)])
def test_allow_instance_snapshots_false_refuses_createimage_until_18_0_0(profile, status):
    """1b112acb34 (18.0.0) removed ``[api] allow_instance_snapshots``: set false, Queens' last
    release still refuses the snapshot, Rocky's first ignores the option."""
    env = NovaEnv(profile, {"nova": {"allow_instance_snapshots": False}})
    resp = env.create_image(env.boot())
    assert resp.status == status
    if status == 400:
        message = "Instance snapshots are not permitted at this time."
        assert resp.json()["badRequest"]["message"] == message


@pytest.mark.parametrize(("profile", "status"), [("nova-20.6.1", 403), ("nova-21.0.0", 404)])
def test_the_metadata_quota_is_checked_before_the_server_is_loaded_until_21_0_0(profile, status):
    """2a4a716209 (21.0.0): below 2.39, 129 metadata items of a server that does not exist are
    the metadata-items 403 in Train's last release, the lookup's 404 from Ussuri."""
    env = NovaEnv(profile)
    metadata = {f"k{i}": "v" for i in range(129)}
    resp = env.create_image("0" * 8, metadata=metadata, microversion="2.38")
    assert resp.status == status
    if status == 403:
        assert resp.json()["forbidden"]["message"] == "Image metadata limit exceeded"


@pytest.mark.parametrize(
    ("profile", "status"),
    [("nova-20.6.1", 202), ("nova-21.0.0", 403), ("nova-25.3.0", 403), ("nova-26.0.0", 202)],
)
def test_new_defaults_decide_another_projects_admins_snapshot_per_release(profile, status):
    """With ``enforce_new_defaults`` on, an admin of another project's createImage: Train has
    only the legacy ``admin_or_owner`` (the option is not oslo.policy's yet), 202; 21.0.0's
    default ``system_admin_or_owner`` (c3fcc31d5f) and 25.x's ``PROJECT_MEMBER`` (d9190912b9)
    refuse it; 26.0.0's ``PROJECT_MEMBER_OR_ADMIN`` (909b0b0247) lets it through again."""
    env = NovaEnv(profile, {"nova": {"enforce_new_defaults": True}})
    sid = env.boot(wait=False)  # the admin may not see it to wait
    env.cloud.run_until_idle()
    assert env.create_image(sid, user="admin").status == status


@pytest.mark.parametrize(("profile", "status"), [("nova-24.2.1", 202), ("nova-25.0.0", 403)])
def test_a_system_admin_passes_createimages_scope_check_until_25_0_0(profile, status):
    """With ``enforce_new_defaults`` and ``enforce_scope`` on, createImage's rule is scoped to
    system and project until 24.x (b42eddd3e9), to project alone from 25.0.0 (d9190912b9): a
    system-scoped admin's snapshot passes Xena's policy, not Yoga's (Glance's own scope check
    left off, as it would refuse the token too)."""
    config = {
        "nova": {"enforce_new_defaults": True, "enforce_scope": True},
        "glance": {"enforce_scope": False},
    }
    env = NovaEnv(profile, config)
    sid = env.boot(wait=False)  # a project-scoped admin may not see it under these rules
    env.cloud.run_until_idle()
    admin = env.cloud.context("admin")
    system = dataclasses.replace(admin, project_id=None, system_scope="all", request_id="")
    body = {"createImage": {"name": "snap"}}
    req = Request.build("POST", f"/v2.1/servers/{sid}/action", body=body, context=system)
    assert env.nova.api.call(req).status == status


@pytest.mark.parametrize(("profile", "status"), [("nova-26.3.0", 500), ("nova-27.0.0", 409)])
def test_a_required_quiesce_with_a_hung_agent_is_409_from_27_0_0(profile, status):
    """c8d5397b0a (27.0.0, LP #1980720): an ``os_require_quiesce`` image whose guest agent
    hangs is 409 ``InstanceQuiesceFailed``; Zed's last release answers Nova's 500."""
    env = BfvEnv(profile, {"nova": {"guest_agents": {"db": {"state": "hung"}}}})
    sid = env.boot_bfv(name="db", image=STRICT, size=4)
    assert env.create_image(sid).status == status


@pytest.mark.parametrize(("profile", "fmt"), [("nova-30.3.0", "qcow2"), ("nova-31.0.0", "raw")])
def test_the_volume_backed_image_is_declared_raw_from_31_0_0(profile, fmt):
    """e28f90866b (31.0.0): the volume-backed snapshot's image is uploaded as ``raw``; before,
    the image schema's preferred format, ``qcow2``."""
    env = BfvEnv(profile)
    image_id = env.snap(env.boot_bfv())
    env.cloud.run_until_idle()
    assert env.glance_image(image_id)["disk_format"] == fmt


@pytest.mark.parametrize(
    ("profile", "words"),
    [("nova-30.3.0", "'' is too short"), ("nova-31.0.0", "'' should be non-empty")],
)
def test_an_empty_name_is_refused_in_the_series_jsonschemas_words(profile, words):
    """openstack/requirements b469d9059b (jsonschema 4.23.0, the 2025.1 series, Nova 31.0.0):
    the schema's refusal of ``name: ""`` is jsonschema's own words, checked before the
    server is loaded."""
    resp = NovaEnv(profile).create_image("0" * 8, name="")
    assert resp.status == 400
    assert resp.json()["badRequest"]["message"] == (
        f"Invalid input for field/attribute name. Value: . {words}"
    )


@pytest.mark.parametrize(("profile", "inline"), [("nova-32.2.1", True), ("nova-33.0.0", False)])
def test_the_snapshot_event_ends_with_the_upload_until_33_0_0(profile, inline):
    """9e678b83eb (33.0.0): ``_snapshot_instance`` is spawned on the long-task executor, so the
    ``compute_snapshot_instance`` event is Success as soon as the RPC worker hands it over;
    before, it spans the whole snapshot, its upload included."""
    env = BfvEnv(profile)
    sid = env.boot()
    env.snap(sid)
    env.cloud.run_until_idle()
    (uploaded,) = env.events("nova.snapshot", subject=sid, phase="uploaded")
    started, finished = env.events("nova.event", event="compute_snapshot_instance")
    assert finished["t"] == (uploaded["t"] if inline else started["t"])
    action = next(a for a in env.actions(sid) if a["action"] == "createImage")
    (event,) = action["events"]
    assert (event["event"], event["result"]) == ("compute_snapshot_instance", "Success")
    assert (event["finish_time"] == event["start_time"]) is not inline


@pytest.mark.parametrize(("profile", "together"), [("nova-21.2.4", 2), ("nova-22.0.0", 1)])
def test_max_concurrent_snapshots_serialises_a_hosts_snapshots_from_22_0_0(profile, together):
    """6bb0c4fdab (22.0.0): ``[DEFAULT] max_concurrent_snapshots`` (here 1) limits the snapshots
    running at once on a host; Ussuri's last release has no such option, both run at once."""
    env = NovaEnv(profile, {"nova": {"compute_hosts": 1, "max_concurrent_snapshots": 1}})
    sids = [env.boot(f"vm{i}") for i in range(2)]
    for sid in sids:
        assert env.create_image(sid).status == 202
    env.cloud.run_until_idle()
    trace = env.cloud.trace
    (first_done, _) = trace.filter(kind="nova.snapshot", phase="uploaded")
    begun = trace.filter(kind="nova.snapshot", phase="begin")
    assert sum(e["t"] < first_done["t"] for e in begun) == together
