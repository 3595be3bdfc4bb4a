"""Cinder's volume and snapshot list filters per series and microversion (read in cinder
12.0.10, 14.x-18.x from openstack/cinder history, 15.6.0, 19.2.0, 24.2.0 and 29.0.0):
``api/v3/volumes.py`` ``_get_volumes`` / ``_process_volume_filtering``, ``api/v3/snapshots.py``
``_items``, ``api/common.py`` ``process_general_filtering`` / ``reject_invalid_filters`` and
the series' ``etc/cinder/resource_filters.json``, ``volume/api.py`` ``check_volume_filters`` /
``get_all`` / ``get_all_snapshots``, ``db/sqlalchemy/api.py`` ``_process_volume_filters`` /
``_process_snaps_filters`` / ``apply_like_filters`` / ``is_valid_model_filters``.

Profiles: seed = Cinder 12.x (Queens), nova-19.0.0 = 14.x, nova-20.6.0 = 15.x, nova-21.0.0 =
16.x, nova-22.0.0 = 17.x, nova-23.0.0 = 18.x, nova-24.0.0 = 19.x, upstream = 29.x."""

from __future__ import annotations

import functools

import pytest

from fakecloud import Cloud
from tests.booted import booted
from tests.cinder.cinder_support import ADMIN, MEMBER, call, create_snapshot, create_volume


@functools.cache
def _cloud(profile: str) -> Cloud:
    """alpha (1 GiB, metadata k=v, snapshot 'sa' with metadata s=1), then beta (2 GiB,
    snapshot 'sb'), the member's; gamma the admin's own."""
    cloud = booted(seed=1, profile=profile)
    alpha = create_volume(cloud, name="alpha", metadata={"k": "v"})
    create_snapshot(cloud, alpha, name="sa", metadata={"s": "1"})
    beta = create_volume(cloud, size=2, name="beta")
    create_snapshot(cloud, beta, name="sb")
    create_volume(cloud, ctx=ADMIN, name="gamma")
    return cloud


def listed(profile, query, version="3.0", ctx=MEMBER, collection="volumes"):
    """The names a list answers, or (status, message) for a refusal."""
    resp = call(_cloud(profile), "GET", collection, ctx=ctx, version=version, query=query)
    body = resp.json()
    if resp.status != 200:
        return resp.status, next(iter(body.values()))["message"]
    return [item["name"] for item in body[collection]]


def refused(key):
    return 400, f"Invalid filters {key} are found in query options."


# -- which filters a non-admin may give -------------------------------------------------------


@pytest.mark.parametrize(
    ("profile", "query", "expected"),
    [
        # resource_filters.json: size from 15.0.0, created_at/updated_at 16.0.0,
        # consumes_quota 19.0.0; project_id never
        ("seed", "size=2", refused("size")),
        ("nova-20.6.0", "size=2", ["beta"]),
        ("nova-20.6.0", "created_at=gt:2000-01-01", refused("created_at")),
        ("nova-21.0.0", "created_at=gt:2000-01-01", ["beta", "alpha"]),
        ("nova-23.0.0", "consumes_quota=true", refused("consumes_quota")),
        ("nova-24.0.0", "consumes_quota=true", ["beta", "alpha"]),
        ("upstream", "project_id=x", refused("project_id")),
        ("upstream", "size=2&foo=1&bar=2", refused("foo,bar")),
        ("upstream", "status=available&migration_status=x", []),
    ],
)
def test_from_3_31_a_non_admins_filter_outside_resource_filters_json_is_400(
    profile, query, expected
):
    """``reject_invalid_filters`` (3.31, ``RESOURCE_FILTER``) against the series' default
    ``resource_filters.json``."""
    assert listed(profile, query, "3.31") == expected


