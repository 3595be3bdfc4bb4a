"""`Instance.save` refreshes the copy from its row in full only when someone else wrote the row
since the copy last synced with it; otherwise the copy already holds the row's values. Both
ways must leave the copy exactly as a full refresh would (Nova's ``_from_db_object``)."""

from __future__ import annotations

from pathlib import Path

from fakecloud import Cloud
from fakecloud.nova import states
from fakecloud.nova.objects import INSTANCE_FIELDS, Instance
from tests.nova.conftest import NovaEnv


def _fields(inst: Instance) -> dict:
    """The fields a refresh gives, but ``updated_at``: a saved object keeps the one its save
    read (the row's before the save), as `test_a_copy_saved_twice_holds_what_a_full_refresh_gives`
    checks."""
    return {name: getattr(inst, name) for name in INSTANCE_FIELDS if name != "updated_at"}


def _refreshed(inst: Instance) -> dict:
    """What a full refresh from the row would give `inst`."""
    twin = inst.clone()
    twin.refresh_from(inst._db.instances[inst.uuid])
    return _fields(twin)


def test_a_copy_saved_twice_holds_what_a_full_refresh_gives():
    env = NovaEnv()
    sid = env.boot()
    db = env.nova.db
    copy = db.instance_get(sid, "test")
    copy.task_state = states.IMAGE_SNAPSHOT_PENDING
    copy.system_metadata = {**copy.system_metadata, "k": "v"}
    env.kernel.advance(1.0)
    copy.save(expected_task_state=[None])
    assert copy._synced == db.instances[sid]._synced  # in sync: the next save is cheap
    copy.task_state = states.IMAGE_SNAPSHOT
    copy.metadata["m"] = "1"  # edited in place
    env.kernel.advance(1.0)
    copy.save(expected_task_state=states.IMAGE_SNAPSHOT_PENDING)
    assert _fields(copy) == _refreshed(copy)
    # the row's updated_at the save read, not the one it wrote (oslo.db update_on_match)
    assert (copy.updated_at, db.instances[sid].updated_at) == (env.kernel.now - 1.0, env.kernel.now)
    assert copy.changes() == {}
    copy.metadata["m"] = "2"
    assert copy.changes() == {"metadata": {"m": "2"}}


def test_a_copy_another_writer_overtook_is_refreshed_in_full():
    env = NovaEnv()
    sid = env.boot()
    db = env.nova.db
    first, second = db.instance_get(sid, "a"), db.instance_get(sid, "b")
    first.display_name = "renamed"
    first.save()
    second.task_state = states.IMAGE_SNAPSHOT_PENDING
    second.save(expected_task_state=[None])
    assert second.display_name == "renamed"
    assert _fields(second) == _refreshed(second)
    db.instance_force(sid, "test", {}, progress=42)  # a write no copy made
    second.task_state = states.IMAGE_SNAPSHOT
    second.save(expected_task_state=states.IMAGE_SNAPSHOT_PENDING)
    assert second.progress == 42
    db.instance_set_fixed(second, key_name="k2")  # written to the row and to `second` only
    first.locked = True
    first.save()
    assert (first.progress, first.key_name, first.task_state) == (42, "k2", states.IMAGE_SNAPSHOT)
    assert _fields(first) == _refreshed(first)


def test_the_sync_marker_is_not_saved_and_starts_afresh_in_copies(tmp_path: Path):
    env = NovaEnv()
    cloud = env.cloud
    sid = env.boot()
    row = cloud.nova.db.instances[sid]
    assert row._synced > 0
    path = tmp_path / "world.json"
    cloud.save(path)
    assert "_synced" not in path.read_text()
    for other in (cloud.fork(), Cloud.load(path)):
        twin = other.nova.db.instances[sid]
        assert twin._synced == 0
        copy = other.nova.db.instance_get(sid, "test")
        copy.display_name = "after"
        copy.save()
        assert _fields(copy) == _refreshed(copy)
        server = other.request("compute", "GET", f"/v2.1/servers/{sid}").json()["server"]
        assert server["name"] == "after"


def test_changes_names_the_fields_set_or_changed_in_field_order():
    """`Instance.changes` against its definition (each saved field set since the copy was
    loaded, to any value, as oslo.versionedobjects marks it, or a dict differing from what
    the copy was loaded with; in field order) for copies with a few fields set anew: to
    another value, to an equal value that is another object, or to the same one; dicts
    replaced or edited in place."""
    import random

    from fakecloud.nova.objects import SAVED_FIELDS

    env = NovaEnv()
    row = env.nova.db.instances[env.boot()]
    rng = random.Random(18)
    for _ in range(300):
        copy = row.clone("test")
        loaded = {name: getattr(copy, name) for name in SAVED_FIELDS}
        loaded = {k: dict(v) if isinstance(v, dict) else v for k, v in loaded.items()}
        assigned = set()
        for name in rng.sample(SAVED_FIELDS, rng.choice((0, 1, 1, 1, 2, 4))):
            old, how = getattr(copy, name), rng.randrange(3)
            assigned.add(name)
            if isinstance(old, dict):
                if how == 0:
                    old["k"] = "v"  # in place
                    assigned.discard(name)
                else:
                    setattr(copy, name, dict(old) if how == 1 else {**old, "k": "w"})
            elif how == 0:
                setattr(copy, name, f"new {name}")
            elif how == 1 and isinstance(old, str):
                setattr(copy, name, "".join(list(old)) + "")  # equal, maybe another object
            else:
                setattr(copy, name, old)
        expected = {
            n: getattr(copy, n)
            for n in SAVED_FIELDS
            if n in assigned or getattr(copy, n) != loaded[n]
        }
        assert list(copy.changes().items()) == list(expected.items())
