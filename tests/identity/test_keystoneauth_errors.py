"""keystoneauth's HTTP errors out of Nova's and Cinder's clients are one family of classes
(`fakecloud.identity.keystoneauth`): Keystone's refusal of a service's password plugin prints
as ``keystoneauth1.exceptions.http.HttpError`` does, its answer's request id after the text."""

from __future__ import annotations

import re

import pytest

from fakecloud import Cloud
from fakecloud.cinder import service_auth as cinder_auth
from fakecloud.identity import keystoneauth
from fakecloud.nova import service_auth as nova_auth
from fakecloud.nova.limit import oslo_limit


def test_keystoneauths_unauthorized_is_one_class():
    """Nova's and Cinder's ``[service_user]`` plugins and oslo.limit's session raise the one
    ``Unauthorized`` (Cinder's service_auth had a copy of its own, session 43)."""
    raised = {cinder_auth.Unauthorized, nova_auth.Unauthorized, oslo_limit.Unauthorized}
    assert raised == {keystoneauth.Unauthorized}
    assert type(keystoneauth.status_error(401, None)) is keystoneauth.Unauthorized


@pytest.mark.parametrize(
    ("profile", "config"),
    [("nova-34.0.0", {}), ("seed", {"cinder": {"send_service_user_token": True}})],
)
def test_cinders_upload_to_image_400_prints_keystones_request_id(profile, config):
    """With ``cinder`` disabled, upload-to-image's Glance create fails as Cinder's
    ``[service_user]`` plugin asks its token: ``_volume_upload_image``'s catch-all makes
    keystoneauth's ``Unauthorized`` a 400 with ``str(error)``, which ends with Keystone's
    ``(Request-ID: req-...)`` (keystoneauth1 3.4.0-5.18.1 ``HttpError.__init__``; cinder
    12.0.10 and 27.0.0 ``volume_actions.py``); fakecloud's text stopped at ``(HTTP 401)``."""
    cloud = Cloud(seed=1, profile=profile, config=config)
    body = {"volume": {"size": 1}}
    volume = cloud.request("volumev3", "POST", "/v3/{project_id}/volumes", body=body).json()
    cloud.run_until_idle()
    cinder = cloud.keystone.directory.user_by_name("cinder", "default").id
    off = {"user": {"enabled": False}}
    r = cloud.request("identity", "PATCH", f"/v3/users/{cinder}", body=off, user="admin")
    assert r.status == 200
    path = f"/v3/{{project_id}}/volumes/{volume['volume']['id']}/action"
    upload = {"os-volume_upload_image": {"image_name": "snap"}}
    r = cloud.request("volumev3", "POST", path, body=upload)
    assert r.status == 400
    message = r.json()["badRequest"]["message"]
    assert re.fullmatch(
        r"The request you have made requires authentication\. \(HTTP 401\) "
        r"\(Request-ID: req-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\)",
        message,
    ), message
