"""Readable names for every id a scenario run touched, for the views to show instead of UUIDs.

The scenario's own names come first (``db``, ``qga``); then what the run made is named after
what it belongs to, the way an operator says it:

=====================  ==========================  ===========================================
thing                  name                        from
=====================  ==========================  ===========================================
project                ``demo``                    Keystone
server                 ``web``                     its name
image                  ``db-snap``                 its name (``db-snap#2`` for a second one)
volume                 ``db/vda``                  the server and device it is attached at
Cinder snapshot        ``db/vda@db-snap``          its volume and the image Nova made it for
attachment             ``db/vda attachment``       its volume
consistency group      ``cg``                      its name (a group's too)
group snapshot         ``cg@nightly``              its group and name (its members' ``vol@nightly``)
instance snapshot      ``db@s1``                   its server and name
=====================  ==========================  ===========================================

`resource_names` reads the services' records once, at the end of a run; the runner writes the
result into the trace as a ``scenario.names`` event, so a trace file carries its own names.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from typing import Any

from fakecloud.cinder.groups_models import DEFAULT_CGSNAPSHOT_TYPE

_NOVA_SNAPSHOT_PREFIX = "snapshot for "


def resource_names(cloud: Any, named: Mapping[str, str] | None = None) -> dict[str, str]:
    """Id → readable name for the resources of `cloud`; `named` (the scenario's) come first."""
    book = _Book(named)
    keystone = getattr(cloud, "keystone", None)
    directory = getattr(keystone, "directory", None)
    if directory is not None:
        for project in directory.projects.values():
            book.add(project.id, project.name)
    nova = getattr(cloud, "nova", None)
    if nova is not None:
        for uuid, instance in nova.db.instances.items():
            book.add(uuid, getattr(instance, "display_name", "") or "server")
    glance = getattr(cloud, "glance", None)
    if glance is not None:
        for image in glance.db.images.values():
            book.add(image.id, image.name or "image")
    cinder = getattr(cloud, "cinder", None)
    if cinder is not None:
        _cinder_names(cinder.store, book)
    store = getattr(nova, "instance_snapshot_store", None)
    if store is not None:
        for snap in store.snapshots.values():
            book.add(snap.id, f"{book.name(snap.instance_uuid)}@{snap.name}")
    return book.names


def _cinder_names(store: Any, book: _Book) -> None:
    for volume in store.volumes.values():
        attached = [a for a in volume.attachments if a.instance_uuid and a.mountpoint]
        if attached and volume.id not in book.names:
            a = attached[0]
            book.add(volume.id, f"{book.name(a.instance_uuid)}/{posixpath.basename(a.mountpoint)}")
        else:
            book.add(volume.id, volume.display_name or "volume")
        for a in volume.attachments:
            book.add(a.id, f"{book.name(volume.id)} attachment")
    for snap in store.snapshots.values():
        what = snap.display_name or "snapshot"
        if what.startswith(_NOVA_SNAPSHOT_PREFIX):
            what = what[len(_NOVA_SNAPSHOT_PREFIX) :]
        book.add(snap.id, f"{book.name(snap.volume_id)}@{what}")
    groups = getattr(store, "groups", None)  # made with the first group (`group_tables`)
    if groups is not None:
        _group_names(groups, book)


def _group_names(tables: Any, book: _Book) -> None:
    """Consistency groups and generic groups by name (a consistency group is a group of
    ``default_cgsnapshot_type`` since Cinder 12.0.0); group snapshots (cgsnapshots) by their
    group and name, as a volume's snapshots."""
    cg_type = next((t.id for t in tables.types.values() if t.name == DEFAULT_CGSNAPSHOT_TYPE), None)
    for group in tables.groups.values():
        unnamed = "consistency group" if group.group_type_id == cg_type else "group"
        book.add(group.id, group.name or unnamed)
    for snap in tables.snapshots.values():
        book.add(snap.id, f"{book.name(snap.group_id)}@{snap.name or 'snapshot'}")


class _Book:
    """Names given so far; a name already taken by another id gets ``#2``, ``#3``…"""

    names: dict[str, str]
    _taken: set[str]

    def __init__(self, named: Mapping[str, str] | None):
        self.names = {}
        self._taken = set()
        for ident, name in (named or {}).items():
            self.add(ident, name)

    def add(self, ident: str, name: str) -> None:
        if ident in self.names:
            return
        unique, n = name, 1
        while unique in self._taken:
            n += 1
            unique = f"{name}#{n}"
        self._taken.add(unique)
        self.names[ident] = unique

    def name(self, ident: str | None) -> str:
        return self.names.get(str(ident), str(ident))
