"""What Nova's Glance client does with an anonymous admin context (``get_admin_context()``:
``init_host``, periodic tasks; no user, no token), 17.0.0-34.0.0.

Unlike its Cinder client (``_get_auth``: the ``[cinder]`` user), ``nova/image/glance.py``
has no auth of its own for such a context: ``_session_and_auth`` takes the ``[glance]``
section's session only, and the auth is the context's (``context.get_auth_plugin()``: a
``_ContextAuthPlugin`` with no token and an empty catalog), wrapped with Nova's service token
when Nova sends one (``service_auth.get_auth_plugin``; 41c64b94b0 gave the ``user_auth``
argument to Cinder's and Neutron's clients only). Every ``GlanceClientWrapper.call`` makes a
new client (``get_default_image_service()`` per request), so each request first finds
Glance's endpoint:

- ``[glance] api_servers`` unset (config ``image_api.api_server`` ""): the endpoint comes from
  the context's catalog, which is empty, so no request is made. Until 33.x Nova's
  ``utils.get_endpoint`` tries each interface of ``[glance] valid_interfaces`` and raises
  keystoneauth's ``EndpointNotFound`` naming them; from 34.0.0 (12d8f57c6f, switch
  ``glance_link_catalog_url`` off) ``ksa_adap.get_endpoint()`` raises ``EmptyCatalog``.
- ``api_servers`` set: the request is built with the context's auth, whose token is None.
  Without a service token keystoneauth's session refuses it (``AuthorizationFailure``);
  with one, ``ServiceTokenAuthWrapper.get_headers`` indexes the user's None headers (a
  ``TypeError``) until keystoneauth 5.9.0 (``... or {}``: the upper constraint of Nova 31.0.0,
  5.10.0), after which the request goes with ``X-Service-Token`` alone and Glance's
  ``auth_token`` middleware answers 401 (keystonemiddleware's JSON body, which glanceclient
  reads as ``HTTPUnauthorized``).

None of these is an error Nova's image API translates: the caller gets it as it is (the
unshelve's ``_delete_snapshot_of_shelved_instance`` logs "Something wrong happened ..." and
the image stays). Glance never sees an admin, so its policy and private images play no part.
"""

from __future__ import annotations

from typing import Any

from fakecloud.nova.service_auth import sends_service_token

#: ``[glance] valid_interfaces``' default (``nova/conf/utils.py`` ``register_ksa_opts``).
VALID_INTERFACES = ("internal", "public")

#: The first Nova whose upper constraints hold keystoneauth1 5.9.0 or later (a service token
#: without a user token goes alone): 31.0.0 (2025.1, keystoneauth1 5.10.0).
SERVICE_TOKEN_ALONE_SINCE = 31

#: keystonemiddleware's 401 message (its JSON body's ``error.message``).
UNAUTHENTICATED = "The request you have made requires authentication."


class EndpointNotFound(Exception):
    """``keystoneauth1.exceptions.catalog.EndpointNotFound``."""

    real_class_path = "keystoneauth1.exceptions.catalog.EndpointNotFound"


class EmptyCatalog(EndpointNotFound):
    """``keystoneauth1.exceptions.catalog.EmptyCatalog``."""

    real_class_path = "keystoneauth1.exceptions.catalog.EmptyCatalog"


class AuthorizationFailure(Exception):
    """``keystoneauth1.exceptions.auth.AuthorizationFailure``."""

    real_class_path = "keystoneauth1.exceptions.auth.AuthorizationFailure"


def failure(kernel: Any, api_server: str) -> BaseException | None:
    """The error Nova's Glance client raises before sending a request made with an anonymous
    admin context, or None when the request goes out with Nova's service token alone (Glance
    answers it 401). `api_server`: ``[glance] api_servers`` as configured ("" unset)."""
    if not api_server:
        if kernel.switches.glance_link_catalog_url:
            return EndpointNotFound(
                "Could not find requested endpoint for any of the following interfaces: "
                f"{list(VALID_INTERFACES)}"
            )
        return EmptyCatalog("The service catalog is empty.")
    if not sends_service_token(kernel):
        return AuthorizationFailure("No valid authentication is available")
    if kernel.switches.release.major < SERVICE_TOKEN_ALONE_SINCE:
        return TypeError("'NoneType' object does not support item assignment")
    return None
