"""A download's ``Range`` header, read as Glance reads it.

``glance.common.wsgi.Request.get_range_from_request`` parses it with WebOb's
``Range.parse`` (one ``bytes=START-END`` range, ``END`` inclusive; ``bytes=-N`` the last N)
and ``image_data.ResponseSerializer.download`` turns it into the part sent with a 206.

    >>> byte_range("bytes=0-3", 8)
    (0, 4)
    >>> byte_range("bytes=-2", 8)
    (6, 8)
"""

from __future__ import annotations

from fakecloud.glance.errors import GlanceHttpError, HTTPBadRequest


class HTTPRequestRangeNotSatisfiable(GlanceHttpError):
    """416."""

    code = 416
    title = "Request Range Not Satisfiable"
    explanation = "The Range requested is not available."


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The [offset, stop) part of an image of `size` bytes that `header` asks for, None
    without a header; Glance's 400 (several ranges) or 416 (malformed, starting past the end)."""
    if header is None:
        return None
    if "," in header:
        raise HTTPBadRequest(
            explanation="Requests with multiple ranges are not supported in Glance. You may "
            "make multiple single-range requests instead."
        )
    from webob.byterange import Range  # on first use, as fakecloud.transport.sizelimit

    try:
        parsed = Range.parse(header)
    except ValueError:  # ``bytes=-``: WebOb's int(""), Glance's 500
        parsed = None
    if parsed is None:
        raise HTTPRequestRangeNotSatisfiable("Invalid Range header.")
    start, end = parsed.start, parsed.end
    if start >= size:
        raise HTTPRequestRangeNotSatisfiable(
            "Invalid start position in Range header. Start position MUST be in the inclusive "
            f"range [0, {size - 1}]."
        )
    offset = start if start >= 0 else (size + start if -start < size else 0)
    stop = end if end is not None and end < size else size
    return offset, stop
