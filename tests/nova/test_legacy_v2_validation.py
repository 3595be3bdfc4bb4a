"""Nova's legacy v2 compatible pipeline (``/v2/...``) checks a body with the schema of
``min_version`` None or 2.0 (``_schema_validation_helper``): ``create_v20``'s names may have
leading and trailing spaces, 2.1-only fields are unknown keys, and unknown keys are stripped
(``_soft_validate_additional_properties``), except beside ``patternProperties`` (metadata),
where they are refused, and from 33.0.0 not when every key is unknown (17.0.0-34.0.0; the nova
oracle's ``v2-*`` cases, session 23)."""

from __future__ import annotations

import pytest

from fakecloud import Cloud
from tests.nova.conftest import NovaEnv, unexpected_500

NO_SUCH = "9a2c1e7e-0000-4000-8000-000000000001"
SPACED_NAME = (
    "An invalid 'name' value was provided. The name must be: printable characters with at "
    "least one non space character"
)
NAME = (
    "An invalid 'name' value was provided. The name must be: printable characters. Can not "
    "start or end with whitespace."
)


@pytest.fixture(scope="module")
def world() -> tuple[NovaEnv, str]:
    """An upstream cloud with one ACTIVE server; the requests here change nothing."""
    env = NovaEnv("upstream")
    return env, env.boot("a")


def _message(resp) -> str:
    (fault,) = resp.json().values()
    return fault["message"]


def _server(**kw):
    return {"server": {"name": "x", "flavorRef": "999", "imageRef": "", **kw}}


@pytest.mark.parametrize(
    ("method", "path", "body", "message"),
    [
        # create_v20: spaced names, unknown and 2.19's keys stripped; the next check answers
        (
            "POST",
            "/servers",
            _server(name=" x ", availability_zone=" z ", key_name=" k ", foo=1, description="d"),
            "Missing imageRef attribute",
        ),
        (
            "POST",
            "/servers",
            _server(security_groups=[{"name": " g "}]),
            "Missing imageRef attribute",
        ),
        ("POST", "/servers", _server(name="   "), SPACED_NAME),
        (
            "POST",
            "/servers",
            _server(networks="none"),
            "Invalid input for field/attribute networks. Value: none. 'none' is not of type "
            "'array'",
        ),
        # rebuild_v20: the spaced name passes, the image reference is the first error
        (
            "POST",
            "/servers/{sid}/action",
            {"rebuild": {"name": " r ", "imageRef": "nope", "foo": 1}},
            "Invalid input for field/attribute imageRef. Value: nope. 'nope' is not a 'uuid'",
        ),
        # createImage has no _v20 of its own in use: its name is 2.1's
        ("POST", "/servers/{sid}/action", {"createImage": {"name": " s"}}, NAME),
        # create_backup_v20: the spaced name passes, the rotation is the first error
        (
            "POST",
            "/servers/{sid}/action",
            {"createBackup": {"name": " b ", "backup_type": "daily", "rotation": "x"}},
            "Invalid input for field/attribute rotation. Value: x. 'x' does not match '^[0-9]*$'",
        ),
        # keypairs create_v20: a spaced name, past the schema to the key itself
        (
            "POST",
            "/os-keypairs",
            {"keypair": {"name": " k ", "public_key": "x", "type": "ssh"}},
            "Keypair data is invalid: failed to generate fingerprint",
        ),
        # server groups have no _v20: the name is still 2.1's
        ("POST", "/os-server-groups", {"server_group": {"name": " g ", "foo": 1}}, NAME),
        # beside patternProperties an unknown key is refused, in other words than 2.1's
        (
            "PUT",
            "/servers/{sid}/metadata",
            {"metadata": {"a": "b", "k/x": "v"}},
            "Invalid input for field/attribute metadata. Value: {'a': 'b', 'k/x': 'v'}. "
            "Additional properties are not allowed ('k/x' was unexpected)",
        ),
        (
            "POST",
            "/servers/{sid}/os-volume_attachments",
            {"volumeAttachment": {"volumeId": NO_SUCH, "foo": 1}},
            f"Volume {NO_SUCH} could not be found.",
        ),
    ],
)
def test_a_v2_body_is_checked_with_the_v20_schema_relaxed(world, method, path, body, message):
    env, sid = world
    resp = env.request(method, "/v2/{project_id}" + path.format(sid=sid), body)
    status = 404 if message.startswith("Volume") else 400
    assert (resp.status, _message(resp)) == (status, message)


