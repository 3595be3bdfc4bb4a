"""A token's scope under Glance's rules, the operator's (`fakecloud.glance.policy_file`) or the
defaults: with ``[oslo_policy] enforce_scope`` oslo.policy refuses a token whose scope a rule's
``scope_types`` lack, whatever the rule's check says (``InvalidScope``, Glance's
``Forbidden``), with each release's own scope types: ``['system', 'project']`` for most rules
of Glance 22.0.0-24.x (24.x's cache rules ``['project']``), ``['project']`` from 25.0.0. The
operator's rules check it themselves, so every API that asks them answers it; the defaults
refuse a system- or domain-scoped token where scope is enforced from 25.0.0
(`fakecloud.glance.policy.out_of_scope`), and in 22.0.0-24.x are oslo.policy's own where it is
(`fakecloud.glance.policy_file.file_rules`)."""

from __future__ import annotations

import dataclasses

import pytest
from glance_support import ADMIN, World, detail

#: A domain-scoped admin's token (oslo.context's ``domain_id`` set, no project).
DOMAIN_ADMIN = dataclasses.replace(ADMIN, project_id=None, domain_id="d1")
#: A system-scoped admin's token.
SYSTEM_ADMIN = dataclasses.replace(ADMIN, project_id=None, system_scope="all")
#: A rule the operator sets, which leaves the ones these calls ask at the release's defaults.
RULES = {"policy": {"publicize_image": "role:admin"}}
QUOTA = "/v2/metadefs/namespaces/OS::Compute::Quota"


def _answers(w: World, caller) -> list[int]:
    image_id = w.base_images[0].id
    return [
        w.call("GET", "/v2/images", caller).status,
        w.call("GET", f"/v2/images/{image_id}", caller).status,
        w.call("GET", "/v2/tasks", caller).status,
        w.call("GET", QUOTA, caller).status,
    ]


@pytest.mark.parametrize("rules", [RULES, {}])
@pytest.mark.parametrize("enforced", [None, False])
def test_glance_33_refuses_a_domain_scoped_token_every_rule(enforced, rules):
    """Glance 26.0.0 on enforces scope by default: a domain-scoped admin fails each project
    rule (the list's 403 naming ``get_images``, the image's and the namespace's 404 as any
    refusal there, ``tasks_api_access``'s 403), by the operator's rules as by the defaults;
    ``enforce_scope: false`` lets it through."""
    config = {**rules, "enforce_scope": enforced} if enforced is not None else rules
    w = World(profile="upstream", config={"glance": config})
    answers = _answers(w, DOMAIN_ADMIN)
    if enforced is None:
        assert answers == [403, 404, 403, 404]
        resp = w.call("GET", "/v2/images", DOMAIN_ADMIN)
        assert detail(resp) == "You are not authorized to complete get_images action."
    else:
        assert answers == [200, 200, 200, 200]
    assert _answers(w, ADMIN) == [200, 200, 200, 200]


@pytest.mark.parametrize(
    ("profile", "refused"),
    [
        # Glance 22 (Wallaby): its image and task rules are ['system', 'project'], its
        # metadef rules have none; its policy proxy's get answers get_image's refusal as the
        # image not found (31414b9f6)
        ("nova-23.2.2", [403, 404, 403, 200]),
        # Glance 24 (Yoga): every rule but the cache's ['system', 'project']
        ("nova-25.2.0", [403, 404, 403, 404]),
    ],
)
@pytest.mark.parametrize("rules", [RULES, {}])
def test_enforce_scope_set_refuses_a_domain_scoped_token_from_glance_22(profile, refused, rules):
    """``enforce_scope: true`` on a legacy Glance of scoped rules: a domain-scoped token is in
    none of ``['system', 'project']``, while a system-scoped admin passes them; by the
    release's defaults as by the operator's rules (Glance's Enforcer is oslo.policy's either
    way: the defaults let the domain-scoped token through before session 45)."""
    w = World(profile=profile, config={"glance": {**rules, "enforce_scope": True}})
    assert _answers(w, DOMAIN_ADMIN) == refused
    assert _answers(w, SYSTEM_ADMIN) == [200, 200, 200, 200]


@pytest.mark.parametrize("rules", [RULES, {}])
def test_glance_24s_cache_rules_are_project_scoped(rules):
    """Glance 24.x's ``cache_list``, ``cache_image`` and ``cache_delete`` are
    ``scope_types=['project']`` where its other rules take system scope too (24.2.1
    glance/policies/cache.py): with ``enforce_scope`` set a system admin lists images but
    not the cache (WebOb's bare 403), by the defaults as by the operator's rules."""
    config = {"glance": {**rules, "enforce_scope": True, "image_cache": True}}
    w = World(profile="nova-25.2.0", config=config)
    answers = [
        w.call("GET", "/v2/images", SYSTEM_ADMIN).status,
        w.call("GET", "/v2/cache", SYSTEM_ADMIN).status,
        w.call("GET", "/v2/cache", ADMIN).status,
    ]
    assert answers == [200, 403, 200]
