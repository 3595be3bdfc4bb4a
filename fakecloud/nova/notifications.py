"""Nova's notifications, written into the trace (kind ``notification``).

Legacy (unversioned) notifications have an ``event_type`` like
``compute.instance.snapshot.start`` and publisher ``compute.<host>``; versioned ones have
``instance.snapshot.start`` and publisher ``nova-compute:<host>``. Which are sent follows
``[notifications] notification_format`` (config ``nova.notification_format``: ``unversioned``,
``versioned``, ``both`` or ``none``; by default the release's: ``both`` until 20.0.0, then
``unversioned``). Versioned payloads carry the release's ``payload_version``. Errors caught
by ``wrap_exception`` send a legacy notification named after the function and a versioned
``compute.exception``. With ``[notifications] notify_on_state_change`` (config
``nova.notify_on_state_change``) every save of a server sends ``instance.update``.

    >>> cloud.trace.filter(kind="notification", event_type="instance.snapshot.end")
"""

from __future__ import annotations

import datetime
import sys
from typing import Any

from fakecloud.nova.exception import real_class_name
from fakecloud.profiles.releases import PYTHON3_SINCE
from fakecloud.sim.trace import form

# A legacy usage notification's kind and keys, and its form (`Trace.put`) with no extra keys.
_USAGE = (
    "notification",
    "event_type",
    "format",
    "priority",
    "instance_id",
    "state",
    "state_description",
    "tenant_id",
)
_USAGE_FORM = form(*_USAGE)
#: A versioned action notification's kind and keys before a payload's own fields
#: (`Notifier.instance_action`).
_ACTION_KEYS = (
    "notification",
    "event_type",
    "format",
    "priority",
    "payload_version",
    "instance_id",
    "state",
    "task_state",
    "fault",
)
#: A versioned snapshot notification's form (`Notifier.instance_snapshot`): an action's keys,
#: the snapshot's image before ``fault``.
_SNAPSHOT_FORM = form(*_ACTION_KEYS[:-1], "snapshot_image_id", "fault")


#: oslo.versionedobjects' ``isotime`` of a naive UTC datetime (no fraction of a second).
_ISO_SECONDS = "%Y-%m-%dT%H:%M:%SZ"
#: ``utils.strtime`` (``null_safe_isotime`` of the legacy ``instance.update``'s audit period).
_STRTIME = "%Y-%m-%dT%H:%M:%S.%f"
#: The first release sending versioned ``compute_task.<method>.error`` (fe4e47d989, 19.0.0).
COMPUTE_TASK_VERSIONED_SINCE = 19
#: The first release whose notifications carry no ``bandwidth`` (2b02b66bae, 25.0.0).
BANDWIDTH_DROPPED_SINCE = 25
#: ``InstanceUpdatePayload.VERSION`` by the first release of each (read at every series'
#: .0.0 tag, 17.0.0-33.0.0, and 34.0.0's wheel; object versions are never backported).
_UPDATE_PAYLOAD_VERSIONS = ((31, "2.1"), (25, "2.0"), (20, "1.9"), (18, "1.8"), (0, "1.6"))
#: ``InstanceCreatePayload.VERSION`` by the first release of each (read at every series' .0.0
#: tag, 17.0.0-33.0.0, and 34.0.0's wheel): 1.7 in 17.x; 1.10 from 18.0.0 (1.8 request_id,
#: 94de8d75ff; 1.9 trusted_image_certificates, e8ed9aacf8; 1.10 action initiator,
#: 2bca6431e6); 1.11 ``instance_name`` from 19.0.0 (0240c7b5b6); 1.12 ``locked_reason`` from
#: 20.0.0 (c541ace518); 1.13 ``shares`` from 31.0.0 (bf96ca7c9a). Its own series, not the
#: plain action payload's: 19.x's action payload is still 1.7.
_CREATE_PAYLOAD_VERSIONS = ((31, "1.13"), (20, "1.12"), (19, "1.11"), (18, "1.10"), (0, "1.7"))