def test_an_unknown_key_is_stripped_before_the_action_runs(world):
    """The stripped body is the one acted on: a createImage and a rename through ``/v2``."""
    env = world[0].fork()
    sid = world[1]
    resp = env.request(
        "POST", f"/v2/servers/{sid}/action", {"createImage": {"name": "s", "foo": 1}}
    )
    assert resp.status == 202
    resp = env.request("PUT", f"/v2/servers/{sid}", {"server": {"name": " y ", "foo": 1}})
    assert resp.status == 200 and resp.json()["server"]["name"] == "y"


@pytest.mark.parametrize(("profile", "status"), [("nova-32.2.1", 400), ("nova-33.0.0", 404)])
def test_metadata_of_unknown_keys_only_passes_from_33(profile, status):
    """9fd431315c (33.0.0): an object whose every key is unknown is left whole (a ``oneOf``
    workaround), so metadata of bad keys alone passes to the image lookup."""
    cloud = Cloud(seed=0, profile=profile)
    path = f"/v2/{{project_id}}/images/{NO_SUCH}/metadata"
    resp = cloud.request("compute", "POST", path, body={"metadata": {"k/x": "v"}})
    assert resp.status == status


@pytest.mark.parametrize(
    ("profile", "refusal"),
    [
        ("nova-31.3.1", "is not valid under any of the given schemas"),
        ("upstream", "is not a 'base64'"),
    ],
)
def test_create_v20_user_data_is_a_one_of_before_32(profile, refusal):
    """678bc4ae6e (32.0.0): ``create_v20``'s nullable ``user_data`` is one schema of two types,
    was a ``oneOf`` of the base64 string and null, and jsonschema words the two differently."""
    cloud = Cloud(seed=0, profile=profile)
    body = {"server": {"name": "x", "flavorRef": "1", "imageRef": "", "user_data": "abc"}}
    resp = cloud.request("compute", "POST", "/v2/{project_id}/servers", body=body)
    assert resp.status == 400
    assert (
        _message(resp)
        == f"Invalid input for field/attribute user_data. Value: abc. 'abc' {refusal}"
    )


def test_an_aggregate_update_takes_a_spaced_name_at_2_1():
    """``aggregates.update`` names ``name_with_leading_trailing_spaces`` at every version (the
    aggregate's lookup answers; it was the 2.1 name's 400)."""
    cloud = Cloud(seed=0, profile="upstream")
    resp = cloud.request(
        "compute", "PUT", "/v2.1/os-aggregates/1", body={"aggregate": {"name": " x "}}, user="admin"
    )
    assert resp.status == 404


# -- query strings: the server list's schemas start at 2.1, so /v2 skips them (session 24) ------


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("?limit=x", 400, "Invalid input received: limit must be an integer"),
        ("/detail?limit=-1", 400, "Invalid input received: limit must be >= 0"),
        ("?offset=x", 400, "Invalid input received: offset must be an integer"),
        ("?changes-since=x", 400, "Invalid filter field: changes-since."),
        ("?name=%5B", 500, unexpected_500("upstream", "TypeError")),
    ],
)
def test_a_v2_server_list_checks_its_query_itself(world, query, status, message):
    """No ``index_query`` runs on ``/v2`` (``min_version`` 2.1, 17.0.0-34.0.0): the list's own
    checks answer (``get_limit_and_marker``, the ``changes-since`` parse, the database's
    regular expression); 2.1 words each as its schema does."""
    env = world[0]
    resp = env.request("GET", "/v2/{project_id}/servers" + query)
    assert (resp.status, _message(resp)) == (status, message)


@pytest.mark.parametrize(("key", "count"), [("foo", 0), ("display_name", 1), ("vcpus", 1)])
def test_a_v2_sort_key_that_is_no_column_empties_the_list(world, key, count):
    """A sort key no schema checked: a column sorts, anything else fails in every cell, and
    the cells that failed are left out (ee461b5bf6, 18.0.0)."""
    resp = world[0].request("GET", f"/v2/{{project_id}}/servers?sort_key={key}")
    assert resp.status == 200 and len(resp.json()["servers"]) == count


