"""``fakecloud demo``: a guided tour of how OpenStack snapshots a server, in the terminal.

The tour (``make demo``) plays five runs from the scenario library, each narrated as it
unfolds in virtual time (`fakecloud.views.console`), then writes each run's HTML report and
says where they are:

1. an image-backed server, online: extract and upload, the task states;
2. a volume-backed server, offline (no freeze), then 3. online, with its frozen window;
4. the seed build's instance-snapshot branch (createImage from the current snapshot);
5. a production bug replayed, LP #1731986: the bug on (the guest stays frozen), then off.

The runs take virtual seconds and cost milliseconds; the pauses are for people. Without a
terminal (``fakecloud demo | less``) or with ``--no-pause`` the same text comes at once.

    fakecloud demo [--out DIR] [--profile seed|upstream] [--seed N] [--no-pause]
    fakecloud demo SCENARIO [--case ID] [--profile NAME] [--out DIR] [--seed N] [--no-pause]
    fakecloud demo --flow volume-online|volume-offline|image [--trace out.jsonl] [--timeline]

With a scenario (a file, or a library scenario by name) the tour is that scenario's: a chapter
per case, the file's header comment (``# Teaches: ...``) the first one's introduction and each
case's ``note`` its own, narrated and reported as the five stops are: a bug replay of one's own
told to a colleague.

``--flow`` runs one flow on a bare cloud (no scenario) and prints its story, the calls between
services, the state changes and the invariants' verdict.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fakecloud.cli_args import case_argument, comma_list, path_argument
from fakecloud.cloud import Cloud
from fakecloud.errors import ConfigError
from fakecloud.outputs import new_folder_problem, output_problem
from fakecloud.views.timeline import sequence, state_changes, story, timeline

FLOWS = ("volume-online", "volume-offline", "image")
IMAGE_NAME = "cirros-0.6.2-x86_64-qga"


@dataclass(frozen=True)
class Chapter:
    """One stop of the tour: a case of a library scenario, and what it teaches."""

    slug: str
    title: str
    scenario: str
    case: str
    intro: str


def chapters(profile: str = "seed") -> list[Chapter]:
    """The tour's stops (the flows on `profile`; the branch and the bug on the seed build)."""
    # The seed's createImage first makes an RPC call no upstream Nova makes (its vendor
    # branch): said where a student first meets it, not three chapters later.
    vendor = (
        " (The seed build's nova-api first asks the host for the server's current instance "
        "snapshot, snapshot_current: a call of its vendor branch that upstream Nova never "
        "makes; chapter 4 shows it.)"
        if profile == "seed"
        else ""
    )
    stops = [
        Chapter(
            "image-online",
            "Image-backed server, online",
            "flows/image_backed_online.yaml",
            profile,
            "A running server whose disk is a file on its compute host. nova-api creates the "
            "image in Glance (queued), sets task_state image_snapshot_pending and answers 202; "
            "the host copies the live disk (libvirt's blockRebase mirror, then qemu-img "
            "convert) and uploads it to Glance, walking task_state image_snapshot → "
            "image_pending_upload → image_uploading → none (the first image_uploading turns "
            "straight back: libvirt's driver tries a direct snapshot first, which only a Ceph "
            "disk can take). The guest is never paused." + vendor,
        ),
        Chapter(
            "volume-offline",
            "Volume-backed server, offline",
            "flows/volume_backed_offline.yaml",
            profile,
            "A stopped server booted from a Cinder volume. No guest runs, so nothing is frozen: "
            "nova-api checks Cinder's limits first (a snapshot of each volume must fit in the "
            "project's quota: get_absolute_limits), asks Cinder for a snapshot of each volume "
            "(with force: they are attached) and registers a zero-byte image whose block device "
            "mapping points at them.",
        ),
        Chapter(
            "volume-online",
            "Volume-backed server, online: the frozen window",
            "flows/volume_backed_online.yaml",
            profile,
            "The same server, running. After the same quota check, nova-api has the guest agent "
            "freeze the filesystems (quiesce) so the snapshot is consistent, snapshots each "
            "volume and casts the thaw; "
            "the host polls Cinder every 0.5 s until the snapshots are done, then thaws. While "
            "the window is open every write inside the guest waits.",
        ),
    ]
    if profile == "seed":
        stops.append(
            Chapter(
                "instance-snapshot-branch",
                "The seed build's instance-snapshot branch",
                "flows/instance_snapshot_branch.yaml",
                "current",
                "The vendor build this project starts from keeps per-server instance snapshots. "
                "createImage first asks the host for the current one (snapshot_current, an RPC "
                "call); when there is one the image is uploaded from it, with no new extract.",
            )
        )
    stops += [
        Chapter(
            "lp1731986-bug-on",
            "A production bug replayed: LP #1731986, bug on",
            "bugs/lp1731986_thaw_on_snapshot_failure.yaml",
            "bug_on",
            "Two volumes and a quota of one Cinder snapshot. Cinder refuses the second snapshot "
            "(413) and nova-api answers 403 — but the code before the fix never thaws the "
            "guest: it stays frozen, and every write inside it hangs.",
        ),
        Chapter(
            "lp1731986-bug-off",
            "The same replay with the fix switched on (17.0.1's)",
            "bugs/lp1731986_thaw_on_snapshot_failure.yaml",
            "bug_off",
            "Same scenario, same seed, Nova 17.0.0 with the fix alone switched on (17.0.1 as "
            "released also checks the quota first, refusing before any freeze). The fix casts an "
            "unquiesce with the partial mapping before re-raising, so the guest is thawed right "
            "after the failure. The first volume's snapshot is still left behind, holding the "
            "quota: that half is open upstream too.",
        ),
    ]
    return stops


