"""Keystone's catalog writes: ``POST /v3/regions``, ``PUT|PATCH|DELETE /v3/regions/{id}``,
``POST /v3/services``, ``PATCH|DELETE /v3/services/{id}``, ``POST /v3/endpoints`` and
``PATCH|DELETE /v3/endpoints/{id}`` (``keystone/api/{regions,services,endpoints}.py``,
13.0.0-30.0.0), what ``openstack region|service|endpoint create|set|delete`` send.

Policy: an admin in every release (``admin_required``; from 14.0.0 the system admin's rule,
whose deprecated ``admin_required`` fakecloud's unscoped policy keeps). Bodies are checked by
``lazy_validate`` before 27.0.0 and by the request body schema from then (`_checked`). The
refusals are Keystone's: a duplicate region id (409), a parent region that does not exist (404)
or that makes a circle (400), deleting a region that it or a region below it has endpoints
(403), an endpoint naming a region or a service that does not exist (400), an endpoint URL
with a substitution Keystone does not know (400). An endpoint written with ``region`` and no
``region_id`` makes that region if it is missing (Keystone's v2 compatibility). The writes land
in the cloud's own copy of the catalog (`fakecloud.identity.catalog_writes`), which says what
tokens and the services make of them.
"""

from __future__ import annotations

from typing import Any

from fakecloud.api.http import Request, Response
from fakecloud.identity import admin_schema, exception, schema, sql_text
from fakecloud.identity.admin_api import KeystoneWritesApi, _require_admin
from fakecloud.identity.api import _linked, _mapped
from fakecloud.identity.catalog_writes import SERVICE_FIELDS, WrittenCatalog
from fakecloud.identity.limits_store import held
from fakecloud.profiles.series import (
    KEYSTONE_BODY_SCHEMA_SINCE,
    KEYSTONE_JSONSCHEMA_4_21_SINCE,
    KEYSTONE_REGION_BODY_SCHEMA_SINCE,
)

_NAME = {"type": "string", "minLength": 1, "maxLength": 255, "pattern": r"[\S]+"}
#: ``keystone.common.validation.parameter_types.boolean`` as ``nullable`` extends it at import.
_BOOLEAN = {"type": "boolean", "enum": [True, False, None]}
_REGION = {
    "description": {"type": ["string", "null"]},
    "id": {"type": "string"},
    "parent_region_id": {"type": ["string", "null"]},
}
_SERVICE = {
    "enabled": _BOOLEAN,
    "name": _NAME,
    "type": {"type": "string", "minLength": 1, "maxLength": 255},
}
_ENDPOINT = {
    "enabled": _BOOLEAN,
    "interface": {"type": "string", "enum": ["admin", "internal", "public"]},
    "region_id": {"type": "string"},
    "region": {"type": "string"},
    "service_id": {"type": "string"},
    "url": {"type": "string", "minLength": 0, "maxLength": 225, "pattern": "^[a-zA-Z0-9+.-]+:.+"},
}
#: The substitutions an endpoint URL may name (``keystone.common.utils.WHITELISTED_PROPERTIES``).
_URL_NAMES = ("tenant_id", "project_id", "user_id", "compute_host", "public_endpoint")


def _body(key: str, properties: dict[str, Any], **rules: Any) -> dict[str, Any]:
    """A request body holding object `key` (``keystone/catalog/schema.py``), its object's keys
    in keystone's order (`admin_schema.record_object`: checked so, printed sorted before
    27.0.0; the keystone oracle, 25.0.0 and 30.0.0)."""
    return {
        "type": "object",
        "properties": {key: admin_schema.record_object(properties, **rules)},
        "required": [key],
    }


REGION_CREATE = _body("region", _REGION)
REGION_UPDATE = _body("region", _REGION, minProperties=1)
SERVICE_CREATE = _body("service", _SERVICE, required=["type"])
SERVICE_UPDATE = _body("service", _SERVICE, minProperties=1)
ENDPOINT_CREATE = _body("endpoint", _ENDPOINT, required=["interface", "service_id", "url"])
ENDPOINT_UPDATE = _body("endpoint", _ENDPOINT, minProperties=1)


