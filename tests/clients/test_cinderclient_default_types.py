"""python-cinderclient 9.10.0's ``default_types`` (unchanged, in-process) at 3.62 on a Victoria
cloud (Cinder 17): it calls ``/v3/default-types[/{project_id}]``, the only paths Cinder 17.0.0 to
24.0.0 map (``api/v3/router.py``; the ``/v3/{project_id}/`` form came with 9afa19e9c, 25.0.0).
Each call was the router's 404 (fakecloud served these paths only with a project id before
Cinder 20)."""

from client_helpers import needs, password_session

from fakecloud import Cloud

CONFIG = {
    "cinder": {
        "backends": {"thin": {"kind": "lvm-thin"}, "thick": {"kind": "lvm-thick"}},
        "volume_types": {"__DEFAULT__": {"backend": "thin"}, "fat": {"backend": "thick"}},
    }
}


def test_cinderclient_sets_lists_and_unsets_its_projects_default_type_on_cinder_17():
    from cinderclient import client

    cloud = Cloud(seed=6, profile="nova-22.4.0", config=CONFIG)
    needs(cloud, "cinder")
    admin_project = {p.name: pid for pid, p in cloud.keystone.directory.projects.items()}["admin"]
    fat = cloud.cinder.volume_types["fat"].id
    with cloud.intercept():
        # 17.x-19.x policy: an admin sets its own project's default (not another's)
        types = client.Client("3.62", session=password_session(cloud, "admin")).default_types
        made = types.create("fat", admin_project)
        assert (made.project_id, made.volume_type_id) == (admin_project, fat)
        assert types.list(admin_project).volume_type_id == fat
        types.delete(admin_project)
    assert cloud.cinder.project_default_types is None
