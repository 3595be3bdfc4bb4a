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

Nothing else: any other path is a 404. It answers as the Nova of the Cinder's series
(`NOVA_MAX`: Cinder 15 beside Nova 20, 16 beside 21, 29 beside 34): a microversion above that
Nova's maximum is its 406, and the attachment's view is the microversion's
(``_translate_attachment_detail_view``: ``id`` until 2.89, ``tag`` from 2.70,
``delete_on_termination`` from 2.79, ``attachment_id`` and ``bdm_uuid`` from 2.89). The events'
answer is the same in every series (``server_external_events.py`` 20.6.1 to 34.0.0). Cinder 15
and 16 ask neither here (``get_server_volume`` is 23.0.0's, bug #2004555; the extend that
would send ``volume-extended`` fails in their fixture's LVM). Runs with no dependency but the
standard library, in Cinder's venv.
"""

from __future__ import annotations

import json
import re
from typing import Any

TOKEN = "oracle-stub-token"
#: Cinder's major version -> the maximum compute microversion of its series' Nova.
NOVA_MAX = {15: (2, 79), 16: (2, 87), 29: (2, 104)}
_ATTACHMENT = re.compile(r"^/compute/v2\.1/servers/([^/]+)/os-volume_attachments/([^/]+)$")


class NovaStub:
    """The WSGI app; `base` is the URL it is served at (no trailing slash)."""

    def __init__(self, max_version: tuple[int, int] = NOVA_MAX[29]) -> None:
        self.base = ""
        self.max_version = max_version
        #: server id -> {volume id: the attachment id Nova's mapping holds}
        self.held: dict[str, dict[str, str]] = {}
        #: every request seen: (method, path, microversion header)
        self.seen: list[tuple[str, str, str]] = []

    def hold(self, server_id: str, volume_id: str, attachment_id: str) -> None:
        """Nova now maps `volume_id` on `server_id` with `attachment_id`."""
        self.held.setdefault(server_id, {})[volume_id] = attachment_id

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")
        asked = environ.get("HTTP_OPENSTACK_API_VERSION", "")
        self.seen.append((method, path, asked))
        size = int(environ.get("CONTENT_LENGTH") or 0)
        body = json.loads(environ["wsgi.input"].read(size) or b"null") if size else None
        version = _version(asked)
        if path.startswith("/compute/") and version > self.max_version:
            top = "{}.{}".format(*self.max_version)
            message = (
                f"Version {asked.split()[-1]} is not supported by the API. Minimum is 2.1 and "
                f"maximum is {top}."
            )
            status, answer, extra = "406 Not Acceptable", _fault(406, message), []
        else:
            status, answer, extra = self._answer(method, path.rstrip("/") or "/", body, version)
        data = json.dumps(answer).encode()
        headers = [("Content-Type", "application/json"), ("Content-Length", str(len(data)))]
        start_response(status, headers + extra)
        return [data]

    def _answer(
        self, method: str, path: str, body: Any, version: tuple[int, int]
    ) -> tuple[str, Any, list]:
        if method == "GET" and path == "/identity/v3":
            return "200 OK", {"version": self._version()}, []
        if method == "GET" and path == "/identity":
            return "300 Multiple Choices", {"versions": {"values": [self._version()]}}, []
        if method == "POST" and path == "/identity/v3/auth/tokens":
            return "201 Created", self._token(), [("X-Subject-Token", TOKEN)]
        m = _ATTACHMENT.match(path)
        if method == "GET" and m:
            return self._server_volume(*m.groups(), version)
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

    def _server_volume(
        self, server_id: str, volume_id: str, version: tuple[int, int]
    ) -> tuple[str, Any, list]:
        if server_id not in self.held:
            message = f"Instance {server_id} could not be found."
            return "404 Not Found", {"itemNotFound": {"code": 404, "message": message}}, []
        attachment_id = self.held[server_id].get(volume_id)
        if attachment_id is None:
            message = f"Instance {server_id} is not attached to volume {volume_id}"
            return "404 Not Found", {"itemNotFound": {"code": 404, "message": message}}, []
        view: dict[str, Any] = {} if version >= (2, 89) else {"id": volume_id}
        view.update(volumeId=volume_id, serverId=server_id, device="/dev/vdb")
        if version >= (2, 70):
            view["tag"] = None
        if version >= (2, 79):
            view["delete_on_termination"] = False
        if version >= (2, 89):
            view["attachment_id"] = attachment_id
            view["bdm_uuid"] = "0" * 8 + "-0000-4000-8000-" + "0" * 12
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


def _version(header: str) -> tuple[int, int]:
    """The compute microversion an ``OpenStack-API-Version`` value asks (2.1 without one)."""
    words = header.split()
    if len(words) != 2 or words[0] != "compute":
        return (2, 1)
    major, _, minor = words[1].partition(".")
    return (int(major), int(minor or 0))


def _fault(code: int, message: str) -> dict[str, Any]:
    """Nova's fault body for a status its fault names do not list."""
    return {"computeFault": {"code": code, "message": message}}
