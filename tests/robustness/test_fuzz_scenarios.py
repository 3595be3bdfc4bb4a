"""Property-based fuzzing of the scenario loader: library scenario files bent as text (a
character inserted: a tab, a colon, a bracket, an anchor or alias, a Python tag, a control
character, a BOM, ``.nan``, ``1e999``, an unknown ``${...}``; a stretch deleted; a line doubled)
must load, or be refused with a `ScenarioError` whose every problem names the file and a line;
never another exception. The same for a field of any depth given a value of another type (a
list, a mapping, a number, a string, null, a boolean), where every problem also names a field.
``make test`` bends a few files; ``make fuzz`` hundreds of times more.
"""

import copy
import functools
import json
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from fakecloud.scenario.errors import ScenarioError
from fakecloud.scenario.loader import load, loads
from fakecloud.scenario.yamldoc import read_yaml

LIBRARY = Path(__file__).resolve().parents[2] / "scenarios"
TEXTS = {p.name: p.read_text() for p in sorted(LIBRARY.rglob("*.yaml"))}
INSERTS = st.sampled_from(
    [
        "\t", ":", ": ", "- ", "{", "}", "[", "]", "&a ", "*a", "!!python/object:os.system ",
        "'", '"', "\n", "\n  ", "#", "%", "@", "---\n", "...\n", "<<: *a\n", "\x00", "\x07",
        "\x1b", "\ufeff", "1e999", ".nan", "-1", "~", "${nope}", "${", "2026-13-01",
    ]
)  # fmt: skip


@st.composite
def bent_texts(draw):
    text = TEXTS[draw(st.sampled_from(sorted(TEXTS)))]
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(text)))
        how = draw(st.sampled_from(["insert", "delete", "double"]))
        if how == "insert":
            text = text[:at] + draw(INSERTS) + text[at:]
        elif how == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 30)) :]
        else:
            start = text.rfind("\n", 0, at) + 1
            end = text.find("\n", at) + 1 or len(text)
            text = text[:end] + text[start:end] + text[end:]
    return text


@settings(
    settings.get_profile("robustness"),
    max_examples=10 * settings.get_profile("robustness").max_examples,
)
@given(bent_texts())
def test_a_bent_scenario_file_loads_or_is_named_at_its_line(text):
    try:
        loads(text, "s.yaml")
    except ScenarioError as exc:
        for problem in exc.problems:
            assert problem.file == "s.yaml" and problem.line is not None, str(problem)


