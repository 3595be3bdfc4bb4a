"""``/extensions``: the API extensions a Cinder release loads (``api/extensions.py``
``ExtensionsResource`` and ``load_standard_extensions``; the descriptors of
``api/contrib/*.py``, read at each series' last release, 12.0.10 to 28.0.0, and master).

Each is ``name``, ``alias``, ``description`` (the descriptor's docstring), ``updated`` and an
empty ``links``; ``GET /extensions/{alias}`` shows one (404 for another). Any authenticated
caller may read them. The list is in the contrib modules' file-name order (Cinder walks its
directory with ``os.walk``, whose order is the file system's). The same 33 descriptors in every
series but one: ``os-image-create`` (``CreateVolumeExtension``) went in 14.0.0; ``OS-SCH-HNT``
is missing from 13.0.0-13.0.6 and 14.0.0 (switch ``cinder_extensions_skip_scheduler_hints``).
"""

from __future__ import annotations

from typing import Any

from fakecloud.api.http import Request, Response
from fakecloud.cinder.controllers import not_found

#: ``(name, alias, description, updated)`` of every descriptor, in file-name order.
EXTENSIONS = (
    ("AdminActions", "os-admin-actions", "Enable admin actions.", "2012-08-25T00:00:00+00:00"),
    (
        "AvailabilityZones",
        "os-availability-zone",
        "Describe Availability Zones.",
        "2013-06-27T00:00:00+00:00",
    ),
    ("Backups", "backups", "Backups support.", "2012-12-12T00:00:00+00:00"),
    ("Capabilities", "capabilities", "Capabilities support.", "2015-08-31T00:00:00+00:00"),
    ("Cgsnapshots", "cgsnapshots", "cgsnapshots support.", "2014-08-18T00:00:00+00:00"),
    (
        "Consistencygroups",
        "consistencygroups",
        "consistency groups support.",
        "2014-08-18T00:00:00+00:00",
    ),
    (
        "ExtendedServices",
        "os-extended-services",
        "Extended services support.",
        "2014-01-10T00:00:00-00:00",
    ),
    (
        "ExtendedSnapshotAttributes",
        "os-extended-snapshot-attributes",
        "Extended SnapshotAttributes support.",
        "2012-06-19T00:00:00+00:00",
    ),
    ("Hosts", "os-hosts", "Admin-only host administration.", "2011-06-29T00:00:00+00:00"),
    (
        "CreateVolumeExtension",
        "os-image-create",
        "Allow creating a volume from an image in the Create Volume v1 API.",
        "2012-08-13T00:00:00+00:00",
    ),
    ("Qos_specs_manage", "qos-specs", "QoS specs support.", "2013-08-02T00:00:00+00:00"),
    (
        "QuotaClasses",
        "os-quota-class-sets",
        "Quota classes management support.",
        "2012-03-12T00:00:00+00:00",
    ),
    ("Quotas", "os-quota-sets", "Quota management support.", "2011-08-08T00:00:00+00:00"),
    (
        "SchedulerHints",
        "OS-SCH-HNT",
        "Pass arbitrary key/value pairs to the scheduler.",
        "2013-04-18T00:00:00+00:00",
    ),
    ("Scheduler_stats", "scheduler-stats", "Scheduler stats support.", "2014-09-07T00:00:00+00:00"),
    ("Services", "os-services", "Services support.", "2012-10-28T00:00:00-00:00"),
    (
        "SnapshotActions",
        "os-snapshot-actions",
        "Enable snapshot manager actions.",
        "2013-07-16T00:00:00+00:00",
    ),
    (
        "SnapshotManage",
        "os-snapshot-manage",
        "Allows existing backend storage to be 'managed' by Cinder.",
        "2014-12-31T00:00:00+00:00",
    ),
    (
        "SnapshotUnmanage",
        "os-snapshot-unmanage",
        "Enable volume unmanage operation.",
        "2014-12-31T00:00:00+00:00",
    ),
    (
        "TypesExtraSpecs",
        "os-types-extra-specs",
        "Type extra specs support.",
        "2011-08-24T00:00:00+00:00",
    ),
    ("TypesManage", "os-types-manage", "Types manage support.", "2011-08-24T00:00:00+00:00"),
    (
        "UsedLimits",
        "os-used-limits",
        "Provide data on limited resources that are being used.",
        "2013-10-03T00:00:00+00:00",
    ),
    ("VolumeActions", "os-volume-actions", "Enable volume actions.", "2012-05-31T00:00:00+00:00"),
    (
        "VolumeEncryptionMetadata",
        "os-volume-encryption-metadata",
        "Volume encryption metadata retrieval support.",
        "2013-07-10T00:00:00+00:00",
    ),
    (
        "VolumeHostAttribute",
        "os-vol-host-attr",
        "Expose host as an attribute of a volume.",
        "2011-11-03T00:00:00+00:00",
    ),
    (
        "VolumeImageMetadata",
        "os-vol-image-meta",
        "Show image metadata associated with the volume.",
        "2012-12-07T00:00:00+00:00",
    ),
    (
        "VolumeManage",
        "os-volume-manage",
        "Allows existing backend storage to be 'managed' by Cinder.",
        "2014-02-10T00:00:00+00:00",
    ),
    (
        "VolumeMigStatusAttribute",
        "os-vol-mig-status-attr",
        "Expose migration_status as an attribute of a volume.",
        "2013-08-08T00:00:00+00:00",
    ),
    (
        "VolumeTenantAttribute",
        "os-vol-tenant-attr",
        "Expose the internal project_id as an attribute of a volume.",
        "2011-11-03T00:00:00+00:00",
    ),
    (
        "VolumeTransfer",
        "os-volume-transfer",
        "Volume transfer management support.",
        "2013-05-29T00:00:00+00:00",
    ),
    (
        "VolumeTypeAccess",
        "os-volume-type-access",
        "Volume type access support.",
        "2014-06-26T00:00:00Z",
    ),
    (
        "VolumeTypeEncryption",
        "encryption",
        "Encryption support for volume types.",
        "2013-07-01T00:00:00+00:00",
    ),
    (
        "VolumeUnmanage",
        "os-volume-unmanage",
        "Enable volume unmanage operation.",
        "2012-05-31T00:00:00+00:00",
    ),
)
#: The first Cinder without ``contrib/image_create.py``.
IMAGE_CREATE_GONE_FROM = 14


