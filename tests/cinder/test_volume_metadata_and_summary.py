"""Volume metadata (``cinder/api/v3/volume_metadata.py``) and the volume summary
(``VolumeController.summary``, 3.12; its metadata 3.36), as Cinder 29.0.0 answers them.

``openstack volume set --property`` and ``volume unset --property`` write through the metadata
routes, ``openstack volume summary`` reads the summary; both were 404s.
"""

import hashlib
import json

import pytest
from cinder_support import ADMIN, OTHER, READER, call, create_volume, fault, reset_volume

from fakecloud import Cloud
from tests.booted import booted


@pytest.fixture
def cloud():
    """A fresh cloud of Cinder 29.0.0's series, with its new RBAC defaults enforced (Queens
    refused a ``/`` in metadata keys: ``tests/cinder/test_series_validation.py``)."""
    return Cloud(seed=0, profile="upstream", config={"cinder": {"enforce_new_defaults": True}})


def _meta(vid: str, key: str = "") -> str:
    return f"volumes/{vid}/metadata" + (f"/{key}" if key else "")


def test_create_merges_and_answers_changed_then_new_then_unchanged_keys(cloud):
    vid = create_volume(cloud, metadata={"a": "1", "b": "2"})
    r = call(cloud, "POST", _meta(vid), {"metadata": {"b": "2", "c": "3", "a": "9"}})
    assert r.status == 200
    # _volume_x_metadata_update: rows it saved (changed, then new), then the ones it skipped.
    assert list(r.json()["metadata"].items()) == [("a", "9"), ("c", "3"), ("b", "2")]
    shown = call(cloud, "GET", f"volumes/{vid}").json()["volume"]["metadata"]
    assert shown == {"a": "9", "b": "2", "c": "3"}


def test_update_all_replaces_and_keys_are_read_updated_and_deleted(cloud):
    vid = create_volume(cloud, metadata={"a": "1", "b": "2"})
    r = call(cloud, "PUT", _meta(vid), {"metadata": {"b": "2", "d/e": "4"}})
    assert r.json() == {"metadata": {"d/e": "4", "b": "2"}}
    assert call(cloud, "GET", _meta(vid, "b")).json() == {"meta": {"b": "2"}}
    assert call(cloud, "PUT", _meta(vid, "b"), {"meta": {"b": "5"}}).json() == {"meta": {"b": "5"}}
    r = call(cloud, "DELETE", _meta(vid, "b"))
    assert r.status == 200 and not r.body
    r = call(cloud, "DELETE", _meta(vid, "b"))
    assert fault(r) == ("itemNotFound", 404, f"Volume {vid} has no metadata with key b.")
    assert fault(call(cloud, "GET", _meta(vid, "b")))[1] == 404
    assert call(cloud, "GET", _meta(vid)).json() == {"metadata": {"d/e": "4"}}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"meta": {"x": "1"}}, "Request body and URI mismatch"),
        ({"meta": {}}, "Invalid input for field/attribute meta. Value: {}. {} "),
        ({"meta": {"k": "1", "x": "2"}}, "Invalid input for field/attribute meta."),
    ],
)
def test_update_of_one_key_checks_the_body(cloud, body, message):
    vid = create_volume(cloud)
    r = call(cloud, "PUT", _meta(vid, "k"), body)
    assert r.status == 400 and fault(r)[2].startswith(message)


def test_keys_are_checked_by_the_extra_specs_pattern(cloud):
    vid = create_volume(cloud)
    r = call(cloud, "POST", _meta(vid), {"metadata": {"a!": "1"}})
    assert r.status == 400
    assert "does not match any of the regexes: '^[a-zA-Z0-9-_:. /]{1,255}$'" in fault(r)[2]


def test_metadata_of_a_volume_in_maintenance_cannot_change(cloud):
    vid = create_volume(cloud, metadata={"a": "1"})
    reset_volume(cloud, vid, "maintenance")
    r = call(cloud, "POST", _meta(vid), {"metadata": {"b": "2"}})
    assert fault(r) == (
        "badRequest",
        400,
        "Invalid volume: Updating volume metadata is not allowed for volumes in maintenance "
        "status.",
    )
    r = call(cloud, "DELETE", _meta(vid, "a"))
    assert fault(r)[2].startswith("Invalid volume: Deleting volume metadata is not allowed")


