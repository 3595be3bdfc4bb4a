"""``GET /os-migrations`` and ``GET /servers/{id}/migrations[/{id}]`` (nova 17.0.13-34.0.0
``migrations.py``, ``server_migrations.py``, ``db/main/api.py``
``migration_get_all_by_filters``): the records of resizes and cold migrations, per
microversion."""

from __future__ import annotations

import pytest

from tests.nova.conftest import NovaEnv


def _moved_twice(profile: str = "upstream") -> tuple[NovaEnv, str]:
    """A server resized (confirmed) then migrated (left to verify)."""
    env = NovaEnv(profile)
    sid = env.boot()
    assert env.action(sid, {"resize": {"flavorRef": "2"}}).status == 202
    env.cloud.run_until_idle()
    assert env.action(sid, {"confirmResize": None}).status == 204
    env.cloud.run_until_idle()
    assert env.action(sid, {"migrate": None}, user="admin").status == 202
    env.cloud.run_until_idle()
    return env, sid


def _list(env: NovaEnv, query: str = "", mv: str = "2.1", user: str = "admin"):
    return env.request("GET", f"/v2.1/os-migrations{query}", user=user, microversion=mv)


def test_the_list_per_microversion():
    env, sid = _moved_twice()
    old = _list(env).json()["migrations"]
    # 2.1: id order, no type, no uuid; instance type ids are the flavors' row ids.
    assert [(m["id"], m["status"], m["old_instance_type_id"], m["new_instance_type_id"])
            for m in old] == [(1, "confirmed", 1, 2), (2, "finished", 2, 2)]  # fmt: skip
    assert old[0]["created_at"] == "2026-01-01T00:00:04.000000"  # 04.011: MySQL's second
    assert (old[0]["source_compute"], old[0]["dest_compute"], old[0]["dest_host"]) == (
        "cmp-1",
        "cmp-2",
        "10.1.0.12",
    )
    assert "migration_type" not in old[0] and "uuid" not in old[0]
    assert [m["migration_type"] for m in _list(env, mv="2.23").json()["migrations"]] == [
        "resize",
        "migration",
    ]
    # 2.59: newest first, uuids, paging by uuid with a next link.
    page = _list(env, "?limit=1", mv="2.59").json()
    (newest,) = page["migrations"]
    assert newest["id"] == 2 and "user_id" not in newest
    assert page["migrations_links"][0]["href"].endswith(f"limit=1&marker={newest['uuid']}")
    rest = _list(env, f"?marker={newest['uuid']}", mv="2.59").json()["migrations"]
    assert [m["id"] for m in rest] == [1]
    assert set(_list(env, mv="2.80").json()["migrations"][0]) >= {"user_id", "project_id"}
    # Filters.
    assert [m["id"] for m in _list(env, "?status=finished").json()["migrations"]] == [2]
    assert [m["id"] for m in _list(env, "?host=cmp-1&migration_type=resize").json()[
        "migrations"]] == [1]  # fmt: skip
    assert _list(env, f"?instance_uuid={sid}&source_compute=cmp-9").json()["migrations"] == []
    # Refusals: unknown parameters from 2.59, an unknown marker, a non-admin.
    assert _list(env, "?nope=1").status == 200
    assert _list(env, "?nope=1", mv="2.59").status == 400
    marker = _list(env, "?marker=nope", mv="2.59")
    assert (marker.status, marker.json()["badRequest"]["message"]) == (
        400,
        "Marker nope could not be found.",
    )
    assert _list(env, user="demo").status == 403


@pytest.mark.parametrize(("profile", "by_project"), [("seed", False), ("upstream", True)])
def test_before_2_59_the_whole_query_is_the_databases_filters(profile, by_project):
    """Before 2.59 ``_index`` hands all of ``req.GET`` to ``migration_get_all_by_filters`` (the
    schema's ``additionalProperties``): ``uuid`` filters in every release, ``hidden`` as MySQL
    compares a tinyint with text, ``project_id`` from 20.0.0 (c65aabded2), ``node`` from 22.0.0
    (255b3f2f91); 17.0.13 has neither. From 2.59 the schema refuses them (until 2.80)."""
    env, sid = _moved_twice(profile)

    def ids(query: str) -> list[int]:
        return [m["id"] for m in _list(env, query).json()["migrations"]]

    resize = _list(env, mv="2.59").json()["migrations"][-1]
    assert ids(f"?uuid={resize['uuid']}") == [1]
    assert (ids("?hidden=1"), ids("?hidden=true")) == ([], [1, 2])
    project = env.server(sid)["tenant_id"]  # the resize's; the admin's migration is the admin's
    assert ids(f"?project_id={project}&node=nope") == ([] if by_project else [1, 2])
    assert ids(f"?project_id={project}") == ([1] if by_project else [1, 2])
    assert _list(env, f"?project_id={project}", mv="2.59").status == 400


def test_a_servers_migrations_are_live_ones_only():
    env, sid = _moved_twice()
    path = f"/v2.1/servers/{sid}/migrations"
    assert env.request("GET", path, user="admin", microversion="2.23").json() == {"migrations": []}
    assert env.request("GET", path, user="admin", microversion="2.22").status == 404
    assert env.request("GET", path, microversion="2.23").status == 403
    cold = env.request("GET", f"{path}/2", user="admin", microversion="2.23")
    assert cold.json()["itemNotFound"]["message"] == (
        f"Migration 2 for server {sid} is not live-migration."
    )
    missing = env.request("GET", f"{path}/9", user="admin", microversion="2.23")
    assert missing.json()["itemNotFound"]["message"] == (
        f"In-progress live migration 9 is not found for server {sid}."
    )
