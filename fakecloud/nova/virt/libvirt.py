"""The part of the libvirt Python bindings fakecloud's driver and guest agent meet.

Real Nova catches ``libvirt.libvirtError`` and asks its ``get_error_code()``; fakecloud's
driver (`fakecloud.nova.virt.driver`) and guest agent (`fakecloud.nova.virt.guest_agent`) raise
`LibvirtError` the same way, from this one place.
"""

from __future__ import annotations


class LibvirtError(Exception):
    """``libvirt.libvirtError`` with its error code."""

    #: What Nova shows of it: the class path in a 500, the class name in an instance fault.
    real_class_path = "libvirt.libvirtError"

    def __init__(self, message: str, code: int):
        # Both in args: simpy re-creates an event's exception from its args.
        super().__init__(message, code)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return self.message

    def real_args(self) -> tuple[str]:
        """libvirt-python's ``args``: the message alone (``libvirtError.__init__`` passes only
        it to ``Exception.__init__``), as a legacy notification's ``repr`` shows it."""
        return (self.message,)

    def get_error_code(self) -> int:
        """The libvirt error code (e.g. ``VIR_ERR_NO_DOMAIN``)."""
        return self.code
