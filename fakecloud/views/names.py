"""Readable names for the ids in a trace: ``db`` rather than ``871edeee-5182-…``.

A scenario run records its names in the trace (the ``scenario.names`` event: the scenario's own
names for its servers, images and volumes, and names for what the run made, such as
``db/vda@db-snap`` for the Cinder snapshot of ``db``'s root volume). Ids nobody named get a
name from the kind of thing they are, in order of appearance (``server-1``, ``image-2``,
``volume-snapshot-1``, ``project-1`` for a project id in a Cinder path). Every view shows
names and keeps the id at hand (on hover in HTML).

    >>> names = Names.from_events(events)
    >>> names.text("GET /v3/828e…/snapshots/35182de9-…")
    'GET /v3/demo/snapshots/db/vda@db-snap'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

#: A UUID (with dashes) or a 32-hex-digit id (Keystone's project and user ids).
ID_RE = re.compile(
    r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b|\b[0-9a-f]{32}\b"
)

#: A project id in a Cinder path (``/v3/<project>/...``), for a trace that does not name it.
_PROJECT_IN_PATH = re.compile(r"^\S+ /v3/([0-9a-f]{32})(?:/|$)")

#: The kind of thing a state machine's subject is, for names of ids nobody named.
_KIND_OF_MACHINE = {
    "nova.instance": "server",
    "libvirt.guest": "server",
    "volume": "volume",
    "snapshot": "volume-snapshot",
    "attachment": "attachment",
    "glance.image": "image",
    "nova.instance_snapshot": "instance-snapshot",
    "group": "group",
    "group_snapshot": "group-snapshot",
}


def _kind_of(machine: str) -> str | None:
    for prefix, kind in _KIND_OF_MACHINE.items():
        if machine == prefix or machine.startswith(prefix + "."):
            return kind
    return None


class Names:
    """Id → readable name, with the reverse for showing the id beside a name."""

    _names: dict[str, str]
    _counts: dict[str, int]

    def __init__(self, names: Mapping[str, str] | None = None):
        self._names = dict(names or {})
        self._counts = {}

    @classmethod
    def from_events(cls, events: Iterable[dict[str, Any]], names: Mapping[str, str] | None = None):
        """The names a trace records (``scenario.names``), then `names`, then generic ones for
        the subjects of state changes, numbered in order of appearance."""
        found = cls()
        generic: list[tuple[str, str]] = []
        for e in events:
            kind = e["kind"]
            if kind == "scenario.names":
                found._names.update(e.get("names") or {})
            elif kind == "state" and e.get("old") is None:
                what = _kind_of(str(e.get("machine", "")))
                if what is not None:
                    generic.append((str(e["subject"]), what))
            elif kind in ("api.request", "http.request"):
                project = _PROJECT_IN_PATH.search(str(e.get("subject") or ""))
                if project is not None:
                    generic.append((project.group(1), "project"))
        found._names.update(names or {})
        for ident, what in generic:
            found.add_generic(ident, what)
        return found

    def add_generic(self, ident: str, what: str) -> str:
        """Name `ident` ``<what>-<n>`` unless it has a name; its name."""
        if ident in self._names:
            return self._names[ident]
        n = self._counts.get(what, 0) + 1
        self._counts[what] = n
        self._names[ident] = name = f"{what}-{n}"
        return name

    def get(self, ident: Any) -> str:
        """The name of `ident`, or `ident` itself as text when it has none."""
        text = "" if ident is None else str(ident)
        return self._names.get(text, text)

    def text(self, value: Any) -> str:
        """`value` as text with every id in it replaced by its name."""
        text = "" if value is None else str(value)
        if not text:
            return text
        names = self._names
        return ID_RE.sub(lambda m: names.get(m.group(0), m.group(0)), text)

    def marked(self, value: Any) -> str:
        """`value` as text with every named id in it replaced by ``<name>``: for values quoted
        as they were (a response body in a failed check), where a bare name would read like
        the value itself (``'id': 'data'``); ``'id': '<data>'`` says it stands for data's id."""
        text = "" if value is None else str(value)
        names = self._names
        return ID_RE.sub(lambda m: f"<{names[m[0]]}>" if m[0] in names else m[0], text)

    def ids_in(self, value: Any) -> list[str]:
        """The named ids in `value` (for a hover that shows them)."""
        text = "" if value is None else str(value)
        return [m.group(0) for m in ID_RE.finditer(text) if m.group(0) in self._names]

    def as_dict(self) -> dict[str, str]:
        """A copy of every id → name."""
        return dict(self._names)

    def __len__(self) -> int:
        return len(self._names)
