"""Who sees the host of a volume's attachment (``host_name`` in the volume's view), by the
switch ``cinder_attachment_host_name`` (``api/v2/views/volumes.py`` /
``api/v3/views/volumes.py`` ``_get_attachments``): everyone in 12.0.0-16.x (Queens to Ussuri),
admins only from 17.0.0 (8bf454b0b5), admins or the ``service`` role from 28.0.0 (abfb2c6061;
its backport in Cinder 26.3.0 came after every Nova 31 release). The host is the ``host`` of the
connector the attachment was connected with (``db.volume_attached``)."""

import pytest
from cinder_support import ADMIN, MEMBER, SERVICE, attach, call, create_volume

from fakecloud import Cloud
from tests.booted import booted


@pytest.mark.parametrize(
    ("profile", "member", "service"),
    [
        ("nova-17.0.13", "cmp-1", "cmp-1"),  # Cinder 12 (Queens)
        ("nova-21.0.0", "cmp-1", "cmp-1"),  # Cinder 16 (Ussuri)
        ("nova-22.0.0", None, None),  # Cinder 17: admins only
        ("nova-31.3.1", None, None),  # Cinder 26.3.0 (the backport) was tagged after it
        ("nova-32.0.0", None, None),  # Cinder 27
        ("nova-33.0.0", None, "cmp-1"),  # Cinder 28: admins or services
        ("upstream", None, "cmp-1"),
        ("nova-31.3.1+26.3.0", None, "cmp-1"),  # the backport's behaviour, by override
    ],
)
def test_host_name_by_series(profile, member, service):
    if profile.endswith("+26.3.0"):
        switches = {"cinder_attachment_host_name": "admin_or_service"}
        cloud = Cloud(profile=profile.split("+")[0], config={"switches": switches})
    else:
        cloud = booted(profile=profile)
    vid = create_volume(cloud)
    attach(cloud, vid)

    def host(ctx):
        (att,) = call(cloud, "GET", f"volumes/{vid}", ctx=ctx).json()["volume"]["attachments"]
        return att["host_name"]

    assert (host(MEMBER), host(SERVICE), host(ADMIN)) == (member, service, "cmp-1")
    listed = call(cloud, "GET", "volumes/detail", ctx=MEMBER).json()["volumes"]
    assert listed[0]["attachments"][0]["host_name"] == member


def test_the_host_and_mountpoint_come_from_the_connector_nova_sends():
    from tests.nova.conftest import NovaEnv

    env = NovaEnv("upstream")
    sid = env.boot("vm")
    r = env.cloud.request(
        "volumev3", "POST", "/v3/{project_id}/volumes", body={"volume": {"size": 1}}
    )
    vid = r.json()["volume"]["id"]
    env.cloud.run_until_idle()
    env.request(
        "POST",
        f"/v2.1/servers/{sid}/os-volume_attachments",
        {"volumeAttachment": {"volumeId": vid}},
    )
    env.cloud.run_until_idle()
    shown = env.cloud.request("volumev3", "GET", f"/v3/{{project_id}}/volumes/{vid}", user="admin")
    (att,) = shown.json()["volume"]["attachments"]
    host = env.cloud.nova.db.instance_row(sid).host
    assert (att["server_id"], att["host_name"], att["device"]) == (sid, host, "/dev/vdb")
    (row,) = env.cloud.cinder.store.attachments.values()
    assert (row.connector["host"], row.connector["mountpoint"], row.attach_mode) == (
        host,
        "/dev/vdb",
        "rw",
    )


#: The detail view's first keys: ``attachments`` sat in the view's literal after
#: ``updated_at`` until the commit that hid the host (6e97ac224, merged as 8bf454b0b5, Cinder
#: 17.0.0) moved it after ``multiattach`` (``api/v2/views/volumes.py`` ``detail``, 12.0.10 and
#: 16.4.2; ``api/v3/views/volumes.py`` ``legacy_detail`` in 28.0.0).
_QUEENS_ORDER = ["id", "status", "size", "availability_zone", "created_at", "updated_at"]


@pytest.mark.parametrize(
    ("profile", "after"),
    [
        ("nova-17.0.13", "updated_at"),  # Cinder 12.0.10
        ("nova-21.0.0", "updated_at"),  # Cinder 16.4.2
        ("nova-22.0.0", "multiattach"),  # Cinder 17
        ("upstream", "multiattach"),  # Cinder 29
    ],
)
def test_attachments_key_order_by_series(profile, after):
    cloud = booted(profile=profile)
    vid = create_volume(cloud)
    for ctx in (MEMBER, ADMIN):
        keys = list(call(cloud, "GET", f"volumes/{vid}", ctx=ctx).json()["volume"])
        assert keys[keys.index("attachments") - 1] == after
        assert keys[:6] == _QUEENS_ORDER
        created = call(cloud, "POST", "volumes", {"volume": {"size": 1}}, ctx=ctx)
        keys = list(created.json()["volume"])
        assert keys[keys.index("attachments") - 1] == after
