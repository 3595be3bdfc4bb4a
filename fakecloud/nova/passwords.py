"""``nova.utils.generate_password``: a new server's adminPass from a seeded stream.

Nova draws one character of each symbol group, shuffles them, adds characters of the whole
alphabet up to the length and shuffles again, with ``random.SystemRandom``'s ``choice`` and
``shuffle``. Here the draws come from a seeded `random.Random` and are made as ``choice`` and
``shuffle`` make them (``_randbelow``: ``getrandbits(n.bit_length())`` until below ``n``), in
one loop: a boot then costs one Python call for its password, not seventy, and gives the
same password as ``choice``/``shuffle`` on that stream (tests/nova/test_passwords.py).
"""

from __future__ import annotations

from random import Random

#: ``nova.utils.DEFAULT_PASSWORD_SYMBOLS``: a generated adminPass has one of each group.
SYMBOLS = ("23456789", "ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghijkmnopqrstuvwxyz")
ALPHABET = "".join(SYMBOLS)
#: ``CONF.password_length``'s default.
LENGTH = 12


def _draws(length: int) -> tuple[tuple[int, int], ...]:
    """(n, bits) of each ``_randbelow(n)`` that `generate_password` makes, in order: a choice
    per group, the shuffle of those, a choice per remaining character, the final shuffle."""
    sizes = [len(group) for group in SYMBOLS]
    sizes += range(len(SYMBOLS), 1, -1)
    sizes += [len(ALPHABET)] * (length - len(SYMBOLS))
    sizes += range(length, 1, -1)
    return tuple((n, n.bit_length()) for n in sizes)


_DRAWS = _draws(LENGTH)


def generate_password(rng: Random) -> str:
    """``generate_password()`` of Nova with `rng`'s draws (12 characters)."""
    getrandbits = rng.getrandbits
    picks = []
    for n, bits in _DRAWS:
        r = getrandbits(bits)
        while r >= n:
            r = getrandbits(bits)
        picks.append(r)
    groups = len(SYMBOLS)
    password = [group[pick] for group, pick in zip(SYMBOLS, picks[:groups], strict=True)]
    _shuffle(password, picks, groups)
    at = 2 * groups - 1
    password += [ALPHABET[pick] for pick in picks[at : at + LENGTH - groups]]
    _shuffle(password, picks, at + LENGTH - groups)
    return "".join(password)


def _shuffle(x: list[str], picks: list[int], at: int) -> None:
    """``Random.shuffle(x)`` with its draws taken from ``picks[at:]``."""
    for i in range(len(x) - 1, 0, -1):
        j = picks[at]
        at += 1
        x[i], x[j] = x[j], x[i]