# -- the tour ---------------------------------------------------------------------------------


def tour(
    out_dir: Path,
    profile: str = "seed",
    seed: int | None = None,
    pace: bool | None = None,
    console: Any = None,
    stops: list[tuple[Chapter, Any]] | None = None,
) -> list[Path]:
    """Play every chapter on `console` (a rich Console; default: the terminal), then write
    the HTML reports into `out_dir`; their paths. `stops` (`scenario_stops`) replaces the
    library's five with a scenario's cases."""
    from fakecloud.scenario import library
    from fakecloud.scenario.runner import run_case
    from fakecloud.views.console import Narrator, facts, make_console
    from fakecloud.views.html import render_html
    from fakecloud.views.model import read, scenario_meta

    if console is None:
        console = make_console()
    narrator = Narrator(console, pace)
    about = stops[0][1].file if stops else "how OpenStack snapshots a server"
    console.rule(f"[bold]fakecloud — {about}")
    narrator.note(
        "Each run below is a whole simulated cloud (Nova, Cinder, Glance, Keystone) on one "
        "virtual clock. Times are virtual seconds from the scenario's first step.",
        style="",
    )
    if stops is None:
        base = library.root()
        if base is None:
            raise DemoError("the tour plays the scenario library, and this fakecloud has none")
        stops = [
            (stop, _load_stop(base, stop.scenario).case(stop.case)) for stop in chapters(profile)
        ]
    written = []
    for number, (stop, case) in enumerate(stops, 1):
        narrator.chapter(number, stop.title, stop.intro)
        result = run_case(case, seed=seed)
        run = read(result.trace, meta=scenario_meta(result))
        narrator.tell(run)
        verdict = "all expectations hold" if result.passed else "expectations FAILED"
        narrator.summary([*facts(run), (f"{verdict}; replay: {result.replay_command()}", "")])
        out_dir.mkdir(parents=True, exist_ok=True)
        path = out_dir / f"{number}-{stop.slug}.html"
        path.write_text(render_html(run), encoding="utf-8")
        written.append((stop.title, path.resolve()))
    console.print()
    console.rule("[bold]the reports: open them in a browser (they need no network)")
    for title, path in written:
        console.print(f"  {title}", style="bold")
        console.print(f"    {path.as_uri()}", soft_wrap=True, style="cyan")
    return [path for _, path in written]


def scenario_stops(
    name: str, cases: list[str] | None = None, profile: str | None = None
) -> list[tuple[Chapter, Any]]:
    """The tour of the scenario `name` (a file, or a library scenario): a chapter per case (or
    per case of `cases`), on `profile` in place of the file's when given. The first chapter is
    introduced by the file's header comment, each by its case's ``note``."""
    from fakecloud.scenario import library
    from fakecloud.scenario.cli_commands import _load_file_or_library
    from fakecloud.scenario.loader import load

    scenario = _load_file_or_library(name, load)
    picked = [c for c in scenario.cases if not cases or c.id in cases]
    missing = [c for c in cases or () if c not in {case.id for case in scenario.cases}]
    if missing:
        known = ", ".join(c.id for c in scenario.cases)
        raise DemoError(f"no case {missing[0]!r} in {name}; cases: {known}")
    header = library.header(Path(picked[0].path)) if picked[0].path else ""
    stops = []
    for i, case in enumerate(picked):
        if profile:
            case = case.on_profile(profile)
        intro = " ".join(part for part in (header if i == 0 else "", case.note) if part)
        intro = intro or str((case.doc or {}).get("description") or "")
        about = case.id if case.id != "default" else (case.name or case.file)
        chapter = Chapter(
            case.id, f"{about} (profile {case.cloud.profile})", case.file, case.id, intro
        )
        stops.append((chapter, case))
    return stops