def test_policy_readers_read_members_write_other_projects_do_not_see_it(cloud):
    vid = create_volume(cloud, metadata={"a": "1"})
    assert call(cloud, "GET", _meta(vid), ctx=READER).status == 200
    r = call(cloud, "POST", _meta(vid), {"metadata": {"b": "2"}}, ctx=READER)
    assert fault(r) == (
        "forbidden",
        403,
        "Policy doesn't allow volume:create_volume_metadata to be performed.",
    )
    assert call(cloud, "GET", _meta(vid), ctx=OTHER).status == 404
    path = f"/v3/{ADMIN.project_id}/{_meta(vid)}"
    assert call(cloud, "PUT", path, {"metadata": {}}, ctx=ADMIN).json() == {"metadata": {}}


def test_etags_from_3_15(cloud):
    vid = create_volume(cloud, metadata={"a": "1"})
    assert "Etag" not in call(cloud, "GET", _meta(vid), version="3.14").headers
    etag = call(cloud, "GET", _meta(vid), version="3.15").headers["Etag"]
    body = json.dumps({"metadata": {"a": "1"}}).encode()
    assert etag == hashlib.md5(body, usedforsecurity=False).hexdigest()
    stale = {"If-Match": '"0123"'}
    r = call(cloud, "PUT", _meta(vid), {"metadata": {"b": "2"}}, version="3.15", headers=stale)
    assert r.status == 412 and not r.body
    r = call(cloud, "PUT", _meta(vid, "a"), {"meta": {"a": "2"}}, version="3.15", headers=stale)
    assert r.status == 412
    # Before 3.15 the header is not read.
    r = call(cloud, "PUT", _meta(vid, "a"), {"meta": {"a": "2"}}, version="3.14", headers=stale)
    assert r.status == 200
    fresh = {"If-Match": f'"{call(cloud, "GET", _meta(vid), version="3.15").headers["Etag"]}"'}
    r = call(cloud, "PUT", _meta(vid), {"metadata": {"b": "2"}}, version="3.15", headers=fresh)
    assert r.json() == {"metadata": {"b": "2"}}


def test_summary_counts_sizes_and_distinct_metadata(cloud):
    create_volume(cloud, size=2, metadata={"a": "1"})
    create_volume(cloud, size=3, metadata={"a": "2", "b": "x"})
    create_volume(cloud, size=4, metadata={"a": "1"})
    create_volume(cloud, size=5, ctx=OTHER)
    r = call(cloud, "GET", "volumes/summary", version="3.11")
    assert fault(r) == ("itemNotFound", 404, "The resource could not be found.")
    r = call(cloud, "GET", "volumes/summary", version="3.12")
    assert r.json() == {"volume-summary": {"total_count": 3, "total_size": 9}}
    r = call(cloud, "GET", "volumes/summary", version="3.36")
    summary = r.json()["volume-summary"]
    assert summary == {
        "total_count": 3,
        "total_size": 9,
        "metadata": {"a": ["1", "2"], "b": ["x"]},
    }
    # all_tenants is dropped from a non-admin's query (not even checked), read by an admin's.
    r = call(cloud, "GET", "volumes/summary", version="3.12", query={"all_tenants": "maybe"})
    assert r.json()["volume-summary"]["total_count"] == 3
    path = f"/v3/{ADMIN.project_id}/volumes/summary"
    r = call(cloud, "GET", path, version="3.12", query={"all_tenants": "1"}, ctx=ADMIN)
    assert r.json() == {"volume-summary": {"total_count": 4, "total_size": 14}}
    assert call(cloud, "GET", path, version="3.12", ctx=ADMIN).json()["volume-summary"] == {
        "total_count": 0,
        "total_size": 0,
    }


def _action(cloud, vid, body, **kw):
    return call(cloud, "POST", f"volumes/{vid}/action", body, **kw)


