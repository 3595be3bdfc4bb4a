"""Nova's exceptions, with Nova's messages and HTTP codes (``nova/exception.py`` of 34.0.0).

Only the ones the snapshot flow can raise are kept; each keeps Nova's name, base class,
``msg_fmt`` and ``code`` so errors read exactly as real Nova writes them::

    >>> str(InstanceNotFound(instance_id="abc"))
    'Instance abc could not be found.'
"""

from __future__ import annotations

from typing import Any

from fakecloud.api.exceptions import ServiceException, ServicesOwn500
from fakecloud.api.refusals import QUOTA


class NovaException(ServiceException):
    """Base Nova exception: ``msg_fmt`` is formatted with the keyword arguments."""

    msg_fmt = "An unknown exception occurred."

    def __init__(self, message: str | None = None, **kwargs: Any):
        # Nova formats ``msg_fmt`` for any empty message, not only a missing one.
        super().__init__(message or None, self.msg_fmt, kwargs)
        self.message = self.args[0]

    def format_message(self) -> str:
        """The message, as Nova's API layer puts it in a fault body."""
        return self.args[0]


class GlanceConnectionFailed(NovaException):
    """Nova's ``GlanceConnectionFailed``."""

    msg_fmt = "Connection to glance host %(server)s failed: %(reason)s"


class CinderConnectionFailed(NovaException):
    """Nova's ``CinderConnectionFailed``."""

    msg_fmt = "Connection to cinder host failed: %(reason)s"


class KeystoneConnectionFailed(NovaException):
    """Nova's ``KeystoneConnectionFailed`` (``nova/limit/local.py``: oslo.limit's session could
    not be made). No API handler maps it: Nova's 500 (`NovasOwn500`, mixed in where raised)."""

    msg_fmt = "Connection to keystone host failed: %(reason)s"


class Forbidden(NovaException):
    """Nova's ``Forbidden``."""

    msg_fmt = "Forbidden"
    code = 403


class BootFromVolumeRequiredForZeroDiskFlavor(Forbidden):
    """Nova's ``BootFromVolumeRequiredForZeroDiskFlavor`` (an image-backed server on a flavor
    with no root disk, the ``create:zero_disk_flavor`` rule refusing the caller)."""

    msg_fmt = "Only volume-backed servers are allowed for flavors with zero disk."


class PolicyNotAuthorized(Forbidden):
    """Nova's ``PolicyNotAuthorized``."""

    msg_fmt = "Policy doesn't allow %(action)s to be performed."


class ImageNotActive(NovaException):
    """Nova's ``ImageNotActive``."""

    msg_fmt = "Image %(image_id)s is not active."


class ImageNotAuthorized(NovaException):
    """Nova's ``ImageNotAuthorized``."""

    msg_fmt = "Not authorized for image %(image_id)s."


class Invalid(NovaException):
    """Nova's ``Invalid``."""

    msg_fmt = "Bad Request - Invalid Parameters"
    code = 400


class InvalidCPUAllocationPolicy(Invalid):
    """Nova's ``InvalidCPUAllocationPolicy`` (a flavor's ``hw:cpu_policy`` no policy of its
    release: ``hardware.get_cpu_policy_constraint``, 19.0.0 on)."""

    msg_fmt = (
        "CPU policy requested from '%(source)s' is invalid, given: '%(requested)s', "
        "available: '%(available)s'."
    )


class RequiredMixedOrRealtimeCPUMask(Invalid):
    """Nova's ``RequiredMixedOrRealtimeCPUMask`` (a ``mixed`` flavor naming neither or both of
    its masks, 22.0.0 on)."""

    msg_fmt = (
        "Dedicated CPU set can be specified from either 'hw:cpu_dedicated_mask' or "
        "'hw:cpu_realtime_mask' when using 'mixed' CPU policy. 'hw:cpu_dedicated_mask' and "
        "'hw:cpu_realtime_mask' can not be specified at the same time, or be specified with "
        "none of them."
    )


class InvalidCPUThreadAllocationPolicy(Invalid):
    """Nova's ``InvalidCPUThreadAllocationPolicy`` (a flavor's ``hw:cpu_thread_policy`` none of
    ``prefer``, ``isolate``, ``require``: ``get_cpu_thread_policy_constraint``, 19.0.0 on)."""

    msg_fmt = (
        "CPU thread policy requested from '%(source)s' is invalid, given: '%(requested)s', "
        "available: '%(available)s'."
    )


class RequiredMixedInstancePolicy(Invalid):
    """Nova's ``RequiredMixedInstancePolicy`` (a dedicated mask without ``mixed``, 22.0.0 on)."""

    msg_fmt = "Cannot specify 'hw:cpu_dedicated_mask' without the 'mixed' policy."


class InvalidMixedInstanceDedicatedMask(Invalid):
    """Nova's ``InvalidMixedInstanceDedicatedMask`` (``get_dedicated_cpu_constraint``)."""

    msg_fmt = (
        "Mixed instance must have at least 1 pinned vCPU and 1 unpinned vCPU. See "
        "'hw:cpu_dedicated_mask'."
    )


