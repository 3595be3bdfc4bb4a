"""What a legacy notification's ``exception`` shows: the exception object in the payload, which
Nova's ``JsonPayloadSerializer`` (oslo.serialization ``to_primitive``) turns into its ``repr``,
on Python 2 before Nova 21.0.0, with the real class's name and arguments."""

from __future__ import annotations

import pytest

from fakecloud.nova import exception
from fakecloud.nova.image_api import GlanceClientError
from fakecloud.nova.notifications import exception_repr
from fakecloud.nova.virt.libvirt import LibvirtError
from fakecloud.nova.volume_api import ClientException

_GONE = exception.InstanceNotFound(instance_id="x")


@pytest.mark.parametrize(
    ("error", "python2", "shown"),
    [
        (_GONE, False, "InstanceNotFound('Instance x could not be found.')"),
        # BaseException's repr of a one-tuple, a Nova message unicode (_())
        (_GONE, True, "InstanceNotFound(u'Instance x could not be found.',)"),
        # libvirt-python passes only the message on; a str on Python 2
        (LibvirtError("guest crashed", 1), False, "libvirtError('guest crashed')"),
        (LibvirtError("guest crashed", 1), True, "libvirtError('guest crashed',)"),
        # the clients' exceptions set attributes and pass nothing on
        (ClientException(500, "Internal Server Error"), True, "ClientException()"),
        (GlanceClientError("415 Unsupported Media Type", code=415), False, "HTTPException()"),
        (ValueError("caf\u00e9"), True, "ValueError('caf\\xe9',)"),
        (ValueError("caf\u00e9"), False, "ValueError('caf\u00e9')"),
    ],
)
def test_the_repr_real_nova_serializes(error, python2, shown):
    assert exception_repr(error, python2) == shown
