"""Nova's service token (``[service_user] send_service_user_token``) is its service user's, a
user of the cloud's Keystone (``nova`` in project ``service``, devstack's), and Cinder's and
Glance's ``auth_token`` middleware validate it as any token: with its ``service`` role it lets
a user's token that expired mid-snapshot through; without the role it lets nothing expired
through, and from keystonemiddleware 13.0.0 (Nova 34.0.0's series) it is refused itself
where the callee decides at its door (Cinder); glance-api defers, leaving it to the user's."""

import pytest

from fakecloud import Cloud
from tests.tokens import revoke

#: A slow disk and a slow link to Glance: the live extract ends inside the user's token's
#: 600 s, and the upload's answer and Nova's GET of the image come after it.
SLOW = {
    "identity": {"token_ttl_s": 600},
    "nova": {"disk_throughput_mb_per_s": 0.5, "glance_link_gbit_per_s": 0.002},
}


def _booted(profile, send=None, policy=None):
    config = {**SLOW, "nova": {**SLOW["nova"]}}
    if send is not None:
        config["nova"]["send_service_user_token"] = send
    if policy is not None:
        config["cinder"] = {"policy": policy}
    cloud = Cloud(seed=1, profile=profile, config=config)
    r = _boot_from_image(cloud)
    cloud.run_until_idle()
    return cloud, r.json()["server"]["id"]


def _boot_from_image(cloud):
    """``POST /servers`` (2.37) of "web" from the cirros image, its disk on the host."""
    images = cloud.request("image", "GET", "/v2/images?name=cirros-0.6.2-x86_64-disk").json()
    server = {
        "name": "web",
        "flavorRef": "1",
        "imageRef": images["images"][0]["id"],
        "networks": "none",
    }
    return cloud.request(
        "compute", "POST", "/v2.1/servers", body={"server": server}, microversion="2.37"
    )


def _boot_from_volume(cloud, image_id):
    """``POST /servers`` (2.37) of "web" on a 1 GB volume Cinder makes from `image_id`."""
    boot = {
        "boot_index": 0,
        "uuid": image_id,
        "source_type": "image",
        "destination_type": "volume",
        "volume_size": 1,
    }
    server = {
        "name": "web",
        "flavorRef": "1",
        "imageRef": "",
        "networks": "none",
        "block_device_mapping_v2": [boot],
    }
    return cloud.request(
        "compute", "POST", "/v2.1/servers", body={"server": server}, microversion="2.37"
    )


def _take_novas_service_role(cloud):
    d = cloud.keystone.directory
    project, user = d.project_by_name("service").id, d.user_by_name("nova", "default").id
    role = next(r.id for r in d.roles.values() if r.name == "service")
    path = f"/v3/projects/{project}/users/{user}/roles/{role}"
    assert cloud.request("identity", "DELETE", path, user="admin").status == 204


@pytest.mark.parametrize(
    ("profile", "send", "role", "status", "refusal"),
    [
        ("nova-34.0.0", None, True, "active", None),  # devstack's: sent, the service role
        # the upload lands, then Nova's GET of the image (and its clean-up's DELETE) after
        # the user's token died is refused: the snapshot fails, the image left as it is
        ("nova-34.0.0", False, True, "active", "expired token"),
        # keystonemiddleware 12.x takes a service token without the role, allows nothing
        ("nova-33.0.2", None, False, "active", "expired token"),
        # 13.0.0's service_token_roles_required: the service token goes unconfirmed, but
        # glance-api's delay_auth_decision leaves the request to the user's token (Glance's
        # ContextMiddleware reads X-Identity-Status alone): as 12.x
        ("nova-34.0.0", None, False, "active", "expired token"),
    ],
)
def test_openstacksdks_snapshot_outlives_its_token_only_with_novas_service_role(
    profile, send, role, status, refusal
):
    cloud, server_id = _booted(profile, send)
    if not role:
        _take_novas_service_role(cloud)
    with cloud.intercept():
        conn = cloud.connection("demo")
        image = conn.compute.create_server_image(server_id, "snap")
        cloud.run_until_idle()
        assert conn.image.get_image(image.id).status == status
    rejected = [e["reason"] for e in cloud.trace.filter(kind="identity.token_rejected")]
    # the GET, the DELETE; with a service token, each sent again after the 401 with a new
    # one (keystoneauth's Session.request: ServiceTokenAuthWrapper.invalidate), refused again
    times = 2 if send is False else 4
    assert rejected == ([refusal] * times if refusal else [])
    issued = cloud.trace.filter(kind="identity.token_issued", subject="nova")
    if send is False:
        assert issued == []
    else:
        # the service user's own token, from Keystone: project service, the service role
        # while it has it
        assert issued[-1]["scope"] == "project:service"
        assert ("service" in issued[-1]["roles"]) is role


