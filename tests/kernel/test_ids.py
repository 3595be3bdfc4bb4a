"""Seeded ids: the text of a version-4 UUID made without the uuid module is the module's own."""

import uuid
from random import Random

from fakecloud.sim.ids import IdSource, stream, uuid4_text


def test_uuid4_text_is_uuid_modules_text_for_any_bits():
    rng = Random(5)
    cases = [0, (1 << 128) - 1, 1 << 127, 0x8000 << 48] + [
        rng.getrandbits(128) for _ in range(2000)
    ]
    for bits in cases:
        assert uuid4_text(bits) == str(uuid.UUID(int=bits, version=4))


def test_id_source_uuids_are_version_4():
    ids = IdSource(3)
    for _ in range(200):
        text = ids.uuid()
        parsed = uuid.UUID(text)
        assert parsed.version == 4 and str(parsed) == text


def test_id_source_draws_are_the_uuid_modules_text_of_its_stream():
    """Each id and request id is one 128-bit draw of the seed's ``ids`` stream, as the uuid
    module writes it: a cloud of a given seed hands out the ids it always did."""
    ids, rng = IdSource(3), stream(3, "ids")
    for _ in range(500):
        assert ids.uuid() == str(uuid.UUID(int=rng.getrandbits(128), version=4))
        assert ids.request_id() == f"req-{uuid.UUID(int=rng.getrandbits(128), version=4)}"


def test_a_stream_is_random_seeded_from_its_text():
    """`stream` seeds the C generator itself (no ``Random.__init__`` frames): the same state,
    class and fields as ``Random(text)``, for texts of every kind a cloud seeds from."""
    from fakecloud.sim import ids

    assert ids.seeded_now is ids._seeded_now  # this CPython's seeding is the one it copies
    purposes = ["ids", "nova.password.6f1c", "nova.bdm.12", "", "é" * 40, "x" * 5000, "\U0001f600"]
    for seed in (0, 1, 2**70, -3):
        for purpose in purposes:
            mine, theirs = stream(seed, purpose), Random(f"fakecloud:{seed}:{purpose}")
            assert type(mine) is Random and vars(mine) == vars(theirs)
            assert mine.getstate() == theirs.getstate()
            assert [mine.getrandbits(128) for _ in range(700)] == [
                theirs.getrandbits(128) for _ in range(700)
            ]


def test_a_seeding_unlike_randoms_is_not_taken():
    from fakecloud.sim import ids

    assert ids._same_as_random(ids._seeded_now)
    assert not ids._same_as_random(lambda text: Random(text + "."))
    assert not ids._same_as_random(lambda text: Random(0))