class ImageCPUPinningForbidden(Invalid):
    """Nova's ``ImageCPUPinningForbidden``: a ``Forbidden`` there, but every API raising it
    catches it as a 400 (``INVALID_FLAVOR_IMAGE_EXCEPTIONS``, 17.0.13's create list)."""

    msg_fmt = (
        "Image property 'hw_cpu_policy' is not permitted to override CPU pinning policy set "
        "against the flavor"
    )


class ImageCPUThreadPolicyForbidden(Invalid):
    """Nova's ``ImageCPUThreadPolicyForbidden`` (a ``Forbidden`` caught as a 400, as
    `ImageCPUPinningForbidden`)."""

    msg_fmt = (
        "Image property 'hw_cpu_thread_policy' is not permitted to override CPU thread "
        "pinning policy set against the flavor"
    )


class CPUThreadPolicyConfigurationInvalid(Invalid):
    """Nova's ``CPUThreadPolicyConfigurationInvalid`` (a thread policy without pinning)."""

    msg_fmt = "Cannot set cpu thread pinning policy in a non dedicated cpu pinning policy"


class ImageNUMATopologyRebuildConflict(Invalid):
    """Nova's ``ImageNUMATopologyRebuildConflict`` (``_validate_numa_rebuild``, 19.1.0 on)."""

    msg_fmt = (
        "An instance's NUMA topology cannot be changed as part of a rebuild. The image "
        "provided is invalid for this instance."
    )


class AutoDiskConfigDisabledByImage(Invalid):
    """Nova's ``AutoDiskConfigDisabledByImage``."""

    msg_fmt = "Requested image %(image)s has automatic disk resize disabled."


class InstanceQuiesceFailed(Invalid):
    """Nova's ``InstanceQuiesceFailed``."""

    msg_fmt = "Failed to quiesce instance: %(reason)s"
    code = 409


class InvalidBDM(Invalid):
    """Nova's ``InvalidBDM``."""

    msg_fmt = "Block Device Mapping is Invalid."


class InvalidBDMSnapshot(InvalidBDM):
    """Nova's ``InvalidBDMSnapshot``."""

    msg_fmt = "Block Device Mapping is Invalid: failed to get snapshot %(id)s."


class InvalidBDMVolume(InvalidBDM):
    """Nova's ``InvalidBDMVolume``."""

    msg_fmt = "Block Device Mapping is Invalid: failed to get volume %(id)s."


class ValidationError(Invalid):
    """Nova's ``ValidationError``; ``legacy_detail`` is its text under jsonschema < 4.21.0
    when that differs (see `fakecloud.nova.api.schemas`)."""

    msg_fmt = "%(detail)s"
    legacy_detail: str | None = None


class InvalidRequest(Invalid):
    """Nova's ``InvalidRequest``."""

    msg_fmt = "The request is invalid."


class InvalidInput(Invalid):
    """Nova's ``InvalidInput``."""

    msg_fmt = "Invalid input received: %(reason)s"


class InvalidVolume(Invalid):
    """Nova's ``InvalidVolume``."""

    msg_fmt = "Invalid volume: %(reason)s"


class InstancePowerOffFailure(Invalid):
    """Nova's ``InstancePowerOffFailure`` (libvirt's ``_destroy`` when destroying the domain
    timed out)."""

    msg_fmt = "Failed to power off instance: %(reason)s"


class InstanceNotRescuable(Invalid):
    """Nova's ``InstanceNotRescuable``."""

    msg_fmt = "Instance %(instance_id)s cannot be rescued: %(reason)s"


class UnsupportedRescueImage(Invalid):
    """Nova's ``UnsupportedRescueImage`` (21.1.0+)."""

    msg_fmt = "Requested rescue image '%(image)s' is not supported"


class InstanceInvalidState(Invalid):
    """Nova's ``InstanceInvalidState``."""

    msg_fmt = (
        "Instance %(instance_uuid)s in %(attr)s %(state)s. Cannot %(method)s while the "
        "instance is in this state."
    )


class UnshelveInstanceInvalidState(InstanceInvalidState):
    """Nova's ``UnshelveInstanceInvalidState`` (20.0.0; a 409); `msg_fmt` is 26.0.0's, which
    names the host too (``OLD_MSG`` before)."""

    msg_fmt = (
        'Specifying an availability zone or a host when unshelving server "%(instance_uuid)s" '
        'with status "%(state)s" is not supported. The server status must be '
        "SHELVED_OFFLOADED."
    )
    OLD_MSG = (
        "Specifying an availability zone when unshelving server %(instance_uuid)s with "
        'status "%(state)s" is not supported. The server status must be SHELVED_OFFLOADED.'
    )
    code = 409


class UnshelveHostNotInAZ(Invalid):
    """Nova's ``UnshelveHostNotInAZ`` (26.0.0; a 409)."""

    msg_fmt = 'Host "%(host)s" is not in the availability zone "%(availability_zone)s".'
    code = 409


