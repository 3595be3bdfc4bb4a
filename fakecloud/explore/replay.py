"""Write an explored run out as a scenario file that plain ``fakecloud run`` replays exactly.

The file is the case as it ran (matrix and case merged in, the seed fixed), minus the steps a
shrink dropped, plus:

- each inserted action as an ordinary step placed ``on:`` the trace event it followed
  (``nth:`` counted as the runner counts, so it lands at the same moment), its ids written as
  the scenario's substitutions, as the steps write them: the scenario's resources
  (``${servers.web.id}``), projects (``${project_id}``), and what a step's answer (or a named
  setup request's) gave (``${steps.snap.body.image_id}``) when that answer came before every
  event the trigger counts, so the pattern, which resolves once the answer is known, counts the
  same events; an id nothing names (a Cinder snapshot Nova made) stays as it is;
- ``choices:``, every decision that differs from a plain run (tie orders, RPC delays,
  throughputs, fault firings), each with a note saying what it was about.

Nothing else is left to chance, so the replay needs neither the explorer nor the seed that
found it: ``fakecloud run FILE`` on any machine gives the same run, trace for trace.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import yaml

from fakecloud.explore.play import Explored
from fakecloud.humanize import secs
from fakecloud.scenario.match import event_matches
from fakecloud.scenario.yamldoc import BOOL_1_2
from fakecloud.sim.explore import Decision

PATTERN_FIELDS = ("kind", "actor", "subject", "machine", "new", "method", "status", "point")

#: A resource id (a UUID), as a step's answer gives it.
_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")

PLACED = "placed by the explorer"
"""The note of a replay file's step that was an inserted action (an adversary, a restart)."""
PLACED_AT = "placed by the explorer at the services' heartbeat (report_interval)"
"""The note of one placed at a heartbeat, where no trace event was (``explore.windows``)."""


def replay_document(explored: Explored, seed: int, broke: str = "", found: str = "") -> dict:
    """The replay file of `explored` as a plain mapping (see the module doc)."""
    case, result = explored.case, explored.result
    doc = _plain(case.doc)
    for key in ("explore", "matrix", "cases", "vars", "choices"):
        doc.pop(key, None)
    cloud = doc.setdefault("cloud", {})
    cloud["seed"] = seed
    if case.profile_given:  # --profile's, so that a plain run replays on it
        cloud["profile"] = case.profile_given
    doc["name"] = f"{doc.get('name') or Path(case.file).stem}-replay"
    source = f"{case.file} [{case.id}]" if case.id != "default" else case.file
    doc["description"] = f"Replay of {source}" + (f": {broke}" if broke else "")
    steps = kept_steps(doc, explored.dropped)
    names = {**_names(result.names), **_projects(result.cloud)}
    named = {s["name"] for s in steps if isinstance(s, dict) and s.get("name")}
    setup = [i.name for i in case.cloud.setup if i.kind == "setup" and i.name]
    answers = _answers(result, named | set(explored.landed), setup)
    for step in case.steps:
        if step.name in explored.landed:
            steps.append(_landed_step(explored, step, names, answers))
    doc["steps"] = steps
    if case.expect.invariants == "all" and "invariants" not in (doc.get("expect") or {}):
        doc.setdefault("expect", {})["invariants"] = "all"
    t0 = explored.result.t0
    made = [_entry(d, t0) for d in explored.decisions if d.value]
    chance = getattr(result.cloud.kernel.choices, "chance", None)
    if made:
        doc["choices"] = {"chance": _chance(chance), "made": made}
    ordered = {k: doc[k] for k in ("name", "description") if k in doc}
    ordered.update({k: v for k, v in doc.items() if k not in ordered})
    if found:
        ordered = {"# found": found, **ordered}
    return ordered


def write_replay(path: str | Path, document: dict) -> Path:
    """Write `document` as YAML at `path` (folders made as needed); returns the path."""
    path = Path(path)
    write_replay_text(path, replay_text(path.name, document))
    return path


def replay_text(name: str, document: dict) -> str:
    """`document` as the YAML text of a replay file named `name` (`write_replay`), made where
    its run was (a Dask worker) and written by the process that writes the report."""
    found = document.pop("# found", "")
    text = yaml.dump(document, Dumper=_DUMPER, sort_keys=False, width=100, allow_unicode=True)
    header = (
        "# Written by fakecloud explore: replays exactly with `fakecloud run "
        + shlex.quote(name)
        + "`.\n"
    )
    if found:
        header += f"# {found}\n"
    return header + text


