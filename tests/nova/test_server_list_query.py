"""``GET /servers[/detail]`` checks its whole query with Nova's schema of the microversion
before anything else (nova 17.0.7 ``query_params_v21``/``_v226``, 34.0.0 ``index_query`` to
``index_query_v275`` in ``schemas/servers.py``; ``@validation.query_schema`` runs before the
handler's policy check). Found by the session 13 fuzzing: fakecloud checked only ``name`` (and
worded its value as a list), ``limit`` and, from 2.75, the parameter names."""

import pytest

from fakecloud import Cloud


@pytest.fixture(scope="module")
def clouds():
    return {p: Cloud(seed=1, profile=p) for p in ("seed", "upstream")}


def refusal(cloud, query, microversion=None, path="/v2.1/servers", user="demo"):
    resp = cloud.request("compute", "GET", f"{path}?{query}", microversion=microversion, user=user)
    assert resp.status == 400, resp.body
    return resp.json()["badRequest"]["message"]


@pytest.mark.parametrize("profile", ["seed", "upstream"])
@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("name=(", "Invalid input for query parameters name. Value: (. '(' is not a 'regex'"),
        ("name=web&name=", "Invalid input for query parameters name. Value: . '' is not a"),
        ("ip=[", "Invalid input for query parameters ip. Value: [. '[' is not a 'regex'"),
        ("flavor=*", "Invalid input for query parameters flavor. Value: *. '*' is not a"),
        (
            "changes-since=yesterday",
            "query parameters changes-since. Value: yesterday. 'yesterday' is not a 'date-time'",
        ),
        ("sort_key=size", "query parameters sort_key. Value: size. 'size' is not one of ['acc"),
        ("limit=2&limit=-1", "query parameters limit. Value: -1. '-1' does not match"),
    ],
)
def test_every_value_is_checked_by_nova_s_schema(clouds, profile, query, message):
    assert message in refusal(clouds[profile], query, path="/v2.1/servers/detail")


def test_the_query_is_checked_before_the_policy(clouds):
    """A reader may not list all projects' servers (403), but a bad query is refused first."""
    cloud = clouds["upstream"]
    reader = cloud.request("compute", "GET", "/v2.1/servers?all_tenants=1", user="demo-reader")
    assert reader.status == 403
    message = refusal(cloud, "all_tenants=1&limit=x", user="demo-reader")
    assert message.startswith("Invalid input for query parameters limit.")


@pytest.mark.parametrize(
    ("query", "first_refused"),
    [
        ("tags=(", "2.26"),
        ("not-tags-any=)", "2.26"),
        ("changes-before=soon", "2.66"),
        ("sort_key=vcpus", "2.75"),  # an ignored key, accepted until index_query_v275
        ("no_such_filter=1", "2.75"),
    ],
)
def test_parameters_come_with_their_microversion(clouds, query, first_refused):
    cloud = clouds["upstream"]
    minor = int(first_refused.split(".")[1])
    before = cloud.request(
        "compute", "GET", f"/v2.1/servers?{query}", microversion=f"2.{minor - 1}"
    )
    assert before.status == 200
    refusal(cloud, query, microversion=first_refused)


def test_locked_is_a_sort_key_throughout_and_ignored_keys_pass_before_2_75(clouds):
    cloud = clouds["upstream"]
    for version in ("2.1", "2.73", "2.75"):
        resp = cloud.request(
            "compute", "GET", "/v2.1/servers?sort_key=locked", microversion=version
        )
        assert resp.status == 200
    assert (
        cloud.request(
            "compute", "GET", "/v2.1/servers?sort_key=deleted_at", microversion="2.74"
        ).status
        == 200
    )


@pytest.mark.parametrize(
    ("path", "microversion"),
    [
        ("/v2.1/os-keypairs", "2.35"),
        ("/v2.1/os-hypervisors/detail", "2.53"),
        ("/v2.1/os-simple-tenant-usage", "2.40"),
        ("/v2.1/images", "2.35"),
    ],
)
def test_a_limit_of_more_digits_than_python_reads_is_nova_s_400(clouds, path, microversion):
    # session 23: a ValueError's 500 (int() reads 4,300 digits at most); the schema's
    # ^[0-9]*$ lets them through, and Nova's utils.validate_integer words the refusal
    query = "limit=" + "9" * 5000
    message = refusal(clouds["upstream"], query, microversion, path=path, user="admin")
    assert message == "Invalid input received: limit must be an integer"


