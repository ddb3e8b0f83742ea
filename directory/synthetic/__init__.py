"""A synthetic directory for benchmarks and scale tests, made through the project's own models.

Nothing here is real: every area, organisation, service and quote is invented and
says so ("Synthetic ..."). The shapes follow the real fixtures: councils grouped
into police force areas (~8 councils), health boards (~6) and VAWDASV regions (~25)
inside a country; most services in one council, some in two or three neighbours,
force-wide, health-board-wide, regional or national, and a few comparators
elsewhere; 70 % active, 14 % pilot, 8 % decommissioned, 6 % planned, 2 % never
established; risk levels, referral routes, eligibility, contacts, citations to a
synthetic document, dated status evidence and who-it-is-for / harm rows.

Rows are written with ``bulk_create`` (no per-row history), so 10,000 services take
seconds. ``generate`` writes into whatever database is current: the management
command guards which one that may be.
"""

from .areas import area_plan
from .build import generate

__all__ = ["area_plan", "generate"]
