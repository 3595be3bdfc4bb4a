"""Request bodies each series' Cinder validates, and how (session 12 audit): the schemas and
``parameter_types`` of cinder 12.0.10, 14.3.1, 20.3.2, 27.0.0 and 29.0.0
(``cinder/api/schemas``, ``cinder/api/validation/parameter_types.py``), and the hand checks
where a route had no schema yet (``assert_valid_body``, ``utils.check_metadata_properties``)."""

from __future__ import annotations

import pytest
from cinder_support import ADMIN, call, create_volume, fault
from hypothesis import given
from hypothesis import strategies as st

from fakecloud import Cloud
from fakecloud.cinder import exception, validation
from fakecloud.cinder.faults import GENERIC
from tests.booted import booted
from tests.nova.test_request_fast_paths import META, NAMES, SCALARS, SETTINGS, UUIDS

QUEENS = "seed"  # Nova 17.0.13: Cinder 12
STEIN = "nova-19.0.0"  # Cinder 14
FLAMINGO = "nova-32.0.0"  # Cinder 27
GAZPACHO = "nova-33.0.0"  # Cinder 28


def _snapshot(cloud, vid):
    r = call(cloud, "POST", "snapshots", {"snapshot": {"volume_id": vid}})
    assert r.status == 202, r.json()
    cloud.run_until_idle()
    return r.json()["snapshot"]["id"]


def test_queens_snapshot_create_takes_any_string_as_volume_id():
    """12.0.10 ``parameter_types.uuid_allow_null`` is ``{'type': ['string', 'null']}``: a volume
    id that is no UUID reaches ``volume_api.get``, a 404; 91139c9fc (13.0.0) made it a UUID."""
    body = {"snapshot": {"volume_id": "not-a-uuid"}}
    r = call(booted(profile=QUEENS), "POST", "snapshots", body)
    assert fault(r) == ("itemNotFound", 404, "Volume not-a-uuid could not be found.")
    for profile in (STEIN, "upstream"):
        r = call(booted(profile=profile), "POST", "snapshots", body)
        assert fault(r) == (
            "badRequest",
            400,
            "Invalid input for field/attribute volume_id. Value: not-a-uuid. 'not-a-uuid' is "
            "not valid under any of the given schemas",
        )


@pytest.mark.parametrize(
    ("profile", "refused"), [(QUEENS, True), (STEIN, False), ("upstream", False)]
)
def test_a_slash_in_metadata_keys_from_cinder_14(profile, refused):
    """``^[a-zA-Z0-9-_:. ]{1,255}$`` in 12.0.10's ``extra_specs`` (and so in the snapshot
    create's ``metadata_allows_null`` and ``volume_metadata.py``); 534fa38f4 (LP #1798798,
    14.0.0 and 13.0.1) allowed the ``/``."""
    cloud = booted(profile=profile)
    vid = create_volume(cloud)
    snap = call(
        cloud, "POST", "snapshots", {"snapshot": {"volume_id": vid, "metadata": {"k/8s": "1"}}}
    )
    meta = call(cloud, "POST", f"volumes/{vid}/metadata", {"metadata": {"k/8s": "1"}})
    one = call(cloud, "PUT", f"volumes/{vid}/metadata/k%2F8s", {"meta": {"k/8s": "2"}})
    if not refused:
        assert (snap.status, meta.status) == (202, 200)
        return
    message = (
        "Invalid input for field/attribute {}. Value: {{'k/8s': '{}'}}. 'k/8s' does not match "
        "any of the regexes: '^[a-zA-Z0-9-_:. ]{{1,255}}$'"
    )
    assert fault(snap) == ("badRequest", 400, message.format("metadata", 1))
    assert fault(meta) == ("badRequest", 400, message.format("metadata", 1))
    assert fault(one) == ("badRequest", 400, message.format("meta", 2))


