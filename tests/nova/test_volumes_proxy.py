"""``/os-volumes`` and ``/os-snapshots``, Nova's Cinder proxies up to 2.35 (nova 17.0.13-34.0.0
``volumes.py``, ``snapshots.py`` from 32.0.0). Found by Tempest's ``compute.volumes`` tests
(session 27): not served, every call a 404. Their answers' shapes are walked against Nova's
own response schemas in ``tests/schemas/test_response_shapes.py``; here the errors."""

from tests.nova.conftest import NovaEnv


def _message(resp, status: int) -> str:
    assert resp.status == status, resp.json()
    return next(iter(resp.json().values()))["message"]


def test_errors_as_nova_answers_them(env: NovaEnv):
    def create(size, user="demo", mv="2.35"):
        body = {"volume": {"size": size}}
        return env.request("POST", "/v2.1/os-volumes", body, user=user, microversion=mv)

    # Nova's validator reads a string of digits as its number for ``minimum`` (tempest's "0").
    assert _message(create("0"), 400) == (
        "Invalid input for field/attribute size. Value: 0. 0 is less than the minimum of 1"
    )
    missing = "11111111-2222-3333-4444-555555555555"
    resp = env.request("GET", f"/v2.1/os-volumes/{missing}", microversion="2.35")
    assert _message(resp, 404) == f"Volume {missing} could not be found."
    resp = env.request("DELETE", f"/v2.1/os-snapshots/{missing}", microversion="2.35")
    assert _message(resp, 404) == f"Snapshot {missing} could not be found."
    assert _message(create(1, mv="2.36"), 404) == "The resource could not be found."
    assert _message(create(1, user="demo-reader"), 403) == (
        "Policy doesn't allow os_compute_api:os-volumes:create to be performed."
    )
