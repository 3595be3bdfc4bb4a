"""Every run from a world (an explored seed) gets its own copy of the names setup made."""

import fakecloud.scenario.runner as runner
from fakecloud.scenario.runner import World


def _names():
    links = [{"rel": "self", "href": "http://compute/servers/x"}]
    return {
        "steps": {},
        "servers": {"web": {"id": "x", "links": links, "progress": 0.5, "locked": False}},
        "images": {"cirros": {"id": "i", "tags": [], "min_disk": 0, "hash": None}},
        "same_links": links,  # a container met twice stays one container in each copy
    }


def test_each_copy_is_deep_and_keeps_shared_containers_shared_before_and_after_the_plan():
    names = _names()
    world = World(cloud=None, names=names)
    copies = [world.copy_names() for _ in range(runner.PLAN_AFTER_FORKS + 3)]
    assert world.__dict__.get("_names_copier") is not None  # planned once, then replayed
    for copy in copies:
        assert copy == _names()
        assert copy["same_links"] is copy["servers"]["web"]["links"]
        assert copy["servers"]["web"]["links"] is not names["servers"]["web"]["links"]
    for copy in copies:  # a run changing its names changes no other run's, nor the world's
        copy["steps"]["snap"] = {"status": 202}
        copy["servers"]["web"]["links"][0]["href"] = "changed"
        copy["images"]["cirros"]["tags"].append("mine")
    assert names == _names()
    assert all(c["images"]["cirros"]["tags"] == ["mine"] for c in copies)


def test_names_that_are_not_json_data_are_still_copied_whole():
    names = {"steps": {}, "volumes": {"data": {"id": "v", "sizes": (1, 2)}}}
    world = World(cloud=None, names=names)
    copies = [world.copy_names() for _ in range(runner.PLAN_AFTER_FORKS + 2)]
    assert world.__dict__.get("_names_copier") is None  # a tuple: not planned
    assert all(c == names and c["volumes"] is not names["volumes"] for c in copies)
