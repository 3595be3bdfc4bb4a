"""``Instance.save`` writes every field set since the object was loaded or saved, the value it
held too: oslo.versionedobjects' field setter adds the name to ``_changed_fields`` on each
assignment, ``save`` sends ``obj_what_changed()`` and any UPDATE of the row moves its
``updated_at`` (the model's ``TimestampMixin`` ``onupdate``; a field left unset and unchanged,
no UPDATE: ``if not updates: return``). Nova 17.0.13 and 34.0.0 ``objects/instance.py``
``save``, ``db/.../api.py`` ``instance_update_and_get_original``/``_instance_update``."""

from __future__ import annotations

from fakecloud.nova.network import NETWORK_ID
from tests.nova.conftest import NovaEnv


def test_a_save_of_values_the_server_had_moves_its_updated_time_and_changes_since():
    env = NovaEnv(profile="nova-33.0.0")  # multinic's last release (removed in 34.0.0)
    cloud = env.cloud
    server = {"name": "m", "flavorRef": "1", "imageRef": env.image.id, "networks": "auto"}
    sid = env.request("POST", "/v2.1/servers", {"server": server}, microversion="2.37").json()
    sid = sid["server"]["id"]
    cloud.run_until_idle()

    def at(t, method, path, body=None):
        cloud.run(t)
        status = env.request(method, f"/v2.1/servers/{sid}{path}", body).status
        cloud.run_until_idle()
        return status, env.server(sid)["updated"][11:]

    def listed(since):
        query = f"/v2.1/servers?changes-since=2026-01-01T{since}Z"
        return [s["id"] for s in env.request("GET", query).json()["servers"]]

    metadata = {"metadata": {"k": "v"}}
    assert at(10.3, "POST", "/metadata", metadata) == (200, "00:00:10Z")
    # the same key and value again: ``instance.metadata = ...`` is set, so written
    assert at(20.4, "POST", "/metadata", metadata) == (200, "00:00:20Z")
    assert (listed("00:00:19.9"), listed("00:00:20.1")) == ([sid], [])
    # an unlock of a server no one locked: locked = False, locked_by = None, both as they were
    assert at(30.2, "POST", "/action", {"unlock": None}) == (202, "00:00:30Z")
    # ``instance.updated_at = utcnow(); instance.save()`` (the compute's add_fixed_ip_to_instance)
    assert at(40.3, "POST", "/action", {"addFixedIp": {"networkId": NETWORK_ID}})[1] == "00:00:40Z"