@pytest.mark.parametrize(
    ("profile", "query", "expected"),
    [
        ("seed", "size=2", ["beta", "alpha"]),  # not in query_volume_filters: dropped
        ("seed", "migration_status=x", ["beta", "alpha"]),  # 12/13: CONF.query_volume_filters
        ("nova-19.0.0", "migration_status=x", []),  # 14.0.0: resource_filters.json
        ("upstream", "size=2", ["beta"]),
        ("upstream", "foo=1&status=available", ["beta", "alpha"]),
        ("upstream", "created_at=gt:2999-01-01", ["beta", "alpha"]),  # popped before 3.60
    ],
)
def test_before_3_31_a_non_admins_other_filters_are_dropped(profile, query, expected):
    """``remove_invalid_filter_options`` with ``CONF.query_volume_filters`` (12.0.10, 13.x)
    or the volume entry of ``resource_filters.json`` (``_get_volume_filter_options``, 14.0.0
    on); the filters newer than the request are popped first."""
    assert listed(profile, query) == expected


def test_before_3_31_a_repeated_unknown_filter_is_a_500():
    """``remove_invalid_filter_options`` deletes each occurrence: webob's ``MultiDict``
    ``__delitem__`` removed every one the first time, so the second raises ``KeyError``, which
    ``FaultWrapper`` answers 500 (12.0.10 ``cinder/utils.py``, 29.0.0 ``api/api_utils.py``)."""
    resp = call(_cloud("upstream"), "GET", "volumes", query="foo=1&foo=2", allow_500=True)
    assert resp.status == 500


@pytest.mark.parametrize(
    ("profile", "expected"),
    [
        ("seed", refused("all_tenants")),  # 12/13: refused like any other
        ("nova-19.0.0", []),  # 14-17: forgiven, left in the filters: no such column
        ("nova-22.0.0", []),
        ("nova-23.0.0", ["beta", "alpha"]),  # 18.0.0 pops it (bug #1917574)
        ("upstream", ["beta", "alpha"]),
    ],
)
def test_a_non_admins_all_tenants_from_3_31(profile, expected):
    """``reject_invalid_filters``: 14.0.0 (80e94ac3d) forgives ``all_tenants`` (cinderclient
    adds it to a lookup by name) but leaves it to ``_process_volume_filters``, which finds no
    column: nothing listed, the bug 18.0.0 (36cfe7813) fixed by popping it."""
    assert listed(profile, "all_tenants=1", "3.31") == expected


def test_non_ascii_filter_keys_are_refused_from_13():
    """``reject_invalid_filters`` (13.0.0 on) checks the keys are ASCII first, admins too."""
    message = (400, "Filter keys can only contain ASCII characters.")
    assert listed("nova-18.0.0", "n\u00e4me=x", "3.31", ADMIN) == message
    assert listed("seed", "n\u00e4me=x", "3.31", ADMIN) == []


# -- how values are read ----------------------------------------------------------------------


@pytest.mark.parametrize("profile", ["seed", "upstream"])
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("metadata={'k': 'v'}", ["alpha"]),  # cinderclient's str(dict)
        ('metadata={"k": "v"}', ["alpha"]),
        ("metadata={'k': 'w'}", []),
        ("metadata=k", []),  # no dict: _process_volume_filters builds no query
        ("status=['error', 'available']", ["beta", "alpha"]),  # a list is an IN
        ("status='available'", ["beta", "alpha"]),  # literal_eval strips the quotes
        ("name='alpha'", []),  # ... but not the name's
        ("availability_zone=nova", ["beta", "alpha"]),
        ("bootable=false", ["beta", "alpha"]),
        ("bootable=true", []),
        ("group_id=None", ["beta", "alpha"]),  # None: IS NULL
    ],
)
def test_volume_filter_values_are_literal_evaluated(profile, query, expected):
    """``check_volume_filters``: every value but the name through ``ast.literal_eval``."""
    version = "3.31" if "group_id" in query else "3.0"
    assert listed(profile, query, version) == expected


