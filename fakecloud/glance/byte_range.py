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


def byte_range(header: str | None, size: int, content_range: str | None = None):
    """The [offset, stop) part of an image of `size` bytes that a ``Range`` `header` (or, for
    backward compatibility, a request's `content_range`) asks for, None without either;
    Glance's 400 (several ranges) or 416 (malformed, starting or ending past the end)."""
    if header is None:
        return None if content_range is None else _content_range(content_range, size)
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
        raise _past_the_end("start", "Range", size)
    offset = start if start >= 0 else (size + start if -start < size else 0)
    stop = end if end is not None and end < size else size
    return offset, stop


def _content_range(header: str, size: int) -> tuple[int, int]:
    """``get_range_from_request``'s ``Content-Range`` branch (``bytes A-B/N``, ``N`` may be
    ``*``); the part is sent as asked, even past the end when the length is given."""
    from webob.byterange import ContentRange

    parsed = ContentRange.parse(header)
    if parsed is None or parsed.start is None:  # ``bytes */N``: Glance's 500 (None >= int)
        raise HTTPRequestRangeNotSatisfiable("Invalid Content-Range header.")
    if parsed.length is None and parsed.stop > size:
        raise HTTPRequestRangeNotSatisfiable(
            "Invalid stop position in Content-Range header. The stop position MUST be in the "
            f"inclusive range [0, {size - 1}]."
        )
    if parsed.start >= size:
        raise _past_the_end("start", "Content-Range", size)
    return parsed.start, parsed.stop


def _past_the_end(which: str, header: str, size: int) -> HTTPRequestRangeNotSatisfiable:
    return HTTPRequestRangeNotSatisfiable(
        f"Invalid {which} position in {header} header. Start position MUST be in the inclusive "
        f"range [0, {size - 1}]."
    )