def _loaded(service: Any) -> list[dict[str, Any]]:
    major = service.cinder_major
    # Switch cinder_extensions_skip_scheduler_hints: 13.0.0-13.0.6 and 14.0.0 skip
    # scheduler_hints.py (FILES_TO_SKIP), whose descriptor 48b8973aed took out.
    switches = service.cinder.kernel.switches
    skipped = "OS-SCH-HNT" if switches.cinder_extensions_skip_scheduler_hints else ""
    return [
        {"name": name, "alias": alias, "description": doc, "updated": updated, "links": []}
        for name, alias, doc, updated in EXTENSIONS
        if (alias != "os-image-create" or major < IMAGE_CREATE_GONE_FROM) and alias != skipped
    ]


def index(service: Any, req: Request) -> Response:
    """``GET /extensions``."""
    return Response(200, {"extensions": _loaded(service)})


def show(service: Any, req: Request) -> Response:
    """``GET /extensions/{alias}``: 404 (``webob.exc.HTTPNotFound()``) for one not loaded."""
    for ext in _loaded(service):
        if ext["alias"] == req.params["id"]:
            return Response(200, {"extension": ext})
    raise not_found()


#: ``(method, path, handler)`` under ``/v3[/{project_id}]/``.
ROUTES = (
    ("GET", "extensions", index),
    ("GET", "extensions/{id}", show),
)