@pytest.mark.parametrize("profile", [QUEENS, STEIN, FLAMINGO])
def test_snapshot_metadata_before_cinder_28_has_no_schema(profile):
    """Until 1d41db9f8 (28.0.0) ``SnapshotMetadataController`` checks only
    ``assert_valid_body``; the keys and values meet ``check_metadata_properties`` (400
    ``InvalidVolumeMetadata``, 413 ``InvalidVolumeMetadataSize``; ``cinder/utils.py``, the same
    in 12.0.10 and 27.0.0), so any key of 1-255 characters is taken."""
    cloud = booted(profile=profile)
    sid = _snapshot(cloud, create_volume(cloud))
    path = f"snapshots/{sid}/metadata"
    r = call(cloud, "POST", path, {"metadata": {"ключ": "v", "k/8s": "w"}})
    assert (r.status, r.json()) == (200, {"metadata": {"ключ": "v", "k/8s": "w"}})
    assert fault(call(cloud, "POST", path, {"metadata": ["k"]})) == (
        "badRequest",
        400,
        "Missing required element 'metadata' in request body.",
    )
    assert fault(call(cloud, "PUT", path, {"meta": {"k": "v"}})) == (
        "badRequest",
        400,
        "Missing required element 'metadata' in request body.",
    )
    assert fault(call(cloud, "POST", path, {"metadata": {"k": "x" * 256}})) == (
        "overLimit",
        413,
        "Invalid metadata size: Metadata property key k value greater than 255 characters.",
    )
    assert fault(call(cloud, "POST", path, {"metadata": {"k": 5}})) == (
        "badRequest",
        400,
        "Invalid metadata: Invalid input received: Value for metadata key: k is not a string "
        "or unicode",
    )
    assert fault(call(cloud, "POST", path, {"metadata": {"": "v"}})) == (
        "badRequest",
        400,
        "Invalid metadata: Invalid input received: Metadata key:  has 0 characters, less than 1.",
    )
    assert fault(call(cloud, "PUT", f"{path}/k", {"meta": {}})) == (
        "badRequest",
        400,
        "Request body and URI mismatch",
    )


@pytest.mark.parametrize("profile", [GAZPACHO, "upstream"])
def test_snapshot_metadata_from_cinder_28_meets_its_schema(profile):
    """``cinder/api/schemas/snapshot_metadata.py`` (1d41db9f8, 28.0.0): keys of
    ``^[a-zA-Z0-9-_:. ]{1,255}$``, string values of at most 255, one item in ``meta``."""
    cloud = booted(profile=profile)
    sid = _snapshot(cloud, create_volume(cloud))
    path = f"snapshots/{sid}/metadata"
    r = call(cloud, "POST", path, {"metadata": {"k/8s": "w"}})
    assert fault(r)[:2] == ("badRequest", 400)
    assert "'k/8s' does not match any of the regexes" in fault(r)[2]
    r = call(cloud, "POST", path, {"metadata": {"k": "x" * 256}})
    assert fault(r)[:2] == ("badRequest", 400)
    assert fault(r)[2].endswith("is too long")


#: Queens' schema (its keys without '/': switch lp1798798) under another identity, so that
#: `validate` runs jsonschema in full on it.
_V12 = validation.keys_without_slash(validation.SNAPSHOT_CREATE_V12)
_FULL_V12 = dict(_V12)


@SETTINGS
@given(data=st.data())
def test_the_queens_snapshot_create_quick_check_answers_as_jsonschema(data):
    snapshot = st.fixed_dictionaries(
        {"volume_id": st.one_of(UUIDS, SCALARS)},
        optional={"name": st.one_of(NAMES, SCALARS), "metadata": st.one_of(META, SCALARS)},
    )
    body = data.draw(st.fixed_dictionaries({"snapshot": snapshot}))

    def answer(schema):
        try:
            validation.validate(schema, body)
        except exception.CinderException as exc:
            return type(exc).__name__, str(exc)
        return "accepted"

    assert answer(_V12) == answer(_FULL_V12)


SERVER = "11111111-2222-4333-8444-555555555555"
OTHER_SERVER = "66666666-7777-4888-8999-aaaaaaaaaaaa"


