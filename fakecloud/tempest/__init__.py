"""Tempest, OpenStack's conformance suite, against a served fakecloud.

``fakecloud serve --settle --tempest-config DIR`` gives the served cloud Tempest's accounts
(`served_config`) and writes the files of a Tempest workspace in DIR for the profile and ports
it serves (`write_files`): ``etc/tempest.conf``, ``etc/accounts.yaml`` and the exclude lists,
each line with its reason; a Nova under unified limits gets devstack's registered limits
(`register_nova_limits`). With ``--tempest-dynamic-credentials`` Tempest makes its projects
and users itself through Keystone's API (no accounts file). docs/testing.md ("Tempest") shows a
run.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fakecloud.tempest.accounts import with_identity, with_token_ttl
from fakecloud.tempest.files import write as write_files
from fakecloud.tempest.limits import register_nova_limits
from fakecloud.tempest.settings import (
    download_config,
    filters_config,
    multiattach_config,
    web_download_config,
)


def served_config(
    config: Mapping[str, Any] | None, dynamic_credentials: bool = False
) -> dict[str, Any]:
    """`config` (sections by name) with what a Tempest run needs of the cloud: year-long
    tokens, Tempest's ``http_image`` fetchable by web-download, its images downloadable
    (`download_config`), devstack's scheduler filters (`filters_config`) and multiattach
    volume type (`multiattach_config`), and the projects
    and users of its accounts file (none with `dynamic_credentials`: Tempest creates its
    own)."""
    merged = with_token_ttl(config) if dynamic_credentials else with_identity(config)
    return multiattach_config(filters_config(download_config(web_download_config(merged))))


__all__ = ["register_nova_limits", "served_config", "write_files"]