def test_a_changes_time_is_what_iso8601_reads_and_one_out_of_range_is_nova_s_500(clouds):
    """The ``date-time`` format is ``timeutils.parse_isotime`` (the iso8601 library: a year
    or a year and month is a time; a week date, a trailing space, an offset with seconds are
    not), and the database's ``normalize_time`` of a time whose UTC falls before year 1 raises
    OverflowError, which nothing catches (nova 17.0.13 and 34.0.0 api/validation/
    validators.py, db ``_get_query_nova_resource_by_changes_time``): fakecloud used
    ``fromisoformat`` and raised (session 32's fuzzing)."""
    cloud = clouds["upstream"].fork()
    image = cloud.request("image", "GET", "/v2/images").json()["images"][0]["id"]
    body = {"server": {"name": "s", "flavorRef": "1", "imageRef": image, "networks": "none"}}
    server = cloud.request("compute", "POST", "/v2.1/servers", body, microversion="2.37")
    for query in ("changes-since=2026", "changes-since=2026-01"):
        assert cloud.request("compute", "GET", f"/v2.1/servers?{query}").status == 200
    for value in ("2026-W01-4", "2026-01-01T00:00:00%20", "2026-01-01T00:00:00%2B00:00:30"):
        assert "is not a 'date-time'" in refusal(cloud, f"changes-since={value}")
    errors = len(cloud.trace.filter(kind="api.error"))
    early = "changes-since=0001-01-01T00:00:00%2B01:00"
    paths = ["/v2.1/servers", "/v2.1/os-migrations"]
    paths.append(f"/v2.1/servers/{server.json()['server']['id']}/os-instance-actions")
    for path in paths:
        resp = cloud.request("compute", "GET", f"{path}?{early}", microversion="2.66", user="admin")
        assert resp.status == 500, path
        assert resp.json()["computeFault"]["message"].endswith("\n<class 'OverflowError'>")
    assert len(cloud.trace.filter(kind="api.error")) == errors


@pytest.mark.parametrize(("profile", "version"), [("seed", "2.59"), ("upstream", "2.66")])
def test_the_marker_is_looked_up_before_the_changes_time_as_each_list_does(
    clouds, profile, version
):
    """The server and migration lists' multi-cell lister looks the marker up before any cell's
    query normalizes a changes time, and a limit of 0 queries no cell; ``actions_get`` returns
    nothing for a limit of 0, then normalizes, then looks the marker up (nova 17.0.13 and
    34.0.0 compute/multi_cell_list.py get_records_sorted, instance_list.py and
    migration_list.py get_marker_record, db actions_get). fakecloud answered the 500 first."""
    cloud = clouds[profile].fork()
    image = cloud.request("image", "GET", "/v2/images").json()["images"][0]["id"]
    body = {"server": {"name": "s", "flavorRef": "1", "imageRef": image, "networks": "none"}}
    server = cloud.request("compute", "POST", "/v2.1/servers", body, microversion="2.37")
    server_id = server.json()["server"]["id"]
    bogus = "ffffffff-ffff-ffff-ffff-ffffffffffff"
    early = "changes-since=0001-01-01T00:00:00%2B01:00"

    def get(path, query):
        return cloud.request(
            "compute", "GET", f"/v2.1/{path}?{early}&{query}", microversion=version, user="admin"
        )

    assert get("servers/detail", f"marker={bogus}").json() == {
        "badRequest": {"code": 400, "message": f"marker [{bogus}] not found"}
    }
    assert get("servers", f"marker={server_id}").status == 500
    assert get("servers", "limit=0").json() == {"servers": []}
    refused = get("os-migrations", f"marker={bogus}&limit=0")
    assert refused.json()["badRequest"]["message"] == f"Marker {bogus} could not be found."
    assert get("os-migrations", "limit=0").json() == {"migrations": []}
    actions = f"servers/{server_id}/os-instance-actions"
    assert get(actions, f"marker={bogus}").status == 500
    assert get(actions, f"marker={bogus}&limit=0").json() == {"instanceActions": []}
