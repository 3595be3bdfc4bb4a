"""The servers controller (``nova/api/openstack/compute/servers.py``): list, show, create,
delete, ``os-start``/``os-stop``, ``reboot``, ``rebuild`` and ``createImage``.

`ServersController._create_image` is the createImage API layer of the spec, in both profiles.
The order of its checks is the profile's (each difference a switch):

* ``allow_instance_snapshots_option`` — ``check_snapshots_enabled`` runs first (before the body
  is even validated): 400 "Instance snapshots are not permitted at this time.";
* the schema (``snapshot_id`` allowed when ``instance_snapshot_branch``);
* ``policy_before_lookup`` — the policy with the caller's own project as target, then the
  server lookup (seed); otherwise lookup (404) then policy with the server's project;
* ``metadata_quota_before_lookup`` — where the < 2.39 metadata-count quota is checked;
* ``instance_snapshot_branch`` — the vendor's instance-snapshot branch
  (`fakecloud.nova.instance_snapshots`) before the volume-backed/image-backed split.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Generator
from typing import Any

from fakecloud.api.http import HttpError, Request, Response
from fakecloud.api.microversion import Version
from fakecloud.api.pagination import paginate, pagination_params, whole_param
from fakecloud.api.refusals import QUOTA
from fakecloud.api.webob import plain_webob_headers
from fakecloud.nova import (
    aggregates,
    bdm_request,
    destination,
    exception,
    flavors,
    instance_snapshots,
    network,
    objects,
    quota,
    server_groups,
    services,
    states,
)
from fakecloud.nova.api import schemas, server_list_query, server_search, views
from fakecloud.nova.api import server_groups as server_groups_api
from fakecloud.nova.api.wsgi import (
    raise_http_conflict_for_instance_invalid_state,
    unexpected_error,
)
from fakecloud.nova.compute import instance_filters
from fakecloud.nova.compute import utils as compute_utils
from fakecloud.nova.compute.api import is_uuid_like
from fakecloud.nova.limit import oslo_limit
from fakecloud.nova.passwords import generate_password
from fakecloud.nova.policies import (
    EXTENDED_SERVER_ATTRIBUTES,
    FLAVOR_EXTRA_SPECS,
    HOST_STATUS_UNKNOWN_ONLY,
    SERVERS,
)

#: Microversion of the last image-metadata proxy API (the < 2.39 metadata quota check).
MAX_IMAGE_META_PROXY_API_VERSION = Version(2, 38)
#: From 2.45 createImage answers ``{"image_id"}`` instead of a ``Location`` header.
CREATE_IMAGE_BODY_VERSION = Version(2, 45)
#: createImage's policy rule: made once, not per request (its frame keeps it while the
#: request is open, which in a storm is every server's).
CREATE_IMAGE_RULE = SERVERS % "create_image"
#: From 2.60 a boot may use a multiattach volume (``common.supports_multiattach_volume``).
MULTIATTACH_VERSION = Version(2, 60)
#: The first Nova whose embedded flavor asks ``servers:show:flavor-extra-specs`` (1be007243b,
#: 25.0.0), not ``os-flavor-extra-specs:index``.
SHOW_FLAVOR_EXTRA_SPECS_SINCE = 25
#: The kinds of `PolicyEngine.answers` a server's view asks: the view's checks alone, and a
#: show's (``servers:show`` first).
_VIEW = "server view"
_SHOW = "server show"


class ServersController:
    """``/servers`` and the server actions it owns."""

    def __init__(self, nova: Any, service: Any):
        self.nova = nova
        self.service = service
        self.compute_api = nova.compute_api
        self.policy = nova.policy
        self.db = nova.db
        self.config = nova.config
        self.switches = nova.kernel.switches
        self.fmt = views.Formatter(nova.kernel)
        #: Which rule the embedded flavor's extra specs ask (`_show_extra_specs`).
        self._specs_rule = self.switches.release.major >= SHOW_FLAVOR_EXTRA_SPECS_SINCE

    # -- lookups -----------------------------------------------------------------------------

    def get_server(
        self, ctx: Any, server_id: str, read_deleted: bool = False, *, copy: bool = True
    ) -> Any:
        """``common.get_instance``: the server or 404 ``Instance <id> could not be found.``
        (`copy` False: the row itself, for a caller that only reads it.)"""
        try:
            return self.compute_api.get(ctx, server_id, read_deleted=read_deleted, copy=copy)
        except exception.InstanceNotFound as exc:
            raise HttpError(404, exc.format_message()) from None

    def get_authorized_server(
        self,
        ctx: Any,
        server_id: str,
        rule: str,
        target: Callable[[Any], dict[str, Any]] | None = None,
        *,
        copy: bool = True,
    ) -> Any:
        """The server and its policy `rule`, in the release's order: before 21.0.0
        (``policy_before_lookup``) the policy first, with the caller's own project as target,
        then `get_server`; from 21.0.0 the lookup, then the policy on the server's project (or
        on `target` of the server)."""
        before = self.switches.policy_before_lookup
        if before:
            self.policy.authorize(ctx, rule)
        instance = self.get_server(ctx, server_id, copy=copy)
        if not before:
            self.policy.authorize(
                ctx,
                rule,
                {"project_id": instance.project_id} if target is None else target(instance),
            )
        return instance

    # -- list and show -----------------------------------------------------------------------

    def index(self, req: Request) -> Response:
        """``GET /servers``."""
        return Response(200, self._list(req, detail=False))

    def detail(self, req: Request) -> Response:
        """``GET /servers/detail``."""
        return Response(200, self._list(req, detail=True))

    def _list(self, req: Request, detail: bool) -> dict[str, Any]:
        ctx = req.context
        kind = "detail" if detail else "index"
        req.query = server_list_query.checked(req.query, req.microversion, req.legacy_v2)
        self.policy.authorize(ctx, SERVERS % kind, {"project_id": ctx.project_id})
        found = server_search.search_options(req, self.policy, kind)
        rows = []
        if found is not None:
            if req.legacy_v2:
                pagination_params(req)  # no schema checked them (``get_limit_and_marker``)
            keys, dirs = server_search.sort_params(req)
            try:
                if req.legacy_v2 and not server_search.sortable(keys, self.switches):
                    # oslo.db's InvalidSortKey in every cell: the cells are left out of the
                    # list, or their sentinels crash ``heapq.merge``.
                    if not self.switches.list_skips_failed_cells:
                        raise unexpected_error(TypeError(), self.switches.api_support_string)
                    found = None
                if found is not None:
                    rows = self.compute_api.get_all(ctx, *found, sort_keys=keys, sort_dirs=dirs)
            except exception.FlavorNotFound:
                pass  # the list is empty
            except exception.InvalidInput as exc:
                raise HttpError(400, exc.format_message()) from None
            except OverflowError as exc:  # a changes time the database cannot normalize
                rows = self._overflowed(req, exc)
            except (re.error, instance_filters.StatementError):
                # /v2 only (2.1's schema refuses or strips it): the database's
                # OperationalError (a bad regex) or StatementError (20.0.0-20.1.0's text
                # hidden filter) in every cell, which cannot be rebuilt (a TypeError), or
                # before 19.0.0 their sentinels
                switches = self.switches
                if switches.list_cell_error_rebuilt or not switches.list_skips_failed_cells:
                    raise unexpected_error(TypeError(), switches.api_support_string) from None
        rows = paginate(rows, req.arg("marker") or None, req.arg("limit"), key=lambda r: r.uuid)
        max_limit = self.nova.config.max_limit
        rows = rows[:max_limit]  # ``get_limit_and_marker``: at most ``[api] max_limit``
        prefix = req.link_prefix
        if not detail:
            body = {"servers": [views.server_basic(prefix, r) for r in rows]}
        else:
            gates = views.detail_gates(req.microversion)
            body = {"servers": [self._detail(req, r, gates, listed=True) for r in rows]}
        collection = "servers/detail" if detail else "servers"
        # ``_list_view``: a ``next`` link when the page is full.
        found = views.collection_links(
            prefix, req.query, rows, collection, max_limit, lambda r: r.uuid
        )
        if found:
            body["servers_links"] = found
        return body

    def _overflowed(self, req: Request, exc: OverflowError) -> list[Any]:
        """The list when the cells' query cannot normalize a changes time: the multi-cell
        lister's ``get_marker_record`` ran before it (an instance never created is ``marker
        [X] not found``), and a limit of 0 queries no cell (an empty list); else Nova's 500
        (nova 17.0.13 and 34.0.0 compute/multi_cell_list.py ``get_records_sorted``,
        instance_list.py ``get_marker_record``)."""
        marker = req.arg("marker") or None
        if marker is not None and (
            self.db.instance_row(marker) is None or not self.db.was_built(marker)
        ):
            raise HttpError(400, f"marker [{marker}] not found")
        if whole_param(req.arg("limit") or "1", "limit") == 0:
            return []
        raise unexpected_error(exc, self.switches.api_support_string) from None

    def _view_answers(
        self, ctx: Any, target: dict[str, Any], gates: views.DetailGates, listed: bool
    ) -> tuple[bool, int, bool]:
        """The view's policy checks, in Nova's order: extended attributes, ``host_status``
        (2.16: 1 any, 2 ``UNKNOWN`` alone, 0 none; `_host_status_shown`), the embedded
        flavor's extra specs (2.47, `_show_extra_specs`)."""
        extended = self.policy.authorize(ctx, EXTENDED_SERVER_ATTRIBUTES, target, fatal=False)
        shown = self._host_status_shown(ctx, None if listed else target) if gates.host_status else 0
        extra_specs = gates.flavor_embedded and self._show_extra_specs(ctx, target, listed)
        return extended, shown, extra_specs

    def _show_answers(
        self, ctx: Any, target: dict[str, Any], gates: views.DetailGates
    ) -> tuple[bool, int, bool] | None:
        """``servers:show`` on `target`, then (allowed) the view's checks (`_view_answers`);
        None: refused."""
        if not self.policy.authorize(ctx, SERVERS % "show", target, fatal=False):
            return None
        return self._view_answers(ctx, target, gates, False)

    def _detail(
        self,
        req: Request,
        instance: Any,
        gates: views.DetailGates,
        listed: bool = False,
        answers: tuple[bool, int, bool] | None = None,
    ) -> dict[str, Any]:
        ctx = req.context
        target = {"project_id": instance.project_id}
        if answers is None:
            # Which checks the view makes, and on which target, follow from these alone (the
            # release's extra specs rule; the policy's rules are the memo's own).
            kind = (_VIEW, gates.host_status, gates.flavor_embedded, listed, self._specs_rule)
            answers = self.policy.answers(
                ctx, instance.project_id, kind, self._view_answers, ctx, target, gates, listed
            )
        extended, shown, show_extra_specs = answers
        host_status = None
        if shown:
            status = services.host_status(self.nova, instance.host)
            host_status = status if shown == 1 or status == services.HOST_STATUS_UNKNOWN else None
        building = instance.vm_state == states.BUILDING
        number = self.db.network_number(instance.uuid)
        server = views.server_detail(
            self.fmt,
            req.link_prefix,
            instance,
            gates,
            is_admin=ctx.is_admin,
            show_extended_attr=extended,
            show_extra_specs=show_extra_specs,
            host_status=host_status,
            fault=self.db.fault_latest(instance.uuid),
            bdms=self.db.bdms_by_instance(instance.uuid),
            # Hidden while the server builds (19.0.0 9b69afd457; Queens hid them from
            # non-admins, hide_server_address_states).
            addresses=network.addresses(
                0 if building else number, True, self.db.fixed_ips(instance.uuid)
            ),
            # ``_add_security_grps``: a server without a port (no network asked, or not yet
            # networked) has no groups, and no key (17.0.13-34.0.0, Neutron's bindings); one
            # with a port has its port's, as the security group actions left them.
            security_groups=self.db.security_groups_of(instance.uuid) if number else [],
        )
        if self.db.aggregates is not None and instance.host:
            # ``get_instance_availability_zone``: a placed server shows its host's zone now
            server["OS-EXT-AZ:availability_zone"] = aggregates.host_zone(self.nova, instance.host)
        if gates.pinned_availability_zone and self.db.pinned_zones is not None:
            server["pinned_availability_zone"] = self.db.pinned_zones.get(instance.uuid)
        if gates.trusted_image_certificates and self.db.trusted_certs is not None:
            server["trusted_image_certificates"] = self.db.trusted_certs_of(instance.uuid)
        if gates.scheduler_hints:
            server["scheduler_hints"] = self.nova.scheduler_hints.get(instance.uuid, {})
        return server

    def _show_extra_specs(self, ctx: Any, target: dict[str, Any], listed: bool) -> bool:
        """Whether the embedded flavor (2.47) shows its ``extra_specs`` (not fatal): 25.0.0 on,
        ``servers:show:flavor-extra-specs`` on the server's project for a show, an update or
        a rebuild and on the caller's own for a list (its deprecated rule
        ``os-flavor-extra-specs:index``); before, ``os-flavor-extra-specs:index`` on the
        caller's own project (nova 24.0.0 and 25.0.0 api/openstack/compute/views/servers.py
        ``show``, ``detail``)."""
        if not self._specs_rule:
            return self.policy.authorize(ctx, FLAVOR_EXTRA_SPECS % "index", None, fatal=False)
        rule = SERVERS % "show:flavor-extra-specs"
        return self.policy.authorize(ctx, rule, None if listed else target, fatal=False)

    def _host_status_shown(self, ctx: Any, target: dict[str, Any] | None) -> int:
        """Which ``host_status`` the caller sees (2.16): 1 any, by ``show:host_status``; else
        from 21.0.0 (f9c6089244) 2, ``UNKNOWN`` alone, by ``show:host_status:unknown-only``
        (``_get_host_status_unknown_only``, views/servers.py 21.0.0-33.0.2: the server's project
        as target, the caller's own for the detail list and before 21.0.0); 0 none (no key)."""
        policy = self.policy
        if policy.legacy:
            target = None
        if policy.authorize(ctx, SERVERS % "show:host_status", target, fatal=False):
            return 1
        if policy.legacy or not policy.authorize(ctx, HOST_STATUS_UNKNOWN_ONLY, target, False):
            return 0
        return 2

    def show(self, req: Request) -> Response:
        """``GET /servers/{server_id}``. Before 21.0.0 (``policy_before_lookup``; nova
        2a4a716209, LP #1871665) the policy is checked before the lookup with the caller's own
        project as target: a denied caller gets the 403 even for a server that does not
        exist. From 2.102 any query parameter is 400 first (34.0.0 ``show_query_v2102``)."""
        if req.query:  # (the usual GET has none: no call)
            schemas.refuse_any_query(req)
        # The view only reads the server: the row itself, not a working copy of it.
        ctx = req.context
        gates = views.detail_gates(req.microversion)
        if self.switches.policy_before_lookup:
            instance = self.get_authorized_server(
                ctx, req.params["server_id"], SERVERS % "show", copy=False
            )
            answers = None
        else:
            instance = self.get_server(ctx, req.params["server_id"], copy=False)
            # ``servers:show`` and the view's checks on the server's project: one look-up
            target = {"project_id": instance.project_id}
            kind = (_SHOW, gates.host_status, gates.flavor_embedded, self._specs_rule)
            answers = self.policy.answers(
                ctx, instance.project_id, kind, self._show_answers, ctx, target, gates
            )
            if answers is None:
                self.policy.authorize(ctx, SERVERS % "show", target)  # its 403
        server = self._detail(req, instance, gates, answers=answers)
        if gates.server_groups:
            # Show only (not the detail list): ``_get_server_groups``, the group's uuid or [].
            server["server_groups"] = self._server_groups(instance.uuid)
        return Response(200, {"server": server})

    def _access_ipv4(self, value: Any) -> Any:
        """`value` as the Instance's ``IPV4AddressField`` keeps it in this release: netaddr's
        ``inet_aton`` where the schema took leading zeros (see `objects.aton_access_ipv4`),
        its ``ValueError`` Nova's 500 (``instance.update``: before anything is stored)."""
        if self.switches.jsonschema_ipv4_strict:
            return objects.access_ip(value)
        try:
            return objects.aton_access_ipv4(value)
        except ValueError as exc:
            # Real Nova's 500 on purpose, not a crash of fakecloud's (no ``api.error``).
            raise unexpected_error(exc, self.switches.api_support_string) from None

    # -- create and delete -------------------------------------------------------------------

    def create(self, req: Request) -> Generator[Any, Any, Response]:
        """``POST /servers``: validate, store, answer 202; the build runs on."""
        ctx = req.context
        body = self.service.body(req)
        one_of = self.nova.kernel.switches.release.major < schemas.FORMAT_TYPES_SINCE
        loose_ipv4 = not self.switches.jsonschema_ipv4_strict
        schemas.server_create_validator(req.microversion, one_of).validate(body, req, loose_ipv4)
        if "os:scheduler_hints" in body or "OS-SCH-HNT:scheduler_hints" in body:
            server_groups_api.check_group_hint(self.nova, body, loose_ipv4)
        server = body["server"]
        min_count = int(server.get("min_count", 1))
        max_count = int(server.get("max_count", min_count))
        if min_count > max_count:
            raise HttpError(400, "min_count must be <= max_count")
        # ``translate_attributes(CREATE, ...)``, before the policy
        injected_files = self._injected_files(server.get("personality", ()))
        target = {"project_id": ctx.project_id, "user_id": ctx.user_id}
        self.policy.authorize(ctx, SERVERS % "create", target)
        # 2.63 (the schema's): the policy asked only for some certificates
        trusted_certs = server.get("trusted_image_certificates")
        if trusted_certs:
            self.policy.authorize(ctx, SERVERS % "create:trusted_certs", target)
        try:
            zone, where, forced_host = destination.for_create(
                self.nova, ctx, server, req.microversion, target
            )
        except exception.Invalid as exc:
            raise HttpError(400, exc.format_message()) from None
        try:
            # ``_process_bdms_for_create``
            bdms, legacy_bdm = bdm_request.from_request(
                server, self.switches.bdm_local_image_needs_ref
            )
        except exception.Invalid as exc:
            raise HttpError(400, exc.format_message()) from None
        except bdm_request.SourceTypeMissing as exc:
            # Real Nova's 500 on purpose, not a crash of fakecloud's (no ``api.error``).
            raise unexpected_error(exc, self.switches.api_support_string) from None
        if bdms:
            self.policy.authorize(ctx, SERVERS % "create:attach_volume", target)
        image_ref = server.get("imageRef") or None
        if image_ref is None and not bdms:  # ``_image_from_req_data``
            raise HttpError(400, "Missing imageRef attribute")
        networks = server.get("networks")
        if networks.__class__ is list:  # else nothing to check ("none", "auto", absent)
            get_requested_networks(networks, self.switches)
        flavor_id = str(server["flavorRef"]).rsplit("/", 1)[-1]
        flavor = self.nova.flavors.get(flavor_id)
        if flavor is None or not (flavor.is_public or flavors.visible(self.nova, ctx, flavor)):
            # FlavorNotFound (a private flavor of other projects too): 400 in every release
            raise HttpError(400, f"Flavor {flavor_id} could not be found.")
        hints = body.get("os:scheduler_hints") or body.get("OS-SCH-HNT:scheduler_hints") or {}
        hints = {k: v if isinstance(v, list) else [v] for k, v in hints.items()}
        # ``_create_instance``: a requested hostname (2.90) fits one server only, checked
        # before the zone
        hostname = server.get("hostname") if req.microversion >= "2.90" else None
        if hostname and max_count > 1:
            raise HttpError(400, "Unable to allocate a single hostname to multiple instances")
        try:
            destination.check_zone(self.nova, zone, forced_host)
        except exception.Invalid as exc:
            raise HttpError(400, exc.format_message()) from None
        access_ip_v4 = self._access_ipv4(server.get("accessIPv4"))
        try:
            instances = yield from self.compute_api.create(
                ctx,
                flavor,
                image_ref,
                server["name"],
                bdms,
                legacy_bdm=legacy_bdm,
                min_count=min_count,
                max_count=max_count,
                supports_multiattach=req.microversion >= MULTIATTACH_VERSION,
                # Before 2.19 the description is the name (``description = name``).
                description=(
                    server.get("description") if req.microversion >= "2.19" else server["name"]
                ),
                metadata=server.get("metadata"),
                key_name=server.get("key_name"),
                availability_zone=zone,
                destination=where,
                user_data=server.get("user_data"),
                injected_files=injected_files,
                access_ip_v4=access_ip_v4,
                access_ip_v6=objects.access_ip(server.get("accessIPv6")),
                disk_config=server.get("OS-DCF:diskConfig"),
                networks=server.get("networks"),
                # ``[sg['name'] for sg in security_groups if sg.get('name')]``, each once
                security_groups=list(
                    dict.fromkeys(
                        g["name"] for g in server.get("security_groups", ()) if g.get("name")
                    )
                ),
                config_drive=server.get("config_drive"),
                hostname=hostname,
                group=(hints.get("group") or [None])[0],
                trusted_certs=trusted_certs or None,
                # 2.52: the build request's tags, each server's in its cell (the conductor)
                tags=server.get("tags") if req.microversion >= "2.52" else None,
            )
        except exception.ImageNotFound:
            raise HttpError(400, "Can not find requested image") from None
        except exception.KeypairNotFound:
            raise HttpError(400, "Invalid key_name provided.") from None
        except server_groups.InstanceGroupNotFound as exc:
            raise HttpError(400, exc.format_message()) from None
        except exception.OverQuota as exc:
            raise HttpError(403, exc.format_message()) from None
        except (
            compute_utils.QuotaRetryRecursion,
            compute_utils.BuildRequestProjectMissing,
            oslo_limit.EndpointNotFound,  # [oslo_limit] endpoint_id naming no endpoint
        ) as exc:
            # Real Nova's 500 on purpose, not a crash of fakecloud's (no ``api.error``).
            raise unexpected_error(exc, self.switches.api_support_string) from None
        except _CREATE_BAD_REQUEST as exc:
            raise HttpError(400, exc.format_message()) from None
        for instance in instances:
            self.nova.scheduler_hints[instance.uuid] = hints
            if zone is not None:
                self.db.pin_zone(instance.uuid, zone)
        first = instances[0]
        prefix = req.link_prefix
        if str(server.get("return_reservation_id", "")).lower() in ("true", "1", "yes", "on"):
            return Response(202, {"reservation_id": first.reservation_id})
        body_out = {
            "server": {
                "id": first.uuid,
                "links": views.links(prefix, "servers", first.uuid),
                "OS-DCF:diskConfig": "AUTO" if first.auto_disk_config else "MANUAL",
                "security_groups": _requested_groups(req, server),
                "adminPass": server.get("adminPass") or self._password(first.uuid),
            }
        }
        return Response(202, body_out, {"Location": prefix.self_href("servers", first.uuid)})

    def _injected_files(self, personality: Any) -> list[tuple[str, str]]:
        """``helpers.get_injected_files``: the (path, contents) pairs of a request's
        ``personality``. The schema requires neither key: an entry without one is the
        ``KeyError`` real Nova answers with its 500."""
        try:
            return [(item["path"], item["contents"]) for item in personality]
        except KeyError as exc:
            raise unexpected_error(exc, self.switches.api_support_string) from None

    def _password(self, server_id: str) -> str:
        """A new server's adminPass: ``nova.utils.generate_password`` (12 characters, one of
        each symbol group, shuffled), drawn from a stream of the cloud's seed for this server
        (a saved, loaded or forked cloud gives the next server the same one)."""
        return generate_password(self.nova.kernel.streams(f"nova.password.{server_id}"))

    def update(self, req: Request) -> Response:
        """``PUT /servers/{server_id}`` (``update``, nova 17.0.13-34.0.0): a new name,
        description (2.19), hostname (2.90), access IPs or disk config, a pinned zone (2.104:
        only the server's own, 409 otherwise; fakecloud keeps no pin, it shows null); the
        policy on the server's owner after the lookup. 200 with the server as the update view
        shows it: before 2.75 the base view (no zone, config drive, key name, usage times,
        security groups, extended attributes or status, attached volumes, host status), from
        2.75 all that ``GET`` shows; ``server_groups`` from 2.71."""
        mv = req.microversion
        body = self.service.body(req)
        loose_ipv4 = not self.switches.jsonschema_ipv4_strict
        schemas.server_update_validator(mv).validate(body, req, loose_ipv4)
        ctx = req.context
        server_id = req.params["server_id"]
        instance = self.get_server(ctx, server_id)
        target = {"user_id": instance.user_id, "project_id": instance.project_id}
        self.policy.authorize(ctx, SERVERS % "update", target)
        entity = body["server"]
        updates: dict[str, Any] = {}
        if "name" in entity:
            updates["display_name"] = entity["name"].strip()  # ``common.normalize_name``
        if "description" in entity:
            updates["display_description"] = entity["description"]
        if "hostname" in entity:
            updates["hostname"] = entity["hostname"]
        if "accessIPv4" in entity:  # ``helpers.translate_attributes``
            updates["access_ip_v4"] = self._access_ipv4(entity["accessIPv4"])
        if "accessIPv6" in entity:
            updates["access_ip_v6"] = objects.access_ip(entity["accessIPv6"])
        if "OS-DCF:diskConfig" in entity:
            updates["auto_disk_config"] = entity["OS-DCF:diskConfig"] == "AUTO"
        if "pinned_availability_zone" in entity:  # 2.104 (the schema's)
            self._pin(instance, entity["pinned_availability_zone"])
        # The saved object keeps the ``updated_at`` its save read (`NovaDB.instance_save`): the
        # answer shows the ``updated`` the server had before, a GET the new one.
        self.compute_api.update_instance(ctx, instance, updates)
        # ``show_keypair`` is off too (rebuild shows it from 2.54)
        return Response(200, {"server": self._base_view(req, instance, keypair_from="2.75")})

    def _pin(self, instance: Any, wanted: str | None) -> None:
        """``update`` (2.104, 34.0.0): unpin with null, else pin the zone the server is in
        (``get_instance_availability_zone``); a pinned server is unpinned first (409)."""
        current = (self.db.pinned_zones or {}).get(instance.uuid)
        if wanted is None:
            self.db.pin_zone(instance.uuid, None)
            return
        zone = instance.availability_zone
        if instance.host:
            zone = aggregates.host_zone(self.nova, instance.host)
        if current is not None:
            if wanted != current:
                raise HttpError(
                    409,
                    "Cannot change pinned availability zone directly. Unpin first by setting "
                    "pinned_availability_zone to null.",
                )
        elif wanted != zone:
            raise HttpError(
                409,
                f"Server can only be pinned to its current availability zone '{zone}', but "
                f"'{wanted}' was requested.",
            )
        else:
            self.db.pin_zone(instance.uuid, wanted)

    def delete(self, req: Request) -> Generator[Any, Any, Response]:
        """``DELETE /servers/{server_id}``: 204; the host finishes the delete."""
        ctx = req.context
        server_id = req.params["server_id"]
        instance = self.get_server(ctx, server_id)
        self.policy.authorize(
            ctx,
            SERVERS % "delete",
            {"user_id": instance.user_id, "project_id": instance.project_id},
        )
        try:
            if self.nova.config.reclaim_instance_interval_s:
                yield from self._soft_delete(ctx, instance)
            else:
                yield from self.compute_api.delete(ctx, instance)
        except exception.InstanceNotFound:
            raise HttpError(404, f"Instance {server_id} could not be found.") from None
        except exception.InstanceIsLocked as exc:
            raise HttpError(409, exc.format_message()) from None
        except exception.InstanceInvalidState as exc:
            raise_http_conflict_for_instance_invalid_state(exc, "delete", server_id)
        return Response(204)

    def _soft_delete(self, ctx: Any, instance: Any) -> Generator[Any, Any, None]:
        """A ``DELETE`` with ``reclaim_instance_interval`` set: a soft delete; a server never
        launched, which ``soft_delete`` refuses, is deleted (servers.py ``_delete``)."""
        try:
            work = self.compute_api.soft_delete(ctx, instance)
        except exception.InstanceInvalidState:
            work = self.compute_api.delete(ctx, instance)
        yield from work

    # -- actions -----------------------------------------------------------------------------

    def action(self, req: Request) -> Any:
        """``POST /servers/{server_id}/action``: dispatch on the body's one key."""
        service = self.service
        name, body = service.action_peek(req)
        found = service.ACTIONS.get(name)
        if found is None:
            raise HttpError(400, f"There is no such action: {name}")
        controller, handler = found
        return handler(getattr(service, controller), req, req.params["server_id"], body)

    def _start(self, req: Request, server_id: str, body: Any) -> Response:
        schemas.validator("os-start").validate(body, req)
        return self._power(req, server_id, "start", self.compute_api.start)

    def _stop(self, req: Request, server_id: str, body: Any) -> Response:
        schemas.validator("os-stop").validate(body, req)
        return self._power(req, server_id, "stop", self.compute_api.stop)

    def _reboot(self, req: Request, server_id: str, body: Any) -> Response:
        """``reboot`` (``SOFT`` or ``HARD``, in any case): 202, or 409 when the server's
        state or lock does not allow it. Before 21.0.0 (``policy_before_lookup``) the policy
        is checked before the server is looked up, with the caller's own project as target."""
        schemas.validator("reboot").validate(body, req)
        reboot_type = body["reboot"]["type"].upper()
        ctx = req.context
        instance = self.get_authorized_server(ctx, server_id, SERVERS % "reboot")
        try:
            self.compute_api.reboot(ctx, instance, reboot_type)
        except exception.InstanceIsLocked as exc:
            raise HttpError(409, exc.format_message()) from None
        except exception.InstanceInvalidState as exc:
            raise_http_conflict_for_instance_invalid_state(exc, "reboot", server_id)
        return Response(202)

    def _rebuild(self, req: Request, server_id: str, body: Any) -> Generator[Any, Any, Response]:
        """``rebuild`` (``_action_rebuild``; ``_rebuild`` in 34.0.0): the server again from
        ``imageRef``. 202 with the server as the microversion's rebuild view shows it, its
        ``adminPass`` (unless ``[api] enable_instance_password`` is off) and a ``Location``;
        400 for an image that is missing, not active, too big for the flavor or (volume-backed)
        not the root volume's; 403 over the metadata quota; 409 locked or in a wrong state.
        The policy is checked after the lookup, with the server's owner as target, in every
        release."""
        mv = req.microversion
        one_of = self.nova.kernel.switches.release.major < schemas.FORMAT_TYPES_SINCE
        loose_ipv4 = not self.switches.jsonschema_ipv4_strict
        schemas.rebuild_validator(mv, one_of).validate(body, req, loose_ipv4)
        entity = body["rebuild"]
        image_href = entity["imageRef"]
        password = entity.get("adminPass")
        if password is None:  # ``_get_server_admin_password``
            password = self._password(f"{server_id}.rebuild.{self.nova.kernel.env.now}")
        ctx = req.context
        instance = self.get_server(ctx, server_id)
        target = {"user_id": instance.user_id, "project_id": instance.project_id}
        self.policy.authorize(ctx, SERVERS % "rebuild", target)
        kwargs: dict[str, Any] = {}
        # ``helpers.translate_attributes(REBUILD, ...)``
        if "OS-DCF:diskConfig" in entity:
            kwargs["auto_disk_config"] = entity["OS-DCF:diskConfig"] == "AUTO"
        if "accessIPv4" in entity:
            kwargs["access_ip_v4"] = self._access_ipv4(entity["accessIPv4"])
        if "accessIPv6" in entity:
            kwargs["access_ip_v6"] = objects.access_ip(entity["accessIPv6"])
        if "preserve_ephemeral" in entity:
            kwargs["preserve_ephemeral"] = str(entity["preserve_ephemeral"]).lower() in _TRUE
        files = self._injected_files(entity["personality"]) if "personality" in entity else None
        if mv >= "2.54" and "key_name" in entity:
            kwargs["key_name"] = entity["key_name"]
        include_user_data = mv >= "2.57"
        if include_user_data and "user_data" in entity:
            kwargs["user_data"] = entity["user_data"]
        if mv >= "2.63" and "trusted_image_certificates" in entity:
            kwargs["trusted_certs"] = entity["trusted_image_certificates"]
            self.policy.authorize(ctx, SERVERS % "rebuild:trusted_certs", target)
        if mv >= "2.90" and "hostname" in entity:
            kwargs["hostname"] = entity["hostname"]
        if "name" in entity:
            kwargs["display_name"] = entity["name"].strip()
        if "description" in entity:
            kwargs["display_description"] = entity["description"]
        if "metadata" in entity:
            kwargs["metadata"] = entity["metadata"]
        try:
            yield from self.compute_api.rebuild(
                ctx,
                instance,
                image_href,
                password,
                files_to_inject=files,
                reimage_boot_volume=mv >= "2.93",
                **kwargs,
            )
        except exception.InstanceIsLocked as exc:
            raise HttpError(409, exc.format_message()) from None
        except exception.InstanceInvalidState as exc:
            raise_http_conflict_for_instance_invalid_state(exc, "rebuild", server_id)
        except exception.InstanceNotFound:
            raise HttpError(404, "Instance could not be found") from None
        except exception.ImageNotFound:
            raise HttpError(400, "Cannot find image for rebuild") from None
        except exception.KeypairNotFound:
            raise HttpError(400, "Invalid key_name provided.") from None
        except exception.OverQuota as exc:
            raise HttpError(403, exc.format_message()) from None
        except (
            exception.Invalid,
            exception.ImageNotActive,
            exception.FlavorMemoryTooSmall,
            exception.CertificateValidationFailed,
            exception.FlavorImageConflict,
        ) as exc:
            raise HttpError(400, exc.format_message()) from None
        return self._rebuild_view(req, server_id, password, include_user_data)

    def _base_view(self, req: Request, instance: Any, keypair_from: str) -> dict[str, Any]:
        """The server view rebuild and update answer with: before 2.75 the base view (no
        extended attributes or address keys, ``extend_address=False``; ``key_name`` from
        `keypair_from`), from 2.75 all that ``GET`` shows; ``server_groups`` from 2.71."""
        mv = req.microversion
        gates = views.detail_gates(mv)
        server = self._detail(req, instance, gates)
        if mv < "2.75":
            for key in list(server):
                if key in _REBUILD_HIDDEN or key.startswith(_REBUILD_HIDDEN_PREFIXES):
                    del server[key]
            if server["addresses"]:
                number = self.db.network_number(instance.uuid)
                server["addresses"] = network.addresses(
                    number, False, self.db.fixed_ips(instance.uuid)
                )
            if mv < keypair_from:
                server.pop("key_name", None)
        if gates.server_groups:
            server["server_groups"] = self._server_groups(instance.uuid)
        return server

    def _server_groups(self, uuid: str) -> list[str]:
        """``_get_server_groups`` (2.71): the uuid of the server's group, if it has one."""
        if self.nova.server_groups is None:
            return []
        group = server_groups.group_of(self.nova, uuid)
        return [] if group is None else [group.uuid]

    def _rebuild_view(
        self, req: Request, server_id: str, password: str, include_user_data: bool
    ) -> Response:
        """The rebuild answer: before 2.75 the server's base view (with ``key_name`` from
        2.54, ``server_groups`` from 2.71), from 2.75 all that ``GET`` shows."""
        ctx = req.context
        instance = self.get_server(ctx, server_id, copy=False)
        server = self._base_view(req, instance, keypair_from="2.54")
        # ``show_user_data=False`` (b26bc7fd7a, 20.0.0): an admin's 2.75 view has every other
        # ``OS-EXT-SRV-ATTR`` key; ``user_data`` comes from 2.57 as its own key.
        server.pop("OS-EXT-SRV-ATTR:user_data", None)
        if self.config.enable_instance_password:
            server["adminPass"] = password
        if include_user_data:
            server["user_data"] = instance.user_data
        location = req.link_prefix.self_href("servers", instance.uuid)
        return Response(202, {"server": server}, {"Location": location})

    def _power(self, req: Request, server_id: str, name: str, call: Any) -> Response:
        ctx = req.context
        instance = self.get_server(ctx, server_id)
        self.policy.authorize(
            ctx, SERVERS % name, {"user_id": instance.user_id, "project_id": instance.project_id}
        )
        try:
            call(ctx, instance)
        except (exception.InstanceNotReady, exception.InstanceIsLocked) as exc:
            raise HttpError(409, exc.format_message()) from None
        except exception.InstanceInvalidState as exc:
            raise_http_conflict_for_instance_invalid_state(exc, name, server_id)
        return Response(202)

    # -- createImage -------------------------------------------------------------------------

    def _create_image(
        self, req: Request, server_id: str, body: Any
    ) -> Generator[Any, Any, Response]:
        """Snapshot a server (``_action_create_image`` of the seed, ``_create_image`` of
        34.0.0): 202 with ``Location`` (< 2.45) or ``{"image_id"}`` (≥ 2.45)."""
        sw = self.switches
        if sw.allow_instance_snapshots_option and not self.config.allow_instance_snapshots:
            raise HttpError(400, "Instance snapshots are not permitted at this time.")
        schema = "create_image_vendor" if sw.instance_snapshot_branch else "create_image"
        schemas.validator(schema).validate(body, req)
        ctx = req.context
        microversion = req.microversion
        entity = body["createImage"]
        metadata = entity.get("metadata", {})
        quota_applies = microversion <= MAX_IMAGE_META_PROXY_API_VERSION
        rule = CREATE_IMAGE_RULE
        if sw.policy_before_lookup:
            self.policy.authorize(ctx, rule)
        if quota_applies and sw.metadata_quota_before_lookup:
            self.check_img_metadata_properties_quota(ctx, metadata)
        instance = self.get_server(ctx, server_id)
        if server_id == instance.uuid:
            server_id = instance.uuid  # the row's string, not the path's copy, to the flow's end
        target = None if sw.policy_before_lookup else {"project_id": instance.project_id}
        if not sw.policy_before_lookup:
            self.policy.authorize(ctx, rule, target)
        image_name = entity["name"].strip()
        if quota_applies and not sw.metadata_quota_before_lookup:
            self.check_img_metadata_properties_quota(ctx, metadata)
        try:
            image = None
            if sw.instance_snapshot_branch:
                image = yield from self._instance_snapshot_branch(
                    ctx, instance, entity.get("snapshot_id"), entity
                )
            if image is None:
                bdms = self.db.bdms_by_instance(instance.uuid)
                if compute_utils.is_volume_backed_instance(instance, bdms):
                    self.policy.authorize(ctx, rule + ":allow_volume_backed", target)
                    steps = self.compute_api.snapshot_volume_backed(
                        ctx, instance, image_name, extra_properties=metadata
                    )
                    # The rest of the request, the flow's long wait (a storm's every flow
                    # at once), runs in a frame of its own, which `NovaApiService._drive`
                    # waits for once this larger one has ended.
                    return self._volume_backed_image(steps, microversion, server_id)
                work = self.compute_api.snapshot(
                    ctx, instance, image_name, extra_properties=metadata
                )
                # The snapshot's frames hold what they need; this one, waiting for them to the
                # end of the flow, lets go of the server, the decoded body and the request.
                instance = bdms = body = entity = metadata = req = None
                image = yield from work
        except exception.NovaException as exc:
            _create_image_failed(exc, server_id)
            raise
        return self._image_accepted(image["id"], microversion)

    def _volume_backed_image(
        self, steps: Generator, microversion: Version, server_id: str
    ) -> Generator[Any, Any, Response]:
        """`_create_image`'s end for a volume-backed server: the snapshot's steps, then the
        image's creation they hand back (`compute_api.snapshot_volume_backed`), waited for in
        this small frame (neither the steps' nor the controller's is alive meanwhile)."""
        try:
            create = yield from steps
            steps = None  # ended: let go of its frame
            image_id = yield from create
        except exception.NovaException as exc:
            _create_image_failed(exc, server_id)
            raise
        return self._image_accepted(image_id, microversion)

    def _image_accepted(self, image_id: str, microversion: Version) -> Response:
        """createImage's 202: ``{"image_id"}`` (>= 2.45) or the image's ``Location``."""
        if microversion >= CREATE_IMAGE_BODY_VERSION:
            return Response(202, {"image_id": image_id})
        return Response(
            202, b"", plain_webob_headers(Location=self.nova.generate_image_url(str(image_id)))
        )

    def check_img_metadata_properties_quota(self, ctx: Any, metadata: dict[str, Any]) -> None:
        """``common.check_img_metadata_properties_quota``: the caller's project's
        ``metadata_items`` limit."""
        if not metadata:
            return
        if self.config.quota_driver in (quota.NOOP_DRIVER, "UnifiedLimitsDriver"):
            return
        limit = quota.limit(self.config, self.nova.db, ctx.project_id, "metadata_items")
        if 0 <= limit < len(metadata):
            raise HttpError(403, "Image metadata limit exceeded", refusal=QUOTA)

    def _instance_snapshot_branch(
        self, ctx: Any, instance: Any, snapshot_id: str | None, entity: dict[str, Any]
    ) -> Generator[Any, Any, dict[str, Any] | None]:
        """The vendor branch: an image from the server's current (or the named) instance
        snapshot, or None when the server has no current instance snapshot."""
        rpcapi = self.nova.compute_rpcapi
        snapshot = yield from instance_snapshots.snapshot_current(ctx, instance, rpcapi)
        if not snapshot:
            return None
        if not snapshot_id:
            snapshot_id = snapshot["id"]
        return (
            yield from instance_snapshots.snapshot_create_image(
                ctx, snapshot_id, instance, rpcapi, entity
            )
        )