def test_cinder_and_glance_validate_novas_service_token_as_any_token():
    """The first call of Nova's with its service token makes each callee ask Keystone about
    both tokens (keystonemiddleware fetches the service token first); then both are cached."""
    cloud, server_id = _booted("nova-34.0.0")
    asked = [
        e["actor"]
        for e in cloud.trace.filter(kind="http.response", call="validate_token")
        if e["actor"] in ("cinder-api", "glance-api")
    ]
    # glance-api: the user's (its own image list), then Nova's GET with both tokens;
    # nothing more while both are cached
    assert asked == ["glance-api", "glance-api"]
    (issued,) = cloud.trace.filter(kind="identity.token_issued", subject="nova")
    assert issued["roles"][:2] == ["admin", "service"]


def test_an_operators_rule_reading_service_roles_passes_every_call_nova_makes_to_cinder():
    """Every request Nova makes to Cinder carries its service token (``nova/volume/cinder.py``
    ``cinderclient``: ``service_auth.get_auth_plugin``), so a rule naming ``service_roles``
    lets Nova's snapshot of a volume-backed server's volume through and refuses the user's
    own; fakecloud gave the service token's identity to four of Nova's calls only."""
    rule = {"volume:create_snapshot": "service_roles:service"}
    cloud = Cloud(seed=1, profile="nova-34.0.0", config={"cinder": {"policy": rule}})
    images = cloud.request("image", "GET", "/v2/images?name=cirros-0.6.2-x86_64-disk").json()
    r = _boot_from_volume(cloud, images["images"][0]["id"])
    server_id = r.json()["server"]["id"]
    cloud.run_until_idle()
    (volume,) = cloud.request("volumev3", "GET", "/v3/{project_id}/volumes").json()["volumes"]
    own = {"snapshot": {"volume_id": volume["id"], "force": True}}
    assert cloud.request("volumev3", "POST", "/v3/{project_id}/snapshots", body=own).status == 403
    action = {"createImage": {"name": "snap"}}
    r = cloud.request(
        "compute", "POST", f"/v2.1/servers/{server_id}/action", body=action, microversion="2.45"
    )
    assert r.status == 202
    cloud.run_until_idle()
    image = cloud.request("image", "GET", f"/v2/images/{r.json()['image_id']}").json()
    assert image["status"] == "active"


@pytest.mark.parametrize(("send", "status"), [(None, "active"), (False, None)])
def test_an_operators_rule_reading_service_roles_passes_every_call_nova_makes_to_glance(
    send, status
):
    """Every request Nova makes to Glance carries its service token (``nova/image/glance.py``
    ``_session_and_auth``: ``service_auth.get_auth_plugin``, 16.0.0 on), so a Glance rule
    letting only it upload (``upload_image: service_roles:service``) passes openstacksdk's
    createImage and refuses the user's own upload; without the service token Nova's upload
    is refused as the user's is (the snapshot fails: Nova deletes the image). fakecloud gave
    the service token's identity to Nova's ``add_image_location`` alone."""
    rule = {"upload_image": "service_roles:service"}
    config = {"glance": {"policy": rule}}
    if send is not None:
        config["nova"] = {"send_service_user_token": send}
    cloud = Cloud(seed=1, profile="nova-34.0.0", config=config)
    r = _boot_from_image(cloud)
    server_id = r.json()["server"]["id"]
    cloud.run_until_idle()
    own = {"name": "own", "disk_format": "raw", "container_format": "bare"}
    own_id = cloud.request("image", "POST", "/v2/images", body=own).json()["id"]
    octets = {"Content-Type": "application/octet-stream"}
    r = cloud.request("image", "PUT", f"/v2/images/{own_id}/file", body=b"x", headers=octets)
    assert r.status == 403
    with cloud.intercept():
        conn = cloud.connection("demo")
        image = conn.compute.create_server_image(server_id, "snap")
        cloud.run_until_idle()
        found = conn.image.find_image(image.id)
        assert (found.status if found is not None else None) == status


