"""Scenario YAML as data that remembers where it came from, and its schema problems.

The reader records the line of every mapping, sequence, key and list item (`YamlMap`,
`YamlList`, `line_of`), so any later check can say where a value came from, through merges of
`cases:` and `${param}` substitution. Booleans follow YAML 1.2: only ``true`` and ``false`` (so a
key ``on:`` stays the string "on", and ``up: no`` is the string "no"). Duplicate keys are
errors, not silently last-one-wins. `schema_problems` turns JSON Schema errors into `Problem`s
naming file, line and field. `fakecloud.scenario.loader` builds scenarios on this.
"""

from __future__ import annotations

import math
import re
from typing import Any

import jsonschema
import yaml

from fakecloud.profiles.resolve import closest
from fakecloud.scenario.errors import Problem, ScenarioError, field_name
from fakecloud.suggest import close_match, did_you_mean

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
NAME_HINT = "names use letters, digits, '-' and '_', and start with a letter or '_'"


#: YAML 1.1's implicit types YAML 1.2 reads otherwise (`BOOL_1_2` puts 1.2's booleans back).
_NOT_YAML_1_2 = ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")


class YamlMap(dict):
    """A mapping from a scenario file; `line` is where it starts, `key_lines` each key's line."""

    key_lines: dict[Any, int]

    def __init__(self, *args: Any, line: int | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.line = line
        self.key_lines = {}


class YamlList(list):
    """A sequence from a scenario file; `line` is where it starts, `item_lines` each item's."""

    item_lines: list[int | None]

    def __init__(self, *args: Any, line: int | None = None):
        super().__init__(*args)
        self.line = line
        self.item_lines = []


class _Loader(_Base):  # type: ignore[misc, valid-type]
    """SafeLoader with YAML 1.2 booleans, no timestamps, and line-carrying containers."""

    problems: list[Problem]
    not_json: int

    # YAML 1.2's core schema reads no dates: a bare ``2024-01-01`` is text (1.1 made it a
    # date, which a request body cannot carry: "the simulation crashed ... Object of type
    # date is not JSON serializable").
    yaml_implicit_resolvers = {
        key: [(tag, rx) for tag, rx in resolvers if tag not in _NOT_YAML_1_2]
        for key, resolvers in _Base.yaml_implicit_resolvers.items()
    }

    def __init__(self, stream: Any, filename: str):
        super().__init__(stream)
        self.filename = filename
        self.problems = []
        self.not_json = 0  # values of a tag JSON has not (`_construct_not_json`)


#: YAML 1.2's booleans (not 1.1's yes/no/on/off), for readers and writers of scenario files.
BOOL_1_2 = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")

_Loader.add_implicit_resolver("tag:yaml.org,2002:bool", BOOL_1_2, list("tTfF"))


def _construct_map(loader: _Loader, node: yaml.MappingNode):
    out = YamlMap(line=node.start_mark.line + 1)
    yield out
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if not isinstance(key, str):
            # every key of a scenario is a name, a JSON body's key or a header: text (``5:``
            # named a server 5, whose create Nova refused in the set-up)
            loader.problems.append(Problem(loader.filename, line, "", _not_text(key)))
            continue
        if key in out:
            loader.problems.append(
                Problem(
                    loader.filename,
                    line,
                    "",
                    f"duplicate key {key!r} (first given on line {out.key_lines[key]})",
                )
            )
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = line


def _not_text(key: Any) -> str:
    """Why a key that is no text is refused, and how to write it."""
    if isinstance(key, (int, float, bool)) or key is None:
        spelled = "null" if key is None else str(key).lower() if isinstance(key, bool) else key
        return f"a key is text, got {_got(key)}: quote it ('{spelled}') if it is meant as text"
    return f"a key must be a plain value, got {_got(key)}"


def _construct_list(loader: _Loader, node: yaml.SequenceNode):
    out = YamlList(line=node.start_mark.line + 1)
    yield out
    for item in node.value:
        out.append(loader.construct_object(item, deep=True))
        out.item_lines.append(item.start_mark.line + 1)


# YAML 1.2 floats: ``1e300`` and ``5E-3`` are numbers (PyYAML's YAML 1.1 wants a dot).
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"),
)


#: The most bits an integer of a scenario file may have: fewer than Python's limit on
#: converting an int to text (``sys.get_int_max_str_digits()``, 4,300 digits by default; a
#: 14,000-bit number has 4,215).
MAX_INT_BITS = 14_000


