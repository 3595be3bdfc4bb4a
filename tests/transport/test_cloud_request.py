"""``cloud.request``: one API call without HTTP, through the same token check as the wire."""

import pytest
from echo_service import ECHO_URL, EchoService

from fakecloud.transport.gateway import Gateway
from tests.booted import booted


@pytest.fixture
def cloud():
    return booted()


@pytest.fixture
def gateway(cloud):
    return Gateway(cloud, extra={ECHO_URL: EchoService(cloud.kernel)})


def test_request_authenticates_as_the_user(gateway, cloud):
    body = gateway.call("echo", "GET", "/v1/whoami", user="demo-reader").json()
    assert body["user_name"] == "demo-reader"
    assert body["roles"] == ["reader"]
    assert body["project_id"] == cloud.context("demo-reader").project_id


def test_no_user_sends_no_token(gateway):
    resp = gateway.call("echo", "GET", "/v1/whoami", user=None)
    assert resp.status == 401
    assert resp.json()["error"]["title"] == "Unauthorized"


def test_microversion_body_query_and_project_id(gateway, cloud):
    resp = gateway.call(
        "echo",
        "POST",
        "/v1/whoami?x={project_id}",
        body={"a": 1},
        microversion="1.4",
    )
    body = resp.json()
    assert body["microversion"] == "1.4"
    assert resp.headers["OpenStack-API-Version"] == "echo 1.4"
    assert body["body"] == {"a": 1}
    assert body["query"] == {"x": [cloud.context("demo").project_id]}


def test_an_out_of_range_microversion_is_the_services_406(gateway):
    resp = gateway.call("echo", "GET", "/v1/whoami", microversion="1.9")
    assert resp.status == 406


def test_a_header_style_microversion_is_refused_naming_the_form(gateway):
    """``microversion="volume 3.27"`` sent ``volume volume 3.27``: Cinder's 500 (the header's
    own answer, which a raw header still gets)."""
    with pytest.raises(ValueError, match=r"expected a version such as '2.60' or 'latest', got "
                       r"'echo 1.4': the service's name is added"):  # fmt: skip
        gateway.call("echo", "GET", "/v1/whoami", microversion="echo 1.4")


def test_work_that_takes_virtual_time_runs_until_the_answer(gateway, cloud):
    resp = gateway.call("echo", "POST", "/v1/slow", body={"seconds": 12.5})
    assert resp.status == 202
    assert cloud.now == 12.5


def test_cloud_request_reaches_keystone(cloud):
    resp = cloud.request(
        "identity", "GET", "/v3/users/" + cloud.context("admin").user_id, user="admin"
    )
    assert resp.status == 200
    assert resp.json()["user"]["name"] == "admin"
    assert resp.headers["x-openstack-request-id"].startswith("req-")


@pytest.mark.parametrize("alias", ["keystone", "identity", "IDENTITY"])
def test_service_type_aliases(cloud, alias):
    assert cloud.request(alias, "GET", "/v3", user=None).status == 200


def test_an_unknown_service_type_says_which_exist(cloud):
    with pytest.raises(KeyError, match="known: identity, compute, image, volumev3"):
        cloud.request("computer", "GET", "/")


def test_an_unknown_user_names_the_known_ones(cloud):
    with pytest.raises(KeyError, match="users: demo, demo-reader, admin"):
        cloud.request("identity", "GET", "/v3", user="mallory")


def test_context_for_a_user(cloud):
    assert cloud.context("demo-reader").roles == ("reader",)
