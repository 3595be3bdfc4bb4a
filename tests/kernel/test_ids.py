"""Seeded ids: the text of a version-4 UUID made without the uuid module is the module's own."""

import uuid
from random import Random

from fakecloud.sim.ids import IdSource, uuid4_text


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