def _construct_int(loader: _Loader, node: yaml.ScalarNode) -> Any:
    """An integer; one of more digits than Python converts (4,300 by default) is a `Problem`
    at its line instead of a ValueError from deep inside the reader. A hexadecimal, octal or
    binary one is read in any length (the limit is on decimal text), and was that ValueError
    later, when a message showed it (``wait: 0xfff...``)."""
    try:
        value = loader.construct_yaml_int(node)
        if value.bit_length() > MAX_INT_BITS:
            raise ValueError(node.value)
        return value
    except ValueError:
        text = node.value.lower().lstrip("+-").removeprefix("0x").removeprefix("0b")
        digits = sum(c.isalnum() for c in text)
        loader.problems.append(
            Problem(
                loader.filename,
                node.start_mark.line + 1,
                "",
                f"a whole number {digits} digits long: too large to read",
            )
        )
        return 0


#: YAML 1.1's tags for values JSON has not (``!!timestamp``, ``!!binary``, ``!!set``, ...):
#: a scenario or config value is JSON's, sent in a body or compared with one (a tagged date or
#: set in a body crashed the simulation).
NOT_JSON = {
    "timestamp": "a date or time",
    "binary": "bytes",
    "set": "a set",
    "omap": "an ordered mapping",
    "pairs": "a list of pairs",
}


class _NotJson:
    """Where a value of a tag in `NOT_JSON` was: refused once its field is known
    (`_not_json_problems`)."""

    __slots__ = ("tag", "line")

    def __init__(self, tag: str, line: int):
        self.tag, self.line = tag, line

    def __repr__(self) -> str:
        return f"!!{self.tag}"


def _construct_not_json(loader: _Loader, node: yaml.Node) -> _NotJson:
    """A value of a tag in `NOT_JSON`: a marker, refused at its field after the document is
    read."""
    loader.not_json += 1
    return _NotJson(node.tag.rsplit(":", 1)[-1], node.start_mark.line + 1)


def _not_json_problems(data: Any, filename: str) -> list[Problem]:
    """A `Problem` naming the line and field of each `_NotJson` in `data` (each container
    walked and each marker named once: aliases share them)."""
    problems, seen = [], set()
    stack: list[tuple[Any, tuple]] = [(data, ())]
    while stack:
        node, path = stack.pop()
        if isinstance(node, _NotJson):
            if id(node) in seen:  # an alias of it: named once, where it was first met
                continue
            seen.add(id(node))
            message = (
                f"a !!{node.tag} value ({NOT_JSON[node.tag]}): scenario and config files hold "
                "JSON's values (text, numbers, true, false, null, lists, mappings); quote it "
                "to make it text"
            )
            problems.append(Problem(filename, node.line, field_name(path), message))
        elif isinstance(node, (dict, list)) and id(node) not in seen:
            seen.add(id(node))
            items = node.items() if isinstance(node, dict) else enumerate(node)
            stack += [(value, (*path, key)) for key, value in reversed(list(items))]
    return problems


for _short in NOT_JSON:
    _Loader.add_constructor(f"tag:yaml.org,2002:{_short}", _construct_not_json)

_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_list)
_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)

MAX_VALUES = 100_000
"""The most values a scenario file may hold once its aliases are expanded (the library's largest
holds about 300): nine anchors of nine aliases each (a "billion laughs") are 400 million values
to validate and copy, an endless run from a file of ten lines."""


MAX_DEPTH = 100
"""The deepest a scenario file's values may nest (the library's nest 8 levels at most): a
list 900 deep was a RecursionError's traceback while the reader built it."""


def _too_deep(root: yaml.Node) -> yaml.Node | None:
    """The node of `root`'s deepest branch at which it passes `MAX_DEPTH` levels, or None.
    Each node is measured once (iteratively, and aliases are shared nodes), so this costs
    the file's size, not its expansion."""
    depth: dict[int, int] = {}
    open_: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        kids = _node_children(node)
        if not children_done:
            if id(node) not in depth and id(node) not in open_:  # open: an alias inside itself
                open_.add(id(node))
                stack.append((node, True))
                # A scalar is one level and has none below: not pushed (most nodes are).
                stack += [(kid, False) for kid in kids if not isinstance(kid, yaml.ScalarNode)]
            continue
        depth[id(node)] = 1 + max((_depth(depth, kid) for kid in kids), default=0)
        open_.discard(id(node))
    if depth[id(root)] <= MAX_DEPTH:
        return None
    node = root
    for _ in range(MAX_DEPTH):
        node = max(_node_children(node), key=lambda kid: _depth(depth, kid))
    return node