def _create_image_failed(exc: Exception, server_id: str) -> None:
    """createImage's own answers to Nova's errors (an HTTP error raised; the others are left
    to `NovaApiService.translate`)."""
    if isinstance(exc, exception.InstanceInvalidState):
        raise_http_conflict_for_instance_invalid_state(exc, "createImage", server_id)
    if isinstance(exc, exception.InstanceQuiesceFailed):
        raise HttpError(409, exc.format_message()) from None
    if isinstance(exc, exception.Invalid):
        raise HttpError(400, exc.format_message()) from None
    if isinstance(exc, exception.OverQuota):
        raise HttpError(403, exc.format_message()) from None


#: What server create answers with a 400 and the error's message (``create``'s long except
#: list: the Invalid family, the flavor/image checks, ``VolumeNotFound``, ``SnapshotNotFound``,
#: ``VolumeTypeNotFound``, ``NetworkNotFound``, ``PortNotFound``).
_CREATE_BAD_REQUEST = (
    exception.Invalid,
    exception.FlavorImageConflict,
    exception.CertificateValidationFailed,
    exception.SecurityGroupNotFound,
    exception.ImageNotActive,
    exception.FlavorMemoryTooSmall,
    exception.VolumeNotFound,
    exception.SnapshotNotFound,
    exception.VolumeTypeNotFound,
    exception.NetworkNotFound,
    exception.PortNotFound,
    exception.ComputeHostNotFound,
)
_TRUE = ("true", "1", "on", "yes")
#: What the rebuild view leaves out before 2.75 (``show_AZ``, ``show_config_drive``,
#: ``show_srv_usg``, ``show_sec_grp``, ``show_extended_*``, ``show_host_status`` all False).
_REBUILD_HIDDEN = frozenset(
    ("OS-EXT-AZ:availability_zone", "config_drive", "security_groups", "host_status")
)
_REBUILD_HIDDEN_PREFIXES = ("OS-SRV-USG:", "OS-EXT-SRV-ATTR:", "OS-EXT-STS:", "os-extended-")