def test_glance_leaves_a_service_token_without_the_role_to_the_users_token():
    """keystonemiddleware 13.0.0 (Nova 34.0.0's series) refuses a service token without the
    ``service`` role (``service_token_roles_required``), but glance-api's ``authtoken`` has
    ``delay_auth_decision = true``: the middleware only marks the service identity invalid
    ("Deferring reject downstream") and Glance's ``ContextMiddleware`` reads
    ``X-Identity-Status`` alone, so Nova's calls with the user's live token are taken, cached
    entries or not (fakecloud refused them: createImage's 403, ImageNotAuthorized)."""
    cloud, server_id = _booted("nova-34.0.0")
    _take_novas_service_role(cloud)
    cloud.advance(301)  # glance-api's entries of both tokens age out
    path, action = f"/v2.1/servers/{server_id}/action", {"createImage": {"name": "snap"}}
    r = cloud.request("compute", "POST", path, body=action, microversion="2.45")
    assert r.status == 202  # Glance's create of the image taken
    # then with both tokens in glance-api's cache: Nova's image proxy's show
    shown = cloud.request("compute", "GET", f"/v2.1/images/{r.json()['image_id']}")
    assert shown.status == 200
    assert cloud.trace.filter(kind="identity.token_rejected") == []


@pytest.mark.parametrize(("cinder_sends", "status"), [(True, "ACTIVE"), (False, "ERROR")])
def test_glance_sees_cinders_service_token_not_the_one_nova_sent_cinder(cinder_sends, status):
    """Cinder's calls to Glance carry Cinder's own service token (or none), never the one the
    request Cinder answers came with: with a Glance rule letting only a service read an image
    (``get_image: service_roles:service``), a boot from volume's volume is made from the image
    only where Cinder sends its service token; fakecloud handed Glance the context Nova's
    request gave Cinder, Nova's service roles in it."""
    config = {
        "glance": {"policy": {"get_image": "service_roles:service"}},
        "cinder": {"send_service_user_token": cinder_sends},
    }
    cloud = Cloud(seed=1, profile="nova-34.0.0", config=config)
    image_id = next(i.id for i in cloud.glance.db.images.values() if i.name.startswith("cirros"))
    r = _boot_from_volume(cloud, image_id)
    assert r.status == 202
    cloud.run_until_idle()
    shown = cloud.request("compute", "GET", f"/v2.1/servers/{r.json()['server']['id']}").json()
    assert shown["server"]["status"] == status


def _disable_nova(cloud, delete=False):
    uid = cloud.keystone.directory.user_by_name("nova", "default").id
    if delete:
        r = cloud.request("identity", "DELETE", f"/v3/users/{uid}", user="admin")
        assert r.status == 204
        return
    body = {"user": {"enabled": False}}
    r = cloud.request("identity", "PATCH", f"/v3/users/{uid}", body=body, user="admin")
    assert r.status == 200


def _renewal_point(cloud):
    """The instant from which keystoneauth renews the service token Nova holds now (its
    ``expires < now + 120``)."""
    held = cloud.keystone.held_token("nova")
    return cloud.keystone.tokens.expiry(held) - 119


#: keystoneauth's ``Unauthorized`` out of Nova's client, as real Nova's API answers it.
UNAUTHORIZED_500 = (
    "Unexpected API Error. Please contact the administrator\n"
    "<class 'keystoneauth1.exceptions.http.Unauthorized'>"
)


