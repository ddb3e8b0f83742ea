"""Sources: documents, the precision a date is stated to, and the base of every sourced row."""

from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

MAX_QUOTE_WORDS = 25


# --------------------------------------------------------------------------
# Sources
# --------------------------------------------------------------------------


class DocumentManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Document(models.Model):
    """One of the source documents every fact is traced to."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=300)
    author = models.CharField(_("author or publisher"), max_length=300)
    published = models.DateField(
        _("date it speaks for"),
        null=True,
        blank=True,
        help_text=_(
            "The date the document speaks for. Where only a year or month is known, use its first day; "
            "leave blank where the document is undated."
        ),
    )
    date_text = models.CharField(
        _("date as written"),
        max_length=120,
        blank=True,
        help_text=_("The date as the document or its catalogue gives it, e.g. 'November 2020'."),
    )
    filename = models.CharField(
        _("file name"),
        max_length=120,
        blank=True,
        help_text=_("The text file in sources/documents this was transcribed from."),
    )

    history = HistoricalRecords()
    objects = DocumentManager()

    class Meta:
        verbose_name = _("source document")
        verbose_name_plural = _("source documents")
        ordering = ["published", "title"]

    def __str__(self):
        return f"{self.title} ({self.date_text})" if self.date_text else self.title

    def natural_key(self):
        return (self.slug,)


def shown_to_its_precision(date):
    """A date as precise as the directory's convention lets it claim.

    Where a document gives only a year or a month, the date is stored as its first day (as for
    ``Document.published``), so 1 January shows as the year and the 1st of a month as the month:
    "2016", not "1 January 2016".
    """
    if date is None:
        return ""
    if date.month == 1 and date.day == 1:
        return str(date.year)
    if date.day == 1:
        return date_format(date, "F Y")
    return date_format(date, "j F Y")


class Sourced(models.Model):
    """Document, section and verbatim quote: the provenance of one fact."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, verbose_name=_("document"))
    section = models.CharField(
        _("section"),
        max_length=200,
        help_text=_("Section, table or page, e.g. '4.4 High-harm services' or 'South Wales Police Area table'."),
    )
    quote = models.TextField(
        _("quote"),
        help_text=_("Copied word for word from the document, at most 25 words. Never paraphrase."),
    )

    class Meta:
        abstract = True

    @property
    def quote_word_count(self):
        return len(self.quote.split())
