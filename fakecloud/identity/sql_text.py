"""The strings Keystone's SQL backends write to a column or query by. One UTF-8 cannot encode
(a lone surrogate, JSON's ``"\\ud800"``) fails the driver's encoding (sqlite's and PyMySQL's
alike), which oslo.db raises as ``DBInvalidUnicodeParameter`` (oslo.db 12.1.1 and 18.1.1
sqlalchemy/exc_filters.py ``_raise_for_unicode_encode``) and no Keystone handler maps: its
unexpected 500, and nothing is stored (keystone 22.0.0 and 30.0.0, by the keystone oracle's
harness). A string Keystone keeps in a row's ``extra`` JSON (a user's description or email,
a service's name) is stored escaped, and read back as given.

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
    UTF-8 text."""
    for field in fields:
        value = ref.get(field)
        for text in value if isinstance(value, list) else [value]:
            if isinstance(text, str):
                text_of(text)


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