def test_bootable_is_strict_from_3_2():
    """``_check_boolean_filter_value``: from 3.2 (``VOLUME_LIST_BOOTABLE``) only
    ``bool_from_string(strict=True)`` words; before, any other non-empty value is true."""
    assert listed("upstream", "bootable=maybe", "3.2") == (
        400,
        "Invalid input received: 'bootable = maybe'",
    )
    assert listed("upstream", "bootable=maybe", "3.1") == []
    assert listed("upstream", "bootable=0", "3.2") == ["beta", "alpha"]


def test_group_id_and_glance_metadata_wait_for_their_microversions():
    """``_process_volume_filtering`` pops ``glance_metadata`` before 3.4 and ``group_id``
    before 3.10 (``_MV_ADDED_FILTERS`` in 29.0.0)."""
    assert listed("upstream", "group_id=g", "3.9") == ["beta", "alpha"]
    assert listed("upstream", "group_id=g", "3.10") == []
    assert listed("upstream", "glance_metadata={'a': 'b'}", "3.3", ADMIN) == ["gamma"]
    assert listed("upstream", "glance_metadata={'a': 'b'}", "3.4", ADMIN) == []


# -- an admin's filters -----------------------------------------------------------------------


@pytest.mark.parametrize("profile", ["seed", "upstream"])
def test_an_admins_filters_are_not_checked_but_must_be_columns(profile):
    """``reject_invalid_filters`` lets an admin through; ``_process_volume_filters`` wants a
    column: ``foo`` builds no query."""
    assert listed(profile, "all_tenants=1&size=2", "3.31", ADMIN) == ["beta"]
    assert listed(profile, "all_tenants=1&project_id=x", "3.31", ADMIN) == []
    assert listed(profile, "all_tenants=1&foo=1", "3.31", ADMIN) == []


def test_an_admins_false_all_tenants_lists_nothing():
    """``API.get_all`` removes ``all_tenants`` only when it is true; a false one reaches
    ``_process_volume_filters``: no such column, no query (12.0.10 to 29.0.0)."""
    assert listed("upstream", "", "3.0", ADMIN) == ["gamma"]
    assert listed("upstream", "all_tenants=0", "3.0", ADMIN) == []
    assert listed("upstream", "all_tenants=maybe", "3.0", ADMIN) == (
        400,
        "Value 'maybe' for 'all_tenants' is not a boolean.",  # InvalidParameterValue's %(err)s
    )


@pytest.mark.parametrize(
    ("version", "query", "expected"),
    [
        ("3.34", "name~=LPH", ["alpha"]),  # converted to display_name~: LIKE, any case
        ("3.31", "name~=a", ["gamma", "beta", "alpha"]),
        ("3.31", "name~=a_p", ["alpha"]),  # LIKE's one-character wildcard
        ("3.31", "description~=x", []),  # display_description is NULL
        ("3.30", "name~=zzz", ["gamma", "beta", "alpha"]),  # not converted: the property
        ("3.31", "size~=2", ["beta"]),
    ],
)
def test_an_admins_like_filters(version, query, expected):
    """``apply_like_filters`` (``key~``, ``LIKE '%value%'``); ``convert_filter_attributes``
    (3.31) turns ``name~`` into ``display_name~``; before, ``Volume.name`` is a Python
    property and ``_process_model_like_filter`` skips it."""
    assert listed("upstream", f"all_tenants=1&{query}", version, ADMIN) == expected


def test_an_admins_like_filter_on_no_attribute_is_a_500():
    """``_process_model_like_filter`` ``getattr(model, key)`` outside any try: AttributeError
    reaches ``FaultWrapper`` (volumes only: snapshots check ``is_valid_model_filters`` first)."""
    resp = call(_cloud("upstream"), "GET", "volumes", ctx=ADMIN, query="foo~=x", allow_500=True)
    assert resp.status == 500
    assert listed("upstream", "foo~=x", "3.31", ADMIN, "snapshots") == []


