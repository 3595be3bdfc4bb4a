"""Cinder's service token (``[service_user] send_service_user_token``, devstack's from Cinder
25.0.0) is its ``cinder`` user's, a user of the cloud's Keystone (project ``service``, the
``service`` role alone: devstack's ``create_service_user "cinder"``), and Nova's and Glance's
``auth_token`` middleware validate it as any token; before session 43 it was taken as valid
with no user behind it. Cinder's ``[nova]`` privileged user is Nova's ``nova``, its token
checked alike."""

from __future__ import annotations

from fakecloud import Cloud
from tests.nova.conftest import NovaEnv
from tests.nova.test_server_external_events import _attached_volume
from tests.tokens import revoke


def _cirros(cloud):
    return next(i.id for i in cloud.glance.db.images.values() if i.name.startswith("cirros"))


def _volume_process(cloud):
    """The cinder-volume process that sent Cinder's requests (its plugin holds its token)."""
    return next(
        e["actor"]
        for e in cloud.trace.filter(kind="http.request")
        if e["actor"].startswith("cinder-volume")
    )


def test_cinders_service_token_is_its_keystone_users_checked_by_glance():
    """A volume made from an image: Cinder asks Keystone for its service user's token, and
    glance-api validates it beside the user's (its first call: two validations). cinder-api
    (the image's show) and cinder-volume (its download) each hold a token of their own, as
    each process's ``[service_user]`` plugin is its own (cinder 27.0.0 ``service_auth.py``
    ``_SERVICE_AUTH``): glance-api validates the second too (one plugin shared before)."""
    cloud = Cloud(seed=1, profile="nova-34.0.0")
    body = {"volume": {"size": 1, "imageRef": _cirros(cloud)}}
    assert cloud.request("volumev3", "POST", "/v3/{project_id}/volumes", body=body).status == 202
    cloud.run_until_idle()
    issued = cloud.trace.filter(kind="identity.token_issued", subject="cinder")
    assert [(e["scope"], e["roles"]) for e in issued] == [("project:service", ["service"])] * 2
    asked = [e["actor"] for e in cloud.trace.filter(kind="http.response", call="validate_token")]
    # the user's; cinder-api's and the user's; the ``[glance]`` user's and cinder-volume's (its
    # location request, cinder 27.0.0 b851d08e8)
    assert asked == ["cinder-api", "glance-api", "glance-api", "glance-api", "glance-api"]
    (volume,) = cloud.request("volumev3", "GET", "/v3/{project_id}/volumes/detail").json()[
        "volumes"
    ]
    assert volume["status"] == "available"


def test_nova_refuses_cinders_event_when_its_service_token_lacks_the_service_role():
    """keystonemiddleware 13.0.0 (Nova 34.0.0's series) refuses a service token without the
    ``service`` role: an operator who gives ``cinder`` another role instead has Nova refuse
    Cinder's ``volume-extended`` event (nova-api's 401), which Cinder only logs; the guest's
    disk is never grown. fakecloud took Cinder's service token unchecked."""
    env = NovaEnv("upstream")
    sid = env.boot("vm")
    vid = _attached_volume(env, sid)
    d = env.cloud.keystone.directory
    project, user = d.project_by_name("service").id, d.user_by_name("cinder", "default").id
    roles = {r.name: r.id for r in d.roles.values()}
    grants = f"/v3/projects/{project}/users/{user}/roles"
    for method, role in (("PUT", "member"), ("DELETE", "service")):
        r = env.cloud.request("identity", method, f"{grants}/{roles[role]}", user="admin")
        assert r.status == 204
    path = f"/v3/{{project_id}}/volumes/{vid}/action"
    extend = {"os-extend": {"new_size": 3}}
    r = env.cloud.request("volumev3", "POST", path, body=extend, microversion="3.42")
    assert r.status == 202
    env.cloud.run_until_idle()
    # refused, then sent again once with new [nova] and [service_user] tokens
    # (keystoneauth's Session.request after a 401, session 44), refused again
    rejected = env.cloud.trace.filter(kind="identity.token_rejected", actor="nova")
    assert [e["reason"] for e in rejected] == ["service token without the service role"] * 2
    between = [
        e["subject"]
        for e in env.cloud.trace.filter(kind="identity.token_issued")
        if rejected[0]["seq"] < e["seq"] < rejected[1]["seq"]
    ]
    assert between == ["nova", "cinder"]
    (error,) = env.cloud.trace.filter(kind="cinder.error")
    assert error["error"].endswith("(401)")
    actions = env.request("GET", f"/v2.1/servers/{sid}/os-instance-actions").json()
    assert "extend_volume" not in [a["action"] for a in actions["instanceActions"]]


