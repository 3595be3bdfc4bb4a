"""Image records: create, show, update, delete, deactivate, reactivate (``ImagesController``).

Every method takes the caller's context and raises Glance's own HTTP errors, in Glance's order
of checks, so the REST API and Nova's internal client see the same answers. Data (upload,
download, stage, import) lives in `fakecloud.glance.image_data`; listing in
`fakecloud.glance.listing`.
"""

from __future__ import annotations

import dataclasses
import operator
from collections.abc import Callable
from typing import Any
from urllib.parse import urlparse

from fakecloud.errors import ConfigError
from fakecloud.glance.content import ImageData
from fakecloud.glance.errors import (
    STORE_TIMEOUT_SINCE,
    HasSnapshot,
    HTTPBadRequest,
    HTTPConflict,
    HTTPForbidden,
    HTTPInternalServerError,
    HTTPNotFound,
    HTTPRequestEntityTooLarge,
    HTTPServiceUnavailable,
    InUseByStore,
    StoreTimeout,
    image_not_found,
    policy_forbidden,
)
from fakecloud.glance.import_methods import uri_passes
from fakecloud.glance.locations import (
    FILTERED_SCHEMES,
    INVALID,
    LOCATION_API_SINCE,
    LOCATION_FILTER_SINCE,
    UNREADABLE_SCHEMES,
    VALIDATION_DATA_SINCE,
    check_hashing_data,
    check_location_body,
    validation_data,
)
from fakecloud.glance.models import Image
from fakecloud.glance.patch import Reserved
from fakecloud.glance.policy import (
    API_POLICY_SINCE,
    GET_IMAGE_NOT_FOUND_SINCE,
    ImagePolicy,
    is_admin,
    open_passes,
    out_of_scope,
    owner_adds,
    owner_passes,
    roles_of,
)
from fakecloud.glance.quotas import IMAGE_COUNT_TOTAL, LimitExceeded
from fakecloud.glance.schema import SchemaError
from fakecloud.glance.states import InvalidImageStatusTransition, born, set_status
from fakecloud.glance.tasks import INTERNAL_ERROR
from fakecloud.identity.context import service_roles
from fakecloud.sim.trace import form

DISALLOWED = ("direct_url", "self", "file", "schema", "stores")
#: The first Glance whose PATCH ``replace /locations`` activates a queued image (e2c54d58b);
#: before, only an ``add`` does (``_do_replace_locations`` sets the locations and the size).
REPLACE_ACTIVATES_SINCE = 18
#: The first Glance whose scrubber restores a pending_delete image (71a36c98e).
RESTORE_SINCE = 17
#: ``stores`` joined `DISALLOWED` in Glance 21.0.0; before, it is a custom property on create.
STORES_DISALLOWED_SINCE = 21
BASE_PROPERTIES = (
    "checksum",
    "created_at",
    "container_format",
    "disk_format",
    "id",
    "min_disk",
    "min_ram",
    "name",
    "size",
    "virtual_size",
    "status",
    "tags",
    "owner",
    "updated_at",
    "visibility",
    "protected",
    "os_hidden",
)
#: The keys of a create request that are not custom properties.
_NOT_EXTRA = frozenset(BASE_PROPERTIES)
#: The same before the multihash (`ImageSchema.multihash`): ``os_hidden`` is a custom property.
_QUEENS_NOT_EXTRA = _NOT_EXTRA - {"os_hidden"}

FACTORY_READONLY = ("created_at", "updated_at", "status", "checksum", "size", "virtual_size")
FACTORY_RESERVED = (
    "owner",
    "locations",
    "deleted",
    "deleted_at",
    "direct_url",
    "self",
    "file",
    "schema",
)
# Attributes the domain Image has: PATCH sets these directly, anything else is a property.
ATTRIBUTES = frozenset(
    {
        "name",
        "visibility",
        "os_hidden",
        "min_disk",
        "min_ram",
        "protected",
        "owner",
        "disk_format",
        "container_format",
        "tags",
    }
)

#: `ATTRIBUTES` before the multihash (a Queens image has no ``os_hidden``).
_QUEENS_ATTRIBUTES = ATTRIBUTES - {"os_hidden"}

#: The image's fields in the order its __init__ takes them, read in one call.
_field_values = operator.attrgetter(*(f.name for f in dataclasses.fields(Image) if f.init))
# What `Images.update` copies from the draft where a change set it (`Images._set`; the owner
# is moved through the owner index, the tags always taken).
_SET_ON_UPDATE = ATTRIBUTES - {"owner", "tags"}
#: An update's event (`Trace.put`): every PATCH that changes something writes one.
_UPDATE = form("glance.image.update", "changes", variable=("changes",))