def _depth(depth: dict[int, int], node: yaml.Node) -> int:
    """`node`'s measured depth: a scalar is 1, a node still open (an alias inside itself) 0."""
    return 1 if isinstance(node, yaml.ScalarNode) else depth.get(id(node), 0)


def _node_children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _alias_bomb(data: Any) -> tuple[Any, str] | None:
    """The smallest mapping or list of `data` that holds more than `MAX_VALUES` values once
    aliases (shared containers) are counted every time they appear, or one that holds itself
    (an alias inside its own anchor: endless), with what is wrong (`LAUGHS` when an alias
    counts, `TOO_MANY` for a file that simply writes that many out); or None. Each container is
    sized once, so this is linear in the file, not in its expansion."""
    sizes: dict[int, int] = {}
    open_: set[int] = set()  # being sized: the containers around the one looked at
    aliased = False  # a container met twice: the count includes an alias's expansion
    stack: list[tuple[Any, bool]] = [(data, False)]
    while stack:
        node, children_done = stack.pop()
        values = node.values() if isinstance(node, dict) else node
        if not children_done:
            if id(node) in open_:
                return node, SELF_ALIAS
            if id(node) not in sizes:
                open_.add(id(node))
                stack.append((node, True))
                stack += [(v, False) for v in values if isinstance(v, (dict, list))]
            else:
                aliased = True
            continue
        total = len(node) + sum(sizes[id(v)] for v in values if isinstance(v, (dict, list)))
        if total > MAX_VALUES:
            return node, LAUGHS if aliased else TOO_MANY
        sizes[id(node)] = total
        open_.discard(id(node))
    return None


LAUGHS = (
    f"anchors and aliases expand to more than {MAX_VALUES:,} values here (a 'billion "
    "laughs'); write the values out, or alias fewer of them"
)
TOO_MANY = (
    f"more than {MAX_VALUES:,} values here: a scenario file holds hundreds (the library's "
    "largest about 300); split it into smaller files"
)
SELF_ALIAS = (
    "this mapping or list holds itself (an alias inside its own anchor): it never ends; alias "
    "another anchor, or write the values out"
)


def read_yaml(text: str, filename: str) -> Any:
    """Parse YAML text into `YamlMap`/`YamlList`/scalars, or raise `ScenarioError`."""
    loader = _Loader(text, filename)
    try:
        node = loader.get_single_node()
        deep = _too_deep(node) if node is not None else None
        if deep is not None:
            message = (
                f"values nest more than {MAX_DEPTH} levels deep here: no scenario or config file "
                "needs that many, and reading them would exhaust Python's stack"
            )
            raise ScenarioError([Problem(filename, deep.start_mark.line + 1, "", message)])
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        what = exc.problem or exc.context or str(exc)
        if exc.problem_mark and _at(text, exc.problem_mark) == "\t":
            # "found character that cannot start any token" named no character: a tab
            what = f"a tab at column {mark.column + 1}: YAML indents with spaces, never tabs"
        opened = exc.context_mark
        if exc.problem and exc.context and opened and (not mark or opened.line != mark.line):
            # "did not find expected '}' (while parsing a flow mapping at line 5)": where the
            # unclosed thing began, which a last line past the file's end does not show
            what += f" ({exc.context} at line {opened.line + 1})"
        elif exc.problem and exc.context:
            what = f"{exc.context}: {what}"
        raise ScenarioError([Problem(filename, line, "", f"not valid YAML: {what}")]) from None
    except yaml.reader.ReaderError as exc:
        # A control character: PyYAML gives its position in the text, not a line.
        line = text.count("\n", 0, exc.position) + 1
        code = ord(exc.character) if isinstance(exc.character, str) else exc.character
        what = f"unacceptable character #x{code:04x}: {exc.reason}"
        raise ScenarioError([Problem(filename, line, "", f"not valid YAML: {what}")]) from None
    except yaml.YAMLError as exc:
        raise ScenarioError([Problem(filename, None, "", f"not valid YAML: {exc}")]) from None
    finally:
        loader.dispose()
    if loader.not_json:
        loader.problems += _not_json_problems(data, filename)
    if loader.problems:
        raise ScenarioError(loader.problems)
    if isinstance(data, (dict, list)):
        bomb = _alias_bomb(data)
        if bomb is not None:
            node, message = bomb
            raise ScenarioError([Problem(filename, getattr(node, "line", None), "", message)])
    return data


