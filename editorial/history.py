"""History: a baseline for rows loaded from fixtures, one record per save, a readable timeline, undo."""

import datetime
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.utils import get_history_manager_for_model

from directory.models import Service

from .values import EMPTY, _check, display_value

HISTORY_APPS = ("directory", "regions", "referrals")
BASELINE_REASON = "Version before the first recorded edit"

# The rows edited from a service's admin page, and the field that points at the service.
SERVICE_ROWS = [
    ("directory.contact", "service"),
    ("directory.citation", "service"),
    ("directory.statusevent", "service"),
    ("directory.availabilitynote", "service"),
    ("directory.servicelink", "from_service"),
    ("directory.standardsassessment", "service"),
    ("referrals.servicepathway", "service"),
    ("referrals.referralrequirement", "service"),
]


def is_tracked(model):
    return model._meta.app_label in HISTORY_APPS and hasattr(model._meta, "simple_history_manager_attribute")


def record_baseline_before_first_edit(sender, instance, raw=False, **kwargs):
    """pre_save receiver: before a row's first recorded edit, record the version it had.

    Rows loaded from fixtures (``raw``) are not edits: their many-to-many rows,
    set after the save, are kept out of the history too.
    """
    if not is_tracked(sender):
        return
    if raw:
        instance.skip_history_when_saving = True
        return
    if instance._state.adding or instance.pk is None:
        return
    ensure_baselines(sender, [instance.pk])


@contextmanager
def one_history_record(obj):
    """Fold many-to-many changes made inside into ``obj``'s latest history record (one record per save)."""
    obj.skip_history_when_saving = True
    try:
        yield
    finally:
        del obj.skip_history_when_saving
    history_model = get_history_manager_for_model(type(obj)).model
    if not history_model._history_m2m_fields:
        return
    record = (
        history_model.objects.filter(**{type(obj)._meta.pk.attname: obj.pk})
        .order_by("-history_date", "-history_id")
        .first()
    )
    if record is not None:
        for m2m_field in history_model._history_m2m_fields:
            getattr(history_model, m2m_field.name).model.objects.filter(history=record).delete()
        record_m2m_rows(type(obj), [record])


def ensure_baselines(model, pks):
    """Record the current version of each row in ``pks`` that has no history yet."""
    history = get_history_manager_for_model(model)
    pk_name = model._meta.pk.attname
    known = set(history.filter(**{f"{pk_name}__in": pks}).values_list(pk_name, flat=True))
    missing = [pk for pk in pks if pk not in known]
    if not missing:
        return []
    originals = list(model._default_manager.filter(pk__in=missing))
    for original in originals:
        original._history_user = None  # nobody made this version by an edit
    records = history.bulk_history_create(
        originals,
        default_change_reason=BASELINE_REASON,
        default_date=timezone.now() - datetime.timedelta(milliseconds=1),
    )
    record_m2m_rows(model, records)
    return records


def record_m2m_rows(model, records):
    """Copy the many-to-many rows of each record's row into the history (bulk history creation skips them)."""
    history_model = get_history_manager_for_model(model).model
    pk_name = model._meta.pk.attname
    for m2m_field in history_model._history_m2m_fields:
        m2m_history = getattr(history_model, m2m_field.name).model
        through = m2m_field.remote_field.through
        source = m2m_field.m2m_field_name()
        names = [f.attname for f in through._meta.fields]
        by_row = defaultdict(list)
        ids = [getattr(record, pk_name) for record in records]
        for row in through.objects.filter(**{f"{source}_id__in": ids}):
            by_row[getattr(row, f"{source}_id")].append(row)
        m2m_history.objects.bulk_create(
            [
                m2m_history(history=record, **{name: getattr(row, name) for name in names})
                for record in records
                for row in by_row[getattr(record, pk_name)]
            ]
        )


@dataclass
class TimelineEntry:
    """One recorded change, in words: what, when, who, and each field before → after."""

    record: object
    thing: str
    object_repr: str
    kind: str
    when: datetime.datetime
    who: object
    reason: str
    changes: list = field(default_factory=list)
    is_baseline: bool = False

    @property
    def app_label(self):
        return self.record.instance_type._meta.app_label

    @property
    def model_name(self):
        return self.record.instance_type._meta.model_name

    @property
    def history_id(self):
        return self.record.history_id


KIND_LABELS = {"+": _("Added"), "~": _("Changed"), "-": _("Removed")}


def _m2m_values(history_model, records):
    """``{history_id: {field name: sorted related ids}}`` for the records, one query per field."""
    values = defaultdict(dict)
    for m2m_field in history_model._history_m2m_fields:
        m2m_history = getattr(history_model, m2m_field.name).model
        target = m2m_field.m2m_reverse_field_name()
        by_record = defaultdict(list)
        rows = m2m_history.objects.filter(history__in=[r.history_id for r in records]).values_list(
            "history_id", f"{target}_id"
        )
        for history_id, related_id in rows:
            by_record[history_id].append(related_id)
        for record in records:
            values[record.history_id][m2m_field.name] = sorted(by_record[record.history_id])
    return values


