"""Every service checks the caller's token first: keystonemiddleware's 401 when it is missing,
unknown, revoked or expired; otherwise the context comes from the token."""

import pytest
import requests
from echo_service import ECHO_URL, EchoService

from fakecloud.transport.intercept import Intercept
from tests.booted import booted

#: keystonemiddleware's answer, the same in front of every service.
UNAUTHORIZED = {
    "error": {
        "code": 401,
        "title": "Unauthorized",
        "message": "The request you have made requires authentication.",
    }
}


@pytest.fixture
def cloud():
    return booted()


@pytest.fixture
def echo(cloud):
    with Intercept(cloud, extra={ECHO_URL: EchoService(cloud.kernel)}):
        yield cloud


def whoami(token=None):
    headers = {"X-Auth-Token": token} if token else {}
    return requests.get(f"{ECHO_URL}/v1/whoami", headers=headers)


def test_no_token_is_keystonemiddlewares_401(echo):
    resp = whoami()
    assert resp.status_code == 401
    assert resp.json() == UNAUTHORIZED
    assert resp.headers["WWW-Authenticate"] == 'Keystone uri="http://identity.fakecloud.test"'
    # HTTPUnauthorized(content_type='application/json', charset='UTF-8'): WebOb (1.7.4 to
    # 1.8.11) puts no charset on a JSON type it is given with its headers.
    assert resp.headers["Content-Type"] == "application/json"
    assert resp.headers["x-openstack-request-id"].startswith("req-")
    # The service's code never ran, but its access log has the request: the trace has it as
    # every refused request at the door, the refusal between its request and its answer.
    seen = [
        (e["kind"], e["subject"], e.get("user"), e.get("status"), e.get("reason"))
        for e in echo.trace.filter(actor="echo")
    ]
    assert seen == [
        ("api.request", "GET /v1/whoami", None, None, None),
        ("identity.token_rejected", "GET /v1/whoami", None, None, "no token"),
        ("api.response", "GET /v1/whoami", None, 401, None),
    ]


@pytest.mark.parametrize(
    ("spoil", "reason"),
    [
        (lambda cloud, token: "not-a-token", "unknown or revoked token"),
        (lambda cloud, token: cloud.keystone.revoke(token).id, "unknown or revoked token"),
        (lambda cloud, token: cloud.advance(3600) or token, "expired token"),
    ],
    ids=["unknown", "revoked", "expired"],
)
def test_bad_tokens_are_401_and_the_trace_says_why(echo, spoil, reason):
    token = echo.keystone.token_for("demo").id
    resp = whoami(spoil(echo, token))
    assert resp.status_code == 401
    assert resp.json() == UNAUTHORIZED
    assert echo.trace.filter(kind="identity.token_rejected")[-1]["reason"] == reason
    kinds = [e["kind"] for e in echo.trace.filter(actor="echo")][-3:]
    assert kinds == ["api.request", "identity.token_rejected", "api.response"]


def test_version_documents_need_no_token(echo):
    resp = requests.get(f"{ECHO_URL}/")
    assert resp.status_code == 200


def test_the_context_comes_from_the_token(echo):
    admin = echo.keystone.token_for("admin")
    body = whoami(admin.id).json()
    assert body["user_id"] == admin.user.id
    assert body["user_name"] == "admin"
    assert body["project_id"] == admin.project.id
    assert body["roles"] == ["admin"]  # Queens: keystone 13's bootstrap implies nothing
    assert body["is_admin"] is True


def test_each_request_has_its_own_request_id_in_context_and_header(echo):
    token = echo.keystone.token_for("demo").id
    first, second = whoami(token), whoami(token)
    assert first.json()["request_id"] == first.headers["x-openstack-request-id"]
    assert second.json()["request_id"] == second.headers["x-openstack-request-id"]
    assert first.json()["request_id"] != second.json()["request_id"]


def test_a_token_issued_over_http_is_accepted_by_the_service(echo):
    auth = {
        "auth": {
            "identity": {
                "methods": ["password"],
                "password": {
                    "user": {
                        "name": "demo-reader",
                        "password": "reader-secret",
                        "domain": {"name": "Default"},
                    }
                },
            }
        }
    }
    issued = requests.post(f"{echo.auth_url}/auth/tokens", json=auth)
    assert issued.status_code == 201
    body = whoami(issued.headers["X-Subject-Token"]).json()
    assert body["roles"] == ["reader"]


@pytest.mark.parametrize(
    ("service_type", "attribute", "path"),
    [
        ("compute", "nova", "/v2.1/servers"),
        ("image", "glance", "/v2/images"),
        ("block-storage", "cinder", "/v3/{project_id}/snapshots"),
        ("identity", "keystone", "/v3/auth/projects"),
    ],
)
def test_every_service_of_the_catalog_refuses_a_missing_token(cloud, service_type, attribute, path):
    if getattr(cloud, attribute, None) is None:
        pytest.skip(f"this cloud has no cloud.{attribute} yet")
    path = path.replace("{project_id}", cloud.context("demo").project_id)
    refused = cloud.request(service_type, "GET", path, user=None)
    assert refused.status == 401
    if service_type == "image":  # its own 401: test_discovery_and_routing.py
        assert refused.json()["title"] == "Unauthorized"
    else:
        assert refused.json() == UNAUTHORIZED
        assert refused.headers["x-openstack-request-id"].startswith("req-")
    assert cloud.request(service_type, "GET", path, user="demo").status == 200


def test_every_401_at_a_services_door_is_traced_alike():
    """The pipelines' own refusals without a token (Nova's urlmap sending a media type's
    ``version=`` to the API, Glance's ``ContextMiddleware`` behind ``delay_auth_decision``)
    are traced as keystonemiddleware's: the request, the refusal and its 401, no user."""
    cloud = booted(profile="nova-20.6.1")
    nova = cloud.request(
        "compute", "GET", "/servers", user=None, headers={"Accept": "application/json;version=2.1"}
    )
    glance = cloud.request(
        "image",
        "GET",
        "/images",
        user=None,
        headers={"Accept": "application/vnd.openstack.images-v2.1"},
    )
    assert (nova.status, glance.status) == (401, 401)
    for actor, line in (("nova", "GET /v2.1/servers"), ("glance", "GET /images")):
        seen = [
            (e["kind"], e.get("user"), e.get("status"), e.get("reason"))
            for e in cloud.trace.filter(actor=actor, subject=line)
        ]
        assert seen == [
            ("api.request", None, None, None),
            ("identity.token_rejected", None, None, "no token"),
            ("api.response", None, 401, None),
        ], actor
