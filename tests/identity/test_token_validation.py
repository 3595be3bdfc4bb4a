"""Checking, revoking and expiring tokens: ``GET|HEAD|DELETE /v3/auth/tokens`` and the clock."""

import pytest
from keystone_schemas import ERROR, TOKEN, check

from fakecloud import Cloud
from fakecloud.sim.settled_spans import SettledSpans


def token_of(cloud, user="demo"):
    return cloud.keystone.token_for(user).id


def subject_call(cloud, method, subject, user="demo"):
    return cloud.request(
        "identity", method, "/v3/auth/tokens", user=user, headers={"X-Subject-Token": subject}
    )


@pytest.fixture
def cloud():
    return Cloud()


def test_get_returns_the_subject_token_body(cloud):
    subject = token_of(cloud, "demo")
    resp = subject_call(cloud, "GET", subject)
    assert resp.status == 200
    check(resp.json(), TOKEN)
    assert resp.headers["X-Subject-Token"] == subject
    assert resp.json()["token"]["user"]["name"] == "demo"


def test_head_answers_200_without_a_body(cloud):
    resp = subject_call(cloud, "HEAD", token_of(cloud))
    assert resp.status == 200
    assert resp.body is None


def test_a_user_may_not_validate_another_users_token_but_an_admin_may(cloud):
    theirs = token_of(cloud, "demo-reader")
    denied = subject_call(cloud, "GET", theirs, user="demo")
    assert denied.status == 403
    check(denied.json(), ERROR)
    assert denied.json()["error"]["message"] == (
        "You are not authorized to perform the requested action: identity:validate_token."
    )
    assert subject_call(cloud, "GET", theirs, user="admin").status == 200


def test_missing_subject_header_is_404(cloud):
    # validate_token(None): TokenNotFound (the keystone oracle, 30.0.0: tok-validate-missing)
    resp = cloud.request("identity", "GET", "/v3/auth/tokens")
    assert resp.status == 404
    assert resp.json()["error"]["message"] == "No token in the request"
    assert resp.headers["Vary"] == "X-Auth-Token"


def test_revoked_tokens_are_404_to_validate_and_401_to_use(cloud):
    subject = cloud.keystone.token_for("demo-reader").id
    assert subject_call(cloud, "DELETE", subject, user="admin").status == 204
    gone = subject_call(cloud, "GET", subject, user="admin")
    assert gone.status == 404
    assert gone.json()["error"]["message"] == f"Could not find token: {subject}."
    used = cloud.request(
        "identity", "GET", "/v3/auth/projects", user=None, headers={"X-Auth-Token": subject}
    )
    assert used.status == 401
    assert cloud.trace.filter(kind="identity.token_rejected")[-1]["reason"] == (
        "unknown or revoked token"
    )


@pytest.mark.parametrize("profile, first_wins", [("seed", False), ("upstream", True)])
def test_allow_expired_validates_a_token_within_the_window_as_keystone_does(profile, first_wins):
    """``GET|HEAD /v3/auth/tokens?allow_expired=...`` validates with ``[token]
    allow_expired_window`` added to the expiry (keystone api/auth.py
    ``AuthTokenResource.get``, 13.x's ``_token_validation_window``; ``bool_from_string`` of
    Flask's first value, webob's last before 15.0.0); a revoke validates without it. fakecloud
    ignored the parameter: 404 for every expired token."""
    cloud = Cloud(profile=profile)
    subject = token_of(cloud, "demo-reader")
    cloud.advance(3600)

    def status(method, query):
        return cloud.request(
            "identity",
            method,
            "/v3/auth/tokens" + query,
            user="admin",
            headers={"X-Subject-Token": subject},
        ).status

    body = cloud.request(
        "identity",
        "GET",
        "/v3/auth/tokens?allow_expired=1",
        user="admin",
        headers={"X-Subject-Token": subject},
    )
    assert body.status == 200 and body.json()["token"]["user"]["name"] == "demo-reader"
    assert [status("GET", q) for q in ("", "?allow_expired=maybe", "?allow_expired=0")] == [404] * 3
    assert status("HEAD", "?allow_expired=true") == 200
    assert status("GET", "?allow_expired=yes&allow_expired=no") == (200 if first_wins else 404)
    assert status("DELETE", "?allow_expired=1") == 404
    cloud.advance(172800)  # the window's end: gone for good
    assert status("GET", "?allow_expired=1") == 404


