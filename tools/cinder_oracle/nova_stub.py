"""What the cinder oracle's Cinder reaches of Keystone and Nova (run_cinder.py): a WSGI app that
answers as they do the few requests Cinder's ``cinder/compute/nova.py`` sends.

Cinder's novaclient authenticates with the caller's token (``identity.Token``, at
``[nova] token_auth_url``: ``/identity/v3``), finds ``compute`` in the catalog Keystone answers,
then asks Nova:

- ``GET /servers/{id}/os-volume_attachments/{volume_id}`` at 2.89 (``get_server_volume``, read
  by ``attachment_deletion_allowed`` before a user deletes an attachment, from 23.0.0): 200 with
  the mapping (``attachment_id``) when `NovaStub.hold` said the server holds the volume, else
  Nova's 404s;
- ``POST /os-server-external-events`` (``_send_events``: ``volume-extended`` after an extend of
  an attached volume, 2.51): each event ``completed``/200 for a server the stub knows, else
  ``failed``/404; 404 "No instances found for any event" when none is known, 207 when some.

Nothing else: any other path is a 404. Its answers are Nova 34.0.0's bodies for those cases
(``nova/api/openstack/compute/volume_attachments.py`` ``show``, ``server_external_events.py``).
Runs with no dependency but the standard library, in Cinder's venv.
"""

from __future__ import annotations

import json
import re
from typing import Any

TOKEN = "oracle-stub-token"
_ATTACHMENT = re.compile(r"^/compute/v2\.1/servers/([^/]+)/os-volume_attachments/([^/]+)$")


class NovaStub:
    """The WSGI app; `base` is the URL it is served at (no trailing slash)."""

    def __init__(self) -> None:
        self.base = ""
        #: server id -> {volume id: the attachment id Nova's mapping holds}
        self.held: dict[str, dict[str, str]] = {}
        #: every request seen: (method, path, microversion header)
        self.seen: list[tuple[str, str, str]] = []

    def hold(self, server_id: str, volume_id: str, attachment_id: str) -> None:
        """Nova now maps `volume_id` on `server_id` with `attachment_id`."""
        self.held.setdefault(server_id, {})[volume_id] = attachment_id

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")
        self.seen.append((method, path, environ.get("HTTP_OPENSTACK_API_VERSION", "")))
        size = int(environ.get("CONTENT_LENGTH") or 0)
        body = json.loads(environ["wsgi.input"].read(size) or b"null") if size else None
        status, answer, extra = self._answer(method, path.rstrip("/") or "/", body)
        data = json.dumps(answer).encode()
        headers = [("Content-Type", "application/json"), ("Content-Length", str(len(data)))]
        start_response(status, headers + extra)
        return [data]

    def _answer(self, method: str, path: str, body: Any) -> tuple[str, Any, list]:
        if method == "GET" and path == "/identity/v3":
            return "200 OK", {"version": self._version()}, []
        if method == "GET" and path == "/identity":
            return "300 Multiple Choices", {"versions": {"values": [self._version()]}}, []
        if method == "POST" and path == "/identity/v3/auth/tokens":
            return "201 Created", self._token(), [("X-Subject-Token", TOKEN)]
        m = _ATTACHMENT.match(path)
        if method == "GET" and m:
            return self._server_volume(*m.groups())
        if method == "POST" and path == "/compute/v2.1/os-server-external-events":
            return self._events(body["events"])
        return "404 Not Found", {"itemNotFound": {"code": 404, "message": "stub: " + path}}, []

    def _version(self) -> dict[str, Any]:
        return {
            "id": "v3.14",
            "status": "stable",
            "updated": "2020-04-07T00:00:00Z",
            "links": [{"rel": "self", "href": self.base + "/identity/v3/"}],
            "media-types": [
                {"base": "application/json", "type": "application/vnd.openstack.identity-v3+json"}
            ],
        }

    def _token(self) -> dict[str, Any]:
        def service(kind: str, url: str) -> dict[str, Any]:
            endpoint = {"id": kind, "interface": "public", "region": "RegionOne", "url": url}
            return {"id": kind, "type": kind, "name": kind, "endpoints": [endpoint]}

        return {
            "token": {
                "methods": ["token"],
                "expires_at": "2099-01-01T00:00:00.000000Z",
                "issued_at": "2020-01-01T00:00:00.000000Z",
                "user": {"id": "u", "name": "u", "domain": {"id": "default", "name": "Default"}},
                "catalog": [
                    service("identity", self.base + "/identity/v3"),
                    service("compute", self.base + "/compute/v2.1"),
                ],
            }
        }

    def _server_volume(self, server_id: str, volume_id: str) -> tuple[str, Any, list]:
        if server_id not in self.held:
            message = f"Instance {server_id} could not be found."
            return "404 Not Found", {"itemNotFound": {"code": 404, "message": message}}, []
        attachment_id = self.held[server_id].get(volume_id)
        if attachment_id is None:
            message = f"Instance {server_id} is not attached to volume {volume_id}"
            return "404 Not Found", {"itemNotFound": {"code": 404, "message": message}}, []
        view = {
            "device": "/dev/vdb",
            "serverId": server_id,
            "volumeId": volume_id,
            "tag": None,
            "delete_on_termination": False,
            "attachment_id": attachment_id,
            "bdm_uuid": "0" * 8 + "-0000-4000-8000-" + "0" * 12,
        }
        return "200 OK", {"volumeAttachment": view}, []

    def _events(self, events: list[dict[str, Any]]) -> tuple[str, Any, list]:
        answered = []
        for event in events:
            known = event.get("server_uuid") in self.held
            answered.append(
                {
                    **event,
                    "status": "completed" if known else "failed",
                    "code": 200 if known else 404,
                }
            )
        codes = {e["code"] for e in answered}
        if codes == {404}:
            message = "No instances found for any event"
            return "404 Not Found", {"itemNotFound": {"code": 404, "message": message}}, []
        return ("200 OK" if codes == {200} else "207 Multi-Status"), {"events": answered}, []