@pytest.mark.parametrize(
    ("delete", "reason"), [(False, "user 'nova' is disabled"), (True, "no such user 'nova'")]
)
def test_keystone_refusing_novas_service_token_fails_novas_call_before_it_leaves(delete, reason):
    """Keystone refusing Nova's service user its token (the user disabled or deleted) fails
    the request that needed it, as keystoneauth's ``ServiceTokenAuthWrapper.get_headers``
    raises ``Unauthorized`` there, untranslated by Nova's Cinder and Glance clients: createImage's
    Glance create and an attach's Cinder read are Nova's 500, nothing sent (fakecloud sent the
    user's token alone with a warning, and both calls went through).

    The token Nova's plugin holds is past its renewal point (``will_expire_soon(120)``), so
    real keystoneauth asks Keystone for a new one: while it holds a live one it sends that,
    revoked or not, and glance-api (``delay_auth_decision``) takes the create on the user's
    token (`test_a_snapshot_right_after_nova_is_disabled_goes_on_while_its_token_is_held`)."""
    cloud = Cloud(seed=1, profile="nova-34.0.0")
    server_id = _boot_from_image(cloud).json()["server"]["id"]
    cloud.run_until_idle()
    volume = {"volume": {"size": 1}}
    volume_id = cloud.request("volumev3", "POST", "/v3/{project_id}/volumes", body=volume).json()
    cloud.run_until_idle()
    cloud.run(until=_renewal_point(cloud))
    _disable_nova(cloud, delete)
    path, action = f"/v2.1/servers/{server_id}", {"createImage": {"name": "snap"}}
    r = cloud.request("compute", "POST", f"{path}/action", body=action, microversion="2.45")
    assert (r.status, r.json()["computeFault"]["message"]) == (500, UNAUTHORIZED_500)
    attach = {"volumeAttachment": {"volumeId": volume_id["volume"]["id"]}}
    r = cloud.request("compute", "POST", f"{path}/os-volume_attachments", body=attach)
    assert (r.status, r.json()["computeFault"]["message"]) == (500, UNAUTHORIZED_500)
    assert cloud.request("image", "GET", "/v2/images?name=snap").json()["images"] == []
    refused = cloud.trace.filter(kind="identity.auth_failed")
    assert [e["reason"] for e in refused] == [reason] * 2


def test_keystone_refusing_novas_service_token_mid_snapshot_fails_the_upload():
    """The compute host's calls to Glance fail alike: the snapshot's fault recorded, its
    clean-up's delete refused too, so the image stays ``queued`` (Nova logs "Error while
    trying to clean up image"), the server back to ACTIVE with no task.

    The user is disabled once the token Nova's plugin holds is past its renewal point and
    before the host's next call to Glance (after the slow extract, ~520 s): real nova-compute's
    plugin, whose token is no older, asks Keystone anew there too."""
    cloud, server_id = _booted("nova-34.0.0")
    path, action = f"/v2.1/servers/{server_id}", {"createImage": {"name": "snap"}}
    r = cloud.request("compute", "POST", f"{path}/action", body=action, microversion="2.45")
    assert r.status == 202
    cloud.run(until=_renewal_point(cloud))
    assert cloud.trace.filter(kind="nova.fault") == []  # the extract still running
    _disable_nova(cloud)
    cloud.run_until_idle()
    server = cloud.request("compute", "GET", path).json()["server"]
    assert (server["status"], server["OS-EXT-STS:task_state"]) == ("ACTIVE", None)
    image = cloud.request("image", "GET", f"/v2/images/{r.json()['image_id']}", user="admin")
    assert image.json()["status"] == "queued"
    (fault,) = cloud.trace.filter(kind="nova.fault")
    assert "Unauthorized" in str(fault)


