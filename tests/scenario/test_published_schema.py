"""``fakecloud schema`` publishes the scenario schema with its repeated parts written once under
``$defs`` (fakecloud.scenario.schema_defs): every reference written back gives the schema the
loader checks with, and both give the same verdict on every scenario file of the library and
on files bent from them."""

import json
import os
from pathlib import Path

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fakecloud.scenario.loader import read_yaml
from fakecloud.scenario.matrix import _drop_nulls_in_cases
from fakecloud.scenario.schema import published_schema, scenario_schema

ROOT = Path(__file__).resolve().parents[2]
#: make test checks the verdicts on a few files of the library (the references written back
#: are the proof); make fuzz (FAKECLOUD_FUZZ) on all of them and on 100 times the bent files.
SCALE = 100 if os.environ.get("FAKECLOUD_FUZZ") else 1
FEW = ("kernel/slow_link.yaml", "races/snapshot_queued_for_down_compute.yaml")
FILES = sorted((ROOT / "scenarios").rglob("*.yaml"))
if SCALE == 1:
    FILES = [ROOT / "scenarios" / name for name in FEW]
PREFIX = "#/$defs/"


def _written_back(node, defs):
    if isinstance(node, dict):
        if set(node) == {"$ref"} and node["$ref"].startswith(PREFIX):
            return _written_back(defs[node["$ref"][len(PREFIX) :]], defs)
        return {k: _written_back(v, defs) for k, v in node.items()}
    if isinstance(node, list):
        return [_written_back(v, defs) for v in node]
    return node


@pytest.fixture(scope="module")
def schemas():
    return scenario_schema(), published_schema()


@pytest.fixture(scope="module")
def validators(schemas):
    return tuple(jsonschema.Draft202012Validator(schema) for schema in schemas)


@pytest.fixture(scope="module")
def library():
    """The files as the loader checks them (its YAML reading; a case's null keys dropped)."""
    docs = [read_yaml(path.read_text(encoding="utf-8"), path.name) for path in FILES]
    return [json.loads(json.dumps(_drop_nulls_in_cases(doc))) for doc in docs]


def test_the_references_written_back_give_the_inline_schema(schemas):
    inline, published = schemas
    defs = published["$defs"]
    assert _written_back({k: v for k, v in published.items() if k != "$defs"}, defs) == inline
    assert len(defs) > 20 and "reference" in defs and "step_expect" in defs
    assert len(json.dumps(published)) < len(json.dumps(inline)) / 2


def test_every_library_file_and_a_few_broken_ones_get_the_same_verdict(validators, library):
    inline, published = validators
    broken = [{"steps": [{"wait": "soon"}]}, {"cloud": {"profile": "x"}}, {"expect": []}]
    verdicts = [(inline.is_valid(doc), published.is_valid(doc)) for doc in library + broken]
    assert verdicts == [(True, True)] * len(library) + [(False, False)] * len(broken)


VALUES = st.none() | st.booleans() | st.integers(-3, 10**10) | st.floats(allow_nan=False)
VALUES |= st.sampled_from(["", "${n}", "${", "GET /servers", "seed", "1.2", "x" * 3])
VALUES = st.recursive(VALUES, lambda v: st.lists(v, max_size=3) | st.dictionaries(
    st.sampled_from(["name", "at", "wait", "status", "max", "profile", "x"]), v, max_size=3
), max_leaves=6)  # fmt: skip


def _bend(doc, data):
    """`doc` with one value somewhere replaced by a drawn one (or a key added or dropped)."""
    node, key = {"doc": doc}, "doc"
    while isinstance(node[key], (dict, list)) and node[key] and data.draw(st.booleans()):
        inner = node[key]
        node, key = inner, data.draw(st.sampled_from(list(inner) if isinstance(inner, dict)
                                                    else range(len(inner))))  # fmt: skip
    if isinstance(node, dict) and data.draw(st.booleans()):
        node.pop(key)
        return doc
    node[key] = data.draw(VALUES)
    return doc


@settings(
    max_examples=5 * SCALE,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
@given(st.data())
def test_a_bent_file_gets_the_same_verdict_from_both(validators, library, data):
    inline, published = validators
    doc = _bend(json.loads(json.dumps(data.draw(st.sampled_from(library)))), data)
    assert inline.is_valid(doc) == published.is_valid(doc)
