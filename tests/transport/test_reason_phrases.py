"""Status lines carry the phrases the real services send, not the host Python's: Python 3.13
renamed 413, 414, 416 and 422 after RFC 9110."""

import pytest

from fakecloud.transport.wsgi import status_line


@pytest.mark.parametrize(
    "status, line",
    [
        (202, "202 Accepted"),
        (413, "413 Request Entity Too Large"),  # oslo's sizelimit, Nova's and Cinder's 413
        (414, "414 Request-URI Too Long"),
        (416, "416 Request Range Not Satisfiable"),  # WebOb's title: Glance's range errors
        (422, "422 Unprocessable Entity"),
        (599, "599 Unknown"),
    ],
)
def test_a_status_line_has_the_services_phrase_on_every_python(status, line):
    assert status_line(status) == line
