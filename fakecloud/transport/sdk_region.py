"""The openstacksdk configuration `cloud.connection()` hands its connection.

Made as ``openstack.config.get_cloud_region`` makes it (an ``OpenStackConfig`` without clouds.yaml
or environment, then ``get_one``), with the region of class `Region`: openstacksdk's
``CloudRegion`` whose ``insert_user_agent`` (the hook openstacksdk keeps for subclasses) reads
openstacksdk's version once a process instead of once a connection. The library's own reads it
with ``importlib.metadata.version``: the package's METADATA file found on the path, read and
parsed by the email parser, 61 % of making a connection and its session (4.9 M instructions).
The user agent is the same string (tests/clients/test_connection_service_types.py compares every
request header with ``openstack.connect``'s).
"""

from __future__ import annotations

import importlib.metadata
from functools import cache
from typing import Any

from openstack.config.cloud_region import CloudRegion
from openstack.config.loader import OpenStackConfig


@cache
def sdk_version() -> str:
    """openstacksdk's version as its ``insert_user_agent`` reads it (read once a process: the
    package imported cannot change while the process runs)."""
    return importlib.metadata.version("openstacksdk")


class Region(CloudRegion):
    """openstacksdk's ``CloudRegion``, its version for the user agent read once a process."""

    def insert_user_agent(self) -> None:
        """Add ``openstacksdk/<version>`` to the session's user agent, as the library does."""
        if not self._keystone_session:
            return
        self._keystone_session.additional_user_agent.append(("openstacksdk", sdk_version()))


class _Config(OpenStackConfig):
    _cloud_region_class = Region


def cloud_region(load_yaml_config: bool, load_envvars: bool, **settings: Any) -> Region:
    """``openstack.config.get_cloud_region(**settings)`` (without argparse options), as a
    `Region`."""
    config = _Config(load_yaml_config=load_yaml_config, load_envvars=load_envvars)
    return config.get_one(argparse=None, **settings)
