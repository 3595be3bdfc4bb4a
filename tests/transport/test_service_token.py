"""A service token (``X-Service-Token``) as keystonemiddleware's ``AuthProtocol`` takes it
(4.22.0-13.0.1) and as Nova's policy reads it (17.0.0-34.0.0): an invalid one is a 401 whatever
the user's token (but behind glance-api's delay_auth_decision, where the user's decides); only
one with the ``service`` role lets an expired user token through; one without the role is
refused only from keystonemiddleware 13.0.0 (Nova 34.0.0's series); its roles are never the
caller's own (``role:service`` reads the user's), only a rule naming ``service_roles`` reads
them. Keystone's own API reads none."""

import pytest

from fakecloud import Cloud

SVC = {"password": "pw", "project": "demo", "roles": ["service"]}
EVENT = {
    "events": [{"name": "network-changed", "server_uuid": "9a2c1e7e-0000-4000-8000-000000000001"}]
}


def _cloud(profile="upstream", **config):
    return Cloud(profile=profile, config={"identity": {"users": {"svc": SVC}}, **config})


def _get(cloud, user_token, service_token, path="/v2.1/flavors", service="compute"):
    headers = {"X-Auth-Token": user_token, "X-Service-Token": service_token}
    return cloud.request(service, "GET", path, user=None, headers=headers)


def _token(cloud, user):
    return cloud.keystone.token_for(user).id


def test_an_invalid_service_token_is_a_401_whatever_the_users_token():
    cloud = _cloud()
    assert _get(cloud, _token(cloud, "demo"), "not-a-token").status == 401
    assert cloud.trace.filter(kind="identity.token_rejected")[-1]["reason"] == (
        "invalid service token"
    )


@pytest.mark.parametrize(
    ("service", "path", "status"),
    [
        ("compute", "/v2.1/flavors", 401),
        ("block-storage", "/v3/{project_id}/types", 401),
        # glance-api's delay_auth_decision: the service token goes unconfirmed, the user's decides
        ("image", "/v2/images", 200),
    ],
)
@pytest.mark.parametrize("service_user", [None, "demo-reader"])
def test_glance_alone_leaves_a_refused_service_token_to_the_users(
    service, path, status, service_user
):
    cloud = _cloud("nova-34.0.0")  # keystonemiddleware 13.0.0: a role-less one is refused
    service_token = _token(cloud, service_user) if service_user else "not-a-token"
    assert _get(cloud, _token(cloud, "demo"), service_token, path, service).status == status
    rejected = cloud.trace.filter(kind="identity.token_rejected")
    assert len(rejected) == (status == 401)


@pytest.mark.parametrize(
    ("service_user", "after_s", "status"),
    [
        ("svc", 3600, 200),  # allow_expired: the service role
        ("svc", 3600 + 172800, 401),  # past Keystone's allow_expired_window
        (None, 3600, 401),
        ("demo-reader", 3600, 401),  # a service token without the role allows nothing
    ],
)
def test_only_a_service_role_token_lets_an_expired_user_token_through(
    service_user, after_s, status
):
    cloud = _cloud("nova-33.0.2")
    user_token = _token(cloud, "demo")
    cloud.advance(after_s)
    service_token = _token(cloud, service_user) if service_user else ""
    headers = {"X-Auth-Token": user_token, "X-Service-Token": service_token}
    resp = cloud.request("compute", "GET", "/v2.1/flavors", user=None, headers=headers)
    assert resp.status == status


def test_keystones_own_api_reads_the_users_token_alone():
    """Session 27: Keystone's ``AuthContextMiddleware`` (``BaseAuthProtocol``) only notes a
    service token, and validates the user's without ``allow_expired``: an invalid service
    token was a 401 there, and a service token let an expired user token read Keystone."""
    cloud = _cloud()
    user_token = _token(cloud, "demo")
    assert _get(cloud, user_token, "not-a-token", "/v3/auth/projects", "identity").status == 200
    cloud.advance(3600)
    service_token = _token(cloud, "svc")
    assert _get(cloud, user_token, service_token, "/v3/auth/projects", "identity").status == 401
    assert _get(cloud, user_token, service_token).status == 200  # Nova's keystonemiddleware


@pytest.mark.parametrize(("profile", "status"), [("nova-33.0.2", 200), ("upstream", 401)])
def test_a_service_token_without_the_role_is_refused_from_keystonemiddleware_13(profile, status):
    cloud = _cloud(profile)
    assert _get(cloud, _token(cloud, "demo"), _token(cloud, "demo-reader")).status == status


