"""``fakecloud list``: what a scenario or a test can name, from the registries themselves.

    fakecloud list points [WORD]       # fault points, the attributes rules match on
    fakecloud list errors [WORD]       # error names a fault rule can raise, and HTTP statuses
    fakecloud list invariants [WORD]   # the invariant library
    fakecloud list switches [WORD]     # behaviour switches, their value in each profile
    fakecloud list events [WORD]       # trace event kinds and their fields
    fakecloud list scenarios [WORD]    # the scenario library, for fakecloud run NAME
    fakecloud list config [WORD]       # configuration keys, their defaults and meaning
    fakecloud list points --json       # the same as JSON, for tools
    fakecloud list                     # what there is to list

`WORD` keeps the entries whose name contains it, case ignored, else those whose description
does, saying so on stderr (`fakecloud list bugs quiesce`: a bug is named by its number; an
empty WORD is refused: leave it out to list everything). Each ``rows_*`` function gives the
entries as plain dicts (what ``--json`` prints); `render` lays them out for people.
"""

from __future__ import annotations

import argparse
import ast
import functools
import inspect
import itertools
import json
import re
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fakecloud.cli_args import word_argument

WIDTH = 100


def rows_points() -> list[dict[str, Any]]:
    """Every fault point: name, doc, attributes (and whether callers add their own), what
    usually goes wrong there, and whose HTTP errors a status names there."""
    from fakecloud.fault_points import points

    return [
        {
            "name": p.name,
            "doc": p.doc,
            "attributes": list(p.attrs),
            "open_attributes": p.open_attrs,
            "usual": list(p.usual),
            "http_status_errors": p.http,
            "values": {key: list(allowed) for key, allowed in p.values},
        }
        for p in points().values()
    ]


def rows_errors() -> list[dict[str, Any]]:
    """Every error name services register, with the exception it raises and its default
    message (a fresh cloud is built to ask them)."""
    from fakecloud.cloud import Cloud

    cloud = Cloud()
    out = []
    for name, factory in sorted(cloud.faults.error_types.items()):
        try:
            example: Any = factory()
        except Exception as exc:  # noqa: BLE001 - a factory that needs a message
            example = exc
        module = getattr(factory, "__module__", "") or type(example).__module__
        out.append(
            {
                "name": name,
                "raises": type(example).__name__,
                "message": str(example) or "(no message)",
                "service": _service_of(module),
            }
        )
    return out


def _service_of(module: str) -> str:
    parts = module.split(".")
    if parts[:2] == ["fakecloud", "nova"] and len(parts) > 2 and parts[2] in ("volume_api",):
        return "nova (its Cinder client)"
    if parts[:2] == ["fakecloud", "nova"] and len(parts) > 2 and parts[2] in ("image_api",):
        return "nova (its Glance client)"
    return parts[1] if len(parts) > 1 and parts[0] == "fakecloud" else module


STATUS_SIDES = {
    "glanceclient": "image_api.*: glanceclient's HTTPException for that status, as Nova sees it "
    "(503 is retried by Nova's client)",
    "cinderclient": "volume_api.*: cinderclient's ClientException for that status (400 "
    "BadRequest, 403 Forbidden, 404 NotFound, 413 OverLimit)",
    "glance": "glance.upload: Glance answers the upload with that status",
}


def rows_invariants() -> list[dict[str, Any]]:
    """The invariant library: name, what it checks, the services it needs."""
    from fakecloud.invariants import REGISTRY

    return [
        {"name": i.name, "doc": i.doc, "needs": list(i.needs)}
        for i in sorted(REGISTRY.values(), key=lambda i: i.name)
    ]


