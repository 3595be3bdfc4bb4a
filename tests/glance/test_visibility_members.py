"""Who sees and changes which image: visibility, ownership, protection and members."""

import pytest
from glance_support import ADMIN, P1, P2, READER, World, ctx, detail

P3 = ctx("p3", "u3")


def _ids(resp):
    return {i["id"] for i in resp.json()["images"]}


@pytest.fixture
def w():
    return World()


# -- visibility -----------------------------------------------------------------------------


def test_another_projects_private_image_is_indistinguishable_from_a_missing_one(w):
    image = w.create(visibility="private")
    for method, suffix, body in [
        ("GET", "", None),
        ("DELETE", "", None),
        ("POST", "/actions/deactivate", None),
        ("PUT", "/tags/x", None),
    ]:
        resp = w.call(method, f"/v2/images/{image['id']}{suffix}", P2, body=body)
        assert resp.status == 404, (method, suffix)
    missing = w.call("GET", "/v2/images/00000000-0000-4000-8000-000000000000", P2)
    assert detail(missing).replace("00000000-0000-4000-8000-000000000000", "X") == detail(
        w.call("GET", f"/v2/images/{image['id']}", P2)
    ).replace(image["id"], "X")


def test_another_projects_public_image_is_readable_but_not_writable():
    w = World(profile="upstream")  # Glance 26.0.0+: the secure-RBAC defaults enforced
    image = w.create(ADMIN, visibility="public")
    assert w.call("GET", f"/v2/images/{image['id']}", P2).status == 200
    resp = w.call("DELETE", f"/v2/images/{image['id']}", P2)
    assert resp.status == 403
    assert detail(resp) == "You are not authorized to complete delete_image action."
    resp = w.call("POST", f"/v2/images/{image['id']}/actions/deactivate", P2)
    assert detail(resp) == "You are not authorized to complete deactivate action."


def test_community_images_are_visible_but_listed_only_on_request(w):
    image = w.create(visibility="community")
    assert w.call("GET", f"/v2/images/{image['id']}", P2).status == 200
    assert image["id"] not in _ids(w.call("GET", "/v2/images", P2))
    assert image["id"] in _ids(w.call("GET", "/v2/images", P2, query="visibility=community"))
    assert image["id"] in _ids(w.call("GET", "/v2/images", P1))  # the owner sees its own


def test_admin_sees_everything(w):
    image = w.create(visibility="private")
    assert w.call("GET", f"/v2/images/{image['id']}", ADMIN).status == 200
    assert image["id"] in _ids(w.call("GET", "/v2/images", ADMIN))
    assert w.call("DELETE", f"/v2/images/{image['id']}", ADMIN).status == 204


def test_a_reader_may_look_but_not_touch():
    w = World(profile="upstream")  # Glance 26.0.0+: the secure-RBAC defaults enforced
    image = w.create()
    assert w.call("GET", f"/v2/images/{image['id']}", READER).status == 200
    resp = w.call("DELETE", f"/v2/images/{image['id']}", READER)
    assert resp.status == 403
    assert w.upload(image["id"], 10, READER).status == 403


def test_protected_images_cannot_be_deleted_until_unprotected(w):
    image = w.create(protected=True)
    resp = w.call("DELETE", f"/v2/images/{image['id']}")
    assert resp.status == 403
    assert detail(resp) == f"Image {image['id']} is protected and cannot be deleted."
    w.patch(image["id"], [{"op": "replace", "path": "/protected", "value": False}])
    assert w.call("DELETE", f"/v2/images/{image['id']}").status == 204


def test_delete_of_a_missing_image_says_so(w):
    resp = w.call("DELETE", "/v2/images/nope")
    assert resp.status == 404
    assert detail(resp) == "Failed to find image nope to delete"


# -- members --------------------------------------------------------------------------------


def _share(w, image_id, member="p2", context=P1):
    return w.call("POST", f"/v2/images/{image_id}/members", context, body={"member": member})


def test_a_new_member_is_pending_and_already_sees_the_image_but_does_not_list_it(w):
    image = w.create()  # shared by default
    resp = _share(w, image["id"])
    assert resp.status == 200
    assert resp.json() == {
        "member_id": "p2",
        "image_id": image["id"],
        "status": "pending",
        "created_at": "2026-01-01T00:00:00Z",
        "updated_at": "2026-01-01T00:00:00Z",
        "schema": "/v2/schemas/member",
    }
    assert w.call("GET", f"/v2/images/{image['id']}", P2).status == 200
    assert image["id"] not in _ids(w.call("GET", "/v2/images", P2))
    assert image["id"] in _ids(w.call("GET", "/v2/images", P2, query="member_status=pending"))
    assert image["id"] in _ids(w.call("GET", "/v2/images", P2, query="member_status=all"))
    assert w.call("GET", f"/v2/images/{image['id']}", P3).status == 404


