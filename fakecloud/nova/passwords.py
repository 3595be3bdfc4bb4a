"""``nova.utils.generate_password``: a new server's adminPass from a seeded stream.

Nova draws one character of each symbol group, shuffles them, adds characters of the whole
alphabet up to the length and shuffles again, with ``random.SystemRandom``'s ``choice`` and
``shuffle``. Here the draws come from a seeded `random.Random` and are made as ``choice`` and
``shuffle`` make them (``_randbelow``: ``getrandbits(n.bit_length())`` until below ``n``), in
one function written out draw by draw: a boot then costs one Python call for its password, not
seventy, and gives the same password as ``choice``/``shuffle`` on that stream, which it leaves
in the same state (tests/nova/test_passwords.py).
"""

from __future__ import annotations

from collections.abc import Callable
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


def _source(length: int) -> str:
    """The text of ``generate_password(rng)`` for passwords of `length` characters."""
    groups = len(SYMBOLS)
    lines = [
        "def generate_password(rng):",
        f'    """``generate_password()`` of Nova with `rng`\'s draws ({length} characters)."""',
        "    draw = rng.getrandbits",
    ]
    for i, (n, bits) in enumerate(_draws(length)):
        lines += [
            f"    r{i} = draw({bits})",
            f"    while r{i} >= {n}:",
            f"        r{i} = draw({bits})",
        ]
    lines.append(f"    p = [{', '.join(f'SYMBOLS[{g}][r{g}]' for g in range(groups))}]")
    at = groups

    def shuffle(size: int) -> None:  # ``Random.shuffle``: swap i with a draw below i + 1
        nonlocal at
        for i in range(size - 1, 0, -1):
            lines.append(f"    p[{i}], p[r{at}] = p[r{at}], p[{i}]")
            at += 1

    shuffle(groups)
    lines.append(f"    p += ({''.join(f'ALPHABET[r{at + k}], ' for k in range(length - groups))})")
    at += length - groups
    shuffle(length)
    lines.append("    return ''.join(p)")
    return "\n".join(lines)


def _compile(length: int) -> Callable[[Random], str]:
    namespace = {"SYMBOLS": SYMBOLS, "ALPHABET": ALPHABET}
    exec(_source(length), namespace)  # noqa: S102 - the source is built from the tables above
    return namespace["generate_password"]


# Written out rather than a loop over the draws: a loop's unpacking, indexing and appends cost
# more than the draws themselves (52,000 instructions a password against 27,000).
generate_password = _compile(LENGTH)