#: The eras of ``InstancePayload`` by ``InstanceActionPayload``'s version in them (switch
#: `action_payload_version`): 17.x, 18.0.0 (request_id, action initiator), 20.0.0
#: (locked_reason), 31.0.0 (shares). Every action payload class derives from it and was bumped
#: with it (nova/notifications/objects/instance.py at each series' .0.0 tag, 17.0.0-33.0.0).
_ACTION_ERAS = {"1.5": 0, "1.7": 1, "1.8": 2, "1.9": 3}
#: The versions, by era, of the payload classes `Notifier.instance_action` sends that are not a
#: plain ``InstanceActionPayload`` (the action, its phase left off): the rebuild's and the
#: conductor's rebuild_scheduled ``InstanceActionRebuildPayload`` from 18.0.0 (e8ed9aacf8;
#: 17.x sends a rebuild an ``InstanceActionPayload``), the rescue's
#: ``InstanceActionRescuePayload`` (not the unrescue's), prep_resize's
#: ``InstanceActionResizePrepPayload``, a volume attach's and detach's
#: ``InstanceActionVolumePayload``.
_SUBCLASS_VERSIONS = {
    "rebuild": ("1.5", "1.8", "1.9", "1.10"),
    # InstanceActionVolumePayload (notify_about_volume_attach_detach)
    "volume_attach": ("1.3", "1.5", "1.6", "1.7"),
    "volume_detach": ("1.3", "1.5", "1.6", "1.7"),
    "rebuild_scheduled": ("1.5", "1.8", "1.9", "1.10"),
    "rescue": ("1.0", "1.2", "1.3", "1.4"),
    "resize_prep": ("1.0", "1.2", "1.3", "1.4"),
}


def action_payload_version(action: str, plain: str) -> str:
    """The payload version of versioned ``instance.<action>`` where a plain
    ``InstanceActionPayload`` is `plain` (switch `action_payload_version`).

    >>> action_payload_version("rescue.end", "1.5"), action_payload_version("shelve.end", "1.9")
    ('1.0', '1.9')
    >>> action_payload_version("rebuild.start", "1.5"), action_payload_version("rebuild.end", "1.8")
    ('1.5', '1.9')
    >>> action_payload_version("volume_attach.start", "1.5")
    '1.3'
    """
    versions = _SUBCLASS_VERSIONS.get(action.split(".", 1)[0])
    return plain if versions is None else versions[_ACTION_ERAS[plain]]


def update_payload_version(major: int) -> str:
    """The versioned ``instance.update`` payload's version in Nova `major`.

    >>> update_payload_version(17), update_payload_version(24), update_payload_version(34)
    ('1.6', '1.9', '2.1')
    """
    return next(version for since, version in _UPDATE_PAYLOAD_VERSIONS if major >= since)


def create_payload_version(major: int) -> str:
    """The versioned ``instance.create.*`` payload's (``InstanceCreatePayload``) version in
    Nova `major`.

    >>> create_payload_version(17), create_payload_version(19), create_payload_version(34)
    ('1.7', '1.11', '1.13')
    """
    return next(version for since, version in _CREATE_PAYLOAD_VERSIONS if major >= since)


def audit_period_beginning(now: datetime.datetime) -> datetime.datetime:
    """Where the current monthly audit period began: the end of the last completed one (nova
    ``utils.last_completed_audit_period('month')``: the 1st of this month at 00:00, or of the
    month before when `now` is that very instant)."""
    end = datetime.datetime(now.year, now.month, 1)
    if end >= now:
        end = (
            datetime.datetime(now.year - 1, 12, 1)
            if now.month == 1
            else end.replace(month=now.month - 1)
        )
    return end


#: A versioned action notification's form (`Notifier.instance_action`) with no payload fields
#: of its own, once an event made it (`_action_form`).
_ACTION_FORM: Any = None
#: (source, host, action, plain payload version) -> the publisher, event type and payload
#: version of a versioned action notification (`Notifier.instance_action`): text alone, the
#: same for every cloud.
_ACTION_NAMES: dict[tuple[str, str, str, str], tuple[str, str, str]] = {}


def _action_names(source: str, host: str, action: str, plain: str) -> tuple[str, str, str]:
    """`_ACTION_NAMES`' entry for its key, made and kept."""
    named = _ACTION_NAMES[source, host, action, plain] = (
        f"{source}:{host}",
        sys.intern(f"instance.{action}"),  # kept per event
        action_payload_version(action, plain),
    )
    return named


