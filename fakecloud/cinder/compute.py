"""Cinder's client of Nova (``cinder/compute/nova.py``): the external events Cinder sends,
and the question it asks before a user deletes an attachment.

After extending a volume attached to servers, cinder-volume tells Nova with
``POST /os-server-external-events`` at microversion 2.51 (``API.extend_volume``), as its
privileged user (the ``[nova]`` section's: `PRIVILEGED_USER`, devstack's ``nova``); Nova
records an ``extend_volume`` instance action under that user and the compute host grows the
guest's disk. Only the answer's codes are read: any failure is logged (a
``cinder.error`` trace event here), never raised (``_send_events``).

Cinder reaches nova-api as a deployment does, through the endpoint the catalog names; here,
through the Nova that serves the cloud's compute hosts on the bus, looked up when an event is
sent (Cinder holds no reference to Nova, so saved clouds and forks stay as they were). A
cloud without Nova drops the event, as Cinder does when Nova answers 404.

``get_server_volume`` asks, as the user (``novaclient(context)``: the caller's token swapped at
Keystone for a new one, `user_token_plugin`) at 2.89, which attachment the server's mapping of
the volume holds (``API.get_server_volume``, read by ``attachment_deletion_allowed``, from
23.0.0).

``create_volume_snapshot`` and ``delete_volume_snapshot`` are the NFS driver's assisted
snapshots (``POST /os-assisted-volume-snapshots``, ``DELETE .../{id}?delete_info=...``) as the
privileged user at novaclient's 2.1; a refusal is novaclient's exception, which the driver
lets go up (the snapshot fails).

Every request carries Cinder's own service token beside the user's or the privileged user's
(``service_auth.get_auth_plugin``, 12.0.0 on) when ``[service_user] send_service_user_token``
is on (`fakecloud.cinder.service_auth`: its ``cinder`` user's, session 43); never the service
token the request Cinder is answering came with, which stays with Cinder. The privileged
user's token is the ``nova`` user's, from the cloud's Keystone. nova-api's ``auth_token``
middleware checks both as it checks any request's (`_refused`): a refusal is its 401,
novaclient's ``Unauthorized`` (`NovaClientError` here; an event only logged).
"""

from __future__ import annotations

import json
from collections.abc import Generator
from typing import Any

from fakecloud.api.http import Request
from fakecloud.cinder import exception
from fakecloud.cinder.service_auth import UNCHECKED, invalidated, service_token, user_token
from fakecloud.identity.context import forwarded, replaced, service_user
from fakecloud.identity.exception import Error as IdentityError
from fakecloud.identity.keystoneauth import Unauthorized, status_error

#: ``API.extend_volume``'s microversion (``volume-extended`` is known from 2.51).
EXTEND_VOLUME_MICROVERSION = "2.51"
#: ``API.reimage_volume``'s (``volume-reimaged`` is known from 2.93).
REIMAGE_VOLUME_MICROVERSION = "2.93"
EVENTS_PATH = "/v2.1/os-server-external-events"
#: ``API.get_server_volume``'s microversion (the first whose view has ``attachment_id``).
SERVER_VOLUME_MICROVERSION = "2.89"
#: ``NOVA_API_VERSION`` of ``cinder/compute/nova.py``: the assisted snapshots' microversion.
NOVA_API_VERSION = "2.1"
ASSISTED_PATH = "/v2.1/os-assisted-volume-snapshots"


class NovaClientError(exception.CinderException):
    """novaclient's ``ClientException`` of a Nova refusal other than 404: no Cinder error and
    not ``safe``, so nothing in Cinder catches it and ``FaultWrapper`` answers with its
    ``code`` and WebOb's text for that status (a 403 of Nova's policy: "Access was denied to
    this resource.")."""


#: The ``[nova]`` user Cinder's ``novaclient(privileged_user=True)`` authenticates as
#: (``load_auth_from_conf_options(CONF, 'nova')``): devstack's lib/cinder fills that section
#: with Nova's own service user ("Set nova credentials (used for os-assisted-snapshots)":
#: ``configure_keystone_authtoken_middleware $CINDER_CONF nova nova``), ``nova`` in project
#: ``service``, with ``admin`` and ``service`` as every devstack service user has: Nova's
#: ``rule:admin_api`` (before 32.0.0) and ``rule:service_or_admin`` (f914cb185c, 32.0.0) for
#: os-server-external-events and os-assisted-volume-snapshots pass either way.
PRIVILEGED_USER_NAME = "nova"
#: The privileged user's context in a cloud without it in Keystone (no token).
PRIVILEGED_USER = service_user(PRIVILEGED_USER_NAME)


