"""Tempest, OpenStack's conformance suite, against a served fakecloud.

``fakecloud serve --settle --tempest-config DIR`` gives the served cloud Tempest's accounts
(`served_config`) and writes the files of a Tempest workspace in DIR for the profile and ports
it serves (`write_files`): ``etc/tempest.conf``, ``etc/accounts.yaml`` and the exclude lists,
each line with its reason. docs/testing.md ("Tempest") shows a run.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fakecloud.tempest.accounts import with_identity
from fakecloud.tempest.files import write as write_files
from fakecloud.tempest.settings import web_download_config


def served_config(config: Mapping[str, Any] | None) -> dict[str, Any]:
    """`config` (sections by name) with what a Tempest run needs of the cloud: its projects and
    users (year-long tokens) and Tempest's ``http_image`` fetchable by web-download."""
    return web_download_config(with_identity(config))


__all__ = ["served_config", "write_files"]