def _negative(value: Any, param: str) -> None:
    if value and value < 0:
        raise HTTPBadRequest(
            explanation=f"Invalid value '{value}' for parameter '{param}': "
            "Cannot be a negative value"
        )


def _integral(value: Any) -> Any:
    """JSON Schema's integers include 2.0; the database stores them as 2."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


#: Per reserved names: custom property names a create accepted (not longer than 255
#: characters, not reserved), so that the same few names a client sends on every create are
#: not checked again. Bounded.
_PLAIN_KEYS: dict[Reserved, set[str]] = {}


def _plain_keys(reserved: Reserved) -> set[str]:
    found = _PLAIN_KEYS.get(reserved)
    if found is None:
        found = _PLAIN_KEYS[reserved] = set()
    return found


def _split(body: dict[str, Any], base: frozenset[str]) -> tuple[dict, dict]:
    """A create body's base attributes (in `base`, but ``tags``) and custom properties, for a
    body `ImageSchema.split` left to the full validation."""
    attrs: dict[str, Any] = {}
    extras: dict[str, Any] = {}
    for key, value in body.items():
        if key not in base:
            extras[key] = value
        elif key != "tags":
            attrs[key] = value
    return attrs, extras


class Images:
    """The image records of one Glance."""

    def __init__(self, glance: Any):
        self._glance = glance
        self._kernel = glance.kernel

    def policy(self, ctx: Any, image: Image | None, owner: str | None = None) -> ImagePolicy:
        """The policy checker for `ctx` on `image` (or on a proposed image of `owner`)."""
        g = self._glance
        return ImagePolicy(
            ctx,
            image,
            g.db.member_status,
            owner,
            g.legacy_defaults,
            g.service_api_rule,
            g.scope_enforced,
            g.policy_rules,
        )

    # -- create ------------------------------------------------------------------------------

    def create(self, ctx: Any, body: Any) -> Image:
        """``POST /v2/images``: a new image in ``queued``, or Glance's error."""
        g = self._glance
        schema = g.schema
        if not isinstance(body, dict) or not body.keys().isdisjoint(DISALLOWED):
            for key in DISALLOWED:  # a list holding a key's name too (`key in image`)
                if key in body and (key != "stores" or schema.glance >= STORES_DISALLOWED_SINCE):
                    raise HTTPForbidden(explanation=f"Attribute '{key}' is read-only.")
        not_extra = _NOT_EXTRA if schema.multihash else _QUEENS_NOT_EXTRA
        # One pass over the body: the schema's quick check of each value, the base attributes
        # (read by name only) and the custom properties (in the body's order). `extras` is
        # built without the base keys, not copied and popped: an image keeps this dict, and one
        # popped keeps the room of every key it had (a volume-backed snapshot's: 192 bytes).
        split = schema.split(body, not_extra) if isinstance(body, dict) else None
        if split is None:
            try:
                schema.validate(body)
            except SchemaError as e:
                raise HTTPBadRequest(explanation=str(e))
            if not isinstance(body, dict):  # a JSON list passes Glance's schema, then
                raise HTTPInternalServerError()  # ``properties.pop('tags', [])``: TypeError
            split = _split(body, not_extra)
        attrs, extras = split
        tags = body.get("tags", [])
        reserved = g.reserved
        plain = _plain_keys(reserved)
        if not plain.issuperset(extras):
            for key in extras:
                if key in plain:  # checked before: neither too long nor reserved
                    continue
                if len(key) > 255:
                    raise HTTPBadRequest(
                        explanation="Custom property should not be greater than 255 characters."
                    )
                if key in reserved:
                    raise HTTPForbidden(f"Attribute '{key}' is reserved.")
                if len(plain) >= 4096:
                    plain.clear()
                plain.add(key)
        owner = attrs.setdefault("owner", ctx.project_id if ctx is not None else None)
        visibility = attrs.get("visibility")
        if g.policy_rules is not None or not owner_adds(ctx, owner, visibility):  # else it passes
            self.policy(ctx, None, owner=owner).add_image(visibility)
        try:
            if g.quotas.unified:  # else `enforce` checks nothing
                g.quotas.enforce(
                    ctx.project_id if ctx else None, IMAGE_COUNT_TOTAL, delta=1, gone=g.uncounted
                )
            tags = list(dict.fromkeys(tags))
            g.quotas.check_tags(tags)
        except LimitExceeded as e:
            raise HTTPRequestEntityTooLarge(explanation=e.msg)
        if not attrs.keys().isdisjoint(FACTORY_READONLY):
            for key in FACTORY_READONLY:
                if key in attrs:
                    raise HTTPForbidden(explanation=f"Attribute '{key}' is read-only.")
        if not extras.keys().isdisjoint(FACTORY_RESERVED):
            for key in FACTORY_RESERVED:
                if key in extras:
                    raise HTTPForbidden(explanation=f"Attribute '{key}' is reserved.")
        min_disk, min_ram = attrs.get("min_disk"), attrs.get("min_ram")
        if min_disk and min_disk < 0:  # (`_negative`'s test, without its call when it passes)
            _negative(min_disk, "min_disk")
        if min_ram and min_ram < 0:
            _negative(min_ram, "min_ram")
        try:
            g.quotas.check_properties(extras, g.reserved_namespaces)
        except LimitExceeded as e:
            raise HTTPRequestEntityTooLarge(explanation=e.msg)
        image_id = attrs.pop("id", None) or self._kernel.ids.uuid()
        if image_id in g.db.images:
            raise HTTPConflict(explanation=f"Image ID {image_id} already exists!")
        # `add`'s row, its fields given by position (`Image`'s order, up to the properties):
        # a keyword call matches each name against the dataclass's parameters
        now = self._kernel.env._now
        image = Image(
            image_id,
            owner,
            now,  # created_at
            now,  # updated_at
            "queued",
            attrs.get("name"),
            attrs.get("visibility", "shared"),
            attrs.get("protected", False),
            attrs.get("os_hidden", False),
            attrs.get("disk_format"),
            attrs.get("container_format"),
            (_integral(min_ram) if isinstance(min_ram, float) else min_ram) or 0,
            (_integral(min_disk) if isinstance(min_disk, float) else min_disk) or 0,
            None,  # size
            None,  # virtual_size
            None,  # checksum
            None,  # os_hash_algo
            None,  # os_hash_value
            tags,
            extras,
        )
        g.db.add(image)
        born(self._kernel, image)
        return image

    def add(self, image_id: str, owner: str | None, fields: dict[str, Any]) -> Image:
        """Insert a new queued image row and trace its birth (no checks: callers did them).

        `fields` are the `Image`'s other fields by name (a dict, not ``**`` keywords that
        CPython would compare with every parameter's name)."""
        now = self._kernel.env._now  # kernel.now, without the property's call
        image = Image(id=image_id, owner=owner, created_at=now, updated_at=now, **fields)
        self._glance.db.add(image)
        born(self._kernel, image)
        return image

    # -- read --------------------------------------------------------------------------------

    def lookup(self, ctx: Any, image_id: str) -> Image:
        """``image_repo.get(image_id)``, every API's first read of an image: the image `ctx`
        may see, or the 404 "No image found with ID ..." (missing, deleted and hidden look the
        same: `GlanceDb.get`). With the operator's rules, Glance 16-22's repository is wrapped
        in the policy proxy (glance 16.0.1-22.1.1 api/policy.py ``ImageRepoProxy.get``),
        which asks ``get_image``: on the image found, and in 16-21 on ``{}`` for one the
        database does not give (then re-raises its NotFound). 16-21's refusal is
        ``exception.Forbidden`` (`policy_forbidden`; a hidden or missing image is a 403, not a
        404, for a caller the rule refuses); 22.0.0's proxy answers it as NotFound (31414b9f6)
        and asks nothing of an image not found. Each controller words either its own way (a
        tag's, a member's); from 23.0.0 (`API_POLICY_SINCE`) ``ImageAPIPolicy`` asks after the
        lookup (`ImagePolicy.enforce`)."""
        g = self._glance
        rules = g.policy_rules
        if rules is None or rules.major >= API_POLICY_SINCE:
            return g.db.get(ctx, image_id, rules)
        try:
            image = g.db.get(ctx, image_id, rules)
        except HTTPNotFound:
            if rules.major >= GET_IMAGE_NOT_FOUND_SINCE or self.policy(ctx, None).allows(
                "get_image"
            ):
                raise
            raise policy_forbidden("get_image") from None
        if not self.policy(ctx, image).allows("get_image"):
            if rules.major >= GET_IMAGE_NOT_FOUND_SINCE:
                raise image_not_found(image_id)
            raise policy_forbidden("get_image")
        return image

    def get(self, ctx: Any, image_id: str) -> Image:
        """``GET /v2/images/{id}``: the image, or 404 (a 403 for `lookup`'s refusal)."""
        g = self._glance
        if g.policy_rules is not None:
            image = self.lookup(ctx, image_id)
            self.policy(ctx, image).enforce("get_image")
            return image
        if is_admin(ctx) and not out_of_scope(ctx, g.scope_enforced):
            return g.db.row(image_id)  # sees every image, passes get_image by default
        image = g.db.get(ctx, image_id)
        if not owner_passes(ctx, image.owner, "get_image", g.scope_enforced) and not open_passes(
            ctx, image, "get_image", g.legacy_defaults, g.scope_enforced
        ):
            self.policy(ctx, image).enforce("get_image")
        return image

    # -- update ------------------------------------------------------------------------------

    def update(
        self,
        ctx: Any,
        image_id: str,
        changes: list[dict[str, Any]],
        location_data: ImageData | None = None,
    ) -> Image:
        """``PATCH /v2/images/{id}`` with a parsed change list (see `patch.parse_patch`).

        `location_data` is what the store finds at a location the PATCH adds (an RBD clone
        Nova made); unknown locations hold no data Glance can size."""
        g = self._glance
        image = self.lookup(ctx, image_id)
        pol = self.policy(ctx, image)
        draft = Image(*_field_values(image))  # dataclasses.replace, without its field loop
        draft.tags = list(image.tags)
        draft.extra_properties = dict(image.extra_properties)
        for change in changes:
            _DO[change["op"]](self, ctx, draft, pol, change, location_data)
        if not changes:
            return image
        # a property added: the draft's keys not a subset of the image's (no set of either)
        if not draft.extra_properties.keys() <= image.extra_properties.keys():
            try:
                g.quotas.check_properties(draft.extra_properties, g.reserved_namespaces)
            except LimitExceeded as e:
                raise HTTPRequestEntityTooLarge(explanation=e.msg)
        if draft.owner != image.owner:
            g.db.set_owner(image, draft.owner)
        if draft.locations is not image.locations:
            activate = self._glance.schema.glance >= REPLACE_ACTIVATES_SINCE or any(
                c["op"] == "add" and c["path"][0] == "locations" for c in changes
            )
            was_queued = image.status == "queued"
            self._set_locations(image, draft.locations, location_data, activate)
            if was_queued and image.status == "active":
                for f in ("checksum", "os_hash_algo", "os_hash_value"):
                    setattr(image, f, getattr(draft, f))
        # A draft's attribute differs from the image's only where a change set it (`_set`, on
        # the change's root): those are copied, not all nine. The same pass lists the changes
        # for the trace.
        written = []
        for change in changes:
            path = change["path"]
            root = path[0]
            if root in _SET_ON_UPDATE:
                setattr(image, root, getattr(draft, root))
            written.append((change["op"], "/" + "/".join(path)))
        image.tags = draft.tags
        image.extra_properties = draft.extra_properties
        image.updated_at = self._kernel.env._now  # kernel.now, without the property's call
        self._kernel.trace.write(_UPDATE, "glance", image.id, (written,))
        return image

    def _set(self, draft: Image, root: str, value: Any) -> None:
        """The domain setters' own checks (formats only while queued, no negative sizes)."""
        if root in ("disk_format", "container_format") and draft.status not in (
            "queued",
            "importing",
        ):
            raise HTTPForbidden(
                explanation=f"Attribute {root} can be only replaced for a queued image."
            )
        if root in ("min_disk", "min_ram"):
            value = _integral(value)
            _negative(value, root)
        if root == "tags":
            value = list(dict.fromkeys(value))
            try:
                self._glance.quotas.check_tags(value)
            except LimitExceeded as e:
                raise HTTPRequestEntityTooLarge(explanation=e.msg)
        setattr(draft, root, value)

    def _attributes(self) -> frozenset[str]:
        """The image attributes a PATCH sets directly in this Glance's series."""
        return ATTRIBUTES if self._glance.schema.multihash else _QUEENS_ATTRIBUTES

    def _update_property(self, pol: ImagePolicy, root: str, value: Any = None) -> None:
        if root == "visibility":
            if pol.legacy == "authz" and not pol.owns():
                # Glance 16-22: ImmutableImageProxy's setter, outside the policy proxy's
                # visibility setter (glance 16.0.1, 22.1.1 gateway.py, authorization.py)
                pol.enforce("modify_image", root)
            pol.enforce_visibility(value)
        pol.enforce("modify_image", root)

    def _locations(
        self, pol: ImagePolicy, draft: Image, verb: str, rule: str, statuses: tuple[str, ...]
    ) -> None:
        """The policy, ``show_multiple_locations`` (off: 403) and the image status checks of a
        PATCH of ``/locations``; the draft gets its own list to change."""
        pol.enforce(rule)
        if not self._glance.config.show_multiple_locations:
            raise HTTPForbidden(
                explanation=f"It's not allowed to {verb} locations if locations are invisible."
            )
        if draft.status not in statuses:
            word = "replace" if verb == "update" else verb
            raise HTTPConflict(
                explanation=f"It's not allowed to {word} locations if image status is "
                f"{draft.status}."
            )
        draft.locations = [dict(loc) for loc in draft.locations]

    def _validation_data(self, draft: Image, locations: list) -> None:
        """From Glance 18.0.0 the locations' ``validation_data``: 409s, or the checksum and
        hash a queued image takes with them (`locations.validation_data`)."""
        g = self._glance
        if g.schema.glance >= VALIDATION_DATA_SINCE:
            for k, v in validation_data(draft, locations, g.config.hashing_algorithm).items():
                setattr(draft, k, v)

    def _set_locations(
        self, image: Image, locations: list, data: ImageData | None, activate: bool = True
    ) -> None:
        """Commit a PATCH's locations; a queued image with one gets the size the store finds
        there (`data`; glance's ``_set_image_size``), no checksum nor virtual size computed
        (``_set_image_size`` sets the size alone, in every series), and turns active unless
        not `activate` (a ``replace`` before Glance 18.0.0)."""
        image.locations = locations
        if image.status != "queued" or not locations:
            return
        data = data or self._data_at(locations[0]["url"]) or ImageData(0, locations[0]["url"])
        self._glance.store.put(image.id, data)
        image.size = data.size
        image.data = data
        if activate:
            set_status(self._kernel, image, "active", details={"size": data.size})

    def _do_replace(
        self, ctx: Any, draft: Image, pol: ImagePolicy, change: dict, data: ImageData | None
    ) -> None:
        root, value = change["path"][0], change["value"]
        if root == "locations" and not value:
            raise HTTPForbidden("Cannot set locations to empty list.")
        if root == "locations":
            self._locations(pol, draft, "update", "set_image_location", ("active", "queued"))
            self._validation_data(draft, value)
            # URLs already there are not checked again (``_set_locations``)
            same = sorted(loc["url"] for loc in value) == sorted(
                loc["url"] for loc in draft.locations
            )
            if not same and draft.locations:
                raise HTTPBadRequest(explanation=_not_empty(draft.locations))
            check = None if same else lambda url: self._check_location_uri(url, data)
            draft.locations = _unique_locations(value, check)
            return
        if root == "owner" and not pol.context_admin():
            raise HTTPForbidden("Owner can't be updated by non admin.")
        if not pol._passes:  # an admin (or Glance itself) passes both rules
            self._update_property(pol, root, value)
        if root in (ATTRIBUTES if self._glance.schema.multihash else _QUEENS_ATTRIBUTES):
            self._set(draft, root, value)  # (`_attributes`, without its call)
        elif root in draft.extra_properties:
            draft.extra_properties[root] = value
        else:
            raise HTTPConflict(f"Property {root} does not exist.")

    def _do_add(
        self, ctx: Any, draft: Image, pol: ImagePolicy, change: dict, data: ImageData | None
    ) -> None:
        root, value = change["path"][0], change["value"]
        if root == "locations":
            self._locations(pol, draft, "add", "set_image_location", ("active", "queued"))
            self._validation_data(draft, [value])
            pos = _location_pos(change["path"][1], len(draft.locations), True)
            if pos is None:
                raise HTTPBadRequest(explanation="Invalid position for adding a location.")
            self._check_location_uri(value["url"], data)
            draft.locations.insert(pos, value)
            draft.locations = _unique_locations(draft.locations)
            return
        if not pol._passes:  # an admin (or Glance itself) passes both rules
            self._update_property(pol, root, value)
        attributes = ATTRIBUTES if self._glance.schema.multihash else _QUEENS_ATTRIBUTES
        present = root in attributes or root in draft.extra_properties
        if present and change.get("json_schema_version", 10) == 4:
            raise HTTPConflict(f"Property {root} already present.")
        if root in attributes:
            self._set(draft, root, value)
        else:
            draft.extra_properties[root] = value

    def _do_remove(
        self, ctx: Any, draft: Image, pol: ImagePolicy, change: dict, data: ImageData | None
    ) -> None:
        root = change["path"][0]
        if root == "locations":
            self._locations(pol, draft, "remove", "delete_image_location", ("active",))
            if len(draft.locations) == 1:
                raise HTTPForbidden("Cannot remove last location in the image.")
            pos = _location_pos(change["path"][1], len(draft.locations), False)
            if pos is None:
                raise HTTPBadRequest(explanation="Invalid position for removing a location.")
            draft.locations.pop(pos)
            return
        if not pol._passes:
            self._update_property(pol, root)
        if root in self._attributes():
            raise HTTPForbidden(f"Property {root} may not be removed.")
        if root not in draft.extra_properties:
            raise HTTPConflict(f"Property {root} does not exist.")
        del draft.extra_properties[root]

    # -- locations (the new location API, Glance 2.17) ---------------------------------------

    def add_location(self, ctx: Any, image_id: str, url: str, data: ImageData | None) -> Image:
        """``POST /v2/images/{id}/locations`` from a service in-process: a queued image gets
        data that already exists. `ctx` is the context Glance builds from the request (with
        the caller's service token, if it sent one: `_location_target`'s checks read it).
        Glance's background location task reads the size from the store and activates the
        image; here that happens at once, with `data` describing what is there. A Glance
        before 29.0.0 has no such path: its router's plain 404, whatever the image.
        """
        if self._glance.schema.glance < LOCATION_API_SINCE:
            raise HTTPNotFound()
        image = self._location_target(ctx, image_id)
        self._filter_location(url)
        return self._located(ctx, image, url, data, {})

    def _location_target(self, ctx: Any, image_id: str) -> Image:
        """The image a location is added to (404), refused unless ``queued`` (409), the
        ``add_image_location`` policy (403/404), then the caller refused (403) unless its token
        or its service token has the ``service`` role (``req.context.roles +
        req.context.service_roles``, 29.0.0-33.0.0): fakecloud's Glance has no http store,
        which is what would take another caller's location."""
        image = self.lookup(ctx, image_id)
        if image.status != "queued":
            raise HTTPConflict(
                explanation=f"It's not allowed to add locations if image status is {image.status}."
            )
        self.policy(ctx, image).enforce("add_image_location")
        if ctx is not None and not ("service" in roles_of(ctx) or "service" in service_roles(ctx)):
            raise HTTPForbidden(
                explanation="http store must be enabled to use location API by normal user."
            )
        return image

    def _located(
        self, ctx: Any, image: Image, url: str, data: ImageData | None, validation: dict
    ) -> Image:
        """The ``location_import`` task, run at once: the location checked as a PATCH'd one
        is (`_data_at`); where the store finds nothing (``_InvalidLocation``) the task fails
        ("Task failed due to Internal Error") and the image stays ``queued`` without it, else
        the image takes the data and goes active (``_CompleteTask``: the task's result)."""
        tasks = self._glance.tasks
        task = tasks.new_location(ctx, image.id, url, validation)
        tasks.move(task, "processing")
        data = self._data_at(url, data)
        if data is None:
            self._kernel.trace.emit("glance.location.fail", "glance", image.id, error=INVALID)
            tasks.move(task, "failure", message=INTERNAL_ERROR)
            return image
        tasks.move(task, "success", result={"image_id": image.id})
        self._glance.store.put(image.id, data)
        # the location task reads the size and hashes, never the virtual size
        self._glance.image_data._activate(image, data, None)
        image.locations = [{"url": url, "metadata": {}}]
        return image

    def add_location_request(self, ctx: Any, image_id: str, body: Any) -> Image:
        """``POST /v2/images/{id}/locations`` over REST (``ImagesController.add_location``,
        glance 29.0.0): the body's checks (400), `_location_target`'s (404, 409, 403), the
        hash's form (400), from Glance 33.0.0 an HTTP(S) URL's filter (400); then the location
        task, here at once."""
        url = check_location_body(body, self._glance.schema.glance)
        image = self._location_target(ctx, image_id)
        check_hashing_data(body, self._glance.config.hashing_algorithm)
        self._filter_location(url)
        return self._located(ctx, image, url, None, body.get("validation_data", {}))

    def _filtered_out(self, url: str) -> bool:
        """Whether this Glance refuses `url` as a location: from 33.0.0 an HTTP(S) URL that
        fails web-download's filter (`import_methods.uri_passes`)."""
        g = self._glance
        if g.schema.glance < LOCATION_FILTER_SINCE or urlparse(url).scheme not in FILTERED_SCHEMES:
            return False
        return not uri_passes(url, g.import_filtering, self._kernel.switches.release, g.web)

    def _filter_location(self, url: str) -> None:
        """The location API's filter (Glance 33.0.0 on): 400 for a URL `_filtered_out`."""
        if self._filtered_out(url):
            raise HTTPBadRequest(explanation=f"URI for add location does not pass filtering: {url}")

    def _data_at(self, url: str, offered: ImageData | None = None) -> ImageData | None:
        """What Glance's store finds at a location (``_check_location_uri``, the same answer
        in 16.0.1-33.0.0): nothing for a scheme ``validate_external_location`` refuses or no
        store reads (`UNREADABLE_SCHEMES`), nor where no data is (``UnknownScheme``,
        ``NotFound``, size 0); else `offered` (the RBD clone Nova made) or the data of the live
        image already there."""
        if urlparse(url).scheme in UNREADABLE_SCHEMES:
            return None
        if offered is None:
            g = self._glance
            holder = next((i for i in g.db.images.values() if _located_at(i, url)), None)
            offered = None if holder is None else g.store.objects.get(holder.id)
        return offered if offered is not None and offered.size > 0 else None

    def _check_location_uri(self, url: str, data: ImageData | None = None) -> None:
        """A PATCH'd location's check (``_check_location_uri``): 400 "Invalid location"
        where the store finds no data (`_data_at`)."""
        if self._data_at(url, data) is None:
            raise HTTPBadRequest(explanation=INVALID)

    def get_locations(self, ctx: Any, image_id: str) -> list[dict[str, Any]]:
        """``GET /v2/images/{id}/locations`` (``ImagesController.get_locations``, glance
        29.0.0): the image's locations, for the ``service`` role only (403/404)."""
        image = self.lookup(ctx, image_id)
        self.policy(ctx, image).enforce("fetch_image_location")
        return [{"url": loc["url"], "metadata": dict(loc["metadata"])} for loc in image.locations]

    # -- tags --------------------------------------------------------------------------------

    def _tag_image(self, ctx: Any, image_id: str, verb: str) -> Image:
        refusal = f"Not allowed to {verb} tags for image {image_id}."  # image_tags.py
        try:
            image = self.lookup(ctx, image_id)
        except HTTPNotFound:
            raise HTTPNotFound(explanation=f"Image {image_id} not found.")
        except HTTPForbidden:
            raise HTTPForbidden(explanation=refusal)
        self.policy(ctx, image).enforce("modify_image", "tags", refusal)
        return image

    def add_tag(self, ctx: Any, image_id: str, tag: str) -> Image:
        """``PUT /v2/images/{id}/tags/{tag}``."""
        try:
            self._glance.schema.validate({"tags": [tag]})
        except SchemaError as e:
            raise HTTPBadRequest(explanation=str(e))
        image = self._tag_image(ctx, image_id, "update")
        if tag not in image.tags:
            tags = [*image.tags, tag]
            try:
                self._glance.quotas.check_tags(tags)
            except LimitExceeded as e:
                raise HTTPRequestEntityTooLarge(
                    explanation=f"Image tag limit exceeded for image {image_id}: {e}:"
                )
            image.tags = tags
            image.updated_at = self._kernel.now
        return image

    def delete_tag(self, ctx: Any, image_id: str, tag: str) -> Image:
        """``DELETE /v2/images/{id}/tags/{tag}`` (404 for a tag the image does not have)."""
        image = self._tag_image(ctx, image_id, "delete")
        if tag not in image.tags:
            raise HTTPNotFound()
        image.tags = [t for t in image.tags if t != tag]
        image.updated_at = self._kernel.now
        return image

    # -- delete and (de)activation -----------------------------------------------------------

    def delete(self, ctx: Any, image_id: str) -> Image:
        """``DELETE /v2/images/{id}``: deleted (or pending_delete), its data removed."""
        g = self._glance
        try:
            image = self.lookup(ctx, image_id)
        except HTTPNotFound:
            raise HTTPNotFound(explanation=f"Failed to find image {image_id} to delete")
        self.policy(ctx, image).enforce("delete_image")
        if image.protected:
            raise HTTPForbidden(explanation=f"Image {image_id} is protected and cannot be deleted.")
        if image.locations:
            self._delete_from_store_checks(image)
        if g.config.delayed_delete and image.locations:
            set_status(self._kernel, image, "pending_delete")
            self._kernel.spawn(self._scrub(image), name=f"glance scrubber {image.id}")
        else:
            set_status(self._kernel, image, "deleted")
            self._purge(image)
        image.deleted = True
        image.deleted_at = self._kernel.now
        return image

    def _delete_from_store_checks(self, image: Image) -> None:
        """Fault point ``glance.store.delete`` [image_id, owner]: the store refuses to delete."""
        try:
            self._kernel.faults.check("glance.store.delete", image_id=image.id, owner=image.owner)
        except InUseByStore as e:
            raise HTTPConflict(
                explanation=f"Image {image.id} could not be deleted because it is in use: {e}"
            )
        except HasSnapshot as e:
            raise HTTPConflict(explanation=str(e))
        except StoreTimeout as e:
            if self._glance.schema.glance < STORE_TIMEOUT_SINCE:
                raise  # ImagesController.delete catches no TimeoutError before 33.0.0: a 500
            raise HTTPServiceUnavailable(
                explanation=f"Image {image.id} could not be deleted because the filesystem store "
                f"operation timed out: {e}"
            )

    def _purge(self, image: Image) -> None:
        """Remove an image's data from the store and its staging area."""
        self._glance.store.delete(image.id)
        image.staged = None
        image.locations = []

    def _scrub(self, image: Image):
        """glance-scrubber: after ``scrub_time_s``, a pending_delete image's data goes."""
        yield self._kernel.env.timeout(self._glance.config.scrub_time_s)
        if image.status == "pending_delete":
            set_status(self._kernel, image, "deleted", actor="glance-scrubber")
            self._purge(image)

    def restore(self, image_id: str) -> Image:
        """``glance-scrubber --restore``: a pending_delete image becomes active again (Glance
        17.0.0 on, 71a36c98e; the Queens series' Glance 16 has neither the option nor the
        ``pending_delete`` → ``active`` move)."""
        if self._glance.schema.glance < RESTORE_SINCE:
            raise ConfigError(
                "glance-scrubber --restore is Glance 17.0.0 on (71a36c98e); this cloud's Glance "
                f"is {self._glance.schema.glance}.x"
            )
        image = self._glance.db.images[image_id]
        set_status(self._kernel, image, "active", actor="glance-scrubber")
        image.deleted = False
        image.deleted_at = None
        return image

    def deactivate(self, ctx: Any, image_id: str) -> None:
        """``POST .../actions/deactivate``: active → deactivated (already so: no-op)."""
        self._activation(ctx, image_id, "deactivate", "active", "deactivated")

    def reactivate(self, ctx: Any, image_id: str) -> None:
        """``POST .../actions/reactivate``: deactivated → active (already so: no-op)."""
        self._activation(ctx, image_id, "reactivate", "deactivated", "active")
        if self._glance.cache is not None:  # a queued image the 24.x prefetcher skipped
            self._glance.cache.wake()

    def _activation(self, ctx: Any, image_id: str, rule: str, source: str, target: str) -> None:
        image = self.lookup(ctx, image_id)
        self.policy(ctx, image).enforce(rule)
        if image.status == target:
            return
        if image.status != source:
            raise HTTPForbidden(
                explanation=f"Not allowed to {rule} image in status '{image.status}'"
            )
        try:
            set_status(self._kernel, image, target)
        except InvalidImageStatusTransition as e:  # not reachable with Glance's table
            raise HTTPBadRequest(explanation=e.msg)


