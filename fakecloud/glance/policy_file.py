"""Glance's API policy through oslo.policy, for a cloud whose operator gives rules.

With ``glance.policy_file`` (a YAML or JSON policy file, read as Nova's) and/or
``glance.policy`` (a mapping, applied after the file), every rule `fakecloud.glance.policy`
asks is decided by oslo.policy over the release's own defaults
(`fakecloud.service_policy.ServiceRules`): from Glance 20.0.0 its ``glance/policies``
``list_rules()`` (check strings and deprecated rules), before it the ``etc/policy.json`` the
release ships (no defaults in code: 5c17e4c7e "Move policy defaults into code", 20.0.0), both
read into ``data/policy_defaults_16-33.json`` by ``tools/service_policy_defaults.py``;
``enforce_new_defaults`` as the release has it (on from 26.0.0). In 16-19 the operator's file
is laid over the shipped one (the deployer who edits it; real Glance reads the file alone, so
a file of one rule refuses every other, ``default`` missing).

The target is Glance's ``ImageTarget``: the image's attributes and custom properties, from
23.0.0 (8ddbdb952 "Add a member field to Image when appropriate") ``project_id`` (its owner)
and ``member_id`` (the caller's project on a shared image it does not own); a proposed image's
owner and visibility (``ImageAPIPolicy`` of a dict, 23.0.0 on); ``{}`` where Glance 16-22's
policy proxies give none (the list, a new image's visibility). The credentials are
oslo.context's ``to_policy_values``, before 18.0.0 with Glance's ``user`` and ``tenant``
besides (88a8ad782 removed them). A rule the file tightens refuses as Glance does
(`fakecloud.glance.policy.ImagePolicy`: 403 "You are not authorized to complete add_image
action.", a 404 where the caller may not see the image).
"""

from __future__ import annotations

from typing import Any

from fakecloud import service_policy
from fakecloud.glance.models import Image
from fakecloud.nova.policies import _credentials, defaults_tables

#: The Glance majors `real_defaults` has tables of (Nova 17-34's series).
MAJORS = range(16, 34)
#: The first Glance whose oslo.policy (5.0.0) compares checks by value (the series of Nova
#: `fakecloud.nova.policies.CHECKS_COMPARED_SINCE`, 33: the same upper constraints).
CHECKS_COMPARED_SINCE = 32
#: The first Glance whose credentials lack ``user`` and ``tenant`` (88a8ad782, 18.0.0).
OLD_CREDENTIAL_NAMES_UNTIL = 18
#: The first Glance whose image targets have ``project_id`` (the owner; the list's the caller's
#: project) and whose ``get_image`` target has ``member_id`` for a member's project (31414b9f6
#: "Implement project personas for image actions", 22.0.0's policy proxies).
PROJECT_ID_SINCE = 22
#: The first Glance whose image target is ``ImageAPIPolicy``'s, ``member_id`` on every rule
#: (8ddbdb952 "Add a member field to Image when appropriate").
TARGET_ALIASES_SINCE = 23
#: The first Glance whose upload checks ``upload_image`` on the image (22.0.0's image_data.py;
#: before, ``{}`` ahead of the image's lookup).
UPLOAD_TARGET_SINCE = 22
#: An image's attributes in its target (``ImageTarget``'s keys: the proxy's non-callable
#: attributes but ``locations``, ``id`` as ``image_id``).
_TARGET_FIELDS = (
    "image_id",
    "name",
    "status",
    "visibility",
    "protected",
    "os_hidden",
    "owner",
    "disk_format",
    "container_format",
    "min_disk",
    "min_ram",
    "size",
    "virtual_size",
    "checksum",
)


def real_defaults(major: int) -> dict[str, list]:
    """Glance `major`'s default rules, ``{name: [check, scope types, deprecated name,
    deprecated check]}`` (shared: never change)."""
    tables = defaults_tables("fakecloud.glance", "policy_defaults_16-33.json")
    return tables[str(min(max(major, MAJORS[0]), MAJORS[-1]))]


