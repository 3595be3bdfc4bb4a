"""Fill the caches a test run reads, once, before the first run (``make setup`` runs this).

Both test workers would otherwise build each of them on the first run, and build it again
in every worker of every run until something writes it:

- bytecode: an editable install compiles nothing, and pytest rewrites each test module's
  asserts on first import; collecting the suite writes both (``__pycache__``);
- Hypothesis's Unicode tables: the first strategy drawing text encodes every code point
  (1.1 million) to find which UTF-8 can carry, about 1 CPU-s (``.hypothesis/unicode_data``);
- Hypothesis's literals of the project's own modules, which it mixes into what it draws:
  each module's source parsed once (about 0.75 CPU-s for the modules a worker has loaded
  after collecting; ``.hypothesis/constants``, keyed by the source's hash).

What the tests draw is the same with the caches warm or cold: a cache holds exactly what
would be computed.
"""

import sys

import pytest
from hypothesis import strategies as st


def main() -> int:
    """Collect the suite (as the workers will), then have Hypothesis build its tables."""
    collected = pytest.main(["--collect-only", "-q"])
    st.text().validate()
    try:  # a private function: a Hypothesis without it simply builds its literals in the run
        from hypothesis.internal.conjecture.providers import _get_local_constants
    except ImportError:
        return collected
    _get_local_constants()
    return collected


if __name__ == "__main__":
    sys.exit(main())
