"""Who may see and do what to an image: Glance's DB visibility rule and its default policies.

Two layers, as in Glance:

* `is_image_visible` (``glance/db/utils.py``): the database hides an image unless the caller is
  admin, the image has no owner, is public or community, belongs to the caller's project, or is
  shared with the caller's project (a member in any status). Hidden is 404, indistinguishable
  from absent.
* `ImagePolicy` (``glance/api/v2/policy.py ImageAPIPolicy`` with the new secure-RBAC defaults of
  ``glance/policies``): a refused action on an image the caller may *see* is 403; on one they
  may not see it is 404, so nothing leaks.

Before Glance 26.0.0 (`NEW_DEFAULTS_SINCE`: the series of Nova 17 to 26) the new defaults are
not enforced (``[DEFAULT] enforce_secure_rbac`` and ``[oslo_policy] enforce_new_defaults``
default False; 26.0.0's glance/api/policy.py sets both True), so each rule's deprecated
``rule:default`` (``""``) decides: every caller passes but ``publicize_image`` and
``copy_image`` (admin), and ownership is Glance's legacy check (`ImagePolicy` with
``legacy``): ``check_is_image_mutable`` ("You do not own this image"),
``check_admin_or_same_owner`` on create, the member controller's ownership checks. Before
23.0.0 (`API_POLICY_SINCE`, the policy refactor's ``ImageAPIPolicy``) the authorization layer
(glance/api/authorization.py ``ImmutableImageProxy``, the same words in 17.0.1 and 22.1.0)
refuses a non-owner's change in its own words ("You are not permitted to delete this image.").

Roles follow Keystone's default implied roles: ``admin`` implies ``member`` implies ``reader``.
The rules are plain Python (one line per rule) rather than oslo.policy, so a check costs
microseconds; each rule's docstring gives Glance's check string.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from fakecloud.glance.errors import HTTPForbidden, HTTPNotFound, policy_forbidden
from fakecloud.glance.models import Image
from fakecloud.glance.policy_file import ONE_SCOPE_SINCE, GlanceRules
from fakecloud.identity.context import service_roles
from fakecloud.profiles.provenance import Backport, Change
from fakecloud.profiles.releases import Release

_IMPLIED = {"admin": ("admin", "member", "reader"), "member": ("member", "reader")}

#: The first Glance major version that enforces the secure-RBAC defaults (26.0.0,
#: glance/api/policy.py ``set_defaults(enforce_scope=True, enforce_new_defaults=True)``).
NEW_DEFAULTS_SINCE = 26

#: The first Glance whose every rule is ``scope_types=['project']`` (25.0.0; 22.0.0-24.x's are
#: ``['system', 'project']``, but 24.x's three cache rules; none before 22.0.0, whose rules
#: were in no code): before it ``[oslo_policy] enforce_scope`` refuses a system-scoped token
#: nothing here, and a domain-scoped one at each scoped rule, which oslo.policy over the
#: release's defaults answers (`fakecloud.glance.policy_file.file_rules`; glance 22.1.0,
#: 24.2.1 and 25.1.0 glance/policies).
PROJECT_SCOPED_SINCE = ONE_SCOPE_SINCE

#: Rules whose legacy default is not ``rule:default`` but the admin's (glance 25.1.0).
_LEGACY_ADMIN_ONLY = frozenset({"publicize_image", "copy_image"})

#: Rules that, with the legacy defaults, ask ``check_is_image_mutable`` after the rule
#: (glance/api/v2/policy.py ImageAPIPolicy, 23.0.0-25.x).
_LEGACY_OWNER_ONLY = frozenset(
    {"modify_image", "delete_image", "upload_image", "deactivate", "reactivate"}
)


#: The first Glance whose policy proxy answers a refused ``get_image`` as the image not found
#: (31414b9f6, 22.0.0; 16-21 a 403 naming the rule).
GET_IMAGE_NOT_FOUND_SINCE = 22

#: The first Glance whose API checks ``check_is_image_mutable`` (23.0.0, glance/api/v2/policy.py).
API_POLICY_SINCE = 23

#: How the authorization layer of Glance 16-22 refuses a non-owner (ImmutableImageProxy).
_AUTHZ_WORDS = {
    "delete_image": "You are not permitted to delete this image.",
    # ImmutableImageProxy.set_data's (the upload's own clause answers in its words instead)
    "upload_image": "You are not permitted to upload data for this image.",
    "deactivate": "You are not permitted to deactivate this image.",
    "reactivate": "You are not permitted to reactivate this image.",
}


def legacy_defaults(major: int) -> bool | str:
    """Whether Glance `major` runs with its legacy policy defaults: False (26.0.0 on),
    ``"api"`` (23.0.0-25.x: ImageAPIPolicy's words) or ``"authz"`` (16-22: the authorization
    layer's words). A cloud reads its own as ``glance.legacy_defaults``."""
    if major >= NEW_DEFAULTS_SINCE:
        return False
    return "api" if major >= API_POLICY_SINCE else "authz"


def roles_of(ctx: Any) -> frozenset[str]:
    """The caller's roles with Keystone's implied ones added."""
    roles = getattr(ctx, "roles", ()) or ()
    found = _ROLES.get(roles) if type(roles) is tuple else None
    if found is None:
        out: set[str] = set()
        for role in roles:
            out.update(_IMPLIED.get(role, (role,)))
        found = frozenset(out)
        if type(roles) is tuple and len(_ROLES) < 256:
            _ROLES[roles] = found
    return found


#: A caller's role tuple -> its roles with the implied ones (every request asks again).
_ROLES: dict[tuple[str, ...], frozenset[str]] = {}


def admin_passes(ctx: Any, rule: str) -> bool:
    """Whether `rule` passes for `ctx` whatever the image: an admin, or Glance itself (no
    caller), passes every rule but the location API's service rules (`ImagePolicy.allows`,
    and `owns` for the legacy owner check), so no checker need be built for it."""
    return rule not in _SERVICE_RULES and (ctx is None or "admin" in roles_of(ctx))


#: Rules a caller of the image's own project with the member role (so reader too) passes
#: under every defaults (`ImagePolicy.allows`: the new ones ask the role and the project, the
#: legacy ones let anyone through, then ``check_is_image_mutable`` asks the ownership).
_OWNER_RULES = frozenset(
    ("get_image", "download_image", "modify_image", "delete_image", "upload_image")
)


def owner_passes(ctx: Any, owner: str | None, rule: str, scope_enforced: bool) -> bool:
    """Whether `rule` surely passes for `ctx` on an image of `owner` (its project's member, in
    scope: `out_of_scope`, as `ImagePolicy.enforce` asks first), so that no checker need be
    built (False: ask `ImagePolicy.enforce`). `scope_enforced` is the cloud's
    (``Glance.scope_enforced``)."""
    return (
        rule in _OWNER_RULES
        and owner is not None
        and ctx is not None
        and ctx.project_id == owner
        and "member" in roles_of(ctx)
        and not out_of_scope(ctx, scope_enforced)
    )


#: The role `open_passes` asks of a project's caller, by rule, under the new defaults
#: (``get_image``: ``role:reader and (... or 'public':%(visibility)s ...)``; ``download_image``:
#: role:member and the same).
_OPEN_ROLES = {"get_image": "reader", "download_image": "member"}


def open_passes(
    ctx: Any, image: Image, rule: str, legacy: bool | str, scope_enforced: bool
) -> bool:
    """Whether `rule` (``get_image`` or ``download_image``) surely passes for `ctx` on a public
    or community `image` under the release's defaults (no operator's rules), so that no
    checker need be built (False: ask `ImagePolicy.enforce`): a caller in scope with
    `_OPEN_ROLES`' role, or with the legacy defaults any caller in scope (neither rule is
    admin-only or asks the ownership there)."""
    return (
        image.visibility in _OPEN_VISIBILITIES
        and ctx is not None
        and not out_of_scope(ctx, scope_enforced)
        and (bool(legacy) or _OPEN_ROLES[rule] in roles_of(ctx))
    )


_OPEN_VISIBILITIES = frozenset(("public", "community"))


def owner_adds(ctx: Any, owner: str | None, visibility: str | None) -> bool:
    """Whether `ImagePolicy.add_image` surely passes for `ctx` creating an image of `owner`
    with `visibility`: its project's member making a private or shared image (or one of the
    default visibility), under every defaults (False: ask the checker)."""
    return (
        visibility in _OWN_VISIBILITIES
        and owner is not None
        and ctx is not None
        and ctx.project_id == owner
        and "member" in roles_of(ctx)
    )


#: The visibilities a project's member may give its own new image under every defaults (None:
#: the default one, shared).
_OWN_VISIBILITIES = frozenset((None, "private", "shared"))


def is_admin(ctx: Any, rules: GlanceRules | None = None) -> bool:
    """Glance's ``context.is_admin``: the ``context_is_admin`` rule, role:admin (a rule
    without ``scope_types``: a system-scoped admin's token passes it, and the database shows
    it every image), or the operator's `rules`' (`GlanceRules.is_admin`)."""
    if ctx is None:
        return True
    if rules is not None:
        return rules.is_admin(ctx)
    return "admin" in roles_of(ctx)


def out_of_scope(ctx: Any, scope_enforced: bool) -> bool:
    """Whether `ctx` is a token of a scope that Glance's default rules refuse: with scope
    enforced (``Glance.scope_enforced``: from 26.0.0, ``set_defaults(enforce_scope=True)``, or
    as configured from 25.0.0) every rule of ``glance/policies`` has
    ``scope_types=['project']``, so oslo.policy's ``InvalidScope`` (``_enforce_scope``: a
    system scope, or a domain one, is no project's) is Glance's ``Forbidden`` for each (a 404
    where the image is the target, as any refusal there). The domain is read as
    `fakecloud.service_policy.caller` reads it: a token of neither project nor system. The
    operator's rules check the scope themselves (`GlanceRules.allows`)."""
    if not scope_enforced or ctx is None:
        return False
    if getattr(ctx, "system_scope", None) is not None:
        return True
    return not ctx.project_id and getattr(ctx, "domain_id", None) is not None


def is_image_visible(
    ctx: Any,
    image: Image,
    member_status: Callable[[str, str], str | None],
    rules: GlanceRules | None = None,
):
    """Glance's ``is_image_visible``; `member_status(image_id, project)` looks up a membership,
    `rules` the operator's (their ``context_is_admin``: `is_admin`)."""
    if is_admin(ctx, rules) or image.owner is None:
        return True
    if image.visibility in ("public", "community"):
        return True
    project = ctx.project_id
    if project is not None:
        if project == image.owner:
            return True
        if image.visibility == "shared" and member_status(image.id, project) is not None:
            return True
    return False


#: The location API's rules (``glance/policies/image.py`` 29.0.0): ``fetch_image_location``
#: ``rule:service_api``, ``add_image_location`` ``rule:service_api or (role:member and
#: project_id:%(project_id)s and project_id:%(owner)s)``.
_SERVICE_RULES = frozenset(("add_image_location", "fetch_image_location"))

#: ``rule:service_api``'s check string (``glance/policies/base.py``), by Glance point release.
SERVICE_ROLE = "role:service"
SERVICE_TOKEN_ROLE = "service_roles:service"
SERVICE_ROLE_OR_ADMIN = "role:service or role:admin"
#: e40759c15 "Fix: Policy for new location APIs" (Glance 31.0.0, bug #2120737) asks the service
#: token's roles; its backport 2cf0c070e is in Glance 30.1.0 (tagged 2025-10-27 14:31:37, three
#: seconds before Nova 31.2.0, so Nova 31.2.0 on; 30.2.0 keeps it).
SERVICE_TOKEN_RULE = Change(
    "32.0.0",
    "e40759c15",
    "Fix: Policy for new location APIs",
    backports=(Backport("31.2.0", "2cf0c070e"),),
)
#: 301d8f580 "Fix glance service policy rule" (Glance 32.0.0, bug #2121622): the user token's
#: ``service`` role again, or ``admin`` (kept for one SLURP cycle). Its stable/2025.1 backport
#: fdb3cfb11 is in no Glance 30.x release.
SERVICE_OR_ADMIN_RULE = Change("33.0.0", "301d8f580", "Fix glance service policy rule")


@functools.cache  # each cloud built asks (`Glance.derive_rules`); a change's reach is ~4 us
def service_api_rule(r: Release) -> str:
    """``rule:service_api`` in the Glance of Nova release `r` (the location API's, 29.0.0 on)."""
    if SERVICE_OR_ADMIN_RULE.reaches(r):
        return SERVICE_ROLE_OR_ADMIN
    if SERVICE_TOKEN_RULE.reaches(r):
        return SERVICE_TOKEN_ROLE
    return SERVICE_ROLE


class ImagePolicy:
    """The default policy rules for one caller and one image (or a proposed image's owner)."""

    #: A proposed image's visibility (`add_image`), part of its target.
    visibility: str | None

    # Slots: one is built for most requests Glance answers (no instance dict to make).
    __slots__ = (
        "ctx",
        "image",
        "owner",
        "_member_status",
        "_roles",
        "_passes",
        "_scoped_out",
        "legacy",
        "service_rule",
        "rules",
        "visibility",
    )

    def __init__(
        self,
        ctx: Any,
        image: Image | None,
        member_status: Callable[[str, str], Any],
        owner: str | None = None,
        legacy: bool | str = False,
        service_rule: str = SERVICE_ROLE_OR_ADMIN,
        scope_enforced: bool | None = None,
        rules: GlanceRules | None = None,
    ):
        self.ctx = ctx
        self.image = image
        self.owner = image.owner if image is not None else owner
        self._member_status = member_status
        self._roles = roles_of(ctx)
        #: A system- or domain-scoped token under the new defaults, which passes no rule
        #: (`out_of_scope`).
        self._scoped_out = out_of_scope(
            ctx, not legacy if scope_enforced is None else scope_enforced
        )
        #: The operator's rules over the release's defaults (`fakecloud.glance.policy_file`),
        #: or None: the distilled rules below. Glance itself (no caller) passes either way.
        self.rules = rules if ctx is not None else None
        # an admin (or no caller) passes every rule but the service ones (`admin_passes`),
        # unless the operator's rules say otherwise
        self._passes = (
            (ctx is None or "admin" in self._roles) and not self._scoped_out and self.rules is None
        )
        self.visibility = None
        #: Glance's legacy defaults (before 26.0.0; `legacy_defaults`): see the module's
        #: docstring.
        self.legacy = legacy
        #: ``rule:service_api``'s check string (`service_api_rule`).
        self.service_rule = service_rule

    # -- rule building blocks ----------------------------------------------------------------

    def _admin(self) -> bool:
        return self.ctx is None or "admin" in self._roles

    def context_admin(self) -> bool:
        """Glance's ``context.is_admin`` (`is_admin`: the operator's ``context_is_admin``
        where given), which the ownership checks and the deactivated image's download read."""
        if self.rules is None:
            return self._admin()
        return self.rules.is_admin(self.ctx)

    def _service_api(self) -> bool:
        rule = self.service_rule
        if rule == SERVICE_TOKEN_ROLE:  # the roles of the request's X-Service-Token
            return self.ctx is not None and "service" in service_roles(self.ctx)
        return "service" in self._roles or (
            rule == SERVICE_ROLE_OR_ADMIN and "admin" in self._roles
        )

    def _project(self, role: str, project: str | None) -> bool:
        return role in self._roles and project is not None and self.ctx.project_id == project

    def _image_member(self) -> bool:
        image = self.image
        return (
            image is not None
            and self.ctx.project_id is not None
            and self._member_status(image.id, self.ctx.project_id) is not None
        )

    def _shared_or_open(self, role: str) -> bool:
        image = self.image
        return role in self._roles and (
            self.ctx.project_id == image.owner
            or self._image_member()
            or image.visibility in ("community", "public", "shared")
        )

    # -- the rules ---------------------------------------------------------------------------

    def allows(self, rule: str) -> bool:
        """Whether the named Glance rule passes for this caller and image (the operator's
        rules check the token's scope themselves: `GlanceRules.allows`)."""
        if self.rules is not None:
            found = self.rules.allows(self.ctx, rule, self._target(rule))
            if found is not None:
                return found
        if self._scoped_out:
            return False
        if rule in _SERVICE_RULES and self.ctx is not None:
            # the location API's rules (glance 29.0.0): ``rule:service_api``, and for
            # add_image_location the owner's members too
            return self._service_api() or (
                rule == "add_image_location" and self._project("member", self.owner)
            )
        if self._admin():
            return True
        if self.legacy:
            return rule not in _LEGACY_ADMIN_ONLY
        owner = self.owner
        if rule == "get_image":
            # admin or (role:reader and (project or member or community/public/shared))
            return self._shared_or_open("reader")
        if rule == "download_image":
            return self._shared_or_open("member")
        if rule in (
            "add_image",
            "modify_image",
            "delete_image",
            "upload_image",
            "deactivate",
            "reactivate",
            "communitize_image",
            "add_member",
            "delete_member",
            "set_image_location",
        ):
            # admin or (role:member and project_id:%(project_id)s)
            return self._project("member", owner)
        if rule in ("get_member", "get_members"):
            return "reader" in self._roles and (
                self.ctx.project_id == owner or self._image_member()
            )
        if rule == "modify_member":
            # admin or (role:member and project_id:%(member_id)s)
            return "member" in self._roles and self._image_member()
        if rule == "get_images":
            return "reader" in self._roles
        return False  # publicize_image, copy_image, ...: admin only

    def allows_saved(self, rule: str, **changed: Any) -> bool:
        """`allows` at a save through Glance 16-22's policy proxy (``ImageRepoProxy.save``:
        ``modify_image``) with the operator's rules: its target is the proxy's lazy
        ``ImageTarget``, which reads the image as the caller changed it before the save
        (`changed`: the upload's ``status='saving'``, the stage's ``'uploading'``, the import
        flow's ``'importing'`` and its store properties), not as stored."""
        if self.rules is None or self.image is None:
            return self.allows(rule)
        target = {**self._target(rule), **changed}
        found = self.rules.allows(self.ctx, rule, target)
        return self.allows(rule) if found is None else found

    def _target(self, rule: str) -> dict[str, Any]:
        """The target Glance gives `rule` (`fakecloud.glance.policy_file`)."""
        if self.image is not None:
            return self.rules.image_target(self.ctx, self.image, rule, self._image_member())
        return self.rules.proposed_target(rule, self.owner, self.visibility)

    def enforce(self, rule: str, attr: str | None = None, refusal: str | None = None) -> None:
        """``ImageAPIPolicy._enforce``: 403 if the caller can see the image, else 404; with the
        legacy defaults, then ``check_is_image_mutable`` for the rules that change it (`attr`:
        the attribute a ``modify_image`` changes, which Glance 16-22 name). Glance raises that
        refusal as its own ``exception.Forbidden``, which each controller answers as a 403 of
        that text (``explanation=e.msg``) or, given as `refusal`, of its own words (the
        upload's and the tags' ``except exception.Forbidden`` clauses, 16.0.1-25.x)."""
        if self._passes and rule not in _SERVICE_RULES:
            return
        if self.rules is not None and self.legacy == "authz":
            self._enforce_proxies(rule, attr, refusal)
            return
        if self.allows(rule):
            if self.legacy and rule in _LEGACY_OWNER_ONLY and not self.owns():
                raise HTTPForbidden(explanation=refusal or self._legacy_words(rule, attr))
            return
        if self.image is not None and (rule == "get_image" or not self.allows("get_image")):
            raise HTTPNotFound()
        raise policy_forbidden(rule)

    def _enforce_proxies(self, rule: str, attr: str | None, refusal: str | None) -> None:
        """Glance 16-22's layers with the operator's rules, after the policy proxy's
        ``get_image`` at the repository's get (`fakecloud.glance.images.Images.lookup`, which
        read the image): the authorization layer's ownership (``ImmutableImageProxy``), then
        the policy proxy's `rule`. Each refusal is ``exception.Forbidden``, a 403 naming the
        rule (or the controller's own words, `refusal`)."""
        if rule in _LEGACY_OWNER_ONLY and not self.owns():
            raise HTTPForbidden(explanation=refusal or self._legacy_words(rule, attr))
        if not self.allows(rule):
            raise HTTPForbidden(explanation=refusal) if refusal else policy_forbidden(rule)

    def _legacy_words(self, rule: str, attr: str | None) -> str:
        """``check_is_image_mutable``'s (23.0.0-25.x) or ``ImmutableImageProxy``'s (16-22)."""
        if self.legacy == "api":
            return "You do not own this image"
        if rule != "modify_image":
            return _AUTHZ_WORDS[rule]
        if attr is None:
            return "You are not permitted to modify this image."
        return f"You are not permitted to modify '{attr}' on this image."

    def enforce_visibility(self, visibility: str | None) -> None:
        """``_enforce_image_visibility``: public needs publicize_image, community its own."""
        if visibility == "public":
            self._plain("publicize_image")
        elif visibility == "community":
            self._plain("communitize_image")

    def _plain(self, rule: str) -> None:
        """Enforce without the 404 disguise (visibility changes name the rule)."""
        if not self.allows(rule):
            raise policy_forbidden(rule)

    def owns(self) -> bool:
        """``check_is_image_mutable``'s test: admin, or the image's owner is the caller's
        project (an image without owner is nobody's)."""
        if self.context_admin():
            return True
        owner = self.owner
        return (
            owner is not None and self.ctx.project_id is not None and owner == self.ctx.project_id
        )

    def add_image(self, visibility: str | None) -> None:
        """``add_image`` (admin or (member and project == the new image's owner); with the
        legacy defaults anyone) in the release's order: Glance 16-22's factory proxies first
        (the authorization layer's owner check, then the visibility's rule), the policy
        proxy's ``add_image`` at the repository's add; from 23.0.0 ``ImageAPIPolicy``'s
        ``add_image`` (refused for another owner in its own words), then the visibility's rule
        and, with the legacy defaults, ``check_admin_or_same_owner``."""
        self.visibility = visibility
        if self.legacy == "authz":
            self._same_owner()
            self.enforce_visibility(visibility)
            self._plain("add_image")
            return
        if not self.allows("add_image"):
            if self.owner != self.ctx.project_id:
                raise HTTPForbidden(
                    f"You are not permitted to create images owned by '{self.owner}'"
                )
            raise policy_forbidden("add_image")
        self.enforce_visibility(visibility)
        if self.legacy:
            self._same_owner()

    def _same_owner(self) -> None:
        """``check_admin_or_same_owner`` (and Glance 16-22's ``ImageFactoryProxy``, in the same
        words): a caller other than the admin makes images of its own project only."""
        if not self.context_admin() and self.owner != self.ctx.project_id:
            raise HTTPForbidden(  # exception.Forbidden, answered with its text
                explanation=f"You are not permitted to create images owned by '{self.owner}'."
            )
