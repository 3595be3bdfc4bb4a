"""Hostile scenario files get one clear file:line:field error, never a traceback, a hang or
a memory blow-up: binary and non-UTF-8 files, NaN, infinities and absurd magnitudes where a
time or a rate goes, out-of-range config, and matrices too large to expand."""

import pytest

from fakecloud.scenario.errors import ScenarioError
from fakecloud.scenario.loader import load, loads
from fakecloud.scenario.matrix import MAX_CASES
from fakecloud.scenario.runner import run_case


def problems(text, name="s.yaml"):
    with pytest.raises(ScenarioError) as caught:
        loads(text, name)
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize(
    "raw, expected",
    [
        (b"name: x\n\xff\xfe\x00", "s.yaml:2: not UTF-8 text (byte 0xff)"),
        (b"name: x\nsteps: []\n\x00\x00", "s.yaml:3: a NUL character: this looks like a binary"),
        # were "not UTF-8 text (byte 0xff)" and "a NUL character" (session 41)
        ("name: x\n".encode("utf-16"), "s.yaml:1: UTF-16 text, a byte order mark first: a sc"),
        ("name: x\n".encode("utf-16-le"), "s.yaml:1: UTF-16-LE text: a scenario file is UTF-8"),
        ("steps:\n  - wat: 1\n".encode("utf-8-sig"), "s.yaml:2: field steps[0].wat: unknown"),
    ],
    ids=["latin-1-bytes", "nul-bytes", "utf-16", "utf-16-le", "utf-8-bom-taken"],
)
def test_a_binary_or_non_utf8_file_is_named_at_its_line(tmp_path, raw, expected):
    path = tmp_path / "s.yaml"
    path.write_bytes(raw)
    with pytest.raises(ScenarioError) as caught:
        load(path, root_dir=tmp_path)
    assert str(caught.value).startswith(expected)


@pytest.mark.parametrize(
    "step, expected",
    [
        ("wait: .nan", "s.yaml:3: field steps[0].wait: expected seconds"),
        ("{at: .inf, wait: 1}", "s.yaml:3: field steps[0].at: expected a finite number, got inf"),
        ("{at: -1, wait: 1}", "s.yaml:3: field steps[0].at: expected a number at least 0, got -1"),
        (
            "wait: 1e300",
            "s.yaml:3: field steps[0].wait: expected a number at most 1e+09, got 1e+300",
        ),
        (
            "{fault: {point: glance.upload, action: delay, delay_s: .nan}}",
            "s.yaml:3: field steps[0].fault.delay_s: expected a finite number, got nan",
        ),
        (
            "{capacity: {resource: glance.store, mb_per_s: .nan}}",
            "s.yaml:3: field steps[0].capacity.mb_per_s: expected a finite number, got nan",
        ),
    ],
)
def test_non_finite_and_absurd_times_and_rates_are_refused_in_steps(step, expected):
    assert problems(f"name: n\nsteps:\n  - {step}\n")[0].startswith(expected)


def run_problems(text):
    (case,) = loads(text, "s.yaml").cases
    with pytest.raises(ScenarioError) as caught:
        run_case(case)
    return [str(p) for p in caught.value.problems]


def test_run_until_and_config_numbers_are_checked_at_their_line():
    assert problems("name: n\nrun: {until: .nan}\nsteps: [{wait: 1}]\n") == [
        "s.yaml:2: field run.until: expected a finite number, got nan"
    ]
    found = run_problems("name: n\ncloud:\n  config:\n    rpc: {delay_s: -1}\nsteps: [{wait: 1}]\n")
    assert found == [
        "s.yaml:4: field cloud.config.rpc.delay_s: config rpc.delay_s: expected a number of "
        "seconds from 0 to 1e+09, got -1 (negative)"
    ]
    found = run_problems(
        "name: n\ncloud:\n  config:\n    nova: {disk_throughput_mb_per_s: 0}\nsteps: [{wait: 1}]\n"
    )
    assert "nova.disk_throughput_mb_per_s: expected a rate above 0" in found[0]


def test_yaml_1_2_floats_are_numbers():
    (case,) = loads("name: n\nsteps:\n  - wait: 1e3\n").cases
    assert case.steps[0].spec == 1000.0


def test_a_matrix_past_the_size_cap_is_refused_before_it_is_built():
    params = "\n".join(f"  p{i}: [{', '.join(map(str, range(10)))}]" for i in range(20))
    uses = " ".join(f"${{p{i}}}" for i in range(20))
    found = problems(f"name: m\ndescription: '{uses}'\nmatrix:\n{params}\nsteps: [{{wait: 1}}]\n")
    assert found == [
        f"s.yaml:3: field matrix: the matrix makes {10**20} cases "
        f"({' x '.join(['10'] * 20)}, before exclude); at most {MAX_CASES} per file: split the "
        "file or shorten the lists"
    ]