def rows_switches() -> list[dict[str, Any]]:
    """Every behaviour switch: name, meaning, value in seed and upstream, where it changed
    and, for a Launchpad bug's, the releases that have the bug (every release of `fakecloud
    profiles`; `fakecloud profiles NAME` shows one release)."""
    from fakecloud.profiles import SWITCHES, Switches

    named = ("seed", "upstream")
    values = {p: Switches.for_profile(p).to_dict() for p in named}
    return [
        {
            "name": name,
            "doc": switch.doc,
            "values": {p: values[p].get(name) for p in named},
            "changed_in": ", ".join(
                f"{rel} ({commit}): {value!r}" for rel, commit, value, _ in switch.timeline()
            ),
            "bug_in": _runs(switch.ranges(True)) if switch.is_bug else None,
        }
        for name, switch in SWITCHES.items()
    ]


def rows_bugs() -> list[dict[str, Any]]:
    """The switches that are Launchpad bugs (named lpNNNNNNN), as `rows_switches` gives them:
    what a new user looking for "the bugs" means (``bugs: [lp1731986]`` replays one)."""
    return [r for r in rows_switches() if r["bug_in"] is not None]


def _runs(ranges: list[tuple[str, str]]) -> str:
    return ", ".join(a if a == b else f"{a}-{b}" for a, b in ranges)


def rows_events() -> list[dict[str, Any]]:
    """Every trace event kind: meaning, actor, subject, detail fields."""
    from fakecloud.events import EVENTS

    return [
        {
            "kind": e.kind,
            "doc": e.doc,
            "actor": e.actor,
            "subject": e.subject,
            "fields": list(e.fields),
            "open": e.open,
        }
        for e in EVENTS.values()
    ]


def rows_scenarios() -> list[dict[str, Any]]:
    """The scenario library: name (what ``fakecloud run NAME`` takes), what it teaches."""
    from fakecloud.scenario.library import entries

    return [{"name": e.name, "doc": e.teaches} for e in entries()]


def rows_config() -> list[dict[str, Any]]:
    """Every configuration key (``Cloud(config=...)``, a scenario's ``cloud.config``,
    ``fakecloud serve --config``): ``section.key``, its default and its meaning (the
    docstring under the field in its section's dataclass, else its comment: `_field_comment`;
    empty where it has neither)."""
    from fakecloud.cloud import Cloud
    from fakecloud.config import section_values

    sections = Cloud().config.sections()  # a default cloud's: every service's section
    out = []
    for section_name, section in sorted(sections.items()):
        docs = _field_docs(type(section))
        for key, value in section_values(section).items():
            name = f"{section_name}.{key}"
            out.append({"name": name, "default": value, "doc": docs.get(key, "")})
    return out


@functools.cache
def _field_docs(cls: type) -> dict[str, str]:
    """The docstring written under each field of the dataclass `cls` (PEP 257's attribute
    docstrings, which Python keeps nowhere at run time), or its comment: read from the class's
    lines of its module's source, the ``class`` line to the next line at the margin
    (`inspect.getsource` would parse the whole module to find them: five times the CPU for the
    sections)."""
    try:
        lines = Path(inspect.getsourcefile(cls) or "").read_text(encoding="utf-8").splitlines()
        start = next(i for i, line in enumerate(lines) if _class_line(line, cls.__name__))
        end = next(
            (i for i in range(start + 1, len(lines)) if lines[i][:1] not in ("", " ", "#", ")")),
            len(lines),
        )
        (found,) = ast.parse("\n".join(lines[start:end])).body
    except (OSError, TypeError, StopIteration, SyntaxError, ValueError):  # no source, or odd
        return {}
    docs = {}
    body = found.body if isinstance(found, ast.ClassDef) else []
    for field, after in itertools.pairwise([*body, None]):
        if not (isinstance(field, ast.AnnAssign) and isinstance(field.target, ast.Name)):
            continue
        if (
            isinstance(after, ast.Expr)
            and isinstance(after.value, ast.Constant)
            and isinstance(after.value.value, str)
        ):
            docs[field.target.id] = inspect.cleandoc(after.value.value)
        elif said := _field_comment(lines, start + field.lineno - 1):
            docs[field.target.id] = said
    return docs


