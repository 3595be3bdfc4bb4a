"""Requests between services are in the trace: who sent what to whom, and what came back.

Nova → Cinder, Nova → Glance and Cinder → Glance each appear as ``http.request`` and
``http.response`` events (caller as ``actor``, ``callee``, ``"METHOD /path"`` as ``subject``,
``status``), failures included, so a replayed bug shows the answer that broke the flow.
"""

from pathlib import Path

from fakecloud.demo import run_flow
from fakecloud.scenario.loader import load
from fakecloud.scenario.runner import run_case

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def _pairs(trace):
    """(caller, callee, subject, call, status) per answered internal request, in order."""
    return [
        (e["actor"], e["callee"], e["subject"], e["call"], e["status"])
        for e in trace
        if e["kind"] == "http.response"
    ]


def _case(path, case_id):
    scenario = load(str(SCENARIOS / path))
    return run_case(next(c for c in scenario.cases if c.id == case_id))


def test_volume_backed_snapshot_shows_nova_talking_to_cinder_and_glance():
    run = run_flow("volume-online")
    project = run.cloud.kernel.trace.first(kind="http.request", callee="cinder-api")["subject"]
    project = project.split("/")[2]
    snapshot_id = next(iter(run.cloud.cinder.store.snapshots))
    image_id = next(i for i, name in run.aliases.items() if name == "snapshot-image")
    action = next(
        e
        for e in run.cloud.trace
        if e["kind"] == "api.request" and e["subject"].endswith("/action")
    )
    flow = _pairs(run.cloud.trace[action["seq"] :])
    assert flow[:3] == [
        # 17.0.13 checks Cinder's limits first (the pre-check, backported to 17.0.1).
        ("nova-api", "cinder-api", f"GET /v3/{project}/limits", "get_absolute_limits", 200),
        (
            "nova-api",
            "cinder-api",
            f"GET /v3/{project}/volumes/{next(iter(run.cloud.cinder.store.volumes))}",
            "get",
            200,
        ),
        ("nova-api", "cinder-api", f"POST /v3/{project}/snapshots", "create_snapshot_force", 202),
    ]
    assert ("nova-api", "glance-api", "POST /v2/images", "create", 201) in flow
    # The compute host polls the snapshot until it is no longer "creating" (every 0.5 s).
    polls = [p for p in flow if p[3] == "get_snapshot"]
    assert polls[0] == (
        "nova-compute:cmp-1",
        "cinder-api",
        f"GET /v3/{project}/snapshots/{snapshot_id}",
        "get_snapshot",
        200,
    )
    assert len(polls) == 2
    assert image_id in next(p[2] for p in flow if p[3] == "upload")


def test_cinder_reads_the_image_from_glance_when_it_makes_a_boot_volume():
    run = run_flow("volume-offline")
    reads = [p for p in _pairs(run.cloud.trace) if p[1] == "glance-api" and p[0].startswith("cin")]
    assert [(p[0], p[3], p[4]) for p in reads] == [
        ("cinder-api", "show", 200),
        ("cinder-api", "show", 200),
        # the manager's ExtractVolumeSpecTask (cinder 12.0.10-26.x: get_location's get)
        ("cinder-volume.cinder@lvmdriver-1", "get_location", 200),
        ("cinder-volume.cinder@lvmdriver-1", "show", 200),
        ("cinder-volume.cinder@lvmdriver-1", "download", 200),
    ]
    download = run.cloud.trace.first(kind="http.request", call="download")
    copy = run.cloud.trace.first(kind="io.start", label="cinder.image_download")
    assert download["t"] == copy["t"]


def test_lp1731986_replay_shows_cinders_413_that_broke_the_loop():
    # Nova 17.0.0: no Cinder limits pre-check yet, so Cinder's 413 breaks the loop mid-way.
    result = _case("quota/cinder_snapshot_quota_precheck.yaml", "no-precheck-17-0-0")
    creates = [
        e
        for e in result.trace
        if e["kind"] == "http.response" and e["call"] == ("create_snapshot_force")
    ]
    assert [e["status"] for e in creates] == [202, 413]
    assert creates[1]["actor"] == "nova-api" and creates[1]["callee"] == "cinder-api"
    assert "snapshots" in creates[1]["error"] and "exceeded" in creates[1]["error"]


def test_a_glance_refusal_and_an_unreachable_cinder_are_answers_too():
    refused = _case("bugs/d12_glance_rejects_after_snapshots.yaml", "seed")
    (create,) = refused.trace.filter(kind="http.response", call="create", callee="glance-api")
    assert create["status"] == 400 and "zero-byte qcow2" in create["error"]
    assert refused.trace.first(kind="fault", subject="image_api.create") is not None

    run = run_flow("volume-online")
    cloud = run.cloud
    server_id = next(i for i, name in run.aliases.items() if name == "server")
    cloud.faults.add("volume_api.create_snapshot_force", error="CinderConnectionFailed")
    r = cloud.request(
        "compute",
        "POST",
        f"/v2.1/servers/{server_id}/action",
        body={"createImage": {"name": "again"}},
        microversion="2.45",
    )
    cloud.run_until_idle()
    assert r.status == 500  # CinderConnectionFailed is a NovaException: 500
    last = cloud.trace.filter(kind="http.response", call="create_snapshot_force")[-1]
    assert last["status"] is None
    assert last["error"].startswith("Unable to establish connection to http://127.0.0.1:8776")


def test_every_internal_request_gets_exactly_one_answer_in_a_whole_flow():
    run = run_flow("image")
    sent = [(e["actor"], e["subject"]) for e in run.cloud.trace.filter(kind="http.request")]
    answered = [(e["actor"], e["subject"]) for e in run.cloud.trace.filter(kind="http.response")]
    assert sorted(sent) == sorted(answered)
    assert len(sent) >= 8