def test_unused_parameters_of_a_huge_matrix_are_reported_at_once():
    values = "[" + ", ".join(map(str, range(1000))) + "]"
    found = problems(f"name: m\nmatrix:\n  a: {values}\n  b: {values}\nsteps: [{{wait: 1}}]\n")
    assert "s.yaml:3: field matrix.a: parameter 'a' is never used" in found[1]
    assert "s.yaml:4: field matrix.b: parameter 'b' is never used" in found[2]


def test_a_billion_laughs_is_refused_at_the_anchor_that_multiplies():
    """Nine anchors of nine aliases each read in microseconds and expand to 400 million values:
    the loader used to hang validating and copying them."""
    laughs = "".join(f"  l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 9))
    text = f"name: n\nvars:\n  l0: &l0 [x, x, x, x, x, x, x, x, x]\n{laughs}steps: []\n"
    (problem,) = problems(text)
    assert problem == (
        "s.yaml:8: anchors and aliases expand to more than 100,000 values here (a 'billion "
        "laughs'); write the values out, or alias fewer of them"
    )


def test_aliases_within_the_limit_still_load():
    text = "name: n\nvars:\n  a: &a {x: 1, y: [1, 2]}\n  b: [*a, *a, *a]\nsteps: []\n"
    assert loads(text, "s.yaml").cases


def test_an_integer_too_long_to_convert_is_named_at_its_line():
    assert problems("name: n\nsteps:\n  - wait: " + "9" * 5000 + "\n") == [
        "s.yaml:3: a whole number 5000 digits long: too large to read"
    ]
    # hexadecimal is read in any length (Python limits decimal text only): a ValueError
    # traceback when the refusal showed it
    assert problems("name: n\nsteps:\n  - wait: -0x" + "f" * 5000 + "\n") == [
        "s.yaml:3: a whole number 5000 digits long: too large to read"
    ]


def test_a_device_or_huge_file_is_refused_not_read_for_ever(tmp_path):
    with pytest.raises(ScenarioError, match=r"^/dev/zero: cannot read: it is a character device"):
        load("/dev/zero")
    huge = tmp_path / "huge.yaml"
    with open(huge, "wb") as f:
        f.truncate(9 * 2**20)  # sparse: nothing written
    with pytest.raises(ScenarioError, match=r"huge.yaml: larger than 8 MiB: not a scenario file"):
        load(huge)


def test_a_trace_pattern_whose_kind_is_a_list_fails_its_check_not_the_run():
    """Found by mutating library files: ``present: {kind: []}`` was a TypeError (unhashable)
    while the runner collected the kinds the checks name."""
    (case,) = loads(
        "name: n\nsteps:\n  - wait: 1\nexpect:\n  trace:\n    - present: {kind: []}\n"
    ).cases
    result = run_case(case)
    assert not result.passed
    assert [c.ok for c in result.checks if "trace present" in c.what] == [False]


@pytest.mark.parametrize(
    "entry, expected",
    [
        (
            "{tie: 1, pick: x}",
            "s.yaml:6: field choices.made[0].pick: expected a whole number, got 'x'",
        ),
        ("{fault: p, n: 1}", "s.yaml:6: field choices.made[0]: missing required key 'outcome'"),
        ("{throughput: 1, value: ''}", "s.yaml:6: field choices.made[0].value: expected a whole"),
    ],
)
def test_a_replay_files_decisions_are_checked_where_they_are_written(entry, expected):
    """Found by mutating replay files that explore wrote: `choices.made` entries of the wrong
    type were int() TypeErrors and ValueErrors at the start of the run."""
    text = f"name: n\nsteps:\n  - wait: 1\nchoices:\n  made:\n    - {entry}\n"
    assert problems(text)[0].startswith(expected)


#: Session 19's knobs (t2's deferred delete, t3's convergence): a junk value and what the
#: error says of it (after ``s.yaml:4: field cloud.config.nova.<knob>: config nova.``).
KNOBS19 = [
    # YAML's true is an int in Python: it passed as a count or seconds before session 19.
    ("reclaim_instance_interval_s: true", "expected int, got bool True"),
    ("reclaim_instance_interval_s: 1e999", "to 1000000000, got inf"),
    ("live_migration_completion_timeout: true", "expected int, got bool True"),
    ("live_migration_timeout_action: pause", "must be abort or force_complete, got 'pause'"),
    ("live_migration_permit_post_copy: 1", "expected true or false, got 1"),
    ("guest_dirty_mb_per_s: .nan", "expected MB/s from 0 to 1e+06, got nan"),
    ("guest_workloads: {db: {dirty_mb_per_s: .nan}}", "expected MB/s from 0 to 1e+06, got nan"),
    ("guest_workloads: 5", "got int 5"),
]


@pytest.mark.parametrize(("knob", "expected"), KNOBS19)
def test_session_19_knobs_are_refused_at_their_line(knob, expected):
    found = run_problems(
        f"name: n\ncloud:\n  config:\n    nova: {{{knob}}}\nsteps: [{{wait: 1}}]\n"
    )
    assert len(found) == 1 and found[0].startswith("s.yaml:4: field cloud.config.nova.")
    assert expected in found[0], found[0]


def test_a_mapping_holding_itself_is_refused_not_walked_for_ever():
    """``&m {..., self: *m}`` reads as a mapping inside itself: the alias check walked it for
    ever (a hang of `fakecloud run`, and of `run` of any folder holding such a file)."""
    assert problems("&m {name: n, steps: [], again: *m}\n") == [
        "s.yaml:1: this mapping or list holds itself (an alias inside its own anchor): it never "
        "ends; alias another anchor, or write the values out"
    ]


@pytest.mark.parametrize("key, spelled", [("5", "5"), ("~", "null"), ("true", "true")])
def test_a_key_that_is_no_text_is_named_at_its_line(key, spelled):
    """``servers: {5: ...}`` named a server 5, which Nova refused in the set-up ("5 is not of
    type 'string'"), and ``headers: {~: x}`` sent a header called None."""
    found = problems(f"name: n\nsteps:\n  - request: GET /servers\n    headers: {{{key}: x}}\n")
    assert found[0].startswith("s.yaml:4: a key is text, got ")
    assert found[0].endswith(f": quote it ('{spelled}') if it is meant as text")


def test_a_huge_value_in_a_problem_is_shown_by_its_size():
    found = problems("name: n\nsteps:\n  - wait: " + "9" * 4000 + "\n")
    assert found == [
        "s.yaml:3: field steps[0].wait: expected a number at most 1e+09, got a whole number of "
        "4000 digits"
    ]


def test_values_nested_past_the_limit_are_refused_at_the_level_that_passes_it():
    """A body nested 900 levels deep was a RecursionError's traceback while the reader built
    it (block style has no parser limit; a file of 8 MiB nests about 2,800 deep)."""
    levels = "".join("  " * (i + 2) + "a:\n" for i in range(150))
    found = problems(f"name: n\nsteps:\n  - request: GET /servers\n    body:\n{levels}")
    assert found == [
        "s.yaml:103: values nest more than 100 levels deep here: no scenario or config file "
        "needs that many, and reading them would exhaust Python's stack"
    ]
    assert loads("name: n\nsteps:\n  - request: GET /servers\n    body: " + "[" * 95 + "]" * 95)


def test_a_matrix_value_no_id_can_hold_becomes_an_underscore_and_a_clash_is_named():
    """Session 38: a value with an escape, a bell or a slash went into the case id as it was:
    the escape coloured the terminal (`run --list`), `--trace t.jsonl` wrote `t-a/b.jsonl` in
    a folder `t-a`, and explore's replay file, named and headed with it, failed to load (a
    traceback). Values that then share an id were two cases `--case` could not tell apart."""
    text = (
        'name: m\nmatrix:\n  x: ["a\\x1b[31mb\\x07", "c/d", "caf\\u00e9 1", "v3.27+x", "::1"]\n'
        'steps:\n  - request: GET /servers\n    expect: {body: {x: "${x}"}}\n'
    )
    ids = [case.id for case in loads(text, "m.yaml").cases]
    assert ids == ["a__31mb_", "c_d", "caf\u00e9_1", "v3.27+x", "__1"]  # :: is pytest's separator
    with pytest.raises(ScenarioError) as clash:
        loads(text.replace('"c/d"', '"a b", "a_b", "a?b"'), "m.yaml")
    # one problem for the id, however many cases share it
    assert str(clash.value) == (
        "m.yaml:2: field matrix: 3 cases get the id 'a_b' (a case id is its matrix values, then "
        "its case name, joined by -; of each value it keeps letters, digits and _@%+=:,.-, any "
        "other character becomes _): make the values differ in those"
    )


def test_a_replay_files_decision_the_run_cannot_take_is_named_at_its_entry():
    """Session 39, a replay file for another version of its scenario (a tie's pick past the
    events that tie): the ConfigError was "the simulation crashed", with fakecloud's traceback
    and paths. Now the check names the entry's line and field."""
    text = (
        "name: n\nsteps:\n"
        "  - {at: 0, transfer: {label: a, size_mb: 10, path: [{name: d1, mb_per_s: 10}]}}\n"
        "  - {at: 0, transfer: {label: b, size_mb: 10, path: [{name: d2, mb_per_s: 10}]}}\n"
        "choices:\n  chance: {tie_order: true}\n  made:\n    - {tie: 1, pick: 9}\n"
    )
    (case,) = loads(text, "s.yaml").cases
    failed = [c for c in run_case(case).checks if c.ok is False and "choices" in c.what]
    assert [(c.where, c.what, c.details) for c in failed] == [
        (
            "s.yaml:8",
            "field choices.made[0].pick: at t=0, tie 1 is 9, outside 0..1 at this point of the "
            "run (was the replay file written for another version of the scenario?)",
            [],
        )
    ]


def test_a_bare_date_is_text_and_a_tagged_date_set_or_bytes_is_named_at_its_line():
    """Session 40: YAML 1.1 read ``name: 2024-01-01`` in a body as a date, and the run was
    "the simulation crashed ... Object of type date is not JSON serializable" with fakecloud's
    traceback; a ``!!set`` or ``!!binary`` value in a body likewise. YAML 1.2 has no dates:
    the bare one is text, and a value tagged as no JSON type is refused where it is."""
    body = "{keypair: {name: 2024-01-01, ts: 2001-12-14t21:59:43.10-05:00}}"
    (case,) = loads(f"name: n\nsteps:\n  - {{request: POST /os-keypairs, body: {body}}}\n").cases
    assert case.steps[0].spec.body == {
        "keypair": {"name": "2024-01-01", "ts": "2001-12-14t21:59:43.10-05:00"}
    }
    body = "{a: !!timestamp 2024-01-01, b: !!set {x}, c: !!binary aGk=}"
    found = problems(f"name: n\nsteps:\n  - request: POST /os-keypairs\n    body: {body}\n")
    tail = "scenario and config files hold JSON's values (text, numbers, true, false, null, "
    assert found == [
        f"s.yaml:4: field steps[0].body.{key}: a !!{tag} value ({what}): {tail}lists, "
        "mappings); quote it to make it text"
        for key, tag, what in (
            ("a", "timestamp", "a date or time"),
            ("b", "set", "a set"),
            ("c", "binary", "bytes"),
        )
    ]


def test_a_tab_indenting_a_line_is_named_as_a_tab():
    """Session 40: a line indented with a tab was "found character that cannot start any
    token", naming no character (and "violates indentation" after a BOM and CRLF lines)."""
    tab = "a tab at column 1: YAML indents with spaces, never tabs"
    assert problems("name: n\nsteps:\n\t- wait: 1\n") == [
        f"s.yaml:3: not valid YAML: while scanning for the next token: {tab}"
    ]
    assert problems("\ufeffname: n\r\nsteps:\r\n  - wait: 1\r\n\t  x: 1\r\n") == [
        f"s.yaml:4: not valid YAML: {tab} (while scanning a plain scalar at line 3)"
    ]


def test_a_request_holding_an_escape_sequence_is_shown_escaped(tmp_path, capsys):
    """Session 40: ``fakecloud run`` (and ``fakecloud report`` of its trace, as text) printed a
    step's request as written, so a scenario file whose path held ``ESC ] 0 ; ... BEL`` (or
    ``ESC [ 2 J``) set the terminal's title or cleared its screen; control characters are now
    shown as ``\\x1b`` escapes."""
    from fakecloud.scenario.report import render
    from fakecloud.views.report import main as report

    step = '{name: evil, request: "GET /servers\\e]0;pwn\\a\\e[2J"}'
    (case,) = loads(f"name: n\nsteps:\n  - {step}\n", "esc.yaml").cases
    result = run_case(case)
    shown = render(result)
    assert "\x1b" not in shown and "\x07" not in shown
    assert "evil  -> 404 GET /servers\\x1b]0;pwn\\x07\\x1b[2J\n" in shown
    result.trace.to_jsonl(str(tmp_path / "t.jsonl"))
    assert report([str(tmp_path / "t.jsonl"), "--format", "text"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "GET /v2.1/servers\\x1b]0;pwn\\x07\\x1b[2J" in out


def test_a_huge_value_is_shown_cut_and_gets_no_suggestion():
    """A value of 200,000 characters where a name or a choice goes: the problem shows its
    first characters and its length (the whole value filled the terminal: 7 MB on one line),
    and no "did you mean" (difflib indexed all of it: seconds of a refusal)."""
    huge = "x" * 200_000
    found = problems(
        f"name: n\nsteps:\n  - {{name: '{huge} ', wait: 1}}\n  - {{wait: 1, service: {huge}}}\n"
    )
    shown = "'" + "x" * 76 + "... (200,003 characters)"
    assert found == [
        f"s.yaml:3: field steps[0].name: {shown} is not a usable name: names use letters, "
        "digits, '-' and '_', and start with a letter or '_'",
        "s.yaml:4: field steps[1].service: expected one of compute, image, block-storage, "
        "identity, volume, block_storage, blockstorage, keystone, nova, glance, cinder, "
        "volumev2, got " + shown.replace("200,003", "200,002"),
    ]
