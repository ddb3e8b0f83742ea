"""Areas: the real structure of Wales and the English areas the documents use.

An area can sit inside several others at once: Cardiff is inside South Wales
Police, Cardiff and Vale UHB, the Cardiff and Vale VAWDASV region and Wales.
Those memberships are rows (``Area.within``), editable in admin, so a service
covering any area can be matched to the areas inside it and to those around it.
"""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .natural_keys import NaturalKeyManager


class AreaKind(models.TextChoices):
    COUNTRY = "country", _("Country")
    POLICE_FORCE_AREA = "police_force_area", _("Police force area")
    HEALTH_BOARD = "health_board", _("Health board")
    VAWDASV_REGION = "vawdasv_region", _("VAWDASV region")
    LOCAL_AUTHORITY = "local_authority", _("Local authority")
    CEREMONIAL_COUNTY = "ceremonial_county", _("Ceremonial county")
    FORMER_DISTRICT = "former_district", _("Former district")
    LOCALITY = "locality", _("Locality")


class AreaQuerySet(models.QuerySet):
    def local_authorities(self):
        return self.filter(kind=AreaKind.LOCAL_AUTHORITY)

    def groupings(self):
        """Areas that group local authorities (police force areas, health boards, regions)."""
        return self.filter(
            kind__in=[
                AreaKind.POLICE_FORCE_AREA,
                AreaKind.HEALTH_BOARD,
                AreaKind.VAWDASV_REGION,
            ]
        )


class AreaGraph:
    """The containment graph of all areas, read in one query.

    Areas number in the tens (a few hundred at most), so walking the graph in
    Python is cheaper and clearer than a recursive query, and it keeps the
    number of queries per page fixed however many services there are.
    """

    def __init__(self, edges):
        self.parents = {}
        self.children = {}
        # The graph does not change once read, so each walk is done once per graph (coverage asks for every
        # council's sets, and each of those for every area's descendants).
        self._memo = {}
        for child_id, parent_id in edges:
            self.parents.setdefault(child_id, set()).add(parent_id)
            self.children.setdefault(parent_id, set()).add(child_id)

    @classmethod
    def load(cls):
        return cls(Area.within.through.objects.values_list("from_area_id", "to_area_id"))

    @staticmethod
    def _walk(start, step):
        seen = set()
        todo = [start]
        while todo:
            node = todo.pop()
            for nxt in step.get(node, ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    def _remember(self, key, compute):
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def ancestors(self, area_id):
        """Ids of every area that contains ``area_id`` (not including itself)."""
        return self._remember(("up", area_id), lambda: frozenset(self._walk(area_id, self.parents)))

    def descendants(self, area_id):
        """Ids of every area inside ``area_id`` (not including itself)."""
        return self._remember(("down", area_id), lambda: frozenset(self._walk(area_id, self.children)))

    def coverage_sets(self, area_id):
        """``(whole, part)``: the ids of areas whose services cover all, or only part, of ``area_id``.

        An area covers all of ``area_id`` when it is the area itself, contains it,
        or contains every area at the bottom of it (the three councils of Cwm Taf
        Morgannwg all lie in South Wales Police, so a South Wales Police service
        covers the whole region). It covers part when the two share some area
        (a Bridgend-only service, or a Cwm Taf Morgannwg one, is in part of the
        South Wales Police area).
        """
        return self._remember(("sets", area_id), lambda: self._coverage_sets(area_id))

    def _coverage_sets(self, area_id):
        # Walked upwards from the area and what lies inside it, rather than testing every area of the graph:
        # an area contains every leaf inside ``area_id`` exactly when it is an ancestor of each of them, and it
        # shares some area with ``area_id`` exactly when it is one of those areas or an ancestor of one.
        inside = self.descendants(area_id)
        leaves = [node for node in inside if not self.children.get(node)]
        whole = {area_id} | self.ancestors(area_id)
        if leaves:
            whole |= set.intersection(*(set(self.ancestors(leaf)) for leaf in leaves))
        footprint = inside | {area_id}
        part = set()
        for node in footprint:
            part |= self.ancestors(node)
        part = (part | footprint) - whole
        return frozenset(whole), frozenset(part)


class Area(models.Model):
    slug = models.SlugField(
        _("slug"),
        max_length=80,
        unique=True,
        help_text=_("Used in URLs and fixtures, e.g. 'merthyr-tydfil'. Do not change once published."),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=AreaKind.choices)
    name_en = models.CharField(_("name (English)"), max_length=120)
    name_cy = models.CharField(
        _("name (Welsh)"),
        max_length=120,
        blank=True,
        help_text=_("Leave blank where the area has no Welsh name; the English name is shown instead."),
    )
    gss_code = models.CharField(
        _("GSS code"),
        max_length=9,
        blank=True,
        help_text=_("Government Statistical Service code, e.g. W06000024."),
    )
    gss_code_confirmed = models.BooleanField(
        _("GSS code confirmed"),
        default=True,
        help_text=_("Untick where the code was seen only in unattributed sources."),
    )
    within = models.ManyToManyField(
        "self",
        symmetrical=False,
        related_name="contains",
        blank=True,
        verbose_name=_("within"),
        help_text=_(
            "Every area this one lies inside: for a local authority its police force area, "
            "health board, VAWDASV region and country."
        ),
    )
    membership_inferred = models.BooleanField(
        _("membership inferred"),
        default=False,
        help_text=_("Tick where the areas this one contains are inferred rather than stated by a source."),
    )
    successor = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="predecessors",
        verbose_name=_("successor"),
        help_text=_("For a former district: the council that replaced it."),
    )
    since = models.DateField(
        _("since"), null=True, blank=True, help_text=_("When the area came into being, if recent.")
    )
    style = models.CharField(_("style"), max_length=80, blank=True, help_text=_("e.g. 'county borough'."))
    note = models.TextField(_("note"), blank=True)
    sources = models.TextField(
        _("sources"), blank=True, help_text=_("Where the names, codes and memberships come from.")
    )

    history = HistoricalRecords(m2m_fields=[within])
    objects = NaturalKeyManager.from_queryset(AreaQuerySet)()

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["kind", "name_en"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=AreaKind.values),
                name="area_kind_valid",
                violation_error_message=_("Choose a valid kind of area."),
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)

    @property
    def name(self):
        """The area's name in the active language (English where there is no Welsh name)."""
        if get_language() == "cy" and self.name_cy:
            return self.name_cy
        return self.name_en

    @property
    def name_lang(self):
        """The language code of :attr:`name`, for a ``lang`` attribute."""
        return "cy" if get_language() == "cy" and self.name_cy else "en"