def write_replay_text(path: Path, text: str) -> None:
    """Write a replay file's `text` at `path` (folders made as needed)."""
    from fakecloud.outputs import write_atomic

    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, text)


#: libyaml's emitter where PyYAML has it: the same text as PyYAML's own, five times faster (a
#: replay is written for every group of an explored file).
_BASE_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Dumper(_BASE_DUMPER):  # type: ignore[misc, valid-type]
    """The safe dumper with YAML 1.2's booleans, as the scenario reader has them
    (`fakecloud.scenario.yamldoc`): only ``true`` and ``false`` are booleans, so a step's
    ``on:`` is written as the schema documents it, not quoted against YAML 1.1's ``on``."""

    yaml_implicit_resolvers = {
        key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
        for key, resolvers in _BASE_DUMPER.yaml_implicit_resolvers.items()
    }


_Dumper.add_implicit_resolver("tag:yaml.org,2002:bool", BOOL_1_2, list("tTfF"))
_DUMPER = _Dumper


# -- pieces --------------------------------------------------------------------------------


def _landed_step(
    explored: Explored, step: Any, names: dict[str, str], answers: dict[str, tuple[int, str]]
) -> dict:
    """The insert `step` as a file step placed ``on:`` the event it followed; `answers`, the
    ids the steps' answers gave (`_answers`), named where the trigger counts only events after
    the answer."""
    result = explored.result
    after = explored.landed[step.name]
    out: dict[str, Any] = {"name": step.name, "note": PLACED}
    if isinstance(after, float):  # at a heartbeat
        out["at"] = after
        out["note"] = PLACED_AT
    elif after > 0:
        events = list(result.trace)
        first = result.first_seq
        event = events[first + after - 1]
        raw = {k: event[k] for k in PATTERN_FIELDS if k in event}
        counted = [e for e in events[first : first + after] if event_matches(e, raw)]
        earliest = counted[0]["seq"]
        known = {i: ref for i, (seq, ref) in answers.items() if seq <= earliest}
        pattern = {k: _named(_named(v, names), known) for k, v in raw.items()}
        nth = len(counted)
        out["on"] = {"trace": pattern, **({"nth": nth} if nth > 1 else {})}
    else:
        out["at"] = 0
    if step.action == "request":
        spec = step.spec
        out["request"] = f"{spec.method} {spec.path}"
        if spec.service:
            out["service"] = spec.service
        if spec.user != "demo":
            out["as"] = spec.user
        if spec.microversion:
            out["microversion"] = spec.microversion
        if spec.body is not None:
            out["body"] = _plain(spec.body)
    else:
        out[step.action] = dict(step.spec)
    return out


def _entry(d: Decision, t0: float) -> dict[str, Any]:
    """A decision as the replay file lists it; times in notes count from `t0`, as a run's
    report does."""
    about = d.about
    if d.kind == "tie":
        return {
            "tie": d.n,
            "pick": d.value,
            "note": f"t={secs(about['t'] - t0)}: {about['events']} events due at once, the "
            f"{_ordinal(d.value + 1)} ran first",
        }
    if d.kind == "rpc_delay":
        return {
            "rpc_delay": d.n,
            "value": d.value,
            "note": f"{about.get('target')} {about.get('method')}: {d.value / 10:g}% of the "
            "way to the longest delay",
        }
    if d.kind == "throughput":
        return {
            "throughput": d.n,
            "value": d.value,
            "note": f"{about.get('resource')}: {d.value / 10:+g}% of the jitter",
        }
    attrs = {k: v for k, v in about.items() if k not in ("point", "outcome", "entry")}
    return {
        "fault": about.get("point"),
        "n": d.n,
        "outcome": about.get("outcome"),
        "note": ", ".join(f"{k}={v}" for k, v in attrs.items())[:160],
    }


def _chance(chance: Any) -> dict[str, Any]:
    if chance is None:
        return {}
    out: dict[str, Any] = {"tie_order": chance.tie_order}
    if chance.rpc_delay_max_s is not None:
        out["rpc_delay_max_s"] = chance.rpc_delay_max_s
    if chance.throughput_jitter:
        out["throughput_jitter"] = chance.throughput_jitter
    return out


#: Where a server's show body lists its volumes (Nova's name, in every microversion).
ATTACHED = "os-extended-volumes:volumes_attached"


