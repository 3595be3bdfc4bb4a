"""A user's and a group's name on Keystone 13.x-14.x (the ``seed`` profile: keystone 13):
their schema's ``_identity_name`` has no ``maxLength`` (so a refusal prints none), and the
identity manager's ``clean.user_name``/``clean.group_name`` refuse a stripped name over 255
and 64 characters (keystone 13.0.0-14.0.0 ``keystone/common/clean.py``; 15.0.0's e5def7c3a
moved the bound, 255 for both, into the schema). A user's name is stripped in every release;
a project's tags are never its ``extra`` (``Project.attributes``)."""

from fakecloud import Cloud


def _post(cloud, kind, ref):
    return cloud.request("identity", "POST", f"/v3/{kind}s", {kind: ref}, user="admin")


def _message(resp):
    assert resp.status == 400, resp.json()
    return resp.json()["error"]["message"]


def test_keystone_13_bounds_names_in_the_manager():
    cloud = Cloud(profile="seed")
    assert _message(_post(cloud, "user", {"name": "u" * 256})) == (
        "User name should not be greater than 255 characters."
    )
    assert _message(_post(cloud, "group", {"name": "g" * 65})) == (
        "Group name should not be greater than 64 characters."
    )
    # the schema a refusal prints (a group's: test_directory_writes.py)
    assert "'name': {'minLength': 1,\n" in _message(_post(cloud, "user", {"password": "x"}))
    user = _post(cloud, "user", {"name": " bob  ", "password": "x"}).json()["user"]
    assert user["name"] == "bob"
    group = _post(cloud, "group", {"name": "g" * 64}).json()["group"]
    renamed = cloud.request(
        "identity", "PATCH", f"/v3/groups/{group['id']}", {"group": {"name": "h" * 65}},
        user="admin",
    )  # fmt: skip
    assert _message(renamed) == "Group name should not be greater than 64 characters."
    project = _post(cloud, "project", {"name": "p1", "tags": ["a"]}).json()["project"]
    changed = cloud.request(
        "identity", "PATCH", f"/v3/projects/{project['id']}", {"project": {"x": 1}},
        user="admin",
    ).json()["project"]  # fmt: skip
    assert (changed["tags"], changed["extra"]) == (["a"], {"x": 1})


def test_keystone_15_on_bounds_names_in_the_schema(booted):
    cloud = booted.fork()
    assert _post(cloud, "group", {"name": "g" * 255}).status == 201
    assert "is too long" in _message(_post(cloud, "group", {"name": "g" * 256}))
