"""Virtual persistent memory (vPMEM, the flavor's ``hw:pmem``), as Train's scheduler asks it
(nova 20.0.0 on: ``virt/hardware.py`` ``get_vpmems``, ``scheduler/utils.py``
``ResourceRequest._translate_vpmems_request``; ae59c331cc, Change-Id
Ifeeb7710fb39befbd0d0693ca2b4c3aa79878127).

Each label of ``hw:pmem`` (``SMALL,MEDIUM,SMALL``: split on commas, blanks dropped) asks one
``CUSTOM_PMEM_NAMESPACE_<LABEL>`` of placement. No compute here configures namespaces
(``[libvirt] pmem_namespaces``), so a boot or a resize asking any finds no host (`labels`,
read by `fakecloud.nova.scheduler`); before 20.0.0 the key means nothing. A rebuild keeps its
flavor and skips placement (``select_destinations``' ``is_rebuild``). Nova refuses no
snapshot of a vPMEM server (``compute/api.py`` ``snapshot`` and the libvirt driver's have no
vPMEM check, 20.0.0-34.0.0); here no such server runs, so a createImage finds it ERROR
(409). ``numa_get_constraints`` gives a flavor asking vPMEM a topology of one node, as
``hw:numa_nodes`` would, whose lists the API checks before a host is sought
(`fakecloud.nova.numa_constraints.check_topology`: a CPU list without its memory list, 400).
"""

from __future__ import annotations

from typing import Any

#: The first Nova asking placement for vPMEM namespaces (Train).
SINCE = (20, 0, 0)


def labels(flavor: Any, version: tuple) -> list[str]:
    """``get_vpmems``: the namespaces' labels `flavor` asks in release `version` (none before
    20.0.0)."""
    if version < SINCE:
        return []
    text = (flavor.extra_specs or {}).get("hw:pmem")
    if not text:
        return []
    return [label.strip() for label in text.split(",") if label.strip()]
