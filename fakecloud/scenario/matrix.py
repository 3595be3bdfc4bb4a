"""From one scenario file to its cases: `cases:` overrides times the `matrix:` cells.

    matrix:
      microversion: ["2.44", "2.45"]
      profile: [seed, upstream]
      exclude: [{profile: upstream, microversion: "2.44"}]
    cases:
      bug-on:  {cloud: {bugs: [lp1731986]}, expect: {violated: [no_frozen_guest]}}
      bug-off: {}

gives the cases ``2.44-seed-bug-on``, ``2.44-seed-bug-off``, ``2.45-seed-bug-on``, ... : the
matrix values in the order written, then the case name. A file with neither has one case,
``default``. Every ``${param}`` (and ``${var}`` from `vars:`) is substituted in each case; a
value that is exactly ``${param}`` keeps its type, so ``profile: ${profile}`` and
``at: ${delay}`` both work. A parameter the file never uses is an error, so a matrix never
silently runs the same case twice. A file expands to at most `MAX_CASES` (2000) cases,
counted before ``exclude``; a larger matrix is refused before anything is built.

A case overrides the file by deep merge: mappings merge key by key, lists and plain values
replace, ``null`` removes a key. Under ``steps:`` a case gives either a new list, or a mapping
``{step name: fields}`` that changes just those steps (``{snap: {expect: {status: 500}}}``).
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from pathlib import Path
from typing import Any

from fakecloud.scenario.errors import Problem, ScenarioError, field_name
from fakecloud.scenario.results import OUTCOME_PARTS
from fakecloud.scenario.schema import case_schema, scenario_schema
from fakecloud.scenario.subst import Unresolved, bind, dig, refs, unfinished
from fakecloud.scenario.yamldoc import YamlList, YamlMap, line_of, schema_problems
from fakecloud.suggest import did_you_mean

_SCHEMAS: dict[str, dict] = {}
#: The most cases one file may expand to (matrix cells times named cases, before exclude).
MAX_CASES = 2000


def _schema(kind: str) -> dict:
    if kind not in _SCHEMAS:
        _SCHEMAS[kind] = scenario_schema() if kind == "file" else case_schema()
    return _SCHEMAS[kind]


def expand(doc: Any, filename: str, path: Path | None):
    """Validate a parsed file and build its `Scenario` (raises `ScenarioError`)."""
    from fakecloud.scenario.model import RUNTIME_ROOTS, Scenario, build_case

    if not isinstance(doc, dict):
        raise ScenarioError(
            [Problem(filename, getattr(doc, "line", 1), "", "a scenario file is a mapping")]
        )
    checked, strict = _one_case_checked(doc, filename)
    # In cases, null means "remove this key": check the rest of each override.
    problems = (
        []
        if checked is not None
        else schema_problems(_drop_nulls_in_cases(doc), _schema("file"), filename, root=doc)
    )
    if problems:
        raise ScenarioError(problems)

    vars_ = dict(doc.get("vars") or {})
    matrix = doc.get("matrix") or YamlMap()
    params = {k: v for k, v in matrix.items() if k != "exclude"}
    case_docs = doc.get("cases") or {}
    # Both checks come before any case is built: a huge matrix is refused, not expanded.
    problems = _unused_params(doc, params, filename) + _too_many_cases(
        doc, params, len(case_docs), filename
    )
    if problems:
        raise ScenarioError(problems)
    cells = _cells(params, matrix.get("exclude") or [])
    base = _without_expansion(doc)

    cases = []
    seen_problems: set = set()
    for case_name in list(case_docs) or [None]:
        override = case_docs.get(case_name) if case_name is not None else None
        merged, merge_problems = _merge_case(base, override, filename, ("cases", case_name))
        problems += merge_problems
        case_vars = {**vars_, **dict((override or {}).get("vars") or {})}
        for cell in cells:
            names = {**case_vars, **cell}
            static = _check_refs(merged, names, RUNTIME_ROOTS | _saved_roots(merged), filename)
            if checked is not None:
                found, bound = static, checked
            else:
                bound = bind(merged, names)
                if strict is None:
                    strict = schema_problems(bound, _schema("case"), filename)
                found = static + strict
                strict = None
            if not found:
                case, found = build_case(
                    bound,
                    filename=filename,
                    path=path,
                    case_id=_case_id(cell, case_name),
                    case_name=case_name,
                    params=names,
                    note=(override or {}).get("note", ""),
                )
                if case is not None:
                    cases.append(case)
            for p in found:
                key = (p.line, p.field, p.message)
                if key not in seen_problems:
                    seen_problems.add(key)
                    problems.append(p)
    problems += _same_ids(cases, doc, filename)
    if problems:
        raise ScenarioError(problems)
    return Scenario(
        file=filename,
        path=path,
        name=str(doc.get("name") or (path.stem if path else filename)),
        description=str(doc.get("description") or ""),
        cases=cases,
    )


def _one_case_checked(doc: YamlMap, filename: str) -> tuple[YamlMap | None, list | None]:
    """A file without ``matrix:``, ``cases:`` and ``vars:`` (a replay, most of the library)
    is its one case: the case, bound, once it passes the strict case schema, which it is
    checked against once instead of twice ((None, ...): check it as any other file). The
    file's schema differs only by letting typed values be ``${name}``, so it passes what the
    strict one passes, and binding no names leaves such a file as it is (else, or when the
    strict check fails, both checks run as for any file, so a bad file's problems are the
    same). The second of the pair is the strict check's problems when it failed (its one
    case's, which the case's own check would find again: a file of 20,000 steps was checked
    three times to be refused), else None."""
    if "matrix" in doc or "cases" in doc or "vars" in doc:
        return None, None
    bound = bind(_without_expansion(doc), {})
    if bound != doc:
        return None, None
    problems = schema_problems(bound, _schema("case"), filename)
    return (None, problems) if problems else (bound, None)


def _without_expansion(doc: YamlMap) -> YamlMap:
    """`doc` without its ``matrix:``, ``cases:`` and ``vars:`` (the base each case merges)."""
    base = YamlMap(line=doc.line)
    base.key_lines = dict(doc.key_lines)
    for key, value in doc.items():
        if key not in ("matrix", "cases", "vars"):
            base[key] = value
    return base


def _drop_nulls_in_cases(doc: YamlMap) -> YamlMap:
    cases = doc.get("cases")
    if not isinstance(cases, dict):
        return doc
    out = _copy_map(doc)
    out["cases"] = _drop_nulls(cases)
    return out


def _drop_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        out = _copy_map(value)
        for key in [k for k, v in value.items() if v is None]:
            del out[key]
        for key, item in out.items():
            out[key] = _drop_nulls(item)
        return out
    return value


def _case_id(cell: dict[str, Any], case_name: str | None) -> str:
    parts = [_id_part(v) for v in cell.values()]
    if case_name is not None:
        parts.append(case_name)
    return "-".join(parts) or "default"


#: What a case id keeps of a matrix value: letters, digits and ``_@%+=:,.-``, the characters a
#: shell, a file name and ``--case`` take as they are. Anything else becomes ``_`` (a space did
#: from the start): a ``/`` made ``--trace t.jsonl`` write ``t-a/b.jsonl`` in a folder ``t-a``,
#: and an escape or bell character reached the terminal and the name and header of explore's
#: replay file, which then failed to load as YAML (a traceback).
_NOT_IN_AN_ID = re.compile(r"[^\w@%+=:,.-]")


def _id_part(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    # `::` is pytest's separator: `pytest m.yaml::a::b`, the node id pytest printed, found none
    return _NOT_IN_AN_ID.sub("_", str(value)).replace("::", "__")


def _same_ids(cases: list[Any], doc: dict, filename: str) -> list[Problem]:
    """Cases of one file that got the same id (values that differ only where an id has ``_``:
    ``a b`` and ``a_b``; ``a-b`` then ``c`` and ``a`` then ``b-c``; a value listed twice):
    ``--case`` could pick only the first, and their traces and replay files overwrote each
    other's. One problem for each id, however many cases share it."""
    counts = Counter(case.id for case in cases)
    return [
        Problem(
            filename,
            line_of(doc, ("matrix",)),
            "matrix",
            f"{n} cases get the id {case_id!r} (a case id is its matrix values, then its case "
            "name, joined by -; of each value it keeps letters, digits and _@%+=:,.-, any other "
            "character becomes _): make the values differ in those",
        )
        for case_id, n in counts.items()
        if n > 1
    ]


