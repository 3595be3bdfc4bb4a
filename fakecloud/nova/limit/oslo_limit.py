"""oslo.limit's ``Enforcer`` with Keystone's ``flat`` model (``oslo_limit/limit.py``, 1.5.1 to
2.12.0, the pins of Nova 25.0.0-34.0.0's series), reading the limits of the cloud's Keystone
(`fakecloud.identity.limits_store`) as its ``openstack.identity`` connection lists them.

The endpoint is ``[oslo_limit] endpoint_id`` (``nova.oslo_limit_endpoint_id``; empty: the
catalog's public compute endpoint, which a deployment names there; one naming no endpoint the
SDK's 404 before oslo.limit 2.6.0, its ``ValueError`` after), or from Nova 31.0.0 (oslo.limit
2.6.1) with no id and ``endpoint_service_type`` or ``_name`` set, the one endpoint of the
service, region and interface named (2.6.1 and 2.8.0: a ``TypeError`` whatever they name;
2.10.0 on: ``ValueError`` for none or several, `endpoint`); its service and region filter
every lookup, so only a registered limit of that service *and* that region counts (one
made without ``region_id`` is no limit here, as Keystone's list filter ``region_id=`` finds
none). A resource's limit is the project's own limit, else the registered limit's default,
else 0 (``_LimitNotFound``: "do not allow any use of a resource type that does not have a
registered limit"); with no project (Nova's local limits) the registered limit alone. A
resource is over when its usage plus its delta exceeds the limit, checked in name order; a
limit of -1 is over as any other number until oslo.limit 2.12.0 (the 2026.2 pin, Nova 34.0.0)
skips negative limits ("Keystone unified limits use -1 to represent unlimited").

Making an `Enforcer` consults fault point ``nova.oslo_limit`` (its first call to Keystone):
Keystone unreachable is keystoneauth's `ConnectFailure`, an error answer `ModelNotInAnswer`;
neither is caught by oslo.limit or Nova (oslo.limit 2.4.0-2.12.0 driven against a closed port
and a Keystone answering 500, session 37; 1.5.1 calls the same), so each is Nova's 500
(`NovasOwn500`). Error `SessionInitError`: the session's own token request refused (a 401;
oslo.limit 2.12.0 driven against a Keystone refusing ``POST /v3/auth/tokens``, session 38),
which Nova's local limits alone catch (`LocalKeystoneFailure`).

The session itself (`authenticate`): oslo.limit makes it once per Nova process
(``_get_keystone_connection``'s module-level ``_SDK_CONNECTION``, oslo.limit 1.5.1-2.12.0) and
keystoneauth asks Keystone for a token on its first call and again whenever the one it holds
expires within 120 s (``BaseIdentityPlugin.MIN_TOKEN_LIFE_SECONDS``, ``_needs_reauthenticate``;
the token lives ``identity.token_ttl_s``). Each such request consults fault point
``nova.oslo_limit.token``, whose statuses are keystoneauth's ``from_response`` classes
(`fakecloud.identity.keystoneauth`): only the first request's ``Unauthorized`` is wrapped, as
`SessionInitError` (the ``try`` around the connection's making); a renewal's 401, and any 500
or 503, leave oslo.limit as keystoneauth raised them, and no Nova caller catches them: Nova's
500 naming ``keystoneauth1.exceptions.http.<Class>``, nothing stored. A renewal that Keystone
answers is nothing a user sees.

A token Keystone no longer takes (revoked: its user's password changed, the user disabled, an
admin's ``DELETE /v3/auth/tokens``) is a 401 at `FAULT_POINT`, which keystoneauth does not pass
on: ``Session.request`` invalidates the token, asks a new one (`reauthenticate`, a renewal)
and sends the request again, once (keystoneauth1 5.12.0 ``session.py``, the same since 1.x;
openstacksdk's proxy asks with ``raise_exc=False``, 0.61.0 to 4.x). So Nova answers as if
nothing had happened; the new token refused (a 401 too where the user's password changed) is
keystoneauth's ``Unauthorized``, Nova's 500, and the request sent again answered 401 once more
is read as the model, ``KeyError`` (oslo.limit 1.5.1 and 2.12.0 ``_get_enforcement_model``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from fakecloud.identity.catalog import cloud_catalog
from fakecloud.identity.keystoneauth import Unauthorized
from fakecloud.identity.limits_store import Tables, held
from fakecloud.identity.tokens import MIN_TOKEN_LIFE_S
from fakecloud.nova.exception import KeystoneConnectionFailed, NovasOwn500

#: ``usage_callback(project_id, resource_names)``: each resource's usage.
UsageCallback = Callable[[str | None, list[str]], dict[str, int]]

#: The first Nova whose series pins an oslo.limit that skips a negative limit (2.12.0).
NEGATIVE_UNLIMITED_SINCE = 34


class OverLimitInfo:
    """``oslo_limit.exception.OverLimitInfo``: one resource over its limit."""

    def __init__(self, resource_name: str, limit: int, current_usage: int, delta: int):
        self.resource_name = resource_name
        self.limit = int(limit)
        self.current_usage = int(current_usage)
        self.delta = int(delta)

    def __str__(self) -> str:
        return (
            f"Resource {self.resource_name} is over limit of {self.limit} due to current "
            f"usage {self.current_usage} and delta {self.delta}"
        )

    __repr__ = __str__


class ProjectOverLimit(Exception):
    """``oslo_limit.exception.ProjectOverLimit``: "Project X is over a limit for [...]" (the
    list of `OverLimitInfo` as Python prints it)."""

    def __init__(self, project_id: str | None, over_limit_info_list: list[OverLimitInfo]):
        self.project_id = project_id
        self.over_limit_info_list = over_limit_info_list
        super().__init__(f"Project {project_id} is over a limit for {over_limit_info_list}")


class EndpointNotFound(NovasOwn500, ValueError):
    """``[oslo_limit] endpoint_id`` names no endpoint of the catalog (``_get_endpoint_by_id``'s
    "Can't find endpoint for X"): Nova's unexpected error, a 500."""

    real_class_path = "ValueError"


