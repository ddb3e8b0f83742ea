"""The directory: who provides what, for whom, where, since when, and on whose word.

The models live in one module per job; every name is re-exported here, so
``from directory.models import X`` works for all of them.
"""

# First, whatever imports a submodule: the service QuerySet's methods use models that import
# service.py, which imports the QuerySet; queries.py imports those models last, once it is defined.
from .queries import ServiceQuerySet  # noqa: F401

# isort: split
from .assessments import (  # noqa: F401
    AssessmentItem,
    ChecklistType,
    Rating,
    StandardsAssessment,
    StandardsAssessmentQuerySet,
    StatedGap,
)
from .citations import LAST_CITATION_MESSAGE, Citation, ServiceFocus  # noqa: F401
from .contacts import Contact, ContactKind  # noqa: F401
from .documents import MAX_QUOTE_WORDS, Document, Sourced, shown_to_its_precision  # noqa: F401
from .evidence import (  # noqa: F401
    EVIDENCE_FLOOR,
    EVIDENCE_SOURCE_SEPARATOR,
    Claim,
    EditorRole,
    Precision,
    evidence_horizon,
    evidence_span,
    months_between,
    shown_with_precision,
    stale_months,
    within_period,
)
from .freshness import months_before, needs_review_condition, review_due_on_or_before  # noqa: F401
from .glossary import GlossaryTerm  # noqa: F401
from .links import Disagreement, LinkKind, ServiceLink  # noqa: F401
from .organisations import Organisation, OrganisationQuerySet, Programme  # noqa: F401
from .routes import (  # noqa: F401
    MARAC_AND_SELF_REFERRAL,
    ReferralPathway,
    ReferralRequirement,
    Referrer,
    ServicePathway,
    marac_only_with_self_referral,
)
from .service import SearchDocumentField, Service  # noqa: F401
from .status import Availability, AvailabilityNote, StatusEvent  # noqa: F401
from .timeline import TimelineDay, TimelineFill  # noqa: F401
from .versions import DataVersion  # noqa: F401
from .vocabulary import (  # noqa: F401
    AreaExtent,
    Attendance,
    Audience,
    FocusKind,
    Format,
    FundingLongevity,
    Gender,
    Harm,
    JusticeRequirement,
    Relationship,
    RiskLevel,
    Scope,
    Status,
    Tier,
)