def privileged(kernel: Any) -> Any:
    """The context of a new token of the ``[nova]`` privileged user from the cloud's Keystone
    (`PRIVILEGED_USER` where it has no such user): real Cinder loads the section's password
    plugin for every client it makes (``novaclient(privileged_user=True)``:
    ``ks_loading.load_auth_from_conf_options``, cinder 12.0.0-27.0.0 ``compute/nova.py``), so
    each event, swap or assisted snapshot asks Keystone for a token of its own, which nova-api
    then validates."""
    token = user_token(kernel, PRIVILEGED_USER_NAME, fresh=True)
    return PRIVILEGED_USER if token is None else token.context


def as_sent(kernel: Any, context: Any, serving: Any = None) -> Any:
    """The context Nova builds from Cinder's request made with `context`'s token: a request of
    its own (no request id), with the service token `serving` Cinder sends
    (`fakecloud.cinder.service_auth.service_token`'s, asked here unless given) or none."""
    if serving is None:
        serving = service_token(kernel)
    return replaced(
        forwarded(context, serving.context if serving is not None else None), "request_id", ""
    )


def _answer(
    kernel: Any, api: Any, req: Request, context: Any, serving: Any, renew: Any = None
) -> Any:
    """Nova's answer to Cinder's request `req` made with `context`'s token and the service
    token `serving`: nova-api's ``auth_token`` middleware first (`_refused`), then the API (a
    Response, or a generator returning one). `renew`: the plugin that gave `context` asked
    for its token anew (``renew()``: the context of a new one); the ``[nova]`` privileged
    user's password plugin (`privileged`) where None.

    nova-api's 401 is keystoneauth's to handle (``Session.request``: ``invalidate(auth)``,
    keystoneauth1 3.4.0-5.18.1): novaclient's ``ServiceTokenAuthWrapper`` drops the
    ``[service_user]`` plugin's token (`invalidated`) and the caller's plugin's, which always
    holds one (the ``[nova]`` password plugin, or ``identity.Token``'s token swapped for the
    user's: `user_token_plugin`), and the request goes again, once, with new ones (Keystone's
    refusal of either raised as keystoneauth raises it)."""
    refused = _refused(kernel, api, req, context, serving)
    if refused is not None:
        invalidated(kernel, serving)
        context = privileged(kernel) if renew is None else renew()
        serving = service_token(kernel)
        again = _refused(kernel, api, req, context, serving)
        if again is not None:
            return again
    req.context = as_sent(kernel, context, serving)
    return api.dispatch(req)


def user_token_plugin(kernel: Any, context: Any) -> Any:
    """The context of the token ``novaclient(context)`` sends for the user (not the privileged
    user): ``identity.Token(auth_url, token=context.auth_token, project_name=...,
    project_domain_id=...)`` (cinder 12.0.0-27.0.0 ``compute/nova.py``), keystoneauth's generic
    token plugin, which swaps the user's token at Keystone (``POST /v3/auth/tokens``, method
    ``token``, scoped to the context's project by name) for a new one of the same user,
    project and end (Keystone's token method keeps the original's ``expires_at``), so
    nova-api's middleware validates a token it never saw. Keystone's refusal (the user's token
    revoked or expired since cinder-api took it, the user disabled) is raised as keystoneauth's
    error for its status (``exceptions.from_response``), which Cinder does not catch. `context`
    itself where the cloud has no Keystone or the context no token."""
    keystone = kernel.keystone
    token_id = getattr(context, "auth_token", None)
    if keystone is None or token_id is None:
        return context
    if context.project_name:
        project: dict[str, Any] = {
            "name": context.project_name,
            "domain": {"id": context.project_domain_id},
        }
    else:  # (a context a test built by hand: the project by id)
        project = {"id": context.project_id}
    auth = {
        "identity": {"methods": ["token"], "token": {"id": token_id}},
        "scope": {"project": project},
    }
    try:
        return keystone.authenticate(auth).context
    except IdentityError as refused:
        request_id = keystone.refusal_request_id()
        if refused.code == 401:
            raise Unauthorized(request_id=request_id) from refused
        raise status_error(
            refused.code, f"{refused} (HTTP {refused.code})", request_id
        ) from refused