#: Action name -> handler(controller, req, server_id, body): the actions this controller owns.
ACTIONS = {
    "createImage": ServersController._create_image,
    "os-start": ServersController._start,
    "os-stop": ServersController._stop,
    "reboot": ServersController._reboot,
    "rebuild": ServersController._rebuild,
}


#: 1e8489510c (33.0.0): the create view reads the validated body (on ``/v2`` stripped of
#: unknown keys), no longer the request's own JSON.
CREATE_VIEW_READS_VALIDATED_BODY_SINCE = 33


def get_requested_networks(networks: Any, switches: Any) -> None:
    """``_get_requested_networks``' own checks of a create's list of networks (17.0.13-34.0.0),
    before the network service sees it: a port named twice (from 24.1.0, 25.0.0:
    ``duplicate_port_check``), a port with a fixed address, a network with no ``uuid``, one
    whose ``uuid`` is not one (before 21.0.0 the text after its first ``-`` may be, the old
    ``br-<uuid>`` form: ``network_id_br_prefix``); each a 400."""
    if networks.__class__ is not list:
        return
    ports: list[str] = []
    for requested in networks:
        port = requested.get("port")
        if port:
            if port in ports and switches.duplicate_port_check:
                raise HttpError(
                    400,
                    f"Port ID '{port}' was specified twice: you cannot attach a port multiple "
                    "times.",
                )
            if requested.get("fixed_ip") is not None:
                raise HttpError(
                    400,
                    f"Specified Fixed IP '{requested['fixed_ip']}' cannot be used with port "
                    f"'{port}': the two cannot be specified together.",
                )
            ports.append(port)
            continue
        if "uuid" not in requested:
            raise HttpError(400, "Bad network format: missing 'uuid'")
        net_id = requested["uuid"]
        if not is_uuid_like(net_id) and not (
            switches.network_id_br_prefix and is_uuid_like(str(net_id).split("-", 1)[-1])
        ):
            raise HttpError(
                400, f"Bad networks format: network uuid is not in proper format ({net_id})"
            )


def _requested_groups(req: Request, server: dict[str, Any]) -> Any:
    """The create answer's ``security_groups``: the body's, as sent, or ``[{"name":
    "default"}]`` when it names none, whatever the networks (``networks: "none"`` too: Nova
    has no port to ask; a later GET shows none). ``_add_security_grps`` for a POST, 17.0.0-
    32.x; the create view from 33.0.0."""
    if req.legacy_v2 and req.legacy_v2 < CREATE_VIEW_READS_VALIDATED_BODY_SINCE:
        server = json.loads(req.body)["server"]
    return server.get("security_groups", [{"name": "default"}])
