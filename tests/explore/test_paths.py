"""A group's path: only the notable events before the check broke that touch what broke, or
used the quota a refused step lacked; its cause: those events as a set, and the orders that may
be why."""

import pytest

from fakecloud.explore.effect import Without
from fakecloud.explore.groups import group, outcome_of
from fakecloud.explore.paths import path_of, recorded_links
from fakecloud.explore.runner import prepared
from fakecloud.scenario.runner import World
from fakecloud.sim.explore import Decision
from tests.explore.conftest import ROOT, by_event

# Server web's snapshot is left queued when its delete lands early (no_stuck_snapshot_image);
# the error answer of a step about a flavor touches nothing of web's.
WEB = """
name: web-and-a-flavor
cloud:
  profile: upstream
  images:
    cirros: {existing: cirros-0.6.2-x86_64-disk}
  servers:
    web: {body: {imageRef: "${images.cirros.id}", flavorRef: "1"}}
steps:
  - {name: snap, microversion: "2.45", request: "POST /servers/${servers.web.id}/action",
     body: {createImage: {name: w}}}
  - {name: nope, request: GET /flavors/nope, expect: {status: 404}}
expect:
  invariants: all
explore:
  windows: events
  adversary: [{delete_server: web}]
"""


def test_events_touching_other_resources_or_after_the_break_leave_the_path():
    ready = prepared(WEB, "web.yaml", "default")
    runs = {seed: ready.play(seed) for seed in (4, 17)}
    outcomes = [outcome_of(run, seed) for seed, run in runs.items()]
    assert [[b.key for b in o.broken] for o in outcomes] == [
        ["invariant no_stuck_snapshot_image"]
    ] * 2
    (stuck,) = group(outcomes)
    assert stuck.seeds == [4, 17]
    (delete,) = stuck.path
    assert delete.startswith("adversary-1: DELETE /servers/")
    everything = path_of(runs[4].result, runs[4].landed, []).path
    # both at t=0.005: the kernel answered nope before the delete was asked
    assert everything == ("step nope answered 404", delete)
    # a check that names the moment it broke keeps only what came before
    broke_before = [f"x: {delete.split('/')[-1]}: answered 500 at t=-1"]
    assert path_of(runs[4].result, runs[4].landed, broke_before).path == ()


def test_a_steps_check_ends_its_path_at_the_steps_answer():
    ready = prepared(WEB.replace("{status: 404}", "{status: 200}"), "web.yaml", "default")
    run = ready.play(4)
    (nope,) = [c for c in run.result.failures if c.what.startswith("step nope")]
    # the delete came at the same instant as nope's 404, after it: not why it was a 404
    assert path_of(run.result, run.landed, nope.details, nope.broke_seq).path == (
        "step nope answered 404",
    )
    assert path_of(run.result, run.landed, nope.details).path[-1].startswith("adversary-1")


# The library's volume-backed server db and its createImage, which now always meets a Cinder
# 500; a detach of its data volume and its guest stopping land anywhere around it.
DB = (ROOT / "scenarios" / "explore" / "detach_during_createimage.yaml").read_text().split(
    "\nexpect:"
)[0] + (
    """
expect:
  invariants: [no_unexpected_500]
explore:
  windows: events
  faults: [{point: volume_api.create_snapshot_force, errors: [CinderServerError], likelihood: 1}]
  adversary:
    - {detach_volume: {server: db, volume: data}}
    - {guest_stops: db}
"""
)


