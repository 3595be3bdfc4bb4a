"""A volume both multiattach and encrypted, refused by point release: at create
(``ExtractVolumeRequestTask``, switch ``cinder_multiattach_encrypted_refused``) and at retype
(``API.retype``, switch ``cinder_retype_encrypted_multiattach``)."""

import pytest
from cinder_support import ADMIN, call, create_volume, fault

from tests.booted import booted

MULTI = {"multiattach": "<is> True"}
LUKS = {"encryption": {"provider": "luks", "control_location": "front-end"}}


def _type(cloud, name, specs, encrypted=True):
    body = {"volume_type": {"name": name, "extra_specs": specs}}
    tid = call(cloud, "POST", "types", body, ctx=ADMIN).json()["volume_type"]["id"]
    if encrypted:
        assert call(cloud, "POST", f"types/{tid}/encryption", LUKS, ctx=ADMIN).status == 200
    return tid


@pytest.mark.parametrize(
    ("profile", "refused"),
    [
        ("nova-17.0.4", ()),  # Cinder 12.0.1
        ("nova-17.0.5", ("type",)),  # 12.0.2: d8d9e1cce7
        ("nova-17.0.9", ("type",)),  # 12.0.4
        ("nova-17.0.10", ("type", "parameter")),  # 12.0.5: 302e46d0c2
        ("nova-18.0.0", ("type", "parameter")),  # 13.0.0: 18327971ca, 23f26555b3
    ],
)
def test_a_multiattach_encrypted_volume_create_by_point_release(profile, refused):
    """Cinder 12.0.2 (tagged 2018-06-04, beside Nova 17.0.5) refuses an encrypted type whose
    extra specs say multiattach; 12.0.5 (beside Nova 17.0.10) and 13.0.0 also an encrypted
    type asked multiattach by the deprecated parameter; before, either volume is made."""
    cloud = booted(profile=profile)
    asks = {
        "type": {"volume_type": _type(cloud, "luks-multi", MULTI)},
        "parameter": {"volume_type": _type(cloud, "luks", {}), "multiattach": True},
    }
    for how, extra in asks.items():
        r = call(cloud, "POST", "volumes", {"volume": {"size": 1, **extra}})
        if how in refused:
            reason = "Invalid volume: Multiattach cannot be used with encrypted volumes."
            assert fault(r) == ("badRequest", 400, reason)
        else:
            assert r.status == 202 and r.json()["volume"]["multiattach"] is True


@pytest.mark.parametrize(
    ("profile", "accepted"),
    [
        ("nova-17.0.12", True),  # Cinder 12.0.9
        ("nova-17.0.13", False),  # 12.0.10: c0f4374be8
        ("nova-18.2.3", True),  # 13.0.7
        ("nova-18.3.0", False),  # 13.0.8: 4adaa86f90
        ("nova-19.0.2", True),  # 14.0.1
        ("nova-19.0.3", False),  # 14.0.2: f6224a84a1
        ("nova-20.0.0", False),  # 15.0.0: 293be4f81b
    ],
)
def test_a_retype_to_an_encrypted_multiattach_type_by_point_release(profile, accepted):
    """``API.retype`` refuses a new type both multiattach and encrypted from 293be4f81b (Cinder
    15.0.0) and its backports in 12.0.10, 13.0.8 and 14.0.2 (beside Nova 17.0.13, 18.3.0 and
    19.0.3); before, it checks the multiattach side alone and the retype goes on."""
    cloud = booted(profile=profile)
    tid = _type(cloud, "luks-multi", MULTI)
    vid = create_volume(cloud, volume_type=_type(cloud, "plain", {}, encrypted=False))
    r = call(cloud, "POST", f"volumes/{vid}/action", {"os-retype": {"new_type": tid}})
    if accepted:
        assert r.status == 202
        assert cloud.cinder.volume(vid).status == "retyping"
    else:
        reason = (
            "Invalid input received: Retype requested both encryption and multi-attach, "
            "which is not supported."
        )
        assert fault(r) == ("badRequest", 400, reason)
        assert cloud.cinder.volume(vid).status == "available"


@pytest.mark.parametrize(
    ("profile", "multiattach"),
    [
        ("nova-17.0.10", False),  # Cinder 12.0.5
        ("nova-17.0.11", True),  # 12.0.6: 2d8f2dc117
        ("nova-18.0.3", False),  # 13.0.1
        ("nova-18.1.0", True),  # 13.0.2: f4e3d58869
    ],
)
def test_a_retype_to_a_multiattach_type_by_point_release(profile, multiattach):
    """``API.retype`` read the new type's multiattach as False (LP #1790840: a dict's
    extra_specs through ``getattr``) until 7f85be4186 (Cinder 14.0.0) and its backports in
    12.0.6 and 13.0.2 (beside Nova 17.0.11 and 18.1.0): the retyped volume was not
    multiattach."""
    cloud = booted(profile=profile)
    tid = _type(cloud, "multi", MULTI, encrypted=False)
    vid = create_volume(cloud, volume_type=_type(cloud, "plain", {}, encrypted=False))
    r = call(cloud, "POST", f"volumes/{vid}/action", {"os-retype": {"new_type": tid}})
    assert r.status == 202
    cloud.run_until_idle()
    shown = call(cloud, "GET", f"volumes/{vid}").json()["volume"]
    assert (shown["volume_type"], shown["multiattach"]) == ("multi", multiattach)
