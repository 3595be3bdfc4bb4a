"""Requests one service sends another, as the trace records them.

Nova reaches Cinder and Glance, and Cinder reaches Glance, through REST clients
(``nova/volume/cinder.py``, ``nova/image/glance.py``, ``cinder/image/glance.py``). Each such
request is two trace events, written by the one place each client sends from:

    {"kind": "http.request",  "actor": "nova-api", "subject": "POST /v3/<project>/snapshots",
     "callee": "cinder-api", "call": "create_snapshot_force"}
    {"kind": "http.response", "actor": "nova-api", "subject": "POST /v3/<project>/snapshots",
     "callee": "cinder-api", "call": "create_snapshot_force", "status": 413,
     "error": "Maximum number of snapshots allowed (1) exceeded"}

``actor`` is the caller and ``callee`` the service answering; ``subject`` is the HTTP method
and path, as the callee's access log shows it; ``call`` is the client's own method name. A
request whose path names no resource but whose body names a volume (Nova's
``create_snapshot_force``: ``{"snapshot": {"volume_id": ...}}``) has that ``volume_id`` in
both events too, which a story needs to tell two such requests apart. The
response has ``status`` (``None`` when the callee could not be reached) and, for a failure,
``error``. Users' requests to the public APIs are ``api.request``/``api.response`` instead.

The caller is read from the simulated process that is running (`sender`): a compute host's RPC
handler or task is that host's ``nova-compute``, a Cinder volume service's is that backend, and
anything else is the client's default (``nova-api`` for Nova's clients).
"""

from __future__ import annotations

from typing import Any

from fakecloud.sim.collector import SPACED_ABOVE
from fakecloud.sim.trace import form

REQUEST = "http.request"
RESPONSE = "http.response"

#: The events' forms, for `Trace.put`: a request, an answer, a failed answer.
SENT = form(REQUEST, "callee", "call")
ANSWERED = form(RESPONSE, "callee", "call", "status")
FAILED = form(RESPONSE, "callee", "call", "status", "error")
#: The same three with the volume the request's body names (Cinder's snapshot create).
SENT_ON = form(REQUEST, "callee", "call", "volume_id")
ANSWERED_ON = form(RESPONSE, "callee", "call", "volume_id", "status")
FAILED_ON = form(RESPONSE, "callee", "call", "volume_id", "status", "error")


def sender(kernel: Any, default: str) -> str:
    """The part of `default`'s service (``nova-…``, ``cinder-…``) whose simulated process is
    running now: that process's service, or `default` when the process is another service's
    (Cinder's API runs inside the Nova process that called it) or names none."""
    name = kernel._live.get(kernel.env._active_proc)  # kernel.process_name()
    known = _SENDERS.get(default)
    if known is None:
        known = _SENDERS[default] = {}
    found = known.get(name)
    if found is None:
        found = _sender(name or "", default)
        if len(known) >= _KNOWN:
            # Full: a storm's flows are thousands of API processes alive at once, each of a
            # name of its own (``nova POST /v2.1/servers/<id>/action``); a table cleared while
            # they are would be refilled and cleared again by every round of their requests,
            # and one that stopped at `_KNOWN` names would miss every request of the others.
            # So it holds as many names as processes are alive, and is cleared once few are.
            alive = len(kernel._live)
            if alive > SPACED_ABOVE:
                if len(known) >= alive:
                    return found
            else:
                known.clear()
        known[name] = found
    return found


#: default -> {process name -> sender}: a flow sends from the same few processes again and
#: again (the API request's, its host's RPC handlers).
_SENDERS: dict[str, dict[str | None, str]] = {}


def senders_of(default: str) -> dict[str | None, str]:
    """`sender`'s table for `default` (process name -> sender), which a caller may read before
    calling it: a name found there is `sender`'s answer (it is only ever cleared)."""
    known = _SENDERS.get(default)
    if known is None:
        known = _SENDERS[default] = {}
    return known


#: The names a table of `_SENDERS` holds at most while few processes are alive (while more than
#: `SPACED_ABOVE` are, as many as are alive).
_KNOWN = 4096


def _sender(process: str, default: str) -> str:
    head, _, rest = process.partition(" ")
    if head in ("rpc.cast", "rpc.call"):
        head = actor_of_target(rest.rpartition(".")[0])
    service, _, part = head.partition("-")
    if service == default.partition("-")[0] and part.startswith(_PARTS):
        return head
    return default


#: The parts of a service that send requests: nova-api, nova-compute:<host>, cinder-volume.<b>…
_PARTS = ("api", "conductor", "scheduler", "compute:", "volume.")


def actor_of_target(target: str) -> str:
    """The service behind an RPC target: ``compute.cmp-1`` is ``nova-compute:cmp-1``."""
    if target.startswith("compute."):
        return "nova-compute:" + target[len("compute.") :]
    return target


def sent(kernel: Any, caller: str, callee: str, subject: str, call: str) -> None:
    """Trace a request leaving `caller` for `callee`."""
    kernel.trace.write(SENT, caller, subject, (callee, call))


def answered(
    kernel: Any,
    caller: str,
    callee: str,
    subject: str,
    call: str,
    status: int | None,
    error: str | None = None,
    body: tuple = (),
) -> None:
    """Trace the answer `caller` got: `status` (None: no answer at all) and any `error`;
    `body` is ``(volume_id,)`` for a request that carried it (`SENT_ON`), else empty."""
    if body:
        if error is None:
            kernel.trace.write(ANSWERED_ON, caller, subject, (callee, call, *body, status))
        else:
            kernel.trace.write(FAILED_ON, caller, subject, (callee, call, *body, status, error))
    elif error is None:
        kernel.trace.write(ANSWERED, caller, subject, (callee, call, status))
    else:
        kernel.trace.write(FAILED, caller, subject, (callee, call, status, error))