def test_the_same_events_in_another_order_are_one_cause_unless_a_refusal_may_follow_from_it():
    ready = prepared(DB, "db.yaml", "default")
    # (the seeds: session 45's other processes' token requests moved what each seed draws)
    runs = {seed: ready.play(seed) for seed in (9, 5, 7, 4)}
    outcomes = [outcome_of(run, seed) for seed, run in runs.items()]
    (nine, five, seven, four) = [o.broken[0].path for o in outcomes]
    detach, stops = five[:2]
    assert detach.startswith("adversary-1: DELETE") and stops.startswith("adversary-2: guest")
    fault = "fault volume_api.create_snapshot_force: CinderServerError"
    assert nine == (stops, fault, detach, "step snap answered 500")
    assert five == (detach, stops, fault, "step snap answered 500")
    # the guest stopped while the detach was asked, or only once it was refused: it may be why
    assert seven == (
        detach,
        stops,
        "step adversary-1 answered 400",
        fault,
        "step snap answered 500",
    )
    assert four == (detach, "step adversary-1 answered 400", stops, *seven[3:])
    assert [g.seeds for g in group(outcomes)] == [[5, 9], [7], [4]]
    # by effect: every createImage meets the Cinder 500 whatever the detach (refused or not)
    # and the guest stopping did, so the explorer leaves them off and makes one group
    outcomes = [outcome_of(run, seed, ready.rerun) for seed, run in runs.items()]
    (one,) = group(outcomes)
    assert (one.seeds, one.path) == ([4, 5, 7, 9], (fault, "step snap answered 500"))
    # a run that goes on writing events stops as never idle (what bounds those runs again)
    again = ready.play(9, marks=False, max_events=5)
    (busy,) = [c.what for c in again.result.failures if "never became idle" in c.what]
    assert busy.endswith("it is still busy after 5 trace events, as many as this run may write")


# Two servers on one compute host; other's stop is cast there and lost.
ONE_HOST = """
name: two-servers-one-host
cloud:
  profile: upstream
  config: {nova: {compute_hosts: 1}}
  images:
    cirros: {existing: cirros-0.6.2-x86_64-disk}
  servers:
    web: {body: {imageRef: "${images.cirros.id}", flavorRef: "1"}}
    other: {body: {imageRef: "${images.cirros.id}", flavorRef: "1"}}
steps:
  - {name: lose-stop, fault: {point: rpc.cast, action: drop, match: {method: stop_instance}}}
  - {name: stop-other, request: "POST /servers/${servers.other.id}/action", body: {os-stop: null}}
explore: {seeds: 1}
"""


def test_an_rpc_message_for_one_server_is_not_on_the_path_of_another_on_its_host():
    run = prepared(ONE_HOST, "one-host.yaml", "default").play(0)
    servers = run.result.names["servers"]
    lost = ("fault rpc.cast: drop@rpc.cast", "rpc.lost compute.cmp-1 stop_instance")
    assert path_of(run.result, run.landed, [f"server {servers['other']['id']}"]).path == lost
    assert path_of(run.result, run.landed, [f"server {servers['web']['id']}"]).path == ()


def test_a_released_fork_that_is_not_recycled_ends_its_calls_then_not_when_collected():
    # the case's world before its fork is planned (a fork is dropped, not reset): a run stopped
    # mid-flight leaves a call to cmp-1 unanswered; released, the fork's processes are closed
    # then (the message traced lost), not by the collector whenever it finds the dead world
    ready = prepared(DB, "db.yaml", "default")
    worlds = World(ready.world.cloud, ready.world.names).recycling()
    trace = ready.play(2, marks=False, max_events=40, world=worlds).result.trace
    assert not trace.filter(kind="rpc.lost")
    worlds.release()
    (lost,) = trace.filter(kind="rpc.lost")
    assert (lost["subject"], lost["method"]) == ("compute.cmp-1", "quiesce_instance")


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("quota_race.yaml", 403),  # Cinder's snapshot quota, as Nova's 403
        ("glance_limit_at_create.yaml", 500),  # Glance's image limit, as Nova's untranslated 500
    ],
)
def test_a_step_refused_for_a_quota_has_who_used_the_quota_on_its_path(name, status):
    path = ROOT / "scenarios" / "explore" / name
    ready = prepared(by_event(path.read_text()), f"scenarios/explore/{name}", "default")
    explored = ready.play(14)  # b's createImage takes what a's lacks first
    paths = {b.path for b in outcome_of(explored, 14).broken}
    b = explored.result.names["servers"]["b"]["id"]
    assert paths == {(f"adversary-1: POST /servers/{b}/action", f"step snap-a answered {status}")}


