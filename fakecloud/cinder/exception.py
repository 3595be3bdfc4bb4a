"""Cinder's exceptions, with Cinder's names, messages, HTTP codes and headers.

Mirrors ``cinder/exception.py`` of cinder 29.0.0, keeping only what the fake can raise. Business
code raises these; `fakecloud.cinder.faults` turns one into the HTTP answer real Cinder gives,
in one place, for the REST API and for Nova's internal client alike::

    >>> str(VolumeNotFound(volume_id="v1"))
    'Volume v1 could not be found.'
"""

from __future__ import annotations

from typing import Any

from fakecloud.api.exceptions import ServiceException
from fakecloud.api.refusals import QUOTA


class CinderException(ServiceException):
    """Base Cinder exception: ``message`` is formatted with the keyword arguments."""

    message = "An unknown exception occurred."

    def __init__(self, message: str | None = None, **kwargs: Any):
        super().__init__(message, self.message, kwargs)
        self.msg = self.args[0]


class NotAuthorized(CinderException):
    """Cinder's ``NotAuthorized`` (403)."""

    message = "Not authorized."
    code = 403


class PolicyNotAuthorized(NotAuthorized):
    """A policy rule refused the caller."""

    message = "Policy doesn't allow %(action)s to be performed."


class Invalid(CinderException):
    """Cinder's ``Invalid`` (400): the base of every bad-input error."""

    message = "Unacceptable parameters."
    code = 400


class InvalidSnapshot(Invalid):
    """Cinder's ``InvalidSnapshot``."""

    message = "Invalid snapshot: %(reason)s"


class InvalidInput(Invalid):
    """Cinder's ``InvalidInput``."""

    message = "Invalid input received: %(reason)s"


class ImageUnacceptable(Invalid):
    """Cinder's ``ImageUnacceptable``: an image that cannot go into the volume."""

    message = "Image %(image_id)s is unacceptable: %(reason)s"


class InvalidAvailabilityZone(Invalid):
    """Cinder's ``InvalidAvailabilityZone``."""

    message = "Availability zone '%(az)s' is invalid."


class InvalidVolumeType(Invalid):
    """Cinder's ``InvalidVolumeType``."""

    message = "Invalid volume type: %(reason)s"


class InvalidName(Invalid):
    """Cinder's ``InvalidName`` (the ``name`` format of a JSON schema)."""

    message = "An invalid 'name' value was provided. %(reason)s"


class VolumeTypeDefaultDeletionError(Invalid):
    """Cinder's ``VolumeTypeDefaultDeletionError`` (17.0.0 on)."""

    message = "The volume type %(volume_type_id)s is a default volume type and cannot be deleted."


class InvalidHost(Invalid):
    """Cinder's ``InvalidHost``: a migration's destination names no available service."""

    message = "Invalid host: %(reason)s"


class InvalidVolume(Invalid):
    """Cinder's ``InvalidVolume``."""

    message = "Invalid volume: %(reason)s"


class InvalidAuthKey(Invalid):
    """Cinder's ``InvalidAuthKey``: a transfer accepted with a key that is not its own."""

    message = "Invalid auth key: %(reason)s"


class InvalidVolumeAttachMode(Invalid):
    """Cinder's ``InvalidVolumeAttachMode``: a read-only volume attached other than ``ro``."""

    message = "Invalid attaching mode '%(mode)s' for volume %(volume_id)s."


class Explained(CinderException):
    """A ``webob.exc.HTTPError(explanation=...)`` a controller raises itself: the ``code`` given
    (500 for ``HTTPInternalServerError``) and the text as it is."""

    code = 500


class Unexpected(Exception):
    """A Python error real Cinder's code runs into (a ``KeyError`` of a missing key): no
    ``CinderException``, so what answers it is a controller's bare ``except Exception``."""


class ImageCompressionNotAllowed(CinderException):
    """Cinder's ``ImageCompressionNotAllowed`` (15.0.0 on)."""

    message = "Image compression upload disallowed, but container_format is compressed"


class ResourceConflict(Invalid):
    """Cinder's ``ResourceConflict`` (an Invalid with code 409)."""

    message = "Resource conflict: %(reason)s"
    code = 409


class InvalidParameterValue(Invalid):
    """Cinder's ``InvalidParameterValue``."""

    message = "%(err)s"


