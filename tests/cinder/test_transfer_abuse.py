"""Volume transfers under abuse (found by the release fuzzer, session 17): bodies no client
sends, answered as real Cinder answers them, with nothing changed and no exception of
fakecloud's own in the trace."""

import pytest
from cinder_support import MEMBER, OTHER, call, create_volume, fault

from tests.booted import booted


def _unexpected(cloud):
    return cloud.trace.filter(kind="api.error")


@pytest.mark.parametrize("name", [-1, 0.5, True, ["t"], {"a": "b"}])
def test_a_transfer_name_that_is_not_a_string_is_cinders_own_500(name):
    # cinder 13.0.0-29.0.0 api/validation/validators.py
    # _validate_name_skip_leading_trailing_spaces checks the format whatever the type and
    # calls strip() on anything truthy: the AttributeError is FaultWrapper's 500. Falsy ones
    # (0, [], {}) are its InvalidName, a 400.
    cloud = booted(profile="upstream")
    vid = create_volume(cloud)
    body = {"transfer": {"volume_id": vid, "name": name}}
    resp = call(cloud, "POST", "volume-transfers", body, version="3.57", allow_500=True)
    assert fault(resp)[1] == 500
    assert "The server has either erred" in fault(resp)[2]
    assert not _unexpected(cloud)
    shown = call(cloud, "GET", f"volumes/{vid}").json()["volume"]
    assert shown["status"] == "available"
    resp = call(cloud, "POST", "os-volume-transfer", {"transfer": {"volume_id": vid, "name": 0}})
    assert fault(resp)[:2] == ("badRequest", 400)


@pytest.mark.parametrize("profile", ["seed", "upstream"])
def test_an_accept_key_with_a_lone_surrogate_is_cinders_own_500(profile):
    # cinder 12.0.10-29.0.0 transfer/api.py accept -> _get_crypt_hash encodes the key as UTF-8;
    # JSON's "\ud800" decodes to a lone surrogate, which cannot be: FaultWrapper's 500.
    cloud = booted(profile=profile)
    vid = create_volume(cloud)
    made = call(cloud, "POST", "os-volume-transfer", {"transfer": {"volume_id": vid}})
    transfer = made.json()["transfer"]
    path = f"os-volume-transfer/{transfer['id']}/accept"
    body = {"accept": {"auth_key": "\ud800"}}
    resp = call(cloud, "POST", path, body, ctx=OTHER, allow_500=True)
    assert fault(resp)[1] == 500 and not _unexpected(cloud)
    body = {"accept": {"auth_key": transfer["auth_key"]}}
    assert call(cloud, "POST", path, body, ctx=OTHER).status == 202  # still on offer
    assert call(cloud, "GET", f"volumes/{vid}", ctx=MEMBER).status == 404