class InstanceNotRunning(Invalid):
    """Nova's ``InstanceNotRunning``."""

    msg_fmt = "Instance %(instance_id)s is not running."


class InstanceNotReady(Invalid):
    """Nova's ``InstanceNotReady``."""

    msg_fmt = "Instance %(instance_id)s is not ready"


class ImageUnacceptable(Invalid):
    """Nova's ``ImageUnacceptable``."""

    msg_fmt = "Image %(image_id)s is unacceptable: %(reason)s"


class ImageBadRequest(Invalid):
    """Nova's ``ImageBadRequest``."""

    msg_fmt = "Request of image %(image_id)s got BadRequest response: %(response)s"


class ImageQuotaExceeded(NovaException):
    """Nova's ``ImageQuotaExceeded``."""

    msg_fmt = "Quota exceeded or out of space for image %(image_id)s in the image service."
    refusal = QUOTA


class NotFound(NovaException):
    """Nova's ``NotFound``."""

    msg_fmt = "Resource could not be found."
    code = 404


class VolumeNotFound(NotFound):
    """Nova's ``VolumeNotFound``."""

    msg_fmt = "Volume %(volume_id)s could not be found."


class SnapshotNotFound(NotFound):
    """Nova's ``SnapshotNotFound``."""

    msg_fmt = "Snapshot %(snapshot_id)s could not be found."


class InvalidImageRef(Invalid):
    """Nova's ``InvalidImageRef``."""

    msg_fmt = "Invalid image href %(image_href)s."


class UnshelveException(NovaException):
    """Nova's ``UnshelveException`` (the conductor's end of an unshelve whose image is gone)."""

    msg_fmt = "Error during unshelve instance %(instance_id)s: %(reason)s"


class ImageNotFound(NotFound):
    """Nova's ``ImageNotFound``."""

    msg_fmt = "Image %(image_id)s could not be found."


class ImageDeleteConflict(NovaException):
    """Nova's ``ImageDeleteConflict``."""

    msg_fmt = "Conflict deleting image. Reason: %(reason)s."


class KeypairNotFound(NotFound):
    """Nova's ``KeypairNotFound``."""

    msg_fmt = "Keypair %(name)s not found for user %(user_id)s"


class NetworkNotFound(NotFound):
    """Nova's ``NetworkNotFound``."""

    msg_fmt = "Network %(network_id)s could not be found."


class NetworkNotFoundForInstance(NetworkNotFound):
    """Nova's ``NetworkNotFoundForInstance`` (Neutron's ``add_fixed_ip_to_instance``)."""

    msg_fmt = "Network could not be found for instance %(instance_id)s."


class FixedIpNotFoundForInstance(NotFound):
    """Nova's ``FixedIpNotFoundForInstance`` (21.0.0 on: Neutron's
    ``remove_fixed_ip_from_instance``)."""

    msg_fmt = "Instance %(instance_uuid)s does not have fixed IP '%(ip)s'."


class FixedIpNotFoundForSpecificInstance(NotFound):
    """Nova's ``FixedIpNotFoundForSpecificInstance`` (a ``FixedIpNotFound``; what Neutron's
    ``remove_fixed_ip_from_instance`` raised before 21.0.0, f5f73b4c4e)."""

    msg_fmt = "Instance %(instance_uuid)s doesn't have fixed IP '%(ip)s'."


class PortNotFound(NotFound):
    """Nova's ``PortNotFound``."""

    msg_fmt = "Port id %(port_id)s could not be found."


class FlavorNotFound(NotFound):
    """Nova's ``FlavorNotFound``."""

    msg_fmt = "Flavor %(flavor_id)s could not be found."


class OverQuota(NovaException):
    """Nova's ``OverQuota``."""

    msg_fmt = "Quota exceeded for resources: %(overs)s"
    code = 413
    safe = True
    refusal = QUOTA


class InstanceNotFound(NotFound):
    """Nova's ``InstanceNotFound``."""

    msg_fmt = "Instance %(instance_id)s could not be found."


class InstanceIsLocked(InstanceInvalidState):
    """Nova's ``InstanceIsLocked``."""

    msg_fmt = "Instance %(instance_uuid)s is locked"


class InstanceUpdateConflict(NovaException):
    """Nova's ``InstanceUpdateConflict``."""

    msg_fmt = (
        "Conflict updating instance %(instance_uuid)s. Expected: %(expected)s. Actual: %(actual)s"
    )


class UnexpectedTaskStateError(InstanceUpdateConflict):
    """Nova's ``UnexpectedTaskStateError``."""


class UnexpectedDeletingTaskStateError(UnexpectedTaskStateError):
    """Nova's ``UnexpectedDeletingTaskStateError``."""


class InstanceQuiesceNotSupported(Invalid):
    """Nova's ``InstanceQuiesceNotSupported``."""

    msg_fmt = "Quiescing is not supported in instance %(instance_id)s"


