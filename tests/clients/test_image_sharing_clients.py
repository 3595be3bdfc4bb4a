"""A Nova snapshot image shared, tagged and given properties with the ``openstack`` CLI,
against Glance's source (glance 33.0.0: ``api/v2/image_members.py`` create/update/index/delete
and ``_check_visibility_and_ownership``, ``api/v2/images.py`` ``index`` filters
``visibility``/``member_status``/``tag``, ``_get_change_operation``'s reserved names,
``api/v2/image_tags.py``)."""

import pytest
from client_helpers import boot_direct, needs, show_direct
from osc_inprocess import CommandFailed, OpenStackCLI

from fakecloud import Cloud

IMAGE = "cirros-0.6.2-x86_64-qga"
ALT = {"password": "pw", "project": "alt", "roles": ["member"]}


@pytest.fixture
def cloud():
    """A second project with a member user, to share with."""
    return Cloud(
        profile="upstream",
        config={"identity": {"projects": {"alt": {}}, "users": {"alt": ALT}}},
    )


@pytest.fixture
def osc(intercepted, tmp_path):
    needs(intercepted, "nova", "glance")
    return OpenStackCLI(intercepted, tmp_path)


@pytest.fixture
def snap(osc, intercepted):
    """Nova's snapshot of the demo user's server (``createImage``): a private image."""
    sid = boot_direct(intercepted, "vm")
    body = {"createImage": {"name": "snap"}}
    r = intercepted.request("compute", "POST", f"/v2.1/servers/{sid}/action", body=body,
                            microversion="2.45")  # fmt: skip
    intercepted.run_until_idle()
    return r.json()["image_id"]


def _ids(rows):
    return [r["ID"] for r in rows]


def test_sharing_a_snapshot_and_the_member_status_changes(osc, intercepted, snap):
    alt = intercepted.keystone.directory.project_by_name("alt").id
    # Nova's snapshot of a member's server is private: only shared images have members.
    with pytest.raises(CommandFailed, match=f"Not allowed to create members for image {snap}"):
        osc("image", "add", "project", "snap", alt)
    osc("image", "set", "--shared", "snap", output=False)
    added = osc("image", "add", "project", "snap", alt)
    assert (added["member_id"], added["status"]) == (alt, "pending")
    as_alt = {"cloud": "fakecloud-alt"}
    # Pending: listed with member_status=all only; accepted: in the shared list.
    assert snap in _ids(osc("image", "list", "--shared", "--member-status", "all", **as_alt))
    osc("image", "set", "--accept", snap, output=False, **as_alt)
    assert snap in _ids(osc("image", "list", "--shared", **as_alt))
    osc("image", "set", "--reject", snap, output=False, **as_alt)
    rejected = osc("image", "list", "--shared", "--member-status", "rejected", **as_alt)
    assert snap in _ids(rejected)
    (member,) = osc("image", "member", "list", "snap")
    assert (member["Member ID"], member["Status"]) == (alt, "rejected")
    # The owner is no member: its own status change is a 404.
    with pytest.raises(CommandFailed, match="not found in the member list of the image"):
        osc("image", "set", "--accept", snap, output=False)
    osc("image", "remove", "project", "snap", alt, output=False)
    assert show_direct(intercepted, f"/v2/images/{snap}/members")["members"] == []


def test_properties_and_tags_of_a_snapshot_image(osc, intercepted, snap):
    osc("image", "set", "--property", "foo=bar", "--tag", "t1", "--tag", "t2", "snap",
        output=False)  # fmt: skip
    shown = osc("image", "show", "snap")
    assert (shown["properties"]["foo"], sorted(shown["tags"])) == ("bar", ["t1", "t2"])
    assert shown["properties"]["image_type"] == "snapshot"  # Nova's, kept
    osc("image", "set", "--tag", "t1", IMAGE, cloud="fakecloud-admin", output=False)
    assert snap in _ids(osc("image", "list", "--tag", "t1"))
    # Several tags: an image must have them all.
    assert _ids(osc("image", "list", "--tag", "t1", "--tag", "t2")) == [snap]
    osc("image", "unset", "--property", "foo", "--tag", "t1", "snap", output=False)
    shown = show_direct(intercepted, f"/v2/images/{snap}")
    assert ("foo" not in shown, shown["tags"]) == (True, ["t2"])
    # Glance's reserved namespace (os_glance*, from glance 22.0.0): 403.
    with pytest.raises(CommandFailed, match="403"):
        osc("image", "set", "--property", "os_glance_x=1", "snap", output=False)
