"""``cloud.request_at``: a request the clock sends at its time, while other code waits on it."""

import math
import time

import pytest

from fakecloud.bounds import OutOfRange
from fakecloud.errors import ReentrantClockError
from tests.booted import booted


def test_the_owner_deletes_the_server_while_its_snapshot_is_awaited():
    """What a backup tool's test needs: the delete lands during the wait (a client's sleep on
    the virtual clock), where a ``cloud.request`` from inside it was a ReentrantClockError."""
    cloud = booted()
    images = cloud.request("image", "GET", "/v2/images?name=cirros-0.6.2-x86_64-disk").json()
    body = {"server": {"name": "web", "flavorRef": "1", "imageRef": images["images"][0]["id"]}}
    server_id = cloud.request("compute", "POST", "/v2.1/servers", body).json()["server"]["id"]
    cloud.run_until_idle()
    snap = {"createImage": {"name": "nightly"}}
    r = cloud.request(
        "compute", "POST", f"/v2.1/servers/{server_id}/action", snap, microversion="2.45"
    )
    assert r.status == 202
    start = cloud.now
    delete = cloud.request_at(start + 1, "compute", "DELETE", f"/v2.1/servers/{server_id}")
    assert delete.response is None and "not answered yet" in repr(delete)
    with cloud.clock():
        time.sleep(30)  # the tool's wait loop
    assert delete.response.status == 204 and cloud.now == start + 30
    (answer,) = cloud.trace.filter(kind="api.response", subject=f"DELETE /v2.1/servers/{server_id}")
    assert answer["t"] == start + 1
    image = cloud.request("image", "GET", f"/v2/images/{r.json()['image_id']}")
    assert image.status == 404  # Nova deleted the snapshot it could not finish
    assert cloud.check_invariants() == []


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        ({"user": "nobody"}, KeyError, "no user 'nobody' in this cloud"),
        ({"user": None}, TypeError, "user: expected a user's name"),
        ({"service_type": "volum"}, KeyError, "unknown service type 'volum' .did you mean"),
        ({"service_type": "volumev2"}, KeyError, "this cloud has no volumev2 service"),
        ({"microversion": 2.1}, TypeError, "microversion: expected a string"),
        ({"t": math.nan}, OutOfRange, r"cloud.request_at: t: expected a number of seconds"),
        ({"t": "9"}, OutOfRange, r"cloud.request_at: t: expected a number of seconds.*got .9."),
        ({"t": -1}, OutOfRange, r"cloud.request_at: t: .* got -1 \(negative\)"),
        # a time the clock has passed, not sent at once: a delay given for a time
        ({"t": 1}, OutOfRange, r"request_at\(t=1\): the clock is already at 3; .* not a delay"),
    ],
)
def test_a_mistake_is_refused_when_scheduled_not_when_the_clock_gets_there(change, error, message):
    cloud = booted(profile="upstream")  # Cinder 3x: no v2 API
    cloud.advance(3 - cloud.now)
    call = {"t": 8, "service_type": "compute", "method": "GET", "path": "/v2.1/flavors"} | change
    with pytest.raises(error, match=message):
        cloud.request_at(**call)
    cloud.advance(10)
    assert cloud.trace.filter(kind="api.request") == []  # nothing was scheduled


def test_the_service_names_are_cloud_requests():
    cloud = booted()
    volumes = cloud.request_at(1, "volume", "GET", "/v3/{project_id}/volumes")
    v3 = cloud.request_at(1, "volumev3", "GET", "/v3/{project_id}/volumes")
    v2 = cloud.request_at(1, "volumev2", "GET", "/v2/{project_id}/volumes")  # Cinder 12 has it
    cloud.advance(2)
    assert [r.response.json() for r in (volumes, v3, v2)] == [{"volumes": []}] * 3


def test_a_request_from_inside_the_simulation_is_told_of_request_at():
    """A callback of the clock (here `Kernel.at`'s; a fault plan's watcher alike) that calls
    ``cloud.request`` cannot drive the clock it runs on: the error names the way that works."""
    cloud = booted()
    # an answer that takes the clock: Nova's API asks the computes over RPC
    cloud.kernel.at(
        1, lambda: cloud.request("compute", "GET", "/v2.1/os-hypervisors", user="admin")
    )
    with pytest.raises(
        ReentrantClockError,
        match=r"cloud.request called by simulated work\? "
        r"cloud.request_at\(t, ...\) has the clock send a request",
    ):
        cloud.advance(2)


def test_a_request_whose_user_was_deleted_meanwhile_is_keystonemiddlewares_401():
    """Keystone revokes a deleted user's tokens: the service's auth_token middleware answers
    the scheduled request as it answers any revoked token (its body, traced)."""
    cloud = booted()
    scheduled = cloud.request_at(5, "compute", "GET", "/v2.1/flavors", user="demo-reader")
    user_id = cloud.keystone.token_for("demo-reader").context.user_id
    assert cloud.request("identity", "DELETE", f"/v3/users/{user_id}", user="admin").status == 204
    cloud.advance(10)
    assert scheduled.response.json() == {
        "error": {
            "code": 401,
            "title": "Unauthorized",
            "message": "The request you have made requires authentication.",
        }
    }
    (refused,) = cloud.trace.filter(kind="identity.token_rejected")
    assert (refused["t"], refused["subject"], refused["reason"]) == (
        5,
        "GET /v2.1/flavors",
        "unknown or revoked token",
    )


@pytest.mark.parametrize(
    ("service", "path"),
    [
        ("compute", "/"),  # the version list (was /v2.1/'s document)
        ("compute", "/servers"),  # no version: Nova's 300 (was the list)
        ("compute", "/v2/servers"),  # the legacy v2 API (was /v2.1/v2/servers, a 404)
        ("compute", "/v2.1/servers"),
        ("identity", "/"),
        ("volume", "/v3/{project_id}/volumes"),
    ],
)
def test_the_path_is_on_the_services_host_as_cloud_requests(service, path):
    """``request_at``'s arguments are ``cloud.request``'s: the path is sent as given, where it
    had a scenario step's catalog prefix added (session 41's finding)."""
    cloud = booted()
    now = cloud.request(service, "GET", path)
    later = cloud.request_at(1, service, "GET", path)
    cloud.advance(2)
    assert (later.response.status, later.response.json()) == (now.status, now.json())