class InstanceAgentNotEnabled(Invalid):
    """Nova's ``InstanceAgentNotEnabled``."""

    msg_fmt = "Guest agent is not enabled for the instance"
    safe = True


class QemuGuestAgentNotEnabled(InstanceAgentNotEnabled):
    """Nova's ``QemuGuestAgentNotEnabled``."""

    msg_fmt = "QEMU guest agent is not enabled"


class SetAdminPasswdNotSupported(Invalid):
    """Nova's ``SetAdminPasswdNotSupported`` (a virt type without the agent's password)."""

    msg_fmt = "Set admin password is not supported"
    safe = True


class InstancePasswordSetFailed(NovaException):
    """Nova's ``InstancePasswordSetFailed`` (changePassword's 409)."""

    msg_fmt = "Failed to set admin password on %(instance)s because %(reason)s"
    safe = True


class ConsoleNotAvailable(NotFound):
    """Nova's ``ConsoleNotAvailable`` (a guest with no console log)."""

    msg_fmt = "Guest does not have a console available."


class SecurityGroupNotFound(NotFound):
    """Nova's ``SecurityGroupNotFound`` (always raised with a message of its own here)."""

    msg_fmt = "Security group %(security_group_id)s not found."


class InvalidName(Invalid):
    """Nova's ``InvalidName`` (the ``name`` format of the API schemas)."""

    msg_fmt = "An invalid 'name' value was provided. The name must be: %(reason)s"


class NotSupported(NovaException):
    """Nova's ``NotSupported`` (400 at the API)."""

    msg_fmt = "Bad Request - Feature is not supported in Nova"
    code = 400


class OperationNotSupportedForSEV(NotSupported):
    """Nova's ``OperationNotSupportedForSEV`` from 24.0.0 to 33.x: a ``NotSupported``
    (1b6a6e3916, LP #1938093), which the suspend and live-migration controllers no longer catch:
    ``expected_errors``' 400 (`fakecloud.nova.compute.api.reject_sev_instances`)."""

    msg_fmt = (
        "Operation '%(operation)s' not supported for SEV-enabled instance (%(instance_uuid)s)."
    )


class SEVOperationConflict(NovaException):
    """Nova's ``OperationNotSupportedForSEV`` as 20.0.0-23.x define it (84db8b3f3d): a plain
    ``NovaException`` with code 409, which the suspend and live-migration controllers catch as
    a 409 (`fakecloud.nova.compute.api.reject_sev_instances`)."""

    msg_fmt = OperationNotSupportedForSEV.msg_fmt
    code = 409


class OperationNotSupportedForMemEncryption(NotSupported):
    """Nova's ``OperationNotSupportedForMemEncryption`` (34.0.0), which no controller catches:
    ``expected_errors``' ``NotSupported`` 400."""

    msg_fmt = (
        "Operation '%(operation)s' not supported for mem encryption enabled instance "
        "(%(instance_uuid)s)."
    )


class Unauthorized(NovaException):
    """Nova's ``Unauthorized``."""

    msg_fmt = "Not authorized."
    code = 401


class MalformedRequestBody(NovaException):
    """Nova's ``MalformedRequestBody``."""

    msg_fmt = "Malformed message body: %(reason)s"


class ComputeHostNotFound(NotFound):
    """Nova's ``ComputeHostNotFound`` (a ``HostNotFound``)."""

    msg_fmt = "Compute host %(host)s could not be found."


class ComputeServiceInUse(NovaException):
    """Nova's ``ComputeServiceInUse``: an evacuated server's compute is still up."""

    msg_fmt = "Compute service of %(host)s is still in use."


class NoValidHost(NovaException):
    """Nova's ``NoValidHost``."""

    msg_fmt = "No valid host was found. %(reason)s"


class BuildAbortException(NovaException):
    """Nova's ``BuildAbortException``."""

    msg_fmt = "Build of instance %(instance_uuid)s aborted: %(reason)s"


class MaxRetriesExceeded(NoValidHost):
    """Nova's ``MaxRetriesExceeded``: a reschedule with no host left to try."""

    msg_fmt = "Exceeded maximum number of retries. %(reason)s"


class RescheduledException(NovaException):
    """Nova's ``RescheduledException``: the build failed on its host and may go elsewhere."""

    msg_fmt = "Build of instance %(instance_uuid)s was re-scheduled: %(reason)s"


class RescheduledByPolicyException(RescheduledException):
    """Nova's ``RescheduledByPolicyException`` (28.0.0; 25.3.0, 26.2.1, 27.2.0): the late
    server group check's reschedule."""


class GroupAffinityViolation(NovaException):
    """Nova's ``GroupAffinityViolation`` (28.0.0; 25.3.0, 26.2.1, 27.2.0)."""

    msg_fmt = "%(policy)s instance group policy was violated"


class InstanceFaultRollback(NovaException):
    """Nova's ``InstanceFaultRollback``: `_error_out_instance_on_exception` puts the server
    back in its vm_state (not ERROR) and raises `inner_exception` in its place."""

    def __init__(self, inner_exception: Exception):
        super().__init__(f"Instance rollback performed due to: {inner_exception}")
        self.inner_exception = inner_exception


