"""Volume type writes: ``POST/PUT/DELETE /types``, ``/types/{id}/extra_specs[/{key}]`` and
``os-volume-type-access`` (``openstack volume type create/set/unset/delete``), as cinder
12.0.10, 16.4.2, 17.4.0, 20.3.1, 24.0.0 and 29.0.0 answer them (``api/contrib/types_manage.py``,
``types_extra_specs.py``, ``volume_type_access.py``, ``volume/volume_types.py``, the database's
``volume_type_*``). fakecloud's types were read-only (404 on every write)."""

import pytest
from cinder_support import ADMIN, MEMBER, OTHER, P1, P2, call, fault

from fakecloud import Cloud
from tests.booted import booted

QUEENS = "seed"  # Cinder 12
#: Cinder 15 before 15.4.0 (e62ac18085, beside Nova 20.4.1): __DEFAULT__ exists, destroy guards
#: its name only.
TRAIN = "nova-20.4.0"
VICTORIA = "nova-22.0.0"  # Cinder 17: the configured default type is guarded; cacheable
XENA = "nova-24.0.0"  # Cinder 19: own policy names, readers read user-visible specs
ZED = "nova-26.0.0"  # Cinder 21: an access project must still be a UUID
BACKENDS = {"fast": {"kind": "lvm-thin"}, "slow": {"kind": "lvm-thin", "capacity_gb": 50}}


def _create(cloud, name="gold", ctx=ADMIN, **fields):
    body = {"volume_type": {"name": name, **fields}}
    return call(cloud, "POST", "types", body, ctx=ctx)


def _type_id(cloud, name="gold", **fields):
    resp = _create(cloud, name, **fields)
    assert resp.status == 200, resp.json()
    return resp.json()["volume_type"]["id"]


def _volume(cloud, type_ref, ctx=MEMBER):
    resp = call(cloud, "POST", "volumes", {"volume": {"size": 1, "volume_type": type_ref}}, ctx=ctx)
    assert resp.status == 202, resp.json()
    cloud.run_until_idle()
    return cloud.cinder.volume(resp.json()["volume"]["id"])


def test_create_update_delete_upstream():
    cloud = booted(profile="upstream")
    resp = _create(cloud, description="fast disks", extra_specs={"tier": "1"})
    assert resp.status == 200
    view = resp.json()["volume_type"]
    assert (view["name"], view["is_public"], view["description"]) == ("gold", True, "fast disks")
    assert view["extra_specs"] == {"tier": "1"}
    assert view["os-volume-type-access:is_public"] is True
    tid = view["id"]
    assert fault(_create(cloud)) == ("conflictingRequest", 409, "Volume Type gold already exists.")
    assert fault(_create(cloud, " ")) == (
        "badRequest", 400, "An invalid 'name' value was provided. The 'name' can not be empty.",
    )  # fmt: skip
    assert fault(_create(cloud, "x", ctx=MEMBER)) == (
        "forbidden", 403, "Policy doesn't allow volume_extension:type_create to be performed.",
    )  # fmt: skip
    put = call(cloud, "PUT", f"types/{tid}", {"volume_type": {"name": "platinum"}}, ctx=ADMIN)
    assert put.status == 200 and put.json()["volume_type"]["name"] == "platinum"
    # The per-type quota resources follow the type (QUOTAS.update_quota_resource).
    quota = call(cloud, "GET", f"os-quota-sets/{P1}", ctx=ADMIN).json()["quota_set"]
    assert "volumes_platinum" in quota and "volumes_gold" not in quota
    put = call(cloud, "PUT", f"types/{tid}", {"volume_type": {}}, ctx=ADMIN)
    assert (
        fault(put)[2]
        == "Specify volume type name, description, is_public or a combination thereof."
    )
    put = call(cloud, "PUT", f"types/{tid}", {"volume_type": {"name": ""}}, ctx=ADMIN)
    assert fault(put)[1] == 400  # update_name: minLength 1 from 16.0.0
    default = cloud.cinder.default_type.id
    put = call(cloud, "PUT", f"types/{default}", {"volume_type": {"name": "platinum"}}, ctx=ADMIN)
    assert fault(put) == ("conflictingRequest", 409, "Volume Type platinum already exists.")
    assert call(cloud, "DELETE", f"types/{tid}", ctx=ADMIN).status == 202
    assert call(cloud, "GET", f"types/{tid}", ctx=ADMIN).status == 404
    quota = call(cloud, "GET", f"os-quota-sets/{P1}", ctx=ADMIN).json()["quota_set"]
    assert "volumes_platinum" not in quota
    assert fault(call(cloud, "DELETE", f"types/{default}", ctx=ADMIN)) == (
        "badRequest", 400,
        f"The volume type {default} is a default volume type and cannot be deleted.",
    )  # fmt: skip