def _cells(params: dict[str, list], exclude: list[dict]) -> list[dict[str, Any]]:
    keys = list(params)
    cells = []
    for combo in itertools.product(*(params[k] for k in keys)):
        cell = dict(zip(keys, combo, strict=True))
        if any(all(cell.get(k) == v for k, v in ex.items()) for ex in exclude):
            continue
        cells.append(cell)
    return cells or ([{}] if not keys else [])


def _too_many_cases(doc: dict, params: dict, n_cases: int, filename: str) -> list[Problem]:
    """The size cap: at most `MAX_CASES` cases (matrix cells times named cases) per file."""
    count = max(n_cases, 1)
    for values in params.values():
        count *= len(values)
    if count <= MAX_CASES:
        return []
    sizes = " x ".join([str(len(v)) for v in params.values()] + ([str(n_cases)] if n_cases else []))
    return [
        Problem(
            filename,
            line_of(doc, ("matrix",)),
            "matrix",
            f"the matrix makes {count} cases ({sizes}, before exclude); at most {MAX_CASES} "
            f"per file: split the file or shorten the lists",
        )
    ]


def _unused_params(doc: dict, params: dict, filename: str) -> list[Problem]:
    used = {
        ref.partition(".")[0] for _, ref in refs({k: v for k, v in doc.items() if k != "matrix"})
    }
    out = []
    for name in params:
        if name not in used:
            out.append(
                Problem(
                    filename,
                    line_of(doc, ("matrix", name)),
                    f"matrix.{name}",
                    f"parameter {name!r} is never used: write ${{{name}}} where it applies "
                    f"(e.g. cloud: {{profile: ${{{name}}}}})",
                )
            )
    return out