# db's attach always meets a Cinder 500 (the file's own fault, no choice); the guest agent stalls
# at the quiesce, so the createImage's call times out (a 500 too).
BREAK = "  - {name: break, fault: {point: volume_api.get, error: CinderServerError, times: 1}}\n"
STALLED = DB.split("\nexplore:")[0].replace("steps:\n", "steps:\n" + BREAK, 1) + (
    "\nexplore:\n  faults: [{point: nova.guest_agent, errors: [stall], likelihood: 1}]\n"
)


# The same, but Cinder fails the createImage's snapshot too: a 500 for the snap with no stall.
UNSTALLED = STALLED.replace(
    BREAK,
    BREAK + "  - {name: break2, fault: {point: volume_api.create_snapshot_force,"
    " error: CinderServerError, times: 1}}\n",
)
STALL = ("fault nova.guest_agent: stall", "rpc.timeout compute.cmp-1 quiesce_instance")
ATTACH_500 = ("fault volume_api.get: raise@volume_api.get", "step attach answered 500")


@pytest.mark.parametrize(("text", "pruned"), [(STALLED, ()), (UNSTALLED, STALL)])
def test_a_stall_leaves_the_path_with_its_timeout_when_each_500_comes_without_it(text, pruned):
    ready = prepared(text, "stalled.yaml", "default")
    run = ready.play(0)
    (key,) = [i for i, c in enumerate(run.result.failures) if c.what.endswith("unexpected_500")]
    # the attach failed before data was attached: its request links data to db
    path = (*ATTACH_500, *STALL, "step snap answered 500")
    assert outcome_of(run, 0).broken[key].path == path
    # no_unexpected_500 breaks without the stall, for the attach: for the snap too only when
    # Cinder fails its snapshot; then the stall goes, and the timeout it made
    kept = tuple(e for e in path if e not in pruned)
    assert outcome_of(run, 0, ready.rerun).broken[key].path == kept


# web's shelve is cast and lost; a restart of its host is drawn for a moment of a plain run.
LOST_SHELVE = (
    WEB.split("steps:\n")[0]
    + """steps:
  - {name: shelve, at: 10, request: "POST /servers/${servers.web.id}/action", body: {shelve: null}}
expect:
  invariants: [task_state_cleared]
explore:
  faults:
    - {point: rpc.cast, errors: [drop], likelihood: 1}
    - {restart: cmp-1, likelihood: 1}
"""
)


def test_an_insert_that_did_not_land_in_the_seeds_run_does_not_land_in_its_reruns():
    ready = prepared(LOST_SHELVE, "lost-shelve.yaml", "default")
    run = ready.play(0)
    assert run.landed == {}  # drawn for a moment after the lost cast's run had ended
    # without the drop the run is longer: had the restart landed there (mid-shelve), the task
    # state would be stuck anyway, and the drop would have left the path with nothing on it
    (broken,) = outcome_of(run, 0, ready.rerun).broken
    assert broken.path == ("fault rpc.cast: drop", "rpc.lost compute.cmp-1 shelve_instance")


# Server web and an unattached volume data; Cinder fails the attach's look-up of data.
ATTACH = """
name: attach-meets-cinder
cloud:
  profile: upstream
  images:
    cirros: {existing: cirros-0.6.2-x86_64-disk}
  volumes:
    data: {body: {size: 1}}
  servers:
    web: {body: {imageRef: "${images.cirros.id}", flavorRef: "1"}}
steps:
  - name: attach
    request: POST /servers/${servers.web.id}/os-volume_attachments
    body: {volumeAttachment: {volumeId: "${volumes.data.id}"}}
expect:
  invariants: [no_unexpected_500]
explore:
  faults: [{point: volume_api.get, errors: [CinderServerError], likelihood: 1}]
"""


