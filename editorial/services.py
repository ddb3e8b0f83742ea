"""The editorial operations, by job (this module only gathers their names for older callers).

- ``values``: a value as an editor reads it, and as a proposal stores it;
- ``review``: proposals, the review page's comparison, approval and rejection;
- ``history``: baselines, one history record per save, the timeline, undo;
- ``freshness``: last verified, needs review, stale claims and their evidence;
- ``reports``: the public's problem reports (rate limit, inbox counts).
"""

from .freshness import (  # noqa: F401
    Freshness,
    FreshnessSummary,
    StaleAction,
    freshness_of,
    freshness_summary,
    mark_verified,
    propose_verified,
    record_evidence,
    stale_claims,
)
from .history import (  # noqa: F401
    BASELINE_REASON,
    HISTORY_APPS,
    SERVICE_ROWS,
    TimelineEntry,
    ensure_baselines,
    history_record,
    is_tracked,
    one_history_record,
    record_baseline_before_first_edit,
    record_m2m_rows,
    service_of,
    service_timeline,
    undo_change,
)
from .reports import cache, mark_reports_done, queue_counts, take_report_allowance  # noqa: F401
from .review import (  # noqa: F401
    LiveValue,
    approve_change,
    live_values,
    propose_change,
    reject_change,
    review_rows,
)
from .values import EMPTY, as_stored, display_field, display_value  # noqa: F401
