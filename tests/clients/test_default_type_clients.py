"""openstacksdk 4.22.0's ``block_storage.set_default_type/show_default_type/default_types/
unset_default_type`` (unchanged, in-process) as the admin: the demo project gets a default type
of its own, which its next volume without a type takes (tests/cinder/test_default_types.py has
Cinder's answers). They were 404s."""

from client_helpers import needs, show_direct, volume_direct

from fakecloud import Cloud

CONFIG = {
    "cinder": {
        "backends": {"thin": {"kind": "lvm-thin"}, "thick": {"kind": "lvm-thick"}},
        "volume_types": {"__DEFAULT__": {"backend": "thin"}, "fat": {"backend": "thick"}},
    }
}


def test_sdk_sets_shows_lists_and_unsets_a_projects_default_type():
    cloud = Cloud(seed=6, profile="upstream", config=CONFIG)
    needs(cloud, "cinder")
    demo = {p.name: pid for pid, p in cloud.keystone.directory.projects.items()}["demo"]
    fat = cloud.cinder.volume_types["fat"].id
    with cloud.intercept():
        storage = cloud.connection(user="admin").block_storage
        made = storage.set_default_type(demo, fat)
        assert (made.project_id, made.volume_type_id) == (demo, fat)
        assert storage.show_default_type(demo).volume_type_id == fat
        assert [(d.project_id, d.volume_type_id) for d in storage.default_types()] == [(demo, fat)]
        vid = volume_direct(cloud, "typed-by-default")
        volume = show_direct(cloud, f"/v3/{{project_id}}/volumes/{vid}")["volume"]
        assert volume["volume_type"] == "fat"
        storage.unset_default_type(demo)
        assert list(storage.default_types()) == []