class InvalidUUID(Invalid):
    """Cinder's ``InvalidUUID``."""

    message = "Expected a UUID but received %(uuid)s."


class InvalidAPIVersionString(Invalid):
    """A microversion header that is not ``Major.Minor``."""

    message = (
        "API Version String %(version)s is of invalid format. Must be of format MajorNum.MinorNum."
    )


class VersionNotFoundForAPIMethod(Invalid):
    """A microversion header without a ``volume`` entry."""

    message = "API version %(version)s is not supported on this method."


class InvalidGlobalAPIVersion(Invalid):
    """A well-formed microversion outside 3.0-3.71 (answered 406)."""

    message = (
        "Version %(req_ver)s is not supported by the API. Minimum is %(min_ver)s and maximum "
        "is %(max_ver)s."
    )


class ValidationError(Invalid):
    """A request body that fails its JSON schema; ``legacy_detail`` is its text under
    jsonschema < 4.21.0 where that differs (`fakecloud.cinder.validation.worded`)."""

    message = "%(detail)s"
    legacy_detail: str | None = None


class InvalidVolumeMetadata(Invalid):
    """Cinder's ``InvalidVolumeMetadata``."""

    message = "Invalid metadata: %(reason)s"


class InvalidVolumeMetadataSize(Invalid):
    """Cinder's ``InvalidVolumeMetadataSize``."""

    message = "Invalid metadata size: %(reason)s"


class NotFound(CinderException):
    """Cinder's ``NotFound`` (404)."""

    message = "Resource could not be found."
    code = 404
    safe = True


class VolumeNotFound(NotFound):
    """Cinder's ``VolumeNotFound``."""

    message = "Volume %(volume_id)s could not be found."


class VolumeAttachmentNotFound(NotFound):
    """Cinder's ``VolumeAttachmentNotFound``."""

    message = "Volume attachment could not be found with filter: %(filter)s."


class GlanceMetadataNotFound(NotFound):
    """Cinder's ``GlanceMetadataNotFound``."""

    message = "Glance metadata for volume/snapshot %(id)s cannot be found."


class VolumeMetadataNotFound(NotFound):
    """Cinder's ``VolumeMetadataNotFound``."""

    message = "Volume %(volume_id)s has no metadata with key %(metadata_key)s."


class SnapshotMetadataNotFound(NotFound):
    """Cinder's ``SnapshotMetadataNotFound``."""

    message = "Snapshot %(snapshot_id)s has no metadata with key %(metadata_key)s."


class VolumeTypeNotFound(NotFound):
    """Cinder's ``VolumeTypeNotFound``."""

    message = "Volume type %(volume_type_id)s could not be found."


class VolumeTypeNotFoundByName(VolumeTypeNotFound):
    """Cinder's ``VolumeTypeNotFoundByName``."""

    message = "Volume type with name %(volume_type_name)s could not be found."


class VolumeTypeAccessNotFound(NotFound):
    """Cinder's ``VolumeTypeAccessNotFound``."""

    message = "Volume type access not found for %(volume_type_id)s / %(project_id)s combination."


class VolumeTypeExtraSpecsNotFound(NotFound):
    """Cinder's ``VolumeTypeExtraSpecsNotFound``."""

    message = "Volume Type %(volume_type_id)s has no extra specs with key %(extra_specs_key)s."


class VolumeTypeExists(CinderException):
    """Cinder's ``VolumeTypeExists`` (a ``Duplicate``: the controllers answer it 409)."""

    message = "Volume Type %(id)s already exists."


class VolumeTypeAccessExists(CinderException):
    """Cinder's ``VolumeTypeAccessExists`` (a ``Duplicate``: the controller answers it 409)."""

    message = (
        "Volume type access for %(volume_type_id)s / %(project_id)s combination already exists."
    )


class VolumeTypeInUse(CinderException):
    """Cinder's ``VolumeTypeInUse`` (the controller answers its own 400)."""

    message = (
        "Volume Type %(volume_type_id)s deletion is not allowed with volumes present with the type."
    )


class VolumeTypeDefaultMisconfiguredError(CinderException):
    """Cinder's ``VolumeTypeDefaultMisconfiguredError`` (17.0.0 on): ``default_volume_type``
    names no type (renamed or, before 17.0.0, deleted); ``FaultWrapper``'s 500 on a volume
    create, the type delete's own 500 with this text."""

    message = (
        "The request cannot be fulfilled as the default volume type %(volume_type_name)s cannot "
        "be found."
    )