class InvalidBDMFormat(InvalidBDM):
    """Nova's ``InvalidBDMFormat``."""

    msg_fmt = "Block Device Mapping is Invalid: %(details)s"


class InvalidBDMImage(InvalidBDM):
    """Nova's ``InvalidBDMImage``."""

    msg_fmt = "Block Device Mapping is Invalid: failed to get image %(id)s."


class InvalidBDMBootSequence(InvalidBDM):
    """Nova's ``InvalidBDMBootSequence``."""

    msg_fmt = (
        "Block Device Mapping is Invalid: Boot sequence for the instance and image/block "
        "device mapping combination is not valid."
    )


class InvalidBDMLocalsLimit(InvalidBDM):
    """Nova's ``InvalidBDMLocalsLimit``."""

    msg_fmt = (
        "Block Device Mapping is Invalid: You specified more local devices than the limit allows"
    )


class InvalidBDMEphemeralSize(InvalidBDM):
    """Nova's ``InvalidBDMEphemeralSize``."""

    msg_fmt = (
        "Ephemeral disks requested are larger than the instance type allows. If no size is "
        "given in one block device mapping, flavor ephemeral size will be used."
    )


class InvalidBDMSwapSize(InvalidBDM):
    """Nova's ``InvalidBDMSwapSize``."""

    msg_fmt = "Swap drive requested is larger than instance type allows."


class InvalidBDMDiskBus(InvalidBDM):
    """Nova's ``InvalidBDMDiskBus`` (20.4.1+): its message attribute is misspelt ``msg_fmr``
    in every release, so the fault says InvalidBDM's "Block Device Mapping is Invalid."."""


class VolumeTypeNotFound(NotFound):
    """Nova's ``VolumeTypeNotFound`` (a NotFound; server create answers it with 400)."""

    msg_fmt = "Volume type %(id_or_name)s could not be found."


class InstanceActionNotFound(NovaException):
    """Nova's ``InstanceActionNotFound``."""

    msg_fmt = "Action for request_id %(request_id)s on instance %(instance_uuid)s not found"


class VolumeNotCreated(NovaException):
    """Nova's ``VolumeNotCreated``."""

    msg_fmt = (
        "Volume %(volume_id)s did not finish being created even after we waited "
        "%(seconds)s seconds or %(attempts)s attempts. And its status is %(volume_status)s."
    )


class VolumeAttachmentNotFound(NotFound):
    """Nova's ``VolumeAttachmentNotFound``."""

    msg_fmt = "Volume attachment %(attachment_id)s could not be found."


class VolumeBDMNotFound(NotFound):
    """Nova's ``VolumeBDMNotFound``."""

    msg_fmt = "No volume Block Device Mapping with id %(volume_id)s."


class VolumeTaggedAttachToShelvedNotSupported(Invalid):
    """Nova's ``VolumeTaggedAttachToShelvedNotSupported``."""

    msg_fmt = "Tagged volume attachment is not supported for shelved-offloaded instances."


class MultiattachToShelvedNotSupported(Invalid):
    """Nova's ``MultiattachToShelvedNotSupported``."""

    msg_fmt = "Attaching multiattach volumes is not supported for shelved-offloaded instances."


class MultiattachNotSupportedOldMicroversion(Invalid):
    """Nova's ``MultiattachNotSupportedOldMicroversion``."""

    msg_fmt = "Multiattach volumes are only supported starting with compute API version 2.60."


class CinderAPIVersionNotAvailable(NovaException):
    """Nova's ``CinderAPIVersionNotAvailable``."""

    msg_fmt = "Cinder API version %(version)s is not available."


class FlavorDiskTooSmall(Invalid):
    """Nova's ``FlavorDiskTooSmall``."""

    msg_fmt = "The created instance's disk would be too small."


class FlavorDiskSmallerThanImage(FlavorDiskTooSmall):
    """Nova's ``FlavorDiskSmallerThanImage``."""

    msg_fmt = (
        "Flavor's disk is too small for requested image. Flavor disk is %(flavor_size)i "
        "bytes, image is %(image_size)i bytes."
    )


class FlavorDiskSmallerThanMinDisk(FlavorDiskTooSmall):
    """Nova's ``FlavorDiskSmallerThanMinDisk``."""

    msg_fmt = (
        "Flavor's disk is smaller than the minimum size specified in image metadata. Flavor "
        "disk is %(flavor_size)i bytes, minimum size is %(image_min_disk)i bytes."
    )


class InternalError(NovaException):
    """Nova's ``InternalError`` (e.g. a libvirt error while quiescing)."""

    ec2_code = "InternalError"
    msg_fmt = "%(err)s"


class InvalidBDMVolumeNotBootable(InvalidBDM):
    """Nova's ``InvalidBDMVolumeNotBootable``."""

    msg_fmt = "Block Device %(id)s is not bootable."


