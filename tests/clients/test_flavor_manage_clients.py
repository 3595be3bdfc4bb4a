"""Real clients making and sharing flavors (tests/nova/test_flavor_manage.py has Nova's
answers): ``openstack flavor create --private --project / set --description / delete``,
openstacksdk's ``create_flavor``/``delete_flavor`` and flavor access, novaclient's
``flavors.create`` and ``flavor_access``. They were 404s: not served."""

import pytest
from client_helpers import novaclient_as
from openstack.exceptions import BadRequestException
from osc_inprocess import OpenStackCLI

from fakecloud import Cloud


def test_cli_and_sdk_create_share_and_delete(tmp_path):
    cloud = Cloud(seed=6, profile="upstream")
    demo = cloud.keystone.directory.project_by_name("demo").id
    with cloud.intercept():
        osc = OpenStackCLI(cloud, tmp_path)
        admin = "fakecloud-admin"
        made = osc(
            "flavor", "create", "--ram", "256", "--vcpus", "1", "--disk", "2", "--private",
            "--project", demo, "--description", "for demo", "small.private", cloud=admin,
        )  # fmt: skip
        assert (made["os-flavor-access:is_public"], made["description"]) == (False, "for demo")
        # The project given access sees it; set/unset reach Nova (read back directly).
        assert osc("flavor", "show", "small.private")["id"] == made["id"]
        osc("flavor", "set", "--description", "again", made["id"], cloud=admin, output=False)
        osc("flavor", "unset", "--project", demo, made["id"], cloud=admin, output=False)
        path = f"/v2.1/flavors/{made['id']}"
        shown = cloud.request("compute", "GET", path, user="admin", microversion="2.55")
        assert shown.json()["flavor"]["description"] == "again"
        assert cloud.request("compute", "GET", path + "/os-flavor-access", user="admin").json() == {
            "flavor_access": []
        }
        assert cloud.request("compute", "GET", path).status == 404
        # openstacksdk: the cloud layer's create_flavor, the proxy's access calls, delete.
        conn = cloud.connection("admin")
        flavor = conn.create_flavor("sdk.flavor", ram=128, vcpus=1, disk=0, is_public=False)
        conn.compute.flavor_add_tenant_access(flavor.id, demo)
        assert conn.compute.get_flavor_access(flavor.id) == [
            {"flavor_id": flavor.id, "tenant_id": demo}
        ]
        demo_conn = cloud.connection()
        assert demo_conn.compute.find_flavor("sdk.flavor") is not None
        # Booting with it, and a key pair demo does not have: Nova's 400 reaches the SDK.
        image = demo_conn.image.find_image("cirros-0.6.2-x86_64-disk")
        with pytest.raises(BadRequestException, match="Invalid key_name provided."):
            demo_conn.compute.create_server(
                name="s", flavor_id=flavor.id, image_id=image.id, networks="none", key_name="no"
            )
        conn.compute.flavor_remove_tenant_access(flavor.id, demo)
        assert conn.delete_flavor("sdk.flavor") is True
        osc("flavor", "delete", made["id"], cloud=admin, output=False)
        names = {f.name for f in conn.compute.flavors(is_public=None)}
        assert "small.private" not in names and "sdk.flavor" not in names and "m1.tiny" in names


def test_novaclient_flavors_and_flavor_access_on_queens():
    cloud = Cloud(seed=6, profile="seed")
    demo = cloud.keystone.directory.project_by_name("demo").id
    with cloud.intercept():
        nova = novaclient_as(cloud, "2.55", "admin")
        flavor = nova.flavors.create("nc", 64, 1, 0, flavorid="nc", is_public=False)
        assert (flavor.id, flavor.is_public) == ("nc", False)
        access = nova.flavor_access.add_tenant_access(flavor, demo)
        assert [(a.flavor_id, a.tenant_id) for a in access] == [("nc", demo)]
        assert [a.tenant_id for a in nova.flavor_access.list(flavor=flavor)] == [demo]
        updated = nova.flavors.update(flavor, "described")
        assert updated.description == "described"
        nova.flavor_access.remove_tenant_access(flavor, demo)
        nova.flavors.delete(flavor)
        assert "nc" not in [f.id for f in nova.flavors.list(is_public=None)]
