"""`fakecloud demo`: the guided tour a newcomer sees in the terminal, and where it leaves the
reports."""

import io
import os
import sys

import pytest

from fakecloud.cli import main as cli
from fakecloud.demo import chapters
from tests.views.conftest import SCENARIOS

# With the Chromium test: the demo reports, a session fixture, are made once on the worker that
# runs both (with --dist loadgroup the group keeps them together).
pytestmark = pytest.mark.xdist_group("demo")


def _chapter(printed: str, title: str) -> str:
    """The text of the chapter called `title`, up to the next one."""
    after = printed.split(title, 1)[1]
    return after.split("╭─ ", 1)[0]


def test_the_tour_tells_five_flows_in_six_runs_and_writes_their_reports(demo_tour):
    printed, reports = demo_tour
    for title in (
        "1. Image-backed server, online",
        "2. Volume-backed server, offline",
        "3. Volume-backed server, online: the frozen window",
        "4. The seed build's instance-snapshot branch",
        "5. A production bug replayed: LP #1731986, bug on",
        "6. The same replay with the fix switched on (17.0.1's)",  # 17.0.1 fails bug_off
    ):
        assert title in printed
    assert [p.name for p in reports] == [
        "1-image-online.html",
        "2-volume-offline.html",
        "3-volume-online.html",
        "4-instance-snapshot-branch.html",
        "5-lp1731986-bug-on.html",
        "6-lp1731986-bug-off.html",
    ]
    for path in reports:
        assert path.as_uri() in printed and path.read_text().startswith("<!DOCTYPE html>")


def test_each_run_is_narrated_on_its_virtual_clock(demo_tour):
    printed, _ = demo_tour
    image = _chapter(printed, "1. Image-backed server, online")
    assert "     0.000s  step snap: POST /servers/web/action" in image
    assert "… 1.000 s pass — upload to Glance 100.0 MB @ 100.0 MB/s" in image
    # (58 from session 46: the seed build's boot sends the versioned instance.create pair too)
    assert "set-up: 58 events fold away" in image
    # Keystone in the picture: the set-up's token validations, and the cache that spares the
    # snapshot's requests another call
    assert "Keystone: nova-api and glance-api validated the set-up's tokens" in image
    # Nova's own back-step (libvirt driver.py snapshot: direct_snapshot's NotImplementedError on
    # a file disk), which the chapter's introduction now explains (session 38's new user)
    assert "     0.016s  web: task_state image_uploading → image_pending_upload" in image
    intro = " ".join(image.split("╰", 1)[0].replace("│", "").split())
    assert "turns straight back" in intro
    # the first state a student meets, and the seed's vendor call before it, said at once
    # (session 39's teacher: the 0.000 s snapshot_current call was explained three chapters on)
    assert "sets task_state image_snapshot_pending and answers 202" in intro
    assert "snapshot_current: a call of its vendor branch that upstream Nova never makes" in intro
    assert "     0.000s  RPC call → nova-compute cmp-1: snapshot_current" in image
    online = _chapter(printed, "3. Volume-backed server, online")
    # 17.0.13 asks Cinder's limits first (the pre-check, 17.0.1): the freeze comes 20 ms later,
    # and the tour says why (session 43's teacher: a silent gap, where the quota race starts)
    told = [line.strip() for line in online.splitlines() if line.startswith(" ")]
    limits = "nova-api → cinder-api: get_absolute_limits (GET /v3/demo/limits)"
    assert told[told.index(f"0.004s  {limits}") + 1] == (
        "0.024s  RPC call → nova-compute cmp-1: quiesce_instance"
    )
    assert "     0.126s  guest of db: filesystems frozen (fsfreeze)" in online
    assert "▸ guest db: frozen 614 ms (from 0.126 s)" in online
    # who waits for whom: nova-compute's unquiesce polls Cinder every 0.5 s and thaws after the
    # poll that sees the snapshot done (27.5.1 compute/manager.py _wait_for_snapshots_completion;
    # session 39's teacher: the introduction said so, the story left the polls to the report)
    poll = "nova-compute cmp-1 → cinder-api: get_snapshot (GET /v3/demo/snapshots/db/vda@db-snap)"
    assert told[told.index(f"0.170s  {poll}") - 1].endswith("unquiesce_instance")
    thawed = told.index("0.740s  guest of db: filesystems thawed")
    assert told[thawed - 2 : thawed] == [
        "0.662s  db/vda@db-snap: status creating → available",
        f"0.670s  {poll}",
    ]
    offline = _chapter(printed, "2. Volume-backed server, offline")
    assert "frozen" not in offline.split("╯", 1)[1]  # nothing freezes a stopped server
    assert f"     1.504s  {limits}" in offline  # the quota is checked all the same