def test_a_type_in_use_keeps_its_specs_and_cannot_go():
    cloud = booted(profile="upstream")
    tid = _type_id(cloud, extra_specs={"multiattach": "<is> True"})
    volume = _volume(cloud, "gold")
    assert volume.multiattach and volume.status == "available"
    in_use = ("badRequest", 400, "Volume Type is currently in use.")
    body = {"extra_specs": {"k": "v"}}
    assert fault(call(cloud, "POST", f"types/{tid}/extra_specs", body, ctx=ADMIN)) == in_use
    assert fault(call(cloud, "DELETE", f"types/{tid}/extra_specs/multiattach", ctx=ADMIN)) == in_use
    assert fault(call(cloud, "DELETE", f"types/{tid}", ctx=ADMIN)) == (
        "badRequest", 400, "Target volume type is still in use.",
    )  # fmt: skip
    # Its quota resources count the volume.
    usage = cloud.cinder.quotas.usages(P1)
    assert usage["volumes_gold"]["in_use"] == 1 and usage["gigabytes_gold"]["in_use"] == 1


@pytest.mark.parametrize("profile", [QUEENS, VICTORIA, XENA, "upstream"])
def test_extra_specs_crud(profile):
    cloud = booted(profile=profile)
    tid = _type_id(cloud)
    base = f"types/{tid}/extra_specs"
    body = {"extra_specs": {"multiattach": "<is> True", "secret": "s"}}
    resp = call(cloud, "POST", base, body, ctx=ADMIN)
    assert (resp.status, resp.json()) == (200, body)
    resp = call(cloud, "PUT", f"{base}/secret", {"secret": "t"}, ctx=ADMIN)
    assert (resp.status, resp.json()) == (200, {"secret": "t"})
    mismatch = call(cloud, "PUT", f"{base}/secret", {"other": "t"}, ctx=ADMIN)
    assert fault(mismatch) == ("badRequest", 400, "Request body and URI mismatch")
    every = {"multiattach": "<is> True", "secret": "t"}
    assert call(cloud, "GET", base, ctx=ADMIN).json() == {"extra_specs": every}
    assert call(cloud, "GET", f"{base}/secret", ctx=ADMIN).json() == {"secret": "t"}
    member = call(cloud, "GET", base)
    if profile in (QUEENS, VICTORIA):  # rule:admin_api until 18.x
        assert fault(member)[1] == 403
    else:  # readers, the user-visible specs only (read_sensitive is the admins')
        assert member.json() == {"extra_specs": {"multiattach": "<is> True"}}
        assert fault(call(cloud, "GET", f"{base}/secret"))[1] == 404
    assert call(cloud, "DELETE", f"{base}/secret", ctx=ADMIN).status == 202
    assert fault(call(cloud, "DELETE", f"{base}/secret", ctx=ADMIN)) == (
        "itemNotFound", 404, f"Volume Type {tid} has no extra specs with key secret.",
    )  # fmt: skip
    cacheable = call(cloud, "POST", base, {"extra_specs": {"cacheable": "<is> True"}}, ctx=ADMIN)
    if profile == QUEENS:
        assert cacheable.status == 200
    else:  # _check_cacheable, 17.0.0 on
        assert fault(cacheable) == ("badRequest", 400, "cacheable cannot be set with multiattach.")


def test_spec_keys_per_series():
    bad = {"extra_specs": {"a b": "v"}}
    queens = booted(profile=QUEENS)
    resp = call(queens, "POST", f"types/{_type_id(queens)}/extra_specs", bad, ctx=ADMIN)
    assert fault(resp) == (
        "badRequest", 400,
        "Key names can only contain alphanumeric characters, underscores, periods, colons and "
        "hyphens.",
    )  # fmt: skip
    resp = call(queens, "POST", f"types/{queens.cinder.volume_types['gold'].id}/extra_specs",
                {"extra_specs": {"k": "v" * 256}}, ctx=ADMIN)  # fmt: skip
    assert fault(resp)[2].startswith('Invalid input received: Value for key "k" has 256 characters')
    cloud = booted(profile="upstream")
    resp = call(cloud, "POST", f"types/{_type_id(cloud)}/extra_specs", bad, ctx=ADMIN)
    assert fault(resp)[2].startswith("Invalid input for field/attribute extra_specs.")


