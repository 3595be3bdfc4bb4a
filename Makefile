# The two commands a newcomer needs: `make demo` and `make test`. Both set everything up first.
# The interpreter the first `make` builds .venv from (`make test PYTHON=...` picks another).
# Debian's CPython 3.11 is built with PGO and LTO: fakecloud runs on it in 6 % fewer instructions
# and about a tenth less CPU time than on a default source build such as pyenv's python3
# (docs/performance.md, "The interpreter"), so it comes first wherever it can make a venv.
FAST_PYTHON := /usr/bin/python3.11
PYTHON ?= $(shell $(FAST_PYTHON) -c 'import ensurepip, venv' > /dev/null 2>&1 && echo $(FAST_PYTHON) || echo python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench explore setup clean screenshots fuzz

# Bytecode caches make every run after the first collect the suite in half the time.
unexport PYTHONDONTWRITEBYTECODE

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	# Bytecode, and Hypothesis's Unicode tables and literals of our modules: built once here
	# rather than by both test workers in the first run (tests/warm_caches.py says what each is)
	-$(BIN)/python tests/warm_caches.py > /dev/null 2>&1
	# ruff's cache of each file's lint and format results: a cold check is ~0.8 s of wall
	# before the suite starts, a warm one ~0.05
	-$(BIN)/ruff check --quiet . > /dev/null 2>&1
	-$(BIN)/ruff format --check --quiet . > /dev/null 2>&1
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/fakecloud demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Two pytest processes, one a core, each collecting and running only its share of the files
# (pytest's own selection by path): no xdist controller taking CPU from the same two cores, and
# each process imports only its share's test modules (share 1 collects in about 1.25 CPU-s,
# share 2 in 1.65). The split is static, by folder and by file: SHARE_1 names its folders and
# files, share 2 is everything else (`--ignore` of each), so a new file lands in its folder's
# share and a new folder in share 2. It is balanced by measured ends, not CPU alone: share 1
# also waits on processes of its own (the `openstack` executable, a Dask cluster), share 2 on
# Chromium's page. When one share ends a second or more after the other, move a folder or a
# file (docs/performance.md has each session's figures: "The suite's wall time (session 35)"
# the per-file CPU-s; sessions 28-30 moved tests/tools, identity, profiles and conformance to
# share 1; session 35 moved tests/nova/test_keypairs.py, 0.4-0.5 CPU-s and pycryptodome's import,
# as share 2 ended 0.7 s after share 1 on average in nine runs, and 1.9 s before it with
# tests/docs/test_docs_examples.py, 1.0 CPU-s, moved instead; session 36 moved
# tests/scenario/test_plugin.py, 0.4 CPU-s of pytester runs whose imports share 1 already has,
# as share 2 ended 1.7 s after share 1 on average in eight runs at load 21-36; session 38 moved
# tests/identity back to share 2, 1.0 CPU-s whose imports share 2 has, as share 1 ended
# 1.3-5.5 s after share 2 in all nine runs at load 5-9: after it, +0.9 s on average in three
# runs, -0.4 to +1.7, against +2.3 in the three of main alternated with them; session 43 moved
# tests/transport/test_serve_cli.py, 0.6 CPU-s with its `fakecloud serve` processes, an `early`
# test, as share 2 ended 4.6-14 s after share 1 in all five runs at load 7-10, 2.6 s after it
# with the file moved). Session 44 split by the OpenStack clients: every file whose tests import
# openstacksdk, keystoneauth or a client library (or import a test module that does) is in
# share 1, which runs tests/clients and imports them anyway, so share 2 imports none of them
# (about 0.3 CPU-s of imports; a share 2 run with their import refused passes); tests/kernel,
# profiles, conformance and transport/test_serve_cli.py, which use no client, went to share 2
# to keep the ends together. A new share-2 file that drives a client belongs in this list: share 2
# refuses the clients' imports (tests/no_clients.py, session 45), so such a file fails there
# saying so. Session 45 moved tests/schemas/test_route_walk.py to share 2 (its helpers no longer
# import a client): it shares test_response_shapes.py's session worlds and modules there,
# 0.52-0.70 CPU-s after that file against 0.67-0.91 alone; tests/state/test_series_memos.py and
# test_damaged_state.py (0.63 CPU-s, fakecloud alone) came to share 1 to keep the ends together.
# Session 46 sent test_series_memos.py back, with the six nova files of image properties
# (about 0.15 CPU-s; their helpers are tests/nova/image_properties.py, no client): with session
# 45's tests/explore/test_interrupt.py (a `fakecloud explore` process, about 0.8 s of wall)
# share 1 ended 1.5 s after share 2 on average; test_damaged_state.py went with them, then came
# back once the session's other tests had made share 2 end 1.0 s after share 1 on average
# (docs/performance.md, "The suite (session 46)").
# --output-sync
# prints each share's output whole as it ends: both summaries, the failing tests by name; make
# fails if either share fails or dies, once the other has ended. The lint runs beside the two
# shares, not before them: warm, ruff's two checks are 0.1-0.2 s of wall for a hundredth of a
# CPU-s (their caches read, threads started), which the shares waited for; a lint failure
# still fails `make test`, printed first, once the shares have ended.
test: $(STAMP)
	@$(MAKE) --no-print-directory -j3 --output-sync=target lint test-share-1 test-share-2

SHARE_1 := tests/clients tests/robustness tests/explore tests/usage tests/tools \
	tests/nova/test_keypairs.py tests/scenario/test_plugin.py \
	tests/docs/test_docs_examples.py tests/state/test_save_load_fork.py \
	tests/transport/test_server_state.py tests/transport/test_server_mode.py \
	tests/transport/test_ipv6_hosts.py tests/transport/test_url_prefix.py \
	tests/identity/test_app_creds.py tests/glance/test_metadef_schemas.py tests/glance/test_metadefs.py \
	tests/cinder/test_rest_versions.py tests/nova/test_service_user_token.py tests/nova/test_rescue.py \
	tests/nova/test_image_cpu_policy.py tests/state/test_damaged_state.py

# pytest's plugins make test has no use for, whose hooks run for every test or fixture: setuponly
# and setupplan (--setup-show, --setup-only, --setup-plan) wrap every fixture's setup and
# teardown, subtests (the `subtests` fixture, which no test here uses) reads every report.
# Off, a test of tests/cinder makes 44 fewer Python calls (5,189 -> 5,144 a test, cProfile of
# the run loop); the same tests run, in the same order, with the same outcomes. A user's own
# pytest run keeps them (pyproject.toml's addopts do not name them).
PYTEST_UNUSED := -p no:setuponly -p no:setupplan -p no:subtests

.PHONY: test-share-1 test-share-2
test-share-1:
	$(BIN)/python -m pytest $(PYTEST_UNUSED) $(SHARE_1)

test-share-2:
	$(BIN)/python -m pytest $(PYTEST_UNUSED) -p tests.no_clients $(addprefix --ignore=,$(SHARE_1))

# Every scenario's explore: section, its seeds run and failures shrunk (minutes, not make test)
explore: $(STAMP)
	$(BIN)/python -m pytest -n 2 -m explore

PEER := benchmarks/.venv-peer

# The peer (moto + boto3) lives in the benchmark's own environment, not in fakecloud's.
$(PEER)/.installed:
	test -x $(PEER)/bin/python || $(PYTHON) -m venv $(PEER)
	$(PEER)/bin/python -m pip install --quiet --disable-pip-version-check 'moto[ec2]>=5' boto3
	touch $@

# The robustness suite at 100x: Hypothesis examples, every route as more users, longer load and
# soak runs (see docs/robustness.md); and every property test whose examples scale with it
# (tests/robustness/fuzz_scale.py's SCALE: make test runs a few, make fuzz 100 times as many).
fuzz: $(STAMP)
	FAKECLOUD_FUZZ=1 $(BIN)/python -m pytest -n 2 -p no:randomly tests/robustness tests/transport/test_server_robustness.py \
		tests/state/test_damaged_state.py tests/scenario/test_published_schema.py \
		tests/glance/test_patch_fast_path.py tests/identity/test_token_body_check.py \
		tests/kernel/test_io_sharing.py tests/kernel/test_trace_storage.py tests/kernel/test_frozen.py \
		tests/nova/test_passwords.py tests/nova/test_cpu_masks.py \
		tests/nova/test_request_fast_paths.py tests/cinder/test_series_validation.py \
		tests/scenario/test_transport_queries.py tests/transport/test_answer_encoding.py

bench: $(STAMP) $(PEER)/.installed
	$(BIN)/python benchmarks/run.py

# The README's pictures: each demo report's timeline, from headless Chromium (docs/img/), after
# every demo report passed the browser checks (make test opens only one of them)
screenshots: $(STAMP)
	$(BIN)/python -m pytest -m browser_tour tests/views/test_report_in_chromium.py
	$(BIN)/python docs/img/screenshots.py

clean:
	rm -rf $(VENV) build *.egg-info