def _load_stop(base: Path, scenario: str) -> Any:
    """The library scenario `scenario`, named for its replay command: relative to the working
    directory in a clone, else to the library (an installed fakecloud's site-packages path
    was a replay command to copy; ``fakecloud run bugs/...yaml`` finds it anywhere)."""
    from fakecloud.scenario.loader import load

    shown = _shown_path(base / scenario)
    return load(base / scenario, root_dir=base) if Path(shown).is_absolute() else load(shown)


def _shown_path(path: Path) -> str:
    """`path` relative to the working directory when it is under it (for replay commands)."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


# -- one flow on a bare cloud -----------------------------------------------------------------


@dataclass
class DemoRun:
    """A finished demo: the cloud, the story's events, and readable names for its ids."""

    cloud: Cloud
    events: list[dict[str, Any]]
    aliases: dict[str, str]


class DemoError(RuntimeError):
    """A step of the demo did not answer as the flow expects."""


def _ok(response: Any, step: str, *expected: int) -> Any:
    if response.status not in expected:
        raise DemoError(f"{step}: HTTP {response.status} {response.json()}")
    return response.json()


def _server_state(cloud: Cloud, server_id: str) -> str:
    body = _ok(cloud.request("compute", "GET", f"/v2.1/servers/{server_id}"), "show server", 200)
    return body["server"]["status"]


def run_flow(flow: str = "volume-online", profile: str = "seed", seed: int = 0) -> DemoRun:
    """Boot a server for `flow`, snapshot it with createImage, wait until the cloud is idle."""
    if flow not in FLOWS:
        raise DemoError(f"unknown flow {flow!r}; flows are {', '.join(FLOWS)}")
    cloud = Cloud(seed=seed, profile=profile)
    found = _ok(cloud.request("image", "GET", f"/v2/images?name={IMAGE_NAME}"), "find image", 200)
    image_id = found["images"][0]["id"]
    server: dict[str, Any] = {"name": "demo-server", "flavorRef": "1", "networks": "none"}
    if flow.startswith("volume"):
        server["block_device_mapping_v2"] = [
            {
                "boot_index": 0,
                "uuid": image_id,
                "source_type": "image",
                "destination_type": "volume",
                "volume_size": 1,
                "delete_on_termination": True,
            }
        ]
        server["imageRef"] = ""
    else:
        server["imageRef"] = image_id
    created = _ok(
        cloud.request(
            "compute", "POST", "/v2.1/servers", body={"server": server}, microversion="2.37"
        ),
        "boot server",
        202,
    )
    server_id = created["server"]["id"]
    cloud.run_until_idle()
    if flow == "volume-offline":
        _ok(
            cloud.request(
                "compute", "POST", f"/v2.1/servers/{server_id}/action", body={"os-stop": None}
            ),
            "stop server",
            202,
        )
        cloud.run_until_idle()
    state = _server_state(cloud, server_id)
    cloud.trace.emit("note", "demo", server_id, text=f"the server is {state}: createImage now")
    answer = _ok(
        cloud.request(
            "compute",
            "POST",
            f"/v2.1/servers/{server_id}/action",
            body={"createImage": {"name": "demo-snapshot", "metadata": {"purpose": "demo"}}},
            microversion="2.45",
        ),
        "createImage",
        202,
    )
    cloud.run_until_idle()
    start = cloud.trace.first(kind="api.request", subject="POST /v2.1/servers")
    events = list(cloud.trace)[start["seq"] :]
    return DemoRun(cloud, events, _aliases(cloud, server_id, answer["image_id"], image_id))


def _aliases(cloud: Cloud, server_id: str, snapshot_image_id: str, image_id: str) -> dict:
    """Readable names for the ids of the run, read from the services' own records."""
    aliases = {server_id: "server", snapshot_image_id: "snapshot-image", image_id: IMAGE_NAME}
    for n, vol in enumerate(cloud.cinder.store.volumes.values(), 1):
        aliases[vol.id] = f"volume-{n}"
    for n, snap in enumerate(cloud.cinder.store.snapshots.values(), 1):
        aliases[snap.id] = f"volume-snapshot-{n}"
    for n, attachment in enumerate(cloud.cinder.store.attachments.values(), 1):
        aliases[attachment.id] = f"attachment-{n}"
    return aliases