class FlavorMemoryTooSmall(NovaException):
    """Nova's ``FlavorMemoryTooSmall`` (the image's ``min_ram`` is above the flavor's)."""

    msg_fmt = "Flavor's memory is too small for requested image."


class CertificateValidationFailed(NovaException):
    """Nova's ``CertificateValidationFailed`` (a 400 from rebuild)."""

    msg_fmt = (
        "Image signature certificate validation failed for certificate: %(cert_uuid)s. %(reason)s"
    )


class PreserveEphemeralNotSupported(Invalid):
    """Nova's ``PreserveEphemeralNotSupported`` (libvirt has no ``driver.rebuild``)."""

    msg_fmt = "The current driver does not support preserving ephemeral partitions."


class MetadataLimitExceeded(OverQuota):
    """Nova's ``MetadataLimitExceeded`` (an ``OverQuota``: 403 from the servers API)."""

    msg_fmt = "Maximum number of metadata items exceeds %(allowed)d"


class TooManyInstances(OverQuota):
    """Nova's ``TooManyInstances``: a boot request over the instances, cores or ram quota."""

    msg_fmt = (
        "Quota exceeded for %(overs)s: Requested %(req)s, but already used %(used)s of "
        "%(allowed)s %(overs)s"
    )


#: Where our classes live in the real services (for the 500 message and fault names).
_REAL_MODULES = {
    "fakecloud.nova.exception": "nova.exception",
    "fakecloud.sim.rpc": "oslo_messaging.exceptions",
    "fakecloud.nova.image_api": "glanceclient.exc",
    "fakecloud.nova.volume_api": "cinderclient.exceptions",
}


class NovasOwn500(ServicesOwn500):
    """Mixed into an error real Nova's API does not expect either (a library's, say
    oslo.limit's): its ``Unexpected API Error`` 500 is real Nova's answer, not a crash of
    fakecloud's, so `translate` records no ``api.error`` for it (`ServicesOwn500`, which
    Cinder's and Glance's APIs honour alike)."""


def real_class_path(exc: BaseException) -> str:
    """The class path real Nova would print for `exc` (``nova.exception.X``...)."""
    cls = type(exc)
    explicit = getattr(cls, "real_class_path", None)
    if isinstance(explicit, str):
        return explicit
    module = cls.__module__
    if module == "builtins":
        return cls.__qualname__
    return f"{_REAL_MODULES.get(module, module)}.{cls.__qualname__}"


def real_class_name(exc: BaseException) -> str:
    """The class name real Nova sees for `exc` (``fault.__class__.__name__``): the bindings'
    ``libvirtError`` for fakecloud's `LibvirtError`, whose ``real_class_path`` says so."""
    return real_class_path(exc).rsplit(".", 1)[-1]


class VolumeSmallerThanMinDisk(FlavorDiskTooSmall):
    """Nova's ``VolumeSmallerThanMinDisk`` (a volume-backed root under the image's min_disk)."""

    msg_fmt = (
        "Volume is smaller than the minimum size specified in image metadata. Volume size is "
        "%(volume_size)i bytes, minimum size is %(image_min_disk)i bytes."
    )


class CannotResizeToSameFlavor(NovaException):
    """Nova's ``CannotResizeToSameFlavor`` (400 from a resize)."""

    msg_fmt = "When resizing, instances must change flavor!"


class CannotResizeDisk(NovaException):
    """Nova's ``CannotResizeDisk`` (400: an image-backed server to a flavor with no disk)."""

    msg_fmt = "Server disk was unable to be resized because: %(reason)s"


class ResizeError(NovaException):
    """Nova's ``ResizeError`` (the libvirt driver's 'Unable to resize disk down.')."""

    msg_fmt = "Resize error: %(reason)s"


class CannotMigrateToSameHost(NovaException):
    """Nova's ``CannotMigrateToSameHost`` (400 from a migrate to the server's own host)."""

    msg_fmt = "Cannot migrate to the host where the server exists."


class MigrationNotFound(NotFound):
    """Nova's ``MigrationNotFound``."""

    msg_fmt = "Migration %(migration_id)s could not be found."


class MigrationNotFoundByStatus(MigrationNotFound):
    """Nova's ``MigrationNotFoundByStatus`` (confirm/revert of a server not resized)."""

    msg_fmt = "Migration not found for instance %(instance_id)s with status %(status)s."


class ServiceUnavailable(Invalid):
    """Nova's ``ServiceUnavailable`` (409 from a confirm while the source compute is down)."""

    msg_fmt = "Service is unavailable at this time."


# -- live migration (17.0.13-34.0.0, the same texts) -----------------------------------------


class ComputeServiceUnavailable(ServiceUnavailable):
    """Nova's ``ComputeServiceUnavailable`` (a live migration's source or forced host down)."""

    msg_fmt = "Compute service of %(host)s is unavailable at this time."


class UnableToMigrateToSelf(Invalid):
    """Nova's ``UnableToMigrateToSelf`` (a live migration forced to the server's own host)."""

    msg_fmt = "Unable to migrate instance (%(instance_id)s) to current host (%(host)s)."


