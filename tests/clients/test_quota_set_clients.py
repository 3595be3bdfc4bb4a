"""Quota updates through the real clients: ``openstack quota set`` (Nova's and Cinder's
``os-quota-sets`` PUT in one command), ``openstack quota show``, and python-novaclient's
``quotas.update`` / ``quotas.delete``; a boot past the new instance limit is refused."""

from client_helpers import base_image, novaclient_as, small_flavor
from osc_inprocess import OpenStackCLI

from fakecloud import Cloud


def test_openstack_quota_set_then_show_and_a_boot_past_it(tmp_path):
    cloud = Cloud(seed=0)
    project = cloud.keystone.token_for("demo").context.project_id
    with cloud.intercept():
        osc = OpenStackCLI(cloud, tmp_path)
        osc(
            "quota", "set", "--instances", "1", "--cores", "4", "--volumes", "3", project,
            cloud="fakecloud-admin", output=False,
        )  # fmt: skip
        shown = osc("quota", "show", project, cloud="fakecloud-admin")
        rows = {row["Resource"]: row["Limit"] for row in shown}
        assert (rows["instances"], rows["cores"], rows["volumes"]) == (1, 4, 3)
        assert rows["ram"] == 51200

        conn = cloud.connection()
        image = base_image(cloud, conn)
        flavor = small_flavor(conn, image)
        conn.compute.create_server(
            name="q1", flavor_id=flavor.id, image_id=image.id, networks="none"
        )
        try:
            conn.compute.create_server(
                name="q2", flavor_id=flavor.id, image_id=image.id, networks="none"
            )
        except Exception as exc:  # openstacksdk's ForbiddenException
            assert "Quota exceeded for instances" in str(exc)
        else:
            raise AssertionError("a second server past the instance quota was created")


def test_novaclient_quotas_update_and_delete():
    cloud = Cloud(seed=0)
    project = cloud.keystone.token_for("demo").context.project_id
    with cloud.intercept():
        nova = novaclient_as(cloud, "2.1", "admin")
        updated = nova.quotas.update(project, instances=2, key_pairs=50)
        assert (updated.instances, updated.key_pairs) == (2, 50)
        assert nova.quotas.get(project).instances == 2
        assert nova.quotas.get(project, detail=True).instances == {
            "in_use": 0, "limit": 2, "reserved": 0,
        }  # fmt: skip
        nova.quotas.delete(project)
        assert nova.quotas.get(project).instances == 10