def test_the_member_accepts_and_then_lists_it(w):
    image = w.create()
    _share(w, image["id"])
    path = f"/v2/images/{image['id']}/members/p2"
    resp = w.call("PUT", path, P2, body={"status": "accepted"})
    assert resp.status == 200 and resp.json()["status"] == "accepted"
    assert image["id"] in _ids(w.call("GET", "/v2/images", P2))
    resp = w.call("PUT", path, P2, body={"status": "rejected"})
    assert image["id"] not in _ids(w.call("GET", "/v2/images", P2))
    states = [e["new"] for e in w.cloud.trace.filter(kind="state", subject=f"{image['id']}/p2")]
    assert states == ["pending", "accepted", "rejected"]


def test_the_owner_cannot_accept_for_the_member():
    w = World(profile="upstream")  # Glance 26.0.0+: the secure-RBAC defaults enforced
    image = w.create()
    _share(w, image["id"])
    resp = w.call("PUT", f"/v2/images/{image['id']}/members/p2", P1, body={"status": "accepted"})
    assert resp.status == 403
    assert detail(resp) == "You are not authorized to complete modify_member action."


def test_a_bad_member_status_is_400(w):
    image = w.create()
    _share(w, image["id"])
    path = f"/v2/images/{image['id']}/members/p2"
    resp = w.call("PUT", path, P2, body={"status": "maybe"})
    assert resp.status == 400
    assert detail(resp) == 'Incorrect request: Status must be "pending", "accepted" or "rejected".'
    assert detail(w.call("PUT", path, P2, body={})) == "Status not specified"


def test_only_shared_images_have_members(w):
    image = w.create(visibility="private")
    resp = _share(w, image["id"])
    assert resp.status == 403
    assert detail(resp) == f"Not allowed to create members for image {image['id']}."
    resp = w.call("GET", f"/v2/images/{image['id']}/members")
    assert detail(resp) == (
        f"Not allowed to list members for image {image['id']}: Only shared images have members."
    )


def test_member_request_errors(w):
    image = w.create()
    path = f"/v2/images/{image['id']}/members"
    assert detail(w.call("POST", path, body={})) == "Member to be added not specified"
    assert detail(w.call("POST", path, body={"member": ""})) == "Member can't be empty"
    _share(w, image["id"])
    resp = _share(w, image["id"])
    assert resp.status == 409
    assert detail(resp) == f"Member p2 is duplicated for image {image['id']}"
    resp = w.call("POST", "/v2/images/nope/members", body={"member": "p2"})
    assert resp.status == 404 and detail(resp) == "Image nope not found."


def test_only_the_owner_adds_members():
    w = World(profile="upstream")  # Glance 26.0.0+: the secure-RBAC defaults enforced
    image = w.create()
    _share(w, image["id"])
    resp = _share(w, image["id"], member="p3", context=P2)
    assert resp.status == 403
    assert detail(resp) == "You are not authorized to complete add_member action."


def test_members_see_only_their_own_membership(w):
    image = w.create()
    _share(w, image["id"], "p2")
    _share(w, image["id"], "p3")
    owner_view = w.call("GET", f"/v2/images/{image['id']}/members").json()
    assert [m["member_id"] for m in owner_view["members"]] == ["p2", "p3"]
    assert owner_view["schema"] == "/v2/schemas/members"
    member_view = w.call("GET", f"/v2/images/{image['id']}/members", P2).json()
    assert [m["member_id"] for m in member_view["members"]] == ["p2"]
    resp = w.call("GET", f"/v2/images/{image['id']}/members/p3", P2)
    assert resp.status == 404
    assert detail(resp) == f"p3 not found in the member list of the image {image['id']}."


def test_removing_a_member_hides_the_image_again(w):
    image = w.create()
    _share(w, image["id"])
    assert w.call("DELETE", f"/v2/images/{image['id']}/members/p2").status == 204
    assert w.call("GET", f"/v2/images/{image['id']}", P2).status == 404


@pytest.mark.parametrize(
    "error, profile, status, text",
    [
        ("GlanceInUseByStore", "seed", 409, "could not be deleted because it is in use: The image"),
        ("GlanceHasSnapshot", "seed", 409, "The image cannot be deleted because it has snapshot"),
        # ImagesController.delete catches TimeoutError from glance 33.0.0; before, Glance's 500
        ("GlanceStoreTimeout", "upstream", 503, "because the filesystem store operation timed out"),
        ("GlanceStoreTimeout", "nova-33.0.2", 500, "The server has either erred or is incapable"),
    ],
)
def test_a_store_that_refuses_to_delete_leaves_the_image_as_it_was(error, profile, status, text):
    w = World(profile=profile)
    image = w.create()
    w.upload(image["id"], 10)
    w.cloud.faults.add("glance.store.delete", error=error, times=1)
    resp = w.call("DELETE", f"/v2/images/{image['id']}")
    assert resp.status == status and text in detail(resp)
    assert w.status(image["id"]) == "active"
    assert w.call("DELETE", f"/v2/images/{image['id']}").status == 204
