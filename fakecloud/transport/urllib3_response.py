"""The urllib3 response the network would give: what ``requests`` reads for an answer's status,
header lines and body. The intercept builds one for every answer, and its call log one for each
older call read back."""

from __future__ import annotations

from collections.abc import Iterable
from io import BytesIO

from urllib3 import HTTPHeaderDict, HTTPResponse

from fakecloud.api.reasons import REASONS


def raw_response(
    status: int, method: str, lines: Iterable[tuple[str, str]], body: bytes, fp: BytesIO
) -> HTTPResponse:
    """The urllib3 response of `status` with the wire header `lines` (and a ``Content-Length``
    of `body`), reading its body from `fp`."""
    headers = HTTPHeaderDict()
    for key, value in lines:
        headers.add(key, value)
    headers["Content-Length"] = str(len(body))
    # requests reads cookies from the "original" response's msg, as from http.client; with no
    # Set-Cookie header there is nothing to read, and requests skips two cookie-jar passes.
    original = None
    if "Set-Cookie" in headers:
        original = HTTPResponse(body=BytesIO(), msg=headers, preload_content=False)
    return HTTPResponse(
        status=status,
        reason=REASONS.get(status),
        body=fp,
        headers=headers,
        original_response=original,
        preload_content=False,
        request_method=method,
    )
