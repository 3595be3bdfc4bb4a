"""QoS specs and their volume types, as Cinder's ``volume/qos_specs.py``,
``objects/qos_specs.py`` and the ``qos_specs_*`` and ``volume_type_qos_*`` functions of its
``db`` keep them (read in 12.0.10, 22.0.0 and 29.0.0; the same there).

A spec has a name (unique: ``QoSSpecsExists``), a ``consumer`` (``back-end`` unless given;
``front-end`` or ``both`` reach the hypervisor through the connection info, `front_end_specs`)
and string key/value specs. A volume type has at most one spec (``qos_specs_id``); the
associations live on `Cinder.type_qos` (type id → spec id), made at the first, so a cloud
that never used QoS saves as before. A type deleted through the API leaves no association
behind (it is read against the types that exist).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fakecloud import late
from fakecloud.cinder import exception

CONSUMERS = ("back-end", "front-end", "both")
#: ``str(QoSConsumerField())`` (oslo.versionedobjects' ``BaseEnumField.__repr__``): a field
#: made with no default shows the ``UnspecifiedDefault`` class (the cinder oracle, 29.0.0).
_CONSUMER_FIELD = (
    "QoSConsumerValues(default=<class 'oslo_versionedobjects.fields.UnspecifiedDefault'>,"
    "nullable=False,valid_values=('back-end', 'front-end', 'both'))"
)
#: The first Cinder whose per-GB QoS covers bytes too, with a floor and a ceiling
#: (``tune_opts``, 13.0.0); 12.x scales the three ``*_iops_sec_per_gb`` keys only.
PER_GB_BYTES_FROM = 13
_TUNE_OPTS = ("read_iops_sec", "read_bytes_sec", "write_iops_sec", "write_bytes_sec",
              "total_iops_sec", "total_bytes_sec")  # fmt: skip
_QUEENS_PER_GB = ("write_iops_sec", "read_iops_sec", "total_iops_sec")


@dataclass(eq=False)
class QosSpecs:
    """One QoS spec (``quality_of_service_specs``' root row and its children)."""

    id: str
    name: str
    consumer: str
    specs: dict[str, Any] = field(default_factory=dict)
    created_at: float = 0.0


class QoSSpecsNotFound(exception.NotFound):
    """Cinder's ``QoSSpecsNotFound``."""

    message = "No such QoS spec %(specs_id)s."


class QoSSpecsExists(exception.CinderException):
    """Cinder's ``QoSSpecsExists`` (the controller's 409)."""

    message = "QoS Specs %(specs_id)s already exists."


class QoSSpecsKeyNotFound(exception.NotFound):
    """Cinder's ``QoSSpecsKeyNotFound``."""

    message = "QoS spec %(specs_id)s has no spec with key %(specs_key)s."


class InvalidQoSSpecs(exception.Invalid):
    """Cinder's ``InvalidQoSSpecs``."""

    message = "Invalid qos specs: %(reason)s"


def check_string_length(value: Any, name: str, min_length: int) -> None:
    """``utils.check_string_length`` (oslo's, its errors as ``InvalidInput``)."""
    try:
        late.module("oslo_utils.strutils").check_string_length(value, name, min_length, 255)
    except (ValueError, TypeError) as error:
        raise exception.InvalidInput(reason=str(error)) from None


def check_lengths(specs: Any) -> None:
    """``utils.validate_dictionary_string_length``."""
    if not isinstance(specs, dict):
        raise exception.InvalidInput(reason="specs must be a dictionary.")
    for key, value in specs.items():
        check_string_length(key, f'Key "{key}"', 1)
        if value is not None:
            check_string_length(value, f'Value for key "{key}"', 0)


def _consumer(value: Any) -> str:
    """The object's ``consumer`` field: None is its default, another value one of three."""
    if value is None:
        return "back-end"
    if value not in CONSUMERS:
        raise InvalidQoSSpecs(reason=f"Valid consumer of QoS specs are: {_CONSUMER_FIELD}")
    return value


def get(cinder: Any, specs_id: str) -> QosSpecs:
    """``get_qos_specs``: 404 ``QoSSpecsNotFound``."""
    spec = (cinder.qos_specs or {}).get(specs_id)
    if spec is None:
        raise QoSSpecsNotFound(specs_id=specs_id)
    return spec


def create(cinder: Any, name: str, specs: dict[str, Any]) -> QosSpecs:
    """``qos_specs.create``: lengths, the consumer, then the name free."""
    check_lengths(specs)
    specs = dict(specs)
    consumer = _consumer(specs.pop("consumer", None))  # the object's field, before the row
    if any(s.name == name for s in (cinder.qos_specs or {}).values()):
        raise QoSSpecsExists(specs_id=name)
    spec = QosSpecs(cinder.kernel.ids.uuid(), name, consumer, specs, cinder.kernel.now)
    if cinder.qos_specs is None:
        cinder.qos_specs = {}
    cinder.qos_specs[spec.id] = spec
    return spec


def update(cinder: Any, spec: QosSpecs, specs: dict[str, Any]) -> None:
    """``qos_specs.update``: lengths (``InvalidQoSSpecs`` here), the consumer, the specs."""
    try:
        check_lengths(specs)
    except exception.InvalidInput as error:
        raise InvalidQoSSpecs(reason=error.msg) from None
    specs = dict(specs)
    if "consumer" in specs:
        spec.consumer = _consumer(specs.pop("consumer"))
    spec.specs.update(specs)


def delete_keys(spec: QosSpecs, keys: list[str]) -> None:
    """``qos_specs.delete_keys``: the keys up to the first missing one go (404 for it)."""
    for key in keys:
        if key not in spec.specs:
            raise QoSSpecsKeyNotFound(specs_key=key, specs_id=spec.id)
        del spec.specs[key]


def types_of(cinder: Any, spec: QosSpecs) -> list[Any]:
    """The volume types associated with `spec`, in the types' listing order."""
    table = cinder.type_qos or {}
    return [t for t in cinder.volume_types.values() if table.get(t.id) == spec.id]


def spec_of_type(cinder: Any, vtype: Any) -> QosSpecs | None:
    """The spec associated with `vtype` (a type without id has none)."""
    table = cinder.type_qos
    specs_id = table.get(vtype.id) if table and vtype.id else None
    return None if specs_id is None else cinder.qos_specs[specs_id]


def spec_id_of_type(cinder: Any, vtype: Any) -> str | None:
    """A type's ``qos_specs_id``."""
    table = cinder.type_qos
    return table.get(vtype.id) if table else None


def _set(cinder: Any, type_id: str, specs_id: str | None) -> None:
    table = cinder.type_qos or {}
    if specs_id is None:
        table.pop(type_id, None)
    else:
        table[type_id] = specs_id
    cinder.type_qos = table or None


def associate(cinder: Any, spec: QosSpecs, type_id: str) -> None:
    """``associate_qos_with_type``: a type with another spec is ``InvalidVolumeType``."""
    vtype = cinder.volume_type_by_id(type_id)
    current = spec_of_type(cinder, vtype)
    if current is not None and current is not spec:
        raise exception.InvalidVolumeType(
            reason=f"Type {type_id} is already associated with another qos specs: {current.id}"
        )
    _set(cinder, vtype.id, spec.id)


def disassociate(cinder: Any, spec: QosSpecs, type_id: str) -> None:
    """``disassociate_qos_specs``: the type must exist; another spec's type stays as it is."""
    vtype = cinder.volume_type_by_id(type_id)
    if spec_of_type(cinder, vtype) is spec:
        _set(cinder, vtype.id, None)


def disassociate_all(cinder: Any, spec: QosSpecs) -> None:
    """``disassociate_all``."""
    for vtype in types_of(cinder, spec):
        _set(cinder, vtype.id, None)


def delete(cinder: Any, spec: QosSpecs, force: bool) -> bool:
    """``QualityOfServiceSpecs.destroy``: False (nothing done) when types use it and not
    `force`; with `force` they lose it."""
    if types_of(cinder, spec):
        if not force:
            return False
        disassociate_all(cinder, spec)
    del cinder.qos_specs[spec.id]
    if not cinder.qos_specs:
        cinder.qos_specs = None
    return True


def allows_retype(cinder: Any, volume: Any, new_type: Any) -> bool:
    """``db.volume_qos_allows_retype``: an available volume, or the same spec on both types,
    or neither type's spec consumed elsewhere than on the back end."""
    if volume.status == "available" or not cinder.type_qos:
        return True
    old, new = spec_of_type(cinder, volume.volume_type), spec_of_type(cinder, new_type)
    if old is not None and old is new:
        return True
    return all(spec is None or spec.consumer == "back-end" for spec in (old, new))


def front_end_specs(cinder: Any, volume: Any) -> dict[str, Any] | None:
    """``_parse_connection_options``' ``qos_specs``: the type's spec when its consumer is
    ``front-end`` or ``both``, its per-GB keys scaled by the volume's size; else None."""
    if not cinder.type_qos:
        return None
    spec = spec_of_type(cinder, volume.volume_type)
    if spec is None or spec.consumer not in ("front-end", "both"):
        return None
    specs = dict(spec.specs)
    size = int(volume.size)
    if cinder.kernel.switches.series.cinder < PER_GB_BYTES_FROM:
        for option in _QUEENS_PER_GB:
            per_gb = f"{option}_per_gb"
            if per_gb in specs:
                specs[option] = int(specs.pop(per_gb)) * size
        return specs
    for option in _TUNE_OPTS:
        per_gb = f"{option}_per_gb"
        if per_gb in specs:
            minimum = int(specs.pop(f"{per_gb}_min", 0))
            value = max(minimum, int(specs[per_gb]) * size)
            specs[option] = min(value, int(specs.pop(f"{option}_max", value)))
            specs.pop(per_gb)
    return specs