def _action_form(extra: dict[str, Any]) -> Any:
    """The form of a versioned action notification with `extra`'s keys after `_ACTION_KEYS`,
    made when the first event asks it, as `Trace.emit` made it (a form's number is its
    order of making); kept as `_ACTION_FORM` without any."""
    global _ACTION_FORM
    found = form(*_ACTION_KEYS, *extra)
    if not extra:
        _ACTION_FORM = found
    return found


def exception_repr(exc: BaseException, python2: bool) -> str:
    """What a legacy notification's ``exception`` shows of `exc`: the exception object itself
    in the payload, which the notifier's ``JsonPayloadSerializer`` turns into ``repr(exc)``
    (oslo.serialization's ``to_primitive``: ``if isinstance(value, Exception): return
    repr(value)``, 2.24.0 in Queens' constraints to 5.6.0 and on). Its arguments are the real
    class's (``real_args`` where fakecloud's class keeps others: python-cinderclient's and
    python-glanceclient's exceptions set attributes and pass nothing on, so theirs are none);
    on Python 2 (Nova before 21.0.0) a one-argument tuple keeps its comma and a Nova message is
    unicode (``_()``'s text), ``u'...'``.

    >>> from fakecloud.nova import exception
    >>> error = exception.InstanceNotFound(instance_id="x")
    >>> exception_repr(error, python2=False)
    "InstanceNotFound('Instance x could not be found.')"
    >>> exception_repr(error, python2=True)
    "InstanceNotFound(u'Instance x could not be found.',)"
    """
    real = getattr(exc, "real_args", None)
    args = real() if callable(real) else exc.args
    if not python2:
        return f"{real_class_name(exc)}({', '.join(repr(arg) for arg in args)})"
    unicode = hasattr(exc, "format_message")
    shown = [
        ("u" if unicode else "") + ascii(arg) if isinstance(arg, str) else repr(arg) for arg in args
    ]
    return f"{real_class_name(exc)}({', '.join(shown)}{',' if len(args) == 1 else ''})"


#: ``InstanceCreatePayload``'s own fields, in its order, by the first release of each (nova
#: 17.0.13, 18.3.0, 19.0.0 and 34.0.0 nova/notifications/objects/instance.py): ``keypairs``
#: and ``tags`` in 17.x (1.7), ``trusted_image_certificates`` from 18.0.0 (1.9, e8ed9aacf8),
#: ``instance_name`` from 19.0.0 (1.11, 0240c7b5b6).
_CREATE_FIELDS = (
    (19, ("keypairs", "tags", "trusted_image_certificates", "instance_name")),
    (18, ("keypairs", "tags", "trusted_image_certificates")),
    (0, ("keypairs", "tags")),
)
#: A versioned ``instance.create.*`` notification's form by how many of `_CREATE_FIELDS`
#: its release has (`Notifier.instance_create`: the action keys and those), each made once,
#: when an event first asks it (`_create_form`).
_CREATE_FORMS: dict[int, Any] = {}
#: How many of a create event's values are `_ACTION_KEYS`' (all but ``notification``, the
#: event's kind): the rest are the payload's own fields.
_CREATE_BASE = len(_ACTION_KEYS) - 1
#: (host, phase, Nova major) -> the publisher, event type and payload version of a versioned
#: ``instance.create.<phase>`` (`Notifier.instance_create`): text alone, the same for every
#: cloud.
_CREATE_NAMES: dict[tuple[str, str, int], tuple[str, str, str]] = {}


def _create_names(host: str, phase: str, major: int) -> tuple[str, str, str]:
    """`_CREATE_NAMES`' entry for its key, made and kept."""
    named = _CREATE_NAMES[host, phase, major] = (
        f"nova-compute:{host}",
        sys.intern(f"instance.create.{phase}"),  # kept per event
        create_payload_version(major),
    )
    return named


def _create_form(major: int) -> Any:
    """The form of Nova `major`'s ``instance.create.*``, made when the first event asks it
    (a form's number is its order of making) and kept in `_CREATE_FORMS`."""
    fields = next(fields for since, fields in _CREATE_FIELDS if major >= since)
    found = _CREATE_FORMS[len(fields)] = form(*_ACTION_KEYS, *fields)
    return found


