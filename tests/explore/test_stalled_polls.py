"""A snapshot stalled in `creating` for good: the thaw's poll, which real Nova keeps up with no
limit, skips the reads that cannot find anything new, and the run ends as it would have."""

import pytest

from fakecloud.explore.runner import prepared
from tests.explore.conftest import same_run
from tests.explore.test_faults_and_adversary import VOLUME_BACKED as DB
from tests.explore.test_faults_and_adversary import _replay

SNAP = """
  - {name: snap, microversion: "2.45", request: "POST /servers/${servers.db.id}/action",
     body: {createImage: {name: db-snap}}}
"""


def _reads(result):
    return [
        e["t"]
        for e in result.trace
        if e["kind"] == "http.request" and e.get("call") == "get_snapshot"
    ]


def _broken(explored):
    return {c.what.split(":")[0]: c.details for c in explored.failures}


#: A step waiting for a trigger that never comes: the scenario still waits, so no read is skipped.
_WAITING = (
    "  - {name: never, on: {trace: {kind: http.request, subject: GET /nothing}},\n"
    "     request: GET /servers}\n"
)


def _read_every_or_skipped(text, end):
    """Two runs of `text` up to `end`: one reading every read (a step still waits), one not."""
    every = prepared(text + _WAITING + end, "every.yaml", "default").play(0)
    return every, prepared(text + end, "skipped.yaml", "default").play(0)


def _same_but_between(every, skipped, first, last, digits=None):
    """Every event of the two runs, at the same times (to `digits`), but the reads left out
    between `first` and `last` (and each run's own scenario events)."""
    own = ("scenario.start", "scenario.names")

    def events(result, keep):
        return [
            (
                e["kind"],
                e["actor"],
                e["subject"],
                e["t"] if digits is None else round(e["t"], digits),
            )
            for e in result.trace
            if keep(e)
        ]

    assert events(every.result, lambda e: e["kind"] not in own and not first <= e["t"] < last) == (
        events(skipped.result, lambda e: e["kind"] not in own)
    )


#: Nova sends its service token (so the user's token, dead after an hour, still reads) and
#: Cinder's middleware keeps a token for the whole week: every read is answered alike but
#: those of each hour's new service token.
ANSWERED_ALIKE = (
    "  config:\n    nova: {send_service_user_token: true}\n"
    "    keystone_authtoken: {token_cache_time_s: 1000000}\n"
)


def test_a_snapshot_stalled_for_good_ends_the_run_at_its_cap_without_its_million_reads(tmp_path):
    # The explorer's stall, nothing to release it: the run may take a virtual week, every
    # 0.5 s of it a read of `creating` (1.2 million); its outcome is the same after two.
    text = (
        DB
        + ANSWERED_ALIKE
        + "steps:"
        + SNAP
        + "expect: {invariants: all}\n"
        + "explore:\n  faults: [{point: cinder.snapshot.create, errors: [stall], likelihood: 1}]\n"
    )
    ready = prepared(text, "stalled.yaml", "default")
    explored = ready.play(0)
    broken = _broken(explored)
    assert set(broken) == {"the cloud never became idle", "invariant no_long_freeze"}
    (never_idle,) = [c.what for c in explored.failures if c.what.startswith("the cloud")]
    assert "past the 604800 virtual seconds a run may take" in never_idle
    assert explored.result.end > 604799
    (freeze,) = broken["invariant no_long_freeze"]
    assert "was frozen for 604799." in freeze and "and still is" in freeze
    reads = _reads(explored.result)
    # the first, then the last before the cap, and two at each renewal of Nova's service
    # token (keystoneauth's, 120 s before its hour ends): the last read with the old one, the
    # next with the new one, which Cinder validates (a call to Keystone)
    assert len(reads) == 2 + 2 * 173
    assert [round(b - a, 3) for a, b in zip(reads[1:-1:2], reads[2:-1:2], strict=True)] == [
        0.5
    ] * 173
    renewed = [
        e["t"]
        for e in explored.result.trace
        if e["kind"] == "identity.token_issued" and e["t"] > explored.result.t0
    ]
    assert renewed == reads[2:-1:2]
    assert reads[-1] - explored.result.t0 > 604799
    path, replayed = _replay(explored, ready, tmp_path)
    assert same_run(replayed.trace, explored.result.trace)
    assert _broken(replayed) == broken


