"""The robustness digest (`fuzzing.digest`) sees every field of a server a request can change:
a refused request that renamed a server, or changed its metadata or tags, must fail `check`.
Each change here is made by a request that succeeds, and must move the servers' table alone."""

import json

from fuzzing import changed_tables, digest, send, tokens

CHANGES = (
    ("PUT", "/v2.1/servers/{id}/metadata/colour", {"meta": {"colour": "blue"}}),
    ("PUT", "/v2.1/servers/{id}", {"server": {"name": "renamed"}}),
    ("PUT", "/v2.1/servers/{id}/tags/fuzzed", None),
)


def test_server_name_metadata_and_tags_move_the_digest(worlds):
    world = worlds("upstream")
    cloud = world.fork()
    headers = {
        "X-Auth-Token": tokens(cloud)["demo"],
        "Content-Type": "application/json",
        "OpenStack-API-Version": "compute 2.26",
    }
    before = digest(cloud)
    for method, template, body in CHANGES:
        path = template.format(id=world.ids["server_id"])
        raw = b"" if body is None else json.dumps(body).encode()
        answer = send(cloud, "compute", method, path, headers=headers, body=raw)
        assert answer.status in (200, 201, 204), (path, answer.status, answer.body)
        after = digest(cloud)
        moved = {entry.split("=")[0] for entry in changed_tables(before, after)}
        assert moved == {"nova.instances"}, path
        before = after