def _strict(body_schema: dict[str, Any]) -> dict[str, Any]:
    """`body_schema` with ``enabled`` the body schemas' plain boolean (27.0.0 on: a string is
    ``'yes' is not of type 'boolean'``)."""
    (key, inner), *_ = body_schema["properties"].items()
    properties = {**inner["properties"], "enabled": {"type": "boolean"}}
    return {**body_schema, "properties": {key: {**inner, "properties": properties}}}


#: The body schemas of 27.0.0 on, by the lazy_validate schema they replace; a service's
#: create does not require its object (``service_create_request_body``, 27.0.0-30.0.0).
_STRICT = {
    id(s): _strict(s) for s in (SERVICE_CREATE, SERVICE_UPDATE, ENDPOINT_CREATE, ENDPOINT_UPDATE)
}
_STRICT[id(SERVICE_CREATE)] = {
    k: v for k, v in _STRICT[id(SERVICE_CREATE)].items() if k != "required"
}


class KeystoneCatalogApi(KeystoneWritesApi):
    """Keystone's v3 API with the catalog's writes."""

    @classmethod
    def declare_routes(cls, router: Any, variant: Any) -> None:
        """The routes before, then the catalog writes'."""
        super().declare_routes(router, variant)
        for method, template, handler in (
            ("POST", "/v3/regions", cls.create_region),
            ("PUT", "/v3/regions/{region_id}", cls.create_region),
            ("PATCH", "/v3/regions/{region_id}", cls.update_region),
            ("DELETE", "/v3/regions/{region_id}", cls.delete_region),
            ("POST", "/v3/services", cls.create_service),
            ("PATCH", "/v3/services/{service_id}", cls.update_service),
            ("DELETE", "/v3/services/{service_id}", cls.delete_service),
            ("POST", "/v3/endpoints", cls.create_endpoint),
            ("PATCH", "/v3/endpoints/{endpoint_id}", cls.update_endpoint),
            ("DELETE", "/v3/endpoints/{endpoint_id}", cls.delete_endpoint),
        ):
            router.add(method, template, _mapped(handler))

    def _writable(self) -> WrittenCatalog:
        """The cloud's own catalog: the first write copies the built one (shared)."""
        keystone = self.keystone
        if keystone.catalog.__class__ is not WrittenCatalog:
            keystone.catalog = WrittenCatalog.copy_of(keystone.catalog)
            # Nova's unified limits read it from the kernel (`catalog.cloud_catalog`)
            self.kernel.written_catalog = keystone.catalog
        return keystone.catalog

    def _ref(self, req: Request, action: str, body_schema: dict[str, Any], key: str) -> Any:
        """The body's object once the admin policy and the schema let it through; the id in
        the path, if any, is the object's (``_require_matching_id``) on an update. Regions
        are checked by ``lazy_validate`` up to 27.x (their body schema from 28.0.0); a
        service's and an endpoint's ``enabled`` is a plain boolean in the body schemas."""
        since = KEYSTONE_REGION_BODY_SCHEMA_SINCE if key == "region" else KEYSTONE_BODY_SCHEMA_SINCE
        if self._release >= since:
            body_schema = _STRICT.get(id(body_schema), body_schema)
        controller = action.split(":")[1]
        if "region_id" in req.params and controller == "create_region":
            controller = "create_region_with_id"

        def absent() -> None:
            # 15.0.0 on, Flask's ``request_body_json.get(key)`` is None for these three (the
            # others default to {}), which lazy_validate refuses
            if key in ("region", "service", "endpoint"):
                old = self._release < KEYSTONE_JSONSCHEMA_4_21_SINCE
                item = admin_schema.validator(body_schema["properties"][key])
                schema.lazy_validate(item, None, sort_printed=old)

        ref, _ = self._checked(
            req, body_schema, key, lambda _: _require_admin(req, action), since, absent, controller
        )
        return ref

    # -- regions ------------------------------------------------------------------------------

    def create_region(self, req: Request) -> Response:
        """``POST /v3/regions`` (id drawn unless given) or ``PUT /v3/regions/{id}``: 201."""
        ref = self._ref(req, "identity:create_region", REGION_CREATE, "region")
        sql_text.check(ref, "id", "description", "parent_region_id")
        path_id = req.params.get("region_id")
        if path_id is not None:
            if "id" not in ref:
                ref["id"] = path_id
            elif ref["id"] != path_id:
                raise exception.ValidationError(
                    f'Conflicting region IDs specified: "{path_id}" != "{ref["id"]}"'
                )
        elif not ref.get("id"):
            ref["id"] = self.kernel.ids.hex()
        record = self._writable().create_region(ref)
        self._traced("region_created", record["id"], record["id"])
        return Response(201, {"region": _linked(req, "regions", record)})

    def update_region(self, req: Request) -> Response:
        """``PATCH /v3/regions/{id}``: the region as changed."""
        ref = self._ref(req, "identity:update_region", REGION_UPDATE, "region")
        sql_text.check(ref, "description", "parent_region_id")
        region_id = req.params["region_id"]
        _same_id(ref, region_id)
        if self._release < REGION_EXTRA_UPDATED_SINCE:
            ref = {k: v for k, v in ref.items() if k in REGION_ATTRIBUTES}
        record = self._writable().update_region(region_id, ref)
        self._traced("region_updated", region_id, region_id)
        return Response(200, {"region": _linked(req, "regions", record)})

    def delete_region(self, req: Request) -> Response:
        """``DELETE /v3/regions/{id}``: 204, with the regions below it."""
        _require_admin(req, "identity:delete_region")
        region_id = req.params["region_id"]
        self._writable().delete_region(
            region_id, _limited(self.keystone, "region_id", self._release)
        )
        self._traced("region_deleted", region_id, region_id)
        return Response(204)

    # -- services -----------------------------------------------------------------------------

    def create_service(self, req: Request) -> Response:
        """``POST /v3/services``: 201 and the service (enabled, named ``""`` unless told)."""
        ref = self._ref(req, "identity:create_service", SERVICE_CREATE, "service")
        if not ref:
            # from 27.0.0 a body without "service" passes its schema, and keystone's
            # _normalize_dict(None) is the unexpected 500 (the keystone oracle, 30.0.0)
            raise exception.Error()
        sql_text.check(ref, "type")  # its name and the rest live in ``extra``
        service_id = self.kernel.ids.hex()
        record = self._writable().put_service(service_id, _without(ref, ("id",)))
        self._traced("service_created", record["type"], service_id)
        return Response(201, {"service": _linked(req, "services", record)})

    def update_service(self, req: Request) -> Response:
        """``PATCH /v3/services/{id}``: the service as changed."""
        ref = self._ref(req, "identity:update_service", SERVICE_UPDATE, "service")
        service_id = req.params["service_id"]
        _same_id(ref, service_id)
        catalog = self._writable()
        if service_id not in catalog.records:
            raise exception.ServiceNotFound(service_id=service_id)
        sql_text.check(ref, "type")
        record = catalog.put_service(service_id, _without(ref, SERVICE_FIELDS[:1]))
        self._traced("service_updated", record["type"], service_id)
        return Response(200, {"service": _linked(req, "services", record)})

    def delete_service(self, req: Request) -> Response:
        """``DELETE /v3/services/{id}``: 204, its endpoints with it."""
        _require_admin(req, "identity:delete_service")
        service_id = req.params["service_id"]
        self._writable().delete_service(
            service_id, _limited(self.keystone, "service_id", self._release)
        )
        self._traced("service_deleted", service_id, service_id)
        return Response(204)

    # -- endpoints ----------------------------------------------------------------------------

    def _endpoint_ref(self, catalog: WrittenCatalog, ref: dict[str, Any]) -> dict[str, Any]:
        """``_validate_endpoint_region``: ``region`` alone names the region, made if missing."""
        if ref.get("region_id") is None and ref.get("region") is not None:
            ref["region_id"] = ref.pop("region")
            if ref["region_id"] not in catalog.regions:
                catalog.create_region({"id": ref["region_id"]})
        return ref

    #: An endpoint's references the manager looks up first, and its other strings its table
    #: holds (keystone catalog/core.py ``create_endpoint``/``update_endpoint``, then
    #: catalog/backends/sql.py ``Endpoint``).
    _ENDPOINT_REFS = ("region_id", "region", "service_id")
    _ENDPOINT_COLUMNS = ("url", "interface")

    def create_endpoint(self, req: Request) -> Response:
        """``POST /v3/endpoints``: 201 and the endpoint."""
        ref = self._ref(req, "identity:create_endpoint", ENDPOINT_CREATE, "endpoint")
        _check_url(ref["url"], self._release)
        sql_text.check(ref, *self._ENDPOINT_REFS)
        endpoint_id = self.kernel.ids.hex()
        catalog = self._writable()
        ref = self._endpoint_ref(catalog, _without(ref, ("id",)))
        catalog.check_refs(ref)
        sql_text.check(ref, *self._ENDPOINT_COLUMNS)
        record = catalog.put_endpoint(endpoint_id, ref)
        self._traced("endpoint_created", record["interface"], endpoint_id)
        return Response(201, {"endpoint": _linked(req, "endpoints", record)})

    def update_endpoint(self, req: Request) -> Response:
        """``PATCH /v3/endpoints/{id}``: the endpoint as changed."""
        ref = self._ref(req, "identity:update_endpoint", ENDPOINT_UPDATE, "endpoint")
        endpoint_id = req.params["endpoint_id"]
        _same_id(ref, endpoint_id)
        sql_text.check(ref, *self._ENDPOINT_REFS)
        catalog = self._writable()
        ref = self._endpoint_ref(catalog, ref)
        catalog.check_refs(ref)  # before the endpoint's lookup, as the manager does
        if endpoint_id not in catalog.endpoints:
            raise exception.EndpointNotFound(endpoint_id=endpoint_id)
        sql_text.check(ref, *self._ENDPOINT_COLUMNS)
        record = catalog.put_endpoint(endpoint_id, ref)
        self._traced("endpoint_updated", record["interface"], endpoint_id)
        return Response(200, {"endpoint": _linked(req, "endpoints", record)})

    def delete_endpoint(self, req: Request) -> Response:
        """``DELETE /v3/endpoints/{id}``: 204."""
        _require_admin(req, "identity:delete_endpoint")
        endpoint_id = req.params["endpoint_id"]
        self._writable().delete_endpoint(endpoint_id)
        self._traced("endpoint_deleted", endpoint_id, endpoint_id)
        return Response(204)