def test_a_non_admins_like_filter_is_refused_with_the_default_file():
    """From 3.34 ``key~`` passes only when ``key~`` is configured (``If 'key~' is configured,
    both 'key' and 'key~' are valid``); the default ``resource_filters.json`` has none."""
    assert listed("upstream", "name~=alp", "3.34") == refused("name~")


# -- time comparisons (3.60, 16.0.0) ---------------------------------------------------------


def _created(name):
    resp = call(_cloud("upstream"), "GET", "volumes/detail", ctx=MEMBER)
    return next(v["created_at"] for v in resp.json()["volumes"] if v["name"] == name)


def test_created_at_comparisons_are_ored():
    """``_handle_time_comparison_filters`` and ``_filter_time_comparison``: each
    ``operator:time`` one condition, the conditions ORed."""
    alpha, beta = _created("alpha"), _created("beta")
    assert listed("upstream", f"created_at=gt:{alpha}", "3.60") == ["beta"]
    assert listed("upstream", f"created_at=lte:{alpha}", "3.60") == ["alpha"]
    assert listed("upstream", f"created_at=eq:{beta}", "3.60") == ["beta"]
    assert listed("upstream", f"created_at=gt:{beta},lt:{beta}", "3.60") == ["alpha"]
    assert listed("upstream", f"created_at=gt:{alpha},lt:{beta}", "3.60") == ["beta", "alpha"]
    assert listed("upstream", "updated_at=gt:2000-01-01", "3.60") == ["beta", "alpha"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("created_at=after:2020-01-01", "Invalid after operator"),
        ("created_at=2020", "Invalid 2020 operator"),  # no colon: the unit is the operator
        ("created_at=gt:soon", "Invalid soon value"),
        ("updated_at=gt:2020-01-01,x", "Invalid x operator"),
    ],
)
def test_bad_time_comparisons_are_400(query, message):
    assert listed("upstream", query, "3.60") == (400, message)


def test_time_comparisons_read_from_3_31_popped_before():
    """``_MV_ADDED_FILTERS`` pops ``created_at`` only on the pre-3.31 path; from 3.31 the
    general filtering keeps it and ``_get_volumes`` compares it whatever the microversion."""
    assert listed("upstream", "created_at=gt:2999-01-01", "3.31") == []
    assert listed("upstream", "created_at=gt:2999-01-01", "3.30") == ["beta", "alpha"]


def test_with_count_counts_the_filtered_volumes():
    """``calculate_resource_count`` with the same filters (3.45)."""
    resp = call(
        _cloud("upstream"), "GET", "volumes", version="3.45", query="with_count=true&size=2"
    )
    assert resp.json()["count"] == 1


# -- snapshots --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("profile", "version", "query", "expected"),
    [
        ("upstream", "3.21", "metadata={'s': '1'}", ["sb", "sa"]),  # popped before 3.22
        ("upstream", "3.22", "metadata={'s': '1'}", ["sa"]),
        ("seed", "3.22", "metadata={'s': '2'}", []),
        ("upstream", "3.22", "metadata=s", []),  # no dict: is_valid_model_filters fails
        ("upstream", "3.0", "availability_zone=nova&size=1", ["sb", "sa"]),  # both dropped
        ("upstream", "3.31", "availability_zone=nova", ["sb", "sa"]),  # the volume's zone
        ("upstream", "3.31", "availability_zone=elsewhere", []),
        ("upstream", "3.31", "project_id=x", refused("project_id")),
        ("upstream", "3.31", "status=available&volume_id=x", []),
        ("upstream", "3.31", "size=1", refused("size")),
    ],
)
def test_snapshot_filters(profile, version, query, expected):
    """``_process_snapshot_filtering`` (metadata from 3.22, ``SNAPSHOT_LIST_METADATA_FILTER``;
    before 3.31 a non-admin keeps status/volume_id/name/metadata) and the snapshot entry of
    ``resource_filters.json``; ``_process_snaps_filters`` joins the volume for its zone."""
    assert listed(profile, query, version, collection="snapshots") == expected


