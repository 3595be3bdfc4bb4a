"""Who may do what to a server, release by release: the project's member and reader, another
project's member and an admin, through ``cloud.request``, against what each release's
``nova/policies`` defaults and API code answer (nova 17.0.7, 20.6.0, 21.2.4, 26.3.0, 27.0.0,
34.0.0; session 12's audit, docs/history/conformance-log.md). Before 27.0.0 the deprecated
``rule:admin_or_owner`` is OR-ed in, so a reader may act; another project's member never finds
the server (the lookup is project-scoped: 404)."""

from __future__ import annotations

import pytest

from tests.nova.conftest import NovaEnv

USERS = ("demo", "demo-reader", "other", "admin")
OTHER = {
    "identity": {
        "projects": {"other": {}},
        "users": {"other": {"password": "other-secret", "project": "other", "roles": ["member"]}},
    }
}
PROFILES = ["seed", "nova-20.6.0", "nova-21.2.4", "nova-26.3.0", "nova-27.0.0", "upstream"]


@pytest.fixture(scope="module")
def worlds():
    built: dict[str, tuple[NovaEnv, str]] = {}

    def get(profile: str) -> tuple[NovaEnv, str]:
        if profile not in built:
            env = NovaEnv(profile, OTHER)
            built[profile] = (env, env.boot())
        return built[profile]

    return get


def _new_defaults(profile: str) -> bool:
    return profile in ("nova-27.0.0", "upstream")


@pytest.mark.parametrize("profile", PROFILES)
def test_reads(worlds, profile):
    env, sid = worlds(profile)
    demo_project = env.cloud.context("demo").project_id
    reads = {
        f"/v2.1/servers/{sid}": (200, 200, 404, 200),
        f"/v2.1/servers/{sid}/os-instance-actions": (200, 200, 404, 200),
        f"/v2.1/servers/{sid}/os-volume_attachments": (200, 200, 404, 200),
        "/v2.1/limits": (200, 200, 200, 200),
        f"/v2.1/os-quota-sets/{demo_project}": (200, 200, 403, 200),
    }
    got = {path: tuple(env.request("GET", path, user=u).status for u in USERS) for path in reads}
    assert got == reads


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize(
    ("action", "rule"),
    [
        ({"lock": None}, "os_compute_api:os-lock-server:lock"),
        ({"os-stop": None}, "os_compute_api:servers:stop"),
        ({"shelve": None}, "os_compute_api:os-shelve:shelve"),
        (
            {"createBackup": {"name": "b", "backup_type": "daily", "rotation": 1}},
            "os_compute_api:os-create-backup",
        ),
    ],
)
def test_writes(worlds, profile, action, rule):
    env, sid = worlds(profile)
    reader = 403 if _new_defaults(profile) else 202
    expected = (202, reader, 404, 202)
    got = []
    for user in USERS:
        cloud = env.cloud.fork()
        resp = cloud.request(
            "compute", "POST", f"/v2.1/servers/{sid}/action", body=action, user=user
        )
        got.append(resp.status)
        if resp.status == 403:
            assert resp.json()["forbidden"]["message"] == (
                f"Policy doesn't allow {rule} to be performed."
            )
    assert tuple(got) == expected