def _saved_roots(doc: dict) -> set[str]:
    roots = set()
    for step in doc.get("steps") or []:
        if isinstance(step, dict):
            for key in step.get("save") or {}:
                roots.add(str(key).partition(".")[0])
    for item in (doc.get("cloud") or {}).get("setup") or []:
        if isinstance(item, dict):
            for key in item.get("save") or {}:
                roots.add(str(key).partition(".")[0])
    return roots


_NAMED_ROOTS = {"images": "image", "volumes": "volume", "servers": "server"}
_RUN_PARTS = ("cloud", "steps", "expect")  # explore: and choices: may name what they make


def _named(doc: dict) -> dict[str, set[str] | None]:
    """The names each of `_NAMED_ROOTS` may have at run time: ``cloud:``'s resources and every
    name a step's or setup request's ``save:`` makes (None: a save of the whole root, any
    name)."""
    cloud = doc.get("cloud") if isinstance(doc.get("cloud"), dict) else {}
    found: dict[str, set[str] | None] = {
        root: set(cloud.get(root) or {}) if isinstance(cloud.get(root) or {}, dict) else None
        for root in _NAMED_ROOTS
    }
    for item in _steps_and_setup(doc):
        save = item.get("save") if isinstance(item, dict) else None
        for key in save if isinstance(save, dict) else ():
            root, _, rest = str(key).partition(".")
            if root in found and found[root] is not None:
                if rest:
                    found[root].add(rest.partition(".")[0])
                else:
                    found[root] = None
    return found