def test_a_failed_steps_request_links_what_it_names_so_a_fault_on_it_stays_on_the_path():
    run = prepared(ATTACH, "attach.yaml", "default").play(0)
    (attach,) = run.result.steps
    volume = run.result.names["volumes"]["data"]["id"]
    assert attach.status == 500 and attach.request == {"volumeAttachment": {"volumeId": volume}}
    (check,) = run.result.failures
    # the attach never happened: nothing at the end of the run links data to web
    assert path_of(run.result, run.landed, check.details, check.broke_seq).path == (
        "fault volume_api.get: CinderServerError",
        "step attach answered 500",
    )


# data attached to web, then detached while Cinder fails every attachment delete: the fault
# names only the attachment, which the end of the run still holds.
DETACH = ATTACH.split("steps:")[0] + (
    "steps:\n"
    '  - {name: attach, request: "POST /servers/${servers.web.id}/os-volume_attachments",\n'
    '     body: {volumeAttachment: {volumeId: "${volumes.data.id}"}}}\n'
    "  - {name: detach, at: 10,\n"
    '     request: "DELETE /servers/${servers.web.id}/os-volume_attachments/${volumes.data.id}"}\n'
    "explore:\n"
    "  faults: [{point: volume_api.attachment_delete, errors: [CinderServerError],"
    " likelihood: 1}]\n"
)


def test_a_fault_on_a_volumes_attachment_is_on_the_path_of_a_check_about_the_volume():
    run = prepared(DETACH, "detach.yaml", "default").play(0)
    volume = run.result.names["volumes"]["data"]["id"]
    assert [(s.name, s.status) for s in run.result.steps] == [("attach", 200), ("detach", 202)]
    assert path_of(run.result, run.landed, [f"volume {volume} still in-use"]).path == (
        "fault volume_api.attachment_delete: CinderServerError",
    )


# The attach's path names only web; its body names data, which a user reserves meanwhile.
RESERVED = ATTACH.split("steps:")[0] + (
    "steps:\n"
    '  - {name: attach, at: 1, request: "POST /servers/${servers.web.id}/os-volume_attachments",\n'
    '     body: {volumeAttachment: {volumeId: "${volumes.data.id}"}}, expect: {status: 200}}\n'
    "explore:\n"
    "  windows: events\n"
    '  adversary: [{request: "POST /v3/${project_id}/volumes/${volumes.data.id}/action",\n'
    "               body: {os-reserve: {}}, likelihood: 1}]\n"
)


def test_a_refusal_keeps_the_order_of_what_its_requests_body_names():
    run = prepared(RESERVED, "reserved.yaml", "default").play(4)  # the reserve lands first
    (broken,) = outcome_of(run, 4).broken
    reserve, refused = broken.path
    assert reserve.startswith("adversary-1: POST /v3/") and refused == "step attach answered 400"
    # the reserve came before the refusal and names the volume its body asked for: it may be why
    assert broken.cause[1] == ((reserve, refused),)


# db's createImage reads Cinder's absolute limits first: a call about the project, naming no
# volume, whose fault fails it all the same.
LIMITS = DB.split("\nexplore:")[0] + (
    "\nexplore:\n  faults: [{point: volume_api.get_absolute_limits, errors: [CinderServerError],"
    " likelihood: 1}]\n"
)


def test_a_fault_on_a_call_about_no_resource_stays_on_the_path_when_it_is_why():
    ready = prepared(LIMITS, "limits.yaml", "default")
    (broken,) = outcome_of(ready.play(0), 0, ready.rerun).broken
    assert broken.path == (
        "fault volume_api.get_absolute_limits: CinderServerError",
        "step snap answered 500",
    )


# db boots from a volume it deletes with itself; Cinder fails a first attachment delete, the
# retry deletes it: at the end nothing links the fault's attachment to db, the world at t0 does.
GONE = DB.split("\nsteps:")[0] + (
    '\nsteps:\n  - {name: gone, request: "DELETE /servers/${servers.db.id}"}\n'
    "explore:\n  faults: [{point: volume_api.attachment_delete, errors: [CinderServerError],"
    " likelihood: 0.5}]\n"
)