class GlanceRules(service_policy.ServiceRules):
    """Glance's defaults of one release and the operator's rules in one oslo.policy Enforcer."""

    __slots__ = ("major",)

    def __init__(
        self,
        major: int,
        new_defaults: bool,
        rules: tuple[tuple[str, Any], ...],
        enforce_scope: bool = False,
    ):
        uncompared = major < CHECKS_COMPARED_SINCE
        table = real_defaults(major)
        super().__init__(
            "Glance", major, table, new_defaults, rules, "22.0.0", uncompared, enforce_scope
        )
        self.major = major

    def allows(self, ctx: Any, rule: str, target: dict[str, Any]) -> bool | None:
        """oslo.policy's answer for `rule` on `target` (`image_target`, `proposed_target`), or
        None for a rule this release has not (the caller answers as without a policy). With
        ``enforce_scope`` a token whose scope the rule's ``scope_types`` lack is refused here,
        whatever the rule says: oslo.policy's ``InvalidScope``, which Glance's
        ``Enforcer.enforce`` raises as ``Forbidden`` (22.1.0-33.0.0 api/policy.py), so every
        caller answers it as the rule's refusal. The scope types are the release's own: none
        before 22.0.0, ``['system', 'project']`` for most rules of 22.0.0-24.x (24.x's cache
        rules ``['project']``), ``['project']`` from 25.0.0 (`PROJECT_SCOPED_SINCE`), and
        ``context_is_admin`` has none in any release."""
        if rule not in self.enforcer.rules:
            return None
        who = service_policy.caller(ctx)
        extra = None
        if self.major < OLD_CREDENTIAL_NAMES_UNTIL:
            extra = {"user": who[0], "tenant": who[1]}
        return self.decide(rule, target, who, extra)

    def is_admin(self, ctx: Any) -> bool:
        """Glance's ``context.is_admin``: ``check_is_admin``, the ``context_is_admin`` rule
        (``role:admin`` in every release) on the caller's credentials and its ``to_dict`` as
        the target, as ``RequestContext.__init__`` sets it (glance 16.0.1-33.0.0 context.py,
        api/policy.py; oslo.context's own ``is_admin`` is False until then). What the
        database shows an admin and the ownership checks read it: an operator's
        ``context_is_admin`` names Glance's admins."""
        if "context_is_admin" not in self.enforcer.file_rules:
            return "admin" in ctx.roles  # the release's role:admin
        who = service_policy.caller(ctx)
        key = ("context_is_admin", (), who)
        found = self._memo.get(key)
        if found is None:
            credentials = {**_credentials(who, False)}
            if self.major < OLD_CREDENTIAL_NAMES_UNTIL:
                credentials.update(user=who[0], tenant=who[1])
            found = bool(self.enforcer.enforce("context_is_admin", credentials, credentials))
            self._memo[key] = found
        return found

    def image_target(
        self, ctx: Any, image: Image, rule: str, member: bool = False
    ) -> dict[str, Any]:
        """``ImageTarget(image)`` as this release builds it for `ctx`'s `rule` (``{}`` for
        Glance 16-21's upload, checked before the image is read, the owner's ``project_id``
        alone for 22's); `member`: whether `ctx`'s
        project is a member of the image (Glance 22's ``get_image`` asks the members)."""
        if rule == "upload_image" and self.major < TARGET_ALIASES_SINCE:
            # 16-21 ask it before the image is read; 22.0.0's image_data.py ``upload`` gives
            # ``{'project_id': image.owner}`` alone (not the proxy's ImageTarget)
            return {"project_id": image.owner} if self.major >= UPLOAD_TARGET_SINCE else {}
        target = {name: getattr(image, name) for name in _TARGET_FIELDS}
        for key, value in image.extra_properties.items():
            if isinstance(value, str):  # Glance's are strings; a memo key takes no list
                target.setdefault(key, value)
        if self.major >= TARGET_ALIASES_SINCE:
            target["project_id"] = image.owner
            shared = image.visibility == "shared" and ctx.project_id != image.owner
            target["member_id"] = ctx.project_id if shared else None
        elif self.major >= PROJECT_ID_SINCE:
            # 22.0.0 glance/api/policy.py: ``target['project_id'] = owner`` on each proxy's
            # target, and ImageRepoProxy._build_image_target's member_id for get_image alone
            target["project_id"] = image.owner
            if rule == "get_image" and member:
                target["member_id"] = ctx.project_id
        return target

    def proposed_target(
        self, rule: str, owner: str | None, visibility: str | None
    ) -> dict[str, Any]:
        """The target of `rule` asked of no image (a create's, the list's): from 23.0.0
        ``ImageAPIPolicy``'s dict of proposed properties (owner, visibility, private by
        default); before, Glance 16-22's policy proxies give ``{}`` but to ``add_image``,
        whose target is the new image's (shared by default)."""
        if self.major >= TARGET_ALIASES_SINCE:
            return {"project_id": owner, "owner": owner, "visibility": visibility or "private"}
        # Glance 22 (31414b9f6) adds project_id: the new image's owner, the list's the caller's
        # project (`owner` as the list asks), a new image's visibility rule the owner's
        extra = {"project_id": owner} if self.major >= PROJECT_ID_SINCE else {}
        if rule != "add_image":
            return extra
        return {"owner": owner, "visibility": visibility or "shared", "status": "queued", **extra}


#: The first Glance whose default rules have ``scope_types`` (31414b9f6, 165cce6d6: 22.0.0).
SCOPE_TYPES_SINCE = 22
#: The first Glance all of whose rules are ``scope_types=['project']`` (f7b0d1cba, 25.0.0):
#: `fakecloud.glance.policy.PROJECT_SCOPED_SINCE`, which the distilled defaults answer.
ONE_SCOPE_SINCE = 25


def file_rules(
    major: int, new_defaults: bool, config: Any, enforce_scope: bool = False
) -> GlanceRules | None:
    """The cloud's `GlanceRules` (shared by every cloud of the same release, rules and
    ``enforce_scope``), or None when the operator gives no rules (a `ConfigError` naming
    ``glance.policy_file`` for a file that is no policy): then the distilled defaults of
    `fakecloud.glance.policy` answer, unless scope is enforced on a Glance whose rules carry
    their scope types rule by rule (22.0.0-24.x: ``['system', 'project']`` for most, none for
    some, 24.x's cache rules ``['project']``), where oslo.policy over the release's defaults
    alone answers, as real Glance's Enforcer always does: a domain-scoped token refused by
    every scoped rule, a system-scoped one by 24.x's cache rules (the distilled defaults
    refuse either scope only from 25.0.0, whose every rule is project-scoped)."""
    rules = service_policy.overrides(config, "glance")
    if not rules:
        if not (enforce_scope and SCOPE_TYPES_SINCE <= major < ONE_SCOPE_SINCE):
            return None
        rules = ()
    key = ("glance", major, new_defaults, rules, enforce_scope)
    return service_policy.built(key, lambda: GlanceRules(major, new_defaults, rules, enforce_scope))
