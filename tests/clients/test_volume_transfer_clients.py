"""``openstack volume transfer request create/list/show/accept/delete`` (python-openstackclient
10.5.0 through openstacksdk 4.22.0, unchanged, in-process): the demo project offers a volume,
the admin project accepts it with the key. They were 404s (tests/cinder/test_volume_transfers.py
has Cinder's answers)."""

from client_helpers import needs, show_direct, volume_direct
from osc_inprocess import CommandFailed, OpenStackCLI

from fakecloud import Cloud


def test_cli_offers_accepts_and_deletes_transfer_requests(tmp_path):
    cloud = Cloud(seed=6, profile="upstream")
    needs(cloud, "cinder")
    with cloud.intercept():
        vid = volume_direct(cloud, "gift", size=1)
        other = volume_direct(cloud, "kept", size=1)
        osc = OpenStackCLI(cloud, tmp_path)
        made = osc("volume", "transfer", "request", "create", "--name", "t1", "gift")
        assert (made["name"], made["volume_id"], len(made["auth_key"])) == ("t1", vid, 16)
        listed = osc("volume", "transfer", "request", "list")
        assert listed == [{"ID": made["id"], "Name": "t1", "Volume": vid}]
        shown = osc("volume", "transfer", "request", "show", made["id"])
        # the create shows the row it wrote, the show the second MySQL stored
        assert made["created_at"] == "2026-01-01T00:00:02.008000"
        assert (shown["name"], shown["created_at"]) == ("t1", "2026-01-01T00:00:02.000000")
        # by name: openstacksdk's find falls back on the summary list (no created_at there)
        assert osc("volume", "transfer", "request", "show", "t1")["id"] == made["id"]
        try:
            osc("volume", "transfer", "request", "accept", "--auth-key", "0" * 16, made["id"],
                cloud="fakecloud-admin")  # fmt: skip
        except CommandFailed as failed:
            assert "Invalid auth key" in str(failed)
        else:
            raise AssertionError("a wrong key was accepted")
        taken = osc("volume", "transfer", "request", "accept", "--auth-key", made["auth_key"],
                    made["id"], cloud="fakecloud-admin")  # fmt: skip
        assert (taken["id"], taken["volume_id"]) == (made["id"], vid)
        volume = show_direct(cloud, f"/v3/{{project_id}}/volumes/{vid}", user="admin")["volume"]
        assert volume["status"] == "available"
        assert cloud.request("volumev3", "GET", f"/v3/{{project_id}}/volumes/{vid}").status == 404
        # a request deleted gives the volume back
        second = osc("volume", "transfer", "request", "create", other)
        osc("volume", "transfer", "request", "delete", second["id"], output=False)
        volume = show_direct(cloud, f"/v3/{{project_id}}/volumes/{other}")["volume"]
        assert volume["status"] == "available"
        assert osc("volume", "transfer", "request", "list") == []
    assert not cloud.check_invariants()