@st.composite
def number_literals(draw):
    """A number as YAML 1.1 or 1.2 may spell it, of any length: decimal, hexadecimal, octal
    (``0``, ``0o``), binary, sexagesimal, with underscores, signs and exponents."""
    digits = draw(st.sampled_from([1, 3, 4299, 4301, 6000, 15000]))
    sign = draw(st.sampled_from(["", "-", "+"]))
    form = draw(st.sampled_from(["dec", "0x", "0", "0o", "0b", "sexa", "under", "exp", "float"]))
    body = {
        "dec": "9" * digits,
        "0x": "0x" + "f" * digits,
        "0": "0" + "7" * digits,
        "0o": "0o" + "7" * digits,
        "0b": "0b" + "1" * digits,
        "sexa": ":".join(["59"] * max(1, digits // 3)),
        "under": "_".join(["999"] * max(1, digits // 3)),
        "exp": "1e" + "9" * min(digits, 6),
        "float": "9" * digits + ".5",
    }[form]
    return sign + body


@settings(settings.get_profile("robustness"))
@given(number_literals())
def test_a_number_of_any_spelling_and_length_loads_or_is_named_at_its_line(literal):
    """``wait: 0x`` and 5,000 f's was a ValueError traceback (CPython converts hexadecimal of
    any length, then refuses to show it as decimal text in the refusal)."""
    try:
        loads(f"name: n\nvars:\n  n: {literal}\nsteps:\n  - wait: {literal}\n", "s.yaml")
    except ScenarioError as exc:
        for problem in exc.problems:
            assert problem.file == "s.yaml" and problem.line is not None, str(problem)


#: Values of every YAML type, for a field of any type.
WRONG_TYPES = [[], {}, 7, -1, 1.5, 10**30, "x", "", None, True, [1, {"a": 2}], {"a": [1]}]


def _paths(node, path=()):
    """Every place in a parsed file: mapping values and list items, at any depth."""
    if path:
        yield path
    if isinstance(node, (dict, list)):
        for key, value in node.items() if isinstance(node, dict) else enumerate(node):
            yield from _paths(value, (*path, key))


@functools.cache
def _parsed(name):
    # as the loader reads it (YAML 1.2's booleans: an ``on:`` key is text), in plain types:
    # PyYAML's own 1.1 reading makes it True, which the loader refuses as a key before any field
    return json.loads(json.dumps(read_yaml(TEXTS[name], name)))


@settings(settings.get_profile("robustness"))
@given(st.sampled_from(sorted(TEXTS)), st.data(), st.sampled_from(WRONG_TYPES))
def test_a_field_of_the_wrong_type_is_named_at_its_file_line_and_field(name, data, value):
    # session 23: 8,976 of 14,612 such edits of every 7th library file refused, all named
    doc = copy.deepcopy(_parsed(name))
    path = data.draw(st.sampled_from(list(_paths(doc))))
    parent = doc
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value
    try:
        loads(yaml.safe_dump(doc, sort_keys=False), "s.yaml")
    except ScenarioError as exc:
        for problem in exc.problems:
            assert problem.file == "s.yaml" and problem.line and problem.field, str(problem)


def _schema_fields(node, path=(), found=None):
    """Every field the scenario schema defines, as a path (``[]`` a list's item, ``*`` a
    mapping's key of the writer's choosing), through ``anyOf``/``oneOf``/``allOf`` and
    ``if``/``then``/``else``: the places no library file fills as much as the ones they do."""
    found = set() if found is None else found
    if not isinstance(node, dict) or len(path) > 10:
        return found
    subs = [(path, sub) for key in ("anyOf", "oneOf", "allOf") for sub in node.get(key, [])]
    subs += [(path, node[key]) for key in ("then", "else") if key in node]
    subs += [((*path, key), sub) for key, sub in node.get("properties", {}).items()]
    subs += [((*path, "*"), sub) for sub in node.get("patternProperties", {}).values()]
    if isinstance(node.get("additionalProperties"), dict):
        subs.append(((*path, "*"), node["additionalProperties"]))
    if isinstance(node.get("items"), dict):
        subs.append(((*path, "[]"), node["items"]))
    for place, sub in subs:
        if place == path or place not in found:
            found.add(place)
            _schema_fields(sub, place, found)
    return found


@functools.cache
def _fields():
    from fakecloud.scenario.schema import scenario_schema

    return sorted(p for p in _schema_fields(scenario_schema()) if p)


def _document_with(path, value):
    """A small valid scenario with `value` placed at the schema field `path` (the mappings and
    lists on the way made)."""
    doc = {"name": "n", "steps": [{"wait": 1}]}
    node = doc
    for key, then in zip(path, (*path[1:], None), strict=True):
        if then is None:
            child = value
        elif isinstance(node, dict) and isinstance(node.get(key), (list if then == "[]" else dict)):
            node = node[key]
            continue
        else:
            child = [] if then == "[]" else {}
        if isinstance(node, list):
            node.insert(0, child)
        else:
            node["a" if key == "*" else key] = child
        node = child
    return doc


#: Session 38: values of the right type that no field takes as well as of the wrong one.
ODD_VALUES = [float("nan"), float("inf"), 2**63, "${nope}", "\x00", "\u2603" * 300, [None]]


@settings(settings.get_profile("robustness"))
@given(st.data(), st.sampled_from(WRONG_TYPES + ODD_VALUES))
def test_any_field_the_schema_defines_given_any_value_is_named_at_file_line_and_field(data, value):
    """A strategy over the scenario schema itself: the fields no library file fills too
    (session 38's probe: each of its 775 fields with 27 values, 20,925 files, each loaded or
    refused naming file, line and field; the 919 that loaded ran without a traceback)."""
    path = data.draw(st.sampled_from(_fields()))
    try:
        loads(yaml.safe_dump(_document_with(path, value), sort_keys=False), "s.yaml")
    except ScenarioError as exc:
        for problem in exc.problems:
            assert problem.file == "s.yaml" and problem.line and problem.field, str(problem)


@pytest.mark.parametrize(("char", "line"), [("\x07", 4), ("\x1b", 4), ("\x7f", 4), ("\x00", 4)])
def test_a_control_character_is_named_at_its_line(tmp_path, char, line):
    """PyYAML's reader reports a control character by its position in the text, not a line:
    the file was named without one (``s.yaml: not valid YAML: unacceptable character``; the
    NUL of a file read from disk was already caught, any other control character and every
    one in `loads` text was not). Found by the session 13 fuzzing."""
    text = f"name: n\ncloud: {{}}\nsteps:\n  - wait: 1{char}\n"
    with pytest.raises(ScenarioError) as in_text:
        loads(text, "s.yaml")
    assert str(in_text.value).startswith(f"s.yaml:{line}: ")
    path = tmp_path / "s.yaml"
    path.write_text(text)
    with pytest.raises(ScenarioError) as on_disk:
        load(path, root_dir=tmp_path)
    assert str(on_disk.value).startswith(f"s.yaml:{line}: ")


#: Hostile values for an explore: section's fields (session 26's round).
EXPLORE_VALUES = st.sampled_from(
    [
        0, 1, -1, 0.5, 2, 10**30, 1e300, float("nan"), float("inf"), "x", "", None, True, [],
        {}, "web", "nope", "cmp-1", "cmp-9", "stall", "delay:75", "delay:1e400", "delay:-1",
        "delay:nan", "CinderBackendError", "io.transfer", "cinder.snapshot.create", "no.point",
    ]
)  # fmt: skip
EXPLORE_BASE = (
    "cloud:\n  images: {cirros: {existing: cirros-0.6.2-x86_64-disk}}\n"
    '  servers: {web: {body: {imageRef: "${images.cirros.id}", flavorRef: "1"}}}\n'
    "steps:\n  - {name: snap, request: 'POST /servers/${servers.web.id}/action', "
    "body: {createImage: {name: s}}}\n"
)


@st.composite
def explore_sections(draw):
    """An explore: section whose fields hold values drawn from `EXPLORE_VALUES`."""
    value = lambda: draw(EXPLORE_VALUES)  # noqa: E731
    section = {
        "seeds": value(),
        "chance": {"rpc_delay": {"max_s": value()}, "throughput_jitter": value()},
        "faults": [{"point": value(), "errors": [value()], "likelihood": value()}],
        "adversary": [{"create_image": value(), "likelihood": value()}],
        "finds": [value()],
    }
    section["faults"].append({"restart": value(), "likelihood": value()})
    for key in draw(st.sets(st.sampled_from(sorted(section)))):
        del section[key]
    return {"explore": section}


@settings(settings.get_profile("robustness"))
@given(explore_sections())
def test_a_hostile_explore_section_is_refused_at_its_field_or_explores_sanely(section):
    """Negative seeds, huge likelihoods, unknown points, errors, servers and hosts, an
    infinite delay: each is named at its file, line and field, or the section is sane (a
    delay was an infinite wait, an unknown host's restart was ignored every seed)."""
    from fakecloud.explore.spec import read
    from fakecloud.sim.explore import delay_of

    try:
        case = loads(EXPLORE_BASE + yaml.safe_dump(section), "s.yaml").cases[0]
        spec = read(case)
    except ScenarioError as exc:
        for problem in exc.problems:
            assert problem.file == "s.yaml" and problem.line is not None, str(problem)
        return
    assert spec.seeds >= 1
    for chosen in (*spec.faults, *spec.inserts):
        assert 0 <= chosen.likelihood <= 1
    for fault in spec.faults:
        assert all(delay_of(e) is None or delay_of(e) <= 1e9 for e in fault.errors)
    hosts = [i.step["restart"]["host"] for i in spec.inserts if "restart" in i.step]
    assert set(hosts) <= {"cmp-1", "cmp-2"}
