"""Each service's ``auth_token`` middleware asks Keystone about a token once, then reads its
cache (keystonemiddleware ``AuthProtocol.fetch_token``, ``[keystone_authtoken]
token_cache_time``); Nova's calls to Cinder and Glance carry the user's token, and the service
token (``[service_user] send_service_user_token``) lets one that expired mid-snapshot through."""

import pytest

from fakecloud import Cloud
from fakecloud.views.timeline import story

VALIDATE = "GET /v3/auth/tokens"


def validations(cloud, since=0):
    """(actor, status) of each service's ``validate_token`` answer from Keystone."""
    return [
        (e["actor"], e["status"])
        for e in cloud.trace[since:]
        if e["kind"] == "http.response" and e.get("callee") == "keystone"
    ]


def test_a_service_asks_keystone_once_then_reads_its_cache_until_it_ages_out():
    cloud = Cloud()
    token = cloud.keystone.token_for("demo-reader").id
    flavors = cloud.request("compute", "GET", "/v2.1/flavors", user="demo-reader")
    assert flavors.status == 200
    sent = cloud.trace.filter(kind="http.request", callee="keystone")
    assert [(e["actor"], e["subject"], e["call"]) for e in sent] == [
        ("nova-api", VALIDATE, "validate_token")
    ]
    mark = len(cloud.trace)
    assert cloud.request("compute", "GET", "/v2.1/flavors", user="demo-reader").status == 200
    assert validations(cloud, mark) == []  # a cache hit: no call
    # revoked: Keystone knows at once, nova-api's cache goes on taking it for 300 s
    cloud.keystone.tokens.revoke(token)  # what DELETE /v3/auth/tokens does
    used = {"X-Auth-Token": token}
    assert cloud.request("compute", "GET", "/v2.1/flavors", user=None, headers=used).status == 200
    # a service that had not seen it asks, and is told it is gone
    images = cloud.request("image", "GET", "/v2/images", user=None, headers=used)
    assert images.status == 401 and validations(cloud, mark) == [("glance-api", 404)]
    assert cloud.trace.filter(kind="http.response", callee="keystone")[-1]["error"] == (
        "Could not find token"
    )
    cloud.advance(300)  # token_cache_time: the entry aged out, nova-api asks again
    assert cloud.request("compute", "GET", "/v2.1/flavors", user=None, headers=used).status == 401
    assert validations(cloud, mark)[-1] == ("nova-api", 404)


def test_a_token_cache_time_of_0_keeps_an_answer_for_good_as_keystonemiddleware_does():
    # _cache._FakeClient.set (and memcached) take an entry's time 0 as no expiry; -1 is none
    cloud = Cloud(config={"keystone_authtoken": {"token_cache_time_s": 0}})
    token = cloud.keystone.token_for("demo-reader").id
    used = {"X-Auth-Token": token}
    assert cloud.request("compute", "GET", "/v2.1/flavors", user=None, headers=used).status == 200
    cloud.keystone.tokens.revoke(token)
    cloud.advance(3000)  # past 300 s, still inside the token's hour
    mark = len(cloud.trace)
    assert cloud.request("compute", "GET", "/v2.1/flavors", user=None, headers=used).status == 200
    assert validations(cloud, mark) == []
    with pytest.raises(ValueError, match="-1: none"):
        Cloud(config={"keystone_authtoken": {"token_cache_time_s": -2}})


def test_an_expired_token_is_refused_from_the_cache_without_a_call():
    cloud = Cloud(config={"identity": {"token_ttl_s": 60}})
    token = cloud.keystone.token_for("demo").id
    used = {"X-Auth-Token": token}
    assert cloud.request("compute", "GET", "/v2.1/flavors", user=None, headers=used).status == 200
    mark = len(cloud.trace)
    cloud.advance(60)
    refused = cloud.request("compute", "GET", "/v2.1/flavors", user=None, headers=used)
    assert refused.status == 401
    assert validations(cloud, mark) == []
    assert cloud.trace.filter(kind="identity.token_rejected")[-1]["reason"] == "expired token"


def test_a_validation_inside_a_flow_takes_its_round_trip_and_no_cache_asks_each_time():
    config = {"keystone_authtoken": {"validate_latency_s": 0.004, "token_cache_time_s": -1}}
    cloud = Cloud(config=config)
    for _ in range(2):  # Nova's image proxy: nova-api lists Glance's images with the token
        assert cloud.request("compute", "GET", "/v2.1/images").status == 200
    asked = [
        (round(e["t"], 3), e["kind"], e["actor"])
        for e in cloud.trace
        if e.get("callee") == "keystone" or e["kind"] == "api.response"
    ]
    # nova-api's check at the door takes no time; glance-api's, inside the flow, its 4 ms
    # (after image_api's 5 ms to reach Glance)
    assert asked == [
        (0.0, "http.request", "nova-api"),
        (0.0, "http.response", "nova-api"),
        (0.005, "http.request", "glance-api"),
        (0.009, "http.response", "glance-api"),
        (0.009, "api.response", "nova"),
        (0.009, "http.request", "nova-api"),
        (0.009, "http.response", "nova-api"),
        (0.014, "http.request", "glance-api"),
        (0.018, "http.response", "glance-api"),
        (0.018, "api.response", "nova"),
    ]