def test_a_fault_on_what_the_run_deleted_stays_on_the_path_by_the_links_at_t0():
    run = prepared(GONE, "gone.yaml", "default").play(0)
    db = run.result.names["servers"]["db"]["id"]
    assert [(s.name, s.status) for s in run.result.steps] == [("gone", 204)]
    assert path_of(run.result, run.landed, [f"server {db}"]).path == ()
    assert path_of(run.result, run.landed, [f"server {db}"], start=run.start).path == (
        "fault volume_api.attachment_delete: CinderServerError",
    )


# A retype of web's attached data to ceph: Cinder makes a temporary volume there and asks Nova
# to swap to it; Nova's read of that volume fails (500), and Cinder deletes it: no row at the end
# pairs it with data. Cinder's record of the migration does.
RETYPED = ATTACH.split("expect:")[0].replace(
    "  profile: upstream\n",
    "  profile: upstream\n"
    "  config:\n"
    "    cinder:\n"
    "      backends: {lvm: {kind: lvm-thin}, ceph: {kind: rbd}}\n"
    "      volume_types: {__DEFAULT__: {backend: lvm}, fast: {backend: ceph}}\n",
) + (
    "  - {name: temp-unread, fault: {point: volume_api.get, error: CinderServerError, at: 9,"
    " nth: 2}}\n"
    '  - {name: retype, at: 5, request: "POST /v3/${project_id}/volumes/${volumes.data.id}'
    '/action",\n'
    "     body: {os-retype: {new_type: fast, migration_policy: on-demand}}}\n"
    "expect:\n  invariants: [no_unexpected_500]\n"
)


def test_a_fault_on_a_migrations_temporary_volume_is_on_the_path_of_the_swaps_500():
    run = prepared(RETYPED, "retyped.yaml", "default").play(0)
    (check,) = run.result.failures
    data = run.result.names["volumes"]["data"]["id"]
    assert f"os-volume_attachments/{data}: nova answered 500" in check.details[0]
    store = run.result.cloud.cinder.store
    web = run.result.names["servers"]["web"]["id"]
    recorded = recorded_links(run.result.cloud)
    assert (data, web) in recorded  # the attach's, as it was made
    (temp,) = [a for a, b in recorded if b == data and a not in store.attachments]
    assert temp not in store.volumes  # its row is gone
    fault = ("fault volume_api.get: raise@volume_api.get",)
    assert path_of(run.result, run.landed, check.details, check.broke_seq).path == fault
    run.result.cloud.cinder.links.clear()  # without the record nothing links the fault
    assert path_of(run.result, run.landed, check.details, check.broke_seq).path == ()


# web's createImage on the seed profile first asks its compute for the current snapshot (an
# RPC call); cmp-1 is down 75 s, longer than the call's 60 s: the call expires in its queue.
EXPIRED = (
    WEB.split("steps:\n")[0].replace("upstream", "seed")
    + """steps:
  - {name: stop, restart: {host: cmp-1, down_s: 75}}
  - {name: snap, at: 1, microversion: "2.45", request: "POST /servers/${servers.web.id}/action",
     body: {createImage: {name: w}}}
expect:
  state:
    - name: snapshot-made
      request: GET /v2/images?name=w
      expect: {body: {images: {$len: 1}}}
"""
)


def test_a_call_that_expired_in_a_stopped_services_queue_is_on_the_path():
    run = prepared(EXPIRED, "expired.yaml", "default").play(0)
    made, error = outcome_of(run, 0).broken
    assert made.key.startswith("state snapshot-made")
    timeout = ("rpc.timeout compute.cmp-1 snapshot_current", "step snap answered 500")
    assert made.path == (*timeout, "rpc.expired compute.cmp-1 snapshot_current")
    # the 500 came at 61 s, the expiry when cmp-1 was back at 75 s: after it broke
    assert (error.key, error.path) == ("invariant no_unexpected_500", timeout)
    # the expired call names its server: not on the path of a check about another resource
    (expired,) = run.result.trace.filter(kind="rpc.expired")
    assert expired["instance"] == run.result.names["servers"]["web"]["id"]
    image = run.result.names["images"]["cirros"]["id"]
    assert path_of(run.result, run.landed, [f"image {image}"]).path == ()


