"""``GET /resource_filters`` (Cinder 3.33) through openstacksdk's
``block_storage.resource_filters()``, the call of its functional test
``block_storage/v3/test_resource_filters.py``: it was a 404 (no route)."""

from fakecloud import Cloud


def test_sdk_lists_the_series_filters_and_one_resource():
    cloud = Cloud(profile="upstream")
    with cloud.intercept():
        conn = cloud.connection()
        listed = {f.resource: f.filters for f in conn.block_storage.resource_filters()}
        assert list(listed) == [
            "volume", "backup", "snapshot", "group", "group_snapshot", "attachment", "message",
            "pool", "volume_type",
        ]  # fmt: skip
        assert listed["volume"][-3:] == ["created_at", "updated_at", "consumes_quota"]
        assert listed["volume_type"] == ["is_public", "extra_specs"]
        one = list(conn.block_storage.resource_filters(resource="backup"))
        assert [(f.resource, f.filters) for f in one] == [
            ("backup", ["name", "status", "volume_id"])
        ]
        assert list(conn.block_storage.resource_filters(resource="nope")) == []
    # Queens' Cinder 12 (3.50) has no volume_type entry; below 3.33 the bare 404
    seed = Cloud()
    old = seed.request("volume", "GET", "/v3/{project_id}/resource_filters", microversion="3.33")
    assert old.status == 200
    assert [e["resource"] for e in old.json()["resource_filters"]][-2:] == ["message", "pool"]
    assert old.json()["resource_filters"][3] == {"resource": "group", "filters": []}
    bare = seed.request("volume", "GET", "/v3/{project_id}/resource_filters")
    assert (bare.status, bare.json()["itemNotFound"]["message"]) == (
        404,
        "The resource could not be found.",
    )
