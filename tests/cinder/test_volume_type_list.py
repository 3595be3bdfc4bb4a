"""``GET /types`` (``openstack volume type list [--public|--private]``, openstacksdk
``block_storage.types()``) as ``VolumeTypesController._get_volume_types`` reads the query per
series (cinder 12.0.10 ``api/v2/types.py``; 14.3.1/16.4.2 ``api/v2/types.py``; 19.0.0/29.0.0
``api/v3/types.py``; rows: ``_process_volume_types_filters``). See
`fakecloud.cinder.type_list`. fakecloud listed every type to an admin and read no parameter."""

import pytest
from cinder_support import ADMIN, MEMBER, call, fault

from fakecloud import Cloud

QUEENS = "seed"  # Cinder 12: is_public only
ROCKY = "nova-18.3.0"  # Cinder 13: 3.52 filters, resource_filters.json volume_type: []
TRAIN = "nova-20.6.0"  # Cinder 15: volume_type: ["is_public"]
XENA = "nova-24.0.0"  # Cinder 19: + extra_specs, sensitive keys hidden
TYPES = {
    "__DEFAULT__": {"backend": "lvmdriver-1"},
    "gold": {"backend": "lvmdriver-1", "extra_specs": {"tier": "gold", "multiattach": "<is> True"}},
    "secret": {"backend": "lvmdriver-1", "is_public": False},
    "zoned": {"backend": "lvmdriver-1", "extra_specs": {"RESKEY:availability_zones": "az1, AZ2"}},
}


def _cloud(profile):
    return Cloud(profile=profile, config={"cinder": {"volume_types": TYPES}})


def _names(cloud, query=None, ctx=MEMBER, version=None):
    resp = call(cloud, "GET", "types", ctx=ctx, query=query, version=version)
    assert resp.status == 200, resp.json()
    return sorted(t["name"] for t in resp.json()["volume_types"])


def _public(profile):
    names = ["gold", "zoned"]
    # No __DEFAULT__ type before Cinder 15.0.0.
    return names if profile in (QUEENS, ROCKY) else ["__DEFAULT__", *names]


@pytest.mark.parametrize("profile", [QUEENS, TRAIN, "upstream"])
def test_is_public_is_an_admins_filter(profile):
    cloud = _cloud(profile)
    public = _public(profile)
    # Absent: public only, for an admin too (_parse_is_public(None) is True).
    assert _names(cloud, ctx=ADMIN) == public
    assert _names(cloud, "is_public=None", ctx=ADMIN) == sorted([*public, "secret"])
    assert _names(cloud, "is_public=false", ctx=ADMIN) == ["secret"]
    assert _names(cloud, "is_public=true", ctx=ADMIN) == public
    resp = call(cloud, "GET", "types", ctx=ADMIN, query="is_public=maybe")
    assert fault(resp) == ("badRequest", 400, "Invalid is_public filter [maybe]")
    # A member's is_public is always public (and the types shared with it: none here).
    assert _names(cloud, "is_public=false") == public
    assert _names(cloud, "is_public=maybe") == public


def test_queens_reads_no_other_parameter():
    cloud = _cloud(QUEENS)
    assert _names(cloud, "name=gold", ctx=ADMIN) == _public(QUEENS)
    assert _names(cloud, "frobnicate=1", ctx=ADMIN) == _public(QUEENS)


@pytest.mark.parametrize("profile", [ROCKY, TRAIN, XENA, "upstream"])
def test_an_admins_filters_are_columns(profile):
    cloud = _cloud(profile)
    assert _names(cloud, "name=gold", ctx=ADMIN) == ["gold"]
    assert _names(cloud, "name=secret&is_public=none", ctx=ADMIN) == ["secret"]
    # Not a column of the type: is_valid_model_filters fails, no query, no rows.
    assert _names(cloud, "frobnicate=1", ctx=ADMIN) == []
    # Any microversion: an admin's extra_specs filter is kept and read as a literal.
    assert _names(cloud, "extra_specs={'tier': 'gold'}", ctx=ADMIN) == ["gold"]
    assert _names(cloud, "extra_specs={'RESKEY:availability_zones': 'az2'}", ctx=ADMIN) == ["zoned"]
    resp = call(cloud, "GET", "types", ctx=ADMIN, query="extra_specs=tier", allow_500=True)
    assert resp.status == 500  # the text's .items(): AttributeError
    # Paging parameters are popped, not filters.
    assert len(_names(cloud, "limit=1", ctx=ADMIN)) == 1


@pytest.mark.parametrize(
    ("profile", "allowed"),
    [(ROCKY, ()), (TRAIN, ("is_public",)), (XENA, ("is_public", "extra_specs"))],
)
def test_a_members_filters_from_3_52_per_series(profile, allowed):
    cloud = _cloud(profile)
    for key, value in (("is_public", "true"), ("extra_specs", "{'multiattach': '<is> True'}")):
        resp = call(cloud, "GET", "types", query=f"{key}={value}", version="3.52")
        if key in allowed:
            assert resp.status == 200, resp.json()
        else:
            assert fault(resp) == (
                "badRequest", 400, f"Invalid filters {key} are found in query options."
            )  # fmt: skip
        # Before 3.52: remove_invalid_filter_options keeps is_public only; the rest dropped.
        assert _names(cloud, f"{key}={value}", version="3.51") == _public(profile)
    assert fault(call(cloud, "GET", "types", query="name=gold", version="3.52"))[1] == 400