@pytest.mark.parametrize(
    ("profile", "query", "expected"),
    [
        ("seed", "all_tenants=0", ["sb", "sa"]),  # any value: every project
        ("nova-21.1.0", "all_tenants=0", ["sb", "sa"]),
        ("nova-21.1.1", "all_tenants=0", []),  # 16.2.0's backport
        ("upstream", "all_tenants=0", []),  # 17.0.0: bool_from_string, the admin's own
        ("upstream", "all_tenants=yes", ["sb", "sa"]),
        ("upstream", "all_tenants=1&name~=B", ["sb"]),
        ("upstream", "all_tenants=1&display_name=sa", ["sa"]),  # a column
        ("upstream", "all_tenants=1&volume=x", []),  # a relationship: no query
    ],
)
def test_an_admins_snapshot_filters(profile, query, expected):
    """``API.get_all_snapshots``: before 17.0.0 (71a080b22; backports 15.4.0 and 16.2.0, beside
    Nova 20.4.1 and 21.1.1) an admin's ``all_tenants`` of any value lists every project; from
    then it is ``bool_from_string``'d."""
    assert listed(profile, query, "3.31", ADMIN, "snapshots") == expected


@pytest.mark.parametrize(
    ("profile", "expected"),
    [
        ("seed", refused("all_tenants")),
        ("nova-19.0.0", []),  # forgiven, kept: is_valid_model_filters fails
        ("nova-20.4.0", []),
        ("nova-20.4.1", ["sb", "sa"]),  # 15.4.0's backport pops it
        ("nova-22.0.0", ["sb", "sa"]),  # 17.0.0: get_all_snapshots pops it
    ],
)
def test_a_non_admins_snapshot_all_tenants(profile, expected):
    assert listed(profile, "all_tenants=1", "3.31", collection="snapshots") == expected


# -- attachments (3.27+) ----------------------------------------------------------------------

SERVER_A = "11111111-2222-4333-8444-555555555555"
SERVER_B = "66666666-7777-4888-8999-aaaaaaaaaaaa"


@functools.cache
def _attached() -> tuple[Cloud, list[str]]:
    """Two volumes of the member's, each reserved for a server (``POST /attachments``)."""
    cloud = booted(seed=1, profile="upstream")
    ids = []
    for server in (SERVER_A, SERVER_B):
        vid = create_volume(cloud)
        body = {"attachment": {"volume_uuid": vid, "instance_uuid": server}}
        resp = call(cloud, "POST", "attachments", body, version="3.44")
        ids.append(resp.json()["attachment"]["id"])
    return cloud, ids


def attachments(query, version="3.44", ctx=MEMBER):
    cloud, _ids = _attached()
    resp = call(cloud, "GET", "attachments", ctx=ctx, version=version, query=query)
    body = resp.json()
    if resp.status != 200:
        return resp.status, next(iter(body.values()))["message"]
    return [item["instance"] for item in body["attachments"]]


@pytest.mark.parametrize(
    ("query", "version", "expected"),
    [
        ("", "3.44", [SERVER_B, SERVER_A]),
        (f"instance_id={SERVER_A}", "3.44", [SERVER_A]),  # renamed instance_uuid
        ("attach_status=reserved", "3.44", [SERVER_B, SERVER_A]),
        ("status=reserved", "3.44", []),  # no status column: is_valid_model_filters fails
        ("instance_id=", "3.44", []),  # empty: not renamed, no such attribute
        ("foo=1", "3.44", refused("foo")),
        ("foo=1", "3.30", [SERVER_B, SERVER_A]),  # dropped before 3.31
        ("limit=1", "3.44", [SERVER_B]),
        (
            "limit=1&marker=x",
            "3.44",
            (404, "Volume attachment could not be found with filter: attachment_id = x."),
        ),
        ("sort=instance_uuid:asc", "3.44", [SERVER_A, SERVER_B]),
    ],
)
def test_attachment_filters(query, version, expected):
    """Attachments' ``_items`` (12.0.10 to 29.0.0): ``get_sort_params`` and
    ``get_pagination_params`` pop first, ``_process_attachment_filtering`` checks the
    attachment entry of ``resource_filters.json`` from 3.31 (``allowed_filters`` before),
    ``instance_id`` becomes ``instance_uuid`` when not empty; the database's
    ``_attachment_get_all`` wants model attributes."""
    assert attachments(query, version) == expected


