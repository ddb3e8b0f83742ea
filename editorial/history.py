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

from .values import EMPTY, display_value

HISTORY_APPS = ("directory", "regions", "referrals")
BASELINE_REASON = "Version before the first recorded edit"

# The rows edited from a service's admin page, and the field that points at the service.
SERVICE_ROWS = [
    ("directory.contact", "service"),
    ("directory.citation", "service"),
    ("directory.servicefocus", "service"),
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


def _ids(m2m_field, rows):
    """The related ids in ``diff_against``'s rows of a many-to-many field (one dict per through row)."""
    target = m2m_field.m2m_reverse_field_name()
    return sorted(row[target] for row in rows)


def changes_since(record, previous):
    """``(fields, m2m)``: what ``record`` changed since ``previous``, as ``HistoricalRecord.diff_against`` finds it.

    Each maps a field name to ``(value before, value after)``, raw ids for foreign keys and id lists for
    many-to-many fields.
    """
    return _diff(record, previous, ())


def _diff(record, previous, m2m_unchanged):
    m2m_fields = {f.name: f for f in type(record)._history_m2m_fields}
    fields, m2m = {}, {}
    for change in record.diff_against(previous, excluded_fields=m2m_unchanged).changes:
        if change.field in m2m_fields:
            m2m_field = m2m_fields[change.field]
            m2m[change.field] = (_ids(m2m_field, change.old), _ids(m2m_field, change.new))
        else:
            fields[change.field] = (change.old, change.new)
    return fields, m2m


def _timeline_for(model, records):
    """Entries for the records of one model, each diffed against the one before it (``diff_against``).

    Many-to-many rows of all the records are read in one query per field, so ``diff_against`` is asked
    to compare a many-to-many field only for the records that changed it.
    """
    if not records:
        return []
    history_model = type(records[0])
    m2m_fields = history_model._history_m2m_fields
    tracked = [f for f in records[0].tracked_fields if f.editable and not f.primary_key]
    m2m = _m2m_values(history_model, records)
    related = {}
    for model_field in tracked:
        if model_field.is_relation:
            ids = {getattr(r, model_field.attname) for r in records} - {None}
            for pk, obj in model_field.related_model._default_manager.in_bulk(ids).items():
                related[(model_field.related_model, pk)] = obj
    m2m_related = {}
    for m2m_field in m2m_fields:
        ids = {pk for values in m2m.values() for pk in values.get(m2m_field.name, [])}
        m2m_related[m2m_field.name] = m2m_field.related_model._default_manager.in_bulk(ids)
    position = {f.name: index for index, f in enumerate([*tracked, *m2m_fields])}

    def words(name, ids):
        return ", ".join(sorted(str(m2m_related[name].get(pk, pk)) for pk in ids)) or EMPTY

    def readable(fields, m2m_changes):
        changes = [
            (
                name,
                capfirst(model._meta.get_field(name).verbose_name),
                display_value(model._meta.get_field(name), old, related),
                display_value(model._meta.get_field(name), new, related),
            )
            for name, (old, new) in fields.items()
        ]
        changes += [
            (name, capfirst(model._meta.get_field(name).verbose_name), words(name, old), words(name, new))
            for name, (old, new) in m2m_changes.items()
        ]
        changes.sort(key=lambda change: position.get(change[0], len(position)))
        return [change[1:] for change in changes]

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
                if previous is None:  # its first version: every value it was given
                    fields = {
                        f.name: (None, getattr(record, f.attname))
                        for f in tracked
                        if getattr(record, f.attname) not in (None, "")
                    }
                    m2m_changes = {name: ([], ids) for name, ids in m2m[record.history_id].items() if ids}
                    changes = readable(fields, m2m_changes)
                    changes = [(label, EMPTY, after) for label, _before, after in changes]
                else:
                    unchanged = [
                        f.name for f in m2m_fields if m2m[previous.history_id][f.name] == m2m[record.history_id][f.name]
                    ]
                    changes = readable(*_diff(record, previous, unchanged))
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
    """Undo one recorded change (itself recorded in the history); returns the row the undo saved.

    The undo is an edit like any other: the values before the change go through the admin form and
    inline formsets of a direct edit (:func:`editorial.replay.apply_edit`), the service's own when
    the row is edited on a service's page, so an undo that would break a rule (leave a service
    without a citation, a MARAC-only service taking self-referrals, ...) is refused with the
    form's message and changes nothing.
    """
    from .replay import apply_edit

    model = record.instance_type
    thing = model._meta.verbose_name
    pk = getattr(record, model._meta.pk.attname)
    if record.history_change_reason == BASELINE_REASON:
        raise ValidationError(_("This is the version before the first recorded edit: there is no change to undo."))
    when = timezone.localtime(record.history_date).strftime("%Y-%m-%d %H:%M")
    reason = gettext("Undid the change of %(when)s") % {"when": when}
    exists = model._default_manager.filter(pk=pk).exists()
    if record.history_type == "~":
        if record.prev_record is None:
            raise ValidationError(_("There is no earlier version of this to go back to."))
        fields, m2m = changes_since(record, record.prev_record)
        fields = {name: before for name, (before, _after) in fields.items()}
        m2m = {name: before for name, (before, _after) in m2m.items()}
        if not exists:
            raise ValidationError(_("This %(thing)s has been removed since.") % {"thing": thing})
    elif record.history_type == "+" and not exists:
        raise ValidationError(_("This %(thing)s has already been removed.") % {"thing": thing})

    service_id = service_of(record)
    if model is Service or service_id is None:
        # A service, or a row with its own admin page: undo only a change, through its own form.
        if record.history_type == "+":
            raise ValidationError(
                _("Adding a %(thing)s cannot be undone here: delete it from its own page.") % {"thing": thing}
            )
        if record.history_type == "-":
            raise ValidationError(_("A removed %(thing)s cannot be brought back here.") % {"thing": thing})
        obj = model._default_manager.get(pk=pk)
        return apply_edit(obj, user=user, fields=fields, m2m=m2m, author=user, reason=reason)

    # A row edited on its service's page: through the service's form and formsets, so their rules apply.
    service = Service.objects.filter(pk=service_id).first()
    if service is None:
        raise ValidationError(_("The service this %(thing)s belonged to has been removed.") % {"thing": thing})
    label = model._meta.label_lower
    if record.history_type == "+":
        row = {"model": label, "action": "delete", "pk": pk}
    elif record.history_type == "-":
        values = {f.name: f.value_from_object(record) for f in record.tracked_fields if f.editable}
        row = {"model": label, "action": "add", "fields": values}
    else:
        row = {"model": label, "action": "change", "pk": pk, "fields": fields}
    apply_edit(service, user=user, rows=[row], author=user, reason=reason)
    return model._default_manager.filter(pk=pk).first()
