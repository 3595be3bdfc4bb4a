"""``openstack keypair create --public-key F NAME``/``list``/``show``/``delete`` and
openstacksdk's ``create_keypair``/``keypairs()``/``delete_keypair`` against Nova's
``/os-keypairs`` (tests/nova/test_keypairs.py). They were 404s: not served."""

from osc_inprocess import OpenStackCLI

from fakecloud import Cloud

SSH = (
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAT1gK83ruUidhGETF5lkrWWgfbW7DHFfcuJm1iJGvO+ t6@fakecloud"
)
SSH_MD5 = "1b:7f:42:03:c6:d8:2c:e4:95:cc:53:18:ce:8a:80:6b"


def test_cli_and_sdk_import_list_show_delete(tmp_path):
    cloud = Cloud(seed=6, profile="upstream")
    key = tmp_path / "id.pub"
    key.write_text(SSH + "\n")
    with cloud.intercept():
        osc = OpenStackCLI(cloud, tmp_path)
        made = osc("keypair", "create", "--public-key", str(key), "k1")
        assert (made["name"], made["fingerprint"]) == ("k1", SSH_MD5)
        conn = cloud.connection()
        conn.compute.create_keypair(name="k2", public_key=SSH)
        assert sorted(k.name for k in conn.compute.keypairs()) == ["k1", "k2"]
        listed = osc("keypair", "list")
        assert [row["Name"] for row in listed] == ["k1", "k2"]
        shown = osc("keypair", "show", "k2")
        assert (shown["fingerprint"], shown["type"]) == (SSH_MD5, "ssh")
        osc("keypair", "delete", "k1", output=False)
        conn.compute.delete_keypair("k2")
        assert list(conn.compute.keypairs()) == []
