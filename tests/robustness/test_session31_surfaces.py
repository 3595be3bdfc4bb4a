"""What session 31's fuzzing of session 30's surfaces found, each on a fork of the robustness
world (``upstream``): the real service's answer, and the invariants still readable after."""

from fuzzing import tokens


def test_a_system_scoped_admins_volume_is_counted_under_no_project(worlds):
    """Cinder enforces no scope (cinder 2026.1 policy.py: ``enforce_scope=False``): the
    admin's system-scoped token makes a volume of the context's project, None (quota.py
    ``reserve``), and ``quota_usage_matches`` counts that owner too, where it failed to sort it
    among the others (a TypeError out of ``check_invariants``)."""
    cloud = worlds("upstream").fork()
    headers = {"X-Auth-Token": tokens(cloud)["system"]}
    made = cloud.request("volume", "POST", "/v3/volumes", {"volume": {"size": 1}}, None,
                         headers=headers)  # fmt: skip
    assert made.status == 202
    cloud.run_until_idle()
    assert cloud.check_invariants(["quota_usage_matches"]) == []
    cloud.cinder.quotas.usage(None, "volumes").in_use += 1
    found = cloud.check_invariants(["quota_usage_matches"])
    assert [(v.subject, v.message) for v in found] == [
        ("project None volumes", "in use 2 (reserved 0), but 1 exist")
    ]
