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
    assert done.status == "cancelled"
    assert not hasattr(done, "links")  # only a live migration in progress links


def test_server_migrations_refuse_unknown_query_parameters_from_2_102():
    """34.0.0's ``server_migrations.py`` ``index``/``show``: ``index_query_v2102`` and
    ``show_query_v2102`` (``additionalProperties`` false) from 2.102, checked before the
    server is looked up; ignored before."""
    from fakecloud import Cloud

    cloud = Cloud(profile="upstream")
    with cloud.intercept():
        sid = boot_direct(cloud, "s1")

        def status(path, version):
            return cloud.request("compute", "GET", path, user="admin", microversion=version)

        listing = f"/v2.1/servers/{sid}/migrations"
        assert status(f"{listing}?limit=1", "2.101").status == 200
        assert status(listing, "2.102").status == 200
        for path in (f"{listing}?limit=1", f"{listing}/1?x=1", "/v2.1/servers/none/migrations?x=1"):
            answer = status(path, "2.102")
            assert answer.status == 400
            assert "Additional properties are not allowed" in answer.json()["badRequest"]["message"]