@pytest.mark.parametrize(
    ("profile", "fixed"),
    [
        (QUEENS, False),
        ("nova-22.4.0", False),
        ("nova-23.0.2", False),
        ("nova-23.1.0", True),
        ("nova-24.0.0", True),
    ],
)
def test_attachment_create_schema_before_cinder_19(profile, fixed):
    """``cinder/api/schemas/attachments.py`` ``create`` required ``instance_uuid`` and knew no
    ``mode`` until 560318c82 (19.0.0; backported to 17.4.0 and 18.1.0; 18.1.0 beside Nova
    23.1.0, 17.4.0 after Nova 22's last release): a 3.54 ``mode`` (Rocky on) was refused by the
    very schema whose microversion added it (12.0.10, 16.4.2)."""
    cloud = booted(profile=profile)
    vid = create_volume(cloud)
    bare = call(cloud, "POST", "attachments", {"attachment": {"volume_uuid": vid}}, version="3.27")
    other = create_volume(cloud)
    body = {"attachment": {"volume_uuid": other, "instance_uuid": SERVER, "mode": "ro"}}
    moded = call(cloud, "POST", "attachments", body, version="3.54")
    if fixed:
        assert (bare.status, moded.status) == (200, 200)
        assert moded.json()["attachment"]["attach_mode"] == "ro"
        return
    assert fault(bare) == (
        "badRequest",
        400,
        "Invalid input for field/attribute attachment. Value: {'volume_uuid': "
        f"'{vid}'}}. 'instance_uuid' is a required property",
    )
    if profile != QUEENS:  # Queens stops at 3.50
        assert fault(moded) == (
            "badRequest",
            400,
            "Invalid input for field/attribute attachment. Value: {'volume_uuid': "
            f"'{other}', 'instance_uuid': '{SERVER}', 'mode': 'ro'}}. Additional properties are "
            "not allowed ('mode' was unexpected)",
        )


@pytest.mark.parametrize(
    ("profile", "conflict"),
    [
        (QUEENS, False),
        *[(f"nova-{last}", False) for last in ("29.3.0", "30.1.0", "31.1.0")],
        *[(f"nova-{first}", True) for first in ("29.4.0", "30.2.0", "31.2.0")],
        (FLAMINGO, True),
    ],
)
def test_attachment_update_of_an_error_volume_by_series(profile, conflict):
    """``API.attachment_update`` refuses an error volume with ``InvalidVolume`` until 67ac0fca8
    (27.0.0; backports 24.5.0, 25.3.0, 26.2.0, tagged 2025-10-23, beside Nova 29.4.0, 30.2.0,
    31.2.0: switch ``cinder_attachment_update_conflict_500``) made it ``ResourceConflict``:
    before, the controller's ``except exception.CinderException`` answers 500 "Unable to
    update attachment.(...)." (``cinder/api/v3/attachments.py`` ``update``, 12.0.10, 24.4.0,
    24.5.0 and 26.0.0)."""
    cloud = booted(profile=profile)
    vid = create_volume(cloud)
    body = {"attachment": {"volume_uuid": vid, "instance_uuid": SERVER}}
    aid = call(cloud, "POST", "attachments", body, version="3.44").json()["attachment"]["id"]
    admin = call(
        cloud, "POST", f"volumes/{vid}/action", {"os-reset_status": {"status": "error"}}, ctx=ADMIN
    )
    assert admin.status == 202
    update = {"attachment": {"connector": {"host": "h"}}}
    r = call(cloud, "PUT", f"attachments/{aid}", update, version="3.44", allow_500=True)
    reason = (
        "Volume attachments can not be updated if the volume is in an error state. The Volume "
        f"{vid} currently has a status of: error "
    )
    if conflict:
        assert fault(r) == ("conflictingRequest", 409, f"Resource conflict: {reason}")
    else:
        assert fault(r) == (
            "computeFault",
            500,
            f"Unable to update attachment.(Invalid volume: {reason}).",
        )


@pytest.mark.parametrize(
    ("profile", "member_specs"),
    [
        (QUEENS, None),
        ("nova-23.0.0", None),
        ("nova-24.0.0", {"multiattach": "<is> True"}),
        ("upstream", {"multiattach": "<is> True"}),
    ],
)
def test_volume_type_extra_specs_for_members_from_cinder_19(profile, member_specs):
    """``EXTRA_SPEC_POLICY`` (``volume_extension:access_types_extra_specs``) is ``rule:admin_api``
    in 12.0.10 to 18.x (``cinder/policies/volume_type.py``): a member's type view has no
    ``extra_specs``; 084212711 (19.0.0) shows readers the user-visible ones
    (``USER_VISIBLE_EXTRA_SPECS``), admins all of them in every series."""
    specs = {"multiattach": "<is> True", "tier": "gold"}
    types = {
        "__DEFAULT__": {"backend": "lvmdriver-1"},
        "multi": {"backend": "lvmdriver-1", "extra_specs": specs},
    }
    cloud = Cloud(profile=profile, config={"cinder": {"volume_types": types}})
    listed = call(cloud, "GET", "types").json()["volume_types"]
    multi = next(t for t in listed if t["name"] == "multi")
    shown = call(cloud, "GET", f"types/{multi['id']}").json()["volume_type"]
    for view in (multi, shown):
        assert view.get("extra_specs") == member_specs
    admin = call(cloud, "GET", f"types/{multi['id']}", ctx=ADMIN).json()["volume_type"]
    assert admin["extra_specs"] == {**specs, "volume_backend_name": "lvmdriver-1"}


