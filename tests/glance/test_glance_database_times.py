"""Glance's times as MySQL stores them (``DateTime`` columns without a fraction: glance
17.0.1-33.0.0 db/sqlalchemy/models.py): the whole second, a half rounded up, wherever Glance
reads a row back, the fraction cut (``timeutils.isotime``) where it answers the object it
just wrote."""

from glance_support import P1, P2, World


def test_times_are_the_seconds_mysql_stored_but_a_just_written_member():
    w = World(config={"glance": {"base_images": []}})
    w.cloud.advance(0.6)  # everything below is written at 00:00:00.6
    image = w.create(visibility="shared")  # image_create reads the row back
    assert (image["created_at"], image["updated_at"]) == ("2026-01-01T00:00:01Z",) * 2
    path = f"/v2/images/{image['id']}/members"
    made = w.call("POST", path, body={"member": P2.project_id}).json()
    assert (made["created_at"], made["updated_at"]) == ("2026-01-01T00:00:00Z",) * 2
    (listed,) = w.call("GET", path).json()["members"]
    assert (listed["created_at"], listed["updated_at"]) == ("2026-01-01T00:00:01Z",) * 2
    # the filter compares the stored second in the database
    query = {"created_at": "gte:2026-01-01T00:00:00.9Z"}
    found = w.call("GET", "/v2/images", P1, query=query).json()["images"]
    assert [i["id"] for i in found] == [image["id"]]
