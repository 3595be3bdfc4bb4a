"""Personality (injected) files of a server create or rebuild before 2.57: their schema and the
``injected_files``, ``injected_file_path_bytes`` and ``injected_file_content_bytes`` quotas
(nova 17.0.13 and 34.0.0 ``compute/api.py`` ``_check_injected_file_quota``, called from
``_checks_for_create_and_rebuild``; ``helpers.get_injected_files``; ``parameter_types.
personality``). Tempest's ``ServerPersonalityTestJSON.test_personality_files_exceed_limit``
found fakecloud booting a server with one file over the quota."""

from __future__ import annotations

import base64

import pytest

from tests.nova.conftest import NovaEnv, unexpected_500

HELLO = base64.b64encode(b"This is a test file.").decode()


def _files(count: int, path: str = "/etc/test{}.txt", contents: str = HELLO) -> list[dict]:
    return [{"path": path.format(i), "contents": contents} for i in range(count)]


def _create(env: NovaEnv, personality, microversion: str = "2.1"):
    server = {"name": "p", "imageRef": env.image.id, "flavorRef": "1"}
    server["personality"] = personality
    if microversion != "2.1":
        server["networks"] = "none"  # required from 2.37
    return env.request("POST", "/v2.1/servers", {"server": server}, microversion=microversion)


def _message(resp, status: int) -> str:
    assert resp.status == status, resp.json()
    return next(iter(resp.json().values()))["message"]


def _servers(env: NovaEnv) -> int:
    return len(env.request("GET", "/v2.1/servers").json()["servers"])


@pytest.mark.parametrize("profile", ["seed", "upstream"])
def test_a_create_over_the_personality_quotas_is_403_and_boots_nothing(profile: str):
    env = NovaEnv(profile)
    limits = env.request("GET", "/v2.1/limits").json()["limits"]["absolute"]
    assert (limits["maxPersonality"], limits["maxPersonalitySize"]) == (5, 10240)
    refusals = [
        (_files(6), "Personality file limit exceeded"),
        (_files(1, path="/" + "p" * 255), "Personality file path exceeds maximum 255"),
        (_files(1, contents="QUJD" * 2561), "Personality file content exceeds maximum 10240"),
        # both over: the path is named
        (_files(1, "/" + "p" * 255, "QUJD" * 2561), "Personality file path exceeds maximum 255"),
    ]
    for personality, message in refusals:
        assert _message(_create(env, personality), 403) == message
    assert _servers(env) == 0
    # at the limits: 5 files, a 255-byte path, 10240 bytes of base64
    at_limits = _files(4) + _files(1, "/" + "p" * 254, "QUJD" * 2560)
    assert _create(env, at_limits).status == 202
    assert _create(env, [], "2.56").status == 202
    assert _servers(env) == 2


def test_the_schema_wants_base64_and_2_57_has_no_personality(env: NovaEnv):
    assert "is not a 'base64'" in _message(_create(env, _files(1, contents="not base64!")), 400)
    assert "Additional properties" in _message(_create(env, _files(1), "2.57"), 400)
    assert "Additional properties" in _message(_create(env, [{**_files(1)[0], "x": 1}]), 400)
    # neither key is required, and ``get_injected_files`` reads both: Nova's KeyError 500
    missing = _create(env, [{"path": "/etc/x"}])
    assert _message(missing, 500) == unexpected_500("upstream", "KeyError")
    assert _servers(env) == 0


def test_a_rebuild_and_a_lowered_quota_are_held_to_the_same_limits(seed_env: NovaEnv):
    env = seed_env
    sid = env.boot()
    rebuild = {"rebuild": {"imageRef": env.image.id, "personality": _files(6)}}
    assert _message(env.action(sid, rebuild), 403) == "Personality file limit exceeded"
    assert env.server(sid)["status"] == "ACTIVE"
    project = env.cloud.keystone.token_for("demo").context.project_id
    quota = {"quota_set": {"injected_files": 1, "injected_file_content_bytes": 8}}
    assert env.request("PUT", f"/v2.1/os-quota-sets/{project}", quota, user="admin").status == 200
    assert _message(_create(env, _files(2)), 403) == "Personality file limit exceeded"
    assert _message(_create(env, _files(1)), 403) == ("Personality file content exceeds maximum 8")
    rebuild["rebuild"]["personality"] = _files(1, contents="aGk=")
    assert env.action(sid, rebuild).status == 202
