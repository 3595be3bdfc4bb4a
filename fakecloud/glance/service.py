"""`Glance`: one fake Image service, its parts, and the few calls other services make on it.

    >>> cloud = Cloud()                                   # builds cloud.glance, empty
    >>> cloud.glance.add_base_images("admin-project")     # cirros and friends, public, active
    >>> req = Request.build("GET", "/v2/images", context=ctx)
    >>> cloud.glance.api.call(req).status
    200

Parts, each in its own module: `db` (rows), `schema`, `quotas`, `store` (I/O), `images`
(records), `image_data` (upload/download/stage/import), `members`, `tasks` (what imports
leave behind), `lister` (``GET /v2/images``) and `api` (REST). Nova reaches Glance through
``fakecloud.nova.image_api.API``; Cinder reads sizes and metadata with `image_size` and
`image_info`. Construction is cheap: nothing is made until used.

Fault points (attributes in brackets):

* ``glance.upload`` [image_id, owner, size, link]: an upload, once the image is ``saving``;
* ``glance.store.write`` [image_id, owner, size, store, link]: the store, before bytes move;
* ``glance.import`` [image_id, method]: the background import task;
* ``io.transfer`` [label ``glance.upload``/``glance.download``/``glance.stage``/
  ``glance.web_download``/``glance.import``, resource, image_id]: the transfers themselves,
  also mid-way (``at``).

Error names a rule may give: ``GlanceStorageFull`` (413), ``GlanceStorageWriteDenied`` (503),
``GlanceStoreTimeout`` (503 from Glance 33.0.0, else 500), ``GlanceStoreInvalid`` (400 from
Glance 31.0.0, else 500), ``GlanceStoreAddDisabled`` (410), ``GlanceInvalidImageData`` (415);
any other error is Glance's 500. Every upload failure puts
the image back to ``queued``.
"""

from __future__ import annotations

from typing import Any

from fakecloud.errors import ConfigError
from fakecloud.glance.api import GlanceApi
from fakecloud.glance.cache_manage import CACHE_MANAGE_V2_SINCE
from fakecloud.glance.config import GlanceConfig
from fakecloud.glance.content import ImageData
from fakecloud.glance.db import GlanceDb
from fakecloud.glance.errors import STORE_ERRORS
from fakecloud.glance.image_cache import ImageCache
from fakecloud.glance.image_data import ImageDataApi
from fakecloud.glance.images import Images
from fakecloud.glance.import_methods import SimulatedWeb, filtering_opts, import_methods
from fakecloud.glance.listing import ImageLister
from fakecloud.glance.members import Members
from fakecloud.glance.metadefs import MetadefRows
from fakecloud.glance.models import Image
from fakecloud.glance.patch import Reserved, reserved_at
from fakecloud.glance.policy import PROJECT_SCOPED_SINCE, legacy_defaults, service_api_rule
from fakecloud.glance.policy_file import GlanceRules, file_rules
from fakecloud.glance.quotas import Quotas, uncounted
from fakecloud.glance.schema import ImageSchema
from fakecloud.glance.states import set_status
from fakecloud.glance.store import GlanceStore
from fakecloud.glance.tasks import Tasks
from fakecloud.glance.views import image_view
from fakecloud.profiles.series import glance_requires_format_match, glance_reserved_namespaces

#: ``glance.image_cache: true`` before Glance 18.0.0: its ``cachemanage`` filter maps
#: ``/v1/cached_images`` (`fakecloud.glance.cache_manage`).
IMAGE_CACHE_BEFORE_18 = (
    "config glance.image_cache: true is modelled from Glance 18.0.0 (the cachemanage "
    "middleware's /v2/cached_images; the /v2/cache API from 24.0.0); Glance {release} "
    "manages its cache under /v1/cached_images, which fakecloud does not serve; leave it false"
)


def _catalog_url(config: Any) -> str:
    """The image service's URL in the catalog (the ``endpoints`` section), if there is one."""
    try:
        return config.endpoints.image
    except AttributeError:
        return "http://image.fakecloud.test"