def test_cinders_500_for_keystones_refusal_of_its_service_user_is_no_unexpected_500():
    """With ``cinder`` disabled, a volume made from an image fails before Cinder's Glance
    request leaves: keystoneauth's ``Unauthorized``, which Cinder's Glance client does not
    translate, is ``FaultWrapper``'s generic 500 as in real Cinder, so ``no_unexpected_500``
    (fakecloud's own defects) holds; it reported the real 500 as fakecloud's."""
    cloud = Cloud(seed=1, profile="nova-34.0.0")
    cinder = cloud.keystone.directory.user_by_name("cinder", "default").id
    off = {"user": {"enabled": False}}
    r = cloud.request("identity", "PATCH", f"/v3/users/{cinder}", body=off, user="admin")
    assert r.status == 200
    body = {"volume": {"size": 1, "imageRef": _cirros(cloud)}}
    r = cloud.request("volumev3", "POST", "/v3/{project_id}/volumes", body=body)
    assert (r.status, r.json()["computeFault"]["code"]) == (500, 500)
    assert [e["subject"] for e in cloud.trace.filter(kind="identity.auth_failed")] == [cinder]
    assert cloud.check_invariants(["no_unexpected_500"]) == []


def test_cinders_nova_user_asks_keystone_for_a_token_at_each_event():
    """Cinder's ``[nova]`` privileged user is a password plugin loaded for each client Cinder
    makes (cinder 27.0.0 ``compute/nova.py`` ``novaclient``): each ``volume-extended`` event
    goes with a new ``nova`` token of its own, which nova-api validates, not the one Nova's own
    service user holds."""
    env = NovaEnv("upstream")
    sid = env.boot("vm")
    vid = _attached_volume(env, sid)
    path = f"/v3/{{project_id}}/volumes/{vid}/action"
    before = len(env.cloud.trace.filter(kind="identity.token_issued", subject="nova"))
    for size in (2, 3):
        extend = {"os-extend": {"new_size": size}}
        r = env.cloud.request("volumev3", "POST", path, body=extend, microversion="3.42")
        assert r.status == 202
        env.cloud.run_until_idle()
    issued = env.cloud.trace.filter(kind="identity.token_issued", subject="nova")[before:]
    assert [e["scope"] for e in issued] == ["project:service"] * 2
    actions = env.request("GET", f"/v2.1/servers/{sid}/os-instance-actions").json()
    extends = [a for a in actions["instanceActions"] if a["action"] == "extend_volume"]
    assert len(extends) == 2


def test_cinder_sends_its_held_service_token_and_retries_once_after_novas_401():
    """Cinder's ``[service_user]`` plugin keeps the token Keystone issued it until its renewal
    point, revoked since or not: the ``volume-extended`` event goes with it, nova-api refuses
    it, and keystoneauth sends the event again, once, with new ``[nova]`` and service tokens,
    which Nova takes: the guest's disk grows. fakecloud's Cinder asked Keystone for a new token
    before sending, so the trace had no refusal."""
    env = NovaEnv("upstream")
    sid = env.boot("vm")
    vid = _attached_volume(env, sid)
    cloud = env.cloud
    path = f"/v3/{{project_id}}/volumes/{vid}/action"
    for size in (2, 3):
        if size == 3:  # past nova-api's cache entry of it (token_cache_time, 300 s)
            cloud.run(until=cloud.kernel.now + 301)
            # the process that sent the event: the volume's backend's cinder-volume
            volume = cloud.request(
                "volumev3", "GET", f"/v3/{{project_id}}/volumes/{vid}", user="admin"
            ).json()["volume"]
            sender = "cinder-volume." + volume["os-vol-host-attr:host"].partition("#")[0]
            held = cloud.keystone.held_token("cinder", sender)
            assert cloud.keystone.held_token("cinder") is None  # cinder-api sent nothing
            revoke(cloud, held.id)
        extend = {"os-extend": {"new_size": size}}
        r = cloud.request("volumev3", "POST", path, body=extend, microversion="3.42")
        assert r.status == 202
        cloud.run_until_idle()
    (rejected,) = cloud.trace.filter(kind="identity.token_rejected", actor="nova")
    assert rejected["reason"] == "invalid service token"
    assert cloud.trace.filter(kind="cinder.error") == []
    actions = env.request("GET", f"/v2.1/servers/{sid}/os-instance-actions").json()
    assert [a["action"] for a in actions["instanceActions"]].count("extend_volume") == 2