@pytest.mark.parametrize(
    ("shared", "asking"), [(False, ["nova-api", "glance-api"]), (True, ["nova-api"])]
)
def test_a_shared_cache_lets_every_service_take_a_token_one_of_them_validated(shared, asking):
    # devstack: every service's memcached_servers is one memcached, the key tokens/<token>
    cloud = Cloud(config={"keystone_authtoken": {"shared_cache": shared}})
    assert cloud.request("compute", "GET", "/v2.1/images").status == 200  # Nova asks Glance
    assert [actor for actor, _ in validations(cloud)] == asking


# -- a token that expires mid-snapshot -------------------------------------------------------

#: A slow disk and a slow link to Glance: the live extract ends at t~520, inside the token's
#: 600 s, and the upload's PUT is answered at t~1035, past it (a token lives longer than
#: keystoneauth's two minutes of renewal, or every request would take a new one).
SLOW = {
    "identity": {"token_ttl_s": 600},
    "nova": {"disk_throughput_mb_per_s": 0.5, "glance_link_gbit_per_s": 0.002},
}


def _snapshot_with_a_token_expiring(profile, send):
    config = {**SLOW, "nova": {**SLOW["nova"]}}
    if send is not None:
        config["nova"]["send_service_user_token"] = send
    cloud = Cloud(seed=1, profile=profile, config=config)
    (image,) = cloud.request("image", "GET", "/v2/images?name=cirros-0.6.2-x86_64-disk").json()[
        "images"
    ]
    server = {"name": "web", "flavorRef": "1", "imageRef": image["id"], "networks": "none"}
    r = cloud.request(
        "compute", "POST", "/v2.1/servers", body={"server": server}, microversion="2.37"
    )
    server_id = r.json()["server"]["id"]
    cloud.run_until_idle()
    action = {"createImage": {"name": "snap"}}
    r = cloud.request(
        "compute", "POST", f"/v2.1/servers/{server_id}/action", body=action, microversion="2.45"
    )
    assert r.status == 202
    cloud.run_until_idle()
    return cloud


@pytest.mark.parametrize(
    "profile, send, fails",
    [
        ("nova-17.0.13", None, True),  # the option's default, off; devstack too before Wallaby
        ("nova-17.0.13", True, False),  # [service_user] send_service_user_token = True
        ("nova-34.0.0", None, False),  # devstack's on from Wallaby (23.0.0)
    ],
)
def test_a_user_token_expiring_mid_snapshot_fails_the_upload_unless_nova_sends_its_own(
    profile, send, fails
):
    cloud = _snapshot_with_a_token_expiring(profile, send)
    image = cloud.trace.filter(kind="state", machine="glance.image.status", new="queued")[-1]
    answers = [
        (e["call"], e["status"])
        for e in cloud.trace.filter(kind="http.response", callee="glance-api")
        if e["actor"].startswith("nova-compute")
    ]
    failure = cloud.trace.filter(kind="notification", event_type="compute.exception")
    if fails:
        # the PUT left before the token's end; the GET after it, and the clean-up's DELETE,
        # meet Glance's middleware refusing it (a cache hit: no call to Keystone)
        assert answers[-3:] == [("upload", 204), ("get", 401), ("delete", 401)]
        assert failure[-1]["exception"] == "ImageNotAuthorized"
        # each 401 has its reason, as at the door, told by the story just before it
        told = story(cloud.trace, {image["subject"]: "snap"}).splitlines()
        refusals = [line.split("s  ", 1)[1] for line in told if "refuses" in line or "401" in line]
        assert refusals == [
            "glance-api refuses the token of GET /v2/images/snap: expired token",
            "glance-api → nova-compute cmp-1: 401 to get: The request you have made requires "
            "authentication.",
            "glance-api refuses the token of DELETE /v2/images/snap: expired token",
            "glance-api → nova-compute cmp-1: 401 to delete: The request you have made "
            "requires authentication.",
        ]
    else:
        assert answers[-2:] == [("upload", 204), ("get", 200)]
        assert failure == []
    changes = cloud.trace.filter(kind="state", field="task_state")
    assert changes[-1]["new"] is None


@pytest.mark.parametrize(("profile", "status"), [("nova-26.2.2", 401), ("nova-26.3.0", 200)])
def test_a_refused_token_is_cached_as_invalid_until_keystonemiddleware_10_1_1(profile, status):
    # LP #1987355: the user's own request with its expired token is refused; then a request
    # with that token and a service token of the service role (Nova's, on the user's behalf)
    # is refused from the cache before keystonemiddleware e05466c5f4, asks Keystone after it
    svc = {"password": "pw", "project": "demo", "roles": ["service"]}
    identity = {"roles": {"service": []}, "users": {"svc": svc}}  # devstack makes the role
    cloud = Cloud(profile=profile, config={"identity": identity})
    user = cloud.keystone.token_for("demo").id
    cloud.advance(3600)
    service = cloud.keystone.token_for("svc").id
    alone = cloud.request("image", "GET", "/v2/images", user=None, headers={"X-Auth-Token": user})
    assert alone.status == 401
    mark = len(cloud.trace)
    both = {"X-Auth-Token": user, "X-Service-Token": service}
    assert cloud.request("image", "GET", "/v2/images", user=None, headers=both).status == status
    asked = [("glance-api", 200), ("glance-api", 200)] if status == 200 else [("glance-api", 200)]
    assert validations(cloud, mark) == asked  # the service token's; the user's, allow_expired