def _saved_fields(doc: dict, root: str, name: str) -> set[str] | None:
    """The fields ``${ROOT.NAME.FIELD}`` may read of a name only ``save:`` makes
    (``save: {images.first.id: body.image_id}`` makes ``id``); None: any (a whole value)."""
    fields: set[str] = set()
    for item in _steps_and_setup(doc):
        save = item.get("save") if isinstance(item, dict) else None
        for key in save if isinstance(save, dict) else ():
            parts = str(key).split(".")
            if parts[:2] == [root, name]:
                if len(parts) == 2:
                    return None
                fields.add(parts[2])
    return fields


def _steps_and_setup(doc: dict) -> list:
    cloud = doc.get("cloud") if isinstance(doc.get("cloud"), dict) else {}
    return [*(doc.get("steps") or []), *(cloud.get("setup") or [])]


def _step_names(doc: dict) -> set[str]:
    """What ``${steps.NAME...}`` may name: every step (unnamed, ``stepN``) and every named
    ``setup:`` request."""
    cloud = doc.get("cloud") if isinstance(doc.get("cloud"), dict) else {}
    found = {
        str(step.get("name") or f"step{i + 1}")
        for i, step in enumerate(doc.get("steps") or [])
        if isinstance(step, dict)
    }
    found.update(
        str(item["name"])
        for item in cloud.get("setup") or []
        if isinstance(item, dict) and item.get("name")
    )
    return found


def _named_ref_problem(doc: dict, ref: str, named: dict) -> str | None:
    """Why ``${servers.wbe.id}`` (or ``${images.first.name}`` of a name whose ``save:`` made
    only ``id``) can never resolve, or None."""
    root, _, rest = ref.partition(".")
    name, _, field = rest.partition(".")
    known = named[root]
    if known is not None and name not in known:
        kind = _NAMED_ROOTS[root]
        return (
            f"${{{ref}}}: no {kind} {name!r}{did_you_mean(name, known)}; "
            f"{'named' if known else 'there are no named'} {root}"
            f"{': ' + ', '.join(sorted(known)) if known else ''} "
            f"(cloud.{root}, or a save: {root}.NAME... of a step)"
        )
    cloud = doc.get("cloud") if isinstance(doc.get("cloud"), dict) else {}
    made = cloud.get(root) if isinstance(cloud.get(root), dict) else {}
    field = field.partition(".")[0]
    if not field or name in made:  # a resource cloud: makes holds the service's whole answer
        return None
    fields = _saved_fields(doc, root, name)
    if fields is None or field in fields:
        return None
    return (
        f"${{{ref}}}: {root}.{name} has no {field!r}{did_you_mean(field, fields)}: "
        f"its save: made {', '.join(f'{root}.{name}.{f}' for f in sorted(fields))}"
    )


def _step_ref_problem(ref: str, steps: set[str]) -> str | None:
    """Why ``${steps.snp.body.image_id}`` can never resolve, or None."""
    name, _, part = ref.partition(".")[2].partition(".")
    if name not in steps:
        return (
            f"${{{ref}}}: no step {name!r}{did_you_mean(name, steps)}; "
            f"the steps are {', '.join(sorted(steps)) or 'none'} (and named setup: requests)"
        )
    part = part.partition(".")[0]
    if part and part not in OUTCOME_PARTS:
        return (
            f"${{{ref}}}: a step has no {part!r}{did_you_mean(part, OUTCOME_PARTS)}; "
            f"it has {', '.join(OUTCOME_PARTS)}"
        )
    return None


def _unfinished_refs(doc: dict, filename: str) -> list[Problem]:
    """A ``${`` that starts no reference (``"${images.first.id"``): it would be sent, or
    matched, as the text written."""
    return [
        _ref_problem(
            doc,
            path,
            filename,
            f"{text!r} has a ${{ that ends no ${{name}} (a missing }}?); "
            "write $${ for the text ${",
        )
        for path, text in unfinished(doc)
        if path[0] in _RUN_PARTS
    ]


def unresolvable(doc: dict, filename: str) -> list[Problem]:
    """The references of a case's bound document (`Case.doc`, as edited: a shrink's steps left
    out) that could never resolve, as loading the file would report them: a ``${images.X.id}``
    or ``${steps.X...}`` whose only maker is a step no longer there."""
    from fakecloud.scenario.model import RUNTIME_ROOTS

    return _check_refs(doc, {}, RUNTIME_ROOTS | _saved_roots(doc), filename)


