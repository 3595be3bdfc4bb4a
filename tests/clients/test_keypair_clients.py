"""``openstack keypair create --public-key F NAME``/``list``/``show``/``delete`` and
openstacksdk's ``create_keypair``/``keypairs()``/``delete_keypair`` against Nova's
``/os-keypairs`` (tests/nova/test_keypairs.py). They were 404s: not served."""

from client_helpers import novaclient
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


def test_novaclient_and_sdk_have_nova_generate_a_key_before_2_92():
    """novaclient ``keypairs.create(name)`` and openstacksdk ``create_keypair(name=...)``
    without a public key: Nova (here the seed's Queens) generates one and answers the private
    half once. Seed 20: both keys are found after few prime candidates (0.1 CPU-s, the least
    of seeds 0-39 in session 42; seed 11, chosen so before the cloud's draws moved, took 0.24)."""
    cloud = Cloud(seed=20, profile="seed")
    with cloud.intercept():
        nova = novaclient(cloud, "2.2")
        made = nova.keypairs.create("nc")
        assert made.private_key.startswith("-----BEGIN RSA PRIVATE KEY-----")
        assert (made.type, nova.keypairs.get("nc").fingerprint) == ("ssh", made.fingerprint)
        conn = cloud.connection()
        sdk = conn.compute.create_keypair(name="sdk")
        assert sdk.private_key.startswith("-----BEGIN RSA PRIVATE KEY-----")
        assert sdk.public_key.endswith(" Generated-by-Nova")
        assert conn.compute.get_keypair("sdk").fingerprint == sdk.fingerprint
        assert sdk.public_key != made.public_key