@pytest.mark.parametrize(("profile", "checked"), [(QUEENS, False), (STEIN, True)])
def test_attachment_reserve_refusal_by_series(profile, checked):
    """``API._attachment_reserve``: before 6eba403ba (14.0.0) the refusal of a volume that is
    not ``available``/``downloading`` names no status, and the same server's attachment lets a
    new one through whatever the volume's status (12.0.10); after, only an ``in-use`` or
    ``reserved`` volume's, and the refusal says the status (``cinder/volume/api.py``)."""
    cloud = booted(profile=profile)
    vid = create_volume(cloud)
    body = {"attachment": {"volume_uuid": vid, "instance_uuid": SERVER}}
    assert call(cloud, "POST", "attachments", body, version="3.44").status == 200
    other = {"attachment": {"volume_uuid": vid, "instance_uuid": OTHER_SERVER}}
    r = call(cloud, "POST", "attachments", other, version="3.44")
    tail = " to reserve, but the current status is reserved." if checked else ""
    assert fault(r) == (
        "badRequest",
        400,
        f"Invalid volume: Volume {vid} status must be available or downloading{tail}",
    )
    reset = {"os-reset_status": {"status": "detaching"}}
    assert call(cloud, "POST", f"volumes/{vid}/action", reset, ctx=ADMIN).status == 202
    again = call(cloud, "POST", "attachments", body, version="3.44")
    assert again.status == (400 if checked else 200)


@pytest.mark.parametrize(
    ("profile", "removed"),
    [
        (QUEENS, False),
        *[(f"nova-{last}", False) for last in ("24.2.1", "25.1.1", "26.1.1")],
        *[(f"nova-{first}", True) for first in ("25.2.0", "26.2.0", "27.0.0")],
    ],
)
def test_the_multiattach_parameter_until_cinder_22(profile, removed):
    """``VolumeController.create`` passes ``volume.get('multiattach', False)`` to the volume API
    (deprecated since Queens; ``ExtractVolumeRequestTask`` ORs it with the type's and asks
    ``volume:multiattach``) until 32f1145b7 (22.0.0; backported to 19.3.0, 20.2.0, 21.2.0:
    switch ``cinder_multiattach_param``, off from Nova 25.2.0, 26.2.0, 27.0.0; 19.3.0 came
    after Nova 24's last release) refused it (``cinder/api/v3/volumes.py``, 12.0.10, 20.1.0,
    20.2.0, 21.0.0 and 22.0.0)."""
    cloud = booted(profile=profile)
    asked = call(cloud, "POST", "volumes", {"volume": {"size": 1, "multiattach": True}})
    plain = call(cloud, "POST", "volumes", {"volume": {"size": 1, "multiattach": False}})
    assert plain.status == 202 and plain.json()["volume"]["multiattach"] is False
    if removed:
        assert fault(asked)[:2] == ("badRequest", 400)
        assert fault(asked)[2].startswith("multiattach parameter has been removed.")
        return
    assert asked.status == 202 and asked.json()["volume"]["multiattach"] is True
    # Read as it is: the string "false" is a true value.
    quirk = call(cloud, "POST", "volumes", {"volume": {"size": 1, "multiattach": "false"}})
    assert quirk.json()["volume"]["multiattach"] is True


