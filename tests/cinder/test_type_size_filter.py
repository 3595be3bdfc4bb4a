"""A volume type's ``provisioning:min_vol_size`` / ``max_vol_size``: read by
``volume_types.provision_filter_on_size`` from Cinder 16.0.0 only, in ``API.create`` (the type
asked for, else the default one), ``_extend`` and ``retype``; cinder 12.0.10 to 15.6.0 have no
such filter, so the specs bound nothing there."""

import pytest
from cinder_support import call, create_volume, fault, glance_image

from fakecloud import Cloud

TRAIN = "nova-20.6.0"  # Cinder 15
USSURI = "nova-21.0.0"  # Cinder 16
TOO_BIG = (
    "Invalid input received: Specified volume size of '2' is greater than the maximum allowable "
    "size of '1' for volume type 'small'."
)


def _cloud(profile):
    return Cloud(
        profile=profile,
        config={
            "cinder": {
                "volume_types": {
                    "__DEFAULT__": {"backend": "lvmdriver-1"},
                    "small": {
                        "backend": "lvmdriver-1",
                        "extra_specs": {"provisioning:max_vol_size": "1"},
                    },
                }
            }
        },
    )


@pytest.mark.parametrize("profile", [TRAIN, USSURI, "upstream"])
def test_create_extend_and_retype_are_bounded_from_cinder_16(profile):
    cloud = _cloud(profile)
    filtered = profile != TRAIN
    body = {"volume": {"size": 2, "volume_type": "small"}}
    resp = call(cloud, "POST", "volumes", body)
    if filtered:
        assert fault(resp) == ("badRequest", 400, TOO_BIG)
    else:
        assert resp.status == 202, resp.json()
    small = create_volume(cloud, size=1, volume_type="small")
    extend = {"os-extend": {"new_size": 2}}
    resp = call(cloud, "POST", f"volumes/{small}/action", extend)
    assert (fault(resp) if filtered else resp.status) == (
        ("badRequest", 400, TOO_BIG) if filtered else 202
    )
    cloud.run_until_idle()
    big = create_volume(cloud, size=2)
    retype = {"os-retype": {"new_type": "small"}}
    resp = call(cloud, "POST", f"volumes/{big}/action", retype)
    assert (fault(resp) if filtered else resp.status) == (
        ("badRequest", 400, TOO_BIG) if filtered else 202
    )


def test_a_volume_from_a_snapshot_is_checked_against_the_type_asked_for():
    # API.create filters on the request's type (None: the default one), before the flow
    # takes the snapshot's type (Cinder 16.2.0: before, LP #1879578 asks for the default type).
    cloud = _cloud("nova-21.1.1")
    small = create_volume(cloud, size=1, volume_type="small")
    snap = call(cloud, "POST", "snapshots", {"snapshot": {"volume_id": small}})
    cloud.run_until_idle()
    body = {"volume": {"size": 2, "snapshot_id": snap.json()["snapshot"]["id"]}}
    resp = call(cloud, "POST", "volumes", body)
    assert resp.status == 202, resp.json()
    cloud.run_until_idle()
    shown = call(cloud, "GET", f"volumes/{resp.json()['volume']['id']}").json()["volume"]
    assert (shown["volume_type"], shown["size"]) == ("small", 2)


@pytest.mark.parametrize(
    ("profile", "message"),
    [
        (TRAIN, "Invalid input received: Volume size 'None' must be an integer and greater than 0"),
        # int(None) in provision_filter_on_size: ResourceExceptionHandler's plain 400
        (
            USSURI,
            "The server could not comply with the request since it is either malformed or "
            "otherwise incorrect.",
        ),
    ],
)
def test_a_create_from_an_image_without_a_size(profile, message):
    cloud = _cloud(profile)
    image = glance_image(cloud, size=1024**3)
    resp = call(cloud, "POST", "volumes", {"volume": {"imageRef": image}})
    assert fault(resp) == ("badRequest", 400, message)