def _field_comment(lines: list[str], at: int) -> str:
    """The comment a field without a docstring has for its meaning: the comment lines right
    above it (``#:`` or ``#``, not a ``# --`` section rule), else one after it on its line."""
    above = []
    for line in reversed(lines[:at]):
        text = line.strip()
        if not text.startswith("#") or text.startswith("# --"):
            break
        above.append(text.removeprefix("#:").removeprefix("#").strip())
    if above:
        return " ".join(reversed(above))
    code, hash_, comment = lines[at].partition("  # ")
    return comment.strip() if hash_ and "noqa" not in comment else ""


def _class_line(line: str, name: str) -> bool:
    """Whether `line` opens the class `name` (``class Name(`` or ``class Name:``)."""
    return line.startswith(f"class {name}") and line[6 + len(name) : 7 + len(name)] in ("(", ":")


# -- for people ------------------------------------------------------------------------------


def plain(text: str) -> str:
    """`text` without reStructuredText markup (````name````, `name`) and doubled spaces."""
    return " ".join(text.replace("``", "").split())


def _wrap(text: str, indent: str = "    ") -> str:
    return textwrap.fill(plain(text), WIDTH, initial_indent=indent, subsequent_indent=indent)


def _render_points(rows: list[dict]) -> str:
    out = []
    for r in rows:
        attrs = ", ".join(r["attributes"]) or "nothing"
        if r["open_attributes"]:
            attrs += ", and the caller's own"
        out.append(r["name"])
        out.append(_wrap(r["doc"]))
        out.append(_wrap(f"matches on: {attrs}"))
        for key, allowed in r["values"].items():
            out.append(_wrap(f"{key}: {', '.join(allowed)}"))
        extra = []
        if r["usual"]:
            extra.append("usually: " + ", ".join(r["usual"]))
        if r["http_status_errors"]:
            extra.append("error may be an HTTP status (error: 503)")
        if extra:
            out.append(_wrap("; ".join(extra)))
    return "\n".join(out)


def _render_errors(rows: list[dict]) -> str:
    width = max((len(r["name"]) for r in rows), default=0)
    out = ["Error names (error: NAME in a fault rule):"]
    for r in rows:
        out.append(
            f"  {r['name']:<{width}}  {r['raises']}: {plain(r['message'])}  [{r['service']}]"
        )
    out.append("")
    out.append("HTTP statuses (error: 503), where a point's errors are HTTP answers:")
    out += [_wrap(text, "  ") for text in STATUS_SIDES.values()]
    return "\n".join(out)


def _render_named(rows: list[dict], key: str = "name") -> str:
    out = []
    for r in rows:
        out.append(r[key])
        out.append(_wrap(r["doc"]))
    return "\n".join(out)


def _render_switches(rows: list[dict]) -> str:
    out = []
    for r in rows:
        values = "  ".join(f"{p}={v!r}" for p, v in r["values"].items())
        where = [] if r["bug_in"] is None else [f"the bug in {r['bug_in'] or 'no release'}"]
        if r["changed_in"]:
            where.append(f"changes: {r['changed_in']}")
        changed = f"  ({'; '.join(where)})" if where else ""
        out.append(_hang(f"{r['name']}: ", f"{values}{changed}"))
        out.append(_wrap(r["doc"]))
    return "\n".join(out)


#: A release's change, ``18.0.0 (4cae503767): '2.65'``, kept on one line when wrapped.
_CHANGE = re.compile(r"(\d) \((\w+)\): ")


def _hang(head: str, text: str) -> str:
    """`head` then `text` wrapped at `WIDTH` under itself (a switch's values and changes: the
    doc below is indented less), each release's change whole."""
    glued = _CHANGE.sub("\\1\xa0(\\2):\xa0", text)  # textwrap breaks at ASCII spaces only
    lines = textwrap.wrap(
        glued,
        WIDTH,
        initial_indent=head,
        subsequent_indent=" " * len(head),
        break_long_words=False,
        break_on_hyphens=False,
    )
    return "\n".join(lines).replace("\xa0", " ")


