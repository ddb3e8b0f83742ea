"""Names of the shared vocabulary that lives in the database (risk levels, referral routes).

They are data, loaded from fixtures and editable in admin; listing them here puts
them in the translation catalogue, and ``RiskLevel.label`` /
``ReferralPathway.label`` show them in the active language. A test checks
every name in the fixtures is listed.
"""

from django.utils.translation import gettext_noop

NAMES = [
    gettext_noop("Standard risk"),
    gettext_noop("Medium risk"),
    gettext_noop("High risk"),
    gettext_noop("Self-referral"),
    gettext_noop("Any agency or professional"),
    gettext_noop("Children's services"),
    gettext_noop("MARAC"),
    gettext_noop("Police only"),
    gettext_noop("Out-of-court disposal (conditional caution)"),
    gettext_noop("Court order on conviction"),
    gettext_noop("Probation (on licence or order)"),
    gettext_noop("Family court"),
    gettext_noop("Multi-agency panel membership"),
]
