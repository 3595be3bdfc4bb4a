"""Cinder's ``get_server_volume`` (``attachment_deletion_allowed``, bug #2004555) asks Nova with
``novaclient(context)``: keystoneauth's ``identity.Token`` plugin, which swaps the user's token
at Keystone for a new one (``POST /v3/auth/tokens``, method ``token``; cinder 27.0.0
``compute/nova.py``), sends that, and after nova-api's 401 swaps it again and sends the
request once more. fakecloud sent the user's own token and swapped nothing."""

from __future__ import annotations

from tests.nova.conftest import NovaEnv
from tests.nova.test_volume_attach_detach import _attach, _cinder, _volume
from tests.tokens import revoke


def _attached(env: NovaEnv) -> tuple[str, str, str]:
    sid = env.boot("vm")
    vid = _volume(env)
    assert _attach(env, sid, {"volumeId": vid}).status == 200
    env.cloud.run_until_idle()
    (aid,) = [a["attachment_id"] for a in _cinder(env, vid)["attachments"]]
    return sid, vid, aid


def _delete(env: NovaEnv, aid: str):
    path = f"/v3/{{project_id}}/attachments/{aid}"
    return env.cloud.request("volumev3", "DELETE", path, microversion="3.44")


def _swaps_and_answers(env: NovaEnv, sid: str, vid: str, aid: str) -> tuple[list, list, list]:
    """A user's delete of the attachment Nova holds (409), and what it made: the tokens Keystone
    issued the user, nova-api's answers to Cinder's question, the tokens nova-api validated."""
    cloud = env.cloud
    start = len(cloud.trace)
    assert _delete(env, aid).status == 409  # Nova holds it: the user's delete refused
    events = list(cloud.trace)[start:]
    asked = f"GET /v2.1/servers/{sid}/os-volume_attachments/{vid}"
    return (
        [e for e in events if e["kind"] == "identity.token_issued" and e["subject"] == "demo"],
        [e["status"] for e in events if e["kind"] == "api.response" and e["subject"] == asked],
        [
            e
            for e in events
            if e["kind"] == "http.request"
            and e.get("call") == "validate_token"
            and e["actor"] == "nova-api"
        ],
    )


def test_cinder_swaps_the_users_token_before_asking_nova_and_again_after_its_401():
    env = NovaEnv("upstream")
    sid, vid, aid = _attached(env)
    cloud = env.cloud
    # the first question: one swap, a token new to nova-api, validated (Cinder's service
    # token with it: cinder-api's plugin asks Keystone for its first)
    swapped, answers, validated = _swaps_and_answers(env, sid, vid, aid)
    assert [e["scope"] for e in swapped] == ["project:demo"] and answers == [200]
    assert len(validated) == 2
    # cinder-api's service token revoked, out of nova-api's cache: nova-api's 401, then
    # keystoneauth drops both plugins' tokens and sends the question again with new ones
    cloud.run(until=cloud.kernel.now + 301)
    held = cloud.keystone.held_token("cinder")
    revoke(cloud, held.id)
    swapped, answers, _ = _swaps_and_answers(env, sid, vid, aid)
    assert len(swapped) == 2 and answers == [401, 200]
    assert cloud.keystone.held_token("cinder") not in (None, held)


def test_keystone_refusing_the_swap_is_cinders_500():
    """The user's token revoked after cinder-api's middleware cached it: cinder-api takes the
    request, Keystone refuses the swap (404, keystoneauth's ``NotFound``), which nothing in
    Cinder catches: its 500, the attachment left as it was."""
    env = NovaEnv("upstream")
    _sid, vid, aid = _attached(env)
    cloud = env.cloud
    assert _cinder(env, vid)["status"] == "in-use"  # cinder-api caches the user's token
    ctx = cloud.context("demo")
    revoke(cloud, ctx.auth_token)
    r = cloud.request(
        "volumev3",
        "DELETE",
        f"/v3/{ctx.project_id}/attachments/{aid}",
        user=None,
        headers={"X-Auth-Token": ctx.auth_token, "OpenStack-API-Version": "volume 3.44"},
    )
    assert r.status == 500  # (fakecloud sent the revoked token on, which nova-api had cached: 409)
    assert [a["attachment_id"] for a in _cinder(env, vid)["attachments"]] == [aid]
    assert [a["attachment_id"] for a in _cinder(env, vid)["attachments"]] == [aid]
