"""fakecloud: a deterministic, in-process simulated OpenStack for testing, replaying and
teaching how OpenStack snapshots a server.

    >>> from fakecloud import Cloud
    >>> cloud = Cloud(seed=0, profile="seed")
"""

from fakecloud.cloud import Cloud

__all__ = ["Cloud"]
__version__ = "0.1.0"