@pytest.mark.parametrize(("profile", "status"), [("nova-33.0.2", "active"), ("nova-34.0.0", None)])
def test_glance_reads_no_service_roles_of_a_service_token_it_leaves_unconfirmed(profile, status):
    """keystonemiddleware sets the ``X-Service-*`` headers only for a service token it
    confirms (``if request.service_token_valid``); from 13.0.0 (Nova 34.0.0's series) one
    without the ``service`` role is not, and glance-api's ``delay_auth_decision`` lets the
    request on without them: a Glance rule reading Nova's other role (``service_roles:admin``)
    refuses Nova's upload there (the snapshot fails, Nova deletes the image), where 12.x
    confirms it. fakecloud gave Glance the unconfirmed token's roles."""
    rule = {"upload_image": "service_roles:admin"}
    config = {"identity": {"token_ttl_s": 600}, "glance": {"policy": rule}}
    cloud = Cloud(seed=1, profile=profile, config=config)
    server_id = _boot_from_image(cloud).json()["server"]["id"]
    cloud.run_until_idle()
    _take_novas_service_role(cloud)
    # glance-api's cached validation of Nova's service token, with the role, ages out (its
    # token is the same: no roles in it, keystoneauth sends the id)
    cloud.advance(301)
    path, action = f"/v2.1/servers/{server_id}/action", {"createImage": {"name": "snap"}}
    r = cloud.request("compute", "POST", path, body=action, microversion="2.45")
    assert r.status == 202
    cloud.run_until_idle()
    shown = cloud.request("image", "GET", f"/v2/images/{r.json()['image_id']}", user="admin")
    assert (shown.json()["status"] if shown.status == 200 else None) == status


def test_novas_image_schema_read_carries_the_users_token_to_glances_middleware():
    """Before 31.0.0 a volume-backed createImage reads Glance's image schema for the image's
    disk format (``_get_image_create_disk_format_default``: ``self._client.call(context, 2,
    'get', args=('image',), controller='schemas')``), with the request's token as every call
    of Nova's Glance client: glance-api's middleware checks it (with no cache, a call to
    Keystone inside the request). fakecloud sent it with no token."""
    config = {"keystone_authtoken": {"token_cache_time_s": -1}}
    cloud = Cloud(seed=1, profile="nova-27.5.1", config=config)
    images = cloud.request("image", "GET", "/v2/images?name=cirros-0.6.2-x86_64-disk").json()
    server_id = _boot_from_volume(cloud, images["images"][0]["id"]).json()["server"]["id"]
    cloud.run_until_idle()
    path, action = f"/v2.1/servers/{server_id}/action", {"createImage": {"name": "snap"}}
    r = cloud.request("compute", "POST", path, body=action, microversion="2.45")
    assert r.status == 202
    calls = [(e["actor"], e["call"]) for e in cloud.trace.filter(kind="http.request")]
    at = calls.index(("nova-api", "schemas.get"))
    assert calls[at + 1] == ("glance-api", "validate_token")  # before the create is sent


def _attach(cloud, server_id):
    """``POST /servers/{id}/os-volume_attachments`` (2.79) of a new 1 GB volume."""
    volume = {"volume": {"size": 1}}
    r = cloud.request("volumev3", "POST", "/v3/{project_id}/volumes", body=volume)
    cloud.run_until_idle()
    body = {"volumeAttachment": {"volumeId": r.json()["volume"]["id"]}}
    path = f"/v2.1/servers/{server_id}/os-volume_attachments"
    return cloud.request("compute", "POST", path, body=body, microversion="2.79")


@pytest.mark.parametrize(("wait", "status"), [(0, 200), (290, 200), (301, 403)])
def test_cinder_reads_novas_service_roles_from_its_cached_validation_until_it_ages_out(
    wait, status
):
    """A Fernet token holds no roles: Keystone rebuilds them at each validation, and Cinder's
    ``auth_token`` middleware keeps a validation ``token_cache_time`` (300 s), its
    ``X-Service-Roles`` read from it. With ``nova``'s ``service`` role taken away, a Cinder
    rule reading it (``service_roles:service``) still lets Nova's next attachment through
    while Cinder's entry of Nova's service token (cached at the first attach, t=6.6) lasts,
    and refuses it (403) from when the entry ages out. fakecloud gave Cinder the roles as
    they were at once (Nova's plugin's token read again), a 403 at every wait."""
    rule = {"volume:attachment_create": "service_roles:service"}
    cloud = Cloud(seed=1, profile="nova-33.0.2", config={"cinder": {"policy": rule}})
    server_id = _boot_from_image(cloud).json()["server"]["id"]
    cloud.run_until_idle()
    assert _attach(cloud, server_id).status == 200
    cloud.run_until_idle()
    _take_novas_service_role(cloud)
    cloud.advance(wait)
    assert _attach(cloud, server_id).status == status