class VolumeTypeDefault(CinderException):
    """Cinder's ``VolumeTypeDefault`` (15.0.0-16.1.x; not caught: ``FaultWrapper``'s 500)."""

    message = (
        "The volume type %(volume_type_name)s is the default volume type and cannot be deleted."
    )


class SnapshotNotFound(NotFound):
    """Cinder's ``SnapshotNotFound``."""

    message = "Snapshot %(snapshot_id)s could not be found."


class GroupNotFound(NotFound):
    """Cinder's ``GroupNotFound`` (fakecloud has no groups, so every group id is unknown)."""

    message = "Group %(group_id)s could not be found."


class BackupNotFound(NotFound):
    """Cinder's ``BackupNotFound``."""

    message = "Backup %(backup_id)s could not be found."


class VolumeTypeProjectDefaultNotFound(NotFound):
    """Cinder's ``VolumeTypeProjectDefaultNotFound`` (17.0.0 on)."""

    message = "Default type for project %(project_id)s not found."


class TransferNotFound(NotFound):
    """Cinder's ``TransferNotFound``."""

    message = "Transfer %(transfer_id)s could not be found."


class ServiceNotFound(NotFound):
    """Cinder's ``ServiceNotFound``: no ``cinder-backup`` service up to take a backup."""

    message = "Service %(service_id)s could not be found."


class InvalidBackup(Invalid):
    """Cinder's ``InvalidBackup``."""

    message = "Invalid backup: %(reason)s"


class ImageNotFound(NotFound):
    """Cinder's ``ImageNotFound``."""

    message = "Image %(image_id)s could not be found."


class ImageNotAuthorized(CinderException):
    """Cinder's ``ImageNotAuthorized``: Glance refused the request for the image (its
    ``auth_token`` middleware's 401 or Glance's 403; ``_translate_image_exception``). A
    ``CinderException`` of no code of its own (500), 12.0.10 to 27.0.0 alike."""

    message = "Not authorized for image %(image_id)s."


class VolumeBackendAPIException(CinderException):
    """A driver failure (fault name ``CinderBackendError``)."""

    message = "Bad or unexpected response from the storage volume backend API: %(data)s"


class ManageExistingInvalidReference(CinderException):
    """A manage request's reference names nothing the backend holds."""

    message = (
        "Manage existing volume failed due to invalid backend reference %(existing_ref)s: "
        "%(reason)s"
    )


class ManageExistingAlreadyManaged(CinderException):
    """A manage request's reference names a volume a row already has (the driver's
    ``check_already_managed_volume``)."""

    message = "Unable to manage existing volume. Volume %(volume_ref)s already managed."


class ServiceUnavailable(Invalid):
    """Cinder's ``ServiceUnavailable``: the service is disabled, down, or not found."""

    message = "Service is unavailable at this time."


class VolumeDriverException(CinderException):
    """Cinder's ``VolumeDriverException``: a driver refused or failed (a 500 if raised in the
    API; in cinder-volume it fails the operation)."""

    message = "Volume driver reported an error: %(message)s"


class RBDDriverException(VolumeDriverException):
    """``RBDDriverException`` (``cinder/volume/drivers/rbd.py``)."""

    message = "RBD Cinder driver failure: %(reason)s"


class RemoteFSException(VolumeDriverException):
    """``RemoteFSException``: the remotefs drivers' (NFS's) failures, Nova's answers among them."""

    message = "Unknown RemoteFS exception"


class RemoteFSConcurrentRequest(RemoteFSException):
    """``RemoteFSConcurrentRequest``: a snapshot deleted while Nova was making it."""

    message = "A concurrent, possibly contradictory, request has been made."


class ExtendVolumeError(CinderException):
    """``ExtendVolumeError``: the driver could not extend the volume."""

    message = "Error extending volume: %(reason)s"


class SnapshotIsBusy(CinderException):
    """The driver cannot delete a snapshot that volumes still depend on (RBD clones)."""

    message = "deleting snapshot %(snapshot_name)s that has dependent volumes"


class NoValidBackend(CinderException):
    """The scheduler found no backend for the request."""

    message = "No valid backend was found. %(reason)s"


