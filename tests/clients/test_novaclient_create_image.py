"""python-novaclient's ``servers.create_image``: the image id from the ``Location`` header at
2.1, from the body at 2.45; its shell's ``nova image-create --poll`` at the version it negotiates.
Runs once Nova, Cinder and Glance exist."""

import pytest
from client_helpers import base_image, needs, nova_cli, novaclient, small_flavor


@pytest.fixture
def server(intercepted):
    needs(intercepted, "nova", "cinder", "glance")
    conn = intercepted.connection()
    image = base_image(intercepted, conn)
    server = conn.compute.create_server(
        name="nc", flavor_id=small_flavor(conn, image).id, image_id=image.id, networks="none"
    )
    return conn.compute.wait_for_server(server, wait=600)


def image_status(cloud, image_id):
    return cloud.request("image", "GET", f"/v2/images/{image_id}").json()["status"]


def test_create_image_at_2_1_reads_the_location_header(intercepted, intercept, server):
    nova = novaclient(intercepted, "2.1")
    image_id = nova.servers.create_image(server.id, "nc-2.1", {"k": "v"})
    action = [c for c in intercept.calls if c.request.url.endswith("/action")][-1]
    location = action.response.headers["Location"]
    # seed is nova 17.0.13: the catalog URL as written, one slash (nova/utils.py get_endpoint;
    # the double slash is 34.0.0's, 12d8f57c6f), and novaclient keeps what follows the last '/'.
    assert location == f"http://image.fakecloud.test/images/{image_id}"
    assert action.response.content == b""
    intercepted.run_until_idle()
    assert image_status(intercepted, image_id) == "active"


def test_create_image_at_2_45_reads_the_body(intercepted, intercept, server):
    nova = novaclient(intercepted, "2.45")
    image_id = nova.servers.create_image(server.id, "nc-2.45")
    action = [c for c in intercept.calls if c.request.url.endswith("/action")][-1]
    assert action.response.json() == {"image_id": image_id}
    assert "Location" not in action.response.headers
    intercepted.run_until_idle()
    assert image_status(intercepted, image_id) == "active"

    # The `nova` command negotiates: min(its 2.96, the server's 2.60 in the seed's Nova 17),
    # reads the body's image_id, then polls Glance's image and Nova's task_state every 5 s.
    started, first = intercepted.now, len(intercept.calls)
    status, out, err = nova_cli(intercepted, "image-create", "--poll", "nc", "nc-cli")
    assert (status, err) == (0, "nova CLI is deprecated and will be removed in a future release\n")
    progress = "\rServer snapshotting... {}% complete"
    assert out == "\n" + progress.format(0) + progress.format(100) + "\nFinished\n"
    assert intercepted.now - started == pytest.approx(5.0, abs=0.1)
    (action,) = [c for c in intercept.calls[first:] if c.request.url.endswith("/action")]
    assert action.request.headers["OpenStack-API-Version"] == "compute 2.60"
    (made,) = intercepted.request("image", "GET", "/v2/images?name=nc-cli").json()["images"]
    assert action.response.json() == {"image_id": made["id"]} and made["status"] == "active"


def test_a_glance_refusal_reads_as_novaclient_prints_nova_17s_words(intercepted, server):
    # Nova 17.x passes on str() of glanceclient 2.10.1's HTTPForbidden, '<details> (HTTP 403)'
    # (nova/image/glance.py _translate_plain_exception), and novaclient adds its own ' (HTTP
    # 403)' (novaclient/exceptions.py ClientException.__str__): the code is printed twice.
    from novaclient import exceptions

    nova = novaclient(intercepted, "2.1")
    with pytest.raises(exceptions.Forbidden) as refused:
        nova.servers.create_image(server.id, "nc-refused", {"status": "active"})
    assert str(refused.value).startswith(
        "403 Forbidden: Attribute &#x27;status&#x27; is read-only. (HTTP 403) (HTTP 403) "
        "(Request-ID: req-"
    )
