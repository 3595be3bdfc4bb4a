"""Nova's dict of a Cinder attachment (``_translate_attachment_ref`` of the 3.44 detail view),
which Nova's Cinder client builds in one go: the same dict as the two steps, keys in order."""

from __future__ import annotations

import copy

from fakecloud.api.microversion import Version
from fakecloud.cinder.views import ViewContext, attachment_detail
from fakecloud.nova.volume_api import _translate_attachment_ref
from tests.nova.conftest import NovaEnv


def _reference(env: NovaEnv, context, attachment) -> dict:
    vc = ViewContext(context, Version.parse("3.44"), "", "", env.cloud.cinder.timestamp)
    return _translate_attachment_ref(attachment_detail(vc, attachment))


def test_the_attachment_view_is_the_detail_view_translated(env: NovaEnv, monkeypatch):
    api = env.nova.volume_api
    built = api._attachment_view
    seen = []

    def compared(context, attachment):
        got = built(context, attachment)
        want = _reference(env, context, copy.deepcopy(attachment))
        assert list(got.items()) == list(want.items())
        assert list(got["connection_info"].items()) == list(want["connection_info"].items())
        seen.append(bool(attachment.connection_info))
        return got

    sid = env.boot()
    r = env.cloud.request(
        "volumev3", "POST", "/v3/{project_id}/volumes", body={"volume": {"size": 1}}
    )
    env.cloud.run_until_idle()
    monkeypatch.setattr(api, "_attachment_view", compared)
    body = {"volumeAttachment": {"volumeId": r.json()["volume"]["id"]}}
    assert env.request("POST", f"/v2.1/servers/{sid}/os-volume_attachments", body).status == 200
    env.cloud.run_until_idle()
    # The API reserved the volume (no connector yet); the host connects it without a view.
    assert seen == [False]
    attachment = next(iter(env.cloud.cinder.store.attachments.values()))
    assert attachment.connection_info
    context = env.cloud.cinder.store  # any object: the view does not read the context
    compared(context, attachment)  # connected: the view with its connection info
    attachment.detach_time = attachment.attach_time + 1.0
    attachment.connection_info = None
    assert list(built(context, attachment).items()) == list(
        _reference(env, context, attachment).items()
    )
    assert env.server(sid)["status"] == "ACTIVE"
