"""``/extensions`` and ``/extensions/{alias}`` (nova 17.0.13-34.0.0 ``extension_info.py``, the
list frozen since 2017). Found by Tempest's ``ExtensionsTest`` (session 27): not served, a
404. Their shapes are walked against Nova's response schemas in
``tests/schemas/test_response_shapes.py``; here the list's contents and the 404."""

from tests.nova.conftest import NovaEnv


def test_the_frozen_list_and_the_v2_one(env: NovaEnv):
    listed = env.request("GET", "/v2.1/extensions", user="demo-reader").json()["extensions"]
    aliases = [ext["alias"] for ext in listed]
    assert len(aliases) == 99 and aliases[:2] == ["NMN", "OS-DCF"]
    v2 = env.request("GET", "/v2/extensions").json()["extensions"]
    assert [ext["alias"] for ext in v2] == sorted([*aliases, "OS-EXT-VIF-NET"])
    r = env.request("GET", "/v2.1/extensions/OS-EXT-VIF-NET")  # only on /v2
    assert r.status == 404 and r.json()["itemNotFound"]["message"] == (
        "The resource could not be found."
    )
    shown = env.request("GET", "/v2.1/extensions/os-hosts").json()["extension"]
    assert (shown["name"], shown["updated"]) == ("Hosts", "2014-12-03T00:00:00Z")
