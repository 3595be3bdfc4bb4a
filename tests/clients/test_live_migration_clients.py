"""python-novaclient 18.13.1 (unchanged, in-process, its Python API at 2.60 as ``nova
live-migration``/``migration-list``/``server-migration-show``/``live-migration-abort`` call it)
through a live migration in progress. ``/os-migrations`` from 2.23 gives such a migration
self/bookmark ``links`` to ``servers/{uuid}/migrations/{id}`` (nova 17.0.13 and 34.0.0
``migrations.py`` ``_output``: ``add_link`` for a ``live-migration`` in queued, preparing,
running or post-migrating); fakecloud gave none before session 18's v1."""

from client_helpers import boot_direct, novaclient_as

ROOT = "http://compute.fakecloud.test"


def test_novaclient_follows_a_running_live_migration_from_its_link(intercepted):
    sid = boot_direct(intercepted, "s1")
    nova = novaclient_as(intercepted, "2.60", "admin")
    nova.servers.live_migrate(sid, None, "auto")
    intercepted.advance(1)
    (listed,) = nova.migrations.list(instance_uuid=sid)
    path = f"servers/{sid}/migrations/{listed.id}"
    assert (listed.status, listed.migration_type) == ("running", "live-migration")
    assert listed.links == [
        {"rel": "self", "href": f"{ROOT}/v2.1/{path}"},
        {"rel": "bookmark", "href": f"{ROOT}/{path}"},
    ]
    shown = nova.server_migrations.get(sid, listed.links[0]["href"].rsplit("/", 1)[1])
    assert (shown.uuid, shown.dest_compute) == (listed.uuid, "cmp-2")
    nova.server_migrations.live_migration_abort(sid, shown.id)
    intercepted.run_until_idle()
    (done,) = nova.migrations.list(instance_uuid=sid)
    assert done.status == "error"  # 17.0.13: an aborted job is a failed one, rolled back
    assert not hasattr(done, "links")  # only a live migration in progress links


def test_what_a_move_is_watched_with_refuses_query_parameters_from_2_102():
    """34.0.0's ``show_query_v2102`` of ``servers.py``, ``instance_actions.py`` and
    ``server_migrations.py`` (and its ``index_query_v2102``): no parameter known
    (``additionalProperties`` false) from 2.102, checked before the server is looked up;
    ignored before."""
    from fakecloud import Cloud

    cloud = Cloud(profile="upstream")
    with cloud.intercept():
        sid = boot_direct(cloud, "s1")

        def answer(path, version):
            return cloud.request("compute", "GET", path, user="admin", microversion=version)

        (action,) = answer(f"/v2.1/servers/{sid}/os-instance-actions", "2.1").json()[
            "instanceActions"
        ]
        watched = (
            f"/v2.1/servers/{sid}",
            f"/v2.1/servers/{sid}/os-instance-actions/{action['request_id']}",
            f"/v2.1/servers/{sid}/migrations",
            f"/v2.1/servers/{sid}/migrations/1",
            "/v2.1/servers/none/migrations",
        )
        assert answer(watched[0], "2.102").status == 200
        for path in watched:
            assert answer(f"{path}?limit=1", "2.101").status in (200, 404)
            refused = answer(f"{path}?limit=1", "2.102")
            assert refused.status == 400, path
            assert (
                "Additional properties are not allowed" in refused.json()["badRequest"]["message"]
            )