class OverQuota(CinderException):
    """Raised by the quota engine; `quota.process_reserve_over_quota` turns it into a 413."""

    message = "Quota exceeded for resources: %(overs)s"
    refusal = QUOTA


class QuotaError(CinderException):
    """Base of the 413 quota errors; answered with ``Retry-After: 0``."""

    message = "Quota exceeded: code=%(code)s"
    code = 413
    refusal = QUOTA
    headers = {"Retry-After": "0"}
    safe = True


class VolumeSizeExceedsAvailableQuota(QuotaError):
    """A gigabytes quota (total or per type) would be exceeded."""

    message = (
        "Requested volume or snapshot exceeds allowed %(name)s quota. Requested "
        "%(requested)sG, quota is %(quota)sG and %(consumed)sG has been consumed."
    )


class VolumeSizeExceedsLimit(QuotaError):
    """The per-volume size limit would be exceeded."""

    message = "Requested volume size %(size)dG is larger than maximum allowed limit %(limit)dG."


class VolumeLimitExceeded(QuotaError):
    """A volumes quota (total or per type) would be exceeded."""

    message = "Maximum number of volumes allowed (%(allowed)d) exceeded for quota '%(name)s'."


class SnapshotLimitExceeded(QuotaError):
    """A snapshots quota (total or per type) would be exceeded."""

    message = "Maximum number of snapshots allowed (%(allowed)d) exceeded"


class VolumeBackupSizeExceedsAvailableQuota(QuotaError):
    """The ``backup_gigabytes`` quota would be exceeded."""

    message = (
        "Requested backup exceeds allowed Backup gigabytes quota. Requested %(requested)sG, "
        "quota is %(quota)sG and %(consumed)sG has been consumed."
    )


class BackupLimitExceeded(QuotaError):
    """The ``backups`` quota would be exceeded."""

    message = "Maximum number of backups allowed (%(allowed)d) exceeded"


class UnexpectedOverQuota(QuotaError):
    """Over quota on a resource the caller did not expect."""

    message = "Unexpected over quota on %(name)s."


class ConflictNovaUsingAttachment(CinderException):
    """A user (not Nova) tried to delete an attachment Nova still uses (bug #2004555)."""

    message = "Detach volume from instance %(instance_id)s using the Compute API"
    code = 409
    safe = True


class VolumeMigrationFailed(CinderException):
    """A retype's migration refused or failed (the volume keeps its type)."""

    message = "Volume migration failed: %(reason)s"


# -- generic volume groups, group types and group snapshots (12.0.10-29.0.0) --------------
class GroupTypeNotFound(NotFound):
    """``GroupTypeNotFound``."""

    message = "Group type %(group_type_id)s could not be found."


class GroupTypeNotFoundByName(GroupTypeNotFound):
    """``GroupTypeNotFoundByName``."""

    message = "Group type with name %(group_type_name)s could not be found."


class GroupTypeSpecsNotFound(NotFound):
    """``GroupTypeSpecsNotFound``."""

    message = "Group Type %(group_type_id)s has no specs with key %(group_specs_key)s."


class GroupTypeExists(CinderException):
    """``GroupTypeExists`` (a ``Duplicate``: the controller answers 409)."""

    message = "Group Type %(id)s already exists."


class InvalidGroupType(Invalid):
    """``InvalidGroupType``."""

    message = "Invalid group type: %(reason)s"


class GroupSnapshotNotFound(NotFound):
    """``GroupSnapshotNotFound``."""

    message = "GroupSnapshot %(group_snapshot_id)s could not be found."


class InvalidGroup(Invalid):
    """``InvalidGroup``."""

    message = "Invalid Group: %(reason)s"


class InvalidGroupStatus(Invalid):
    """``InvalidGroupStatus``."""

    message = "Invalid Group Status: %(reason)s"


class InvalidGroupSnapshot(Invalid):
    """``InvalidGroupSnapshot``."""

    message = "Invalid GroupSnapshot: %(reason)s"


class InvalidGroupSnapshotStatus(Invalid):
    """``InvalidGroupSnapshotStatus``."""

    message = "Invalid GroupSnapshot Status: %(reason)s"


class GroupLimitExceeded(QuotaError):
    """``GroupLimitExceeded`` (413)."""

    message = "Maximum number of groups allowed (%(allowed)d) exceeded"
