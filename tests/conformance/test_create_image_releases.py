"""createImage's answers that differ by release, read in each release's Nova source (and the
libraries its upper constraints pin), one table per test: a row names the profile, the
request and the answer the real release gives; the test lists every row that differs."""

from __future__ import annotations

from fakecloud import Cloud

NO_SERVER = "7f1f4f0e-0000-4000-8000-000000000000"
EMPTY_NAME = "Invalid input for field/attribute name. Value: . "
#: jsonschema 2.6.0-4.19.2 (upper constraints to 2024.2) / 4.23.0+ (2025.1, requirements
#: b469d9059b): the schema is checked before the server is looked up, so no server is needed.
TOO_SHORT, NON_EMPTY = "'' is too short", "'' should be non-empty"

BACKUP = {"name": "", "backup_type": "daily", "rotation": 1}

SCHEMA_ROWS = [
    # (profile, path, body, message)
    ("nova-17.0.13", f"/servers/{NO_SERVER}/action", {"createImage": {"name": ""}}, TOO_SHORT),
    ("nova-29.4.0", f"/servers/{NO_SERVER}/action", {"createImage": {"name": ""}}, TOO_SHORT),
    ("nova-30.3.0", f"/servers/{NO_SERVER}/action", {"createImage": {"name": ""}}, TOO_SHORT),
    ("nova-31.0.0", f"/servers/{NO_SERVER}/action", {"createImage": {"name": ""}}, NON_EMPTY),
    ("upstream", f"/servers/{NO_SERVER}/action", {"createImage": {"name": ""}}, NON_EMPTY),
    ("nova-23.2.2", "/servers", {"server": {"name": "", "flavorRef": "1"}}, TOO_SHORT),
    ("upstream", "/servers", {"server": {"name": "", "flavorRef": "1"}}, NON_EMPTY),
    ("nova-18.3.0", f"/servers/{NO_SERVER}/action", {"createBackup": BACKUP}, TOO_SHORT),
    ("upstream", f"/servers/{NO_SERVER}/action", {"createBackup": BACKUP}, NON_EMPTY),
]


QUERY_ROWS = [
    # (profile, path, microversion): an empty limit fails non_negative_integer's minLength 1;
    # @validation.query_schema runs before the server is looked up (no server needed)
    ("nova-29.4.0", "os-volume_attachments", "2.1", TOO_SHORT),
    ("upstream", "os-volume_attachments", "2.1", NON_EMPTY),
    ("nova-25.0.0", "os-instance-actions", "2.58", TOO_SHORT),
    ("upstream", "os-instance-actions", "2.58", NON_EMPTY),
]
QUERY = "Invalid input for query parameters limit. Value: "


def test_query_error_wording_follows_the_releases_jsonschema():
    clouds: dict[str, Cloud] = {}
    wrong = []
    for profile, collection, microversion, message in QUERY_ROWS:
        cloud = clouds.get(profile) or clouds.setdefault(profile, Cloud(seed=0, profile=profile))
        path = f"/v2.1/servers/{NO_SERVER}/{collection}?limit="
        r = cloud.request("compute", "GET", path, microversion=microversion)
        want = {"badRequest": {"code": 400, "message": QUERY + ". " + message}}
        if r.status != 400 or r.json() != want:
            wrong.append((profile, collection, r.status, r.json()))
    assert wrong == []


IMAGE_QUERY_ROWS = [
    # (profile, query, status, message or image count): the image proxy's query checks
    ("nova-29.4.0", "limit=x", 400, "Invalid input received: limit must be an integer"),
    ("nova-29.4.0", "offset=-2", 400, "Invalid input received: offset must be >= 0"),
    ("nova-29.4.0", "limit=0", 200, None),
    ("nova-30.0.0", "limit=0", 400, QUERY + "0. 0 is less than the minimum of 1"),
]


def test_image_proxy_query_checks_follow_the_release():
    """41b436bff7 (30.0.0) gave GET /images a query schema; before, get_pagination_params."""
    wrong = []
    for profile, query, status, message in IMAGE_QUERY_ROWS:
        cloud = Cloud(seed=0, profile=profile)
        r = cloud.request("compute", "GET", f"/v2.1/images?{query}", microversion="2.1")
        got = r.json()["badRequest"]["message"] if r.status == 400 else None
        if r.status != status or got != message or (status == 200 and not r.json()["images"]):
            wrong.append((profile, query, r.status, r.json()))
    assert wrong == []


def test_schema_error_wording_follows_the_releases_jsonschema():
    clouds: dict[str, Cloud] = {}
    wrong = []
    for profile, path, body, message in SCHEMA_ROWS:
        cloud = clouds.get(profile) or clouds.setdefault(profile, Cloud(seed=0, profile=profile))
        r = cloud.request("compute", "POST", f"/v2.1{path}", body=body, microversion="2.1")
        want = {"badRequest": {"code": 400, "message": EMPTY_NAME + message}}
        if r.status != 400 or r.json() != want:
            wrong.append((profile, path, r.status, r.json()))
    assert wrong == []
