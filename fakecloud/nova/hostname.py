"""A new server's hostname (``instance.hostname``: ``OS-EXT-SRV-ATTR:hostname``), as Nova makes
it from the server's name: ``nova/utils.py`` ``sanitize_hostname`` and the compute API's
``_populate_instance_names`` (17.0.13: ``_populate_instance_names`` and
``_apply_instance_name_template``)."""

from __future__ import annotations

import re

#: ``sanitize_hostname``'s spaces and underscores, and from 23.0.0 periods (9046f0fff4 "utils:
#: Remove periods from instance hostnames"): each one becomes ``-``.
_DASHED = re.compile(r"[ _]")
_DASHED_AND_PERIODS = re.compile(r"[ _.]")
#: What is then dropped: anything but a word character (Unicode's, after the Latin-1 cut),
#: ``.`` and ``-``.
_DROPPED = re.compile(r"[^\w.-]+")


def sanitize_hostname(name: str, periods_dashed: bool) -> str:
    """``sanitize_hostname(name)``: the characters beyond U+00FF dropped, cut to 63, spaces and
    underscores (and periods when `periods_dashed`) made ``-``, anything but word characters,
    ``.`` and ``-`` dropped, lower-cased, ``.`` and ``-`` stripped from both ends ("" when
    nothing is left).

    >>> sanitize_hostname("Web_01 (prod).example", True)
    'web-01-prod-example'
    >>> sanitize_hostname("Web_01 (prod).example", False)
    'web-01-prod.example'
    >>> sanitize_hostname("élan✓", True)
    'élan'
    """
    hostname = name.encode("latin-1", "ignore").decode("latin-1")[:63]
    hostname = (_DASHED_AND_PERIODS if periods_dashed else _DASHED).sub("-", hostname)
    return _DROPPED.sub("", hostname).lower().strip(".-")


def for_server(
    name: str, uuid: str, count: int, index: int, periods_dashed: bool, index_after: bool
) -> str:
    """The hostname of server `index` (0-based) of a create of `count` named `name`:
    ``Server-<uuid>`` when `name` leaves nothing; for one of several, the name's hostname and
    ``-<index + 1>`` (`index_after`: 24.0.0, 5e2c31ab78) or, before, the hostname of the
    display name ``<name>-<index + 1>`` (cut to 63 with the suffix). `name` itself when it is its
    own hostname: the same string, not an equal copy, which every server would keep for good.

    >>> for_server("db", "u", 2, 1, True, True), for_server("db.", "u", 2, 1, True, False)
    ('db-2', 'db--2')
    >>> for_server("!!", "0f4c", 1, 0, True, True)
    'Server-0f4c'
    """
    hostname = sanitize_hostname(name, periods_dashed)
    if not hostname:
        return f"Server-{uuid}"
    if count > 1:
        if index_after:
            return f"{hostname}-{index + 1}"
        return sanitize_hostname(f"{name}-{index + 1}", periods_dashed)
    return name if hostname == name else hostname