_QUEENS_CREATE = [
    ({"vol": {}}, 400, "Missing required element 'volume' in request body."),
    ({"volume": []}, 400, "Missing required element 'volume' in request body."),
    ({"volume": {"name": 5}}, 400, "Invalid input received: name is not a string or unicode"),
    (
        {"volume": {"size": 1, "description": "x" * 256}},
        400,
        "Invalid input received: description has 256 characters, more than 255.",
    ),
    ({"volume": {"size": 1, "snapshot_id": "nope"}}, 400, "Snapshot ID must be in UUID form."),
    (
        {"volume": {"size": 1, "source_volid": 7}},
        400,
        "Source volume ID '7' must be a valid UUID.",
    ),
    (
        {"volume": {"size": 1, "consistencygroup_id": "cg"}},
        400,
        "Consistency group ID 'cg' must be a valid UUID.",
    ),
    (
        {"volume": {"size": "abc"}},
        400,
        "Invalid input received: Invalid volume size provided for create request: abc (size "
        "argument must be an integer (or string representation of an integer) and greater than "
        "zero).",
    ),
    ({"volume": {"size": 1, "metadata": "m"}}, 400, "Metadata should be a dict."),
    ({"volume": {"size": 1, "volume_type": 5}}, 404, "Volume type with name 5 could not be found."),
    ({"volume": {"size": 1, "imageRef": 5}}, 400, "Invalid imageRef provided."),
    ({"volume": {"size": 1, "group_id": "g"}}, 202, None),  # dropped before 3.13
    ({"volume": {"size": 1, "backup_id": "b"}}, 202, None),  # read from 3.47
    ({"volume": {"size": 1, "metadata": {"k/8s": "v"}}}, 202, None),  # no key pattern
]


@pytest.mark.parametrize(("body", "status", "message"), _QUEENS_CREATE)
def test_queens_volume_create_has_no_schema(body, status, message):
    """``cinder/api/schemas/volumes.py`` came with 13.0.0; Queens' ``VolumeController.create``
    (12.0.10) checks ``assert_valid_body``, ``validate_name_and_description``, each id with
    ``uuidutils.is_uuid_like`` as its lookup comes, drops ``group_id`` before 3.13 and reads
    ``backup_id`` from 3.47; the volume API checks the size and the metadata."""
    r = call(booted(profile=QUEENS), "POST", "volumes", body)
    if message is None:
        assert r.status == status, r.json()
    else:
        assert fault(r)[1:] == (status, message)


def test_queens_volume_create_reads_group_and_backup_ids_at_their_microversions():
    cloud = booted(profile=QUEENS)
    r = call(cloud, "POST", "volumes", {"volume": {"size": 1, "group_id": "g"}}, version="3.13")
    assert fault(r) == ("itemNotFound", 404, "Group g could not be found.")
    r = call(cloud, "POST", "volumes", {"volume": {"size": 1, "backup_id": "b"}}, version="3.47")
    assert fault(r) == ("badRequest", 400, "Backup ID must be in UUID form.")
    # From Rocky the schema words them.
    r = call(booted(profile="nova-18.3.0"), "POST", "volumes", {"volume": {"name": 5}})
    assert fault(r) == (
        "badRequest",
        400,
        "Invalid input for field/attribute name. Value: 5. 5 is not of type 'string', 'null'",
    )


TYPE_ERROR_400 = (
    "The server could not comply with the request since it is either malformed or otherwise "
    "incorrect."
)
_BOOL_HELP = (
    "acceptable values are: '0', '1', 'f', 'false', 'n', 'no', 'off', 'on', 't', 'true', 'y', 'yes'"
)
_QUEENS_ACTIONS = [
    ({"os-extend": {}}, "New volume size must be specified as an integer."),
    ({"os-extend": {"new_size": "two"}}, "New volume size must be specified as an integer."),
    ({"os-update_readonly_flag": {}}, "Must specify readonly in request."),
    (
        {"os-update_readonly_flag": {"readonly": "maybe"}},
        f"Invalid value for 'readonly': 'Unrecognized value 'maybe', {_BOOL_HELP}'",
    ),
    ({"os-set_bootable": {}}, "Must specify bootable in request."),
    (
        {"os-set_bootable": {"bootable": 5}},
        f"Invalid value for 'bootable': 'Unrecognized value '5', {_BOOL_HELP}'",
    ),
    ({"os-retype": {}}, "New volume type must be specified."),
    (
        {"os-retype": {"new_type": "gold", "migration_policy": "sometimes"}},
        "Invalid input received: migration_policy must be 'on-demand' or 'never', passed: gold",
    ),
    # Arguments that are no object: ``body[action][key]`` is a TypeError, which ``_extend``
    # catches and ResourceExceptionHandler otherwise answers with WebOb's plain 400 (wsgi.py).
    ({"os-extend": None}, "New volume size must be specified as an integer."),
    ({"os-update_readonly_flag": None}, TYPE_ERROR_400),
    ({"os-update_readonly_flag": ["readonly"]}, TYPE_ERROR_400),
    ({"os-set_bootable": "true"}, TYPE_ERROR_400),
    ({"os-set_bootable": 1}, TYPE_ERROR_400),
    ({"os-retype": "gold"}, TYPE_ERROR_400),
]