def _at(text: str, mark: Any) -> str:
    """The character at `mark` (its line and column: a BOM the reader dropped moves its
    index), or ""."""
    lines = text.split("\n")
    if mark.line >= len(lines) or mark.column >= len(lines[mark.line]):
        return ""
    return lines[mark.line][mark.column]


def line_of(root: Any, path: tuple) -> int | None:
    """The line of the value at `path` inside `root` (the closest enclosing one if unknown)."""
    node, line = root, getattr(root, "line", None)
    for part in path:
        if isinstance(node, YamlMap) and part in node:
            line = node.key_lines.get(part, line)
        elif isinstance(node, YamlList) and isinstance(part, int) and part < len(node):
            if part < len(node.item_lines):
                line = node.item_lines[part] or line
        elif not (isinstance(node, (dict, list)) and _has(node, part)):
            break
        node = node[part]
    return line


def _has(node: Any, part: Any) -> bool:
    if isinstance(node, dict):
        return part in node
    return isinstance(part, int) and 0 <= part < len(node)


# -- schema errors as sentences -------------------------------------------------------------

_TYPE_WORDS = {
    "number": "a number",
    "integer": "a whole number",
    "string": "a string",
    "boolean": "true or false",
    "object": "a mapping",
    "array": "a list",
    "null": "nothing",
}


#: The most characters of a value a problem shows (a 4,000-digit number filled a screen).
SHOWN_CHARS = 80


