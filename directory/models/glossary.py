"""Terms the documents define."""

import re

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .documents import Sourced
from .organisations import SlugManager

# --------------------------------------------------------------------------
# Knowledge beside the services
# --------------------------------------------------------------------------


class GlossaryTerm(Sourced):
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    term = models.CharField(_("term"), max_length=60, help_text=_("The abbreviation or term, e.g. 'MARAC'."))
    meaning = models.TextField(_("meaning"), help_text=_("What it stands for, as the glossary gives it, in full."))
    editor_note = models.TextField(
        _("editor's note"),
        blank=True,
        help_text=_(
            "Our own note, shown beside the definition: where the source's definition is wrong, say so and what is "
            "right, with its source where there is one."
        ),
    )

    history = HistoricalRecords()
    objects = SlugManager()

    class Meta:
        verbose_name = _("glossary term")
        verbose_name_plural = _("glossary")
        ordering = ["term"]

    def __str__(self):
        return self.term

    def get_absolute_url(self):
        return reverse("directory:glossary") + f"#{self.slug}"

    def natural_key(self):
        return (self.slug,)

    @property
    def link_title(self):
        """Where the source's definition is wrong, the editor's note's first sentence (shown where it is linked)."""
        return self.editor_note.split(". ")[0].rstrip(".") + "." if self.editor_note else ""

    @property
    def abbreviations(self):
        """The upper-case abbreviations this entry explains ("HMP / HMPPS" gives both), for linking."""
        return [word for word in re.findall(r"[A-Z][A-Za-z0-9+-]*[A-Z0-9+]", self.term) if word.isupper()]