def test_a_crowded_token_store_keeps_expired_tokens_for_allow_expireds_window(cloud):
    """Past `TokenStore.prune_above` tokens, issuing one forgets the dead ones: it forgot every
    expired token, so an ``allow_expired`` validation (or a service token's) of one expired a
    second ago was 404 where Keystone, storing no Fernet token, validates it for ``[token]
    allow_expired_window``. Only tokens past the window are forgotten now."""
    subject = token_of(cloud, "demo-reader")
    store = cloud.keystone.tokens
    store.prune_above = 0  # every issue prunes, as in a store of 10,000 tokens

    def allow_expired():
        return subject_call(cloud, "GET", subject, user="admin").status, cloud.request(
            "identity",
            "GET",
            "/v3/auth/tokens?allow_expired=1",
            user="admin",
            headers={"X-Subject-Token": subject},
        ).status

    cloud.advance(3601)
    token_of(cloud, "demo")  # an issue: the store prunes
    assert subject in store and allow_expired() == (404, 200)
    cloud.advance(172800)
    token_of(cloud, "admin")
    assert subject not in store and allow_expired() == (404, 404)


def test_a_token_lives_one_virtual_hour_by_default(cloud):
    token_id = token_of(cloud)

    def use():
        return cloud.request(
            "identity", "GET", "/v3/auth/projects", user=None, headers={"X-Auth-Token": token_id}
        )

    cloud.advance(3599.5)
    assert use().status == 200
    cloud.advance(0.5)
    expired = use()
    assert expired.status == 401
    check(expired.json(), ERROR)
    assert cloud.trace.filter(kind="identity.token_rejected")[-1]["reason"] == "expired token"
    assert subject_call(cloud, "GET", token_id, user="admin").status == 404


def test_token_lifetime_is_configurable():
    cloud = Cloud(config={"identity": {"token_ttl_s": 600}})
    token = subject_call(cloud, "GET", token_of(cloud)).json()["token"]
    assert token["expires_at"] == "2026-01-01T00:10:00.000000Z"
    cloud.advance(480)  # two minutes left: keystoneauth keeps it (expires < now + 120 is false)
    assert cloud.request("identity", "GET", "/v3/auth/projects").status == 200
    assert len(cloud.trace.filter(kind="identity.token_issued", subject="demo")) == 1
    cloud.advance(1)
    # cloud.request asks a new token once the cached one has less than two minutes left, as
    # keystoneauth's session does (MIN_TOKEN_LIFE_SECONDS, will_expire_soon).
    assert cloud.request("identity", "GET", "/v3/auth/projects").status == 200
    assert len(cloud.trace.filter(kind="identity.token_issued", subject="demo")) == 2


def test_a_token_dies_on_the_served_calendar_while_builds_settle():
    """``fakecloud serve --settle``: each request's work settles at once in virtual time while
    the served calendar stands still (`fakecloud.sim.settled_spans`). A token dies its
    lifetime after the calendar time it was issued at, as Keystone's ``expires_at`` says,
    not after that many virtual seconds (which every settled build used up: an hour of
    builds killed a token the client had just been told lives an hour)."""
    cloud = Cloud(config={"identity": {"token_ttl_s": 60}})
    spans = cloud.kernel.clock.settled = SettledSpans()

    def served(seconds, call=None):  # a request whose work settles for `seconds`
        spans.open(cloud.now)
        out = call() if call else None
        cloud.advance(seconds)
        spans.close(cloud.now)
        return out

    token_id = served(0, lambda: token_of(cloud))
    shown = served(0, lambda: subject_call(cloud, "GET", token_id)).json()["token"]
    assert shown["expires_at"] == "2026-01-01T00:01:00.000000Z"
    served(500)  # builds: 500 virtual seconds, no calendar time
    cloud.advance(59)  # the calendar's pace between requests
    shown = served(0, lambda: subject_call(cloud, "GET", token_id))
    assert shown.status == 200
    assert shown.json()["token"]["expires_at"] == "2026-01-01T00:01:00.000000Z"
    cloud.advance(1)
    assert served(0, lambda: subject_call(cloud, "GET", token_id, user="admin")).status == 404


def test_cloud_request_reuses_its_token_until_it_expires(cloud):
    for _ in range(3):
        assert cloud.request("identity", "GET", "/v3/auth/projects").status == 200
    assert len(cloud.trace.filter(kind="identity.token_issued")) == 1
