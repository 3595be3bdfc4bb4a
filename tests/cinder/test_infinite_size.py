"""An infinite volume size (JSON ``Infinity`` or ``1e999``, which Python's json reads as a
float) on a Cinder without a create schema (Queens, 12.0.10 ``volume/api.py`` ``API.create``):
``strutils.is_int_like`` lets ``int(inf)``'s OverflowError through, so ``FaultWrapper`` answers
its unworded 500. fakecloud gave the same answer only by crashing into it (an ``api.error``);
found by the session 13 fuzzing. Where the schema runs, it refuses the float."""

import pytest

from tests.booted import booted

PATH = "/v3/{project_id}/volumes"
JSON = {"Content-Type": "application/json"}


@pytest.mark.parametrize("size", [b"Infinity", b"-Infinity", b"1e999"])
def test_queens_answers_faultwrappers_500_on_purpose(size):
    cloud = booted(seed=1, profile="seed")
    body = b'{"volume": {"size": ' + size + b"}}"
    resp = cloud.request("block-storage", "POST", PATH, body=body, headers=JSON)
    assert resp.json() == {
        "computeFault": {
            "code": 500,
            "message": "The server has either erred or is incapable of performing the "
            "requested operation.",
        }
    }
    assert cloud.trace.filter(kind="api.error") == []
    assert cloud.cinder.store.volumes == {}


def test_the_schema_refuses_it_where_there_is_one():
    cloud = booted(seed=1, profile="upstream")
    body = b'{"volume": {"size": Infinity}}'
    resp = cloud.request("block-storage", "POST", PATH, body=body, headers=JSON)
    assert resp.status == 400
    assert "inf is not of type 'integer', 'string', 'null'" in resp.json()["badRequest"]["message"]
