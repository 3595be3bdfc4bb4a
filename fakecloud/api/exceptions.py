"""The base mechanics Nova's and Cinder's exception families share.

Both services write their errors the same way: a class holds a ``%``-style message template, an
HTTP ``code``, extra ``headers`` and ``safe``; the instance fills the template from its keyword
arguments. Each service keeps its own base class (``NovaException``, ``CinderException``) with
the real service's attribute names; this class does the filling for both::

    >>> class Gone(ServiceException):
    ...     code = 410
    ...     def __init__(self, message=None, **kwargs):
    ...         super().__init__(message, "%(what)s is gone.", kwargs)
    >>> str(Gone(what="v1"))
    'v1 is gone.'
"""

from __future__ import annotations

from typing import Any


class ServiceException(Exception):
    """An OpenStack service's exception: a message template filled from keyword arguments.

    ``code`` is the HTTP status the API answers with, ``headers`` extra response headers,
    ``safe`` whether the message may reach the user as it is.
    """

    code = 500
    headers: dict[str, str] = {}
    safe = False

    def __init__(self, message: str | None, template: str, kwargs: dict[str, Any]):
        self.kwargs = kwargs
        self.kwargs.setdefault("code", self.code)
        if message is None:
            try:
                message = template % kwargs
            except (KeyError, TypeError, ValueError):
                message = template
        super().__init__(str(message))


class ServicesOwn500:
    """Mixed into an error the real service's API does not expect either (a library's:
    keystoneauth's ``Unauthorized`` out of Nova's or Cinder's client, oslo.limit's): the
    service's 500 for it (Nova's ``Unexpected API Error``, Cinder's ``FaultWrapper``) is real
    OpenStack's answer, not a crash of fakecloud's, so the API records no ``api.error`` for it
    and ``no_unexpected_500`` reports only fakecloud's own defects."""
