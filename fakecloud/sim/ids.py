"""Seeded ids and names: every UUID, request id and generated name of a cloud comes from here.

Each kind of randomness has its own stream derived from the cloud seed, so turning on an
exploration choice never shifts the ids a plain run hands out.

    >>> a, b = IdSource(7), IdSource(7)
    >>> a.uuid() == b.uuid()
    True
"""

from __future__ import annotations

import _random
from random import Random
from typing import Any

from fakecloud.sim.lazy_random import seeded

try:  # what `random` itself hashes a text seed with
    from _sha512 import sha512
except ImportError:  # pragma: no cover - a CPython built without it
    from hashlib import sha512

#: The variant and version bits of a version-4 UUID, as ``uuid.UUID(int=n, version=4)`` sets
#: them: `IdSource.uuid` formats the same string without building a UUID object.
_UUID4_CLEAR = ~((0xC000 << 48) | (0xF000 << 64)) & ((1 << 128) - 1)
_UUID4_SET = (0x8000 << 48) | (4 << 76)


def uuid4_text(bits: int) -> str:
    """``str(uuid.UUID(int=bits, version=4))`` for 128 random `bits`, without building the
    UUID object (its constructor checks what needs no checking here).

    Written from the number's 16 bytes: the first 4 in hex, the middle 6 in hex with a dash
    every 2 bytes, the last 6 in hex (a third fewer instructions than slicing the 32 hex
    digits into five strings and joining them)."""
    b = ((bits & _UUID4_CLEAR) | _UUID4_SET).to_bytes(16, "big")
    return f"{b[:4].hex()}-{b[4:10].hex('-', 2)}-{b[10:].hex()}"


def stream(seed: int, purpose: str) -> Random:
    """A random generator for one purpose, derived deterministically from the cloud seed:
    ``Random(f"fakecloud:{seed}:{purpose}")``, made by `seeded_now`."""
    return seeded_now(f"fakecloud:{seed}:{purpose}")


def _seeded_now(text: str) -> Random:
    """``Random(text)``: the same state, without ``Random.__init__``'s and ``Random.seed``'s
    Python frames (some 3,000 of a seeding's 43,000 instructions; the rest is C: sha512,
    ``init_by_array``, the state's allocation, and no exact way round it).

    ``Random.seed`` (version 2, CPython 3.9 on) seeds the C generator with the big-endian
    number of the text's UTF-8 bytes followed by their sha512 digest, and sets ``gauss_next``
    to None; ``Random.__new__`` only allocates (CPython seeds in ``__init__``)."""
    raw = text.encode()
    rng = _allocate(Random)
    _seed_words(rng, _from_bytes(raw + sha512(raw).digest(), "big"))
    rng.gauss_next = None
    return rng


_allocate = Random.__new__
_seed_words = _random.Random.seed  # the C generator's own: an int's 32-bit words
_from_bytes = int.from_bytes


def _same_as_random(make: Any) -> bool:
    """Whether `make(text)` is ``Random(text)`` on this interpreter (its state, and that
    nothing else differs: the class and the instance's fields)."""
    for text in ("", "fakecloud:0:ids", "fakecloud:1:nova.password.\u00e9"):
        mine, theirs = make(text), Random(text)
        if (
            mine.__class__ is not Random
            or mine.getstate() != theirs.getstate()
            or vars(mine) != vars(theirs)
        ):
            return False
    return True


#: `_seeded_now` where it is ``Random(text)`` (checked once per process), else ``Random``.
seeded_now = _seeded_now if _same_as_random(_seeded_now) else Random


def stream_seeded_on_use(seed: int, purpose: str) -> Random:
    """`stream`, seeded at its first use (`fakecloud.sim.lazy_random.seeded`): for a stream
    every cloud makes and few draw from, whose seeding from text would be a tenth of what
    building a cloud costs without it."""
    return seeded(f"fakecloud:{seed}:{purpose}")


