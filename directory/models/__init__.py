"""The directory: who provides what, for whom, where, since when, and on whose word.

The models live in one module per job; every name is re-exported here, so
``from directory.models import X`` works for all of them.
"""

# First, whatever imports a submodule: the service QuerySet's methods use models that import
# service.py, which imports the QuerySet; queries.py imports those models last, once it is defined.
from .queries import ServiceManager, ServiceQuerySet  # noqa: F401

# isort: split
from .assessments import (  # noqa: F401
    AssessmentItem,
    AssessmentItemManager,
    ChecklistType,
    Rating,
    StandardsAssessment,
    StandardsAssessmentManager,
    StandardsAssessmentQuerySet,
    StatedGap,
)
from .citations import LAST_CITATION_MESSAGE, Citation, CitationManager, ServiceFocus, ServiceFocusManager  # noqa: F401
from .contacts import Contact, ContactKind, ContactManager  # noqa: F401
from .documents import MAX_QUOTE_WORDS, Document, DocumentManager, Sourced, shown_to_its_precision  # noqa: F401
from .evidence import EVIDENCE_FLOOR, Claim, Precision, evidence_horizon, months_between, stale_months  # noqa: F401
from .glossary import GlossaryTerm  # noqa: F401
from .links import Disagreement, DisagreementManager, LinkKind, ServiceLink, ServiceLinkManager  # noqa: F401
from .organisations import Organisation, OrganisationManager, OrganisationQuerySet, Programme, SlugManager  # noqa: F401
from .routes import (  # noqa: F401
    ReferralPathway,
    ReferralRequirement,
    ReferralRequirementManager,
    Referrer,
    ServicePathway,
    ServicePathwayManager,
)
from .service import SearchDocumentField, Service  # noqa: F401
from .status import Availability, AvailabilityNote, AvailabilityNoteManager, StatusEvent, StatusEventManager  # noqa: F401
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
    RiskLevelManager,
    Scope,
    Status,
    Tier,
)
