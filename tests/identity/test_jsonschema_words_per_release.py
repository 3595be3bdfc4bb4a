"""Keystone's schema refusals in the words of the jsonschema its series' upper constraints pin:
keystone 25.0.0 (2024.1, jsonschema 4.19.2) says "'' is too short" and prints the failing
schema with its keys sorted; 30.0.0 (jsonschema 4.26.0) says "'' should be non-empty". Every
expected text is the keystone oracle's (tools/keystone_oracle, 25.0.0 and 30.0.0)."""

from fakecloud import Cloud


def admin(cloud, method, path, body=None):
    return cloud.request("identity", method, path, body, user="admin")


def refusal(resp):
    assert resp.status == 400
    return resp.json()["error"]["message"]


def test_keystone_25_words_min_length_and_min_properties_as_jsonschema_4_19_2():
    cloud = Cloud(profile="nova-29.2.0")  # 2024.1: keystone 25, jsonschema 4.19.2
    resp = admin(cloud, "POST", "/v3/projects", {"project": {"name": ""}})
    assert refusal(resp) == (
        "Invalid input for field 'name': '' is too short\n\n"
        "Failed validating 'minLength' in schema['properties']['name']:\n"
        "    {'maxLength': 64, 'minLength': 1, 'pattern': '[\\\\S]+', 'type': 'string'}\n\n"
        "On instance['name']:\n    ''"
    )
    project = cloud.keystone.directory.project_by_name("admin").id
    resp = admin(cloud, "PATCH", f"/v3/projects/{project}", {"project": {}})
    assert refusal(resp).startswith(
        "{} does not have enough properties\n\nFailed validating 'minProperties' in schema:\n"
        "    {'additionalProperties': True,\n     'minProperties': 1,\n"
    )
    user = cloud.keystone.directory.user_by_name("admin").id
    cred = {"credential": {"type": "x", "user_id": user, "blob": "b"}}
    cred_id = admin(cloud, "POST", "/v3/credentials", cred).json()["credential"]["id"]
    resp = admin(cloud, "PATCH", f"/v3/credentials/{cred_id}", {"credential": {}})
    assert refusal(resp) == (
        "{} does not have enough properties\n\n"
        "Failed validating 'minProperties' in schema:\n"
        "    {'additionalProperties': True,\n"
        "     'minProperties': 1,\n"
        "     'properties': {'blob': {'type': 'string'},\n"
        "                    'project_id': {'type': 'string'},\n"
        "                    'type': {'type': 'string'},\n"
        "                    'user_id': {'type': 'string'}},\n"
        "     'type': 'object'}\n\n"
        "On instance:\n    {}"
    )


def test_keystone_30_words_them_as_jsonschema_4_26_0_and_updates_a_project_with_nothing():
    cloud = Cloud(profile="upstream")  # keystone 30, jsonschema 4.26.0
    resp = admin(cloud, "POST", "/v3/projects", {"project": {"name": ""}})
    field = "Invalid input for field/attribute"
    assert refusal(resp) == f"{field} name. Value: . '' should be non-empty"
    user = cloud.keystone.directory.user_by_name("admin").id
    resp = admin(cloud, "PATCH", f"/v3/users/{user}", {"user": {}})
    assert refusal(resp) == f"{field} user. Value: {{}}. {{}} should be non-empty"
    # project_update_request_body (27.0.0 on) has no minProperties: the project as it was
    project = cloud.keystone.directory.project_by_name("admin").id
    resp = admin(cloud, "PATCH", f"/v3/projects/{project}", {"project": {}})
    assert (resp.status, resp.json()["project"]["name"]) == (200, "admin")
