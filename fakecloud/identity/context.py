"""The caller of an API request, as every service's policy checks and ownership rules see it.

Built from a validated token by the identity layer; tests may build one directly::

    >>> ctx = RequestContext(user_id="u1", project_id="p1", roles=("member", "reader"))
    >>> ctx.is_admin
    False
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class RequestContext:
    """User, project, roles and scope of one request (oslo.context's fields, distilled).

    In slots: every request and every message in flight holds a context or two (a storm of
    100,000 createImages holds some 200,000 at its peak), and slots take 128 bytes where the
    instance's dict of values took 231."""

    user_id: str
    project_id: str | None
    roles: tuple[str, ...] = ()
    user_name: str = ""
    project_name: str = ""
    domain_id: str | None = "default"
    system_scope: str | None = None
    auth_token: str | None = None
    request_id: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False)
    user_domain_id: str = "default"
    project_domain_id: str | None = "default"

    @property
    def is_admin(self) -> bool:
        """Whether the caller holds the admin role (Nova's and Cinder's ``context.is_admin``)."""
        return "admin" in self.roles

    def to_policy_values(self) -> dict[str, Any]:
        """The credentials dict oslo.policy rules read (``role:``, ``project_id:``, ...; the
        service token's ``service_*``, empty without one)."""
        return {
            **dict.fromkeys(_SERVICE_KEYS),
            "service_roles": [],
            **(self.extra or {}),
            "user_id": self.user_id,
            "project_id": self.project_id,
            "roles": list(self.roles),
            "domain_id": self.domain_id,
            "system_scope": self.system_scope,
            "is_admin": self.is_admin,
            "is_admin_project": True,
            "user_domain_id": self.user_domain_id,
            "project_domain_id": self.project_domain_id,
        }


@dataclass(frozen=True, slots=True)
class ExplicitAdminContext(RequestContext):
    """A request context whose ``is_admin`` its service set (oslo.context's ``is_admin`` given
    at construction) rather than left to the admin role: Nova's API when an operator's
    ``context_is_admin`` rule decides otherwise than the role (``policy.check_is_admin``,
    `fakecloud.nova.context.request_context`), and ``elevated()`` of such a context. Made
    only then, so every other request keeps the plain `RequestContext`."""

    admin: bool = False

    @property
    def is_admin(self) -> bool:
        """``is_admin`` as the service set it."""
        return self.admin


def with_is_admin(ctx: Any, admin: bool) -> ExplicitAdminContext:
    """`ctx` with ``is_admin`` set to `admin` whatever its roles."""
    values = {f.name: getattr(ctx, f.name) for f in dataclasses.fields(RequestContext)}
    return ExplicitAdminContext(**values, admin=admin)


def without_is_admin(ctx: Any) -> Any:
    """`ctx` with ``is_admin`` left to its roles again (a plain `RequestContext`): what another
    service, building its own context from the token, starts from."""
    if ctx.__class__ is not ExplicitAdminContext:
        return ctx
    fields = dataclasses.fields(RequestContext)
    return RequestContext(**{f.name: getattr(ctx, f.name) for f in fields})


SERVICE_TOKEN_ROLE = "service"
"""keystonemiddleware's ``service_token_roles`` (its default): the role a service token needs
for ``allow_expired`` (and, with ``service_token_roles_required``, to be taken at all)."""

_SERVICE_KEYS = ("service_user_id", "service_project_id")


def service_identity(service: Any) -> dict[str, Any]:
    """oslo.context's ``service_*`` fields from the context of a valid service token
    (``X-Service-User-Id``, ``X-Service-Project-Id``, ``X-Service-Roles``): a request
    context's ``extra``."""
    return {
        "service_user_id": service.user_id,
        "service_project_id": service.project_id,
        "service_roles": list(service.roles),
    }


def service_roles(ctx: Any) -> list[str]:
    """The roles of the request's service token (oslo.context's ``service_roles``); none
    without one."""
    extra = getattr(ctx, "extra", None)
    return extra.get("service_roles", []) if extra else []


def sends_service_token(configured: bool | None, major: int, devstack_since: int) -> bool:
    """Whether a service sends its service token beside the caller's (``[service_user]
    send_service_user_token``): `configured` as set, or, unset (None), devstack's choice for the
    service's `major` version: on from `devstack_since` (the option's own default is off)."""
    return major >= devstack_since if configured is None else configured


def service_user(name: str) -> RequestContext:
    """The context of a service user as devstack creates one (``create_service_user NAME
    admin``): `name` in the ``service`` project with the ``service`` role and ``admin`` (and the
    roles ``admin`` implies)."""
    return RequestContext(
        user_id=name,
        project_id="service",
        roles=("admin", "member", "reader", "service"),
        user_name=name,
        project_name="service",
    )