def _names(names: dict[str, Any]) -> dict[str, str]:
    """Ids of the world's resources -> ``${kind.name.id}``, to write patterns readably and so
    a replay survives ids moving. A volume the setup made only through a server (a root
    volume created at boot) is named by the server's show body, which the setup keeps:
    ``${servers.NAME.os-extended-volumes:volumes_attached.0.id}``; a named volume keeps its
    own name."""
    out = {}
    for name, value in (names.get("servers") or {}).items():
        attached = value.get(ATTACHED) if isinstance(value, dict) else None
        for i, volume in enumerate(attached if isinstance(attached, list) else ()):
            if isinstance(volume, dict) and isinstance(volume.get("id"), str):
                out[volume["id"]] = f"${{servers.{name}.{ATTACHED}.{i}.id}}"
    for kind in ("servers", "images", "volumes"):
        for name, value in (names.get(kind) or {}).items():
            if isinstance(value, dict) and isinstance(value.get("id"), str):
                out[value["id"]] = f"${{{kind}.{name}.id}}"
    return out


def _answers(result: Any, steps: set[str], setup: list[str]) -> dict[str, tuple[int, str]]:
    """Ids the answers of the named `setup` requests and of `steps` (the replay's named steps)
    gave -> (the trace sequence number of the answer, ``${steps.NAME.body.PATH}``): the first
    answer that gave each, at the first place in its body (a value that is the id itself)."""
    out: dict[str, tuple[int, str]] = {}
    done = result.names.get("steps") or {}
    for name in (n for n in setup if n not in steps):  # answered before t0
        outcome = done.get(name)
        for ident, path in _ids_at(outcome.get("body") if isinstance(outcome, dict) else None, ()):
            out.setdefault(ident, (0, _ref(name, path)))
    records = [r for r in result.steps if r.name in steps and r.answered_seq is not None]
    for record in sorted(records, key=lambda r: r.answered_seq):
        for ident, path in _ids_at(record.body, ()):
            if ident not in out:
                out[ident] = (record.answered_seq, _ref(record.name, path))
    return out


def _ids_at(value: Any, path: tuple[str, ...]) -> list[tuple[str, tuple[str, ...]]]:
    """The resource ids in a step's answer `value` and where: (id, keys and indexes)."""
    if isinstance(value, str):
        return [(value, path)] if _ID.fullmatch(value) else []
    if isinstance(value, dict):
        return [
            found
            for k, v in value.items()
            if isinstance(k, str) and "." not in k and "$" not in k
            for found in _ids_at(v, (*path, k))
        ]
    if isinstance(value, list):
        return [found for i, v in enumerate(value) for found in _ids_at(v, (*path, str(i)))]
    return []


def _ref(step: str, path: tuple[str, ...]) -> str:
    return "${steps." + ".".join((step, "body", *path)) + "}"


def _projects(cloud: Any) -> dict[str, str]:
    """Project ids -> ``${project_id}`` (demo's, as a step's path writes it) or
    ``${projects.NAME.id}``. Read from Keystone's directory, not through a token: resolving
    ``${users.NAME.project_id}`` in the replay would issue one, and move its trace."""
    keystone = getattr(cloud, "keystone", None)
    if keystone is None:
        return {}
    directory = keystone.directory
    out = {
        p.id: f"${{projects.{p.name}.id}}"
        for p in directory.projects.values()
        if directory.project_by_name(p.name) is p
    }
    demo = directory.user_by_name("demo")
    if demo is not None and demo.default_project_id is not None:
        out[demo.default_project_id] = "${project_id}"
    return out


def _named(value: Any, names: dict[str, str]) -> Any:
    if not isinstance(value, str):
        return value
    for ident, ref in names.items():
        if ident in value:
            value = value.replace(ident, ref)
    return value


def kept_steps(doc: dict, dropped: Any) -> list:
    """The steps of a scenario document (`Case.doc`) but those named in `dropped` (a shrink's
    left-out steps; an unnamed step by its ``stepN``)."""
    return [s for s in doc.get("steps") or [] if _step_name(s, doc) not in dropped]


def _step_name(step: Any, doc: dict) -> str:
    if isinstance(step, dict) and step.get("name"):
        return str(step["name"])
    return f"step{(doc.get('steps') or []).index(step) + 1}"


def _ordinal(n: int) -> str:
    return f"{n}{'tsnrhtdd'[(n // 10 % 10 != 1) * (n % 10 < 4) * n % 10 :: 4]}"


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value
