"""How much of a password or an application credential's secret Keystone reads: its hash.

``[identity] password_hash_algorithm`` is ``bcrypt`` by default in every release, and bcrypt
reads 72 bytes. ``password_hashing.verify_length_and_trunc_password`` first cuts what it is
given, by the release (switch ``keystone_bcrypt_max_length``, its ``BCRYPT_MAX_LENGTH``):

- ``None`` (13.0.0-22.0.0, 21.0.0): to ``max_password_length`` characters (4,096), then
  passlib's bcrypt truncates the UTF-8 to 72 bytes silently;
- ``54`` (23.0.0 alone, 3288af579): to 54 *characters*, then bcrypt's 72 bytes;
- ``72`` (6730c761d: 24.0.0, backported to 21.0.1, 22.0.1 and 23.0.1): the UTF-8 to 72
  bytes.

With ``[DEFAULT] strict_password_check`` off (its default) nothing is refused: any password
that agrees on what is read of the one set authenticates, and each cut logs Keystone's warning
"Truncating user password to N characters." (`cut_warning`). A password or secret UTF-8
cannot encode (a lone surrogate, JSON's ``"\\ud800"``) in what is kept is Keystone's
unexpected 500 wherever it is hashed or checked (13.0.0-30.0.0 common/password_hashing.py:
``hash_password`` and ``check_password`` encode it, and nothing catches the
``UnicodeEncodeError``).

    >>> matches("x" * 72 + "typed", "x" * 72 + "set", 72), matches("secret", "Secret", 72)
    (True, False)
    >>> matches("x" * 60, "x" * 54 + "tail", 54), matches("x" * 60, "x" * 54 + "tail", 72)
    (True, False)
"""

from __future__ import annotations

from fakecloud.identity import exception

#: How many bytes bcrypt reads.
BCRYPT_MAX_LENGTH = 72
#: ``[identity] max_password_length``'s default (characters).
MAX_PASSWORD_LENGTH = 4096


def _max_length(bcrypt_max_length: int | None) -> int:
    return MAX_PASSWORD_LENGTH if bcrypt_max_length is None else bcrypt_max_length


def read(password: str, bcrypt_max_length: int | None) -> bytes:
    """What of `password` the hash reads (Keystone's 500 for one UTF-8 cannot encode)."""
    try:
        if bcrypt_max_length == BCRYPT_MAX_LENGTH:  # 6730c761d: bytes, encoded first
            return password.encode()[:BCRYPT_MAX_LENGTH]
        return password[: _max_length(bcrypt_max_length)].encode()[:BCRYPT_MAX_LENGTH]
    except UnicodeEncodeError:
        raise exception.Error() from None


def cut_warning(password: str, bcrypt_max_length: int | None) -> str | None:
    """The warning Keystone logs when it cuts `password` (None when it does not)."""
    max_length = _max_length(bcrypt_max_length)
    try:
        size = len(password.encode()) if bcrypt_max_length == BCRYPT_MAX_LENGTH else len(password)
    except UnicodeEncodeError:  # the 500 comes first
        return None
    if size > max_length:
        return f"Truncating user password to {max_length} characters."
    return None


def matches(given: str, stored: str | None, bcrypt_max_length: int | None) -> bool:
    """Whether `given` passes for `stored` (``check_password``); no password never matches."""
    return (
        stored is not None
        and isinstance(given, str)
        and read(given, bcrypt_max_length) == read(stored, bcrypt_max_length)
    )
