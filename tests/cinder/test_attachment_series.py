"""What an attachment's connection needs, carries and keeps, per backend and series (the
manager's ``_connection_create`` and ``attachment_update``, ``API.attachment_create``)."""

import pytest
from cinder_support import CEPH_ONLY, CONNECTOR, SERVER, call, create_volume, fault, reset_volume

from fakecloud import Cloud
from tests.booted import booted


def _body(vid, connector=None):
    body = {"attachment": {"volume_uuid": vid, "instance_uuid": SERVER}}
    if connector is not None:
        body["attachment"]["connector"] = connector
    return body


def _create(cloud, vid, connector=None):
    return call(cloud, "POST", "attachments", _body(vid, connector), version="3.44")


_TARGET = ["target_discovered", "target_portal", "target_iqn", "target_lun", "volume_id"]
_CHAP = ["auth_method", "auth_username", "auth_password"]


@pytest.mark.parametrize(
    ("profile", "flags", "lun"),
    [
        ("nova-21.2.4", [], 1),  # Cinder 16: devstack's tgtadm, whose lun 0 is the controller
        ("nova-30.0.0", ["cacheable"], 0),  # Cinder 25: cacheable from 17.0.0; LIO from 19
        ("upstream", ["cacheable", "enforce_multipath"], 0),  # enforce_multipath from 26.0.0
    ],
)
def test_the_connection_keys_come_with_their_series_in_cinders_order(profile, flags, lun):
    """``_connection_create``: the target's data (its own ``encrypted``), what
    ``_parse_connection_options`` adds, the driver's type, the attachment id, then the
    connector's ``enforce_multipath``. The target's lun is its helper's, and the export's
    CHAP credentials (``provider_auth``) come with it."""
    cloud = booted(profile=profile)
    info = _create(cloud, create_volume(cloud), CONNECTOR).json()["attachment"]["connection_info"]
    keys = [*_TARGET, *_CHAP, "encrypted", "qos_specs", "access_mode", *flags[:1]]
    assert list(info) == [*keys, "driver_volume_type", "attachment_id", *flags[1:]]
    assert (info["target_lun"], info["auth_method"]) == (lun, "CHAP")
    assert (len(info["auth_username"]), len(info["auth_password"])) == (20, 16)
    # volume_utils.generate_password/username: DEFAULT_PASSWORD_SYMBOLS only, each group met
    groups = ("23456789", "ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghijkmnopqrstuvwxyz")
    for secret in (info["auth_username"], info["auth_password"]):
        assert set(secret) <= set("".join(groups))
        assert all(set(secret) & set(group) for group in groups)


def test_a_volume_keeps_its_exports_chap_credentials_across_attachments():
    """``create_export`` takes the credentials ``provider_auth`` already holds
    (``_get_target_chap_auth``) and ``remove_export`` leaves them: a second attachment after
    the first is deleted connects with the same; another volume has its own."""
    cloud = booted(profile="upstream")
    vid = create_volume(cloud)

    def chap(volume_id):
        info = _create(cloud, volume_id, CONNECTOR).json()["attachment"]
        cloud.run_until_idle()
        return info["id"], [info["connection_info"][k] for k in _CHAP]

    first, credentials = chap(vid)
    assert call(cloud, "DELETE", f"attachments/{first}", version="3.44").status == 200
    cloud.run_until_idle()
    assert chap(vid)[1] == credentials
    assert chap(create_volume(cloud))[1] != credentials


