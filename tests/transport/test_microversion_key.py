"""A microversion's `key` orders as the version does (the hot gates compare keys)."""

import itertools

from fakecloud.api.microversion import Version

#: Majors 1-3, minors around a digit boundary and beyond (2.9 < 2.10 < 2.100).
_VERSIONS = [Version(major, minor) for major in (1, 2, 3) for minor in (0, 1, 9, 10, 27, 99, 100)]


def test_a_versions_key_orders_as_the_version():
    for va, vb in itertools.product(_VERSIONS, repeat=2):
        assert va.key == (va.major, va.minor)
        assert (va.key >= vb.key) == (va >= vb)
        assert (va.key < vb.key) == (va < vb)
        assert (va.key == vb.key) == (va == vb)


def test_a_parsed_version_has_the_key_of_its_string():
    assert Version.parse("3.27").key == (3, 27)
    assert Version.parse("2.100").key > Version.parse("2.9").key
    assert repr(Version.parse("3.44")) == "Version(major=3, minor=44)"