def _refused(kernel: Any, api: Any, req: Request, context: Any, serving: Any) -> Any:
    """nova-api's middleware's 401 to `req` (traced as any request refused at its door), or
    None when it takes both tokens (cached, or validated with a call to Keystone) or the
    context has no token (a cloud without Keystone)."""
    # Imported here: the transport's modules import the services' (config sections' order).
    from fakecloud.transport.auth import refused_at_door, reject
    from fakecloud.transport.token_cache import door_refusal, service_of

    keystone = kernel.keystone
    token_id = getattr(context, "auth_token", None)
    if keystone is None or token_id is None:
        return None
    serving_id = serving.id if serving is not None else None
    reason, _ = door_refusal(keystone, service_of(api), token_id, serving_id, serving is UNCHECKED)
    if reason is None:
        return None
    refused_at_door(kernel, api.name, f"{req.method} {req.path}", reason)
    return reject(api, keystone)


def _nova_api(kernel: Any) -> Any:
    """The compute API of the Nova whose hosts serve on the bus, or None without one."""
    rpc = kernel.rpc
    for target in rpc.targets():
        if target.startswith("compute."):
            nova = getattr(rpc.endpoint(target), "nova", None)
            if nova is not None:
                return nova.api
    return None


def extend_volume(
    kernel: Any, actor: str, server_ids: list[str], volume_id: str
) -> Generator[Any, Any, bool]:
    """``API.extend_volume``: one ``volume-extended`` event per server (tag: the volume);
    True when Nova answered every one with a code: an event it refused (a 404 for a server it
    does not have, in a 207) is only logged by Cinder, so counted as told."""
    return _send_events(
        kernel, actor, "volume-extended", EXTEND_VOLUME_MICROVERSION, server_ids, volume_id
    )


def reimage_volume(
    kernel: Any, actor: str, server_ids: list[str], volume_id: str
) -> Generator[Any, Any, bool]:
    """``API.reimage_volume`` (Cinder 20.0.0 on): one ``volume-reimaged`` event per server at
    2.93 (tag: the volume), which ends Nova's wait in a volume-backed rebuild; True when Nova
    accepted every one."""
    return _send_events(
        kernel, actor, "volume-reimaged", REIMAGE_VOLUME_MICROVERSION, server_ids, volume_id
    )


def _send_events(
    kernel: Any, actor: str, name: str, microversion: str, server_ids: list[str], volume_id: str
) -> Generator[Any, Any, bool]:
    op = "extend_volume" if name == "volume-extended" else "reimage_volume"
    events = [{"name": name, "server_uuid": sid, "tag": volume_id} for sid in server_ids]
    api = _nova_api(kernel)
    if api is None:
        kernel.trace.emit("cinder.error", actor, volume_id, op=op, error="Nova is not deployed")
        return False
    req = Request.build(
        "POST",
        EVENTS_PATH,
        body={"events": events},
        headers={"OpenStack-API-Version": f"compute {microversion}"},
    )
    try:
        context, serving = privileged(kernel), service_token(kernel)
        resp = _answer(kernel, api, req, context, serving)  # (a retry's tokens asked too)
    except Unauthorized:  # keystoneauth's, inside _send_events' try: logged as any failure
        kernel.trace.emit(
            "cinder.error",
            actor,
            volume_id,
            op=op,
            error=f"Failed to notify nova on events: {events} (Unauthorized)",
        )
        return False
    if not hasattr(resp, "status"):
        resp = yield from resp
    # _send_events: a refusal (404 or any error) or an answer without codes fails; an event
    # Nova did not accept (400/404/422 in a 207) is only logged by Cinder.
    answered = resp.json() if resp.status in (200, 207) else None
    if answered is None or any(e.get("code") is None for e in answered.get("events", ())):
        kernel.trace.emit(
            "cinder.error",
            actor,
            volume_id,
            op=op,
            error=f"Failed to notify nova on events: {events} ({resp.status})",
        )
        return False
    return True