def test_an_admins_attachment_filters():
    """An admin's ``all_tenants`` of any value lists every project; ``key~`` is a LIKE
    (``apply_like_filters`` on ``_process_attachment_filters``)."""
    assert attachments("", ctx=ADMIN) == []
    assert attachments("all_tenants=0", ctx=ADMIN) == [SERVER_B, SERVER_A]
    assert attachments("all_tenants=1&instance_uuid~=6666", ctx=ADMIN) == [SERVER_B]
    assert attachments("all_tenants=1&attach_status~=RESERV", ctx=ADMIN) == [SERVER_B, SERVER_A]


def test_the_summary_drops_a_non_admins_filters_and_refuses_a_repeated_one():
    """``summary`` (3.12) passes the whole query through ``remove_invalid_filter_options``;
    ``get_volume_summary`` reads only ``all_tenants`` (12.0.10 to 29.0.0)."""
    cloud = _cloud("upstream")
    resp = call(cloud, "GET", "volumes/summary", version="3.12", query="status=error&foo=1")
    assert resp.json() == {"volume-summary": {"total_count": 2, "total_size": 3}}
    resp = call(
        cloud, "GET", "volumes/summary", version="3.12", query="foo=1&foo=2", allow_500=True
    )
    assert resp.status == 500
    resp = call(cloud, "GET", "volumes/summary", ctx=ADMIN, version="3.12", query="foo=1&foo=2")
    assert resp.json() == {"volume-summary": {"total_count": 1, "total_size": 1}}


def test_a_snapshot_count_reads_all_tenants_its_own_way():
    """``_items`` lists with ``search_opts.copy()`` and counts with ``search_opts``
    (``calculate_resource_count``: ``get_bool_param``, strict; a false ``all_tenants`` left
    for ``_process_snaps_filters``, no column: 0). Cinder 12.x lists every project for an
    admin's ``all_tenants`` of any value."""
    cloud = _cloud("seed")

    def answer(query):
        resp = call(cloud, "GET", "snapshots", ctx=ADMIN, version="3.45", query=query)
        body = resp.json()
        if resp.status != 200:
            return resp.status, body["badRequest"]["message"]
        return [s["name"] for s in body["snapshots"]], body["count"]

    assert answer("with_count=true&all_tenants=1") == (["sb", "sa"], 2)
    assert answer("with_count=true&all_tenants=0") == (["sb", "sa"], 0)
    assert answer("with_count=true&all_tenants=maybe") == (
        400,
        "Value 'maybe' for 'all_tenants' is not a boolean.",
    )