def test_the_bug_replay_shows_the_bug_on_then_off(demo_tour):
    printed, _ = demo_tour
    bug_on = _chapter(printed, "bug on")
    assert "413 to create_snapshot_force of db/vdb: SnapshotLimitExceeded" in bug_on
    # The replay runs on 17.0.0 (no vendor snapshot_current call before the quiesce).
    assert "▸ guest db: frozen at 0.102 s, still frozen when the run ended" in bug_on
    bug_off = _chapter(printed, "with the fix")
    assert "RPC cast → nova-compute cmp-1: unquiesce_instance" in bug_off
    assert "guest of db: filesystems thawed" in bug_off
    assert "--case bug_off --seed 0" in bug_off


def test_piped_output_is_plain_text(demo_tour):
    printed, _ = demo_tour
    assert "\x1b[" not in printed  # no colour codes or progress bars in a file
    # each chapter's whole introduction is there, wrapped inside its box, not cut at the edge
    boxed = " ".join(
        line.strip("│ ").strip() for line in printed.splitlines() if line.startswith("│")
    )
    for stop in chapters():
        assert " ".join(stop.intro.split()) in " ".join(boxed.split())


def test_a_reader_that_leaves_early_ends_the_demo_quietly(tmp_path, monkeypatch):
    read_end, write_end = os.pipe()
    os.close(read_end)  # `fakecloud demo | head` once head has gone
    saved = os.dup(1)
    broken = os.fdopen(write_end, "w")
    monkeypatch.setattr(sys, "stdout", broken)
    try:
        assert cli(["demo", "--no-pause", "--out", str(tmp_path)]) == 0
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    assert not list(tmp_path.iterdir())  # it stopped at the first line it could not write


def test_a_narrow_terminal_wraps_each_line_under_its_text(image_online):
    """On an 80-column terminal a long milestone or fact goes on under its own text: rich wrapped
    it to the left edge, into the time column (session 38's new user: '     0.016s  ... (QEMU
    guest agent is not' then 'enabled): the snapshot goes on unfrozen' at column 0)."""
    from rich.console import Console

    from fakecloud.views.console import Narrator, facts
    from fakecloud.views.model import read, scenario_meta

    out = io.StringIO()
    terminal = Console(file=out, width=80, force_terminal=False, color_system=None)
    narrator = Narrator(terminal, pace=False)
    run = read(image_online.trace, meta=scenario_meta(image_online))
    narrator.tell(run)
    narrator.summary(list(facts(run)))
    lines = [line.rstrip() for line in out.getvalue().splitlines()]
    told = lines[lines.index(next(x for x in lines if "not quiesced (QEMU" in x)) :]
    assert told[0].startswith("     0.016s  nova-compute cmp-1: web not quiesced (QEMU guest")
    assert told[1] == f"{'':13}enabled): the snapshot goes on unfrozen"
    fact = lines.index("  ▸ 0.016 s  nova-compute cmp-1: web not quiesced: QEMU guest agent is not")
    assert lines[fact + 1] == "    enabled; the snapshot is crash-consistent"
    assert all(len(x) <= 80 and x.startswith(" ") for x in lines[1:])


def test_a_scenario_of_ones_own_is_toured_case_by_case(tmp_path, capsys):
    """A Nova developer with a bug replay could not tour it for a colleague (the tour played
    its five library runs only, on seed or upstream): `fakecloud demo SCENARIO` tells each case,
    the file's header its introduction, and ends each with what the checks found."""
    out = tmp_path / "tour"
    argv = ["demo", "lp1717547_version_property", "--case", "bug_on", "--no-pause"]
    assert cli([*argv, "--out", str(out)]) == 0
    printed = " ".join(capsys.readouterr().out.replace("│", "").split())
    assert "fakecloud — bugs/lp1717547_version_property.yaml" in printed
    assert "1. bug_on (profile nova-18.2.0)" in printed
    assert "LP #1717547, a snapshot image property named `version`" in printed  # the header
    assert "Nova 18.2.0 as released (lp1717547 on)" in printed  # the case's note
    assert (
        "▸ no_orphan_volume_snapshot: volume snapshot db/vda@db-snap: 'snapshot for db-snap' of "
        "volume db/vda (available) is referenced by no image"
    ) in printed
    assert [p.name for p in out.iterdir()] == ["1-bug_on.html"]
    assert cli([*argv, "--profile", "nova-19.0.0", "--out", str(out)]) == 0  # the fix: it fails
    assert "1. bug_on (profile nova-19.0.0)" in capsys.readouterr().out
    for wrong, says in (
        (["demo", "--case", "bug_on"], "--case goes with a SCENARIO"),
        (["demo", "--profile", "nova-18.2.0"], "the tour and --flow run on seed or upstream"),
        ([*argv[:2], "--case", "nope"], "no case 'nope' in lp1717547_version_property"),
        ([*argv, "--profile", "18.2.0"], "did you mean 'nova-18.2.0'?"),
    ):
        assert cli([*wrong, "--out", str(out)]) == 2
        assert says in capsys.readouterr().err


