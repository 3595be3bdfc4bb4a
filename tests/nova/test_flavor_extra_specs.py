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