def _print_flow(args: argparse.Namespace) -> int:
    try:
        run = run_flow(args.flow, args.profile, args.seed or 0)
    except DemoError as exc:
        print(f"fakecloud demo: {exc}", file=sys.stderr)
        return 1
    from fakecloud.views.width import output_width

    width = output_width()  # the terminal's, or a fixed width in a pipe: rows wrap, never cut
    title = f"fakecloud demo — {args.flow} snapshot, profile {args.profile}, seed {args.seed or 0}"
    print(title)
    print("=" * len(title))
    print("\n== the story (virtual time) ==")
    cloud, events, aliases = run.cloud, run.events, run.aliases
    print(story(events, aliases, width=width))
    print("\n== calls between services ==")
    print(sequence(events, aliases, width=width))
    print("\n== state changes ==")
    print(state_changes(events, aliases, width=width))
    if args.timeline:
        print("\n== every event ==")
        print(timeline(cloud.trace, width=width))
    violations = cloud.check_invariants()
    print("\n== invariants ==")
    print("all hold" if not violations else "\n".join(map(str, violations)))
    print(f"\nvirtual time: {cloud.now:.3f} s; trace: {len(cloud.trace)} events")
    if args.trace:
        try:
            cloud.trace.to_jsonl(args.trace)
        except OSError as exc:
            raise DemoError(f"cannot write {args.trace}: {exc.strerror}") from None
        print(f"trace written to {args.trace} (fakecloud report {args.trace})")
    return 0 if not violations else 1


def _tour_profile(profile: str | None) -> str:
    """The tour's and a flow's profile: seed (the default) or upstream."""
    if profile in (None, "seed", "upstream"):
        return profile or "seed"
    raise DemoError(
        f"--profile {profile}: the tour and --flow run on seed or upstream; a scenario of "
        "yours on any release: fakecloud demo SCENARIO --profile NAME"
    )


def main(argv: list[str] | None = None) -> int:
    """Run the tour (or one ``--flow``); the exit status."""
    p = argparse.ArgumentParser(
        prog="fakecloud demo",
        description="A guided tour of how OpenStack snapshots a server, in the terminal.",
    )
    p.add_argument(
        "scenario",
        nargs="?",
        metavar="SCENARIO",
        type=path_argument,
        help="tour this scenario instead (a file or a library scenario name): a chapter per case",
    )
    p.add_argument(
        "--case",
        action="append",
        metavar="ID",
        type=case_argument,
        help="with SCENARIO: only these cases (repeatable or comma-separated)",
    )
    p.add_argument("--flow", choices=FLOWS, help="show one flow on a bare cloud instead")
    p.add_argument(
        "--profile",
        help="the behaviour profile of the flows: seed (the default, the vendor Queens build; "
        "the instance-snapshot branch and the bug replay always run on seed) or upstream; with "
        "SCENARIO any profile (nova-X.Y.Z), in place of the file's",
    )
    p.add_argument("--seed", type=int, help="seed of every run (default: each scenario's)")
    p.add_argument(
        "--out",
        default="fakecloud-demo",
        type=path_argument,
        help="where the tour writes its reports (default fakecloud-demo)",
    )
    p.add_argument("--no-pause", action="store_true", help="tell everything at once")
    p.add_argument(
        "--trace",
        metavar="OUT.jsonl",
        type=path_argument,
        help="--flow: also write the whole trace",
    )
    p.add_argument("--timeline", action="store_true", help="--flow: print every trace event too")
    args = p.parse_args(argv)
    from fakecloud.scenario.errors import ScenarioError

    try:
        problem = args.trace and output_problem(args.trace)
        if problem:
            raise DemoError(f"cannot write {args.trace}: {problem}")
        if not args.flow and (args.trace or args.timeline):  # the tour ignored them silently
            raise DemoError(
                "--trace and --timeline go with --flow; the tour writes each run's report in "
                "--out (fakecloud run --trace writes a library scenario's trace)"
            )
        if not args.flow and Path(args.out).exists() and not Path(args.out).is_dir():
            raise DemoError(f"--out {args.out} is a file, not a folder")
        problem = not args.flow and new_folder_problem(args.out)
        if problem:  # found by the first report's mkdir, after the first chapter had played
            raise DemoError(f"--out {args.out}: {problem}")
        if args.flow:
            args.profile = _tour_profile(args.profile)
            return _print_flow(args)
        stops = None
        if args.scenario:
            stops = scenario_stops(args.scenario, comma_list(args.case), args.profile)
        elif args.case:
            raise DemoError("--case goes with a SCENARIO: fakecloud demo FILE --case ID")
        else:
            args.profile = _tour_profile(args.profile)
        tour(
            Path(args.out),
            args.profile,
            args.seed,
            pace=False if args.no_pause else None,
            stops=stops,
        )
    except (ScenarioError, ConfigError, LookupError) as exc:
        print(f"fakecloud demo: {exc}", file=sys.stderr)
        return 2
    except DemoError as exc:
        print(f"fakecloud demo: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader left (`fakecloud demo | head`): stop quietly, as a pipeline expects.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0