def test_novas_service_rules_read_the_users_role_not_the_service_tokens():
    """``rule:service_api`` is ``role:service`` (32.0.0 on): the service token's roles are
    not the caller's; a deployer's ``service_roles:service`` reads them."""
    cloud = _cloud()
    demo, svc = _token(cloud, "demo"), _token(cloud, "svc")
    headers = {"X-Auth-Token": demo, "X-Service-Token": svc}
    path = "/v2.1/os-server-external-events"
    resp = cloud.request("compute", "POST", path, body=EVENT, user=None, headers=headers)
    assert resp.status == 403
    assert cloud.request("compute", "POST", path, body=EVENT, user="svc").status == 207
    rule = {"os_compute_api:os-server-external-events:create": "service_roles:service"}
    ruled = _cloud(nova={"policy": rule})
    demo, svc = _token(ruled, "demo"), _token(ruled, "svc")
    headers = {"X-Auth-Token": demo, "X-Service-Token": svc}
    resp = ruled.request("compute", "POST", path, body=EVENT, user=None, headers=headers)
    assert resp.status == 207  # past the policy (no such server)
    assert ruled.request("compute", "POST", path, body=EVENT, user="svc").status == 403


@pytest.mark.parametrize("service_user", ["svc", None])
def test_glance_31_location_rule_reads_the_service_tokens_roles(service_user):
    """``rule:service_api`` is ``service_roles:service`` in Glance 30.1.0-31.x (Nova 31.2.0 to
    32.x): a member's ``GET /v2/images/{id}/locations`` passes with Nova's service token."""
    cloud = _cloud("nova-31.2.0")
    created = cloud.request("image", "POST", "/v2/images", body={"name": "i"})
    demo = _token(cloud, "demo")
    service_token = _token(cloud, service_user) if service_user else ""
    path = f"/v2/images/{created.json()['id']}/locations"
    resp = _get(cloud, demo, service_token, path, service="image")
    assert resp.status == (200 if service_user else 403)


def _held_attachment(cloud):
    """A volume attached (Cinder's attachments API) to a server Nova says uses the attachment
    (`Cinder.server_volume_attachment`): the path and a DELETE of it by `_delete`."""
    vol = cloud.request(
        "volumev3", "POST", "/v3/{project_id}/volumes", body={"volume": {"size": 1}}
    )
    cloud.run_until_idle()
    connector = {"initiator": "iqn.cmp-1", "host": "cmp-1"}
    body = {
        "attachment": {
            "volume_uuid": vol.json()["volume"]["id"],
            "instance_uuid": EVENT["events"][0]["server_uuid"],
            "connector": connector,
        }
    }
    aid = cloud.request(
        "volumev3", "POST", "/v3/{project_id}/attachments", body=body, microversion="3.44"
    ).json()["attachment"]["id"]
    cloud.cinder.server_volume_attachment = lambda ctx, server, volume: aid
    return f"/v3/{cloud.keystone.token_for('demo').project.id}/attachments/{aid}"


@pytest.mark.parametrize(
    ("profile", "service_token", "status"),
    [
        ("upstream", "svc", 200),  # a service's request: is_service_request
        ("upstream", "not-a-token", 401),  # keystonemiddleware refuses it first
        ("upstream", "expired", 401),  # (a service token is never taken expired)
        ("nova-33.0.2", "demo-reader", 409),  # taken (no role required), but not a service's
    ],
)
def test_cinder_lets_a_service_token_delete_an_attachment_nova_uses(profile, service_token, status):
    """Cinder's ``attachment_deletion_allowed`` (bug #2004555) reads the roles of the
    request's service token, as keystonemiddleware passes them (``is_service_request``); an
    unknown or expired one is keystonemiddleware's 401."""
    cloud = _cloud(profile)
    path = _held_attachment(cloud)
    if service_token == "expired":
        service_token = _token(cloud, "svc")
        cloud.advance(3600)
    elif service_token != "not-a-token":
        service_token = _token(cloud, service_token)
    headers = {
        "X-Auth-Token": _token(cloud, "demo"),
        "X-Service-Token": service_token,
        "OpenStack-API-Version": "volume 3.44",
    }
    resp = cloud.request("volumev3", "DELETE", path, user=None, headers=headers)
    assert resp.status == status
    if status == 401:
        rejected = cloud.trace.filter(kind="identity.token_rejected")[-1]
        assert rejected["reason"] == "invalid service token"
