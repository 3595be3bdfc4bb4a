"""``/flavors/{id}/os-extra_specs``: project readers list and show a flavor's extra specs,
admins set and delete them (``nova/api/openstack/compute/flavors_extraspecs.py``)."""

from __future__ import annotations

import pytest

from tests.nova.conftest import NovaEnv

SPECS = "/v2.1/flavors/1/os-extra_specs"


@pytest.fixture(scope="module")
def menv() -> NovaEnv:
    env = NovaEnv("upstream")
    r = env.request("POST", SPECS, {"extra_specs": {"hw:cpu_policy": "dedicated", "n": 3}},
                    user="admin")  # fmt: skip
    assert r.status == 200
    # Nova answers the request's own body: the number stays a number here ...
    assert r.json() == {"extra_specs": {"hw:cpu_policy": "dedicated", "n": 3}}
    return env


def test_list_and_show_answer_strings(menv):
    # ... and reads back as a string everywhere else.
    assert menv.request("GET", SPECS).json() == {
        "extra_specs": {"hw:cpu_policy": "dedicated", "n": "3"}
    }
    assert menv.request("GET", SPECS + "/n").json() == {"n": "3"}
    flavor = menv.request("GET", "/v2.1/flavors/1", microversion="2.61").json()["flavor"]
    assert flavor["extra_specs"] == {"hw:cpu_policy": "dedicated", "n": "3"}


def test_missing_key_and_flavor_are_404s(menv):
    r = menv.request("GET", SPECS + "/nope")
    assert r.status == 404
    assert r.json() == {
        "itemNotFound": {"code": 404, "message": "Flavor 1 has no extra specs with key nope."}
    }
    r = menv.request("GET", "/v2.1/flavors/999/os-extra_specs")
    assert r.json()["itemNotFound"]["message"] == "Flavor 999 could not be found."


def test_members_may_not_write(menv):
    r = menv.request("PUT", SPECS + "/n", {"n": "4"})
    assert r.status == 403
    assert r.json()["forbidden"]["message"] == (
        "Policy doesn't allow os_compute_api:os-flavor-extra-specs:update to be performed."
    )


def test_update_and_delete_one_key(menv):
    r = menv.request("PUT", SPECS + "/k", {"k": "v"}, user="admin")
    assert (r.status, r.json()) == (200, {"k": "v"})
    r = menv.request("PUT", SPECS + "/k", {"other": "v"}, user="admin")
    assert r.json()["badRequest"]["message"] == "Request body and URI mismatch"
    r = menv.request("PUT", SPECS + "/k", {"k": "v", "j": "w"}, user="admin")
    assert r.status == 400
    r = menv.request("DELETE", SPECS + "/k", user="admin")
    assert (r.status, r.body) == (200, None)
    assert menv.request("GET", SPECS + "/k").status == 404


def test_bad_bodies_are_nova_400s(menv):
    r = menv.request("POST", SPECS, {"extra_specs": {"bad key!": "v"}}, user="admin")
    assert r.status == 400
    assert r.json()["badRequest"]["message"].startswith("Invalid input for field/attribute")
    r = menv.request("POST", SPECS, {"extra_specs": {"k": 10**300}}, user="admin")
    assert r.json()["badRequest"]["message"] == (
        "extra_specs value has 301 characters, more than 255."
    )


def test_unknown_query_parameters_are_refused_from_2_102(menv):
    assert menv.request("GET", SPECS + "?x=1", microversion="2.101").status == 200
    r = menv.request("GET", SPECS + "?x=1", microversion="2.102")
    assert r.json() == {
        "badRequest": {
            "code": 400,
            "message": "Additional properties are not allowed ('x' was unexpected)",
        }
    }


def test_servers_keep_the_flavor_they_were_booted_with(menv):
    sid = menv.boot()
    menv.request("PUT", SPECS + "/late", {"late": "yes"}, user="admin")
    flavor = menv.server(sid, microversion="2.47")["flavor"]
    assert "late" not in flavor["extra_specs"]
    assert flavor["extra_specs"]["n"] == "3"


SPECS_2 = "/v2.1/flavors/2/os-extra_specs"


@pytest.mark.parametrize(
    ("specs", "message"),
    [
        ({"hw:cpu_policy": "fast"}, "'fast' is not one of: dedicated, shared, mixed."),
        ({"hw:nope": "1"}, "extra spec 'hw:nope' does not appear to be a valid extra spec."),
        ({"hw:numa_nodes": "0"}, "'0' is less than the min value of '1'."),
        ({"hw:numa_nodes": 0}, "'0' is less than the min value of '1'."),  # numbers as text
        ({"hw:redirected_usb_ports": "16"}, "'16' is greater than the max value of '15'."),
        ({"hw:cpu_sockets": "two"}, "'two' is not a valid integer value."),
        ({"hw:boot_menu": "maybe"}, "'maybe' is not a valid boolean-like value."),
        ({"hw:mem_page_size": "huge"}, "'huge' is not of the format"),
        ({"trait:HW_CPU_X86_AVX2": "wanted"}, "'wanted' is not one of: required, forbidden."),
        ({"trait:NOT_A_TRAIT": "required"}, "extra spec 'trait:NOT_A_TRAIT' does not appear"),
        ({"resources1:VCPU": "x"}, "'x' is not a valid integer value."),
        # validated one after the other: the valid first spec does not save the second
        ({"hw:cpu_policy": "dedicated", "quota:cpu_shares_level": "max"}, "'max' is not one of"),
    ],
)
def test_from_2_86_known_extra_specs_are_validated(menv, specs, message):
    r = menv.request("POST", SPECS_2, {"extra_specs": specs}, user="admin", microversion="2.86")
    assert r.status == 400, r.json()
    text = r.json()["badRequest"]["message"]
    assert text.startswith("Validation failed; ") and message in text


def test_one_key_is_validated_too_and_before_2_86_anything_goes(menv):
    key = SPECS_2 + "/hw:cpu_policy"
    r = menv.request("PUT", key, {"hw:cpu_policy": "fast"}, user="admin", microversion="2.86")
    assert r.json() == {
        "badRequest": {
            "code": 400,
            "message": "Validation failed; 'fast' is not one of: dedicated, shared, mixed.",
        }
    }
    r = menv.request("PUT", key, {"hw:cpu_policy": "fast"}, user="admin", microversion="2.85")
    assert (r.status, r.json()) == (200, {"hw:cpu_policy": "fast"})
    r = menv.request("POST", SPECS_2, {"extra_specs": {"hw:nope": "x"}}, user="admin",
                     microversion="2.85")  # fmt: skip
    assert r.status == 200


def test_from_2_86_valid_names_and_unknown_namespaces_pass(menv):
    specs = {
        "hw:cpu_policy": "mixed",
        "hw:numa_cpus.0": "0-3,^2",  # a name with a parameter
        "hw:mem_page_size": "2MiB",
        "hw_rng:allowed": "True",
        "trait:HW_CPU_X86_AVX2": "required",
        "trait1:CUSTOM_GOLD": "forbidden",
        "resources_gpu:CUSTOM_GPU": "2",
        "aggregate_instance_extra_specs:ssd": "true",
        "custom:anything": "goes",  # a namespace Nova does not know
        "plain_key": "goes too",  # no namespace at all
    }
    r = menv.request("POST", SPECS_2, {"extra_specs": specs}, user="admin", microversion="2.86")
    assert (r.status, r.json()) == (200, {"extra_specs": specs})
