"""fakecloud: a deterministic, in-process simulated OpenStack for testing, replaying and
teaching how OpenStack snapshots a server.

    >>> from fakecloud import Cloud
    >>> cloud = Cloud(seed=0, profile="seed")

    >>> @fakecloud.mock()          # moto's habit: a fresh cloud, intercepted, per call
    ... def test(): openstack.connect().image.images()
"""

from fakecloud.cloud import Cloud
from fakecloud.mocking import mock
from fakecloud.version import __version__

__all__ = ["Cloud", "mock", "__version__"]
