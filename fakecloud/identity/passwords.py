"""How much of a password or an application credential's secret Keystone reads: its hash.

``[identity] password_hash_algorithm`` is ``bcrypt`` by default in every release, and bcrypt
reads 72 bytes (passlib truncates silently to 20.x; ``password_hashing
.verify_length_and_trunc_password`` truncates from 6730c761d: 24.0.0, backported to 21.0.1,
22.0.1 and 23.0.1; 23.0.0 alone cut at 54 characters). With ``[DEFAULT]
strict_password_check`` off (its default) nothing is refused: any password that agrees on the
first 72 bytes of the one set authenticates. A password or secret UTF-8 cannot encode (a
lone surrogate, JSON's ``"\ud800"``) is Keystone's unexpected 500 wherever it is hashed or
checked: ``hash_password`` and ``check_password`` encode it (13.0.0-30.0.0
common/password_hashing.py; before 24.0.0 and its backports after cutting it to
``max_password_length`` characters, 4,096, which fakecloud does not), and nothing catches the
``UnicodeEncodeError``.

    >>> matches("x" * 72 + "typed", "x" * 72 + "set"), matches("secret", "Secret")
    (True, False)
"""

from __future__ import annotations

from fakecloud.identity import exception

#: How many bytes bcrypt reads.
BCRYPT_MAX_LENGTH = 72


def read(password: str) -> bytes:
    """What of `password` the hash reads (Keystone's 500 for one UTF-8 cannot encode)."""
    try:
        return password.encode()[:BCRYPT_MAX_LENGTH]
    except UnicodeEncodeError:
        raise exception.Error() from None


def matches(given: str, stored: str | None) -> bool:
    """Whether `given` passes for `stored` (``check_password``); no password never matches."""
    return stored is not None and isinstance(given, str) and read(given) == read(stored)