def _got(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**SHOWN_CHARS:
        return f"a whole number of {len(str(abs(value)))} digits"  # int() of a 4,300-digit one
    shown = repr(value)
    return (
        shown
        if len(shown) <= SHOWN_CHARS
        else f"{shown[: SHOWN_CHARS - 3]}... ({len(shown):,} characters)"
    )


def _expected_types(types: Any) -> str:
    if isinstance(types, str):
        types = [types]
    return " or ".join(_TYPE_WORDS.get(t, t) for t in types)


def _one_of_keys(schema: dict) -> list[str] | None:
    """The keys of a ``oneOf: [{required: [k]}, ...]`` (a "does exactly one thing" choice)."""
    options = schema.get("oneOf")
    if not options or not all(set(o) == {"required"} and len(o["required"]) == 1 for o in options):
        return None
    return [o["required"][0] for o in options]


def _is_template(schema: Any) -> bool:
    """Whether `schema` is ``anyOf: [typed, ${name} string]`` (see `schema._Builder.typed`)."""
    from fakecloud.scenario.schema import REF_PATTERN

    options = schema.get("anyOf") if isinstance(schema, dict) else None
    return bool(options) and len(options) == 2 and options[1].get("pattern") == REF_PATTERN


def _wrong_type(error: jsonschema.ValidationError, depth: int) -> bool:
    """Whether `error` only says the value at `depth` is not of the branch's type."""
    if len(error.absolute_path) != depth:
        return False
    if error.validator in ("type", "const"):
        return True
    if error.validator in ("anyOf", "oneOf"):
        return all(_wrong_type(e, depth) or e.validator == "pattern" for e in error.context)
    return False


def _unknown_keys(schema: dict, value: dict) -> list:
    """The keys of `value` that `schema` neither names nor matches by pattern."""
    properties = schema.get("properties", {})
    patterns = schema.get("patternProperties", {})
    return [
        k for k in value if k not in properties and not any(re.search(p, str(k)) for p in patterns)
    ]


def _misspelt(error: jsonschema.ValidationError) -> bool:
    """Whether `error` is an unknown key close to one the schema knows (`_describe` names it)."""
    if error.validator != "additionalProperties" or not isinstance(error.instance, dict):
        return False
    extra = _unknown_keys(error.schema, error.instance)
    known = list(error.schema.get("properties", {}))
    return bool(extra) and close_match(str(extra[0]), known) is not None


def _closest_branch(
    errors: list, depth: int, options: list | None = None, value: Any = None
) -> list:
    """The errors of the anyOf branch the value came closest to: of the branches whose type
    fits, the one with the fewest errors; on a tie the one that knows more of the mapping's
    keys (a poll with its until: misspelt is a poll, not a trace wait), then the first."""
    branches: dict[int, list] = {}
    for e in errors:
        branches.setdefault(e.relative_schema_path[0], []).append(e)

    def known(index: int) -> int:
        branch = options[index] if options and index < len(options) else None
        if not isinstance(branch, dict) or not isinstance(value, dict):
            return 0
        return sum(1 for key in value if key in branch.get("properties", {}))

    fitting = [
        (len(errs), -known(index), index, errs)
        for index, errs in sorted(branches.items())
        if not any(_wrong_type(e, depth) for e in errs)
    ]
    return min(fitting, key=lambda f: f[:3])[3] if fitting else []


def _describe(error: jsonschema.ValidationError) -> tuple[tuple, str]:
    """The path the message is about, and the message."""
    path = tuple(error.absolute_path)
    value, schema, kind = error.instance, error.schema, error.validator
    hint = schema.get("x-hint", "") if isinstance(schema, dict) else ""
    hint = f" ({hint})" if hint else ""
    if kind == "type":
        if isinstance(value, float) and not math.isfinite(value):
            return path, f"expected a finite number, got {_got(value)}{hint}"
        return path, f"expected {_expected_types(error.validator_value)}, got {_got(value)}{hint}"
    if kind == "additionalProperties" and isinstance(value, dict):
        return _unknown_key_problems(error)[0]
    if kind == "required":
        missing = [k for k in error.validator_value if k not in value]
        return path, f"missing required key {missing[0]!r}{hint}"
    if kind == "enum":
        allowed = ", ".join(str(v) for v in error.validator_value)
        suggestion = did_you_mean(str(value), error.validator_value)
        return path, f"expected one of {allowed}, got {_got(value)}{suggestion}"
    if kind == "oneOf" and isinstance(value, dict):
        keys = _one_of_keys(schema)
        if keys is not None:
            given = [k for k in value if k in keys]
            if not given:
                return path, f"does nothing: give one of {', '.join(keys)}{hint}"
            return path, f"does {' and '.join(given)} at once: give only one of them{hint}"
    if kind == "pattern" and "propertyNames" in error.schema_path:
        return (*path, value), f"{_got(value)} is not a usable name: {NAME_HINT}"
    if kind == "pattern":
        from fakecloud.scenario.schema import NAME_PATTERN, PROFILE_PATTERN

        if error.validator_value == NAME_PATTERN:
            return path, f"{_got(value)} is not a usable name: {NAME_HINT}"
        wanted = hint.strip(" ()") or f"text matching {error.validator_value}"
        suggestion = closest(value) if error.validator_value == PROFILE_PATTERN else ""
        return path, f"expected {wanted}, got {_got(value)}{suggestion}"
    if kind in ("minimum", "exclusiveMinimum"):
        bound = error.validator_value
        word = "at least" if kind == "minimum" else "more than"
        return path, f"expected a number {word} {bound}, got {_got(value)}"
    if kind == "maximum":
        return path, f"expected a number at most {error.validator_value:g}, got {_got(value)}"
    if kind == "minItems":
        return path, f"expected at least {error.validator_value} item(s), got {len(value)}"
    if kind == "minProperties":
        return path, "expected at least one key, got an empty mapping"
    if kind == "not":
        return path, hint.strip(" ()") or "this combination is not allowed"
    if kind in ("anyOf", "oneOf"):
        sub = _explaining(error)
        if sub is not None:
            return _describe(sub)
        return path, f"expected {hint.strip(' ()') or 'another shape'}, got {_got(value)}"
    return path, error.message


def _explaining(error: jsonschema.ValidationError) -> jsonschema.ValidationError | None:
    """The error of an anyOf/oneOf's branches that explains it (None: none fits)."""
    schema, kind = error.schema, error.validator
    subs = list(error.context or ())
    if _is_template(schema):  # a typed value that may also be ${name}: explain the type
        subs = [e for e in subs if e.relative_schema_path[0] == 0]
        if subs:
            return min(subs, key=lambda e: -len(e.absolute_path))
    best = _closest_branch(
        subs,
        len(error.absolute_path),
        schema.get(kind) if isinstance(schema, dict) else None,
        error.instance,
    )
    if not best:
        return None
    # a misspelt key ("did you mean 'until'?") says more than the key it leaves missing
    return sorted(best, key=lambda e: not _misspelt(e))[0]


def _unknown_key_problems(error: jsonschema.ValidationError) -> list[tuple[tuple, str]]:
    """One (path, message) for each key of the mapping the schema does not know, in the
    mapping's order, each with its 'did you mean' (or why it has no place there)."""
    path, schema = tuple(error.absolute_path), error.schema
    known = list(schema.get("properties", {}))
    out = []
    for key in _unknown_keys(schema, error.instance) or ["?"]:
        why = schema.get("x-not-here", {}).get(key)
        if why:
            message = f"{key!r} is not a key here ({why}); known: {', '.join(known)}"
        else:
            suggestion = did_you_mean(str(key), known)
            message = f"unknown key {key!r}{suggestion}; known: {', '.join(known)}"
        out.append(((*path, key), message))
    return out


def _describe_all(error: jsonschema.ValidationError) -> list[tuple[tuple, str]]:
    """`_describe`, but a mapping with several unknown keys is one problem for each."""
    one_thing = (  # "does nothing: give one of ..." (`_describe`), not one branch's problem
        error.validator == "oneOf"
        and isinstance(error.instance, dict)
        and _one_of_keys(error.schema) is not None
    )
    if error.validator in ("anyOf", "oneOf") and not one_thing:
        sub = _explaining(error)
        if sub is not None:
            return _describe_all(sub)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        return _unknown_key_problems(error)
    return [_describe(error)]


def _is_finite_number(checker: Any, value: Any) -> bool:
    return (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and (isinstance(value, int) or math.isfinite(value))
    )


_ONE_OF = jsonschema.Draft202012Validator.VALIDATORS["oneOf"]
_ONE_OF_KEYS: dict[int, tuple[dict, list[str] | None]] = {}


def _one_of(validator: Any, options: Any, instance: Any, schema: dict) -> Any:
    """jsonschema's ``oneOf``, but a "does exactly one thing" choice (`_one_of_keys`) met by a
    mapping that gives exactly one of its keys passes without a look at each branch: every
    step and trace check is such a choice, and descending into its nine branches (eight of
    them failing) was most of the time a file of 20,000 steps took to be checked. Any other
    value goes through the library's own ``oneOf``, so a problem is worded as before."""
    if isinstance(instance, dict):
        kept = _ONE_OF_KEYS.get(id(schema))
        if kept is None or kept[0] is not schema:
            kept = _ONE_OF_KEYS[id(schema)] = (schema, _one_of_keys(schema))
        keys = kept[1]
        if keys is not None and sum(1 for key in keys if key in instance) == 1:
            return ()
    return _ONE_OF(validator, options, instance, schema)


#: Draft 2020-12, where NaN and the infinities are not numbers (they would poison the clock).
FiniteValidator = jsonschema.validators.extend(
    jsonschema.Draft202012Validator,
    validators={"oneOf": _one_of},
    type_checker=jsonschema.Draft202012Validator.TYPE_CHECKER.redefine("number", _is_finite_number),
)

_VALIDATORS: dict[int, tuple[dict, Any]] = {}


def schema_problems(data: Any, schema: dict, filename: str, root: Any = None) -> list[Problem]:
    """Every way `data` breaks `schema`, as problems with file, line and field."""
    root = data if root is None else root
    cached = _VALIDATORS.get(id(schema))
    if cached is not None and cached[0] is schema:
        validator = cached[1]
    else:
        validator = FiniteValidator(schema)
        _VALIDATORS[id(schema)] = (schema, validator)
    described = [d for error in validator.iter_errors(data) for d in _describe_all(error)]
    # a required key misspelt is one mistake: its "unknown key 'requets' (did you mean
    # 'request'?)" says it, and "missing required key 'request'" (or a step's "does nothing:
    # give one of request, ...") at the same place is dropped
    meant = {
        (path[:-1], m.group(1))
        for path, message in described
        if (m := re.match(r"unknown key .* \(did you mean '([^']+)'\?\)", message))
    }
    problems = []
    for path, message in described:
        m = re.match(r"missing required key '([^']+)'|does nothing: give one of ([^(]+)", message)
        if m is not None and any(
            (path, key) in meant for key in (m.group(1) or m.group(2)).replace(",", " ").split()
        ):
            continue
        problems.append(Problem(filename, line_of(root, path), field_name(path), message))
    return _dedupe(problems)


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen, out = set(), []
    for p in problems:
        key = (p.line, p.field, p.message)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out
