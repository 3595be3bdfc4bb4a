"""An image-backed server on a flavor without a root disk (LP #1739646): Nova's API asks
``os_compute_api:servers:create:zero_disk_flavor`` (nova 17.0.7-34.0.0 compute/api.py
``_validate_flavor_image_nostatus``), the project's own until 19.0.0, the admin's from it.
"""

from __future__ import annotations

import pytest

from tests.nova.conftest import NovaEnv

ZERO_DISK = {"flavor": {"name": "zero", "ram": 128, "vcpus": 1, "disk": 0, "id": "zero"}}


@pytest.mark.parametrize("profile", ["nova-18.3.0", "upstream"])
def test_a_members_image_backed_boot_on_a_zero_disk_flavor(profile):
    env = NovaEnv(profile)
    assert env.request("POST", "/v2.1/flavors", ZERO_DISK, user="admin").status == 200
    server = {"name": "vm", "flavorRef": "zero", "imageRef": env.image.id, "networks": "none"}
    member = env.request("POST", "/v2.1/servers", {"server": server}, microversion="2.37")
    admin = env.request(
        "POST", "/v2.1/servers", {"server": server}, user="admin", microversion="2.37"
    )
    assert admin.status == 202
    if profile != "upstream":  # 18.x's default, rule:admin_or_owner, lets the member through
        assert member.status == 202
        return
    assert (member.status, member.json()["forbidden"]["message"]) == (
        403,
        "Only volume-backed servers are allowed for flavors with zero disk.",
    )
    assert env.boot("from-volume", flavor="zero", bfv=True)  # a volume root asks nothing
    # an operator who allows it (the rule's documented use: test clouds)
    rule = {"nova": {"policy": {"os_compute_api:servers:create:zero_disk_flavor": "@"}}}
    allowed = NovaEnv(profile, rule)
    assert allowed.request("POST", "/v2.1/flavors", ZERO_DISK, user="admin").status == 200
    resp = allowed.request("POST", "/v2.1/servers", {"server": server}, microversion="2.37")
    assert resp.status == 202


def test_a_members_resize_of_an_image_backed_server_between_zero_disk_flavors():
    """A resize asks the rule too (19.0.0 on: ``resize``'s ``_validate_flavor_image_nostatus``
    with ``root_bdm=None``), for a server already on a flavor with no disk: a project whose
    manager may boot one (an operator's rule) has a member who may not resize it."""
    boss = {"password": "boss-secret", "project": "demo", "roles": ["manager", "member"]}
    rule = {"os_compute_api:servers:create:zero_disk_flavor": "role:admin or role:manager"}
    env = NovaEnv("upstream", {"identity": {"users": {"boss": boss}}, "nova": {"policy": rule}})
    other = {"flavor": {**ZERO_DISK["flavor"], "name": "zero2", "id": "zero2", "vcpus": 2}}
    for flavor in (ZERO_DISK, other):
        assert env.request("POST", "/v2.1/flavors", flavor, user="admin").status == 200
    sid = env.boot("vm", flavor="zero", user="boss")
    resp = env.action(sid, {"resize": {"flavorRef": "zero2"}})
    assert (resp.status, resp.json()["forbidden"]["message"]) == (
        403,
        "Only volume-backed servers are allowed for flavors with zero disk.",
    )
    server = env.server(sid)
    assert (server["status"], server["OS-EXT-STS:task_state"]) == ("ACTIVE", None)