def test_cinders_download_refused_for_an_expired_token_goes_again_with_a_new_service_token():
    """A volume made from an image whose download waits past the user's token's end, Cinder's
    held service token revoked meanwhile and out of glance-api's cache: glance-api leaves the
    revoked one unconfirmed and refuses the expired user token (401); keystoneauth drops
    Cinder's token and sends the download again with a new one, whose ``service`` role lets
    the expired token through (``allow_expired``): the volume is made. fakecloud's Cinder
    renewed the revoked token before sending: no 401."""
    cloud = Cloud(seed=1, profile="nova-34.0.0", config={"identity": {"token_ttl_s": 600}})
    cloud.context("demo")  # the user's token, issued at 0: it dies at 600
    cloud.run(until=350)
    body = {"volume": {"size": 1, "imageRef": _cirros(cloud)}}
    # a first volume: cinder-volume's plugin is issued its token at ~351 for the download
    assert cloud.request("volumev3", "POST", "/v3/{project_id}/volumes", body=body).status == 202
    cloud.run_until_idle()
    # the download waits 350 s after the manager's reads of the image (answered at once)
    cloud.faults.add(
        "cinder.driver", action="delay", delay_s=350, match={"op": "copy_image_to_volume"}
    )
    assert cloud.request("volumev3", "POST", "/v3/{project_id}/volumes", body=body).status == 202
    held = cloud.keystone.held_token("cinder", _volume_process(cloud))
    revoke(cloud, held.id)
    cloud.run_until_idle()
    downloads = [e["status"] for e in cloud.trace.filter(kind="http.response", call="download")]
    assert downloads == [200, 401, 200]
    (rejected,) = cloud.trace.filter(kind="identity.token_rejected", actor="glance")
    assert rejected["reason"] == "expired token"
    volumes = cloud.request("volumev3", "GET", "/v3/{project_id}/volumes/detail").json()
    assert [v["status"] for v in volumes["volumes"]] == ["available"] * 2


def test_cinders_upload_refused_at_glances_door_goes_again_with_the_body_it_consumed():
    """An upload-to-image whose upload starts after the user's token ended, cinder-volume's
    held service token revoked and out of glance-api's cache: glance-api's 401, keystoneauth
    drops the token and sends the upload again with a new one, whose ``service`` role lets the
    expired token through, and with the same ``data``: glanceclient's generator, consumed by the
    first attempt. Glance stores the empty stream: the raw image is ``active`` with 0 bytes.
    fakecloud sent no second upload (the volume's upload failed on the 401)."""
    cloud = Cloud(seed=1, profile="nova-34.0.0", config={"identity": {"token_ttl_s": 600}})
    cloud.context("demo")  # the user's token, issued at 0: it dies at 600
    cloud.run(until=350)
    body = {"volume": {"size": 1, "imageRef": _cirros(cloud)}}
    r = cloud.request("volumev3", "POST", "/v3/{project_id}/volumes", body=body)
    cloud.run_until_idle()  # cinder-volume's plugin is issued its token for the download
    vid = r.json()["volume"]["id"]
    cloud.faults.add("cinder.volume.upload", action="delay", delay_s=350)
    action = {"os-volume_upload_image": {"image_name": "up", "disk_format": "raw"}}
    path = f"/v3/{{project_id}}/volumes/{vid}/action"
    r = cloud.request("volumev3", "POST", path, body=action)
    assert r.status == 202
    held = cloud.keystone.held_token("cinder", _volume_process(cloud))
    revoke(cloud, held.id)
    cloud.run_until_idle()
    uploads = [e["status"] for e in cloud.trace.filter(kind="http.response", call="upload")]
    assert uploads == [401, 204]
    image_id = r.json()["os-volume_upload_image"]["image_id"]
    image = cloud.request("image", "GET", f"/v2/images/{image_id}", user="admin").json()
    assert (image["status"], image["size"]) == ("active", 0)