def get_server_volume(kernel: Any, context: Any, server_id: str, volume_id: str) -> str | None:
    """``API.get_server_volume``: the attachment id Nova's mapping of `volume_id` on
    `server_id` holds, or None when Nova answers 404 (``attachment_deletion_allowed`` catches
    novaclient's ``NotFound``: no such server, or the volume not attached) or no Nova is
    deployed; any other refusal is `NovaClientError`."""
    api = _nova_api(kernel)
    if api is None:
        return None
    sent, serving = user_token_plugin(kernel, context), service_token(kernel)
    req = Request.build(
        "GET",
        f"/v2.1/servers/{server_id}/os-volume_attachments/{volume_id}",
        headers={"OpenStack-API-Version": f"compute {SERVER_VOLUME_MICROVERSION}"},
    )
    resp = _answer(kernel, api, req, sent, serving, lambda: user_token_plugin(kernel, context))
    if resp.status == 404:
        return None
    if resp.status != 200:
        raise NovaClientError(code=resp.status)
    return resp.json()["volumeAttachment"].get("attachment_id")


#: ``update_server_volume``'s microversion: novaclient's default (``NOVA_API_VERSION``).
UPDATE_SERVER_VOLUME_MICROVERSION = "2.1"


def update_server_volume(
    kernel: Any, server_id: str, src_volid: str, new_volume_id: str
) -> Generator[Any, Any, None]:
    """``API.update_server_volume``: ask Nova, as the privileged user, to swap `src_volid`
    for `new_volume_id` on `server_id` (``PUT /servers/{id}/os-volume_attachments/{src}``);
    Nova's compute host calls ``os-migrate_volume_completion`` when it is done. Anything but
    Nova's 202 is novaclient's error (`NovaClientError`, or Nova missing: a 404)."""
    api = _nova_api(kernel)
    if api is None:
        raise NovaClientError(code=404)
    context, serving = privileged(kernel), service_token(kernel)
    req = Request.build(
        "PUT",
        f"/v2.1/servers/{server_id}/os-volume_attachments/{src_volid}",
        body={"volumeAttachment": {"volumeId": new_volume_id}},
        headers={"OpenStack-API-Version": f"compute {UPDATE_SERVER_VOLUME_MICROVERSION}"},
    )
    resp = _answer(kernel, api, req, context, serving)
    if not hasattr(resp, "status"):
        resp = yield from resp
    if resp.status != 202:
        ((_name, fault),) = (resp.json() or {"": {}}).items()
        message = fault.get("message", "") if isinstance(fault, dict) else ""
        raise NovaClientError(f"{message} (HTTP {resp.status})", code=resp.status)


def create_volume_snapshot(
    kernel: Any, volume_id: str, create_info: dict[str, Any]
) -> Generator[Any, Any, None]:
    """``API.create_volume_snapshot``: ask Nova to move the attached volume's guest onto the new
    qcow2 file (``assisted_volume_snapshots.create``); `NovaClientError` when Nova refuses."""
    body = {"snapshot": {"volume_id": volume_id, "create_info": create_info}}
    yield from _assisted(kernel, "POST", ASSISTED_PATH, body, None)


def delete_volume_snapshot(
    kernel: Any, snapshot_id: str, delete_info: dict[str, Any]
) -> Generator[Any, Any, None]:
    """``API.delete_volume_snapshot``: ask Nova to merge the snapshot's file out of the guest's
    chain (``assisted_volume_snapshots.delete``, ``delete_info`` as JSON in the query)."""
    query = {"delete_info": json.dumps(delete_info)}
    yield from _assisted(kernel, "DELETE", f"{ASSISTED_PATH}/{snapshot_id}", b"", query)


def _assisted(
    kernel: Any, method: str, path: str, body: Any, query: dict[str, str] | None
) -> Generator[Any, Any, None]:
    api = _nova_api(kernel)
    if api is None:
        raise NovaClientError("Unable to establish connection to the compute API")
    context, serving = privileged(kernel), service_token(kernel)
    req = Request.build(
        method,
        path,
        query=query,
        body=body,
        headers={"OpenStack-API-Version": f"compute {NOVA_API_VERSION}"},
    )
    resp = _answer(kernel, api, req, context, serving)
    if not hasattr(resp, "status"):
        resp = yield from resp
    if resp.status >= 400:
        fault = resp.body if isinstance(resp.body, dict) and resp.body else {"": {}}
        detail = next(iter(fault.values()))
        message = detail.get("message", "") if isinstance(detail, dict) else ""
        raise NovaClientError(f"{message} (HTTP {resp.status})")