def test_private_types_and_access():
    cloud = booted(profile="upstream")
    tid = _type_id(cloud, **{"os-volume-type-access:is_public": False})
    action = f"types/{tid}/action"
    hidden = ("itemNotFound", 404, f"Volume type {tid} could not be found.")
    assert fault(call(cloud, "GET", f"types/{tid}")) == hidden
    assert [t["name"] for t in call(cloud, "GET", "types").json()["volume_types"]] == [
        "__DEFAULT__"
    ]
    assert (
        call(cloud, "POST", action, {"addProjectAccess": {"project": P1}}, ctx=ADMIN).status == 202
    )
    again = call(cloud, "POST", action, {"addProjectAccess": {"project": P1}}, ctx=ADMIN)
    assert fault(again) == (
        "conflictingRequest", 409,
        f"Volume type access for {tid} / {P1} combination already exists.",
    )  # fmt: skip
    # Shared: the project sees it by id and in its list; another project does not.
    assert call(cloud, "GET", f"types/{tid}").json()["volume_type"]["name"] == "gold"
    listed = call(cloud, "GET", "types").json()["volume_types"]
    assert [t["name"] for t in listed] == ["gold", "__DEFAULT__"]
    assert fault(call(cloud, "GET", f"types/{tid}", ctx=OTHER)) == hidden
    assert _volume(cloud, tid).volume_type.name == "gold"
    access = call(cloud, "GET", f"types/{tid}/os-volume-type-access", ctx=ADMIN).json()
    assert access == {"volume_type_access": [{"volume_type_id": tid, "project_id": P1}]}
    # 29.0.0 enforces the new defaults: get_all_for_type is the admins'.
    assert fault(call(cloud, "GET", f"types/{tid}/os-volume-type-access"))[1] == 403
    remove = {"removeProjectAccess": {"project": P2}}
    assert fault(call(cloud, "POST", action, remove, ctx=ADMIN)) == (
        "itemNotFound", 404, f"Volume type access not found for {tid} / {P2} combination.",
    )  # fmt: skip
    public = cloud.cinder.default_type.id
    resp = call(cloud, "POST", f"types/{public}/action", remove, ctx=ADMIN)
    assert fault(resp) == (
        "badRequest", 400,
        "Invalid volume type: Type access modification is not applicable to public volume type.",
    )  # fmt: skip
    resp = call(cloud, "GET", f"types/{public}/os-volume-type-access", ctx=ADMIN)
    assert fault(resp) == (
        "itemNotFound",
        404,
        "Access list not available for public volume types.",
    )
    resp = call(cloud, "POST", action, {"addProjectAccess": {"project": P2}})
    assert fault(resp)[1] == 403


@pytest.mark.parametrize(("profile", "uuid_only"), [(ZED, True), ("upstream", False)])
def test_access_project_format(profile, uuid_only):
    cloud = booted(profile=profile)
    tid = _type_id(cloud, **{"os-volume-type-access:is_public": False})
    body = {"addProjectAccess": {"project": "demo"}}
    resp = call(cloud, "POST", f"types/{tid}/action", body, ctx=ADMIN)
    assert resp.status == (400 if uuid_only else 202)


def test_deleting_the_default_per_series():
    train = booted(profile=TRAIN)  # VolumeTypeDefault: no controller catches it
    default = train.cinder.default_type.id
    resp = call(train, "DELETE", f"types/{default}", ctx=ADMIN, allow_500=True)
    assert resp.status == 500
    for backported in ("nova-20.4.1", "nova-21.1.1"):  # 15.4.0's and 16.2.0's e5d842eb1b
        cloud = booted(profile=backported)
        default = cloud.cinder.default_type.id
        assert fault(call(cloud, "DELETE", f"types/{default}", ctx=ADMIN)) == (
            "badRequest", 400,
            f"The volume type {default} is a default volume type and cannot be deleted.",
        )  # fmt: skip
    queens = booted(profile=QUEENS)  # no __DEFAULT__ type: any unused type may go
    tid = _type_id(queens)
    assert call(queens, "DELETE", f"types/{tid}", ctx=ADMIN).status == 202
    resp = call(queens, "DELETE", f"types/{tid}", ctx=ADMIN)
    assert fault(resp) == ("itemNotFound", 404, f"Volume type {tid} could not be found.")
    assert fault(_create(queens, "x", ctx=MEMBER))[2] == (
        "Policy doesn't allow volume_extension:types_manage to be performed."
    )