@pytest.mark.parametrize(("body", "message"), _QUEENS_ACTIONS)
def test_queens_volume_actions_check_their_own_bodies(body, message):
    """``contrib/volume_actions.py`` of 12.0.10 (no ``schemas/volume_actions.py`` before
    13.0.0): ``_extend``, ``_volume_readonly_update``, ``_set_bootable`` and ``_retype`` read
    their body after the volume lookup, with oslo's strict ``bool_from_string``; ``API.retype``
    refuses another migration policy naming the type."""
    cloud = booted(profile=QUEENS)
    vid = create_volume(cloud)
    assert fault(call(cloud, "POST", f"volumes/{vid}/action", body)) == ("badRequest", 400, message)


def test_queens_volume_actions_take_what_their_code_takes():
    cloud = booted(profile=QUEENS)
    vid = create_volume(cloud)
    path = f"volumes/{vid}/action"
    missing = "deadbeef-0000-4000-8000-000000000000"
    # The lookup comes first, so an unknown volume is a 404 even with a bad body.
    r = call(cloud, "POST", f"volumes/{missing}/action", {"os-extend": {}})
    assert fault(r)[1] == 404
    assert call(cloud, "POST", path, {"os-extend": {"new_size": 2.9}}).status == 202
    cloud.run_until_idle()
    assert call(cloud, "GET", f"volumes/{vid}").json()["volume"]["size"] == 2  # int(2.9)
    r = call(cloud, "POST", path, {"os-set_bootable": {"bootable": " YES "}})
    assert r.status == 200
    assert call(cloud, "GET", f"volumes/{vid}").json()["volume"]["bootable"] == "true"
    # From Rocky the schema words it.
    later = booted(profile="nova-18.3.0")
    vid = create_volume(later)
    r = call(later, "POST", f"volumes/{vid}/action", {"os-extend": {"new_size": "two"}})
    assert fault(r)[2].startswith("Invalid input for field/attribute new_size.")


def test_queens_snapshot_actions_check_their_own_bodies():
    """``admin_actions.py`` ``validate_update`` (before the lookup) and ``snapshot_actions.py``
    ``_update_snapshot_status`` (the lookup, the status map, then its own progress check) of
    12.0.10; ``schemas/snapshot_actions.py`` and ``admin_actions.py`` came with 13.0.0."""
    cloud = booted(profile=QUEENS)
    vid = create_volume(cloud)
    sid = _snapshot(cloud, vid)
    path = f"snapshots/{sid}/action"
    missing = "deadbeef-0000-4000-8000-000000000000"
    for body, message in (
        ({"os-reset_status": {}}, "Must specify 'status'"),
        ({"os-reset_status": {"status": "frozen"}}, "Must specify a valid status"),
    ):
        assert fault(call(cloud, "POST", path, body, ctx=ADMIN)) == ("badRequest", 400, message)
        # validate_update runs before the lookup
        r = call(cloud, "POST", f"snapshots/{missing}/action", body, ctx=ADMIN)
        assert fault(r) == ("badRequest", 400, message)
    # a status that is no text: ``body['status'].lower()``'s AttributeError, FaultWrapper's 500
    for status in (5, None):
        r = call(cloud, "POST", path, {"os-reset_status": {"status": status}}, ctx=ADMIN,
                 allow_500=True)  # fmt: skip
        assert fault(r) == ("computeFault", 500, GENERIC[500])
    r = call(cloud, "POST", path, {"os-reset_status": {"status": "CREATING"}}, ctx=ADMIN)
    assert r.status == 202
    # an unknown action: 12.0.10's Resource._process_stack names it alone (13.0.0 adds "Verify
    # the request body and Content-Type header and try again.")
    for where in (path, f"volumes/{vid}/action"):
        r = call(cloud, "POST", where, {"os-frob": {}})
        assert fault(r) == ("badRequest", 400, "There is no such action: os-frob")
    update = "os-update_snapshot_status"
    r = call(cloud, "POST", path, {update: {"progress": "5%"}})
    assert fault(r) == ("badRequest", 400, "'status' must be specified.")
    # arguments or a progress that are no text: ``body[action]['status']``'s and
    # ``int(progress[:-1])``'s TypeError, WebOb's plain 400
    for body in ({update: "available"}, {update: {"status": "available", "progress": 5}}):
        assert fault(call(cloud, "POST", path, body)) == ("badRequest", 400, GENERIC[400])
    r = call(cloud, "POST", path, {update: {"status": "available", "progress": "101%"}})
    assert fault(r) == ("badRequest", 400, "progress must be an integer percentage")
    r = call(cloud, "POST", path, {update: {"status": "deleting", "progress": "x"}})
    assert fault(r) == (
        "badRequest",
        400,
        "Provided snapshot status deleting not allowed for snapshot with status creating.",
    )
    r = call(cloud, "POST", path, {update: {"status": "available", "progress": "100%"}})
    assert r.status == 202
    shown = call(cloud, "GET", f"snapshots/{sid}").json()["snapshot"]
    assert (shown["status"], shown["os-extended-snapshot-attributes:progress"]) == (
        "available",
        "100%",
    )