def test_without_nova_s_service_token_the_stalled_poll_ends_when_the_user_token_dies():
    # Nova 17.0.13 sends no service token (the option's default): the poll's read after the
    # token's hour is Cinder's 401 (its cache entry of the token aged out every 300 s, each
    # time a call to Keystone), the loop ends and the guest is thawed; the reads skipped
    # between stop short of each (`fakecloud.sim.polling`'s `until`).
    text = (
        DB
        + "steps:"
        + SNAP
        + "expect: {invariants: all}\n"
        + "explore:\n  faults: [{point: cinder.snapshot.create, errors: [stall], likelihood: 1}]\n"
    )
    explored = prepared(text, "stalled.yaml", "default").play(0)
    trace = explored.result.trace
    asked = [
        (round(e["t"] - explored.result.t0), e["status"])
        for e in trace
        if e["kind"] == "http.response" and e["actor"] == "cinder-api"
    ]
    assert asked[-2:] == [(3293, 200), (3593, 404)]
    (refused,) = [e for e in trace if e.get("call") == "get_snapshot" and e.get("status") == 401]
    (thaw,) = [e for e in trace if e["kind"] == "guest.thaw"]
    assert thaw["t"] > refused["t"] and round(thaw["t"] - explored.result.t0) == 3593
    assert len(_reads(explored.result)) < 40


def test_skipped_reads_leave_the_run_as_reading_each_one_does():
    # Two runs of one stall until t=40: one whose scenario still waits for an event (a step on
    # a trigger that never comes), so its poll reads every 0.5 s, and one waiting for nothing.
    stalled = (
        DB + "steps:\n  - {name: stall, fault: {point: cinder.snapshot.create, action: stall}}"
    )
    end = "run: {until: 40}\nexpect: {invariants: [no_long_freeze]}\n"
    every, skipped = _read_every_or_skipped(stalled + SNAP, end)
    read_every, read_skipped = _reads(every.result), _reads(skipped.result)
    assert len(read_every) == 80 and len(read_skipped) == 2
    assert read_skipped == [read_every[0], read_every[-1]]
    assert skipped.result.end == every.result.end == 40
    assert _broken(skipped) == {
        k: v for k, v in _broken(every).items() if k == "invariant no_long_freeze"
    }
    # the same run but for the reads left out: every event before the second read and from
    # the last one on, at the same times
    _same_but_between(every, skipped, read_every[1], read_every[-1])


def test_a_guest_left_frozen_by_a_hung_thaw_is_a_long_freeze():
    # The agent takes the freeze and never answers the thaw (libvirt waits on it for good):
    # nothing is due, so nothing can change, and the run ends at its cap, as a stalled
    # snapshot's does; the guest frozen all that time is a long freeze (the run had ended
    # where the waiting began, 0.7 s in: not long).
    hung = "  - {name: hang, fault: {point: nova.guest_agent, action: stall,"
    hung += " match: {command: guest-fsfreeze-thaw}}}"
    text = DB + "steps:\n" + hung + SNAP + "expect: {invariants: [no_long_freeze]}\n"
    explored = prepared(text, "hung_thaw.yaml", "default").play(0)
    assert explored.result.end == 604800
    (never_idle, freeze) = [c.what for c in explored.failures]
    assert never_idle.startswith("the cloud never became idle: at t=604800 it has waited from")
    assert never_idle.endswith("on events nothing will trigger")
    assert freeze == "invariant no_long_freeze"


def test_a_fault_waiting_at_the_read_keeps_every_read():
    # A rule failing the 30th read (or the explorer's draw on each): real Nova's loop ends at
    # that read, logs it and thaws. Skipped reads never reached it: the guest stayed frozen.
    text = (
        DB
        + "steps:\n  - {name: stall, fault: {point: cinder.snapshot.create, action: stall}}\n"
        + "  - {name: fail, fault: {point: volume_api.get_snapshot, error: 503, nth: 30}}"
        + SNAP
        + "run: {until: 40}\n"
    )
    result = prepared(text, "nth.yaml", "default").play(0).result
    reads = _reads(result)
    assert len(reads) == 30
    (told,) = [
        e for e in result.trace if e["kind"] == "log" and "waiting completion" in e["message"]
    ]
    assert told["message"].endswith("Service Unavailable (HTTP 503)")
    assert reads[-1] < told["t"] < reads[-1] + 0.1