def test_novas_500_for_cinders_401_is_real_novas_not_an_unexpected_500():
    """From keystonemiddleware 13.0.0 Cinder refuses Nova's service token without the
    ``service`` role (401); cinderclient's ``Unauthorized``, which no decorator of Nova's
    translates, is real Nova's 500 too, so ``no_unexpected_500`` holds; it was reported as
    fakecloud's defect."""
    cloud = Cloud(seed=1, profile="nova-34.0.0")
    server_id = _boot_from_image(cloud).json()["server"]["id"]
    cloud.run_until_idle()
    _take_novas_service_role(cloud)
    r = _attach(cloud, server_id)
    assert "cinderclient.exceptions.Unauthorized" in r.json()["computeFault"]["message"]
    assert cloud.check_invariants(["no_unexpected_500"]) == []


def _revoke_novas_held_token(cloud):
    """An admin's ``DELETE /v3/auth/tokens`` of the token Nova's service user holds."""
    held = cloud.keystone.held_token("nova").id
    revoke(cloud, held)


@pytest.mark.parametrize(("disable", "status"), [(False, 200), (True, 500)])
def test_nova_sends_its_held_service_token_and_retries_once_with_a_new_one(disable, status):
    """keystoneauth's plugin keeps its token until ``will_expire_soon(120)``, whatever Keystone
    thinks of it since (``_needs_reauthenticate``): Nova's attach reads the volume with the
    revoked one, cinder-api's middleware (no cached entry) refuses it, and ``Session.request``
    invalidates the plugin and sends the request again, once, with a new token: the attach goes
    on. Where Keystone refuses the new token too (the user disabled), that refusal,
    keystoneauth's ``Unauthorized``, is what Nova's API answers (its 500). fakecloud asked
    Keystone for a new token before sending, so the trace had neither the refused request nor
    the second."""
    cloud = Cloud(seed=1, profile="nova-34.0.0")
    server_id = _boot_from_image(cloud).json()["server"]["id"]
    volume = {"volume": {"size": 1}}
    volume_id = cloud.request("volumev3", "POST", "/v3/{project_id}/volumes", body=volume).json()
    cloud.run_until_idle()
    if disable:
        _disable_nova(cloud)
    else:
        _revoke_novas_held_token(cloud)
    start = len(cloud.trace)
    attach = {"volumeAttachment": {"volumeId": volume_id["volume"]["id"]}}
    path = f"/v2.1/servers/{server_id}/os-volume_attachments"
    r = cloud.request("compute", "POST", path, body=attach)
    assert r.status == status
    seen = [
        (e["kind"], e.get("status") or e.get("reason") or e["subject"])
        for e in list(cloud.trace)[start:]
        if e.get("callee") == "cinder-api" or e["kind"].startswith("identity.")
    ]
    refused = [
        ("http.request", seen[0][1]),  # GET /volumes/{id} with the held token
        ("identity.token_rejected", "invalid service token"),
        ("http.response", 401),
    ]
    if disable:  # the new token refused: keystoneauth's Unauthorized, nothing sent again
        assert seen[:4] == [*refused, ("identity.auth_failed", "user 'nova' is disabled")]
        assert r.json()["computeFault"]["message"] == UNAUTHORIZED_500
        return
    assert seen[:6] == [
        *refused,
        ("identity.token_issued", "nova"),
        ("http.request", seen[0][1]),  # sent again, once
        ("http.response", 200),
    ]
    cloud.run_until_idle()
    (vol,) = cloud.request("volumev3", "GET", "/v3/{project_id}/volumes/detail").json()["volumes"]
    assert vol["status"] == "in-use"