class SdkResourceNotFound(EndpointNotFound):
    """Before oslo.limit 2.6.0 (Nova 25.0.0-30.x) ``get_endpoint`` of an unknown endpoint id
    raises the SDK's own 404, which nothing catches: ``ResourceNotFound`` in openstacksdk
    0.62.0-3.0.0 (Nova 25.0.0-29.x's pins)."""

    real_class_path = "openstack.exceptions.ResourceNotFound"


class SdkNotFoundException(EndpointNotFound):
    """`SdkResourceNotFound` as openstacksdk 4.0.1 (Nova 30.x's pin) names its class."""

    real_class_path = "openstack.exceptions.NotFoundException"


#: The first Nova whose oslo.limit (2.6.1) wraps an unknown endpoint id's 404 in its
#: ``ValueError`` and looks the endpoint up by its service when no
#: endpoint id is set (``[oslo_limit] endpoint_service_type``/``_name``).
SERVICE_LOOKUP_SINCE = 31
#: The one Nova before `SERVICE_LOOKUP_SINCE` whose openstacksdk (4.0.1) names its 404
#: ``NotFoundException``.
SDK_NOT_FOUND_EXCEPTION_IN = 30
#: The first Nova whose oslo.limit (2.10.0) lists what it looks up: 2.6.0-2.8.0 take
#: ``len()`` of the SDK's generator of services, a ``TypeError`` whatever the catalog holds.
SERVICE_LOOKUP_WORKS_SINCE = 33


class ServiceLookupTypeError(NovasOwn500, TypeError):
    """oslo.limit 2.6.0-2.8.0's ``len(services)`` of a generator: Nova's 500."""

    real_class_path = "TypeError"


#: Where Nova's oslo.limit first calls Keystone as an `Enforcer` is made.
FAULT_POINT = "nova.oslo_limit"


class ConnectFailure(NovasOwn500, Exception):
    """keystoneauth's ``ConnectFailure``: Keystone cannot be reached. oslo.limit catches only
    its session's loading errors (``SessionInitError``, which Nova's local limits turn into
    ``KeystoneConnectionFailed``), so this one reaches Nova's API: its 500."""

    real_class_path = "keystoneauth1.exceptions.connection.ConnectFailure"

    def __init__(self, message: str | None = None):
        super().__init__(message or "Unable to establish connection to Keystone")


class SessionInitError(NovasOwn500, Exception):
    """``oslo_limit.exception.SessionInitError``: the token request of oslo.limit's session
    (``_get_keystone_connection``, ``[oslo_limit]``'s user) refused, keystoneauth's
    ``Unauthorized`` (Keystone's 401), which oslo.limit 1.5.1-2.12.0 catch and wrap (with its
    plugin and discovery errors). Nova's local limits turn it into `LocalKeystoneFailure`; the
    other callers let it through: Nova's 500."""

    real_class_path = "oslo_limit.exception.SessionInitError"

    def __init__(self, message: str | None = None):
        reason = message or "The request you have made requires authentication. (HTTP 401)"
        super().__init__(f"Can't initialise OpenStackSDK session: {reason}.")


class LocalKeystoneFailure(NovasOwn500, KeystoneConnectionFailed):
    """``local.py``'s ``KeystoneConnectionFailed`` for a `SessionInitError`: "Failed to connect
    to keystone while enforcing X quota limit." (no API handler: Nova's 500)."""

    real_class_path = "nova.exception.KeystoneConnectionFailed"