def _same_id(ref: dict[str, Any], path_id: str) -> None:
    """``_require_matching_id``: a body's id, if any, is the path's."""
    if ref.get("id") is not None and ref["id"] != path_id:
        raise exception.ValidationError("Cannot change ID")


#: An update writes a region's other attributes (its ``extra``): keystone 15.0.0 ef331f46b
#: "Region update extra support"; 13.x-14.x ``catalog/backends/sql.py`` ``update_region`` set
#: only ``Region.attributes``, so an update's unknown keys are dropped (its earlier ones kept).
REGION_EXTRA_UPDATED_SINCE = 15
REGION_ATTRIBUTES = ("id", "description", "parent_region_id")

#: ``check_endpoint_url`` words its 400 (keystone 16.0.0 df89c7eef, "Pass kwargs to exception
#: to get better format of error message"); 13.x-15.x pass the URL as the message itself.
URL_WORDED_SINCE = 16


def _check_url(url: str, release: int) -> None:
    """``check_endpoint_url``: only the known substitutions, well formed (400 otherwise)."""
    try:
        url.replace("$(", "%(") % dict.fromkeys(_URL_NAMES, "")
    except (KeyError, TypeError, ValueError):
        if release < URL_WORDED_SINCE:
            raise exception.ValidationError(url) from None
        raise exception.ValidationError(
            f"Cannot create an endpoint with an invalid URL: {url}."
        ) from None


def _without(ref: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return {k: v for k, v in ref.items() if k not in keys}


def _limited(keystone: Any, field: str, release: int) -> set[str]:
    """The services (`field` ``service_id``) or regions (``region_id``) a registered limit
    names: the ``registered_limit`` table's foreign keys keep them (keystone 15.0.0-30.0.0
    ``limit/backends/sql.py``); none in 13.x, whose contract migration 037 drops both keys
    (``037_contract_remove_service_and_region_fk_for_registered_limit``)."""
    found = held(keystone.directory)
    if found is None or release < _LIMIT_FOREIGN_KEYS_SINCE:
        return set()
    return {getattr(r, field) for r in found.registered.values()}


#: The first Keystone whose ``registered_limit`` rows keep their service and region (14.0.0).
_LIMIT_FOREIGN_KEYS_SINCE = 14
