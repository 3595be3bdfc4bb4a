"""The Python API given what a careless caller gives it: a clear `ConfigError` naming the
argument, never a world quietly other than the one asked for."""

import math

import pytest

from fakecloud import Cloud
from fakecloud.errors import ConfigError


@pytest.mark.parametrize("seed", [1.0, 1.5, math.nan, "1", None, True, [1], object()])
def test_a_seed_that_is_not_a_whole_number_is_refused(seed):
    """Ids derive from the seed's text: Cloud(seed=1.0) built a world other than seed 1's,
    and seed=object() a different one in every process."""
    with pytest.raises(ConfigError, match=r"^seed: a whole number, got "):
        Cloud(seed=seed)


def test_any_whole_number_is_a_seed():
    assert [Cloud(seed=s).seed for s in (-1, 2**70)] == [-1, 2**70]


@pytest.mark.parametrize(
    "config, expected",
    [
        ({"switches": ["lp1731986"]}, "config switches: a mapping of switch names to values"),
        ({"bugs": "lp1731986"}, r"config bugs: a list of bug names such as \['lp1731986'\]"),
        ({"bugs": {"lp1731986": True}}, "config bugs: a list of bug names"),
    ],
)
def test_switches_and_bugs_of_the_wrong_shape_are_named(config, expected):
    """``bugs: "lp1731986"`` used to be read letter by letter ("unknown switch 'l'"), and a
    list of switches was a TypeError from dict()."""
    with pytest.raises(ConfigError, match=expected):
        Cloud(config=config)
