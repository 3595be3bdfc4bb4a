"""Keystone's whole v3 API as a cloud serves it: the reads (`fakecloud.identity.api`), the
admin writes (`fakecloud.identity.admin_api`), groups (`fakecloud.identity.groups_api`),
implied roles (`fakecloud.identity.inference_api`) and project tags
(`fakecloud.identity.tags_api`), each part declaring its routes after the parts before it."""

from __future__ import annotations

from fakecloud.identity.groups_api import KeystoneGroupsApi
from fakecloud.identity.inference_api import KeystoneInferenceApi
from fakecloud.identity.tags_api import KeystoneTagsApi


class KeystoneV3Api(KeystoneTagsApi, KeystoneInferenceApi, KeystoneGroupsApi):
    """The Keystone v3 API of one cloud (``cloud.keystone.api``)."""