def test_volume_backend_name_steers_scheduling():
    types = {"__DEFAULT__": {"backend": "slow"}}
    cloud = Cloud(
        profile="upstream", config={"cinder": {"backends": BACKENDS, "volume_types": types}}
    )
    _type_id(cloud, "on-slow", extra_specs={"volume_backend_name": "slow"})
    _type_id(cloud, "anywhere")
    nowhere = _type_id(cloud, "nowhere", extra_specs={"volume_backend_name": "tape"})
    assert _volume(cloud, "on-slow").backend == "slow"
    # No spec: CapacityWeigher, the backend with the most free space.
    assert _volume(cloud, "anywhere").backend == "fast"
    assert _volume(cloud, "nowhere").status == "error"
    # Moving a configured type's backend is a spec write like any other.
    default = cloud.cinder.default_type.id
    body = {"volume_backend_name": "fast"}
    resp = call(cloud, "PUT", f"types/{default}/extra_specs/volume_backend_name", body, ctx=ADMIN)
    assert resp.status == 200
    assert _volume(cloud, "__DEFAULT__").backend == "fast"
    assert fault(call(cloud, "DELETE", f"types/{nowhere}", ctx=ADMIN))[1] == 400  # in use


def test_saved_and_forked_clouds_keep_created_types(tmp_path):
    cloud = booted(profile="upstream")
    tid = _type_id(cloud, **{"os-volume-type-access:is_public": False})
    call(cloud, "POST", f"types/{tid}/action", {"addProjectAccess": {"project": P1}}, ctx=ADMIN)
    path = tmp_path / "world.json"
    cloud.save(path)
    for again in (Cloud.load(path), cloud.fork()):
        assert call(again, "GET", f"types/{tid}").json()["volume_type"]["name"] == "gold"
        assert _volume(again, "gold").volume_type.id == tid
        assert (
            "volumes_gold"
            in call(again, "GET", f"os-quota-sets/{P1}", ctx=ADMIN).json()["quota_set"]
        )


@pytest.mark.parametrize("profile", [TRAIN, "nova-21.1.1", "upstream"])
def test_renaming_the_default_type(profile):
    # Nothing stops a rename of the configured default; then get_default_volume_type finds no
    # type: from 17.0.0, 16.2.0 and 15.4.0 (e5d842eb1b, switch
    # cinder_default_type_guard_by_name) VolumeTypeDefaultMisconfiguredError; before, in 15.x
    # and 16.x, the lookup's VolumeTypeNotFoundByName (12.x-14.x: no type), which a create
    # meets in the controller (LP #1879578's default type) and a type delete does not ask.
    cloud = booted(profile=profile)
    default = cloud.cinder.default_type.id
    other = _type_id(cloud)
    body = {"volume_type": {"name": "renamed"}}
    assert call(cloud, "PUT", f"types/{default}", body, ctx=ADMIN).status == 200
    create = call(cloud, "POST", "volumes", {"volume": {"size": 1}}, allow_500=True)
    delete = call(cloud, "DELETE", f"types/{other}", ctx=ADMIN, allow_500=True)
    if profile == TRAIN:
        missing = "Volume type with name __DEFAULT__ could not be found."
        assert fault(create) == ("itemNotFound", 404, missing)
        assert delete.status == 202
    else:
        assert create.status == 500
        assert fault(delete) == (
            "computeFault", 500,
            "The request cannot be fulfilled as the default volume type __DEFAULT__ cannot be "
            "found.",
        )  # fmt: skip


def test_extra_specs_filter_reads_written_and_configured_specs():
    # A configured type's backend is its volume_backend_name spec for the filter as for the view.
    cloud = booted(profile="upstream")
    _type_id(cloud, extra_specs={"volume_backend_name": "other"})
    query = "is_public=none&extra_specs={'volume_backend_name': 'lvmdriver-1'}"
    listed = call(cloud, "GET", "types", ctx=ADMIN, query=query).json()["volume_types"]
    assert [t["name"] for t in listed] == ["__DEFAULT__"]


def test_the_list_shows_the_newest_types_first():
    """``volume_type_get_all``'s default sort, ``created_at`` then ``id``, both descending,
    ``created_at`` as MySQL keeps it (the whole second): types made 0.1 s apart within one
    second list by id, after the newer ones and before the configured."""
    cloud = booted(profile="upstream")
    ids = {}
    for name in ("a", "b", "d"):  # within one stored second
        ids[name] = _type_id(cloud, name)
        cloud.advance(0.1)
    assert sorted(ids, key=ids.get) != ["a", "b", "d"]  # the premise: ids not in that order
    cloud.run(until=5)
    _type_id(cloud, "c")
    listed = call(cloud, "GET", "types", ctx=ADMIN).json()["volume_types"]
    same_second = sorted(ids, key=ids.get, reverse=True)  # then by id, descending
    assert [t["name"] for t in listed] == ["c", *same_second, "__DEFAULT__"]
