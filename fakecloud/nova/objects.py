"""Nova's records: Instance, Flavor, BlockDeviceMapping, InstanceAction(+Event), InstanceFault.

They mirror ``nova/objects``: an `Instance` a service holds is a **copy** of the database row,
loaded at some moment. Code sets its fields and calls `Instance.save`, which writes every field
set since the copy was loaded or saved (to the value it had too, as oslo.versionedobjects marks
a field changed on every assignment) and any dict changed in place, after the database's
compare-and-swap on ``task_state`` (see `fakecloud.nova.db`). Two requests racing on one
server therefore behave as they do in Nova: each holds its own copy, and the second ``save``
finds the row moved on.

Times are virtual seconds; views turn them into Nova's timestamp strings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields
from json.encoder import encode_basestring_ascii
from typing import Any

from fakecloud.nova import exception, json_props, states

#: Fields `Instance.save` compares and writes (the rest never change after create).
SAVED_FIELDS = (
    "display_name",
    "display_description",
    "host",
    "node",
    "vm_state",
    "task_state",
    "power_state",
    "launched_at",
    "terminated_at",
    "deleted_at",
    "image_ref",
    "root_device_name",
    "system_metadata",
    "metadata",
    "locked",
    "locked_by",
    "progress",
    "availability_zone",
    "launch_index",
)

_FIXED_FIELDS = (
    "uuid",
    "project_id",
    "user_id",
    "created_at",
    "updated_at",
    "deleted",
    "flavor",
    "key_name",
    "reservation_id",
    "hostname",
    "config_drive",
    "tags",
    "user_data",
    "access_ip_v4",
    "access_ip_v6",
    "auto_disk_config",
)

#: Every field of a row, in the order `Instance.new` sets them.
INSTANCE_FIELDS = (*SAVED_FIELDS, *_FIXED_FIELDS)

_DICT_FIELDS = ("system_metadata", "metadata")

#: Columns a save writes only when assigned (set at the create; a ``PUT /servers/{id}``
#: assigns them; a rebuild, resize or migration writes them through
#: `NovaDB.instance_set_fixed`).
_ASSIGNED_COLUMNS = ("hostname", "access_ip_v4", "access_ip_v6", "auto_disk_config")

#: The column fields an assignment marks for the next save (``obj_what_changed``): the saved
#: fields, `_ASSIGNED_COLUMNS` and ``updated_at`` (``instance.updated_at = utcnow();
#: instance.save()`` writes the time given). The others are written to the row by `NovaDB`
#: directly.
_TRACKED = frozenset((*SAVED_FIELDS, *_ASSIGNED_COLUMNS, "updated_at"))

#: A copy's ``_orig`` when no field was assigned since it was loaded or saved: the names of
#: the fields assigned since follow this one element (a row's ``_orig`` is empty). A copy's
#: saved fields change only by an assignment, which marks them (`Instance.__setattr__`; a
#: load or refresh writes a `_Loading` and marks afresh), so the marks and the two dict fields'
#: snapshots are all `Instance.changes` compares: no copy of the other 17 fields is kept.
_LOADED = (None,)

#: The order `changes` gives assigned fields in: the saved fields', `_ASSIGNED_COLUMNS`',
#: then ``updated_at``.
_CHANGE_ORDER = (*SAVED_FIELDS, *_ASSIGNED_COLUMNS, "updated_at")
_CHANGE_RANK = {name: place for place, name in enumerate(_CHANGE_ORDER)}
_rank = _CHANGE_RANK.__getitem__

_set_attr = object.__setattr__


def _compile(lines: list[str], name: str) -> Any:
    namespace: dict[str, Any] = {}
    exec("\n".join(lines), namespace)  # noqa: S102 - the source is built from the names above
    return namespace[name]


# An Instance's copy and fill are written out field by field (one slot read and write per
# field, no loop), as dataclasses writes its __init__: these run on every RPC message and
# every save, and straight-line code is several times faster than a loop. Both write a
# `_Loading` (plain slot writes: a load is no assignment).


def _field_copier() -> Any:
    """``copy(src, dst)``: every field of `src` onto `dst` (the dict fields as new dicts) and
    its database."""
    lines = ["def copy(src, dst):", "    dst._db = src._db"]
    for name in INSTANCE_FIELDS:
        value = f"dict(src.{name})" if name in _DICT_FIELDS else f"src.{name}"
        lines.append(f"    dst.{name} = {value}")
    return _compile(lines, "copy")


def _take_snapshot(inst: Any, system_metadata: dict, metadata: dict) -> None:
    """What `Instance.changes` compares with later: no field marked, and snapshots of the
    dict fields (copies no one changes, so that in-place edits of the fields show up as
    changes)."""
    _set_attr(inst, "_orig", _LOADED)
    _set_attr(inst, "_orig_system_metadata", system_metadata)
    _set_attr(inst, "_orig_metadata", metadata)


def _loaded_dicts(src: Any) -> tuple[dict, dict]:
    """Snapshots of `src`'s dict fields, for a copy loaded from `src`.

    Snapshots are never changed, so copies share them: a working copy's serve while its
    dicts still equal them. A database row keeps no snapshot, but its own dicts serve: the
    database only ever replaces a row's dict fields (`NovaDB._apply`, `NovaDB._set`), never
    edits them, so they stay what the copy was loaded with.
    """
    system_metadata, metadata = src.system_metadata, src.metadata
    if not src._orig:
        return system_metadata, metadata
    loaded_system_metadata, loaded_metadata = src._orig_system_metadata, src._orig_metadata
    if system_metadata != loaded_system_metadata:
        loaded_system_metadata = dict(system_metadata)
    if metadata != loaded_metadata:
        loaded_metadata = dict(metadata)
    return loaded_system_metadata, loaded_metadata


def _changes(inst: Any) -> dict[str, Any]:
    """The fields of `inst` assigned since its snapshot (changed or not, as
    oslo.versionedobjects marks them) and its dict fields that differ from their snapshots,
    in `_CHANGE_ORDER`."""
    names = inst._orig
    value, loaded = inst.system_metadata, inst._orig_system_metadata
    # (the same object first: most copies hold the dicts they were loaded with)
    if value is not loaded and value != loaded and "system_metadata" not in names:
        names = (*names, "system_metadata")
    value, loaded = inst.metadata, inst._orig_metadata
    if value is not loaded and value != loaded and "metadata" not in names:
        names = (*names, "metadata")
    if len(names) == 2:  # one field: most saves
        name = names[1]
        return {name: getattr(inst, name)}
    if len(names) < 2:
        return {}
    return {name: getattr(inst, name) for name in sorted(names[1:], key=_rank)}


def _filler() -> Any:
    """``fill(inst, values)``: every field of `inst` from the dict `values`."""
    lines = ["def fill(inst, values):"]
    lines += [f"    inst.{name} = values[{name!r}]" for name in INSTANCE_FIELDS]
    return _compile(lines, "fill")


_copy_fields = _field_copier()
_fill_fields = _filler()

#: ``snapshot_saved(inst, row.system_metadata, row.metadata)`` is ``inst.saved_to(row)``
#: (`_take_snapshot` itself), for `fakecloud.nova.db`'s every save: a frame less.
snapshot_saved = _take_snapshot

_new_instance = object.__new__


def access_ip(value: Any) -> Any:
    """An ``accessIPv4``/``accessIPv6`` as the Instance's ``IPV4AddressField`` /
    ``IPV6AddressField`` keeps it: ``netaddr.IPAddress(value)``, whose ``str`` is the compact
    form (``0:0:0:0:0:babe:220.12.22.2`` → ``::babe:dc0c:1602``). Anything else (``None``, an
    empty string the update schema lets through) as given."""
    if not value or value.__class__ is not str:
        return value
    import netaddr

    try:
        return str(netaddr.IPAddress(value))
    except (netaddr.AddrFormatError, ValueError):
        return value


def aton_access_ipv4(value: Any) -> Any:
    """An ``accessIPv4`` as netaddr before 1.0 keeps it (the upper constraints' 0.7.19 and 0.8.0
    up to Nova 28; ``IPAddress`` parses with ``inet_aton``), for a value jsonschema 2.6.0-3.2.0
    let through: a part with a leading zero is octal (``010`` → 8), the one newline the pattern
    lets end it is ignored. ``ValueError`` (``IPV4AddressField``'s) where ``inet_aton`` refuses
    what that schema let through: an 8 or 9 after a leading zero, a digit that is not ASCII."""
    if not value or value.__class__ is not str:
        return value
    octets = []
    for part in value.removesuffix("\n").split("."):
        octal = part[:1] == "0"
        if not (part.isascii() and part.isdigit()) or (octal and ("8" in part or "9" in part)):
            raise ValueError(f"{value!r} is not a valid IPv4 address string!")
        octets.append(str(int(part, 8 if octal else 10)))
    return ".".join(octets)


@dataclass(frozen=True)
class Flavor:
    """A flavor (``nova/objects/flavor.py``): sizes a server gets."""

    flavorid: str
    name: str
    memory_mb: int
    vcpus: int
    root_gb: int
    ephemeral_gb: int = 0
    swap: int = 0
    rxtx_factor: float = 1.0
    is_public: bool = True
    disabled: bool = False
    description: str | None = None
    extra_specs: dict = field(default_factory=dict, hash=False, compare=False)


#: devstack's default flavors, the ones clients and tutorials expect.
DEFAULT_FLAVORS = (
    Flavor("1", "m1.tiny", 512, 1, 1),
    Flavor("2", "m1.small", 2048, 1, 20),
    Flavor("3", "m1.medium", 4096, 2, 40),
    Flavor("4", "m1.large", 8192, 4, 80),
    Flavor("5", "m1.xlarge", 16384, 8, 160),
    Flavor("42", "m1.nano", 128, 1, 1),
    Flavor("84", "m1.micro", 192, 1, 1),
)


class Instance:
    """A copy of one server's database row, with Nova's ``save`` semantics.

    Build rows with `Instance.new`; get working copies from `NovaDB.instance_get`. The copy
    remembers what it was loaded with, so `changes` names the fields this holder changed.
    """

    _orig: tuple
    _db: Any
    # the fields' types (what a loaded file is checked against: `fakecloud.state.shapes`)
    display_name: str
    display_description: str | None
    host: str | None
    node: str | None
    vm_state: str | None
    task_state: str | None
    power_state: int
    launched_at: float | None
    terminated_at: float | None
    deleted_at: float | None
    image_ref: str
    root_device_name: str | None
    system_metadata: dict[str, Any]
    metadata: dict[str, Any]
    locked: bool
    locked_by: str | None
    progress: int | None
    availability_zone: str | None
    launch_index: int
    uuid: str
    project_id: str
    user_id: str
    created_at: float | None
    updated_at: float | None
    deleted: bool
    flavor: Flavor
    key_name: str | None
    reservation_id: str
    hostname: str
    config_drive: str | bool
    tags: list[str] | tuple[str, ...]
    user_data: str | None
    access_ip_v4: str | None
    access_ip_v6: str | None
    auto_disk_config: bool

    # Slots, not a __dict__: a storm holds a row and a few working copies per server, and a
    # 38-key dict is four times the size of 38 slots.
    __slots__ = (
        *INSTANCE_FIELDS,
        "_orig",
        *(f"_orig_{name}" for name in _DICT_FIELDS),
        "_db",
        "actor",
        "_synced",
    )

    def __init__(self) -> None:
        _set_attr(self, "_orig", ())
        _set_attr(self, "_db", None)
        _set_attr(self, "actor", "nova")
        #: A row's version (`NovaDB` counts its writes); a copy's, the version of its row it
        #: was last synced with, or 0 when unknown. Not saved (`fakecloud.state.kinds`).
        _set_attr(self, "_synced", 0)

    def __setattr__(self, name: str, value: Any) -> None:
        """Set a field; on a copy, mark a column field for the next save even when `value` is
        the one it holds, as oslo.versionedobjects' field setter adds the name to
        ``_changed_fields`` on every assignment (nova 17.0.13-34.0.0 ``Instance.save`` writes
        ``obj_what_changed()``). A row (no snapshot) keeps no marks: `NovaDB` writes it."""
        _set_attr(self, name, value)
        if name in _TRACKED:
            marks = self._orig
            if marks and name not in marks:
                _set_attr(self, "_orig", (*marks, name))

    @classmethod
    def new(cls, **values: Any) -> Instance:
        """A fresh row with Nova's defaults for what `values` does not give."""
        inst = _new_instance(_Loading)
        Instance.__init__(inst)
        defaults = {
            "display_name": "",
            "display_description": None,
            "host": None,
            "node": None,
            "vm_state": None,
            "task_state": None,
            "power_state": 0,
            "launched_at": None,
            "terminated_at": None,
            "deleted_at": None,
            "image_ref": "",
            "root_device_name": None,
            "system_metadata": {},
            "metadata": {},
            "locked": False,
            "locked_by": None,
            "progress": 0,
            "created_at": None,
            "updated_at": None,
            "deleted": False,
            "key_name": None,
            "availability_zone": None,
            "launch_index": 0,
            "reservation_id": "",
            "hostname": "",
            "config_drive": "",
            "tags": (),  # shared: the tags API replaces it, never edits it
            "user_data": None,
            "access_ip_v4": None,
            "access_ip_v6": None,
            "auto_disk_config": False,
        }
        defaults.update(values)
        _fill_fields(inst, defaults)
        _set_attr(inst, "__class__", cls)
        return inst

    # -- copies ------------------------------------------------------------------------------

    def clone(self, actor: str | None = None) -> Instance:
        """An independent copy (what Nova's RPC layer hands the receiving service), with this
        copy's unsaved changes still unsaved: oslo.versionedobjects sends an object's changed
        fields with it (``nova_object.changes``) and the receiver's first save writes them
        (nova 17.0.13-34.0.0 ``NovaObjectSerializer``; the conductor's unshelve sets the zone
        and casts). A copy of the row holds none."""
        other = _new_instance(_Loading)
        _copy_fields(self, other)
        other.actor = self.actor if actor is None else actor
        if self._orig:  # its snapshot, and with it its marks
            other._orig = self._orig
            other._orig_system_metadata = self._orig_system_metadata
            other._orig_metadata = self._orig_metadata
        else:
            _take_snapshot(other, self.system_metadata, self.metadata)
        # A copy of the row is in sync with it; a copy of a copy may hold unsaved changes.
        other._synced = 0 if self._orig else self._synced
        _set_attr(other, "__class__", Instance)
        return other

    #: ``changes()``: fields assigned or changed since this copy was loaded or saved, in field
    #: order (``updated_at`` last): `_changes` itself, a frame less on every save.
    changes = _changes

    def refresh_from(self, row: Instance) -> None:
        """Take every field from `row` (after a save), as Nova's ``_from_db_object`` does."""
        _set_attr(self, "__class__", _Loading)
        _copy_fields(row, self)
        _set_attr(self, "__class__", Instance)
        _take_snapshot(self, *_loaded_dicts(row))

    def saved_to(self, row: Instance) -> None:
        """What `refresh_from` does after a save into a `row` no one else wrote since this
        copy last synced with it: the fields already hold the row's values, and what later
        changes are compared with is what was saved."""
        _take_snapshot(self, row.system_metadata, row.metadata)

    # -- persistence -------------------------------------------------------------------------

    def save(self, expected_task_state: Any = (), notify: bool = True) -> None:
        """Write the fields assigned or changed, after the compare-and-swap on the expected
        states; with none, nothing (no compare, no refresh: ``if not updates: return``). Sends
        ``instance.update`` where configured, unless `notify` is false (a write Nova makes in
        the row's INSERT).

        Raises `InstanceNotFound` when the row is gone, `UnexpectedDeletingTaskStateError` when
        the expected task_state is not met because a delete is under way, and
        `UnexpectedTaskStateError` for any other mismatch (``nova/db/main/api.py``).
        """
        self._db.instance_save(self, expected_task_state, notify)

    def name(self) -> str:
        """``Instance.name`` (`NovaDB.instance_name`): what ``OS-EXT-SRV-ATTR:instance_name``
        and ``instance.create.*``'s ``instance_name`` show."""
        return self._db.instance_name(self)

    def trusted_cert_ids(self) -> list[str] | None:
        """``instance.trusted_certs.ids``: the server's trusted image certificate ids, None
        when it has none (kept beside the row, `NovaDB.trusted_certs_of`)."""
        db = self._db
        return None if db is None else db.trusted_certs_of(self.uuid)

    def set_error_state(self, clean_task_state: bool = True) -> None:
        """``_set_instance_obj_error_state``: ERROR, with no task unless not
        `clean_task_state`, saved; nothing when the server is gone already."""
        self.vm_state = states.ERROR
        if clean_task_state:
            self.task_state = None
        try:
            self.save()
        except exception.InstanceNotFound:
            pass

    def __repr__(self) -> str:
        return (
            f"<Instance {self.uuid} vm_state={self.vm_state} task_state={self.task_state} "
            f"host={self.host}>"
        )


class _Loading(Instance):
    """An `Instance` being filled by a copy or a load: plain slot writes, no marks. It is an
    `Instance` again before anyone else holds it (``__class__`` is set back: the same slots)."""

    __slots__ = ()
    __setattr__ = object.__setattr__  # CPython then writes slots as for a class without one


#: The 19 new-style BDM fields a ``BlockDeviceDict`` always carries (``nova/block_device.py``,
#: 34.0.0), in the order they were added: 14 in Queens, ``volume_type`` from 19.0.0, the four
#: encryption fields from 26.0.0.
BDM_FIELDS = (
    "source_type",
    "destination_type",
    "guest_format",
    "device_type",
    "disk_bus",
    "boot_index",
    "device_name",
    "delete_on_termination",
    "snapshot_id",
    "volume_id",
    "volume_size",
    "image_id",
    "no_device",
    "tag",
    "volume_type",
    "encrypted",
    "encryption_secret_uuid",
    "encryption_format",
    "encryption_options",
)


def _image_mapper(count: int) -> Any:
    """``image_mapping(bdm)``: the dict of the first `count` of `BDM_FIELDS`, written out as
    one dict display (a slice, an attrgetter's tuple and a zip of them cost three times as
    much; every volume-backed snapshot makes one per device)."""
    lines = ["def image_mapping(bdm):", "    return {"]
    lines += [f"        {name!r}: bdm.{name}," for name in BDM_FIELDS[:count]]
    lines.append("    }")
    return _compile(lines, "image_mapping")


#: `_image_mapper` by field count (`image_mapping_fields`: 14, 15 or 19).
_IMAGE_MAPPERS: dict[int, Any] = {}


def image_mapping_fields(release: Any) -> int:
    """How many of `BDM_FIELDS` a snapshot image's mapping has in Nova `release` (a
    ``Release``): 14 to 18.x, ``volume_type`` from 19.0.0 (f180025669, "Add volume_type field
    to BlockDeviceMapping object"), the encryption fields from 26.0.0 (cdea73bd9c,
    "BlockDeviceMapping: Add encryption fields"). Read from the release, not a switch: a
    switch is saved with every cloud, so a new one would change every saved file's bytes."""
    return 19 if release.major >= 26 else 15 if release.major >= 19 else 14


@dataclass(slots=True)
class BlockDeviceMapping:
    """One block device of a server (``nova/objects/block_device.py``)."""

    instance_uuid: str
    source_type: str
    destination_type: str | None
    boot_index: int | None = None
    device_name: str | None = None
    delete_on_termination: bool = False
    snapshot_id: str | None = None
    volume_id: str | None = None
    volume_size: int | None = None
    image_id: str | None = None
    no_device: bool | None = None
    disk_bus: str | None = None
    device_type: str | None = None
    guest_format: str | None = None
    tag: str | None = None
    volume_type: str | None = None
    encrypted: bool | None = None
    encryption_secret_uuid: str | None = None
    encryption_format: str | None = None
    encryption_options: str | None = None
    attachment_id: str | None = None
    connection_info: str | None = None
    id: int = 0
    uuid: str = ""

    @property
    def is_volume(self) -> bool:
        """Whether the device is a Cinder volume (``destination_type == 'volume'``)."""
        return self.destination_type == "volume"

    @property
    def is_root(self) -> bool:
        """Whether this is the boot device (``boot_index == 0``)."""
        return self.boot_index == 0

    def get_image_mapping(self, fields: int = len(BDM_FIELDS)) -> dict[str, Any]:
        """The portable dict put in a snapshot image (``BlockDeviceDict.get_image_mapping``):
        the release's first `fields` of `BDM_FIELDS` (`image_mapping_fields`),
        ``/dev/`` prefixed to the device name, no DB-only or connection fields."""
        mapper = _IMAGE_MAPPERS.get(fields)
        if mapper is None:
            mapper = _IMAGE_MAPPERS[fields] = _image_mapper(fields)
        out = mapper(self)
        out["delete_on_termination"] = bool(out["delete_on_termination"])
        name = out["device_name"]
        if name and not name.startswith("/dev/"):
            out["device_name"] = "/dev/" + name
        return out


#: What `snapshot_from_bdm` copies from its template (the rest of its fields: their defaults).
_SNAPSHOT_COPIED = (
    "disk_bus",
    "device_type",
    "boot_index",
    "delete_on_termination",
    "volume_size",
    "device_name",
)


def _snapshot_mapper(count: int) -> Any:
    """``snapshot_mapping(snapshot_id, bdm)``: the dict of the first `count` of `BDM_FIELDS`
    of ``snapshot_from_bdm(snapshot_id, bdm)`` (its defaults written in), as one display."""
    defaults = {f.name: f.default for f in dataclass_fields(BlockDeviceMapping)}
    defaults |= {"source_type": "snapshot", "destination_type": "volume"}
    lines = ["def snapshot_mapping(snapshot_id, bdm):", "    return {"]
    for name in BDM_FIELDS[:count]:
        if name == "snapshot_id":
            value = "snapshot_id"
        elif name in _SNAPSHOT_COPIED:
            value = f"bdm.{name}"
        else:
            value = repr(defaults[name])
        lines.append(f"        {name!r}: {value},")
    lines.append("    }")
    return _compile(lines, "snapshot_mapping")


#: `_snapshot_mapper` by field count (`image_mapping_fields`: 14, 15 or 19).
_SNAPSHOT_MAPPERS: dict[int, Any] = {}


def snapshot_image_mapping(
    snapshot_id: str, template: BlockDeviceMapping, fields: int = len(BDM_FIELDS)
) -> dict[str, Any]:
    """``snapshot_from_bdm(snapshot_id, template).get_image_mapping(fields)`` without the
    mapping object (a volume-backed snapshot's every volume makes one, to read it once)."""
    mapper = _SNAPSHOT_MAPPERS.get(fields)
    if mapper is None:
        mapper = _SNAPSHOT_MAPPERS[fields] = _snapshot_mapper(fields)
    out = mapper(snapshot_id, template)
    out["delete_on_termination"] = bool(out["delete_on_termination"])
    name = out["device_name"]
    if name and not name.startswith("/dev/"):
        out["device_name"] = "/dev/" + name
    return out


def _snapshot_text_writer(count: int) -> Any:
    """``snapshot_mapping_text(snapshot_id, bdm)``: `snapshot_image_mapping`'s dict as the
    JSON text ``json.dumps`` writes for it, as one ``%`` format: the keys and the default
    values written once, the id and the six copied fields each as `json_props.item_text`
    writes it (a string, None and a plain int in line, without a call)."""
    defaults = {f.name: f.default for f in dataclass_fields(BlockDeviceMapping)}
    defaults |= {"source_type": "snapshot", "destination_type": "volume"}
    lines = [
        "def snapshot_mapping_text(snapshot_id, bdm):",
        "    device_name = bdm.device_name",
        '    if device_name and not device_name.startswith("/dev/"):',
        '        device_name = "/dev/" + device_name',
    ]
    entries, values = [], []
    for name in BDM_FIELDS[:count]:
        key = json_props.item_text(name).replace("%", "%%")
        if name == "delete_on_termination":  # bool() of it, as the dict holds it
            values.append('"true" if bdm.delete_on_termination else "false"')
        elif name in _SNAPSHOT_COPIED or name == "snapshot_id":
            if name != "snapshot_id" and name != "device_name":
                lines.append(f"    {name} = bdm.{name}")
            values.append(
                f"enc({name}) if (cls := {name}.__class__) is str else "
                f'"null" if {name} is None else rep({name}) if cls is int else item({name})'
            )
        else:  # a constant: written once, here
            entries.append(f"{key}: {json_props.item_text(defaults[name]).replace('%', '%%')}")
            continue
        entries.append(f"{key}: %s")
    template = "{" + ", ".join(entries) + "}"
    lines.append(f"    return {template!r} % (")
    lines += [f"        {value}," for value in values]
    lines.append("    )")
    namespace: dict[str, Any] = {
        "enc": encode_basestring_ascii,
        "rep": int.__repr__,
        "item": json_props.item_text,
    }
    exec("\n".join(lines), namespace)  # noqa: S102 - the source is built from the names above
    return namespace["snapshot_mapping_text"]


#: `_snapshot_text_writer` by field count.
_SNAPSHOT_TEXT_WRITERS: dict[int, Any] = {}


def snapshot_mapping_text(
    snapshot_id: str, template: BlockDeviceMapping, fields: int = len(BDM_FIELDS)
) -> str:
    """``json.dumps(snapshot_image_mapping(snapshot_id, template, fields))``, written from
    the template without the dict (the encoder's work on a mapping of 19 keys is some ten
    times this)."""
    writer = _SNAPSHOT_TEXT_WRITERS.get(fields)
    if writer is None:
        writer = _SNAPSHOT_TEXT_WRITERS[fields] = _snapshot_text_writer(fields)
    return writer(snapshot_id, template)


def snapshot_from_bdm(snapshot_id: str, template: BlockDeviceMapping) -> BlockDeviceMapping:
    """``nova/block_device.py::snapshot_from_bdm``: a snapshot→volume mapping copying only
    disk_bus, device_type, boot_index, delete_on_termination, volume_size and device_name."""
    return BlockDeviceMapping(
        instance_uuid=template.instance_uuid,
        source_type="snapshot",
        destination_type="volume",
        snapshot_id=snapshot_id,
        disk_bus=template.disk_bus,
        device_type=template.device_type,
        boot_index=template.boot_index,
        delete_on_termination=template.delete_on_termination,
        volume_size=template.volume_size,
        device_name=template.device_name,
    )


@dataclass(slots=True)
class InstanceActionEvent:
    """One step of an action (``compute_snapshot_instance``, ``api_snapshot_instance``...)."""

    event: str
    start_time: float
    host: str
    finish_time: float | None = None
    result: str | None = None
    traceback: str | None = None
    details: str | None = None


@dataclass(slots=True)
class InstanceAction:
    """A user-visible action on a server (``os-instance-actions``)."""

    id: int
    action: str
    instance_uuid: str
    request_id: str
    user_id: str
    #: None for a caller with no project (a system-scoped token where no scope is enforced):
    #: Nova's column is nullable (17.0.0-34.0.0 objects/instance_action.py)
    project_id: str | None
    start_time: float
    updated_at: float
    message: str | None = None
    events: list[InstanceActionEvent] = field(default_factory=list)


@dataclass
class InstanceFault:
    """An error recorded against a server (``nova/objects/instance_fault.py``)."""

    instance_uuid: str
    code: int
    message: str
    details: str
    host: str
    created_at: float


@dataclass(slots=True)
class KeyPair:
    """A user's key pair (``nova/objects/keypair.py``, the API database's ``key_pairs``)."""

    id: int
    user_id: str
    name: str
    type: str
    public_key: str
    fingerprint: str
    created_at: float


@dataclass(slots=True)
class Migration:
    """A resize's, cold or live migration's record (``nova/objects/migration.py``): where
    from, where to, which flavors, how far (``status``), shown by ``/os-migrations``."""

    id: int
    uuid: str
    instance_uuid: str
    migration_type: str
    """``resize`` (the flavor changes), ``migration`` (same flavor, another host),
    ``live-migration`` or ``evacuation``."""
    status: str
    source_compute: str
    source_node: str
    old_flavor: Flavor | None
    """None for an evacuation (its record names no flavors: ``old_instance_type_id`` null)."""
    new_flavor: Flavor | None
    user_id: str
    project_id: str
    created_at: float
    updated_at: float | None = None
    dest_compute: str | None = None
    dest_node: str | None = None
    dest_host: str | None = None
    """The destination host's IP (``[DEFAULT] my_ip``), set by ``prep_resize``."""
    memory_total: int | None = None
    """A live migration's memory and disk progress in bytes, as the libvirt driver's monitor
    last saved it (``save_stats``); None for other moves."""
    memory_processed: int | None = None
    memory_remaining: int | None = None
    disk_total: int | None = None
    disk_processed: int | None = None
    disk_remaining: int | None = None
