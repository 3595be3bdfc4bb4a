"""conftest.py's faster reading of Hypothesis's local literals (`_local_literals_read_faster`)
gives what Hypothesis's own functions give: which modules are local, and the literals of a
cached file."""

from __future__ import annotations

import json
import os
import sys

import hypothesis
from hypothesis.internal import constants_ast
from hypothesis.internal.conjecture import providers

import fakecloud.cloud

#: A cached literals file as Hypothesis writes it, with values its filter drops on reading.
CACHED = (
    "# file: /x/fakecloud/m.py\n# hypothesis_version: 6.170.9\n\n"
    "[-5000, 1000, 7, 2.5, -0.0, b'xyz', b'', '  ', 'abc', '" + "y" * 21 + "']"
)


def test_the_faster_reading_is_in_place_for_the_release_it_was_read_against():
    conftest = sys.modules["conftest"]
    patched = providers.is_local_module_file is not constants_ast.is_local_module_file
    assert patched == (hypothesis.__version__ in conftest.HYPOTHESIS_LITERALS_READ)


def test_local_modules_are_those_hypothesis_finds():
    paths = [
        os.__file__,
        json.__file__,
        hypothesis.__file__,
        fakecloud.cloud.__file__,
        __file__,
        os.path.join(os.path.dirname(os.__file__), "..", "fakecloud", "cloud.py"),
    ]
    found = [providers.is_local_module_file(path) for path in paths]
    assert found == [constants_ast.is_local_module_file(path) for path in paths]
    assert found == [False, False, False, True, False, True]


def test_a_cached_file_reads_as_hypothesis_reads_it():
    read = constants_ast._constants_from_source(CACHED, limit=True)
    assert read == constants_ast.Constants(
        integers={-5000, 1000}, floats={2.5}, bytes={b"xyz"}, strings={"abc"}
    )
    source = "X = 1000\nY = (1000, 2j)\n"
    assert constants_ast._constants_from_source(source, limit=True) == constants_ast.Constants(
        integers={1000}, floats={2.0}
    )