class Glance:
    """The fake Glance of one cloud."""

    #: The API node's image cache (`fakecloud.glance.image_cache`), with ``image_cache`` on
    #: only: a cloud without one keeps nothing for it.
    cache: ImageCache | None = None
    #: The metadef tables once a write made them this cloud's own (`Metadefs.writable`); None
    #: while the release's loaded ones, shared, serve. A class default: read as any attribute
    #: (not through the instance's ``__dict__``, which would make it a real dict and every
    #: later attribute read of Glance the slower one).
    metadef_rows: MetadefRows | None = None
    # The release rules `derive_rules` sets.
    legacy_defaults: bool | str
    policy_rules: GlanceRules | None
    scope_enforced: bool
    service_api_rule: str
    reserved: Reserved
    uncounted: frozenset[str]
    import_methods: list[str]
    import_filtering: dict[str, list]
    web: SimulatedWeb

    def __init__(self, kernel: Any):
        self.kernel = kernel
        try:
            self.config = kernel.config.glance
        except AttributeError:  # a kernel whose config was built before this package loaded
            self.config = GlanceConfig()
        self.db = GlanceDb()
        series = kernel.switches.series
        if self.config.image_cache and series.glance < CACHE_MANAGE_V2_SINCE:
            raise ConfigError(IMAGE_CACHE_BEFORE_18.format(release=series.glance))
        explicit = self.config.require_image_format_match
        #: Format inspection refuses mismatched uploads (Glance 30.0.0 on, or as configured).
        self.require_image_format_match = (
            glance_requires_format_match(series) if explicit is None else explicit
        )
        #: Property prefixes users cannot set (``os_glance`` from Glance 22.0.0).
        self.reserved_namespaces = glance_reserved_namespaces(series)
        self.schema = ImageSchema.for_formats(
            self.config.disk_formats,
            self.config.container_formats,
            series.glance,
            kernel.switches.glance_schema_import_statuses,
        )
        self.quotas = Quotas(self.config, self.db, series.glance)
        self.store = GlanceStore(kernel, self.config)
        self.images = Images(self)
        self.image_data = ImageDataApi(self)
        self.members = Members(self)
        self.tasks = Tasks(self)
        self.lister = ImageLister(self)
        self.public_endpoint = self.config.public_endpoint or _catalog_url(kernel.config)
        if self.config.image_cache:
            self.cache = ImageCache(self)
        self.api = GlanceApi(self)
        for name, error in STORE_ERRORS.items():
            kernel.faults.register_error(name, error)
        self.derive_rules()  # a bad import method or policy file refused here, not at a request

    def derive_rules(self) -> None:
        """Derive the rules of the cloud's release that many requests read, from the
        configuration and the switches alone: plain attributes, not `functools.cached_property`
        memos (Python 3.11 specialises an instance attribute's read, never a read that meets a
        descriptor on the class; an image create read them some 20 times). A save leaves them
        out (`fakecloud.state.kinds.MEMOS`), a fork copies them, and a loaded cloud derives
        them again (`kinds.REDERIVED`).

        - ``import_methods``: the import methods this Glance enables
          (`import_methods.import_methods`), and ``import_filtering`` web-download's
          ``[import_filtering_opts]`` (`import_methods.filtering_opts`), and ``web`` the URLs
          web-download can fetch (``glance.web_download_urls``, `import_methods.SimulatedWeb`);
        - ``legacy_defaults``: whether this series runs with Glance's legacy policy defaults,
          and whose words its refusals use (`policy.legacy_defaults`);
        - ``policy_rules``: the operator's rules over the release's defaults in oslo.policy
          (`fakecloud.glance.policy_file`: ``glance.policy_file`` or ``glance.policy``
          given; with ``enforce_scope`` as below, uncapped: the rules keep their release's
          scope types), else None (the distilled rules of `fakecloud.glance.policy`);
        - ``scope_enforced``: ``[oslo_policy] enforce_scope`` (`GlanceConfig.enforce_scope`;
          unset: on with the new defaults, Glance 26.0.0 on), whether a system-scoped token
          passes no rule. Before 25.0.0 (`policy.PROJECT_SCOPED_SINCE`) the rules also take
          system scope, so setting it refuses such a token nothing;
        - ``service_api_rule``: the location API's ``rule:service_api``
          (`policy.service_api_rule`: by point release);
        - ``reserved``: the custom property names this Glance refuses (`patch.reserved_at`:
          by point release);
        - ``uncounted``: the image statuses this release's quota usage leaves out
          (`quotas.uncounted`: ``pending_delete`` too unless switch
          ``glance_pending_delete_counted``)."""
        switches = self.kernel.switches
        glance = switches.series.glance
        self.import_methods = import_methods(self.config, glance)
        self.import_filtering = filtering_opts(self.config)
        self.web = SimulatedWeb(self.config.web_download_urls)
        legacy = self.legacy_defaults = legacy_defaults(glance)
        value = self.config.enforce_scope
        enforced = not legacy if value is None else value
        self.policy_rules = file_rules(glance, not legacy, self.config, enforced)
        self.scope_enforced = enforced and glance >= PROJECT_SCOPED_SINCE
        self.service_api_rule = service_api_rule(switches.release)
        self.reserved = reserved_at(switches.release, self.reserved_namespaces)
        self.uncounted = uncounted(switches.glance_pending_delete_counted)

    def add_base_images(self, owner_project_id: str | None) -> list[Image]:
        """Create the configured base images (``glance.base_images``), public and active.

        Each is born ``queued`` and made ``active`` with its data already in the store (no
        upload time: the cloud starts with them), so the trace shows their whole life.
        """
        made = []
        for spec in self.config.base_images:
            spec = dict(spec)
            data = ImageData(
                size=int(spec.pop("size")),
                content_id=spec.pop("content_id", spec.get("name", "")),
                disk_format=spec.get("disk_format"),
                virtual_size=spec.pop("virtual_size", None),
            )
            image = self.images.add(
                spec.pop("id", None) or self.kernel.ids.uuid(),
                owner_project_id,
                {
                    "name": spec.pop("name", None),
                    "visibility": spec.pop("visibility", "public"),
                    "disk_format": spec.pop("disk_format", None),
                    "container_format": spec.pop("container_format", None),
                    "min_disk": int(spec.pop("min_disk", 0)),
                    "min_ram": int(spec.pop("min_ram", 0)),
                    "protected": bool(spec.pop("protected", False)),
                    "tags": list(spec.pop("tags", [])),
                    "extra_properties": dict(spec.pop("properties", {})),
                },
            )
            if spec:
                raise ConfigError(f"glance.base_images: unknown keys {sorted(spec)}")
            self.store.put(image.id, data)
            virtual = self.image_data._inspect(image, data)
            self.image_data._activate(image, data, virtual)
            made.append(image)
        return made

    def image_size(self, ctx: Any, image_id: str) -> int | None:
        """The size in bytes of an image `ctx` may see (None before its data); 404 otherwise.

        For Cinder's volume-from-image: the volume must be at least this big.
        """
        return self.images.get(ctx, image_id).size

    def image_info(self, ctx: Any, image_id: str) -> dict[str, Any]:
        """What Cinder's ``glance.show`` reads: id, name, status, size, min_disk, owner,
        visibility, formats and the custom properties; Glance's 404 if `ctx` may not see it."""
        image = self.images.get(ctx, image_id)
        return {
            "id": image.id,
            "name": image.name,
            "status": image.status,
            "size": image.size,
            "virtual_size": image.virtual_size,
            "min_disk": image.min_disk,
            "min_ram": image.min_ram,
            "owner": image.owner,
            "visibility": image.visibility,
            "disk_format": image.disk_format,
            "container_format": image.container_format,
            "checksum": image.checksum,
            "properties": dict(image.extra_properties),
        }

    def view(self, image: Image) -> dict[str, Any]:
        """The image as Glance's API shows it."""
        return image_view(
            image, self.schema, self.kernel.clock, self.config.show_multiple_locations
        )

    def restore(self, image_id: str) -> Image:
        """Bring a ``pending_delete`` image back to ``active`` (glance-scrubber --restore)."""
        return self.images.restore(image_id)

    def set_status(self, image_id: str, status: str) -> Image:
        """Operator back door: move an image along Glance's table (e.g. to ``killed``)."""
        image = self.db.images[image_id]
        set_status(self.kernel, image, status, actor="operator")
        return image
