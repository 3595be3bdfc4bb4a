"""``/os-assisted-volume-snapshots``: the service's policy, the create schema, the delete's
``delete_info`` and (2.75) its strict query, and a volume Nova has no mapping of, with Nova's
faults. The assisted snapshots themselves run in scenarios/flows/nfs_*.yaml."""

import json

import pytest

from fakecloud import Cloud

PATH = "/v2.1/os-assisted-volume-snapshots"
VOLUME = "0b7d2c4e-1111-4222-8333-444455556666"
CREATE_INFO = {"snapshot_id": "s1", "type": "qcow2", "new_file": "volume-x.s1"}


@pytest.fixture(scope="module")
def cloud():
    return Cloud(profile="upstream")


def _fault(resp):
    (body,) = resp.json().values()
    return resp.status, body["message"]


def _create(cloud, create_info=CREATE_INFO, user="admin"):
    body = {"snapshot": {"volume_id": VOLUME, "create_info": create_info}}
    return cloud.request("compute", "POST", PATH, body=body, user=user)


def _delete(cloud, query, microversion="2.1"):
    path = f"{PATH}/s1?{query}"
    return cloud.request("compute", "DELETE", path, microversion=microversion, user="admin")


def test_only_the_service_or_an_admin_may_ask(cloud):
    assert _fault(_create(cloud, user="demo")) == (
        403,
        "Policy doesn't allow os_compute_api:os-assisted-volume-snapshots:create to be performed.",
    )


def test_the_create_info_is_checked_then_the_volume_must_be_mapped(cloud):
    assert _fault(_create(cloud, {**CREATE_INFO, "type": "raw"})) == (
        400,
        "Invalid input for field/attribute type. Value: raw. 'raw' is not one of ['qcow2']",
    )
    assert _fault(_create(cloud)) == (400, f"No volume Block Device Mapping with id {VOLUME}.")


@pytest.mark.parametrize(
    ("query", "microversion", "message"),
    [
        ("", "2.1", "'delete_info'"),
        ("delete_info=nojson", "2.1", "Expecting value: line 1 column 1 (char 0)"),
        ("delete_info=%7B%7D", "2.1", "'volume_id'"),
        (f"delete_info={json.dumps({'volume_id': VOLUME})}&x=1", "2.74", None),
        (
            "delete_info=%7B%7D&x=1",
            "2.75",
            "Additional properties are not allowed ('x' was unexpected)",
        ),
    ],
)
def test_the_delete_info_is_json_naming_the_volume(cloud, query, microversion, message):
    expected = message or f"No volume Block Device Mapping with id {VOLUME}."
    assert _fault(_delete(cloud, query, microversion)) == (400, expected)


def test_delete_info_that_is_no_object_is_novas_unexpected_error(cloud):
    """Nova catches only KeyError and ValueError around ``delete_info['volume_id']``
    (17.0.13 to HEAD): JSON that is no object is its 500, on purpose (it was a 400)."""
    errors = len(cloud.trace.filter(kind="api.error"))
    status, message = _fault(_delete(cloud, "delete_info=%5B%5D"))
    assert (status, message) == (
        500,
        "Unexpected API Error. Please contact the administrator\n<class 'TypeError'>",
    )
    assert len(cloud.trace.filter(kind="api.error")) == errors
