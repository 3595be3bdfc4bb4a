"""`openstack keypair create NAME` without a public key: the CLI makes an ed25519 key itself
(openstackclient 10.x ``_generate_keypair``) and imports its public half."""

from osc_inprocess import OpenStackCLI

from fakecloud import Cloud


def test_the_cli_imports_the_key_it_generates(tmp_path):
    for profile in ("seed", "upstream"):
        cloud = Cloud(profile=profile)
        with cloud.intercept():
            osc = OpenStackCLI(cloud, tmp_path)
            made = osc("keypair", "create", "--private-key", str(tmp_path / "k"), "gen")
            assert made["name"] == "gen"
            assert (tmp_path / "k").read_text().startswith("-----BEGIN OPENSSH PRIVATE KEY-----")
            (shown,) = osc("keypair", "list")
            assert shown["Name"] == "gen"
