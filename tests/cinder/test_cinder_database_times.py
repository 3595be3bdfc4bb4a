"""Cinder's times as MySQL stores them (``DateTime`` columns without a fraction: cinder
12.0.10 db/sqlalchemy/models.py to 29.0.0 db/models.py): the whole second, a half rounded
up, wherever Cinder reads a row back, and the object's own fraction where it answers the row
it just wrote (``db.volume_create``'s and ``db.snapshot_create``'s session object)."""

from cinder_support import call

from fakecloud import Cloud


def test_a_create_shows_its_fraction_and_a_read_the_stored_second():
    cloud = Cloud(profile="upstream")
    cloud.advance(0.6)
    made = call(cloud, "POST", "volumes", {"volume": {"size": 1}}).json()["volume"]
    assert made["created_at"] == "2026-01-01T00:00:00.600000"
    cloud.run_until_idle()
    shown = call(cloud, "GET", f"volumes/{made['id']}").json()["volume"]
    assert shown["created_at"] == "2026-01-01T00:00:01.000000"
    # 3.60's comparison is the database's, of the stored second
    query = {"created_at": "gte:2026-01-01T00:00:00.9"}
    listed = call(cloud, "GET", "volumes", query=query, version="3.60").json()["volumes"]
    assert [v["id"] for v in listed] == [made["id"]]
    snap = call(cloud, "POST", "snapshots", {"snapshot": {"volume_id": made["id"]}}).json()
    sid, written = snap["snapshot"]["id"], snap["snapshot"]["created_at"]
    cloud.run_until_idle()
    read = call(cloud, "GET", f"snapshots/{sid}").json()["snapshot"]["created_at"]
    assert (written, read) == ("2026-01-01T00:00:01.604000", "2026-01-01T00:00:02.000000")
