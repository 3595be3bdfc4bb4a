"""A paced server that settles serves a calendar on the clock's pace: the virtual seconds of
a request's settled work take no calendar time, so a client comparing the cloud's dates with
its own clock (novaclient's ``--changes-since`` tests) finds them where it did the work.

The clock is paced, but at a billionth of the wall clock's pace (a microsecond in 1000 s), so
the calendar here moves only by ``/fakecloud/advance``: what a client's wall-clock wait would
be at speed 1."""

from __future__ import annotations

import pytest
import requests

from fakecloud.transport.server import FakecloudServer

TIMEOUT = 10
EPOCH = "2026-03-01T00:00:00Z"


@pytest.fixture(scope="module")
def served():
    with FakecloudServer(port_base=0, speed=1e-9, settle=True, epoch=EPOCH) as srv:
        token = requests.post(
            f"{srv.urls['identity']}/v3/auth/tokens",
            json={
                "auth": {
                    "identity": {
                        "methods": ["password"],
                        "password": {
                            "user": {
                                "name": "demo",
                                "domain": {"id": "default"},
                                "password": srv.cloud.credentials("demo")["password"],
                            }
                        },
                    },
                    "scope": {"project": {"name": "demo", "domain": {"id": "default"}}},
                }
            },
            timeout=TIMEOUT,
        ).headers["X-Subject-Token"]
        yield srv, {"X-Auth-Token": token, "OpenStack-API-Version": "compute 2.58"}


def _compute(served, method: str, path: str, body=None) -> requests.Response:
    srv, headers = served
    url = f"{srv.urls['compute']}/v2.1{path}"
    return requests.request(method, url, json=body, headers=headers, timeout=TIMEOUT)


def _advance(served, seconds: float) -> dict:
    srv, _ = served
    url = f"{srv.urls['compute']}/fakecloud/advance"
    return requests.post(url, json={"seconds": seconds}, timeout=TIMEOUT).json()


def test_a_build_settled_at_once_is_dated_when_it_was_asked_for(served):
    srv, headers = served
    image = requests.get(
        f"{srv.urls['image']}/v2/images?name=cirros-0.6.2-x86_64-qga", headers=headers
    ).json()["images"][0]["id"]
    body = {"server": {"name": "cal", "flavorRef": "1", "imageRef": image, "networks": "none"}}
    created = _compute(served, "POST", "/servers", body)
    assert created.status_code == 202
    shown = _compute(served, "GET", f"/servers/{created.json()['server']['id']}")
    server = shown.json()["server"]
    assert server["status"] == "ACTIVE"
    assert (server["created"], server["updated"]) == ("2026-03-01T00:00:00Z",) * 2
    assert server["OS-SRV-USG:launched_at"] == "2026-03-01T00:00:00.000000"
    assert shown.headers["Date"] == "Sun, 01 Mar 2026 00:00:00 GMT"
    clock = requests.get(f"{srv.urls['compute']}/fakecloud/clock", timeout=TIMEOUT).json()
    assert clock["wall_time"] == "2026-03-01T00:00:00Z"
    # The build's virtual seconds are the trace's: only the calendar does not count them.
    assert clock["now"] > 3
    built = srv.cloud.trace.filter(kind="state", subject=server["id"])[-1]
    assert built["t"] > 3


def test_changes_since_the_clients_time_finds_what_it_did_since_and_no_more(served):
    # novaclient's test_list_instance_action_with_changes_since and test_list_with_changes_since
    (server_id,) = [s["id"] for s in _compute(served, "GET", "/servers").json()["servers"]]
    assert _advance(served, 2)["wall_time"] == "2026-03-01T00:00:02Z"  # its time.sleep(2)
    assert _compute(served, "POST", f"/servers/{server_id}/action", {"os-stop": None}).ok
    actions = f"/servers/{server_id}/os-instance-actions?changes-since="
    since_create = _compute(served, "GET", actions + "2026-03-01T00:00:00Z").json()
    since_stop = _compute(served, "GET", actions + "2026-03-01T00:00:02Z").json()
    assert [a["action"] for a in since_create["instanceActions"]] == ["stop", "create"]
    assert [a["action"] for a in since_stop["instanceActions"]] == ["stop"]
    listed = _compute(served, "GET", "/servers?changes-since=2026-03-01T00:00:02Z").json()
    assert [s["id"] for s in listed["servers"]] == [server_id]
    later = _compute(served, "GET", "/servers?changes-since=2026-03-01T00:00:03Z").json()
    assert later["servers"] == []