@pytest.mark.parametrize(
    ("profile", "config", "status", "text"),
    [
        ("upstream", None, 400, "{}"),
        ("nova-30.0.0", None, 500, "Unable to update attachment.({})."),  # before 27.0.0
        ("upstream", CEPH_ONLY, 200, None),
    ],
)
def test_an_iscsi_backend_wants_the_connectors_initiator(profile, config, status, text):
    """LVM's iSCSI target refuses a connector without ``initiator`` (``InvalidInput``: from
    27.0.0 the controller lets an ``Invalid`` through, before it is its own 500); RBD's
    driver takes any."""
    cloud = Cloud(profile=profile, config=config)
    vid = create_volume(cloud)
    aid = _create(cloud, vid).json()["attachment"]["id"]
    body = {"attachment": {"connector": {"host": "cmp-1"}}}
    r = call(cloud, "PUT", f"attachments/{aid}", body, version="3.44", allow_500=True)
    assert r.status == status
    if text is not None:
        message = "Invalid input received: Connector doesn't have required information: initiator"
        assert fault(r)[2] == text.format(message)
        assert cloud.cinder.volume(vid).status == "reserved"


def test_queens_keeps_the_managers_attach_mode():
    """12.0.10 saves no mode at create (``null`` and the mode argument came with 13.0.0): the
    answer has none, the row keeps the manager's ``rw``."""
    cloud = booted(profile="seed")
    att = _create(cloud, create_volume(cloud), CONNECTOR).json()["attachment"]
    shown = call(cloud, "GET", f"attachments/{att['id']}", version="3.44").json()["attachment"]
    assert (att["attach_mode"], shown["attach_mode"]) == (None, "rw")


def test_queens_writes_the_attached_mode_and_refuses_a_read_only_volumes_rw():
    """12.0.10's manager: the connector's mode becomes the volume's ``attached_mode`` (shown
    in its metadata until the detach); a volume flagged read-only and a mode other than
    ``ro`` is ``InvalidVolumeAttachMode``: the attachment ``error_attaching``, a user
    message, the create's 500."""
    cloud = booted(profile="seed")
    vid = create_volume(cloud)
    flag = {"os-update_readonly_flag": {"readonly": True}}
    assert call(cloud, "POST", f"volumes/{vid}/action", flag).status == 202
    r = call(cloud, "POST", "attachments", _body(vid, CONNECTOR), version="3.44", allow_500=True)
    text = (
        f"Unable to create attachment for volume (Invalid attaching mode 'rw' for volume {vid}.)."
    )
    assert fault(r) == ("computeFault", 500, text)
    (attachment,) = cloud.cinder.volume(vid).attachments
    assert (attachment.attach_status, cloud.cinder.volume(vid).status) == (
        "error_attaching",
        "reserved",
    )
    shown = call(cloud, "GET", f"volumes/{vid}").json()["volume"]["metadata"]
    assert shown == {"readonly": "True", "attached_mode": "rw"}
    messages = call(cloud, "GET", "messages", version="3.3").json()["messages"]
    assert [m["event_id"] for m in messages] == ["VOLUME_VOLUME_004_005"]


@pytest.mark.parametrize("profile", ["seed", "upstream"])
def test_a_connector_without_host_is_the_updates_bare_500(profile):
    """``API.attachment_update`` locks on ``{connector[host]}`` and its duplicate check reads
    ``a.connector['host']`` of each connected row: a missing ``host`` is a ``KeyError``, the
    controller's bare ``except``'s 500 "Unable to update the attachment." (12.0.10-29.0.0)."""
    cloud = booted(profile=profile)
    vid = create_volume(cloud)
    aid = _create(cloud, vid).json()["attachment"]["id"]
    assert _create(cloud, vid, {"initiator": "iqn.cmp-2"}).status == 200  # connected, no host
    for connector in ({"initiator": "iqn.cmp-1"}, CONNECTOR):  # the lock, the duplicate check
        body = {"attachment": {"connector": connector}}
        r = call(cloud, "PUT", f"attachments/{aid}", body, version="3.44", allow_500=True)
        assert fault(r) == ("computeFault", 500, "Unable to update the attachment.")
    shown = call(cloud, "GET", f"attachments/{aid}", version="3.44").json()["attachment"]
    assert (shown["status"], shown["connection_info"]) == ("reserved", {})