def test_a_snapshot_right_after_nova_is_disabled_goes_on_while_its_token_is_held():
    """Disabling ``nova`` revokes its tokens, but Nova's plugin keeps sending the one it holds
    until its renewal point, and glance-api (``delay_auth_decision``) leaves the unconfirmed
    service token to the user's: a createImage straight after succeeds, as real Nova's does.
    fakecloud's Nova asked Keystone for a new token at once and answered 500.

    nova-compute's plugin is its own (`test_each_nova_process_holds_its_own_service_token`):
    a first snapshot has it hold a token too (the host's image download at boot, which would,
    is not modelled as a request to Glance)."""
    cloud = Cloud(seed=1, profile="nova-34.0.0")
    server_id = _boot_from_image(cloud).json()["server"]["id"]
    cloud.run_until_idle()
    path, action = f"/v2.1/servers/{server_id}", {"createImage": {"name": "snap"}}
    for disable in (False, True):
        if disable:
            _disable_nova(cloud)
        r = cloud.request("compute", "POST", f"{path}/action", body=action, microversion="2.45")
        assert r.status == 202
        cloud.run_until_idle()
        image = cloud.request("image", "GET", f"/v2/images/{r.json()['image_id']}")
        assert image.json()["status"] == "active"
    assert cloud.trace.filter(kind="identity.auth_failed") == []


def test_each_nova_process_holds_its_own_service_token():
    """nova-api and each nova-compute load their own ``[service_user]`` plugin (a module global
    of the process: nova 34.0.0 ``service_auth.py`` ``_AUTHS``, before 33.0.0
    ``_SERVICE_AUTH``), so each asks Keystone for its own token, and a 401 drops only the
    token of the process that got it: with the host's revoked (out of cinder-api's cache), an
    attach's reads from nova-api go through, and the host's first call is refused and sent
    again with a new token of the host's. fakecloud's processes shared one token: nova-api's
    first read was the one refused."""
    cloud = Cloud(seed=1, profile="nova-34.0.0")
    server_id = _boot_from_image(cloud).json()["server"]["id"]
    volume = {"volume": {"size": 1}}
    volumes = [
        cloud.request("volumev3", "POST", "/v3/{project_id}/volumes", body=volume).json()
        for _ in range(2)
    ]
    cloud.run_until_idle()
    path = f"/v2.1/servers/{server_id}/os-volume_attachments"
    attach = {"volumeAttachment": {"volumeId": volumes[0]["volume"]["id"]}}
    assert cloud.request("compute", "POST", path, body=attach).status == 200
    cloud.run_until_idle()
    host = next(
        e["actor"]
        for e in cloud.trace.filter(kind="http.request", callee="cinder-api")
        if e["actor"].startswith("nova-compute:")
    )
    api_token, host_token = (
        cloud.keystone.held_token("nova"),
        cloud.keystone.held_token("nova", host),
    )
    assert api_token.id != host_token.id
    assert len(cloud.trace.filter(kind="identity.token_issued", subject="nova")) == 2
    cloud.run(until=cloud.kernel.now + 301)  # past cinder-api's cache entries (300 s)
    revoke(cloud, host_token.id)
    start = len(cloud.trace)
    attach = {"volumeAttachment": {"volumeId": volumes[1]["volume"]["id"]}}
    assert cloud.request("compute", "POST", path, body=attach).status == 200
    cloud.run_until_idle()
    refused = [
        e["actor"]
        for e in list(cloud.trace)[start:]
        if e["kind"] == "http.response" and e.get("callee") == "cinder-api" and e["status"] == 401
    ]
    assert refused == [host]
    assert cloud.keystone.held_token("nova") is api_token
    assert cloud.keystone.held_token("nova", host) not in (None, host_token)
    attached = cloud.request("compute", "GET", path).json()["volumeAttachments"]
    assert len(attached) == 2


