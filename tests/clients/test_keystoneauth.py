"""keystoneauth1, as every OpenStack client uses it: password auth, token reuse, endpoint
lookup in the catalog, re-authentication when the token expires or is refused."""

import pytest
from keystoneauth1 import exceptions as ks_exceptions
from keystoneauth1 import session
from keystoneauth1.identity import v3


def password_session(cloud, user="demo", **overrides):
    cfg = cloud.credentials(user)
    auth = v3.Password(
        auth_url=cfg["auth_url"],
        username=cfg["username"],
        password=overrides.get("password", cfg["password"]),
        project_name=cfg["project_name"],
        user_domain_name=cfg["user_domain_name"],
        project_domain_name=cfg["project_domain_name"],
    )
    return session.Session(auth=auth)


def issued(cloud):
    return cloud.trace.filter(kind="identity.token_issued")


def test_password_auth_gives_a_token_that_is_reused(intercepted, intercept):
    sess = password_session(intercepted)
    first = sess.get_token()
    assert first == sess.get_token()
    assert len(issued(intercepted)) == 1
    posts = [c for c in intercept.calls if c.request.method == "POST"]
    assert [c.request.url for c in posts] == [f"{intercepted.auth_url}/auth/tokens"]
    assert sess.get_project_id() == intercepted.context("demo").project_id
    assert sess.auth.get_access(sess).role_names == ["member"]  # Queens: implying nothing


@pytest.mark.parametrize(
    ("service_type", "suffix"),
    [
        ("compute", "/v2.1"),
        ("image", ""),
        ("volumev3", "/v3/{project_id}"),
        ("block-storage", "/v3/{project_id}"),
        ("identity", "/v3"),
    ],
)
def test_endpoints_are_found_in_the_catalog_by_type_interface_and_region(
    intercepted, service_type, suffix
):
    sess = password_session(intercepted)
    host = {"block-storage": "volume", "volumev3": "volume"}.get(service_type, service_type)
    expected = f"http://{host}.fakecloud.test" + suffix.format(
        project_id=intercepted.context("demo").project_id
    )
    found = sess.get_endpoint(
        service_type=service_type, interface="public", region_name="RegionOne"
    )
    assert found == expected


def test_nova_legacy_v2_entry_reaches_novas_legacy_api(intercepted):
    # devstack's compute_legacy (nova_legacy, <nova>/v2/$(project_id)s, every release): a
    # client taking the endpoint from the catalog is answered by Nova's legacy v2 compatible API
    from keystoneauth1 import adapter

    project_id = intercepted.context("demo").project_id
    legacy = adapter.Adapter(password_session(intercepted), service_type="compute_legacy")
    assert legacy.get_endpoint() == f"http://compute.fakecloud.test/v2/{project_id}"
    flavors = legacy.get("/flavors")
    assert flavors.status_code == 200
    assert "OpenStack-API-Version" not in flavors.headers  # the legacy pipeline echoes none
    assert flavors.json()["flavors"][0]["links"][0]["href"].startswith(
        f"http://compute.fakecloud.test/v2/{project_id}/flavors/"
    )


def test_a_wrong_password_is_keystoneauths_unauthorized(intercepted):
    sess = password_session(intercepted, password="wrong")
    with pytest.raises(ks_exceptions.Unauthorized) as caught:
        sess.get_token()
    assert caught.value.http_status == 401


def test_after_one_virtual_hour_keystoneauth_authenticates_again(intercepted):
    sess = password_session(intercepted)
    first = sess.get_token()
    intercepted.advance(3600)
    second = sess.get_token()
    assert second != first
    assert [e["t"] for e in issued(intercepted)] == [0.0, 3600.0]
    resp = sess.get("/auth/projects", endpoint_filter={"service_type": "identity"})
    assert resp.status_code == 200


def test_a_refused_token_is_replaced_and_the_request_retried(intercepted):
    sess = password_session(intercepted)
    intercepted.keystone.revoke(sess.get_token())
    resp = sess.get("/auth/projects", endpoint_filter={"service_type": "identity"})
    assert resp.status_code == 200
    assert intercepted.trace.filter(kind="identity.token_rejected")[-1]["reason"] == (
        "unknown or revoked token"
    )
    assert len(issued(intercepted)) == 2


def test_the_token_plugin_rescopes_an_existing_token(intercepted):
    unscoped = intercepted.keystone.token_for("admin").id
    auth = v3.Token(
        auth_url=intercepted.auth_url,
        token=unscoped,
        project_name="admin",
        project_domain_name="Default",
    )
    access = auth.get_access(session.Session())
    assert access.project_name == "admin"
    assert access.auth_token != unscoped
    assert intercepted.keystone.validate(access.auth_token).methods == ("token", "password")
