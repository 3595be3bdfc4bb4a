"""``${}`` substitution reads each text's references once and gives what a regex substitution
gives: references inside text written as text, a whole reference with its own type, ``$${``
written literally, an unknown name left as written (when binding)."""

from __future__ import annotations

import re

import pytest

from fakecloud.scenario.subst import Unresolved, bind, resolve

NAMES = {"servers": {"web": {"id": "abc"}}, "n": 3, "flag": True, "none": None}


def _lookup(ref: str):
    root, _, rest = ref.partition(".")
    if root not in NAMES:
        raise Unresolved(ref)
    value = NAMES[root]
    for part in rest.split(".") if rest else []:
        value = value[part]
    return value


def _reference(text: str, keep_unknown: bool):
    """The substitution as one regex pass (what the scenario files' texts always got)."""
    ref = re.compile(r"\$\$\{|\$\{([^${}]+)\}")
    whole = ref.fullmatch(text)
    if whole and whole.group(1) is not None:
        return _lookup(whole.group(1).strip())

    def one(m):
        if m.group(1) is None:
            return "$${" if keep_unknown else "${"
        value = _lookup(m.group(1).strip())
        if isinstance(value, str):
            return value
        return {True: "true", False: "false", None: "null"}.get(value, str(value))

    return ref.sub(one, text)


TEXTS = [
    "/servers/${servers.web.id}/action",
    "POST /servers/${ servers.web.id }/action",
    "${n}",
    "${flag}",
    "x${n}y${flag}z${none}",
    "$${literal} and ${n}",
    "$${",
    "${servers.web.id}${servers.web.id}",
    "${servers}",
]


@pytest.mark.parametrize("text", TEXTS)
def test_resolve_matches_a_regex_substitution(text: str) -> None:
    for _ in range(2):  # the second time from the text's pieces read the first time
        assert resolve(text, _lookup) == _reference(text, keep_unknown=False)


def test_an_unknown_name_raises_when_resolved_and_stays_when_bound() -> None:
    with pytest.raises(Unresolved):
        resolve("/a/${missing.x}/b", _lookup)
    assert bind("/a/${missing.x}/b $${q} ${n}", {"n": 3}) == "/a/${missing.x}/b $${q} 3"
    assert bind("${missing}", {"n": 3}) == "${missing}"