# What a teacher does for "what if the backend were slow": a copy of the library's scenario with
# its Cinder backend's snapshot taking 1.6 s in place of lvm-thin's 0.5 s.
SLOW_BACKEND = """
  config:
    cinder:
      backends: {store: {kind: lvm-thin, snapshot_create_s: 1.6}}
      volume_types: {__DEFAULT__: {backend: store}}
"""


def test_polls_back_to_back_are_told_once_with_their_count_and_interval(tmp_path, capsys):
    """A snapshot that takes 1.6 s: the polls while it is creating fold into one line, then its
    status change, then the poll that sees it and the thaw."""
    library = (SCENARIOS / "flows" / "volume_backed_online.yaml").read_text()
    scenario = tmp_path / "slow_snapshot.yaml"
    scenario.write_text(
        library.replace("  profile: ${profile}\n", "  profile: ${profile}" + SLOW_BACKEND)
    )
    argv = ["demo", str(scenario), "--case", "upstream", "--no-pause", "--out", str(tmp_path)]
    assert cli(argv) == 0
    told = [line.strip() for line in capsys.readouterr().out.splitlines()]
    poll = "nova-compute cmp-1 → cinder-api: get_snapshot (GET /v3/demo/snapshots/db/vda@db-snap)"
    folded = told.index(f"0.666s  {poll}  (×3, every 0.500 s until 1.666s)")
    assert told[folded + 1].startswith("… 1.092 s pass")
    assert told[folded + 2 : folded + 6] == [
        "1.758s  db/vda@db-snap: status creating → available",
        "… 0.408 s pass — frozen 2.114 s",
        f"2.166s  {poll}",
        "2.236s  guest of db: filesystems thawed",
    ]


# docs/faults.md's volume-backed snapshot of a running server whose guest agent never answers
AGENT_HUNG = """
name: agent-hung
cloud:
  config: {nova: {guest_agents: {db: {state: hung}}}}
  images: {cirros: {existing: cirros-0.6.2-x86_64-qga}}
  volumes: {boot: {body: {size: 1, imageRef: "${images.cirros.id}"}}}
  servers:
    db:
      body:
        flavorRef: "1"
        block_device_mapping_v2:
          - {boot_index: 0, uuid: "${volumes.boot.id}", source_type: volume,
             destination_type: volume}
steps:
  - name: snap
    microversion: "2.45"
    request: POST /servers/${servers.db.id}/action
    body: {createImage: {name: snap}}
"""


def test_a_wait_with_no_phase_running_names_who_waits_on_whom(tmp_path, capsys):
    """Session 43's trainer: the five seconds of a hung guest agent read `… 5.002 s pass`, with
    nothing named (no phase is open while nova-api's quiesce call waits); the tour names the
    call it waits on and libvirt's wait for the agent, and a stop's wait the instance action
    under way."""
    scenario = tmp_path / "agent_hung.yaml"
    scenario.write_text(AGENT_HUNG)
    assert cli(["demo", str(scenario), "--no-pause", "--out", str(tmp_path)]) == 0
    told = [line.strip() for line in capsys.readouterr().out.splitlines()]
    quiesce = told.index("0.024s  RPC call → nova-compute cmp-1: quiesce_instance")
    assert told[quiesce + 1] == (
        "… 5.002 s pass — nova-api waits for nova-compute cmp-1 to answer quiesce_instance; "
        "libvirt waits for the guest agent of db (guest-fsfreeze-freeze)"
    )
    assert told[quiesce + 2].startswith("5.026s  guest of db: guest-fsfreeze-freeze failed")


def test_the_tour_names_what_each_quiet_wait_is(demo_tour):
    printed, _ = demo_tour
    offline = _chapter(printed, "2. Volume-backed server, offline")
    assert "… 1.002 s pass — nova-compute cmp-1 runs compute_stop_instance for db" in offline
    assert "… 0.498 s pass — step stopped waits: poll GET /servers/db until it matches" in offline
    assert " pass\n" not in printed  # every wait says what it is
