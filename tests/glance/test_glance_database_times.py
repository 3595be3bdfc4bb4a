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


def test_images_made_within_one_stored_second_list_by_id():
    """``_image_get_all`` sorts by the keys asked, then ``created_at`` and ``id`` (glance
    33.0.0 db/sqlalchemy/api.py): four images made 0.1 s apart within one stored second tie on
    ``created_at`` and list by id, both ways and past a marker."""
    w = World(config={"glance": {"base_images": []}})
    w.cloud.advance(0.55)
    made = []
    for _ in range(4):
        made.append(w.create()["id"])
        w.cloud.advance(0.1)
    assert made != sorted(made)  # the premise: creation order is not the ids' order
    shown = w.call("GET", "/v2/images", P1).json()["images"]
    assert len({i["created_at"] for i in shown}) == 1  # one stored second
    assert [i["id"] for i in shown] == sorted(made, reverse=True)
    query = {"sort_key": "created_at", "sort_dir": "asc", "marker": min(made)}
    after = w.call("GET", "/v2/images", P1, query=query).json()["images"]
    assert [i["id"] for i in after] == sorted(made)[1:]
