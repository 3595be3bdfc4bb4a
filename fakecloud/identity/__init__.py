"""Just enough Keystone: who is calling, in which project, with which roles.

`Keystone` (built by every `Cloud` as ``cloud.keystone``) holds the domains, projects, users and
roles of the ``identity`` config section, issues and checks tokens on the virtual clock, and
serves the catalog and the Keystone v3 API (``cloud.keystone.api``). Every service's requests
carry a `RequestContext` built from the caller's token.
"""

from fakecloud.identity.context import RequestContext
from fakecloud.identity.keystone import Keystone

__all__ = ["Keystone", "RequestContext"]