def is_service_request(ctx: Any) -> bool:
    """Whether the request came with a service token holding a role of keystonemiddleware's
    ``service_token_roles`` (``service``): Cinder's ``API.is_service_request``, which reads the
    token's roles (``ctxt.service_roles``), never the caller's own."""
    return SERVICE_TOKEN_ROLE in service_roles(ctx)


def with_service_token(ctx: Any, service: Any) -> Any:
    """A copy of `ctx` (a user's context) as the service receiving a request sees it when the
    sender adds the token of `service` (a service user's context) as ``X-Service-Token``."""
    return replaced(ctx, "extra", service_identity(service))


def forwarded(ctx: Any, service: Any = None) -> Any:
    """What the service a service calls with `ctx`'s token sees: beside it the token of
    `service` (the caller's ``[service_user]``; `with_service_token`), or the user's token
    alone. The service token `ctx` came with, if any, stays with the caller, and so does an
    ``is_admin`` the caller's service set (the other service decides its own)."""
    if ctx.__class__ is ExplicitAdminContext:
        ctx = without_is_admin(ctx)
    if service is not None:
        return with_service_token(ctx, service)
    return replaced(ctx, "extra", {}) if ctx.extra else ctx


def replaced(ctx: Any, name: str, value: Any) -> Any:
    """A copy of the frozen dataclass `ctx` (a `RequestContext`) with field `name` set to
    `value`: what ``dataclasses.replace`` gives (the same field values, ``extra`` shared),
    without its checks and ``__init__``, which cost more than validating the token. The fields
    are set one by one in their order, as ``__init__`` sets them, so the copy keeps its values
    inline in the object (a copy of the instance dict would make a dict of its own: 527 bytes
    per context against 184, held by every request and quiesce in flight)."""
    copy = _COPIERS.get((ctx.__class__, name))
    if copy is None:
        copy = copier(ctx.__class__, name)
    return copy(ctx, value)


def copier(cls: type, name: str) -> Any:
    """The ``copy(ctx, value)`` `replaced` uses for contexts of class `cls` and field `name`,
    for a caller that copies many contexts of one class (every request's, in the token
    check) without `replaced`'s frame and lookup."""
    key = (cls, name)
    found = _COPIERS.get(key)
    if found is None:
        found = _COPIERS[key] = _copier(cls, name)
    return found


def _copier(cls: type, name: str) -> Any:
    """``copy(ctx, value)``: a new `cls` with every field of `ctx` but `name`, which is
    `value`, written out field by field (as dataclasses writes ``__init__``): every request
    copies its token's context, and straight-line code does it without a ``getattr`` call
    per field.

    A frozen class's fields can only be set through ``object.__setattr__`` (a call through
    its slot wrapper per field: about 0.7 us of a copy's 0.95). A class whose fields are all
    its own slots is instead filled as its `_draft` (the same slots, not frozen: plain slot
    stores) and then made a `cls`, which the same slot layout allows: one such call a copy."""
    names = [f.name for f in dataclasses.fields(cls)]
    if name not in names:
        raise TypeError(f"{cls.__name__} has no field {name!r}")
    draft = _draft(cls, names)
    if draft is None:
        lines = ["def copy(ctx, value):", "    new = _new(cls)"]
        for field_name in names:
            source = "value" if field_name == name else f"ctx.{field_name}"
            lines.append(f"    _set(new, {field_name!r}, {source})")
    else:
        lines = ["def copy(ctx, value):", "    new = _new(draft)"]
        for field_name in names:
            source = "value" if field_name == name else f"ctx.{field_name}"
            lines.append(f"    new.{field_name} = {source}")
        lines.append("    new.__class__ = cls")
    lines.append("    return new")
    namespace: dict[str, Any] = {
        "_new": object.__new__,
        "_set": object.__setattr__,
        "cls": cls,
        "draft": draft,
    }
    exec("\n".join(lines), namespace)  # noqa: S102 - the source is built from field names
    return namespace["copy"]


def _draft(cls: type, names: list[str]) -> type | None:
    """A class with `cls`'s slots and nothing else, whose instances may become `cls`s
    (``__class__`` assignment: same base, same slots); None unless `cls` is a direct
    subclass of ``object`` keeping exactly its fields `names` in slots."""
    slots = cls.__dict__.get("__slots__")
    if cls.__bases__ != (object,) or not isinstance(slots, tuple) or sorted(slots) != sorted(names):
        return None
    return type(f"_{cls.__name__}Draft", (), {"__slots__": slots, "__module__": cls.__module__})


#: (context class, field replaced) -> its `_copier`.
_COPIERS: dict[tuple[type, str], Any] = {}