@pytest.mark.parametrize(
    ("profile", "created", "completed"),
    [("nova-17.0.10", 202, 202), ("nova-17.0.11", 200, 204)],
)
def test_queens_answers_an_attachment_create_and_complete_by_point_release(
    profile, created, completed
):
    """``AttachmentsController.create`` and ``.complete``: ``@wsgi.response(202)`` in Cinder
    12.0.0-12.0.6, 200 and 204 from 2627b2f63f (12.0.7, tagged 2019-05-09, after Nova
    17.0.10: switch ``cinder_attachment_answers_202``); the attachment the same."""
    cloud = booted(profile=profile)
    vid = create_volume(cloud)
    r = _create(cloud, vid, CONNECTOR)
    assert (r.status, r.json()["attachment"]["status"]) == (created, "reserved")
    done = {"os-complete": None}
    aid = r.json()["attachment"]["id"]
    r = call(cloud, "POST", f"attachments/{aid}/action", done, version="3.44")
    assert (r.status, r.body) == (completed, None)  # no body
    assert cloud.cinder.volume(vid).status == "in-use"


@pytest.mark.parametrize(
    ("profile", "created", "updated"),
    [
        ("nova-17.0.7", 202, 200),  # Cinder 12.0.3: lp1785050 and lp1805762
        ("nova-17.0.8", "reserve", 200),  # 12.0.4 (1c06339d6a): lp1805762 alone
        ("nova-17.0.10", "reserve", 200),  # 12.0.6
        ("nova-17.0.11", "error", 500),  # 12.0.7 (38b4e4e3b8)
        ("nova-18.2.0", "reserve", 200),  # 13.0.4
        ("nova-18.2.1", "error", 500),  # 13.0.5 (b9a9492bac)
        ("nova-19.0.0", "error", 500),  # 14.0.0 (7d7dc2659d)
    ],
)
def test_an_error_volumes_attachments_by_point_release(profile, created, updated):
    """``API.attachment_create`` and ``attachment_update`` refuse an ``error*`` volume from
    7d7dc2659d (LP #1805762: Cinder 14.0.0; 12.0.7 and 13.0.5, tagged 2019-05-09, beside Nova
    17.0.11 and 18.2.1); before, the update connects it and the create meets
    ``_attachment_reserve`` alone, whose override let a server through to a volume with no
    attachment in any status until 9c0123eb70 (LP #1785050: 13.0.0; 12.0.4, tagged
    2018-10-09, beside Nova 17.0.8): the volume reserved and left ``error``."""
    cloud = booted(profile=profile)
    vid, bare = create_volume(cloud), create_volume(cloud)
    aid = _create(cloud, vid).json()["attachment"]["id"]
    for volume in (vid, bare):
        reset_volume(cloud, volume, "error")
    r = _create(cloud, bare)
    if created == 202:
        assert (r.status, r.json()["attachment"]["status"]) == (202, "reserved")
    else:
        reason = {
            "reserve": f"Volume {bare} status must be available or downloading",
            "error": "Volume attachments can not be created if the volume is in an error state. "
            f"The Volume {bare} currently has a status of: error ",
        }[created]
        assert fault(r) == ("badRequest", 400, f"Invalid volume: {reason}")
    assert cloud.cinder.volume(bare).status == "error"
    update = {"attachment": {"connector": CONNECTOR}}
    r = call(cloud, "PUT", f"attachments/{aid}", update, version="3.44", allow_500=True)
    if updated == 200:
        assert (r.status, r.json()["attachment"]["connection_info"]["target_lun"]) == (200, 1)
        assert cloud.cinder.volume(vid).status == "attaching"
    else:
        reason = (
            "Volume attachments can not be updated if the volume is in an error state. The "
            f"Volume {vid} currently has a status of: error "
        )
        assert fault(r) == (
            "computeFault",
            500,
            f"Unable to update attachment.(Invalid volume: {reason}).",
        )
        assert cloud.cinder.volume(vid).status == "error"