def _render_events(rows: list[dict]) -> str:
    out = []
    for r in rows:
        fields = ", ".join(r["fields"]) + (", and the work's own" if r["open"] else "")
        out.append(f"{r['kind']}  (actor: {r['actor']}; subject: {r['subject']})")
        out.append(_wrap(r["doc"]))
        if fields:
            out.append(_wrap(f"fields: {fields}"))
    return "\n".join(out)


def _render_config(rows: list[dict]) -> str:
    out = []
    for r in rows:
        out.append(_hang(f"{r['name']}: ", json.dumps(r["default"])))
        if r["doc"]:
            out.append(_wrap(r["doc"]))
    return "\n".join(out)


WHAT: dict[str, tuple[Callable[[], list[dict]], Callable[[list[dict]], str], str]] = {
    "points": (rows_points, _render_points, "fault points and the attributes rules match on"),
    "errors": (rows_errors, _render_errors, "error names and HTTP statuses a rule can raise"),
    "invariants": (rows_invariants, _render_named, "the invariant library"),
    "switches": (rows_switches, _render_switches, "behaviour switches per profile"),
    "bugs": (rows_bugs, _render_switches, "the Launchpad bugs (switches) and their releases"),
    "events": (rows_events, _render_events, "trace event kinds and their fields"),
    "scenarios": (rows_scenarios, _render_named, "the scenario library (fakecloud run NAME)"),
    "config": (
        rows_config,
        _render_config,
        "configuration keys (Cloud(config=...), a "
        "scenario's cloud.config, serve --config), their defaults and meaning",
    ),
}


def render(what: str, rows: list[dict]) -> str:
    """`rows` of `what` laid out for people."""
    return WHAT[what][1](rows)


def main(argv: list[str] | None = None) -> int:
    """``fakecloud list WHAT [WORD] [--json]``; the exit status."""
    p = argparse.ArgumentParser(
        prog="fakecloud list",
        description="List what scenarios and tests can name: "
        + "; ".join(f"{k}: {v[2]}" for k, v in WHAT.items())
        + ".",
    )
    p.add_argument("what", nargs="?", choices=list(WHAT), help="what to list")
    p.add_argument(
        "word",
        nargs="?",
        type=word_argument,
        help="keep only the entries whose name contains WORD (case ignored), else those "
        "whose description does",
    )
    p.add_argument("--json", action="store_true", help="print JSON (a list of objects)")
    args = p.parse_intermixed_args(argv)  # `list points --json WORD` too
    if args.what is None:  # a newcomer's first try: what there is to list (was argparse's error)
        if args.word:
            p.error(f"{args.word!r} is not what to list; choose from {', '.join(WHAT)}")
        print("fakecloud list WHAT [WORD] [--json], where WHAT is one of:")
        for name, (_, _, said) in WHAT.items():
            print(_hang(f"  {name:<11} ", said))
        return 0
    rows = WHAT[args.what][0]()
    if args.word:
        word = args.word.lower()
        key = "kind" if args.what == "events" else "name"
        named = [r for r in rows if word in r[key].lower()]
        if not named:  # a symptom, not a name: `list bugs quiesce` (a bug's name is its number)
            told = "message" if args.what == "errors" else "doc"
            named = [r for r in rows if word in str(r.get(told, "")).lower()]
            if named:
                print(
                    f"fakecloud list {args.what}: no {key} contains {args.word!r}; "
                    f"{len(named)} whose description does:",
                    file=sys.stderr,
                )
        rows = named
        if not rows:
            print(f"fakecloud list {args.what}: nothing matches {args.word!r}", file=sys.stderr)
            if args.json:  # still a JSON document for the program reading it (was nothing)
                print("[]")
            return 1  # as grep: nothing matched
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        print(render(args.what, rows))
    return 0
