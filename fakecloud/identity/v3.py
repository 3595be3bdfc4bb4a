"""Keystone's whole v3 API as a cloud serves it: the reads (`fakecloud.identity.api`), the
admin writes (`fakecloud.identity.admin_api`), groups (`fakecloud.identity.groups_api`),
implied roles (`fakecloud.identity.inference_api`), the role writes and the groups' system
grants (`fakecloud.identity.roles_api`), project tags (`fakecloud.identity.tags_api`), the
catalog's writes (`fakecloud.identity.catalog_api`) and its endpoint filter
(`fakecloud.identity.endpoint_groups_api`), credentials (`fakecloud.identity.credentials_api`),
application credentials (`fakecloud.identity.app_creds_api`) and unified limits
(`fakecloud.identity.limits_api`), each part declaring its
routes after the parts before it."""

from __future__ import annotations

from fakecloud.identity.app_creds_api import KeystoneAppCredsApi
from fakecloud.identity.credentials_api import KeystoneCredentialsApi
from fakecloud.identity.endpoint_groups_api import KeystoneEndpointFilterApi
from fakecloud.identity.groups_api import KeystoneGroupsApi
from fakecloud.identity.limits_api import KeystoneLimitsApi
from fakecloud.identity.roles_api import KeystoneRolesApi
from fakecloud.identity.tags_api import KeystoneTagsApi


class KeystoneV3Api(
    KeystoneLimitsApi,
    KeystoneAppCredsApi,
    KeystoneCredentialsApi,
    KeystoneEndpointFilterApi,
    KeystoneTagsApi,
    KeystoneRolesApi,
    KeystoneGroupsApi,
):
    """The Keystone v3 API of one cloud (``cloud.keystone.api``)."""
