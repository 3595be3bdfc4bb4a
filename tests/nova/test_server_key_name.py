"""The key pair a server is created (or, from 2.54, rebuilt) with: the caller's own, looked up
by name (nova 17.0.13-34.0.0 ``compute/api.py`` ``_validate_and_build_base_options`` and
``rebuild``: ``KeyPair.get_by_name(context, context.user_id, key_name)``); a name the caller
has no key pair of is ``KeypairNotFound``, which ``servers.py`` answers 400 ``Invalid key_name
provided.`` in every release."""

from __future__ import annotations

import pytest

from tests.nova.conftest import NovaEnv
from tests.nova.test_keypairs import SSH

INVALID = {"badRequest": {"code": 400, "message": "Invalid key_name provided."}}


@pytest.fixture(params=["seed", "upstream"])
def env(request):
    env = NovaEnv(request.param)
    body = {"keypair": {"name": "k1", "public_key": SSH}}
    assert env.request("POST", "/v2.1/os-keypairs", body).status == 200
    return env


def create(env, key_name, user="demo"):
    server = {"name": "s", "imageRef": env.image.id, "flavorRef": "1", "key_name": key_name}
    resp = env.request("POST", "/v2.1/servers", {"server": server}, user=user)
    return resp.status, resp.json()


def test_create_needs_the_callers_key_pair(env):
    assert create(env, "nope") == (400, INVALID)
    # The admin is another user: demo's key pair is not theirs.
    assert create(env, "k1", user="admin") == (400, INVALID)
    assert not env.nova.db.instances  # refused before anything was stored
    status, body = create(env, "k1")
    assert status == 202
    env.cloud.run_until_idle()
    server = env.server(body["server"]["id"], user="demo")
    assert (server["key_name"], server["status"]) == ("k1", "ACTIVE")


def test_rebuild_key_name_from_2_54(env):
    sid = env.boot()
    rebuild = {"rebuild": {"imageRef": env.image.id, "key_name": "nope"}}
    resp = env.action(sid, rebuild, microversion="2.54")
    assert (resp.status, resp.json()) == (400, INVALID)
    rebuild["rebuild"]["key_name"] = "k1"
    resp = env.action(sid, rebuild, microversion="2.54")
    assert (resp.status, resp.json()["server"]["key_name"]) == (202, "k1")
    env.cloud.run_until_idle()
    rebuild["rebuild"]["key_name"] = None
    resp = env.action(sid, rebuild, microversion="2.54")
    assert (resp.status, resp.json()["server"]["key_name"]) == (202, None)
