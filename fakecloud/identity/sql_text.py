"""The strings Keystone's SQL backends write to a column or query by. One UTF-8 cannot encode
(a lone surrogate, JSON's ``"\\ud800"``) fails the driver's encoding (sqlite's and PyMySQL's
alike), which oslo.db raises as ``DBInvalidUnicodeParameter`` (oslo.db 12.1.1 and 18.1.1
sqlalchemy/exc_filters.py ``_raise_for_unicode_encode``) and no Keystone handler maps: its
unexpected 500, and nothing is stored (keystone 22.0.0 and 30.0.0, by the keystone oracle's
harness). A string Keystone keeps in a row's ``extra`` JSON (a user's description or email,
a service's name) is stored escaped, and read back as given.

A character beyond the BMP (4 bytes of UTF-8: an emoji) in a column is refused too, as the
gate's MySQL stores Keystone's tables: devstack creates each database ``CHARACTER SET utf8``
and connects with ``?charset=utf8`` (``lib/databases/mysql``, every release), Keystone makes
its tables ``mysql_charset='utf8'`` (13.0.4's migrations to 30.0.0's initial version), 3-byte
``utf8mb3``, under ``sql_mode=TRADITIONAL``: error 1366 "Incorrect string value", PyMySQL's
``DataError``, oslo.db's ``DBDataError``, which no handler maps: the unexpected 500 and nothing
stored (`columns`). In ``extra`` JSON it is escaped to ASCII (``jsonutils.dumps``): stored.
The keystone oracle's sqlite stores it in either.

    >>> try:
    ...     columns({"name": "web \U0001f600"}, "name")
    ... except exception.Error as exc:
    ...     print(exc.code)
    500

    >>> check({"name": "web", "tags": ["a", "b"]}, "name", "tags")
    >>> try:
    ...     check({"tags": ["a", "b\\ud800"]}, "tags")
    ... except exception.Error as exc:
    ...     print(exc.code)
    500
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fakecloud.identity import exception


def check(ref: Mapping[str, Any], *fields: str) -> None:
    """Keystone's 500 if a string (or a list's string) of `ref` at one of `fields` is no
    UTF-8 text, or holds a character MySQL's ``utf8`` cannot store (`columns`)."""
    for field in fields:
        value = ref.get(field)
        for text in value if isinstance(value, list) else [value]:
            if isinstance(text, str):
                text_of(text)
                if not fits_column(text):
                    raise exception.Error()


#: The first code point MySQL's 3-byte ``utf8`` cannot store.
_BEYOND_BMP = "\U00010000"


def fits_column(value: str) -> bool:
    """Whether MySQL's ``utf8`` (``utf8mb3``) column takes `value`: no character beyond the
    BMP."""
    return value.isascii() or max(value) < _BEYOND_BMP


def columns(ref: Mapping[str, Any], *fields: str) -> None:
    """Keystone's 500 (MySQL's 1366, oslo.db's ``DBDataError``) if a string of `ref` at one of
    `fields`, each a column of its table, holds a character beyond the BMP."""
    for field in fields:
        value = ref.get(field)
        if isinstance(value, str) and not fits_column(value):
            raise exception.Error()


def record_columns(record: Any, *fields: str) -> None:
    """`columns` of a record's attributes."""
    columns({field: getattr(record, field, None) for field in fields}, *fields)


def encodable(value: str) -> bool:
    """Whether UTF-8 can encode `value` (what the SQL driver binds)."""
    try:
        value.encode()
    except UnicodeEncodeError:
        return False
    return True


def text_of(value: str) -> str:
    """`value`, or Keystone's 500 if UTF-8 cannot encode it (a name a query looks up)."""
    try:
        value.encode()
    except UnicodeEncodeError:
        raise exception.Error() from None
    return value