class ModelNotInAnswer(NovasOwn500, KeyError):
    """Keystone answered ``GET /v3/limits/model`` with an error status: the SDK's proxy does not
    raise on a status, and ``_get_enforcement_model`` reads ``.json()['model']`` of the
    error's body, a ``KeyError: 'model'`` (Nova's 500)."""

    real_class_path = "KeyError"

    def __init__(self, status: int = 500, message: str | None = None):
        super().__init__("model")
        self.status = status


#: Where oslo.limit's session asks Keystone for its token (`authenticate`).
TOKEN_FAULT_POINT = "nova.oslo_limit.token"


def authenticate(nova: Any) -> None:
    """``_get_keystone_connection`` and keystoneauth's ``get_access``: the session's token
    request when it holds none or one expiring within `MIN_TOKEN_LIFE_S` (fault point
    `TOKEN_FAULT_POINT`, attribute ``renewal``); its first refusal is `SessionInitError`."""
    issued = nova.oslo_limit_token_at
    now = nova.kernel.now
    if issued is not None:
        expires = issued + nova.kernel.config.identity.token_ttl_s
        if now + MIN_TOKEN_LIFE_S <= expires:  # keystoneauth renews when expires < now + 120
            return
    try:
        nova.kernel.faults.check(TOKEN_FAULT_POINT, renewal=issued is not None)
    except Unauthorized as e:
        if issued is None:
            raise SessionInitError(str(e)) from None
        raise
    nova.oslo_limit_token_at = now


def reauthenticate(nova: Any) -> None:
    """keystoneauth's ``Session.request`` after a 401 with a token: ``invalidate()`` drops the
    token and ``get_auth_headers`` asks a new one at once (fault point `TOKEN_FAULT_POINT`,
    ``renewal`` true: the session was made long ago, so its refusal is keystoneauth's
    ``Unauthorized``, not `SessionInitError`)."""
    nova.kernel.faults.check(TOKEN_FAULT_POINT, renewal=True)
    nova.oslo_limit_token_at = nova.kernel.now


def keystone_status_error(status: int, message: str | None) -> BaseException:
    """The error a Keystone answer of `status` at `FAULT_POINT` gives (`ModelNotInAnswer`)."""
    return ModelNotInAnswer(status, message)


def endpoint(nova: Any) -> dict[str, Any]:
    """The catalog's endpoint Nova's limits belong to (``_EnforcerUtils._get_endpoint``)."""
    catalog = cloud_catalog(nova.kernel)
    records = catalog.endpoint_records()
    config = nova.config
    endpoint_id = config.oslo_limit_endpoint_id
    if endpoint_id:
        for record in records:
            if record["id"] == endpoint_id:
                return record
        series = nova.kernel.switches.series.nova
        if series < SERVICE_LOOKUP_SINCE:
            sdk_404 = SdkNotFoundException if series == SDK_NOT_FOUND_EXCEPTION_IN else None
            raise (sdk_404 or SdkResourceNotFound)(f"No Endpoint found for {endpoint_id}")
        raise EndpointNotFound(f"Can't find endpoint for {endpoint_id}")
    series = nova.kernel.switches.series.nova
    if looks_up_service(nova):
        if series < SERVICE_LOOKUP_WORKS_SINCE:
            raise ServiceLookupTypeError("object of type 'generator' has no len()")
        return _looked_up(catalog, config)
    compute = {s["id"] for s in catalog.service_records() if s["type"] == "compute"}
    for record in records:
        if record["service_id"] in compute and record["interface"] == "public":
            return record
    raise EndpointNotFound("Can't find endpoint for the compute service")


def looks_up_service(nova: Any) -> bool:
    """Whether the endpoint is looked up by its service (``_get_endpoint_by_service_lookup``):
    Nova 31.0.0 on, no ``endpoint_id``, ``endpoint_service_type`` or ``_name`` set."""
    config = nova.config
    return (
        not config.oslo_limit_endpoint_id
        and nova.kernel.switches.series.nova >= SERVICE_LOOKUP_SINCE
        and bool(config.oslo_limit_endpoint_service_type or config.oslo_limit_endpoint_service_name)
    )


def _looked_up(catalog: Any, config: Any) -> dict[str, Any]:
    """``_get_endpoint_by_service_lookup`` (oslo.limit 2.9.0 on): the one service of the
    type and name (those set), the region named (``get_region``), the one endpoint of that
    service, region (any, none named) and interface; each miss or tie its ``ValueError``."""
    kind, name = config.oslo_limit_endpoint_service_type, config.oslo_limit_endpoint_service_name
    services = [
        s
        for s in catalog.service_records()
        if (not kind or s["type"] == kind) and (not name or s.get("name") == name)
    ]
    if len(services) > 1:
        raise EndpointNotFound("Multiple services found")
    if not services:
        raise EndpointNotFound("Service not found")
    region = config.oslo_limit_endpoint_region_name or None
    if region is not None and region not in {r["id"] for r in catalog.region_records()}:
        raise EndpointNotFound("Region not found")
    interface = config.oslo_limit_endpoint_interface
    interface = interface[:-3] if interface.endswith("URL") else interface
    found = [
        e
        for e in catalog.endpoint_records()
        if e["service_id"] == services[0]["id"]
        and (region is None or e["region_id"] == region)
        and e["interface"] == interface
    ]
    if len(found) > 1:
        raise EndpointNotFound("Multiple endpoints found")
    if not found:
        raise EndpointNotFound("Endpoint not found")
    return found[0]