def test_a_members_extra_specs_filter_from_cinder_19():
    cloud = _cloud(XENA)
    assert _names(cloud, "extra_specs={'multiattach': '<is> True'}", version="3.52") == ["gold"]
    # A key outside the user-visible specs: "as far as an unauthorized user goes", no type.
    assert _names(cloud, "extra_specs={'tier': 'gold'}", version="3.52") == []
    assert _names(cloud, "extra_specs={'tier': 'gold'}", ctx=ADMIN, version="3.52") == ["gold"]


def test_a_marker_the_caller_cannot_see_is_a_404():
    cloud = _cloud("upstream")
    secret = cloud.cinder.volume_types["secret"].id
    resp = call(cloud, "GET", "types", query=f"marker={secret}")
    assert fault(resp) == ("itemNotFound", 404, f"Volume type {secret} could not be found.")
    listed = call(cloud, "GET", "types", ctx=ADMIN, query="is_public=none").json()["volume_types"]
    first = listed[0]["id"]
    after = call(cloud, "GET", "types", ctx=ADMIN, query=f"is_public=none&marker={first}")
    assert [t["id"] for t in after.json()["volume_types"]] == [t["id"] for t in listed[1:]]


@pytest.mark.parametrize("profile", [QUEENS, "nova-17.0.9", "upstream"])
def test_a_private_type_by_id_is_hidden_from_a_member_by_name_it_is_not(profile):
    """``get_volume_type`` reads ``_volume_type_get_query`` (a non-admin: public or shared with
    the project), ``get_volume_type_by_name`` reads no access (12.0.10, 29.0.0 db): ``GET
    /types/{id}`` and a create's ``volume_type`` given as the id are 404s, the name works (not
    on 12.x); a
    retype looks the type up elevated (``volume/api.py`` ``retype``): the id works there.
    ``GET /types/{name}`` is by id only: a 404 for everyone."""
    cloud = _cloud(profile)
    secret = cloud.cinder.volume_types["secret"].id
    missing = ("itemNotFound", 404, f"Volume type {secret} could not be found.")
    assert fault(call(cloud, "GET", f"types/{secret}")) == missing
    assert call(cloud, "GET", f"types/{secret}", ctx=ADMIN).json()["volume_type"]["name"] == (
        "secret"
    )
    assert fault(call(cloud, "GET", "types/gold", ctx=ADMIN)) == (
        "itemNotFound", 404, "Volume type gold could not be found."
    )  # fmt: skip
    body = {"volume": {"size": 1, "volume_type": secret}}
    assert fault(call(cloud, "POST", "volumes", body)) == missing
    body["volume"]["volume_type"] = "secret"
    resp = call(cloud, "POST", "volumes", body)
    if profile == QUEENS:
        # 12.0.10 ExtractVolumeRequestTask reads the named type again by its id, as the caller
        # (302e46d0c2, 12.0.5 on, beside Nova 17.0.10: switch cinder_type_reread_as_caller;
        # 12.0.0-12.0.4 and 13.0.0 on take it as found).
        assert fault(resp) == missing
        assert call(cloud, "POST", "volumes", body, ctx=ADMIN).status == 202
        return
    assert resp.status == 202, resp.json()
    assert resp.json()["volume"]["volume_type"] == "secret"
    cloud.run_until_idle()
    other = call(cloud, "POST", "volumes", {"volume": {"size": 1}}).json()["volume"]["id"]
    cloud.run_until_idle()
    retype = {"os-retype": {"new_type": secret}}
    resp = call(cloud, "POST", f"volumes/{other}/action", retype)
    assert resp.status == 202, resp.json()


@pytest.mark.parametrize("profile", ["nova-21.1.1", "nova-26.0.0", "upstream"])
def test_a_private_types_volume_cannot_be_cloned_by_a_member(profile):
    """From 17.0.0, 16.2.0 and 15.4.0 (674c8e7286, LP #1879578) ``_get_volume_type`` reads a
    source volume's or snapshot's type by id as the caller and raises: a member who made a
    volume of a private type by name gets 404 cloning it or restoring its snapshot; an admin
    does not."""
    cloud = _cloud(profile)
    secret = cloud.cinder.volume_types["secret"].id
    missing = ("itemNotFound", 404, f"Volume type {secret} could not be found.")
    made = call(cloud, "POST", "volumes", {"volume": {"size": 1, "volume_type": "secret"}})
    vid = made.json()["volume"]["id"]
    cloud.run_until_idle()
    assert fault(call(cloud, "POST", "volumes", {"volume": {"source_volid": vid}})) == missing
    snap = call(cloud, "POST", "snapshots", {"snapshot": {"volume_id": vid}})
    assert snap.status == 202, snap.json()
    cloud.run_until_idle()
    body = {"volume": {"snapshot_id": snap.json()["snapshot"]["id"]}}
    assert fault(call(cloud, "POST", "volumes", body)) == missing
    assert call(cloud, "POST", "volumes", body, ctx=ADMIN).status == 202