def test_image_metadata_actions(cloud):
    # cinder/api/contrib/volume_image_metadata.py: `openstack volume set/unset --image-property`
    # were "There is no such action".
    vid = create_volume(cloud)
    missing = ("itemNotFound", 404, f"Glance metadata for volume/snapshot {vid} cannot be found.")
    assert fault(_action(cloud, vid, {"os-show_image_metadata": None})) == missing
    assert fault(_action(cloud, vid, {"os-unset_image_metadata": {"key": "a"}})) == missing
    r = _action(cloud, vid, {"os-set_image_metadata": {"metadata": {"a": "1", "b": "2"}}})
    assert r.status == 200 and r.json() == {"metadata": {"a": "1", "b": "2"}}
    r = _action(cloud, vid, {"os-set_image_metadata": {"metadata": {"b": "2", "a": "3"}}})
    assert list(r.json()["metadata"].items()) == [("a", "3"), ("b", "2")]
    assert fault(_action(cloud, vid, {"os-unset_image_metadata": {"key": "zz"}})) == missing
    r = _action(cloud, vid, {"os-unset_image_metadata": {"key": "a"}})
    assert r.status == 200 and not r.body
    r = _action(cloud, vid, {"os-show_image_metadata": {}})
    assert r.json() == {"metadata": {"b": "2"}}
    shown = call(cloud, "GET", f"volumes/{vid}").json()["volume"]
    assert shown["volume_image_metadata"] == {"b": "2"}
    r = _action(cloud, vid, {"os-set_image_metadata": {"metadata": {"c": "1"}}}, ctx=READER)
    assert fault(r)[:2] == ("forbidden", 403)
    r = _action(cloud, vid, {"os-set_image_metadata": {"meta": {}}})
    assert fault(r)[2].endswith("'metadata' is a required property")


def test_a_misspelt_body_key_is_reported_as_the_missing_required_one(cloud):
    # Cinder's schemas list "required" before "additionalProperties"; jsonschema reports the
    # first failing keyword in that order.
    r = call(cloud, "POST", "snapshots", {"snap": {"volume_id": create_volume(cloud)}})
    assert fault(r) == ("badRequest", 400, "'snapshot' is a required property")


def test_with_count_from_3_45_counts_the_matches_and_keeps_the_next_link(cloud):
    # VolumeController._get_volumes / SnapshotsController._items: ``count`` after the links;
    # _get_collection_links compares the limit with that count (item_count or len(items)).
    for size in (1, 2, 3):
        create_volume(cloud, size=size)
    r = call(cloud, "GET", "volumes", version="3.44", query={"with_count": "true"})
    assert "count" not in r.json()
    r = call(cloud, "GET", "volumes", version="3.45", query={"with_count": "true", "limit": "2"})
    page = r.json()
    assert (len(page["volumes"]), page["count"], list(page)) == (
        2,
        3,
        ["volumes", "volumes_links", "count"],
    )
    last = {"with_count": "true", "limit": "2", "marker": page["volumes"][-1]["id"]}
    r = call(cloud, "GET", "volumes", version="3.45", query=last)
    assert len(r.json()["volumes"]) == 1 and r.json()["count"] == 3
    assert "volumes_links" in r.json()  # the limit (2) is not above the count (3)
    r = call(cloud, "GET", "snapshots/detail", version="3.45", query={"with_count": "1"})
    assert r.json() == {"snapshots": [], "count": 0}
    r = call(cloud, "GET", "volumes", version="3.45", query={"with_count": "maybe"})
    assert fault(r) == ("badRequest", 400, "Value 'maybe' for 'with_count' is not a boolean.")


def test_lists_sort_as_cinder_does(cloud):
    # common.get_sort_params, db process_sort_params and paginate_query: 'name' is the
    # display_name column (snapshots from 3.30), created_at and id are added as tie-breakers in
    # the first direction, a key must be a column of the table.
    for name, size in (("b", 2), ("a", 1), ("c", 3)):
        create_volume(cloud, size=size, name=name)

    def names(query, path="volumes", version=None):
        r = call(cloud, "GET", path, query=query, version=version)
        assert r.status == 200, r.json()
        return [item["name"] for item in r.json()[path.split("/")[0]]]

    assert names({"sort": "name:asc"}) == ["a", "b", "c"]
    assert names({"sort": "name"}) == ["c", "b", "a"]  # no direction: desc
    assert names({"sort_key": "size", "sort_dir": "asc"}) == ["a", "b", "c"]
    assert names({"sort": "status:asc,size:asc"}, "volumes/detail") == ["a", "b", "c"]
    r = call(cloud, "GET", "volumes", query={"sort": "display_name:asc", "limit": "2"})
    after = r.json()["volumes_links"][0]["href"].split("marker=")[1]
    assert after == r.json()["volumes"][-1]["id"]
    assert names({"sort": "display_name:asc", "marker": after}) == ["c"]
    vid = call(cloud, "GET", "volumes", query={"sort": "name:asc"}).json()["volumes"][0]["id"]
    for snap in ("y", "x"):
        call(cloud, "POST", "snapshots", {"snapshot": {"volume_id": vid, "name": snap}})
    cloud.run_until_idle()
    assert names({"sort": "name:asc"}, "snapshots", "3.30") == ["x", "y"]
    r = call(cloud, "GET", "snapshots", query={"sort": "name:asc"}, version="3.29")
    assert fault(r) == ("badRequest", 400, "Invalid input received: Invalid sort key")


