"""JSON bodies in another encoding than UTF-8: refused where the real service reads bytes as
UTF-8 only (Nova, Cinder and Glance through oslo's ``jsonutils.loads``, which decodes with
``safe_decode(s, 'utf-8')``: a byte-order mark or UTF-16 is malformed), and accepted by
Keystone, whose Flask ``request.get_json`` reads any JSON encoding, as Python's json does."""

import pytest

from fakecloud import Cloud

BOM = b"\xef\xbb\xbf"
LOGIN = (
    b'{"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "demo", '
    b'"domain": {"name": "Default"}, "password": "demo-secret"}}}}}'
)


def encodings(body):
    return {"utf-8 with a BOM": BOM + body, "utf-16": body.decode().encode("utf-16")}


@pytest.fixture(scope="module")
def cloud():
    return Cloud(seed=1)


@pytest.mark.parametrize("encoding", ["utf-8 with a BOM", "utf-16"])
@pytest.mark.parametrize(
    "service, path, body, fault",
    [
        ("compute", "/v2.1/servers", b'{"server": {"name": "a"}}', "Malformed request body"),
        (
            "volume",
            "/v3/{project_id}/volumes",
            b'{"volume": {"size": 1}}',
            "Malformed request body",
        ),
        ("image", "/v2/images", b'{"name": "a"}', "Malformed JSON in request body."),
    ],
)
def test_nova_cinder_and_glance_read_json_bodies_as_utf8_only(
    cloud, service, path, body, fault, encoding
):
    r = cloud.request(
        service,
        "POST",
        path,
        body=encodings(body)[encoding],
        headers={"Content-Type": "application/json"},
    )
    assert r.status == 400
    assert fault in str(r.json())


@pytest.mark.parametrize("encoding", ["utf-8 with a BOM", "utf-16"])
def test_keystone_reads_any_json_encoding(cloud, encoding):
    r = cloud.request(
        "identity",
        "POST",
        "/v3/auth/tokens",
        body=encodings(LOGIN)[encoding],
        user=None,
        headers={"Content-Type": "application/json"},
    )
    assert r.status == 201