@pytest.mark.parametrize(
    ("profile", "words"),
    [("nova-21.2.4", "'' is too short"), ("nova-30.0.0", "'' is too short"),
     ("nova-31.0.0", "'' should be non-empty")],
)  # fmt: skip
def test_an_empty_string_in_the_words_of_the_series_jsonschema(profile, words):
    """A minLength of 1 failed, worded by the jsonschema the release pins: 3.2.0 (Ussuri, the
    cinder oracle on 16.4.2) to 4.19.2 (2024.1/2024.2) say "is too short", 4.23.0 (2025.1's
    upper constraints, Cinder 26.0.0 on) "should be non-empty"."""
    body = {"host": "cinder", "binary": "cinder-scheduler", "disabled_reason": ""}
    r = call(booted(profile=profile), "PUT", "os-services/disable-log-reason", body, ctx=ADMIN)
    assert fault(r) == (
        "badRequest",
        400,
        f"Invalid input for field/attribute disabled_reason. Value: . {words}",
    )


@pytest.mark.parametrize(
    ("body", "queens", "later"),
    [
        (
            {"volume": {"name": " a ", "bogus": 1}},
            (200, "a"),
            (400, "Additional properties are not allowed ('bogus' was unexpected)"),
        ),
        ({}, (400, "Missing request body"), (400, "'volume' is a required property")),
        (
            {"x": 1},
            (400, "Missing required element 'volume' in request body"),
            (400, "'volume' is a required property"),
        ),
        (
            {"volume": {"metadata": {"k": "v" * 256}}},
            (413, "Invalid metadata size: Metadata property key k value greater than 255 "),
            (400, "Invalid input for field/attribute k."),
        ),
    ],
)
def test_queens_volume_update_takes_the_keys_it_knows_and_ignores_the_rest(body, queens, later):
    """12.0.10's ``VolumeController.update`` had no schema: "Missing request body", the
    ``volume`` element present, the five keys it knows picked out (any other ignored), the
    names stripped and checked, and the volume API's ``check_metadata_properties`` whose
    ``InvalidVolumeMetadataSize`` is the 413 (``HTTPRequestEntityTooLarge``); 13.0.0's schema
    refuses an unknown key, and its pattern a value over 255 first."""
    for profile, (status, text) in ((QUEENS, queens), (STEIN, later)):
        cloud = booted(profile=profile)
        vid = create_volume(cloud)
        r = call(cloud, "PUT", f"volumes/{vid}", body)
        assert r.status == status, (profile, r.json())
        if status == 200:
            assert r.json()["volume"]["name"] == text
        else:
            assert next(iter(r.json().values()))["message"].startswith(text) or text in str(
                r.json()
            ), (profile, r.json())
