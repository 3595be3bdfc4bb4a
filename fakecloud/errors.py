"""Errors fakecloud itself raises: bad configuration, a stuck simulation, an illegal state change.

Errors that a fake OpenStack service would return to its caller live with that service; these are
the ones that mean "the user asked for something impossible" or "fakecloud has a bug".
"""


class FakecloudError(Exception):
    """Base of every error fakecloud raises about itself (not about the simulated cloud)."""


class ConfigError(FakecloudError, ValueError):
    """A configuration value, section, switch or profile that does not exist or does not fit."""


class ClientsMissing(FakecloudError, ImportError):
    """An OpenStack client library fakecloud drives (openstacksdk) is not installed; the message
    says how to install it (``pip install 'fakecloud-openstack[clients]'``)."""


class SimulationNotIdle(FakecloudError):
    """`run_until_idle` hit its virtual-time cap, or waited on processes that can never finish.

    `still_running` names the processes that were alive, so the message says what kept the cloud
    busy (a thaw loop polling a snapshot stuck in `creating`, a stalled upload, ...).
    """

    def __init__(self, message: str, still_running: list[str]):
        super().__init__(message)
        self.still_running = still_running


class IllegalTransition(FakecloudError):
    """A resource was asked to move between two states its state table does not connect.

    In fakecloud this is always a bug: services must check their gates before changing state.
    """


class ReentrantClockError(FakecloudError):
    """Virtual time was asked to advance from inside the simulation itself (e.g. a `time.sleep`
    reached from a simulated process), which would deadlock the clock."""


class StateError(FakecloudError):
    """A cloud that cannot be saved, loaded or forked as asked: work still in flight, a file of
    another format version or not a fakecloud state at all, or an object fakecloud cannot copy.

    `obj` is the offending object when there is one (the message then says where it was found).
    """

    def __init__(self, message: str, obj: object = None):
        super().__init__(message)
        self.obj = obj


class FakecloudWarning(UserWarning):
    """Something in a run that deserves a look though it failed nothing (a fault rule of a
    scenario that never fired)."""
