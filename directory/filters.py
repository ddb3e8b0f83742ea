"""The search filters: every result page is a shareable URL of GET parameters."""

import hashlib
from urllib.parse import urlencode

import django_filters
from crispy_forms_gds.layout import Button, Field, Size
from django import forms
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_filters import fields as filter_fields

from regions.models import Area, AreaGraph, AreaKind

from .layout import CachedLayout, get_form_helper, small_select
from .models import Attendance, Audience, Format, Harm, ReferralPathway, RiskLevel, Service, Tier

MAX_QUERY_LENGTH = 200
ALL_AUDIENCES = "all"


class GroupedAreaIterator(ModelChoiceIterator):
    """Areas as option groups by kind (councils first), sorted by name in the active language."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        groups = {}
        for area in self.queryset:
            groups.setdefault(area.kind, []).append(self.choice(area))
        for kind in AreaChoiceField.GROUP_ORDER:
            if kind in groups:
                yield (AreaKind(kind).label, sorted(groups[kind], key=lambda choice: str(choice[1])))


class CachedAreaSelect(forms.Select):
    """The area select, its options (hundreds at national scale) rendered once and kept in the cache.

    The options' HTML is keyed by the language, the empty label and the directory's data
    version, so an edit to any area renders them afresh; each page then only marks the
    chosen option. A page using it reads one row (the version) instead of every area.
    """

    def options_html(self):
        from .pagecache import current_version

        label = str(getattr(self.choices, "field", None) and self.choices.field.empty_label or "")
        key = "area-options:" + hashlib.sha256(f"{current_version()}|{get_language()}|{label}".encode()).hexdigest()
        html = cache.get(key)
        if html is None:
            parts = []
            for value, label in self.choices:
                if isinstance(label, (list, tuple)):
                    parts.append(format_html('<optgroup label="{}">', value))
                    parts += [format_html('<option value="{}">{}</option>', v, text) for v, text in label]
                    parts.append("</optgroup>")
                else:
                    parts.append(format_html('<option value="{}">{}</option>', value, label))
            html = "".join(parts)
            cache.set(key, html, 24 * 60 * 60)
        return html

    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        marker = format_html('<option value="{}">', "" if value is None else value)
        options = self.options_html().replace(marker, marker[:-1] + " selected>", 1)
        return mark_safe(f"<select{flatatt(final)}>{options}</select>")  # noqa: S308 - built with format_html


class AreaChoiceField(filter_fields.ModelChoiceField):
    """A choice of any area, grouped by kind, named in the active language."""

    iterator = GroupedAreaIterator
    widget = CachedAreaSelect
    GROUP_ORDER = [
        AreaKind.LOCAL_AUTHORITY,
        AreaKind.POLICE_FORCE_AREA,
        AreaKind.HEALTH_BOARD,
        AreaKind.VAWDASV_REGION,
        AreaKind.LOCALITY,
        AreaKind.CEREMONIAL_COUNTY,
        AreaKind.FORMER_DISTRICT,
        AreaKind.COUNTRY,
    ]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_label", _("Any area"))
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        return obj.name


class AreaFilter(django_filters.ModelChoiceFilter):
    field_class = AreaChoiceField


class ServiceFilterForm(CachedLayout, forms.Form):
    """The search page's filters, laid out by crispy; the layout's HTML cached (``CachedLayout``), the words not."""

    free_text = ("q",)

    @cached_property
    def helper(self):
        return get_form_helper(
            Field.text("q", label_size=Size.SMALL),
            small_select("area"),
            small_select("risk"),
            small_select("audience"),
            small_select("harm"),
            small_select("route"),
            small_select("tier"),
            small_select("format"),
            small_select("attendance"),
            small_select("status"),
            Button("submit", _("Search")),
        )


class ServiceFilter(django_filters.FilterSet):
    # The search page shows services running now unless ``status=all``; the open data API lists every status.
    # The search page lists services for the person who causes harm unless asked for others.
    person_by_default = True
    running_now_by_default = True

    q = django_filters.CharFilter(
        label=_("Words to search for"),
        method="filter_q",
        max_length=MAX_QUERY_LENGTH,
        # The words travel in the address; the browser's form history is not to keep them too.
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_(
            "For example a service, a provider or a need, such as 'Drive' or 'stalking'. "
            "Do not type anyone's name: the words you search for appear in the web address."
        ),
    )
    area = AreaFilter(
        label=_("Area"),
        field_name="areas",
        to_field_name="slug",
        queryset=Area.objects.all(),
        method="filter_area",
        help_text=_("A council, police force area, health board or region."),
        error_messages={"invalid_choice": _("Choose an area from the list")},
    )
    risk = django_filters.ModelChoiceFilter(
        label=_("Risk level"),
        to_field_name="slug",
        queryset=RiskLevel.objects.all(),
        method="filter_risk",
        empty_label=_("Any risk level"),
        error_messages={"invalid_choice": _("Choose a risk level: standard, medium or high")},
    )
    route = django_filters.ModelChoiceFilter(
        label=_("Referral route"),
        to_field_name="slug",
        queryset=ReferralPathway.objects.all(),
        method="filter_route",
        empty_label=_("Any route"),
        error_messages={"invalid_choice": _("Choose a referral route from the list")},
    )
    audience = django_filters.ChoiceFilter(
        label=_("Who it is for"),
        choices=[*Audience.choices, (ALL_AUDIENCES, _("Everyone"))],
        empty_label=_("The person who causes harm (and services whose documents do not say)"),
        method="filter_audience",
        help_text=_("Services for partners, children, professionals, multi-agency meetings and helplines are apart."),
        error_messages={"invalid_choice": _("Choose who the service is for from the list")},
    )
    harm = django_filters.ChoiceFilter(
        label=_("Kind of harm"),
        choices=Harm.choices,
        empty_label=_("Any kind of harm"),
        method="filter_harm",
        help_text=_("Leaves out services a document says are not for it; keeps those where the documents do not say."),
        error_messages={"invalid_choice": _("Choose a kind of harm from the list")},
    )
    tier = django_filters.ChoiceFilter(
        label=_("Kind of service"),
        choices=Tier.choices,
        empty_label=_("Any kind"),
        error_messages={"invalid_choice": _("Choose a kind of service from the list")},
    )
    format = django_filters.ChoiceFilter(
        label=_("Format"),
        choices=Format.choices,
        empty_label=_("Any format"),
        error_messages={"invalid_choice": _("Choose a format from the list")},
    )
    attendance = django_filters.ChoiceFilter(
        label=_("Attendance"),
        choices=Attendance.choices,
        empty_label=_("Voluntary or mandated"),
        error_messages={"invalid_choice": _("Choose voluntary or mandated attendance")},
    )
    status = django_filters.ChoiceFilter(
        label=_("Status on the latest evidence"),
        choices=[("all", _("Also planned, ended and not known"))],
        empty_label=_("Last reported running (however long ago)"),
        help_text=_("Each result says how old its evidence is."),
        method="filter_status",
        error_messages={"invalid_choice": _("Choose to show services running now or all services")},
    )

    class Meta:
        model = Service
        fields = ["q", "area", "risk", "audience", "harm", "route", "tier", "format", "attendance", "status"]
        form = ServiceFilterForm

    def __init__(self, data=None, *args, graph=None, today=None, **kwargs):
        self.graph = graph
        self.today = today or timezone.localdate()
        super().__init__(data, *args, **kwargs)

    def filter_queryset(self, queryset):
        # Running on the timeline unless the status filter asks for everything; every row carries its claim.
        if self.running_now_by_default and not self.form.cleaned_data.get("status"):
            queryset = queryset.operating_on(self.today)
        else:
            queryset = queryset.with_timeline(self.today)
        # Services for the person who causes harm unless the audience filter asks for others.
        if self.person_by_default and not self.form.cleaned_data.get("audience"):
            queryset = queryset.for_audience(Audience.PERSON, or_not_stated=True)
        return super().filter_queryset(queryset)

    def filter_q(self, queryset, name, value):
        return queryset.search(value)

    def filter_area(self, queryset, name, value):
        return queryset.covering(value, graph=self.graph or AreaGraph.load())

    def filter_risk(self, queryset, name, value):
        # Services that take the level, then (in their own group) those whose documents give no risk level.
        queryset = queryset.for_risk_level(value, or_not_stated=True)
        return queryset.order_by("-risk_stated", *(queryset.query.order_by or Service._meta.ordering))

    def filter_route(self, queryset, name, value):
        return queryset.filter(pathways__pathway=value)

    def filter_audience(self, queryset, name, value):
        if value == ALL_AUDIENCES:
            return queryset
        return queryset.for_audience(value)

    def filter_harm(self, queryset, name, value):
        # Services stated to work with the harm first, keeping any order already chosen (search rank).
        queryset = queryset.addressing(value)
        order = list(queryset.query.order_by or Service._meta.ordering)
        first = [order.pop(0)] if order and order[0] == "-risk_stated" else []  # the risk groups stay apart
        return queryset.order_by(*first, "-harm_stated", *order)

    def filter_status(self, queryset, name, value):
        return queryset

    # The filters whose values are words someone typed (the API's ``text`` and ``search`` too): never part of a key.
    TYPED = ("q", "text", "search")

    @property
    def typed_words(self):
        """Whether this (valid) search has words someone typed."""
        return any(self.form.cleaned_data.get(name) for name in self.TYPED)

    @cached_property
    def cache_key(self):
        """What decides this search's query, for keying its counts without compiling it (``counts.cached``).

        The filters' validated values (a model by its primary key), the date the timeline is read on, this
        class's defaults, and the base queryset's own conditions (its SQL, cheap: no timeline). The areas'
        graph and every row come from the data, which the cache key's data version stands for.
        ``None`` for an invalid search; ``False`` for a search with typed words (``TYPED``): what someone typed is
        never part of a key, even hashed, so its counts are computed each time and not kept.
        """
        if not self.is_valid():
            return None
        if self.typed_words:
            return False
        try:
            base = self.queryset.order_by().values("pk").query.sql_with_params()
        except EmptyResultSet:
            return None
        values = [
            (name, (value._meta.label, value.pk) if hasattr(value, "_meta") else value)
            for name, value in sorted(self.form.cleaned_data.items())
        ]
        parts = [
            type(self).__module__,
            type(self).__qualname__,
            repr((self.running_now_by_default, self.person_by_default)),
            self.today.isoformat(),
            repr(base),
            repr(values),
        ]
        return "\x1f".join(parts)

    # Annotations a search's results are grouped by, stated first (``filter_risk``, ``filter_harm``).
    GROUPED_BY = ("risk_stated", "harm_stated")

    @cached_property
    def _group_sizes(self):
        """``(names, {values: size})``: the groups this search's results are ordered by first and each group's
        size (one query, kept like a total: ``counts.cached``), or ``None`` where they are not grouped."""
        from django.db.models import Count

        from .counts import cached

        order, names = list(self.qs.query.order_by), []
        while order and order[0].startswith("-") and order[0][1:] in self.GROUPED_BY:
            names.append(order.pop(0)[1:])
        if not names:
            return None
        queryset = self.qs.order_by()
        sizes = cached(
            queryset,
            "groups:" + ",".join(names),
            lambda: {tuple(row[:-1]): row[-1] for row in queryset.values_list(*names).annotate(size=Count("pk"))},
            key=self.cache_key,
        )
        return names, sizes

    def groups(self):
        """The results' groups (``counts.Groups``) where a page can be read a group at a time in index order: they
        are ordered by the groups, then by name (not by a search's rank). ``None`` otherwise."""
        from .counts import Groups

        if not self.is_valid() or self._group_sizes is None:
            return None
        names, sizes = self._group_sizes
        if list(self.qs.query.order_by) != [*(f"-{name}" for name in names), *Service._meta.ordering]:
            return None
        return Groups(names, sizes)

    def risk_counts(self):
        """``(taking it, not stated)`` for a search with a risk level, else ``None`` (the groups' sizes)."""
        if "risk" not in self.chosen:
            return None
        names, sizes = self._group_sizes
        at = names.index("risk_stated")
        stated = sum(size for values, size in sizes.items() if values[at])
        return stated, sum(sizes.values()) - stated

    # What a browser sends beside the filters when the form is submitted (the search button's name, no value).
    SUBMIT = ("submit", "")

    def canonical_queries(self, page_number):
        """The query strings at which this search's page ``page_number`` is kept whole for every reader
        (``pagecache.reader_page``): the filters in the form's order with their validated values, either those given
        only (a link) or every one, empty or not, then the search button (the form as a browser submits it); then
        ``page``, where given, as the page shows it. Any other spelling of the same search is computed each time and
        never kept, so the cache holds at most four addresses per search and page. None for a search with words
        (never kept: what someone typed is never stored) or an invalid one.
        """
        if not self.is_valid() or self.typed_words:
            return set()
        pairs = []
        for name in self.Meta.fields:
            value = self.form.cleaned_data.get(name)
            if value in (None, ""):
                value = ""
            elif hasattr(value, "_meta"):
                value = getattr(value, self.form.fields[name].to_field_name or "pk")
            pairs.append((name, str(value)))
        given = [(name, value) for name, value in pairs if value]
        submitted = [*pairs, self.SUBMIT]
        page = [("page", str(page_number))]
        shapes = [given + page, submitted + page] + ([given, submitted] if page_number == 1 else [])
        return {urlencode(shape) for shape in shapes}

    @property
    def chosen(self):
        """The cleaned filter values that were given, for reasons and gap messages."""
        if not self.is_bound or not self.form.is_valid():
            return {}
        return {key: value for key, value in self.form.cleaned_data.items() if value not in (None, "")}

    @property
    def summary(self):
        """The filters in force as short labels in the form's order, for the one-line summary above results.

        The status is always named ("Running now" unless planned and decommissioned are included).
        """
        chosen = self.chosen
        labels = []
        for name in self.Meta.fields:
            field = self.form.fields[name]
            if name not in chosen:
                if name == "status":
                    labels.append(str(field.empty_label))
                continue
            value = chosen[name]
            if name == "q":
                labels.append(f"“{value}”")
            elif hasattr(field, "label_from_instance"):
                labels.append(str(field.label_from_instance(value)))
            else:
                labels.append(str(dict(field.choices)[value]))
        return labels