BOOT = """
  - {name: boot, request: POST /servers,
     body: {server: {name: vol, imageRef: "", flavorRef: "1", block_device_mapping_v2: [
       {boot_index: 0, uuid: "${images.qga.id}", source_type: image, destination_type: volume,
        volume_size: 1}]}}}
"""


def _volume_reads(result):
    """When nova-compute read a volume from t0 on (the setup's boot of db reads its own
    before)."""
    return [
        e["t"]
        for e in result.trace
        if e["kind"] == "http.request"
        and e.get("call") == "get"
        and e["t"] >= result.t0
        and e["actor"].startswith("nova-compute")
    ]


def test_a_boot_s_bounded_volume_wait_skips_the_reads_of_a_stalled_volume():
    # Nova reads the volume it made at boot up to 61 times, 3 s after each read
    # (block_device_allocate_retries): against a volume stalled for good, only its first and
    # its last read (and the build's clean-up read after) can tell anything; the run, read by
    # read or skipping, ends alike: the same fault, its seconds and attempts, at the same time.
    stalled = DB + "steps:\n  - {name: stall, fault: {point: cinder.volume.create, action: stall}}"
    end = "run: {until: 400}\nexpect: {invariants: all}\n"
    every, skipped = _read_every_or_skipped(stalled + BOOT, end)
    read_every, read_skipped = _volume_reads(every.result), _volume_reads(skipped.result)
    assert len(read_every) == 62 and len(read_skipped) == 3
    # (one sleep over the skipped rounds sums them in another order: the same times to 1e-9 s)
    kept = [read_every[0], read_every[-2], read_every[-1]]
    assert read_skipped == pytest.approx(kept, abs=1e-9)
    assert skipped.result.end == every.result.end == 400
    _same_but_between(every, skipped, read_every[1], read_every[-2], digits=9)
    faults = [
        [e["message"] for e in run.result.trace if e["kind"] == "nova.fault"]
        for run in (every, skipped)
    ]
    assert faults[0] == faults[1] and "waited 184 seconds or 61 attempts" in faults[1][0]
    assert _broken(skipped) == {
        k: v for k, v in _broken(every).items() if not k.startswith("step never")
    }


def test_a_service_token_without_the_service_role_ends_the_stalled_poll_when_the_token_dies():
    # Nova 33.0.2 (keystonemiddleware 12.x: a service token without the `service` role is
    # taken, but lets nothing expired through) sends its service token, but its user lacks
    # the role: the read after the user's token's hour is Cinder's 401, as without a service
    # token, though Cinder's cache keeps the token for the whole week; the loop ends and the
    # guest is thawed then, not at the run's cap.
    text = (
        DB
        + ANSWERED_ALIKE
        + "    identity: {service_users: {nova: {password: s, roles: [admin]}}}\n"
        + "steps:"
        + SNAP
        + "expect: {invariants: all}\n"
        + "explore:\n  faults: [{point: cinder.snapshot.create, errors: [stall], likelihood: 1}]\n"
    )
    explored = prepared(text, "stalled.yaml", "default", profile="nova-33.0.2").play(0)
    trace = explored.result.trace
    # the read refused, then sent again once with a new service token (keystoneauth's
    # Session.request after a 401: session 44) and refused again
    refused, again = [
        e for e in trace if e.get("call") == "get_snapshot" and e.get("status") == 401
    ]
    rejected = [e["reason"] for e in trace if e["kind"] == "identity.token_rejected"]
    assert rejected == ["expired token"] * 2
    renewed = [e for e in trace if e["kind"] == "identity.token_issued" and e["subject"] == "nova"]
    assert renewed[-1]["t"] == refused["t"] < again["t"]
    (thaw,) = [e for e in trace if e["kind"] == "guest.thaw"]
    (demo,) = [e for e in trace if e["kind"] == "identity.token_issued" and e["subject"] == "demo"]
    # the first read from the user's token's end on (reads every 0.5 s) is refused, and the
    # guest thawed then (before: at the week's end)
    assert 0 <= refused["t"] - demo["expires_at"] < 0.5 and 0 < thaw["t"] - again["t"] < 1
