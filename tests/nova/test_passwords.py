"""adminPass generation draws exactly as ``choice``/``shuffle`` would on the same stream."""

from fakecloud.nova.passwords import ALPHABET, LENGTH, SYMBOLS, generate_password
from fakecloud.sim.ids import stream


def _reference(rng):
    password = [rng.choice(group) for group in SYMBOLS]
    rng.shuffle(password)
    password.extend(rng.choice(ALPHABET) for _ in range(LENGTH - len(password)))
    rng.shuffle(password)
    return "".join(password)


def test_the_one_loop_draws_the_password_choice_and_shuffle_draw():
    for n in range(40):
        purpose = f"nova.password.server-{n}"
        a, b = stream(7, purpose), stream(7, purpose)
        assert generate_password(a) == _reference(b)
        assert a.getstate() == b.getstate()