# A volume-backed db's createImage; a rescue and a stop race it; a createBackup is refused (400:
# a volume-backed server has no image to back up), nothing changed.
REFUSED = """
name: rescue-stop-and-a-refused-backup
cloud:
  profile: upstream
  images:
    qga: {existing: cirros-0.6.2-x86_64-qga}
    rescuer: {body: {hw_rescue_device: disk, hw_rescue_bus: virtio}, size_mb: 10}
  servers:
    db:
      body:
        imageRef: ""
        flavorRef: "1"
        block_device_mapping_v2:
          - {boot_index: 0, uuid: "${images.qga.id}", source_type: image,
             destination_type: volume, volume_size: 1, delete_on_termination: true}
steps:
  - {name: snap, at: 10, microversion: "2.45", request: "POST /servers/${servers.db.id}/action",
     body: {createImage: {name: snap-db}}}
expect:
  invariants: [no_unexpected_500]
explore:
  seeds: 1
  chance: {rpc_delay: true}
  adversary:
    - {request: "POST /servers/${servers.db.id}/action", microversion: "2.87",
       body: {rescue: {rescue_image_ref: "${images.rescuer.id}"}}}
    - {request: "POST /servers/${servers.db.id}/action",
       body: {createBackup: {name: bk, backup_type: daily, rotation: 1}}}
    - {request: "POST /servers/${servers.db.id}/action", body: {os-stop: null}}
"""


@pytest.mark.explore  # a volume-backed world and two seeds' reruns: ~0.3 CPU-s
def test_a_refused_insert_leaves_the_path_when_the_others_land_as_they_did():
    ready = prepared(REFUSED, "refused.yaml", "default")
    run = ready.play(16)  # the createBackup is refused just before the rescue and the stop land
    db = run.result.names["servers"]["db"]["id"]
    rescue, backup, stop = (f"adversary-{i}: POST /servers/{db}/action" for i in (1, 2, 3))
    (broken,) = outcome_of(run, 16).broken
    assert broken.path == (
        backup,
        "step adversary-2 answered 400",
        rescue,
        stop,
        "step adversary-1 answered 500",
    )
    # without it the rescue and the stop land after the same events, in the same order (the
    # refusal's events are not counted, its tie is not theirs): the rescue's 500 again
    (broken,) = outcome_of(run, 16, ready.rerun).broken
    assert broken.path == (rescue, stop, "step adversary-1 answered 500")
    # seed 21: the backup's start tied with the stop's (the backup ran first); without the
    # backup the stop still lands after the rescue, and the rescue's 500 is the same
    run = ready.play(21)
    starts = [[label for _, label in d.about.get("starts", ())] for d in run.decisions]
    assert ["scenario step adversary-2", "scenario step adversary-3"] in starts
    (broken,) = outcome_of(run, 21, ready.rerun).broken
    assert broken.path == (rescue, stop, "step adversary-1 answered 500")


class _Windows:
    """A source whose inserts land after fixed trace events (the value: 1 + the event)."""

    def draw(self, kind, n, low, high, about):
        return {"rescue": 28, "backup": 22}[about["insert"]]


def test_a_rerun_lands_the_other_inserts_after_the_same_events_and_keeps_their_ties():
    made = [
        Decision("tie", 1, 1, 1, about={"t": 5.0, "events": 2}),  # the backup's start's
        Decision("tie", 2, 0, 1, about={"t": 6.0, "events": 2}),
    ]
    landed = {"rescue": 27, "backup": 21}  # after the 27th and the 21st event from t0
    # the backup wrote the 22nd to 24th: the 27th is the 24th of the run without it
    source = Without(_Windows(), made, frozenset({("insert", "backup")}), landed, [22, 23, 24])
    assert source.draw("window", 1, 0, 99, {"insert": "rescue"}) == 25
    assert source.draw("window", 2, 0, 99, {"insert": "backup"}) == 0
    # its run has no tie at 5.0: the one at 6.0 is drawn as it was, not as the first tie
    assert source.draw("tie", 1, 0, 1, {"t": 6.0, "events": 2}) == 0
    assert source.draw("tie", 2, 0, 1, {"t": 7.0, "events": 2}) == 0  # no such tie: the plain