_DIRECTION = "Invalid input received: Unknown sort direction, must be 'desc' or 'asc'."
_BOTH = (
    "The 'sort_key' and 'sort_dir' parameters are deprecated and cannot be used with the 'sort' "
    "parameter."
)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"sort": "bogus:asc"}, "Invalid input received: Invalid sort key"),
        ({"sort": "name:up"}, _DIRECTION),
        ({"sort": "name", "sort_key": "size"}, _BOTH),
    ],
)
def test_bad_sort_parameters_are_400(cloud, query, message):
    assert fault(call(cloud, "GET", "volumes", query=query)) == ("badRequest", 400, message)


@pytest.mark.parametrize(("profile", "taken"), [("nova-28.2.0", False), ("nova-28.3.0", True)])
def test_an_image_metadata_value_over_255_by_point_release(profile, taken):
    """``os-set_image_metadata``'s schema took ``extra_specs`` values (255 characters at most)
    until 0bd1bd699d (Cinder 24.0.0) and its backport 2fb2ff99b4 (23.2.0, tagged 2024-07-10,
    beside Nova 28.3.0: switch ``cinder_image_metadata_value_255``): MySQL TEXT's 65535
    bytes after."""
    cloud = Cloud(profile=profile)
    vid = create_volume(cloud)
    r = _action(cloud, vid, {"os-set_image_metadata": {"metadata": {"signature": "s" * 256}}})
    if taken:
        assert r.status == 200
    else:
        assert fault(r)[:2] == ("badRequest", 400) and "is too long" in fault(r)[2]


def test_queens_image_metadata_is_checked_by_the_volume_api_not_a_schema():
    """Queens' ``os-set_image_metadata`` has no schema: ``_update_volume_metadata``'s
    ``check_metadata_properties`` refuses a value over 255 characters (413, as
    ``_update_volume_image_metadata`` answers ``InvalidVolumeMetadataSize``) and a value that is
    no string (400), and what is no mapping is "Malformed request body." (cinder 12.0.10); it
    took 300 characters and answered a schema's words (rv13, 2ba62bf0's Queens claim)."""
    cloud = booted(profile="nova-17.0.13")  # Cinder 12.0.10
    vid = create_volume(cloud)
    answers = [
        fault(_action(cloud, vid, {"os-set_image_metadata": {"metadata": metadata}}))
        for metadata in ({"k": "v" * 256}, {"k": 5}, None)
    ]
    assert answers == [
        ("overLimit", 413, "Invalid metadata size: Metadata property key k value greater than "
         "255 characters."),
        ("badRequest", 400, "Invalid metadata: Invalid input received: Value for metadata key: "
         "k is not a string or unicode"),
        ("badRequest", 400, "Malformed request body."),
    ]  # fmt: skip
    r = _action(cloud, vid, {"os-set_image_metadata": {"metadata": {"k": "v" * 255}}})
    assert (r.status, r.json()) == (200, {"metadata": {"k": "v" * 255}})


def test_queens_image_metadata_unset_reads_its_key_by_hand():
    """Queens' ``os-unset_image_metadata`` has no schema either (12.0.10 ``delete``): no key
    is "Malformed request body.", an empty one "The key cannot be None.", one of another type
    a key the volume lacks (404); they were the later schema's words (rv13)."""
    cloud = booted(profile="nova-17.0.13")
    vid = create_volume(cloud)
    answers = [
        fault(_action(cloud, vid, {"os-unset_image_metadata": body}))
        for body in ({}, {"key": ""}, {"key": 5})
    ]
    assert answers == [
        ("badRequest", 400, "Malformed request body."),
        ("badRequest", 400, "The key cannot be None."),
        ("itemNotFound", 404, f"Glance metadata for volume/snapshot {vid} cannot be found."),
    ]
