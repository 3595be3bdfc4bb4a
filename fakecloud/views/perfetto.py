"""A trace as Chrome trace-event JSON, which Perfetto (ui.perfetto.dev) and chrome://tracing open.

    fakecloud report run.jsonl --format perfetto -o run.perfetto.json

Each service is a process and each lane of the timeline a thread in it (``nova`` holds
``nova-api`` and each ``nova-compute``; a guest is a thread of its host's compute). Phases
(quiesce, frozen window, thaw, Cinder snapshots creating, transfers) and every request that
waits for an answer (user requests, REST calls between services, RPC calls) are async slices,
so overlapping ones stay apart; state changes, steps, RPC casts and failures are instant
events. Times are virtual microseconds since the trace began; an instant event marks the
scenario's time zero. The JSON format is documented in Google's "Trace Event Format".
"""

from __future__ import annotations

import json
from typing import Any

from fakecloud.views import lanes, model

_PROCESSES = ("client", "keystone", "nova", "guest", "cinder", "glance", "io")


def _process(lane: str) -> str:
    if lane.startswith("guest:"):
        return "nova"
    head = lane.split("-")[0].split(":")[0]
    return head if head in _PROCESSES else "other"


def chrome_trace(run: model.Run) -> dict[str, Any]:
    """The trace-event document of `run` (a dict ready for ``json.dump``)."""
    start = run.start

    def us(t_rel: float) -> float:
        return round((t_rel + run.t0 - start) * 1e6, 3)

    pids = {name: n + 1 for n, name in enumerate((*_PROCESSES, "other"))}
    tids = {lane: n + 1 for n, lane in enumerate(run.lanes)}
    out: list[dict[str, Any]] = []
    for name, pid in pids.items():
        out.append(
            {"ph": "M", "name": "process_name", "pid": pid, "tid": 0, "args": {"name": name}}
        )
    for lane, tid in tids.items():
        pid = pids[_process(lane)]
        out.append(
            {
                "ph": "M",
                "name": "thread_name",
                "pid": pid,
                "tid": tid,
                "args": {"name": run.lane_label(lane)},
            }
        )
        out.append(
            {
                "ph": "M",
                "name": "thread_sort_index",
                "pid": pid,
                "tid": tid,
                "args": {"sort_index": tid},
            }
        )

    def where(lane: str) -> dict[str, int]:
        return {"pid": pids[_process(lane)], "tid": tids.get(lane, 0)}

    async_id = 0
    for bar in run.bars:
        async_id += 1
        common = {"cat": bar.kind, "name": bar.label, "id": async_id, **where(bar.lane)}
        args = {"detail": bar.detail, "ids": bar.ids, "failed": bar.failed}
        out.append({"ph": "b", "ts": us(bar.start), **common, "args": args})
        out.append({"ph": "e", "ts": us(bar.end), **common})
    for m in run.markers:
        out.append(
            {
                "ph": "i",
                "s": "t",
                "ts": us(m.t),
                "name": m.label,
                "cat": m.kind,
                **where(m.lane),
                "args": {"detail": m.detail, "ids": m.ids},
            }
        )
    async_id = _requests(run, out, us, where, async_id)
    if run.t0_seq:
        out.append(
            {
                "ph": "i",
                "s": "g",
                "ts": us(0.0),
                "name": "scenario starts (time zero)",
                "cat": "scenario",
                "pid": pids["client"],
                "tid": tids.get(lanes.CLIENT, 0),
            }
        )
    meta = run.meta
    return {
        "traceEvents": out,
        "displayTimeUnit": "ms",
        "metadata": {
            "source": "fakecloud report",
            "scenario": meta.scenario,
            "case": meta.case,
            "seed": meta.seed,
            "profile": meta.profile,
            "bugs": meta.bugs,
            "replay": meta.replay,
            "clock": "virtual seconds since the trace began",
        },
    }


def _requests(run: model.Run, out: list, us, where, async_id: int) -> int:
    """Requests and their answers as async slices on the caller's thread; casts as instants."""
    waiting: dict[tuple, list[model.Message]] = {}
    for m in run.messages:
        if m.style in ("request", "call"):
            waiting.setdefault((m.src, m.dst), []).append(m)
        elif m.style in ("response", "reply"):
            pending = waiting.get((m.dst, m.src))
            if pending:
                req = pending.pop(0)
                async_id += 1
                common = {
                    "cat": req.style,
                    "name": f"→ {run.lane_label(req.dst)}: {req.label}",
                    "id": async_id,
                    **where(req.src),
                }
                out.append({"ph": "b", "ts": us(req.t), **common, "args": {"detail": req.detail}})
                out.append(
                    {
                        "ph": "e",
                        "ts": us(m.t),
                        **common,
                        "args": {"answer": m.label, "failed": m.failed},
                    }
                )
        else:
            out.append(
                {
                    "ph": "i",
                    "s": "t",
                    "ts": us(m.t),
                    "cat": "rpc.cast",
                    "name": f"cast → {run.lane_label(m.dst)}: {m.label}",
                    **where(m.src),
                }
            )
    for pending in waiting.values():  # never answered: an instant where it was sent
        for req in pending:
            out.append(
                {
                    "ph": "i",
                    "s": "t",
                    "ts": us(req.t),
                    "cat": "unanswered",
                    "name": f"→ {run.lane_label(req.dst)}: {req.label} (no answer)",
                    **where(req.src),
                }
            )
    return async_id


def to_json(run: model.Run) -> str:
    """The trace-event document as JSON text."""
    return json.dumps(chrome_trace(run), separators=(",", ":"), ensure_ascii=False)
