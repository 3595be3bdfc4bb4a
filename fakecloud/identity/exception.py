"""Keystone's own errors (``keystone/exception.py``, distilled): code, title and message.

Security errors keep Keystone's generic wording (it hides why authentication failed unless
``insecure_debug`` is on); the reason goes to the trace instead, where a fakecloud user can read
it. `fakecloud.identity.api` maps these to Keystone's error body in one place.
"""

from __future__ import annotations


class Error(Exception):
    """Base of Keystone's errors: an HTTP code, its title, and a message."""

    code = 500
    title = "Internal Server Error"
    message_format = "An unexpected error prevented the server from fulfilling your request."

    def __init__(self, message: str | None = None, **kwargs: object):
        self.kwargs = kwargs
        super().__init__(message or self.message_format % kwargs)


class ValidationError(Error):
    """A malformed request (400)."""

    code = 400
    title = "Bad Request"
    message_format = (
        "Expecting to find %(attribute)s in %(target)s. The server could not comply with the "
        "request since it is either malformed or otherwise incorrect. The client is assumed to "
        "be in error."
    )


class MissingArgument(ValidationError):
    """13.x-14.x's wsgi route calling `method` without the body's `name` (every key of the body
    is an argument): Python 3's ``TypeError``, which wsgi renders as a 400."""

    message_format = "%(method)s() missing 1 required positional argument: '%(name)s'"


class SchemaValidationError(ValidationError):
    """A request body that does not match the API's schema (400)."""

    message_format = "%(detail)s"


class Unauthorized(Error):
    """Authentication failed or is missing (401); the reason is kept out of the message."""

    code = 401
    title = "Unauthorized"
    message_format = "The request you have made requires authentication."

    def __init__(self, reason: str = "") -> None:
        super().__init__()
        self.reason = reason


class AuthMethodNotSupported(Unauthorized):
    """An auth method other than ``password`` or ``token``."""

    message_format = "Attempted to authenticate with an unsupported method."


class Forbidden(Error):
    """The caller may not do this (403)."""

    code = 403
    title = "Forbidden"
    message_format = "You are not authorized to perform the requested action."


class ForbiddenAction(Forbidden):
    """A policy check denied `action`."""

    message_format = "You are not authorized to perform the requested action: %(action)s."


class NotFound(Error):
    """A record that does not exist (404)."""

    code = 404
    title = "Not Found"
    message_format = "Could not find: %(target)s."


class TokenNotFound(NotFound):
    """A subject token that is unknown, revoked or expired."""

    message_format = "Could not find token: %(token_id)s."


class ProjectNotFound(NotFound):
    """No project has this id."""

    message_format = "Could not find project: %(project_id)s."


class UserNotFound(NotFound):
    """No user has this id."""

    message_format = "Could not find user: %(user_id)s."


class DomainNotFound(NotFound):
    """No domain has this id."""

    message_format = "Could not find domain: %(domain_id)s."


class RoleNotFound(NotFound):
    """No role has this id."""

    message_format = "Could not find role: %(role_id)s."


class ServiceNotFound(NotFound):
    """No catalog service has this id."""

    message_format = "Could not find service: %(service_id)s."


class EndpointNotFound(NotFound):
    """No catalog endpoint has this id."""

    message_format = "Could not find endpoint: %(endpoint_id)s."


class RegionNotFound(NotFound):
    """No region has this id."""

    message_format = "Could not find region: %(region_id)s."


class RoleAssignmentNotFound(NotFound):
    """A grant checked or revoked that the user does not hold."""

    message_format = (
        "Could not find role assignment with role: %(role_id)s, user or group: %(actor_id)s, "
        "project, domain, or system: %(target_id)s."
    )


class Conflict(Error):
    """A record whose name its domain already holds (409)."""

    code = 409
    message_format = "Conflict occurred attempting to store %(type)s - %(details)s."


class GroupNotFound(NotFound):
    """No group has this id."""

    message_format = "Could not find group: %(group_id)s."


class ImpliedRoleNotFound(NotFound):
    """No rule makes this prior role imply that role."""

    message_format = "%(prior_role_id)s does not imply %(implied_role_id)s."


class InvalidImpliedRole(Forbidden):
    """A role no rule may imply (``[assignment] prohibited_implied_role``: ``admin``)."""

    message_format = "%(role_id)s cannot be an implied roles."


class ProjectTagNotFound(NotFound):
    """A project's tag that it does not have."""

    message_format = "Could not find project tag: %(project_tag)s."


class ResourceUpdateForbidden(Forbidden):
    """An update of an immutable resource (keystone's ``ForbiddenNotSecurity``: its words
    shown)."""

    message_format = (
        "Unable to update immutable %(type)s resource: `%(resource_id)s. Set resource option "
        '"immutable" to false first.'
    )


class ResourceDeleteForbidden(Forbidden):
    """A delete of an immutable resource."""

    message_format = (
        "Unable to delete immutable %(type)s resource: `%(resource_id)s. Set resource option "
        '"immutable" to false first.'
    )


class DomainSpecificRoleMismatch(Forbidden):
    """A domain-specific role granted on a project of another domain."""

    message_format = (
        "Project %(project_id)s must be in the same domain as the role %(role_id)s being assigned."
    )
