"""os-service-types' table of service types and aliases, read without copying all of it.

openstacksdk reads every per-service setting (``CloudRegion._get_config``: region, interface,
API version, endpoint override, ...) under each alias of the service's type, asking
``ServiceTypes.get_all_types``, which reads the property `all_types_by_service_type`; the
library answers that property with a ``copy.deepcopy`` of the whole table (45 types, about
0.1 ms), and a connection's first uses of Glance and Nova make 56 such reads. The connections
``cloud.connection()`` makes read the same table through `ServiceTypes`, which answers the
property with new lists of the same names: what a deep copy of a mapping of lists of strings
gives (strings are immutable, so a deep copy shares them too), at a tenth of the cost; and
`ServiceTypes.get_all_types`, the one reader of that property in a connection's life, copies
only the list of the type it was asked for rather than the whole table (45 lists) for each.
"""

from __future__ import annotations

import os_service_types


class ServiceTypes(os_service_types.ServiceTypes):
    """``os_service_types.ServiceTypes`` on its built-in data, whose table of types by
    official type is copied list by list rather than deep-copied."""

    @property
    def all_types_by_service_type(self) -> dict[str, list[str]]:
        """Mapping of official service type to official type and aliases (a fresh copy)."""
        table = self._service_types_data["all_types_by_service_type"]
        return {official: list(names) for official, names in table.items()}

    def get_all_types(self, service_type: str) -> list[str]:
        """The official type of `service_type` and its aliases (a fresh list); an unknown
        type alone, normalized, as the library answers it."""
        official = self.get_service_type(service_type)
        if official is None:
            return super().get_all_types(service_type)
        return list(self._service_types_data["all_types_by_service_type"][official])
