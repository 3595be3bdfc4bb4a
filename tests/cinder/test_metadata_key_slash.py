"""A ``/`` in a metadata key, by release (switch ``lp1798798``): Cinder 12.x and 13.0.0's
``parameter_types.extra_specs`` key pattern is ``^[a-zA-Z0-9-_:. ]{1,255}$``, and every schema
built from it refuses the key; 534fa38f4 (14.0.0) and its backport d59b432ddd (13.0.1, beside
Nova 18.0.3) allowed it. Queens refuses it only where it has a schema."""

from __future__ import annotations

import pytest
from cinder_support import ADMIN, MISSING, call, create_volume, fault

from fakecloud import Cloud
from tests.booted import booted

QUEENS = "nova-17.0.13"  # Cinder 12.0.10
ROCKY_0 = "nova-18.0.2"  # Cinder 13.0.0
ROCKY_1 = "nova-18.0.3"  # Cinder 13.0.1

META = {"k/8s": "v"}
REFUSED = "'k/8s' does not match any of the regexes: '^[a-zA-Z0-9-_:. ]{1,255}$'"

#: Each schema family a user reaches: (name, method, path, body, microversion, as admin), with
#: ``{vid}`` an available volume of the caller's.
FAMILIES = [
    ("volume create", "POST", "volumes", {"volume": {"size": 1, "metadata": META}}, None, 0),
    ("volume update", "PUT", "volumes/{vid}", {"volume": {"metadata": META}}, None, 0),
    ("volume metadata", "POST", "volumes/{vid}/metadata", {"metadata": META}, None, 0),
    ("volume metadata key", "PUT", "volumes/{vid}/metadata/k%2F8s", {"meta": META}, None, 0),
    (
        "image metadata",
        "POST",
        "volumes/{vid}/action",
        {"os-set_image_metadata": {"metadata": META}},
        None,
        0,
    ),
    (
        "snapshot create",
        "POST",
        "snapshots",
        {"snapshot": {"volume_id": "{vid}", "metadata": META}},
        None,
        0,
    ),
    (
        "snapshot manage",
        "POST",
        "os-snapshot-manage",
        {"snapshot": {"volume_id": "{vid}", "ref": "x", "metadata": META}},
        None,
        1,
    ),
    (
        "volume manage",
        "POST",
        "os-volume-manage",
        {"volume": {"host": "nowhere", "ref": "x", "metadata": META}},
        None,
        1,
    ),
    (
        "backup create",
        "POST",
        "backups",
        {"backup": {"volume_id": "{vid}", "metadata": META}},
        "3.43",
        0,
    ),
    ("backup update", "PUT", f"backups/{MISSING}", {"backup": {"metadata": META}}, "3.43", 0),
    (
        "group type",
        "POST",
        "group_types",
        {"group_type": {"name": "g", "group_specs": META}},
        "3.11",
        1,
    ),
    ("qos specs", "PUT", f"qos-specs/{MISSING}", {"qos_specs": META}, None, 1),
    ("volume type", "POST", "types", {"volume_type": {"name": "t", "extra_specs": META}}, None, 1),
]

#: Where Queens (12.0.10) has a schema: snapshots, snapshot manage, volume metadata, backups,
#: group types, volume types (types_manage ``create``). Its volume create and update, image
#: metadata action, volume manage and QoS specs are checked by hand, any key taken.
QUEENS_SCHEMAS = {
    "snapshot create",
    "snapshot manage",
    "volume metadata",
    "volume metadata key",
    "backup create",
    "backup update",
    "group type",
    "volume type",
}


def _with_volume(node, vid):
    if isinstance(node, dict):
        return {key: _with_volume(value, vid) for key, value in node.items()}
    return vid if node == "{vid}" else node


def _refused(profile: str) -> set[str]:
    cloud = booted(profile=profile)
    vid = create_volume(cloud)
    refused = set()
    for name, method, path, body, version, admin in FAMILIES:
        body = _with_volume(body, vid)
        ctx = {"ctx": ADMIN} if admin else {}
        r = call(cloud, method, path.format(vid=vid), body, version=version, **ctx)
        if r.status == 400 and fault(r)[2].endswith(REFUSED):
            refused.add(name)
        else:  # what the release answers past the schema
            assert r.status < 500 and not (r.status == 400 and "regexes" in fault(r)[2]), name
    return refused


@pytest.mark.parametrize(
    ("profile", "expected"),
    [
        (QUEENS, QUEENS_SCHEMAS),
        (ROCKY_0, {name for name, *_ in FAMILIES}),
        (ROCKY_1, set()),
        ("upstream", set()),
    ],
)
def test_a_slash_in_a_metadata_key_by_release(profile, expected):
    assert _refused(profile) == expected


def test_cinder_13_0_0_words_the_refusal_as_jsonschema():
    """The schema's 400, as Cinder prints jsonschema's error (the field, its value, the
    message), and the same body taken from 13.0.1."""
    body = {"volume": {"size": 1, "metadata": {"k/8s": "v"}}}
    r = call(booted(profile=ROCKY_0), "POST", "volumes", body)
    assert fault(r) == (
        "badRequest",
        400,
        "Invalid input for field/attribute metadata. Value: {'k/8s': 'v'}. 'k/8s' does not "
        "match any of the regexes: '^[a-zA-Z0-9-_:. ]{1,255}$'",
    )
    r = call(booted(profile=ROCKY_1), "POST", "volumes", body)
    assert r.status == 202 and r.json()["volume"]["metadata"] == {"k/8s": "v"}


def test_naming_the_bug_turns_it_on_upstream():
    """The switch named on a release without the bug: the variant schemas (and their quick
    checks: a volume create's goes the fast way when it passes) refuse the key there too."""
    cloud = Cloud(seed=0, profile="upstream", config={"switches": {"lp1798798": True}})
    body = {"volume": {"size": 1, "metadata": {"k/8s": "v", "k": "v"}}}
    assert fault(call(cloud, "POST", "volumes", body))[2].endswith(REFUSED)
    assert (
        call(cloud, "POST", "volumes", {"volume": {"size": 1, "metadata": {"k": "v"}}}).status
        == 202
    )