class MigrationNotFoundForInstance(MigrationNotFound):
    """Nova's ``MigrationNotFoundForInstance`` (no such migration of this server)."""

    msg_fmt = "Migration %(migration_id)s not found for instance %(instance_id)s"


class InvalidMigrationState(Invalid):
    """Nova's ``InvalidMigrationState`` (abort or force-complete of a migration not running)."""

    msg_fmt = (
        "Migration %(migration_id)s state of instance %(instance_uuid)s is %(state)s. Cannot "
        "%(method)s while the migration is in this state."
    )


class InvalidSharedStorage(NovaException):
    """Nova's ``InvalidSharedStorage`` (a live migration without block migration of a server
    with a local disk)."""

    msg_fmt = "%(path)s is not on shared storage: %(reason)s"


class InvalidLocalStorage(NovaException):
    """Nova's ``InvalidLocalStorage`` (a block migration of a server with no local disk)."""

    msg_fmt = "%(path)s is not on local storage: %(reason)s"


class MigrationError(NovaException):
    """Nova's ``MigrationError``."""

    msg_fmt = "Migration error: %(reason)s"


class MigrationPreCheckError(MigrationError):
    """Nova's ``MigrationPreCheckError`` (a live migration's checks refused it)."""

    msg_fmt = "Migration pre-check error: %(reason)s"


class NoActiveMigrationForInstance(NotFound):
    """Nova's ``NoActiveMigrationForInstance`` (the driver has no migration job to act on)."""

    msg_fmt = "Active live migration for instance %(instance_id)s not found"


class ComputeResourcesUnavailable(ServiceUnavailable):
    """Nova's ``ComputeResourcesUnavailable``: a resource tracker's claim refused (fault point
    ``nova.compute.resize_claim``)."""

    msg_fmt = "Insufficient compute resources: %(reason)s."


class MultiattachSwapVolumeNotSupported(Invalid):
    """Nova's ``MultiattachSwapVolumeNotSupported`` (20.0.0, 5a1d159d14; backports 17.0.11,
    18.2.1, 19.0.1): a swap of a volume with more than one read/write attachment."""

    msg_fmt = (
        "Swapping multi-attach volumes with more than one read/write attachment is not supported."
    )


class ConsoleTypeInvalid(Invalid):
    """Nova's ``ConsoleTypeInvalid`` (a console type its protocol does not serve)."""

    msg_fmt = "Invalid console type %(console_type)s"


class ConsoleTypeUnavailable(Invalid):
    """Nova's ``ConsoleTypeUnavailable`` (a console type the compute host has not enabled)."""

    msg_fmt = "Unavailable console type %(console_type)s."


class OnsetFileLimitExceeded(OverQuota):
    """Nova's ``OnsetFileLimitExceeded``: more personality files than the ``injected_files``
    quota (an ``OverQuota`` in 34.0.0, a ``QuotaError`` in 17.0.13: 403 from the servers API)."""

    msg_fmt = "Personality file limit exceeded"


class OnsetFilePathLimitExceeded(OnsetFileLimitExceeded):
    """Nova's ``OnsetFilePathLimitExceeded``: a path longer than ``injected_file_path_bytes``."""

    msg_fmt = "Personality file path exceeds maximum %(allowed)s"


class OnsetFileContentLimitExceeded(OnsetFileLimitExceeded):
    """Nova's ``OnsetFileContentLimitExceeded``: contents (as sent, base64) longer than
    ``injected_file_content_bytes``."""

    msg_fmt = "Personality file content exceeds maximum %(allowed)s"


class KeypairLimitExceeded(OverQuota):
    """Nova's ``KeypairLimitExceeded``: the keypairs API's 403 (its ``str``)."""

    msg_fmt = "Quota exceeded, too many key pairs."


class ServerGroupLimitExceeded(OverQuota):
    """Nova's ``ServerGroupLimitExceeded``: the server groups API's 403 (its ``str``)."""

    msg_fmt = "Quota exceeded, too many server groups."


class GroupMemberLimitExceeded(OverQuota):
    """Nova's ``GroupMemberLimitExceeded``: a create's 403 (the servers API's ``OverQuota``)."""

    msg_fmt = "Quota exceeded, too many servers in group"


class ImageNUMATopologyForbidden(Invalid):
    """Nova's ``ImageNUMATopologyForbidden``: the image sets what the flavor's NUMA extra specs
    already set (`fakecloud.nova.numa_constraints`). A ``Forbidden`` there, but every API
    raising it catches it as a 400 (as `ImageCPUPinningForbidden`)."""

    msg_fmt = (
        "Image property '%(name)s' is not permitted to override NUMA configuration set "
        "against the flavor"
    )


class InvalidNUMANodesNumber(Invalid):
    """Nova's ``InvalidNUMANodesNumber``."""

    msg_fmt = "The property 'numa_nodes' cannot be '%(nodes)s'. It must be a number greater than 0"


