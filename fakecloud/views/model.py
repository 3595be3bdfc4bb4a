"""A trace read once into what every picture of it shows: lanes, phases, markers, messages.

    run = read(events)            # events: a Trace, or the dicts of a JSONL file
    run.lanes                     # ["client", "nova-api", "nova-compute:cmp-1", ...]
    run.bars                      # phases: quiesce, frozen window, thaw, Cinder snapshots
                                  #   creating, each transfer (extract, upload) with its rate
    run.markers                   # state changes, scenario steps, and failures (faults in red)
    run.messages                  # the sequence: user requests, internal REST calls, RPC

**Time zero** is the scenario's: the ``scenario.start`` event a scenario run writes when its
set-up is done (``fakecloud run`` counts step times from there too). Everything before it is
*set-up* (`setup` true on each item): the views fold it away and show it on demand. A trace
with no such event starts at zero and has no set-up.

**Names** replace ids everywhere (`fakecloud.views.names`); each item keeps the ids it shows in
`ids`, for a hover.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from fakecloud.humanize import detail
from fakecloud.views import lanes
from fakecloud.views.bandwidth import Usage, bandwidth
from fakecloud.views.names import Names

#: The state machines whose changes are markers (guest freezes are phases instead).
_MARKED_MACHINES = (
    "nova.instance.task_state",
    "nova.instance.vm_state",
    "snapshot.status",
    "glance.image.status",
    "nova.instance_snapshot.status",
    "volume.status",
    "backup.status",
)
#: Friendlier names of transfer labels.
TRANSFER_NAMES = {
    "libvirt.blockRebase": "extract (blockRebase)",
    "qemu-img convert": "extract (qemu-img convert)",
    "libvirt.snapshotCreateXML": "instance snapshot (snapshotCreateXML)",
    "libvirt.managedSave": "managed save (memory to disk)",
    "libvirt.restore": "restore (memory from disk)",
    "libvirt.copy_image": "disk copy to the destination (resize, migrate)",
    "rbd.flatten": "RBD flatten",
    "glance.upload": "upload to Glance",
    "glance.download": "download from Glance",
    "cinder.image_download": "image download",
    "cinder.clone_volume": "volume clone",
    "cinder.copy_snapshot": "snapshot copy",
    "cinder.copy_snapshot_to_volume": "snapshot to volume copy",
    "cinder.clear_volume": "volume wipe",
    "cinder.clear_snapshot": "snapshot wipe",
    "cinder.backup_create": "backup to the backup store",
    "cinder.backup_restore": "restore from the backup store",
}
#: The RPC events that are failures: a call that timed out, a message no queue took, a call
#: that expired in a stopped service's queue, a message waiting there for the service.
RPC_FAILURE_KINDS = ("rpc.timeout", "rpc.lost", "rpc.expired", "rpc.queued")
#: Event kinds that are failures, drawn in red.
FAILURE_KINDS = frozenset(
    {
        "fault",
        "io.fail",
        "rpc.timeout",
        "rpc.lost",
        "rpc.expired",
        "rpc.queued",
        "api.error",
        "nova.fault",
        "cinder.error",
        "glance.import.fail",
    }
)


#: Nova's words when it snapshots a guest it could not quiesce (no guest agent, a driver that
#: cannot): nova/compute/api.py snapshot_volume_backed and nova/virt/libvirt/driver.py
#: _live_snapshot log them at INFO and go on, so the snapshot is crash-consistent, which no
#: status, fault or answer shows.
QUIESCE_SKIPPED = "Skipping quiescing instance"


def acts_on(e: dict[str, Any], names: Any) -> str:
    """`` of <volume>`` for a request between services whose body names the volume it acts on
    (Nova's ``create_snapshot_force``: its path, ``POST /v3/<project>/snapshots``, names none,
    `fakecloud.sim.calls`), else nothing: two snapshots asked at once read as two calls."""
    volume = e.get("volume_id")
    return "" if volume is None else f" of {names.get(str(volume))}"


def quiesce_skipped(e: dict[str, Any]) -> str | None:
    """Why a ``log`` event says a guest is snapshot unquiesced (Nova's reason), or None."""
    message = e.get("message")
    if e["kind"] != "log" or not isinstance(message, str):
        return None
    if not message.startswith(QUIESCE_SKIPPED):
        return None
    return message[len(QUIESCE_SKIPPED) :].lstrip(":").strip().rstrip(".")


@dataclass
class Bar:
    """A phase on a lane, from `start` to `end` (virtual seconds, scenario time)."""

    lane: str
    start: float
    end: float
    label: str
    kind: str
    detail: str = ""
    failed: bool = False
    open: bool = False
    setup: bool = False
    ids: list[str] = field(default_factory=list)
    size: float = 0.0  # bytes moved, for a transfer


@dataclass
class Marker:
    """One moment on a lane: a state change, a step, a fault, a failure, or a warning (what
    went on quietly, as a snapshot of a guest Nova could not quiesce)."""

    lane: str
    t: float
    label: str
    kind: str
    detail: str = ""
    seq: int = 0
    setup: bool = False
    ids: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        """Whether this marker is a failure (drawn in red)."""
        return self.kind in ("fault", "failure")


@dataclass
class Message:
    """One arrow of the sequence diagram, from lane `src` to lane `dst`."""

    seq: int
    t: float
    src: str
    dst: str
    label: str
    style: str  # request | response | call | cast | reply
    failed: bool = False
    detail: str = ""
    setup: bool = False
    count: int = 1
    ids: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Found:
    """One check of a scenario run that found something broken: an expectation that failed, or
    an invariant a bug replay expects broken (``expect.violated``: the bad end state it shows),
    and its details as the run reported them (with ids, which the views name)."""

    what: str
    details: tuple[str, ...]
    expected: bool


@dataclass
class Meta:
    """What the run was: scenario file and case, seed, profile, bugs, the replay command."""

    scenario: str = ""
    case: str = ""
    description: str = ""
    seed: Any = None
    profile: str = ""
    bugs: list[str] = field(default_factory=list)
    replay: str = ""
    found: list[Found] = field(default_factory=list)
    """What the run's checks found broken (a scenario run only; a trace carries no checks)."""

    @property
    def title(self) -> str:
        """A one-line title."""
        if not self.scenario:
            return "a scenario run" if self.seed is not None else "fakecloud trace"
        return self.scenario + (f" :: {self.case}" if self.case and self.case != "default" else "")


@dataclass
class Run:
    """A trace read for the views (see the module docstring)."""

    events: list[dict[str, Any]]
    names: Names
    meta: Meta
    t0: float
    t0_seq: int
    start: float
    end: float
    lanes: list[str]
    bars: list[Bar]
    markers: list[Marker]
    messages: list[Message]
    usage: dict[str, Usage]

    def rel(self, t: float) -> float:
        """Scenario time of virtual time `t`."""
        return t - self.t0

    def lane_label(self, lane: str) -> str:
        """The title of a lane."""
        return lanes.label(lane, self.names)

    def is_setup(self, event: dict[str, Any]) -> bool:
        """Whether `event` happened during set-up."""
        return event["seq"] < self.t0_seq


def read(
    events: Iterable[dict[str, Any]],
    names: Mapping[str, str] | None = None,
    meta: Meta | None = None,
) -> Run:
    """Read a trace (any iterable of event dicts, in order) into a `Run`; `meta` says what
    scenario it is a run of (a trace gives only its seed, profile and bugs)."""
    evs = list(events)
    found = Names.from_events(evs, names)
    recorded, t0, t0_seq = _meta(evs)
    meta = meta or recorded
    reader = _Reader(found, t0, t0_seq)
    for e in evs:
        reader.feed(e)
    end = evs[-1]["t"] if evs else 0.0
    reader.close(end)
    used = {b.lane for b in reader.bars} | {m.lane for m in reader.markers}
    used |= {m.src for m in reader.messages} | {m.dst for m in reader.messages}
    used.discard("?")
    return Run(
        events=evs,
        names=found,
        meta=meta,
        t0=t0,
        t0_seq=t0_seq,
        start=evs[0]["t"] if evs else 0.0,
        end=end,
        lanes=sorted(used, key=lanes.rank),
        bars=reader.bars,
        markers=reader.markers,
        messages=reader.messages,
        usage=bandwidth(evs),
    )


def _meta(events: list[dict[str, Any]]) -> tuple[Meta, float, int]:
    for e in events:
        if e["kind"] == "scenario.start":
            meta = Meta(
                seed=e.get("seed"),
                profile=str(e.get("profile") or ""),
                bugs=list(e.get("bugs") or []),
            )
            return meta, e["t"], e["seq"]
    return Meta(), 0.0, 0


def scenario_meta(result: Any) -> Meta:
    """What a scenario run (a `fakecloud.scenario.runner.CaseResult`) was a run of."""
    case = result.case
    doc = case.doc if isinstance(case.doc, dict) else {}
    return Meta(
        scenario=case.file,
        case=case.id,
        description=str(doc.get("description") or ""),
        seed=result.seed,
        profile=case.cloud.profile,
        bugs=list(case.cloud.bugs),
        replay=result.replay_command(),
        found=[
            Found(check.what, tuple(check.details), bool(check.ok))
            for check in result.checks
            if check.ok is False or (check.ok and check.what.startswith("violated "))
        ],
    )


def mb(nbytes: Any) -> str:
    """Bytes as MB (10^6), as people read sizes."""
    value = float(nbytes or 0) / 1e6
    return f"{value:,.1f} MB" if value < 10_000 else f"{value / 1000:,.1f} GB"


def rate(bytes_per_s: float) -> str:
    """A throughput as MB/s."""
    return f"{bytes_per_s / 1e6:,.1f} MB/s"


def rpc_timeout_label(e: dict[str, Any]) -> str:
    """What an ``rpc.timeout`` event says as the call's answer: ``quiesce_instance: no reply
    in 60 s (timeout)``."""
    timeout = e.get("timeout_s")
    within = f" in {timeout:g} s" if isinstance(timeout, (int, float)) else ""
    return f"{e.get('method')}: no reply{within} (timeout)"


#: The shortest RPC call wait the timeline draws as a bar (a quiesce call's 60 s is drawn, the
#: usual millisecond round trip is not: its arrows say it).
LONG_WAIT_S = 1.0


def rpc_waits(run: Run, setup: bool = False) -> list[Bar]:
    """The caller's wait on each RPC call of `run` that lasted `LONG_WAIT_S` or more, a bar on
    the caller's lane from the call to its reply (failed: an error reply or the timeout; open:
    no answer by the end of the trace). A call is answered in order per target and method."""
    waiting: dict[tuple[str, str], list[tuple[dict[str, Any], Bar]]] = {}
    waits = []
    for e in run.events:
        kind = e["kind"]
        if kind not in ("rpc.call", "rpc.reply", "rpc.timeout"):
            continue
        key = (str(e["subject"]), str(e.get("method")))
        if kind == "rpc.call":
            lane = lanes.rpc_sender(*key)
            bar = Bar(lane, run.rel(e["t"]), run.rel(e["t"]), f"waits on {key[1]}", "wait",
                      setup=e["seq"] < run.t0_seq, open=True)  # fmt: skip
            waiting.setdefault(key, []).append((e, bar))
            continue
        calls = waiting.get(key)
        if not calls:
            continue
        _, bar = calls.pop(0)
        bar.end, bar.open = run.rel(e["t"]), False
        bar.failed = kind == "rpc.timeout" or not e.get("ok", True)
        answer = "no reply (timeout)" if kind == "rpc.timeout" else "its reply"
        bar.detail = f"{bar.lane} waits on the {key[1]} call to {key[0]}: {answer} after " \
            f"{seconds(bar.end - bar.start)}"  # fmt: skip
        waits.append(bar)
    for calls in waiting.values():
        for _, bar in calls:
            bar.end = max(bar.start, run.rel(run.end))
            bar.detail = f"{bar.lane} waits on the {bar.label[9:]} call: no answer by the end"
            bar.label += " (unfinished)"
            waits.append(bar)
    return [
        b for b in waits if (setup or not b.setup) and (b.open or b.end - b.start >= LONG_WAIT_S)
    ]


def seconds(s: float) -> str:
    """A duration as people read it: ms below a second."""
    return f"{s * 1000:.0f} ms" if abs(s) < 1 else f"{s:,.3f} s"


class _Reader:
    """One pass over the events, building bars, markers and messages."""

    bars: list[Bar]
    markers: list[Marker]
    messages: list[Message]
    _frozen: dict[str, Bar]
    _snapshots: dict[str, Bar]
    _transfers: dict[str, list[Bar]]
    _hosts: dict[str, str]

    def __init__(self, names: Names, t0: float, t0_seq: int):
        self.names = names
        self.t0 = t0
        self.t0_seq = t0_seq
        self.bars = []
        self.markers = []
        self.messages = []
        self._frozen = {}
        self._snapshots = {}
        self._transfers = {}
        self._hosts = {}  # server id -> its compute host

    # -- helpers ------------------------------------------------------------------------------

    def _setup(self, e: dict[str, Any]) -> bool:
        return e["seq"] < self.t0_seq

    def _t(self, t: float) -> float:
        return t - self.t0

    def _mark(self, e: dict[str, Any], lane: str, label: str, kind: str, detail: str = "") -> None:
        self.markers.append(
            Marker(
                lane,
                self._t(e["t"]),
                label,
                kind,
                detail or self._detail(e),
                e["seq"],
                self._setup(e),
                self.names.ids_in(e.get("subject")),
            )
        )

    def _detail(self, e: dict[str, Any]) -> str:
        parts = [f"{e['kind']} by {e.get('actor')}", self.names.text(e.get("subject"))]
        for key, value in e.items():
            if key not in ("t", "seq", "kind", "actor", "subject", "traceback"):
                parts.append(f"{key}={self.names.text(detail(key, value, self.t0))}")
        return "\n".join(parts)

    def _message(
        self, e: dict[str, Any], src: str, dst: str, label: str, style: str, failed: bool = False
    ) -> None:
        self.messages.append(
            Message(
                e["seq"],
                self._t(e["t"]),
                src,
                dst,
                label,
                style,
                failed,
                self._detail(e),
                self._setup(e),
                ids=self.names.ids_in(e.get("subject")),
            )
        )

    def _guest(self, e: dict[str, Any]) -> str:
        server = str(e["subject"])
        host = e.get("host") or str(e.get("actor", "")).partition(":")[2]
        self._hosts[server] = host
        return lanes.guest_lane(host, server)

    # -- the events ---------------------------------------------------------------------------

    def feed(self, e: dict[str, Any]) -> None:
        kind = e["kind"]
        handler = _HANDLERS.get(kind)
        if handler is not None:
            handler(self, e)
        elif kind in FAILURE_KINDS:
            self._failure(e)
        elif kind == "log" and e.get("level") in ("error", "critical"):
            self._mark(e, lanes.of_actor(e.get("actor")), "error", "failure", e.get("message", ""))
        elif kind == "log":
            reason = quiesce_skipped(e)
            if reason is not None:
                label = f"{self.names.get(str(e['subject']))} not quiesced: {reason}"
                self._mark(e, lanes.of_actor(e.get("actor")), label, "warning")

    def _api_request(self, e: dict[str, Any]) -> None:
        user = e.get("user") or "(no token)"
        label = f"{user}: {self.names.text(e['subject'])}"
        self._message(e, lanes.CLIENT, lanes.of_actor(e["actor"]), label, "request")

    def _api_response(self, e: dict[str, Any]) -> None:
        status = e.get("status")
        failed = status is None or status >= 400
        self._message(e, lanes.of_actor(e["actor"]), lanes.CLIENT, str(status), "response", failed)
        if failed and not self._setup(e):
            lane = lanes.of_actor(e["actor"])
            what = self.names.text(e["subject"])
            self._mark(e, lane, f"{status} {what}", "failure")

    def _http_request(self, e: dict[str, Any]) -> None:
        label = f"{e.get('call')}{acts_on(e, self.names)}: {self.names.text(e['subject'])}"
        self._message(
            e, lanes.of_actor(e["actor"]), lanes.of_actor(e.get("callee")), label, "request"
        )

    def _http_response(self, e: dict[str, Any]) -> None:
        status = e.get("status")
        failed = status is None or status >= 400
        label = str(status) if status is not None else "no answer"
        if failed and e.get("error"):
            label += f" {self.names.text(e['error'])}"
        src, dst = lanes.of_actor(e.get("callee")), lanes.of_actor(e["actor"])
        self._message(e, src, dst, label, "response", failed)
        if failed:
            answer = status if status is not None else "no answer"
            call = f"{e.get('call')}{acts_on(e, self.names)}"
            self._mark(e, dst, f"{answer} from {src}: {call}", "failure")

    def _token_rejected(self, e: dict[str, Any]) -> None:
        # the middleware's reason, beside the 401 it answers (or, at the door, in its place)
        label = f"token refused: {e.get('reason')} ({self.names.text(e.get('subject'))})"
        self._mark(e, lanes.of_actor(e["actor"]), label, "failure")

    def _rpc(self, e: dict[str, Any]) -> None:
        target, method = str(e["subject"]), str(e.get("method"))
        sender = lanes.rpc_sender(target, method)
        style = e["kind"][4:]
        if style == "reply":
            ok = e.get("ok", True)
            label = f"{method} reply" + ("" if ok else " (error)")
            self._message(e, lanes.of_actor(target), sender, label, "reply", not ok)
        else:
            self._message(e, sender, lanes.of_actor(target), method, style)

    def _rpc_timeout(self, e: dict[str, Any]) -> None:
        """A call that got no reply: the caller's timeout drawn as the call's failed answer
        (as an HTTP request's "no answer"), beside its red marker on the target's lane; the
        sequence showed a call and then, 60 s on, the API's 500 with nothing between."""
        target, method = str(e["subject"]), str(e.get("method"))
        sender = lanes.rpc_sender(target, method)
        self._message(e, lanes.of_actor(target), sender, rpc_timeout_label(e), "reply", True)
        self._failure(e)

    def _state(self, e: dict[str, Any]) -> None:
        machine = str(e.get("machine", ""))
        subject = str(e["subject"])
        new = e.get("new")
        if machine == "snapshot.status":
            self._snapshot(e, subject, new)
        if not machine.startswith(_MARKED_MACHINES):
            return
        field_ = e.get("field") or "status"
        name = self.names.get(subject)
        value = "none" if new is None else new
        label = f"{name} {value}" if field_ == "status" else f"{name} {field_}={value}"
        self._mark(e, lanes.of_actor(e.get("actor")), label, "state")

    def _snapshot(self, e: dict[str, Any], subject: str, new: Any) -> None:
        if new == "creating" and subject not in self._snapshots:
            bar = Bar(
                lanes.of_actor(e.get("actor")),
                self._t(e["t"]),
                self._t(e["t"]),
                f"{self.names.get(subject)} creating",
                "snapshot",
                setup=self._setup(e),
                ids=[subject],
                open=True,
            )
            self._snapshots[subject] = bar
            self.bars.append(bar)
        elif subject in self._snapshots and new != "creating":
            bar = self._snapshots.pop(subject)
            bar.end, bar.open = self._t(e["t"]), False
            bar.lane = lanes.of_actor(e.get("actor"))
            bar.failed = new == "error"
            took = seconds(bar.end - bar.start)
            bar.detail = f"Cinder snapshot {self.names.get(subject)}: creating → {new} in {took}"

    def _freeze(self, e: dict[str, Any]) -> None:
        lane = self._guest(e)
        t, asked = self._t(e["t"]), self._t(e.get("requested_at", e["t"]))
        server = self.names.get(e["subject"])
        ids = [str(e["subject"])]
        if asked < t:
            self.bars.append(
                Bar(
                    lane,
                    asked,
                    t,
                    "quiesce",
                    "quiesce",
                    f"fsfreeze of {server}",
                    ids=ids,
                    setup=self._setup(e),
                )
            )
        bar = Bar(
            lane,
            t,
            t,
            "frozen",
            "frozen",
            f"{server}'s filesystems frozen",
            open=True,
            setup=self._setup(e),
            ids=ids,
        )
        self._frozen[lane] = bar
        self.bars.append(bar)

    def _agent_error(self, e: dict[str, Any]) -> None:
        # a failed freeze is why Nova went on unquiesced (or answered 409, the quiesce
        # required), a failed thaw why a guest stays frozen: a failure on the guest's lane
        label = f"{e.get('command')} failed"
        self._mark(e, self._guest(e), label, "failure")

    def _thaw(self, e: dict[str, Any]) -> None:
        lane = self._guest(e)
        t, asked = self._t(e["t"]), self._t(e.get("requested_at", e["t"]))
        bar = self._frozen.pop(lane, None)
        if bar is not None:
            bar.end, bar.open = max(bar.start, min(asked, t)), False
            bar.label = f"frozen {seconds(t - bar.start)}"
            bar.detail += f" for {seconds(t - bar.start)} (until the thaw completed)"
        if asked < t:
            self.bars.append(
                Bar(
                    lane,
                    asked,
                    t,
                    "thaw",
                    "thaw",
                    f"fsfreeze-thaw of {self.names.get(e['subject'])}",
                    ids=[str(e["subject"])],
                    setup=self._setup(e),
                )
            )

    def _io_start(self, e: dict[str, Any]) -> None:
        path = [str(r) for r in e.get("path") or []]
        owners = []
        for r in path:
            lane = lanes.lane_of_resource(r)
            if lane not in owners and not (lane == "io:cinder-image-download" and len(path) > 1):
                owners.append(lane)
        label = TRANSFER_NAMES.get(str(e.get("label")), str(e.get("label")))
        bars = [
            Bar(
                lane,
                self._t(e["t"]),
                self._t(e["t"]),
                label,
                "transfer",
                setup=self._setup(e),
                open=True,
                ids=self.names.ids_in(" ".join(str(v) for v in e.values())),
            )
            for lane in owners[:2]
        ]
        for bar in bars:
            bar.detail = f"{e.get('label')}: {mb(e.get('size'))} over {' + '.join(path)}"
            bar.size = float(e.get("size") or 0)
        self._transfers[str(e["subject"])] = bars
        self.bars.extend(bars)

    def _io_end(self, e: dict[str, Any]) -> None:
        bars = self._transfers.pop(str(e["subject"]), [])
        failed = e["kind"] == "io.fail"
        for bar in bars:
            bar.end, bar.open, bar.failed = self._t(e["t"]), False, failed
            took = bar.end - bar.start
            size = bar.size
            speed = f" @ {rate(size / took)}" if took > 0 and size else ""
            bar.label = f"{bar.label} {mb(size)}{speed}"
            bar.detail += f"; {'FAILED after' if failed else 'done in'} {seconds(took)}{speed}"
            if failed:
                bar.detail += f": {e.get('error')}"
        if failed:
            self._failure(e, bars[0].lane if bars else None)

    def _step(self, e: dict[str, Any]) -> None:
        what = self.names.text(e.get("what", ""))
        self._mark(e, lanes.CLIENT, f"step {e['subject']}", "step", f"step {e['subject']}: {what}")

    def _note(self, e: dict[str, Any]) -> None:
        self._mark(e, lanes.CLIENT, self.names.text(e.get("text", e["subject"])), "step")

    def _failure(self, e: dict[str, Any], lane: str | None = None) -> None:
        kind = e["kind"]
        if kind == "fault":
            point = str(e["subject"])
            lane = lanes.of_fault(point, e)
            label = f"fault {e.get('action')} at {point}"
            self._mark(e, lane, label, "fault")
            return
        if lane is None:
            if kind in RPC_FAILURE_KINDS:
                lane = lanes.of_actor(e["subject"])
            elif kind == "api.error":
                lane = lanes.of_actor(e["actor"])
            else:
                lane = lanes.of_actor(e.get("actor"))
        what = e.get("method") or e.get("label") or e.get("error") or e.get("message") or ""
        self._mark(e, lane, f"{kind} {self.names.text(what)}".strip(), "failure")

    def close(self, end: float) -> None:
        """Bars still open at the end of the trace run to its end."""
        for bar in self.bars:
            if bar.open:
                bar.end = max(bar.start, self._t(end))
                if bar.kind == "frozen":
                    bar.label = "frozen — not thawed by the end"
                    bar.failed = True
                else:
                    bar.label += " (unfinished)"


_HANDLERS = {
    "api.request": _Reader._api_request,
    "api.response": _Reader._api_response,
    "http.request": _Reader._http_request,
    "http.response": _Reader._http_response,
    "identity.token_rejected": _Reader._token_rejected,
    "rpc.cast": _Reader._rpc,
    "rpc.call": _Reader._rpc,
    "rpc.reply": _Reader._rpc,
    "rpc.timeout": _Reader._rpc_timeout,
    "state": _Reader._state,
    "guest.freeze": _Reader._freeze,
    "guest.thaw": _Reader._thaw,
    "guest.agent_error": _Reader._agent_error,
    "io.start": _Reader._io_start,
    "io.finish": _Reader._io_end,
    "io.fail": _Reader._io_end,
    "scenario.step": _Reader._step,
    "note": _Reader._note,
}
