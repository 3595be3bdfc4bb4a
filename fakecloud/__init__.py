"""fakecloud: a deterministic, in-process simulated OpenStack for testing, replaying and
teaching how OpenStack snapshots a server.

    >>> from fakecloud import Cloud
    >>> cloud = Cloud(seed=0, profile="seed")

    >>> @fakecloud.mock()          # moto's habit: a fresh cloud, intercepted, per call
    ... def test(): openstack.connect().image.images()
"""

from typing import TYPE_CHECKING

from fakecloud.mocking import mock
from fakecloud.version import __version__

if TYPE_CHECKING:
    from fakecloud.cloud import Cloud

__all__ = ["Cloud", "mock", "__version__"]


def __getattr__(name: str):
    """`Cloud`, imported from `fakecloud.cloud` on first use."""
    # Cloud is imported on first use, not with the package: ``fakecloud.pytest_plugin`` is a
    # submodule, and pytest-xdist's controller, which loads the plugin but runs no test, then
    # imported all of fakecloud before starting its workers.
    if name == "Cloud":
        from fakecloud.cloud import Cloud

        return Cloud
    raise AttributeError(f"module 'fakecloud' has no attribute {name!r}")