def test_metadata_matches_admin_metadata_and_glance_metadata_the_image_s():
    """``_process_volume_filters``: ``metadata`` pairs match ``volume_metadata`` or
    ``volume_admin_metadata`` rows (``readonly`` after ``os-update_readonly_flag``);
    ``glance_metadata`` (3.4) ``volume_glance_metadata`` rows."""
    from tests.cinder.cinder_support import glance_image

    cloud = booted(seed=1, profile="upstream")
    image = glance_image(cloud, size=1024**3, name="img")
    create_volume(cloud, name="from-image", imageRef=image)
    plain = create_volume(cloud, name="plain")
    body = {"os-update_readonly_flag": {"readonly": True}}
    assert call(cloud, "POST", f"volumes/{plain}/action", body).status == 202

    def names(query, version="3.4", ctx=MEMBER):
        resp = call(cloud, "GET", "volumes", ctx=ctx, version=version, query=query)
        body = resp.json()
        return [v["name"] for v in body["volumes"]] if resp.status == 200 else body

    assert names("metadata={'readonly': 'True'}") == ["plain"]
    # glance_metadata is in no series' resource_filters.json: a member's is dropped before
    # 3.31 and refused from 3.31; an admin's applies
    assert names("glance_metadata={'image_name': 'img'}") == ["plain", "from-image"]
    assert names("glance_metadata={'image_name': 'img'}", "3.31")["badRequest"]["message"] == (
        "Invalid filters glance_metadata are found in query options."
    )
    every = "all_tenants=1&glance_metadata="
    assert names(f"{every}{{'image_id': '{image}'}}", ctx=ADMIN) == ["from-image"]
    assert names(every + "{'image_name': 'img'}", ctx=ADMIN) == ["from-image"]
    assert names(every + "{'image_name': 'img'}", "3.3", ADMIN) == ["plain", "from-image"]
    assert names("bootable=true") == ["from-image"]
    assert names("bootable=1", "3.31") == ["from-image"]


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("cinder", ["gamma", "beta", "alpha"]),  # a host: itself, host@backend, host#pool
        ("cinder@lvmdriver-1", ["gamma", "beta", "alpha"]),  # a backend: itself, its pools
        ("cinder@lvmdriver-1#lvmdriver-1", ["gamma", "beta", "alpha"]),  # a pool: exactly
        ("cinder@lvmdriver", []),
        ("CINDER", []),  # forced case-sensitive on MySQL
    ],
)
def test_an_admins_host_filter(host, expected):
    """``_process_volume_filters`` pops ``host`` into ``_filter_host``."""
    assert listed("upstream", f"all_tenants=1&host={host}", "3.31", ADMIN) == expected


def test_no_query_means_no_sort_key_check():
    """``_generate_paginate_query`` returns before ``paginate_query`` when the filters build
    no query, so an unknown sort key goes unnoticed there; directions are checked first
    (``process_sort_params``)."""
    assert listed("upstream", "foo=1&sort=bogus", "3.0", ADMIN) == []
    assert listed("upstream", "sort=bogus", "3.0", ADMIN) == (
        400,
        "Invalid input received: Invalid sort key",
    )
    assert listed("upstream", "foo=1&sort=name:up", "3.0", ADMIN) == (
        400,
        "Invalid input received: Unknown sort direction, must be 'desc' or 'asc'.",
    )


@pytest.mark.parametrize(
    ("profile", "version", "expected"),
    [("nova-23.0.0", "3.64", []), ("upstream", "3.65", ["gamma"])],
)
def test_use_quota_is_a_column_from_19(profile, version, expected):
    """The ``use_quota`` columns came with 19.0.0 (``db/sqlalchemy/models.py``): before, an
    admin's ``use_quota`` filter is no column (no query) and no sort key; from 19.0.0 it is
    read with ``get_bool_param`` (and popped before 3.65 on the pre-3.31 path)."""
    assert listed(profile, "use_quota=1", version, ADMIN) == expected
    assert listed("upstream", "use_quota=0", "3.65", ADMIN) == []
    assert listed("upstream", "use_quota=0", "3.30", ADMIN) == ["gamma"]
    sorted_ = listed(profile, "sort=use_quota", version, ADMIN)
    assert sorted_ == (["gamma"] if expected else (400, "Invalid input received: Invalid sort key"))


def test_a_paging_parameter_left_twice_before_3_31_is_a_500():
    """``limit=1&limit=2&limit=3``: ``get_pagination_params`` pops the first, two stay, and
    ``remove_invalid_filter_options`` deletes ``limit`` twice (webob ``KeyError``)."""
    resp = call(
        _cloud("upstream"), "GET", "volumes", query="limit=1&limit=2&limit=3", allow_500=True
    )
    assert resp.status == 500
    assert listed("upstream", "limit=1&limit=2") == ["beta"]