@pytest.mark.parametrize(
    ("profile", "query", "status"),
    [
        ("nova-17.0.5", "sort_key=foo", 500),
        ("nova-17.0.6", "sort_key=foo", 200),
        ("nova-18.3.0", "name=%5B", 200),
        ("nova-19.0.0", "name=%5B", 500),
    ],
)
def test_how_a_list_fails_in_every_cell_by_release(profile, query, status):
    """Before 0626dd0f5b (17.0.6; ee461b5bf6 on master, 18.0.0) a cell's
    ``raised_exception_sentinel`` reached ``heapq.merge``: Nova's 500 TypeError; then the
    failed cells were left out, until 031314b6d8 (19.0.0) rebuilt each cell's exception as
    ``e.__class__(e.args)``, which a database ``OperationalError`` fails (a TypeError again)
    and ``InvalidSortKey`` passes (the cell left out)."""
    cloud = Cloud(seed=0, profile=profile)
    resp = cloud.request("compute", "GET", "/v2/{project_id}/servers?" + query)
    assert resp.status == status


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/v2/servers?all_tenants=1&changes-before=x", 400),
        ("/v2/servers?all_tenants=1&locked=x", 400),
        ("/v2.1/servers?all_tenants=1&locked=x", 200),
    ],
)
def test_an_admins_parameter_the_schema_lacks_is_stripped_at_2_1(world, path, status):
    """``_strip_additional_query_parameters``: at 2.1 an admin's ``locked`` (2.73's) is
    dropped before the list reads it; ``/v2`` strips nothing, so the list parses it and
    ``changes-before`` (2.66's)."""
    resp = world[0].request("GET", path, user="admin")
    assert resp.status == status
    if "changes-before" in path:
        assert _message(resp) == "Invalid filter field: changes-before."
    elif status == 400:
        assert _message(resp).startswith("Invalid input received: Unrecognized value 'x'")
    else:
        assert len(resp.json()["servers"]) == 1


@pytest.mark.parametrize(
    ("path", "count"),
    [
        ("/v2/servers?all_tenants=1&vcpus=999", 0),
        ("/v2/servers?all_tenants=1&os_type=.", 0),
        ("/v2.1/servers?all_tenants=1&vcpus=999", 1),
        ("/v2.1/servers?all_tenants=1&kernel_id=x", 0),
    ],
)
def test_an_admins_filter_on_any_column(world, path, count):
    """``_regex_instance_filter`` searches every column a filter names: on ``/v2`` an admin's
    ``vcpus`` (the flavor's, copied to the row) or ``os_type`` (NULL: never matches) reach it;
    at 2.1 only what the schema names (``kernel_id``, an empty string here)."""
    resp = world[0].request("GET", path, user="admin")
    assert resp.status == 200 and len(resp.json()["servers"]) == count


@pytest.mark.parametrize(
    ("query", "count"),
    [
        ("id=^1$", 1),  # the row's integer id (the first server's), not its uuid
        ("id=-", 0),
        ("compute_id=^1$", 1),  # its node's id (28.0.0 on)
        ("compute_id=^2$", 0),
        ("launched_on=^cmp-1$", 1),
        ("key_data=.", 0),  # booted without a key: NULL never matches
        ("hidden=", 1),  # a truth value: empty is false
        ("hidden=0", 0),  # any text is true: hidden servers only (none)
        ("cleaned=0", 0),  # the same: cleaned ones only
    ],
)
def test_an_admins_v2_filter_on_the_columns_the_api_never_names(world, query, count):
    """``instance_get_all_by_filters_sort`` (34.0.0): ``hidden`` and ``cleaned`` are popped
    as truth values, ``id``, ``compute_id``, ``launched_on``, ``key_data`` searched as
    regular expressions in the column's text (at 2.1 the schema strips them all)."""
    resp = world[0].request("GET", "/v2/servers?all_tenants=1&" + query, user="admin")
    assert resp.status == 200 and len(resp.json()["servers"]) == count