def first_hex_ids(seed: int, purpose: str, count: int) -> tuple[str, ...]:
    """The first `count` draws of ``stream(seed, purpose).getrandbits(128)``, each as 32 hex
    digits: for a stream that is made, drawn `count` times and dropped where it is made
    (Keystone's default directory and its catalog, built with every cloud).

    Remembered per process by the stream's seed text and `count`, up to `_FIRST_IDS_KEPT`:
    seeding a Mersenne Twister from text is some 42,000 instructions, and a test process
    builds cloud after cloud of a few seeds."""
    text = f"fakecloud:{seed}:{purpose}"  # `stream`'s
    ids = _first_ids.get((text, count))
    if ids is None:
        rng = seeded_now(text)
        ids = tuple(f"{rng.getrandbits(128):032x}" for _ in range(count))
        if len(_first_ids) >= _FIRST_IDS_KEPT:
            _first_ids.clear()
        _first_ids[text, count] = ids
    return ids


#: `first_hex_ids`' draws by (seed text, count), and how many it keeps at most.
_first_ids: dict[tuple[str, int], tuple[str, ...]] = {}
_FIRST_IDS_KEPT = 4096


class IdSource:
    """UUIDs, request ids and human names drawn from the cloud's seed, never from the OS."""

    _faker: Any
    _counters: dict[str, int]

    #: `anonymous_request_id`'s stream, made on its first draw (a cloud that never draws one,
    #: and a cloud saved before it existed, holds none: loaded, it starts afresh).
    _anonymous: Random | None = None

    def __init__(self, seed: int):
        self.seed = seed
        self._rng = stream(seed, "ids")
        self._faker = None
        self._counters = {}

    def uuid(self) -> str:
        """A version-4 UUID string, as OpenStack services use for resource ids."""
        b = ((self._rng.getrandbits(128) & _UUID4_CLEAR) | _UUID4_SET).to_bytes(16, "big")
        return f"{b[:4].hex()}-{b[4:10].hex('-', 2)}-{b[10:].hex()}"  # see `uuid4_text`

    def request_id(self) -> str:
        """An OpenStack request id, ``req-<uuid>`` (`uuid`'s draw, in this frame: every
        request takes one)."""
        b = ((self._rng.getrandbits(128) & _UUID4_CLEAR) | _UUID4_SET).to_bytes(16, "big")
        return f"req-{b[:4].hex()}-{b[4:10].hex('-', 2)}-{b[10:].hex()}"

    def anonymous_request_id(self) -> str:
        """A request id for an answer to a request without a token that fakecloud gave none
        before session 21 (Nova's ``/v2`` and ``/v2.1`` version documents): drawn from a
        stream of its own, so that every other id a cloud hands out stays what it was."""
        rng = self._anonymous
        if rng is None:
            rng = self._anonymous = stream(self.seed, "ids:anonymous requests")
        return "req-" + uuid4_text(rng.getrandbits(128))

    def hex(self, nbytes: int = 16) -> str:
        """Random hex digits (tokens, fingerprints)."""
        return self._rng.getrandbits(nbytes * 8).to_bytes(nbytes, "big").hex()

    def counter(self, name: str) -> int:
        """The next number of a named counter (1, 2, 3 ...), e.g. for instance names."""
        value = self._counters.get(name, 0) + 1
        self._counters[name] = value
        return value

    @property
    def faker(self) -> Any:
        """A Faker instance seeded for this cloud (made on first use: it costs milliseconds)."""
        if self._faker is None:
            from faker import Faker

            self._faker = Faker()
            self._faker.seed_instance(f"fakecloud:{self.seed}:faker")
        return self._faker

    def name(self, prefix: str = "") -> str:
        """A readable generated name such as ``demo-quiet-river``."""
        words = "-".join(self.faker.words(2))
        return f"{prefix}-{words}" if prefix else words