def _check_refs(doc: dict, names: dict, runtime: set[str], filename: str) -> list[Problem]:
    out = _unfinished_refs(doc, filename)
    named = steps = None
    for path, ref in refs(doc):
        root, _, rest = ref.partition(".")
        if root in _NAMED_ROOTS and rest and root not in names and path[0] in _RUN_PARTS:
            # ${servers.wbe.id}: was found only when the step ran, after the whole set-up
            named = _named(doc) if named is None else named
            message = _named_ref_problem(doc, ref, named)
            if message is not None:
                out.append(_ref_problem(doc, path, filename, message))
            continue
        if root == "steps" and rest and root not in names and path[0] in _RUN_PARTS:
            steps = _step_names(doc) if steps is None else steps
            message = _step_ref_problem(ref, steps)
            if message is not None:
                out.append(_ref_problem(doc, path, filename, message))
            continue
        if root in names:
            if rest:
                try:
                    dig(names[root], rest.split("."))
                except Unresolved as exc:
                    out.append(_ref_problem(doc, path, filename, f"${{{ref}}}: {exc}"))
        elif root not in runtime:
            known = sorted(set(names) | runtime)
            out.append(
                _ref_problem(
                    doc, path, filename, f"unknown name ${{{ref}}}; known: {', '.join(known)}"
                )
            )
    return out


def _ref_problem(doc: dict, path: tuple, filename: str, message: str) -> Problem:
    return Problem(filename, line_of(doc, path), field_name(path), message)


# -- merging a case over the file ---------------------------------------------------------


def _merge_case(
    base: YamlMap, override: Any, filename: str, where: tuple
) -> tuple[YamlMap, list[Problem]]:
    if not override:
        return base, []
    problems: list[Problem] = []
    merged = _copy_map(base)
    for key, value in override.items():
        if key in ("note", "vars"):
            continue
        line = override.key_lines.get(key)
        if key == "steps" and isinstance(value, dict):
            merged["steps"] = _merge_steps(
                base.get("steps") or YamlList(), value, filename, problems, where
            )
            merged.key_lines["steps"] = merged.key_lines.get("steps") or line
        else:
            _set(merged, key, value, line)
    return merged, problems


def _merge_steps(
    steps: list, changes: YamlMap, filename: str, problems: list, where: tuple
) -> YamlList:
    out = YamlList(line=getattr(steps, "line", None))
    out.item_lines = list(getattr(steps, "item_lines", []))
    by_name = {}
    for i, step in enumerate(steps):
        out.append(step)
        if isinstance(step, dict):
            by_name[step.get("name") or f"step{i + 1}"] = i  # unnamed steps: as model names them
    for name, change in changes.items():
        if name not in by_name:
            problems.append(
                Problem(
                    filename,
                    changes.key_lines.get(name),
                    field_name((*where, "steps", name)),
                    f"no step named {name!r} to change; named steps: "
                    f"{', '.join(map(str, by_name)) or 'none'}",
                )
            )
            continue
        i = by_name[name]
        out[i] = merge(out[i], change)
    return out


def merge(base: Any, override: Any) -> Any:
    """Deep-merge `override` over `base` (mappings merge, others replace, None deletes)."""
    if not (isinstance(base, dict) and isinstance(override, dict)):
        return override
    out = _copy_map(base)
    for key, value in override.items():
        _set(out, key, value, getattr(override, "key_lines", {}).get(key))
    return out


def _set(out: YamlMap, key: Any, value: Any, line: int | None) -> None:
    if value is None:
        out.pop(key, None)
        return
    out[key] = merge(out[key], value) if key in out else value
    if line is not None:
        out.key_lines[key] = line


def _copy_map(value: dict) -> YamlMap:
    out = YamlMap(value, line=getattr(value, "line", None))
    out.key_lines = dict(getattr(value, "key_lines", {}))
    return out
