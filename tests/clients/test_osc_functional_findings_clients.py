"""What python-openstackclient 10.5.0's own functional tests (``compute/v2/test_server.py``)
found against ``fakecloud serve``, as the same commands in-process:

- ``server list --changes-before`` the ``updated`` a server shows left that server out: its
  ``updated_at`` kept the fraction of a second the API does not show, where Nova's
  ``DATETIME`` column keeps whole seconds (``test_server_list_with_changes_before``);
- ``server show --topology`` (2.78) was a 404: no ``/servers/{id}/topology`` route
  (``test_server_show``).
"""

from osc_inprocess import OpenStackCLI

from fakecloud import Cloud


def test_changes_before_a_shown_time_includes_it_and_topology_is_served(tmp_path):
    cloud = Cloud(profile="upstream")
    with cloud.intercept():
        conn = cloud.connection()
        image = conn.image.find_image("cirros-0.6.2-x86_64-disk").id
        shown = {}
        for name in ("s1", "s2", "s3"):
            made = conn.compute.create_server(name=name, image_id=image, flavor_id="1", networks=[])
            cloud.run_until_idle()
            shown[name] = conn.compute.get_server(made.id)
        # the row's time has a fraction of a second the API does not show
        assert cloud.nova.db.instances[shown["s2"].id].updated_at % 1 > 0
        osc = OpenStackCLI(cloud, tmp_path)
        before = osc(
            "--os-compute-api-version", "2.66", "server", "list",
            "--changes-before", shown["s2"].updated_at,
        )  # fmt: skip
        assert sorted(s["Name"] for s in before) == ["s1", "s2"]
        window = osc(
            "--os-compute-api-version", "2.66", "server", "list",
            "--changes-since", shown["s2"].updated_at, "--changes-before", shown["s3"].updated_at,
        )  # fmt: skip
        assert sorted(s["Name"] for s in window) == ["s2", "s3"]
        # instance actions read their updated_at the same way
        sid = shown["s2"].id
        at = shown["s2"].updated_at
        actions = cloud.request(
            "compute", "GET", f"/v2.1/servers/{sid}/os-instance-actions?changes-before={at}",
            microversion="2.66",
        )  # fmt: skip
        assert [a["action"] for a in actions.json()["instanceActions"]] == ["create"]
        server = osc("server", "show", "s1", "--topology", "--os-compute-api-version", "2.78")
        assert server["topology"] == {"nodes": [], "pagesize_kb": None}
    path = f"/v2.1/servers/{shown['s1'].id}/topology"
    assert cloud.request("compute", "GET", path, microversion="2.77").status == 404
    assert cloud.request("compute", "GET", path, user="admin", microversion="2.78").status == 200