class Enforcer:
    """``oslo_limit.limit.Enforcer`` (flat model) for Nova: `usage_callback(project_id,
    resource_names)` gives the current usage of each resource checked."""

    service_id: str
    region_id: str | None
    _tables: Tables

    def __init__(self, nova: Any, usage_callback: UsageCallback):
        authenticate(nova)  # the session, made on first use, and its token
        # ``Enforcer.__init__``' first call to Keystone, ``_get_enforcement_model``
        try:
            nova.kernel.faults.check(FAULT_POINT)
        except ModelNotInAnswer as refused:
            if refused.status != 401:
                raise
            # keystoneauth's ``Session.request``: a 401 invalidates the token the session
            # holds (revoked), a new one is asked and the request sent again, once
            reauthenticate(nova)
            nova.kernel.faults.check(FAULT_POINT)
        self._usage_callback = usage_callback
        self._negative_unlimited = nova.kernel.switches.series.nova >= NEGATIVE_UNLIMITED_SINCE
        found = endpoint(nova)
        self.service_id = found["service_id"]
        self.region_id = found["region_id"]
        self._tables = held(getattr(nova.kernel, "written_directory", None)) or Tables()

    def registered_limits(self) -> list[Any]:
        """Every registered limit of the endpoint's service and region (``connection
        .registered_limits(service_id=..., region_id=...)``)."""
        return [
            reg
            for reg in self._tables.registered.values()
            if reg.service_id == self.service_id and reg.region_id == self.region_id
        ]

    def service_registered_limits(self, region_id: str | None) -> list[Any]:
        """Every registered limit of the endpoint's service in `region_id`, or in any region
        (none too) for None: the SDK drops a ``region_id=None`` filter from its query."""
        return [
            reg
            for reg in self._tables.registered.values()
            if reg.service_id == self.service_id and region_id in (None, reg.region_id)
        ]

    def _registered(self, resource_name: str) -> Any:
        for reg in self.registered_limits():
            if reg.resource_name == resource_name:
                return reg
        return None

    def _project_limit(self, project_id: str, resource_name: str) -> int | None:
        reg = self._registered(resource_name)
        if reg is None:
            return None
        for lim in self._tables.limits.values():
            if lim.registered_limit_id == reg.id and lim.project_id == project_id:
                return lim.resource_limit
        return None

    def _get_limit(self, project_id: str | None, resource_name: str) -> int:
        """The project's limit, else the registered default, else 0 (``_LimitNotFound``)."""
        if project_id is not None:
            own = self._project_limit(project_id, resource_name)
            if own is not None:
                return own
        reg = self._registered(resource_name)
        return 0 if reg is None else reg.default_limit

    def get_registered_limits(self, resource_names: Iterable[str]) -> list[tuple[str, int]]:
        """(name, default) of each resource, 0 for one without a registered limit."""
        out = []
        for name in resource_names:
            reg = self._registered(name)
            out.append((name, 0 if reg is None else reg.default_limit))
        return out

    def get_project_limits(
        self, project_id: str | None, resource_names: Iterable[str]
    ) -> list[tuple[str, int]]:
        """(name, limit) of each resource for `project_id` (`_get_limit`)."""
        return [(name, self._get_limit(project_id, name)) for name in resource_names]

    def enforce(self, project_id: str | None, deltas: dict[str, int]) -> None:
        """``ProjectOverLimit`` when a resource's usage plus its delta is over its limit."""
        names = sorted(deltas)
        limits = self.get_project_limits(project_id, names)
        usage = self._usage_callback(project_id, names)
        over = []
        for name, limit in limits:
            if limit < 0 and self._negative_unlimited:
                continue
            current, delta = int(usage[name]), int(deltas[name])
            if current + delta > limit:
                over.append(OverLimitInfo(name, limit, current, delta))
        if over:
            raise ProjectOverLimit(project_id, over)


def limits_reader(nova: Any) -> Enforcer:
    """``limit.Enforcer(lambda: None)``: an enforcer Nova makes only to read limits."""
    return Enforcer(nova, _no_usage)


def _no_usage(project_id: str | None, resource_names: list[str]) -> dict[str, int]:
    raise NotImplementedError("this enforcer reads limits only")