def exception_to_dict(exc: BaseException, str_of_foreign: bool, python2: bool) -> dict[str, Any]:
    """``compute_utils.exception_to_dict``, the keys a legacy notification's ``fault=`` adds:
    ``exception`` (the exception itself: its `exception_repr` once serialized), ``message`` (a
    Nova exception's own, another's ``str`` before LP #1837877's fix (`str_of_foreign`), its
    class name after; cut at 255) and ``code`` (a Nova exception's, else 500), as the instance
    fault of the same exception has them."""
    code = 500
    kwargs = getattr(exc, "kwargs", None)
    if isinstance(kwargs, dict):
        code = kwargs.get("code", 500)
    if hasattr(exc, "format_message"):
        message = exc.format_message()
    else:
        message = (str(exc) if str_of_foreign else "") or real_class_name(exc)
    return {"exception": exception_repr(exc, python2), "message": message[:255], "code": code}


def _fault(error: BaseException) -> dict[str, str]:
    """A versioned payload's ``fault`` (``ExceptionPayload.from_exception``) as fakecloud
    keeps it: the exception's class name and message."""
    message = error.format_message() if hasattr(error, "format_message") else str(error)
    return {"exception": real_class_name(error), "exception_message": message}


class Notifier:
    """Sends Nova's notifications of one cloud into its trace."""

    _usage_names: dict[tuple[str, str], tuple[str, str, str]]

    def __init__(self, kernel: Any, notification_format: str):
        self._kernel = kernel
        self.legacy = notification_format in ("unversioned", "both")
        self.versioned = notification_format in ("versioned", "both")
        switches = kernel.switches
        self._snapshot_payload = switches.snapshot_payload_version
        self._exception_payload = switches.exception_payload_version
        #: (host, suffix) -> the publisher, event type and priority of a usage notification.
        self._usage_names = {}

    def _emit(self, kind: str, publisher: str, event_type: str, priority: str, **payload: Any):
        self._kernel.trace.emit(
            "notification",
            publisher,
            event_type,
            event_type=event_type,
            format=kind,
            priority=priority,
            **payload,
        )

    def instance_usage(self, host: str, instance: Any, event_suffix: str, **extra: Any) -> None:
        """``notify_about_instance_usage``: legacy ``compute.instance.<suffix>``."""
        if self.legacy:
            named = self._usage_names.get((host, event_suffix))
            if named is None:
                named = self._usage_names[host, event_suffix] = (
                    f"compute.{host}",
                    sys.intern(f"compute.instance.{event_suffix}"),  # kept per event
                    "ERROR" if event_suffix.endswith("error") else "INFO",
                )
            publisher, event_type, priority = named
            self._kernel.trace.write(
                form(*_USAGE, *extra) if extra else _USAGE_FORM,
                publisher,
                event_type,
                (
                    event_type,
                    "unversioned",
                    priority,
                    instance.uuid,
                    instance.vm_state,
                    instance.task_state or "",
                    instance.project_id,
                    *extra.values(),
                ),
            )

    def usage_error(self, host: str, instance: Any, event_suffix: str, exc: BaseException) -> None:
        """``notify_about_instance_usage(..., fault=exc)``: legacy ``compute.instance.<suffix>``
        (an ERROR) with `exception_to_dict`'s keys."""
        if self.legacy:
            switches = self._kernel.switches
            python2 = switches.release.major < PYTHON3_SINCE
            fault = exception_to_dict(exc, switches.lp1837877, python2)
            self.instance_usage(host, instance, event_suffix, **fault)

    def instance_create(
        self, host: str, instance: Any, phase: str, error: BaseException | None = None
    ) -> None:
        """``_build_and_run_instance``'s pair at each `phase` (``start``, ``end``, ``error``
        with the `error`): legacy ``compute.instance.create.<phase>`` (an error's with
        `exception_to_dict`'s keys), then ``notify_about_instance_create``'s versioned
        ``instance.create.<phase>`` from ``nova-compute`` (ERROR with the error's ``fault``),
        ``InstanceCreatePayload`` (`create_payload_version`) with its own fields of the release
        (`_CREATE_FIELDS`; nova 17.0.0-34.0.0 compute/manager.py, each legacy before its
        versioned twin)."""
        suffix = f"create.{phase}"
        if error is None:
            self.instance_usage(host, instance, suffix)
        else:
            self.usage_error(host, instance, suffix, error)
        if self.versioned:
            major = self._kernel.switches.release.major
            named = _CREATE_NAMES.get((host, phase, major))
            if named is None:
                named = _create_names(host, phase, major)
            publisher, event_type, version = named
            # the payload's own fields: its key pair by name (``KeypairPayload``'s ``name``),
            # its tags, from 18.0.0 its certificates' ids, from 19.0.0 ``instance.name``
            values = [
                event_type,
                "versioned",
                "INFO" if error is None else "ERROR",
                version,
                instance.uuid,
                instance.vm_state,
                instance.task_state,
                None if error is None else _fault(error),
                [instance.key_name] if instance.key_name else [],
                list(instance.tags),
            ]
            if major >= 18:
                values.append(instance.trusted_cert_ids())
                if major >= 19:
                    values.append(instance.name())
            found = _CREATE_FORMS.get(len(values) - _CREATE_BASE)
            if found is None:
                found = _create_form(major)
            self._kernel.trace.write(found, publisher, event_type, tuple(values))

    def usage_exists(self, host: str, instance: Any) -> None:
        """``compute_utils.notify_usage_exists(current_period=True)``: legacy
        ``compute.instance.exists`` (``bandwidth`` {} until 25.0.0: libvirt fills no
        bandwidth rows) and, from 18.0.0, versioned ``instance.exists``
        (``InstanceExistsPayload``; ``bandwidth`` [] until 2.0, 25.0.0). The audit period is the
        month so far ([DEFAULT] ``instance_usage_audit_period`` left at ``month``): legacy
        ``str(datetime)``, versioned ISO 8601 to the second with a ``Z``."""
        # Read here, not kept: a cloud saved before these switches loads without them.
        switches = self._kernel.switches
        version = switches.exists_payload_version
        versioned = self.versioned and version is not None
        if not (self.legacy or versioned):
            return
        now = self._kernel.clock.wall_time()
        begin = audit_period_beginning(now)
        if self.legacy:
            extra: dict[str, Any] = {
                "audit_period_beginning": str(begin),
                "audit_period_ending": str(now),
            }
            if switches.usage_exists_bandwidth:
                extra["bandwidth"] = {}
            self.instance_usage(host, instance, "exists", **extra)
        if versioned:
            self._audited(f"nova-compute:{host}", "instance.exists", version, instance, begin, now)

    def _audited(
        self,
        publisher: str,
        event_type: str,
        version: str,
        instance: Any,
        begin: datetime.datetime,
        now: datetime.datetime,
        **fields: Any,
    ) -> None:
        """A versioned INFO notification whose payload has an audit period (`begin` to `now`,
        ISO 8601 to the second) and, before version 2.0 (25.0.0), an empty ``bandwidth``."""
        payload: dict[str, Any] = {
            "payload_version": version,
            "instance_id": instance.uuid,
            "state": instance.vm_state,
            "task_state": instance.task_state,
            **fields,
            "audit_period": {
                "audit_period_beginning": begin.strftime(_ISO_SECONDS),
                "audit_period_ending": now.strftime(_ISO_SECONDS),
            },
        }
        if version < "2.0":
            payload["bandwidth"] = []
        self._emit("versioned", publisher, event_type, "INFO", **payload)

    def instance_update(
        self,
        service: str,
        host: str,
        instance: Any,
        old_state: str,
        old_task_state: str | None,
        old_display_name: str | None,
    ) -> None:
        """``send_instance_update_notification``: legacy ``compute.instance.update`` (publisher
        ``<service>.<host>``; the audit period as ``utils.strtime``; ``bandwidth`` {} until
        25.0.0) and versioned ``instance.update`` (publisher ``nova-<service>:<host>``, or
        ``<service>:<host>`` for a service named ``nova-...``,
        ``InstanceUpdatePayload``: `update_payload_version`; ``bandwidth`` [] before 2.0)."""
        if not (self.legacy or self.versioned):
            return
        now = self._kernel.clock.wall_time()
        begin = audit_period_beginning(now)
        release = self._kernel.switches.release
        state, task_state = instance.vm_state, instance.task_state
        if self.legacy:
            extra: dict[str, Any] = {
                "old_state": old_state,
                "old_task_state": old_task_state,
                "new_task_state": task_state,
                "audit_period_beginning": begin.strftime(_STRTIME),
                "audit_period_ending": now.strftime(_STRTIME),
            }
            if release.major < BANDWIDTH_DROPPED_SINCE:
                extra["bandwidth"] = {}
            if old_display_name:
                extra["old_display_name"] = old_display_name
            self._emit(
                "unversioned",
                f"{service}.{host}",
                "compute.instance.update",
                "INFO",
                instance_id=instance.uuid,
                state=state,
                state_description=task_state or "",
                tenant_id=instance.project_id,
                **extra,
            )
        if self.versioned:
            source = service if service.startswith("nova-") else f"nova-{service}"
            self._audited(
                f"{source}:{host}",
                "instance.update",
                update_payload_version(release.major),
                instance,
                begin,
                now,
                old_display_name=old_display_name,
                state_update={
                    "old_state": old_state,
                    "state": state,
                    "old_task_state": old_task_state,
                    "new_task_state": task_state,
                },
            )

    def instance_snapshot(self, host: str, instance: Any, phase: str, image_id: str) -> None:
        """``notify_about_instance_snapshot``: versioned ``instance.snapshot.<phase>``
        (payload ``InstanceActionSnapshotPayload``, 1.6 in Queens to 1.10 in 34.0.0)."""
        if self.versioned:
            event_type = f"instance.snapshot.{phase}"
            self._kernel.trace.write(
                _SNAPSHOT_FORM,
                f"nova-compute:{host}",
                event_type,
                (
                    event_type,
                    "versioned",
                    "INFO",
                    self._snapshot_payload,
                    instance.uuid,
                    instance.vm_state,
                    instance.task_state,
                    image_id,
                    None,
                ),
            )

    def instance_action(
        self,
        host: str,
        source: str,
        instance: Any,
        action: str,
        priority: str = "INFO",
        error: BaseException | None = None,
        **extra: Any,
    ) -> None:
        """``notify_about_instance_action`` and the like: versioned
        ``instance.<action>.<phase>`` with its payload class's version in the release
        (`action_payload_version`; `extra`: the fields a payload of its own adds, e.g. a
        rescue's ``rescue_image_ref``; `error`: an ``.error`` phase's ``exception=``, the
        payload's ``fault``, null without one: ``InstanceActionPayload.fault``, nullable, in
        every release since 1.0)."""
        if self.versioned:
            plain = self._kernel.switches.action_payload_version
            named = _ACTION_NAMES.get((source, host, action, plain))
            if named is None:
                named = _action_names(source, host, action, plain)
            publisher, event_type, version = named
            found = None if extra else _ACTION_FORM
            if found is None:
                found = _action_form(extra)
            # `_emit`'s event: the form `Trace.emit` finds, the details' values in its order
            self._kernel.trace.write(
                found,
                publisher,
                event_type,
                (
                    event_type,
                    "versioned",
                    priority,
                    version,
                    instance.uuid,
                    instance.vm_state,
                    instance.task_state,
                    None if error is None else _fault(error),
                    *extra.values(),
                ),
            )

    def usage_and_action(self, host: str, instance: Any, suffix: str) -> None:
        """``_notify_about_instance_usage`` then ``notify_about_instance_action`` from
        nova-compute with a plain payload: legacy ``compute.instance.<suffix>``, then versioned
        ``instance.<suffix>`` (a delete's and a shutdown's, each phase)."""
        if self.legacy:
            self.instance_usage(host, instance, suffix)
        if self.versioned:
            self.instance_action(host, "nova-compute", instance, suffix)

    def instance_power(
        self, host: str, instance: Any, action: str, error: BaseException | None = None
    ) -> None:
        """``notify_about_instance_action`` with a plain ``InstanceActionPayload`` (reboot,
        power_off, power_on, pause, unpause, suspend, resume, the same in nova 17.0.0-34.0.0
        compute/manager.py): versioned
        ``instance.<action>`` from ``nova-compute`` with the release's ``payload_version``
        (`action_payload_version`) and its ``fault`` (`error`: an ``.error`` phase, ERROR).
        Written as `instance_action` writes a plain payload's (the same form, values and
        order: no power action has a payload class of its own)."""
        if self.versioned:
            self.instance_action(
                host, "nova-compute", instance, action, "INFO" if error is None else "ERROR", error
            )

    def flavor(
        self,
        host: str,
        action: str,
        flavor: Any,
        extra_specs: dict[str, str] | None,
        projects: list[str] | None,
    ) -> None:
        """``Flavor._send_notification``: versioned ``flavor.<action>`` from ``nova-api``
        (``FlavorPayload`` 1.4 in 17.0.13-34.0.0; no legacy form). `extra_specs` and
        `projects` are None where the flavor object had not loaded them (a create's specs, a
        delete's both)."""
        if self.versioned:
            self._emit(
                "versioned",
                f"nova-api:{host}",
                f"flavor.{action}",
                "INFO",
                payload_version="1.4",
                flavorid=flavor.flavorid,
                name=flavor.name,
                memory_mb=flavor.memory_mb,
                vcpus=flavor.vcpus,
                root_gb=flavor.root_gb,
                ephemeral_gb=flavor.ephemeral_gb,
                swap=flavor.swap,
                rxtx_factor=flavor.rxtx_factor,
                vcpu_weight=None,
                disabled=flavor.disabled,
                is_public=flavor.is_public,
                extra_specs=extra_specs,
                projects=projects,
                description=flavor.description,
            )

    def server_group(
        self,
        host: str,
        action: str,
        legacy: dict[str, Any],
        versioned: dict[str, Any] | None,
    ) -> None:
        """``InstanceGroup.create/destroy/add_members``: legacy ``servergroup.<action>``
        (``create``, ``delete``, ``addmember``; publisher ``servergroup.<host>``) with the
        `legacy` payload, and versioned ``server_group.<action>`` (``create``, ``delete``,
        ``add_member``) from ``nova-api`` with the `versioned` payload (None: the release sends
        none for this action)."""
        if self.legacy:
            event = "servergroup.addmember" if action == "add_member" else f"servergroup.{action}"
            self._emit("unversioned", f"servergroup.{host}", event, "INFO", **legacy)
        if self.versioned and versioned is not None:
            self._emit(
                "versioned", f"nova-api:{host}", f"server_group.{action}", "INFO", **versioned
            )

    def compute_task_error(self, host: str, method: str, instance: Any, exc: BaseException) -> None:
        """``scheduler_utils.set_vm_state_and_notify`` after the conductor's `method` failed
        for the server (its ERROR saved, its fault stored): legacy ``compute_task.<method>``
        (an ERROR, publisher ``compute_task.<host>``; payload ``instance_id``, ``state``,
        ``method`` and ``reason``, the exception, `exception_repr` once serialized), then from
        19.0.0 (fe4e47d989) versioned ``compute_task.<method>.error`` from
        ``nova-conductor:<host>`` (``ComputeTaskPayload`` 1.0: the server, its state, the
        error as ``reason``). ``request_spec`` and ``instance_properties`` are left out."""
        state = instance.vm_state
        release = self._kernel.switches.release
        if self.legacy:
            self._emit(
                "unversioned",
                f"compute_task.{host}",
                f"compute_task.{method}",
                "ERROR",
                instance_id=instance.uuid,
                state=state,
                method=method,
                reason=exception_repr(exc, release.major < PYTHON3_SINCE),
            )
        if self.versioned and release.major >= COMPUTE_TASK_VERSIONED_SINCE:
            self._emit(
                "versioned",
                f"nova-conductor:{host}",
                f"compute_task.{method}.error",
                "ERROR",
                payload_version="1.0",
                instance_id=instance.uuid,
                state=state,
                reason=_fault(exc),
            )

    def exception(self, host: str, function_name: str, exc: BaseException, **args: Any) -> None:
        """``wrap_exception``: legacy ``<function name>`` error (payload ``exception``, the
        exception itself, `exception_repr` once serialized, and ``args``, nothing else: nova
        17.0.0-34.0.0 exception_wrapper.py ``_emit_legacy_exception_notification``) and
        versioned ``compute.exception``."""
        if self.legacy:
            python2 = self._kernel.switches.release.major < PYTHON3_SINCE
            self._emit(
                "unversioned",
                f"compute.{host}",
                function_name,
                "ERROR",
                exception=exception_repr(exc, python2),
                args=args,
            )
        if self.versioned:
            message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
            self._emit(
                "versioned",
                f"nova-compute:{host}",
                "compute.exception",
                "ERROR",
                payload_version=self._exception_payload,
                exception=real_class_name(exc),
                exception_message=message,
                function_name=function_name,
            )
