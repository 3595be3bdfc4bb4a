"""adminPass generation draws exactly as ``choice``/``shuffle`` would on the same stream."""

from hypothesis import given, settings
from hypothesis import strategies as st

from fakecloud.nova.passwords import ALPHABET, LENGTH, SYMBOLS, generate_password
from fakecloud.sim.ids import stream
from tests.robustness.fuzz_scale import SCALE


def _reference(rng):
    password = [rng.choice(group) for group in SYMBOLS]
    rng.shuffle(password)
    password.extend(rng.choice(ALPHABET) for _ in range(LENGTH - len(password)))
    rng.shuffle(password)
    return "".join(password)


def test_the_written_out_draws_are_the_password_choice_and_shuffle_draw():
    for n in range(40):
        purpose = f"nova.password.server-{n}"
        a, b = stream(7, purpose), stream(7, purpose)
        assert generate_password(a) == _reference(b)
        assert a.getstate() == b.getstate()


@settings(max_examples=10 * SCALE, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**64), server=st.uuids().map(str))
def test_any_seed_and_server_gives_choice_and_shuffles_password(seed, server):
    purpose = f"nova.password.{server}"
    a, b = stream(seed, purpose), stream(seed, purpose)
    assert generate_password(a) == _reference(b)
    assert a.getstate() == b.getstate()
