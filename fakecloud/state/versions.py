"""The saved file's format versions, and the configuration defaults an earlier one relies on.

A file (format 2 and later) writes only the configuration keys a cloud set apart from their
defaults, so the defaults of the fakecloud that saved it are part of the file. When a default
changes (one that now follows the release, as Nova's image list page size does since session
46), the format version goes up and `EARLIER_DEFAULTS` keeps the old value: a file of an earlier
version that does not name the key loads with the value it was saved relying on, and a save of
the loaded cloud writes it (the key is then apart from today's default). A file of a version
this fakecloud does not know (a later fakecloud's) is refused, naming the file and the field.

    >>> with_earlier_defaults({"config": {}}, 2)["config"]["image_api"]
    {'page_size': 20}
"""

from __future__ import annotations

import reprlib
from typing import Any

from fakecloud.errors import StateError

FORMAT = "fakecloud-state"
#: 1: every key and switch written, in the header and again in the nodes (before session 17).
#: 2: the settings written once, in the header, as what differs from their defaults.
#: 3 (session 46): as 2; a file of 1 or 2 reads the defaults of its day (`EARLIER_DEFAULTS`).
#: 4 (session 46): as 3, ``nova.rbd_pool`` Nova's ``rbd`` (a file of 1 to 3 reads ``vms``).
FORMAT_VERSION = 4
READ_VERSIONS = (1, 2, 3, 4)

#: ``{version: {(section, key): the default before it}}``: the configuration defaults that
#: format `version` changed. A file of an earlier version saved a cloud whose key held that
#: value unless its header names it.
EARLIER_DEFAULTS: dict[int, dict[tuple[str, str], Any]] = {
    3: {
        # python-glanceclient's page, 20 until Nova 25.x and 200 from 26.0.0 since session 46
        # (`fakecloud.nova.image_api.GLANCECLIENT_PAGE_200`): 20 whatever the release before
        ("image_api", "page_size"): 20,
    },
    4: {
        # [libvirt] images_rbd_pool, read since session 46 (an empty one fails an rbd spawn):
        # devstack's vms was the default, where Nova's is rbd in every release
        ("nova", "rbd_pool"): "vms",
    },
}


def with_earlier_defaults(header: dict[str, Any], version: int) -> dict[str, Any]:
    """`header` (a file's ``"cloud"``, checked) with the configuration defaults a file of
    `version` relied on written into its ``config`` for every key it does not name (a copy;
    `header` itself is left alone)."""
    pinned = [
        item
        for later, defaults in sorted(EARLIER_DEFAULTS.items())
        if later > version
        for item in defaults.items()
    ]
    if not pinned:
        return header
    config = {
        name: dict(keys) if type(keys) is dict else keys for name, keys in header["config"].items()
    }
    for (section, key), value in pinned:
        keys = config.setdefault(section, {})
        if type(keys) is dict:  # else damaged: refused, naming it, where it is built
            keys.setdefault(key, value)
    return {**header, "config": config}


def check_version(data: dict[str, Any], source: Any) -> int:
    """The format version of a file's `data` (a JSON object saying ``"format"``), refused
    (`StateError`, naming `source` and the field) unless this fakecloud reads it."""
    version = data.get("version")
    if type(version) is int and version in READ_VERSIONS:
        return version
    from fakecloud.version import __version__

    # reprlib: a hand-edited version of 400 digits was printed whole
    shown = reprlib.repr(version)
    saved_by = reprlib.repr(data.get("fakecloud", "?")).strip(chr(39))
    reads = ", ".join(map(str, READ_VERSIONS[:-1])) + f" and {READ_VERSIONS[-1]}"
    if type(version) is int and version > FORMAT_VERSION:
        why = "newer than this fakecloud knows: load it with the fakecloud version that saved it"
    else:
        why = "not a version fakecloud ever wrote: was the file edited?"
    raise StateError(
        f"{source} is fakecloud state format {shown} (saved by fakecloud {saved_by}; "
        f'the file\'s "version" field), {why}; this fakecloud ({__version__}) reads formats {reads}'
    )