#: A change's op -> the method applying it to the draft (`Images.update`; `parse_patch` admits
#: no other op).
_DO = {"add": Images._do_add, "remove": Images._do_remove, "replace": Images._do_replace}


def _location_pos(path_pos: str, count: int, allow_max: bool) -> int | None:
    """``_get_locations_op_pos``: ``-`` (the end) or an index; None if out of range."""
    pos = count if allow_max else count - 1
    if path_pos.isdigit():
        pos = int(path_pos)
    elif path_pos != "-":
        return None
    if not (allow_max or 0 <= pos < count):
        return None
    return pos


def _located_at(image: Image, url: str) -> bool:
    """Whether a live image has a location at `url`."""
    return not image.deleted and any(loc["url"] == url for loc in image.locations)


def _not_empty(locations: list) -> str:
    """``_locations_proxy.set_attr`` (glance/location.py, 16.0.1-33.0.0): a ``replace`` may
    change only the metadata of an image's locations, never their URLs; exception.Invalid,
    the update's 400 with the locations as the database gives them (without the row ``id``
    fakecloud does not keep: docs/conformance.md)."""
    rows = [
        {"url": loc["url"], "metadata": loc["metadata"], "status": "active"} for loc in locations
    ]
    return f"Original locations is not empty: {rows!r}"


def _unique_locations(locations: list, check: Callable[[str], None] | None = None) -> list:
    """The store locations' own checks, location by location: the URI's (`check`), then a URL
    listed twice is glance's DuplicateLocation."""
    urls = [loc["url"] for loc in locations]
    for url in urls:
        if check is not None:
            check(url)
        if urls.count(url) > 1:
            raise HTTPBadRequest(explanation=f"The location {url} already exists")
    return [dict(loc) for loc in locations]