def _starts(*steps):
    return [(i, f"scenario step {name}") for i, name in enumerate(steps)]


def test_a_rerun_leaves_out_the_ties_a_removed_insert_s_start_was_in():
    # seed 76 of the refused-backup hunt: at one instant the backup's and the stop's starts
    # tie (the backup ran first), then the stop's and the rescue's (the rescue ran first)
    made = [
        Decision("tie", 1, 0, 1, about={"t": 5.0, "events": 2, "starts": _starts("bk", "stop")}),
        Decision("tie", 2, 1, 1, about={"t": 5.0, "events": 2, "starts": _starts("stop", "res")}),
        Decision("tie", 3, 2, 2, about={"t": 5.0, "events": 3, "starts": _starts("bk", "x", "y")}),
    ]
    source = Without(_Windows(), made, frozenset({("insert", "bk")}))
    # without the backup the stop/rescue tie is the first at 5.0 of two events: the rescue
    # runs first again, not the backup's pick (the first event)
    assert source.draw("tie", 1, 0, 1, {"t": 5.0, "events": 2}) == 1
    # a tie of three with the backup's start, which did not run first: two events, y picked
    assert source.draw("tie", 2, 0, 1, {"t": 5.0, "events": 2}) == 1


# data is deleted at t0; the backend's cinder-volume restarts later: its row is gone, Cinder's
# record of its backend still ties the restart to it.
DROPPED = """
name: deleted-volume-restart
cloud:
  profile: upstream
  volumes:
    data: {body: {size: 1}}
steps:
  - {name: drop, request: "DELETE /v3/${project_id}/volumes/${volumes.data.id}"}
explore:
  windows: events
  faults: [{restart: cinder@lvmdriver-1, likelihood: 1}]
"""


def test_a_restart_of_a_deleted_volumes_backend_is_on_its_path():
    ready = prepared(DROPPED, "dropped.yaml", "default")
    worlds = ready.world.recycling()
    try:
        for seed in (0, 1):  # the second on the reset fork: only its own run's record
            run = ready.play(seed, world=worlds)
            data = run.result.names["volumes"]["data"]["id"]
            cinder = run.result.cloud.cinder
            assert data not in cinder.store.volumes and run.landed
            assert cinder.gone_backends == [data, "lvmdriver-1"]
            assert path_of(run.result, run.landed, [f"volume {data}"]).path == (
                "restart-cinder-volume-lvmdriver-1: restart cinder-volume on cinder@lvmdriver-1",
            )
            worlds.release()
    finally:
        worlds.close()


# nova-compute restarts mid-upload at a time the file sets (`at:`), not one the seed draws
CRASH = """
name: crash-at-a-time
cloud:
  profile: upstream
  config: {nova: {disk_throughput_mb_per_s: 10, compute_hosts: 1}}
  images:
    cirros: {existing: cirros-0.6.2-x86_64-disk}
  servers:
    web: {body: {imageRef: "${images.cirros.id}", flavorRef: "1"}}
steps:
  - {name: snap, microversion: "2.45", request: "POST /servers/${servers.web.id}/action",
     body: {createImage: {name: interrupted}}}
  - {name: crash, at: 3, restart: {host: cmp-1, down_s: 10}}
expect:
  invariants: all
"""


def test_a_step_the_file_places_at_a_time_is_on_the_path_as_an_insert_is():
    """A restart the file places `at:` a time races the flow as an inserted restart does: it
    is what left web's image queued, and leads there (the path was empty: delays and orders
    alone)."""
    ready = prepared(CRASH, "crash.yaml", "default")
    (stuck,) = group([outcome_of(ready.play(0), 0)])
    assert stuck.key == "invariant no_stuck_snapshot_image"
    assert stuck.path == ("crash: restart nova-compute on cmp-1",)
