"""Keystone's whole v3 API as a cloud serves it: the reads (`fakecloud.identity.api`), the
admin writes (`fakecloud.identity.admin_api`), groups (`fakecloud.identity.groups_api`),
implied roles (`fakecloud.identity.inference_api`), project tags
(`fakecloud.identity.tags_api`), the catalog's writes (`fakecloud.identity.catalog_api`),
credentials (`fakecloud.identity.credentials_api`) and application credentials
(`fakecloud.identity.app_creds_api`), each part declaring its routes after the parts before it."""

from __future__ import annotations

from fakecloud.identity.app_creds_api import KeystoneAppCredsApi
from fakecloud.identity.catalog_api import KeystoneCatalogApi
from fakecloud.identity.credentials_api import KeystoneCredentialsApi
from fakecloud.identity.groups_api import KeystoneGroupsApi
from fakecloud.identity.inference_api import KeystoneInferenceApi
from fakecloud.identity.tags_api import KeystoneTagsApi


class KeystoneV3Api(
    KeystoneAppCredsApi,
    KeystoneCredentialsApi,
    KeystoneCatalogApi,
    KeystoneTagsApi,
    KeystoneInferenceApi,
    KeystoneGroupsApi,
):
    """The Keystone v3 API of one cloud (``cloud.keystone.api``)."""