def _timeline_for(model, records):
    """Entries for the records of one model, diffing each against the one before it."""
    if not records:
        return []
    history_model = type(records[0])
    tracked = [f for f in model._meta.concrete_fields if not f.primary_key]
    m2m = _m2m_values(history_model, records)
    related = {}
    for model_field in tracked:
        if model_field.is_relation:
            ids = {getattr(r, model_field.attname) for r in records} - {None}
            for pk, obj in model_field.related_model._default_manager.in_bulk(ids).items():
                related[(model_field.related_model, pk)] = obj
    m2m_related = {}
    for m2m_field in history_model._history_m2m_fields:
        ids = {pk for values in m2m.values() for pk in values.get(m2m_field.name, [])}
        m2m_related[m2m_field.name] = m2m_field.related_model._default_manager.in_bulk(ids)

    pk_name = model._meta.pk.attname
    by_object = defaultdict(list)
    for record in records:
        by_object[getattr(record, pk_name)].append(record)
    entries = []
    for versions in by_object.values():
        versions.sort(key=lambda r: (r.history_date, r.history_id))
        previous = None
        for record in versions:
            changes = []
            baseline = previous is None and record.history_change_reason == BASELINE_REASON
            if record.history_type != "-" and not baseline:
                for model_field in tracked:
                    old = getattr(previous, model_field.attname) if previous else None
                    new = getattr(record, model_field.attname)
                    if old != new and not (previous is None and new in (None, "")):
                        changes.append(
                            (
                                capfirst(model_field.verbose_name),
                                display_value(model_field, old, related) if previous else EMPTY,
                                display_value(model_field, new, related),
                            )
                        )
                for m2m_field in history_model._history_m2m_fields:
                    old = m2m[previous.history_id][m2m_field.name] if previous else []
                    new = m2m[record.history_id][m2m_field.name]
                    if old != new:
                        names = m2m_related[m2m_field.name]

                        def words(ids, names=names):
                            return ", ".join(sorted(str(names.get(pk, pk)) for pk in ids)) or EMPTY

                        changes.append((capfirst(m2m_field.verbose_name), words(old), words(new)))
            previous = record
            if record.history_type == "~" and not changes:
                continue  # saved without a change (a parent saved beside its rows)
            entries.append(
                TimelineEntry(
                    record=record,
                    thing=str(capfirst(model._meta.verbose_name)),
                    object_repr=str(record.instance) if model is not Service else record.name,
                    kind=str(_("Recorded") if baseline else KIND_LABELS[record.history_type]),
                    when=record.history_date,
                    who=record.history_user,
                    reason=record.history_change_reason or "",
                    changes=changes,
                    is_baseline=baseline,
                )
            )
    return entries


def service_timeline(service, *, limit=200):
    """Every recorded change to a service and to the rows edited on its page, newest first."""
    entries = _timeline_for(Service, list(Service.history.filter(id=service.pk).select_related("history_user")))
    for label, fk_name in SERVICE_ROWS:
        model = apps.get_model(label)
        records = list(
            get_history_manager_for_model(model).filter(**{f"{fk_name}_id": service.pk}).select_related("history_user")
        )
        entries.extend(_timeline_for(model, records))
    entries.sort(key=lambda entry: (entry.when, entry.record.history_id), reverse=True)
    return entries[:limit]


def history_record(app_label, model_name, history_id):
    """The historical record ``history_id`` of a tracked model, or ``None``."""
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        return None
    if not is_tracked(model):
        return None
    return get_history_manager_for_model(model).filter(history_id=history_id).first()


def service_of(record):
    """The id of the service a historical record belongs to (``None`` for rows outside a service)."""
    model = record.instance_type
    if model is Service:
        return record.id
    for label, fk_name in SERVICE_ROWS:
        if model._meta.label_lower == label:
            return getattr(record, f"{fk_name}_id")
    return None


@transaction.atomic
def undo_change(record, *, user):
    """Undo one recorded change: put the row back as it was before it (itself recorded in the history)."""
    model = record.instance_type
    pk = getattr(record, model._meta.pk.attname)
    when = timezone.localtime(record.history_date).strftime("%Y-%m-%d %H:%M")
    reason = gettext("Undid the change of %(when)s") % {"when": when}
    if record.history_type == "+":
        if model is Service:
            raise ValidationError(_("Adding a service cannot be undone here: decommission or delete the service."))
        obj = model._default_manager.filter(pk=pk).first()
        if obj is not None:
            obj._history_user = user
            obj._change_reason = reason
            obj.delete()
        return obj
    # A change goes back to the version before it; a removal brings the row back as it was.
    version = record.prev_record if record.history_type == "~" else record
    if version is None:
        raise ValidationError(_("There is no earlier version of this to go back to."))
    obj = version.instance
    obj._state.adding = not model._default_manager.filter(pk=pk).exists()
    _check(obj)
    obj._history_user = user
    obj._change_reason = reason
    obj.save()
    if version._history_m2m_fields:
        values = _m2m_values(type(version), [version])[version.history_id]
        with one_history_record(obj):
            for name, ids in values.items():
                getattr(obj, name).set(ids)
    return obj