@pytest.mark.parametrize(
    ("profile", "query", "status", "count"),
    [
        ("nova-19.3.2", "hidden=0", 200, 1),  # no such column: ignored
        ("nova-20.1.0", "hidden=", 500, 0),  # 2d2cfc4aa5: text bound to the boolean column
        ("nova-20.1.1", "hidden=", 200, 1),  # 8363905a6a (001f3a7bfe): a truth value
        ("nova-27.5.1", "compute_id=^2$", 200, 1),  # no such column: ignored
        ("nova-28.0.0", "compute_id=^2$", 200, 0),  # a47fdef1bf
        # no such column to sort by: the cell's InvalidSortKey, rebuilt, leaves it out
        ("nova-27.5.1", "sort_key=compute_id", 200, 0),
        ("nova-28.0.0", "sort_key=compute_id", 200, 1),
        ("nova-19.3.2", "sort_key=hidden", 200, 0),
    ],
)
def test_the_hidden_and_compute_id_filters_by_release(profile, query, status, count):
    """The columns came in 20.0.0 and 28.0.0; 20.0.0-20.1.0 compared the query's text with
    the boolean ``hidden`` column, which the database refuses in every cell: Nova's 500."""
    env = NovaEnv(profile)
    env.boot("a")
    resp = env.request("GET", "/v2/servers?all_tenants=1&" + query, user="admin")
    assert resp.status == status
    if status == 500:
        assert resp.json()["computeFault"]["message"] == unexpected_500(profile, "TypeError")
    else:
        assert len(resp.json()["servers"]) == count


def test_launched_on_stays_with_the_host_that_built_the_server():
    """``_set_instance_host_and_node`` sets ``launched_on`` at a build's or an unshelve's
    claim; a move leaves it: after a cold migration the server is on cmp-2, ``compute_id`` 2,
    launched on cmp-1."""
    env = NovaEnv("upstream")
    sid = env.boot("a")
    assert env.request("POST", f"/v2.1/servers/{sid}/action", {"migrate": None}, "admin").status
    env.cloud.run_until_idle()
    assert env.server(sid)["OS-EXT-SRV-ATTR:host"] == "cmp-2"
    for query, count in (("launched_on=^cmp-1$", 1), ("launched_on=2", 0), ("compute_id=2", 1)):
        resp = env.request("GET", "/v2/servers?all_tenants=1&" + query, user="admin")
        assert len(resp.json()["servers"]) == count, query


@pytest.mark.parametrize(
    ("profile", "count", "zone"),
    [("nova-18.0.1", 1, "nova"), ("nova-20.6.1", 1, ""), ("nova-21.0.0", 0, "")],
)
def test_an_offloaded_server_keeps_launched_on_before_21_0_0(profile, count, zone):
    """``_nil_out_instance_obj_host_and_node`` clears ``launched_on`` from 0e67e71974
    (21.0.0) and the availability zone from 771b9eaa71 (19.0.0; 17.0.10, 18.0.2); before, a
    shelved-offloaded server (shelved_offload_time 0) keeps its host's. The unshelve's host
    gives the zone back."""
    env = NovaEnv(profile)
    sid = env.boot("a")
    assert env.action(sid, {"shelve": None}).status == 202
    env.cloud.run_until_idle()
    assert env.server(sid)["status"] == "SHELVED_OFFLOADED"
    assert env.server(sid)["OS-EXT-AZ:availability_zone"] == zone
    resp = env.request("GET", "/v2/servers?all_tenants=1&launched_on=^cmp-1$", user="admin")
    assert len(resp.json()["servers"]) == count
    assert env.action(sid, {"unshelve": None}).status == 202
    env.cloud.run_until_idle()
    assert env.server(sid)["OS-EXT-AZ:availability_zone"] == "nova"


def test_key_data_is_the_public_key_of_the_servers_key_pair():
    env = NovaEnv("upstream")
    key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAT1gK83ruUidhGETF5lkrWWgfbW7DHFfcuJm1iJGvO+ t15"
    pair = {"keypair": {"name": "k", "public_key": key}}
    assert env.request("POST", "/v2.1/os-keypairs", pair).status == 200
    server = {"name": "k", "flavorRef": "1", "imageRef": env.image.id, "key_name": "k"}
    assert env.request("POST", "/v2.1/servers", {"server": server}).status == 202
    env.boot("plain")
    resp = env.request("GET", "/v2/servers?all_tenants=1&key_data= t15$", user="admin")
    assert [s["name"] for s in resp.json()["servers"]] == ["k"]