def test_a_poll_skips_no_read_past_cinders_entry_of_the_revoked_token_nova_holds():
    """A poller skips reads while Cinder's middleware answers alike
    (`answered_alike_until`): with the service token Nova holds revoked but fresh in
    cinder-api's cache, each read still passes with no call until that entry ages out, where
    the next read is refused and sent again with a new token. The skip's end is that entry's
    end (or the held token's renewal point); it was now (`RENEWS`: fakecloud's Nova renewed a
    revoked token before its next read), so no read was skipped."""
    cloud = Cloud(seed=1, profile="nova-34.0.0")
    server_id = _boot_from_image(cloud).json()["server"]["id"]
    volume = {"volume": {"size": 1}}
    volume_id = cloud.request("volumev3", "POST", "/v3/{project_id}/volumes", body=volume).json()
    cloud.run_until_idle()
    attach = {"volumeAttachment": {"volumeId": volume_id["volume"]["id"]}}
    path = f"/v2.1/servers/{server_id}/os-volume_attachments"
    assert cloud.request("compute", "POST", path, body=attach).status == 200
    cloud.run_until_idle()
    held = cloud.keystone.held_token("nova")
    _revoke_novas_held_token(cloud)
    assert cloud.keystone.held_token("nova") is held  # still the plugin's
    now = cloud.kernel.now
    until = cloud.nova.volume_api.answered_alike_until(cloud.context("demo"))
    cached = cloud.keystone.authtoken_caches["cinder-api"][held.id][1]
    assert now < until <= cached  # (the user's token's entry may end first)


@pytest.mark.parametrize(
    ("profile", "status", "size"), [("nova-30.0.0", "active", 0), ("nova-34.0.0", None, None)]
)
def test_an_upload_refused_at_glances_door_goes_again_with_the_body_it_consumed(
    profile, status, size
):
    """keystoneauth sends an upload again after glance-api's 401 (``Session.request``) with the
    same ``data``: glanceclient's generator over Nova's file, which the first attempt read to
    its end, so the second carries an empty body. Here the host's held service token was
    revoked and glance-api's cache entries aged out by the time the upload starts, after the
    user's token expired: the 401, a new service token, and Glance stores the empty stream.
    Glance 29 (Nova 30) activates the snapshot with 0 bytes; Glance 30 on refuses the empty
    (raw) stream for the qcow2 image (415), the snapshot fails and Nova deletes the image.
    fakecloud sent no second upload: the snapshot failed on the 401 in every release."""
    cloud = Cloud(seed=1, profile=profile, config={**SLOW})
    server_id = _boot_from_image(cloud).json()["server"]["id"]
    cloud.run_until_idle()
    # the host's PATCH, then its GET before the upload, held past the user's token's end (600)
    cloud.faults.add(
        "image_api.update", action="delay", delay_s=200, match={"call": "update"}, times=1
    )
    path, action = f"/v2.1/servers/{server_id}/action", {"createImage": {"name": "snap"}}
    r = cloud.request("compute", "POST", path, body=action, microversion="2.45")
    cloud.run(until=600)
    cloud.faults.add(
        "image_api.update", action="delay", delay_s=150, match={"call": "get"}, times=1
    )
    host = next(e["actor"] for e in cloud.trace.filter(kind="http.request", call="update"))
    held = cloud.keystone.held_token("nova", host)
    revoke(cloud, held.id)
    cloud.run_until_idle()
    uploads = [e["status"] for e in cloud.trace.filter(kind="http.response", call="upload")]
    assert uploads == [401, 204 if status else 415]
    image = cloud.request("image", "GET", f"/v2/images/{r.json()['image_id']}", user="admin")
    if status is None:
        assert image.status == 404
        (refused,) = cloud.trace.filter(kind="http.response", call="upload", status=415)
        assert refused["error"] == "Image disk_format qcow2 does not match stream data raw"
        # glanceclient maps no class to a 415 (``from_response``: the bare HTTPException),
        # which Nova's _translate_image_exception leaves as it is: the fault's text its class
        # name (no format_message, LP #1837877's fix) and code 500 (no kwargs), the
        # _snapshot_instance error notification's exception its repr, with no args
        (fault,) = cloud.trace.filter(kind="nova.fault")
        assert (fault["message"], fault["code"]) == ("HTTPException", 500)
        (legacy,) = cloud.trace.filter(event_type="_snapshot_instance")
        assert legacy["exception"] == "HTTPException()"
    else:
        assert (image.json()["status"], image.json()["size"]) == (status, size)