class ImageNUMATopologyAsymmetric(Invalid):
    """Nova's ``ImageNUMATopologyAsymmetric``."""

    msg_fmt = (
        "Instance CPUs and/or memory cannot be evenly distributed across instance NUMA nodes. "
        "Explicit assignment of CPUs and memory to nodes is required"
    )


class ImageNUMATopologyIncomplete(Invalid):
    """Nova's ``ImageNUMATopologyIncomplete``."""

    msg_fmt = "CPU and memory allocation must be provided for all NUMA nodes"


class MemoryPageSizeInvalid(Invalid):
    """Nova's ``MemoryPageSizeInvalid``."""

    msg_fmt = "Invalid memory page size '%(pagesize)s'"


class MemoryPageSizeForbidden(Invalid):
    """Nova's ``MemoryPageSizeForbidden``."""

    msg_fmt = "Page size %(pagesize)s forbidden against '%(against)s'"


class InvalidEmulatorThreadsPolicy(Invalid):
    """Nova's ``InvalidEmulatorThreadsPolicy``."""

    msg_fmt = (
        "CPU emulator threads option requested is invalid, given: '%(requested)s', "
        "available: '%(available)s'."
    )


class BadRequirementEmulatorThreadsPolicy(Invalid):
    """Nova's ``BadRequirementEmulatorThreadsPolicy``."""

    msg_fmt = "An isolated CPU emulator threads option requires a dedicated CPU policy option."


class RealtimeConfigurationInvalid(Invalid):
    """Nova's ``RealtimeConfigurationInvalid``."""

    msg_fmt = "Cannot set realtime policy in a non dedicated cpu pinning policy"


class RealtimeMaskNotFoundOrInvalid(Invalid):
    """Nova's ``RealtimeMaskNotFoundOrInvalid`` (22.0.0 gave it another message:
    `fakecloud.nova.numa_constraints` passes its release's)."""

    msg_fmt = (
        "Use of realtime CPUs requires either one or more non-realtime CPU(s) or offloaded "
        "emulator threads."
    )


class ImageNUMATopologyCPUOutOfRange(Invalid):
    """Nova's ``ImageNUMATopologyCPUOutOfRange``."""

    msg_fmt = "CPU number %(cpunum)d is larger than max %(cpumax)d"


class ImageNUMATopologyCPUDuplicates(Invalid):
    """Nova's ``ImageNUMATopologyCPUDuplicates``."""

    msg_fmt = "CPU number %(cpunum)d is assigned to two nodes"


class ImageNUMATopologyCPUsUnassigned(Invalid):
    """Nova's ``ImageNUMATopologyCPUsUnassigned``."""

    msg_fmt = "CPU number %(cpuset)s is not assigned to any node"


class ImageNUMATopologyMemoryOutOfRange(Invalid):
    """Nova's ``ImageNUMATopologyMemoryOutOfRange``."""

    msg_fmt = "%(memsize)d MB of memory assigned, but expected %(memtotal)d MB"


class LockMemoryForbidden(Invalid):
    """Nova's ``LockMemoryForbidden`` (26.0.0 on): locked memory without a page size. A
    ``Forbidden`` until 34.0.0 (ca384766a7): `LockMemoryForbidden403` stands for that one."""

    msg_fmt = "locked_memory value in image or flavor is forbidden when mem_page_size is not set."


class LockMemoryForbidden403(Forbidden):
    """``LockMemoryForbidden`` as a ``Forbidden`` (26.0.0-33.x): the API's 403."""

    msg_fmt = LockMemoryForbidden.msg_fmt
    real_class_path = "nova.exception.LockMemoryForbidden"


class FlavorImageLockedMemoryConflict(Invalid):
    """Nova's ``FlavorImageLockedMemoryConflict`` (26.0.0 on), a ``FlavorImageConflict`` from
    34.0.0, which the API answers with a 400; before, a bare ``NovaException``: Nova's 500
    (`fakecloud.nova.numa_constraints`)."""

    msg_fmt = (
        "locked_memory value in image (%(image)s) and flavor (%(flavor)s) conflict. A "
        "consistent value is expected if both specified."
    )


class FlavorImageConflict(NovaException):
    """Nova's ``FlavorImageConflict`` (a bare ``NovaException``, in the API's
    ``INVALID_FLAVOR_IMAGE_EXCEPTIONS``: a 400; `fakecloud.nova.mem_encryption`)."""

    msg_fmt = (
        "Conflicting values for %(setting)s found in the flavor (%(flavor_val)s) and the image "
        "(%(image_val)s)."
    )


class InvalidMachineType(Invalid):
    """Nova's ``InvalidMachineType``."""

    msg_fmt = (
        "Machine type '%(mtype)s' is not compatible with image %(image_name)s (%(image_id)s): "
        "%(reason)s"
    )


class StatelessFirmwareRequired(Invalid):
    """Nova's ``StatelessFirmwareRequired`` (34.0.0)."""

    msg_fmt = "%(feature)s requires stateless firmware"
