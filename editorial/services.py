"""Editorial operations that span models: proposals and their review, history and undo, freshness."""

import calendar
import datetime
import json
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.utils import get_history_manager_for_model

from directory.models import EditorRole, Precision, Service, Status, StatusEvent

from .models import PendingChange, ProblemReport, ReviewState

HISTORY_APPS = ("directory", "regions", "referrals")
BASELINE_REASON = "Version before the first recorded edit"
EMPTY = "—"

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


# --------------------------------------------------------------------------
# Readable values
# --------------------------------------------------------------------------


def display_value(model_field, value, related=None):
    """``value`` (as stored, a raw id for a foreign key) in words an editor reads."""
    if value is None or value == "":
        return EMPTY
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.BooleanField):
        return gettext("Yes") if value else gettext("No")
    if model_field.is_relation:
        obj = (related or {}).get((model_field.related_model, value))
        if obj is None:
            obj = model_field.related_model._default_manager.filter(pk=value).first()
        return str(obj) if obj is not None else gettext("(deleted: %(id)s)") % {"id": value}
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def display_field(obj, model_field):
    if model_field.many_to_many:
        return ", ".join(sorted(str(item) for item in getattr(obj, model_field.name).all())) or EMPTY
    return display_value(model_field, getattr(obj, model_field.attname))


def _field_label(model, name):
    try:
        return str(capfirst(model._meta.get_field(name).verbose_name))
    except FieldDoesNotExist:
        return name


# --------------------------------------------------------------------------
# Proposals: a provider editor's change waits for review
# --------------------------------------------------------------------------


def _row_fields(obj, fk_name):
    return [
        f
        for f in obj._meta.concrete_fields
        if f.editable and not f.primary_key and f.name != fk_name and not f.auto_created
    ]


def as_stored(value):
    """``value`` as a proposal stores it (JSON), so a live value compares equal to the one captured."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def propose_change(*, form, formsets, user):
    """Keep a validated admin form and its inline formsets as a :class:`PendingChange`, saving nothing else.

    Returns the pending change, or ``None`` when nothing was changed.
    """
    service = form.instance
    adding = service.pk is None
    original = None if adding else Service.objects.get(pk=service.pk)
    section = gettext("Service")
    fields, m2m, rows, changes = {}, {}, [], []
    original_fields, original_m2m = {}, {}

    names = [name for name in form.cleaned_data if name in form.fields] if adding else form.changed_data
    for name in names:
        try:
            model_field = Service._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if model_field.name == "organisation" and not adding:
            continue  # a provider editor can never move a service to another organisation
        if model_field.many_to_many:
            chosen = list(form.cleaned_data[name])
            m2m[name] = sorted(item.pk for item in chosen)
            after = ", ".join(sorted(str(item) for item in chosen)) or EMPTY
            key = f"m2m:{name}"
            if not adding:
                original_m2m[name] = sorted(getattr(original, name).values_list("pk", flat=True))
        else:
            fields[name] = model_field.value_from_object(service)
            after = display_value(model_field, fields[name])
            key = f"fields:{name}"
            if not adding:
                original_fields[name] = as_stored(model_field.value_from_object(original))
        before = EMPTY if adding else display_field(original, model_field)
        if before != after:
            changes.append(
                {
                    "model": "directory.service",
                    "object": section,
                    "field": name,
                    "before": before,
                    "after": after,
                    "key": key,
                }
            )

    for formset in formsets:
        formset.save(commit=False)
        label = formset.model._meta.label_lower
        fk_name = formset.fk.name
        verbose = str(capfirst(formset.model._meta.verbose_name))
        originals = formset.model._default_manager.in_bulk(
            [obj.pk for obj, _names in formset.changed_objects] + [obj.pk for obj in formset.deleted_objects]
        )
        for obj in formset.deleted_objects:
            before_obj = originals.get(obj.pk, obj)
            captured = {f.name: as_stored(f.value_from_object(before_obj)) for f in _row_fields(before_obj, fk_name)}
            rows.append({"model": label, "fk": fk_name, "action": "delete", "pk": obj.pk, "original": captured})
            changes.append(
                {
                    "model": label,
                    "object": verbose,
                    "field": "",
                    "before": str(before_obj),
                    "after": gettext("(removed)"),
                    "key": f"{label}:{obj.pk}:delete",
                }
            )
        for obj, changed in formset.changed_objects:
            values, captured = {}, {}
            before_obj = originals.get(obj.pk, obj)
            for name in changed:
                try:
                    model_field = obj._meta.get_field(name)
                except FieldDoesNotExist:
                    continue
                if model_field.primary_key or model_field.name == fk_name:
                    continue
                values[name] = model_field.value_from_object(obj)
                captured[name] = as_stored(model_field.value_from_object(before_obj))
                changes.append(
                    {
                        "model": label,
                        "object": f"{verbose}: {before_obj}",
                        "field": name,
                        "before": display_field(before_obj, model_field),
                        "after": display_value(model_field, values[name]),
                        "key": f"{label}:{obj.pk}:{name}",
                    }
                )
            if values:
                rows.append(
                    {
                        "model": label,
                        "fk": fk_name,
                        "action": "change",
                        "pk": obj.pk,
                        "fields": values,
                        "original": captured,
                    }
                )
        for obj in formset.new_objects:
            values = {f.name: f.value_from_object(obj) for f in _row_fields(obj, fk_name)}
            rows.append({"model": label, "fk": fk_name, "action": "add", "fields": values})
            for name, value in values.items():
                if value not in (None, ""):
                    model_field = obj._meta.get_field(name)
                    changes.append(
                        {
                            "model": label,
                            "object": gettext("New %(thing)s") % {"thing": verbose.lower()},
                            "field": name,
                            "before": EMPTY,
                            "after": display_value(model_field, value),
                        }
                    )

    if not changes:
        return None
    if adding:
        summary = gettext("New service: %(name)s") % {"name": service.name}
    else:
        summary = gettext("Change to %(name)s") % {"name": original.name}
    return PendingChange.objects.create(
        service=original,
        organisation_id=service.organisation_id,
        summary=summary[:300],
        proposal={
            "fields": fields,
            "m2m": m2m,
            "rows": rows,
            "original": {"fields": original_fields, "m2m": original_m2m},
        },
        changes=changes,
        submitted_by=user,
    )


def _set_values(obj, values):
    for name, value in values.items():
        model_field = obj._meta.get_field(name)
        setattr(obj, model_field.attname, model_field.to_python(value))


def _check(obj):
    """``obj.full_clean()``, with each message saying which row it is about."""
    try:
        obj.full_clean()
    except ValidationError as error:
        thing = capfirst(obj._meta.verbose_name)
        raise ValidationError([f"{thing}: {message}" for message in error.messages]) from error


# Rows are applied changes first, then additions, then removals, so that replacing a service's only
# citation never passes through a moment with none (Citation.delete() refuses that).
ROW_ORDER = {"change": 0, "add": 1, "delete": 2}


@dataclass(frozen=True)
class LiveValue:
    """What the entry holds now for one proposed change, and whether someone changed it since the proposal."""

    current: str
    changed_since_proposal: bool


def live_values(change, service=None):
    """``{key: LiveValue}`` for each part of a pending change whose value was captured when it was proposed.

    A part counts as changed since the proposal when its live value is neither
    the value captured then nor the value proposed (approving would overwrite
    someone else's later edit). Proposals of new services and new rows have nothing to compare.
    """
    proposal = change.proposal
    service = service or change.service
    original = proposal.get("original")
    if service is None or original is None:
        return {}
    result = {}
    for name, captured in original["fields"].items():
        model_field = Service._meta.get_field(name)
        live = as_stored(model_field.value_from_object(service))
        result[f"fields:{name}"] = LiveValue(
            display_value(model_field, live),
            live != captured and live != as_stored(proposal["fields"].get(name)),
        )
    for name, captured in original["m2m"].items():
        related = getattr(service, name).all()
        live = sorted(item.pk for item in related)
        result[f"m2m:{name}"] = LiveValue(
            ", ".join(sorted(str(item) for item in related)) or EMPTY,
            live != captured and live != proposal["m2m"].get(name),
        )
    by_model = defaultdict(list)
    for row in proposal["rows"]:
        if "original" in row:
            by_model[(row["model"], row["fk"])].append(row)
    for (label, fk_name), rows in by_model.items():
        model = apps.get_model(label)
        live_rows = model._default_manager.filter(**{fk_name: service}).in_bulk([row["pk"] for row in rows])
        for row in rows:
            obj = live_rows.get(row["pk"])
            if row["action"] == "delete":
                key = f"{label}:{row['pk']}:delete"
                if obj is None:
                    result[key] = LiveValue(gettext("(already removed)"), False)
                    continue
                live = {name: as_stored(model._meta.get_field(name).value_from_object(obj)) for name in row["original"]}
                result[key] = LiveValue(str(obj), live != row["original"])
                continue
            for name, captured in row["original"].items():
                key = f"{label}:{row['pk']}:{name}"
                if obj is None:
                    result[key] = LiveValue(gettext("(removed)"), True)
                    continue
                model_field = model._meta.get_field(name)
                live = as_stored(model_field.value_from_object(obj))
                result[key] = LiveValue(
                    display_field(obj, model_field),
                    live != captured and live != as_stored(row["fields"].get(name)),
                )
    return result


def review_rows(change, service=None):
    """The change field by field for the review page: original (as proposed against), current and proposed."""
    live = live_values(change, service) if change.is_pending else {}
    rows = []
    for row in change.rows():
        value = live.get(row.get("key"))
        rows.append(
            {
                **row,
                "current": value.current if value else None,
                "conflict": bool(value and value.changed_since_proposal),
            }
        )
    return rows


def _refuse_later_edits(change, service, take):
    """Raise if a part of the change was edited since the proposal and the reviewer did not take it anyway."""
    refused = [row for row in review_rows(change, service) if row["conflict"] and row["key"] not in take]
    if refused:
        raise ValidationError(
            [
                gettext(
                    "%(what)s, %(field)s: changed to “%(current)s” since this was proposed. "
                    "Tick “Apply anyway” to replace it with the proposed value, or reject the change."
                )
                % {"what": row["section"], "field": row["label"] or gettext("whole row"), "current": row["current"]}
                for row in refused
            ]
        )


@transaction.atomic
def approve_change(change, *, reviewer, take=()):
    """Apply a pending change as its editor proposed it, recording them in the history. Returns the service.

    A part whose live value someone changed since the proposal is refused
    unless its key is in ``take`` (the reviewer chose to apply it anyway):
    approving never silently overwrites a later edit.
    """
    change = PendingChange.objects.select_for_update().get(pk=change.pk)
    if change.state != ReviewState.PENDING:
        raise ValidationError(_("This change has already been reviewed."))
    if change.service_id is not None:
        change.service = Service.objects.select_for_update().get(pk=change.service_id)
    _refuse_later_edits(change, change.service, set(take))
    proposal = change.proposal
    editor = change.submitted_by
    reason = gettext("Proposed by %(editor)s; approved by %(reviewer)s") % {
        "editor": editor or gettext("a former editor"),
        "reviewer": reviewer,
    }
    service = change.service or Service(organisation_id=change.organisation_id)
    if service.pk is None or proposal["fields"] or proposal["m2m"]:
        _set_values(service, proposal["fields"])
        service.organisation_id = change.organisation_id
        _check(service)
        service._history_user = editor
        service._change_reason = reason
        service.save()
        with one_history_record(service):
            for name, ids in proposal["m2m"].items():
                getattr(service, name).set(ids)

    for row in sorted(proposal["rows"], key=lambda row: ROW_ORDER[row["action"]]):
        model = apps.get_model(row["model"])
        if row["action"] == "add":
            obj = model(**{row["fk"]: service})
        else:
            obj = model._default_manager.filter(**{row["fk"]: service}, pk=row["pk"]).first()
            if obj is None:
                raise ValidationError(
                    _("A %(thing)s in this change has been removed since it was proposed. Reject the change.")
                    % {"thing": model._meta.verbose_name}
                )
        obj._history_user = editor
        obj._change_reason = reason
        if row["action"] == "delete":
            obj.delete()
            continue
        _set_values(obj, row["fields"])
        _check(obj)
        obj.save()

    change.service = service
    change.state = ReviewState.APPROVED
    change.reviewed_by = reviewer
    change.reviewed_at = timezone.now()
    change.save()
    return service


def reject_change(change, *, reviewer, reason):
    """Reject a pending change with a reason for its editor; the entry stays as it was."""
    if change.state != ReviewState.PENDING:
        raise ValidationError(_("This change has already been reviewed."))
    change.state = ReviewState.REJECTED
    change.reason = reason
    change.reviewed_by = reviewer
    change.reviewed_at = timezone.now()
    change.save()
    return change


# --------------------------------------------------------------------------
# History: a baseline for rows loaded from fixtures, a readable timeline, undo
# --------------------------------------------------------------------------


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


# --------------------------------------------------------------------------
# Freshness
# --------------------------------------------------------------------------


def months_before(day, months):
    """The same day ``months`` months earlier (the month's last day where it is shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def review_due_on_or_before(today):
    """Entries last verified on or before this date need review."""
    return months_before(today, settings.EDITORIAL_REVIEW_AFTER_MONTHS)


def needs_review_condition(today):
    return Q(last_verified__isnull=True) | Q(last_verified__lte=review_due_on_or_before(today))


def needing_review(services, *, today):
    return services.filter(needs_review_condition(today))


def verified_recently(services, *, today):
    return services.exclude(needs_review_condition(today))


@dataclass(frozen=True)
class Freshness:
    last_verified: datetime.date | None
    needs_review: bool


def freshness_of(service, *, today):
    due = review_due_on_or_before(today)
    return Freshness(service.last_verified, service.last_verified is None or service.last_verified <= due)


@dataclass(frozen=True)
class FreshnessSummary:
    total: int
    up_to_date: int
    never_verified: int
    overdue: int
    due: list
    review_after_months: int

    @property
    def needs_review(self):
        return self.never_verified + self.overdue


def freshness_summary(services, *, today, limit=100):
    """Counts for the admin dashboard, and the entries most in need of review (never verified first)."""
    due_date = review_due_on_or_before(today)
    counts = services.aggregate(
        total=Count("pk"),
        never=Count("pk", filter=Q(last_verified__isnull=True)),
        overdue=Count("pk", filter=Q(last_verified__lte=due_date)),
    )
    due = list(
        needing_review(services, today=today)
        .select_related("organisation", "verified_by")
        .order_by(F("last_verified").asc(nulls_first=True), "name")[:limit]
    )
    return FreshnessSummary(
        total=counts["total"],
        up_to_date=counts["total"] - counts["never"] - counts["overdue"],
        never_verified=counts["never"],
        overdue=counts["overdue"],
        due=due,
        review_after_months=settings.EDITORIAL_REVIEW_AFTER_MONTHS,
    )


@transaction.atomic
def mark_verified(services, *, user, on):
    """Record that ``user`` checked each service on ``on``; one history record each. Returns how many."""
    objs = list(services)
    if not objs:
        return 0
    ensure_baselines(Service, [obj.pk for obj in objs])
    for obj in objs:
        obj.last_verified = on
        obj.verified_by = user
    Service.objects.bulk_update(objs, ["last_verified", "verified_by"])
    records = Service.history.bulk_history_create(
        objs, update=True, default_user=user, default_change_reason=gettext("Marked verified")
    )
    record_m2m_rows(Service, records)
    return len(objs)


@transaction.atomic
def propose_verified(services, *, user, on):
    """A provider editor's "checked on ``on``", one pending change per service for a directory admin to approve.

    Returns how many were proposed (services already recorded as verified that day by them are left out).
    """
    last_verified = Service._meta.get_field("last_verified")
    verified_by = Service._meta.get_field("verified_by")
    proposed = 0
    for service in services.select_related("verified_by"):
        if service.last_verified == on and service.verified_by_id == user.pk:
            continue
        PendingChange.objects.create(
            service=service,
            organisation_id=service.organisation_id,
            summary=(gettext("Verified: %(name)s") % {"name": service.name})[:300],
            proposal={
                "fields": {"last_verified": on, "verified_by": user.pk},
                "m2m": {},
                "rows": [],
                "original": {
                    "fields": {
                        "last_verified": as_stored(service.last_verified),
                        "verified_by": service.verified_by_id,
                    },
                    "m2m": {},
                },
            },
            changes=[
                {
                    "model": "directory.service",
                    "object": gettext("Service"),
                    "field": field.name,
                    "before": display_field(service, field),
                    "after": after,
                    "key": f"fields:{field.name}",
                }
                for field, after in ((last_verified, on.isoformat()), (verified_by, str(user)))
            ],
            submitted_by=user,
        )
        proposed += 1
    return proposed


# --------------------------------------------------------------------------
# Validation rules shared by admin forms
# --------------------------------------------------------------------------


def marac_only_with_self_referral(pathways):
    """Whether routes claim self-referral although every other route runs only through MARAC."""
    pathways = list(pathways)
    self_routes = [p for p in pathways if "self" in (p.referrers or [])]
    others = [p for p in pathways if "self" not in (p.referrers or [])]
    return bool(self_routes) and bool(others) and all(p.requires_marac for p in others)


# --------------------------------------------------------------------------
# Problem reports
# --------------------------------------------------------------------------


def take_report_allowance(*, source):
    """Count one report from ``source`` (kept only as a keyed hash, for a few minutes); False once over the limit."""
    key = "editorial-report:" + salted_hmac("editorial.report-rate-limit", source or "unknown").hexdigest()
    window = settings.EDITORIAL_REPORT_WINDOW
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count <= settings.EDITORIAL_REPORT_LIMIT


def queue_counts(user):
    """``(changes waiting for review, open problem reports)`` that ``user`` may see; ``None`` for a queue they
    may not open (a commissioner sees neither: they are the editors' business, not the directory's)."""
    pending = open_reports = None
    if user.has_perm("editorial.view_pendingchange"):
        pending = PendingChange.objects.visible_to(user).pending().count()
    if user.has_perm("editorial.view_problemreport"):
        open_reports = ProblemReport.objects.visible_to(user).open().count()
    return pending, open_reports


def mark_reports_done(reports, *, user):
    return reports.filter(done=False).update(done=True, done_at=timezone.now(), done_by=user)


# --------------------------------------------------------------------------
# Stale claims: what the evidence says is most likely out of date, and one-click evidence
# --------------------------------------------------------------------------


class StaleAction(models.TextChoices):
    VERIFIED = "verified", _("Verified today: it is running")
    ENDED = "ended", _("Ended on …")
    NOT_KNOWN = "not_known", _("Not known")


def stale_claims(services, *, today, limit=200):
    """Services whose claim on ``today`` is old or uncertain, oldest evidence first (one query).

    These are the claims most likely out of date: running but not confirmed within the threshold,
    pilots with no outcome, planned launches that passed, and "not known" checks.
    """
    rows = (
        services.with_timeline(today)
        .select_related("organisation")
        .order_by(F("timeline_evidence").asc(nulls_first=True), "name")
    )
    return [service for service in rows if service.claim.warning][:limit]


def _evidence_fields(action, *, on, user=None):
    """The service fields an action sets: each is evidence on the service's timeline ("ended" is a status event)."""
    if action == StaleAction.VERIFIED:
        return {"last_verified": on, "verified_by": user.pk if user else None, "unconfirmed_on": None}
    return {"unconfirmed_on": on}


def _ended_statement(service, *, ended_on, on, user, role):
    """An editor's statement that ``service`` ended on ``ended_on``: a status event with the editor as its source.

    Checked by the model (``StatusEvent.clean()`` and its constraints) before it is applied or proposed.
    """
    values = {
        "status": Status.DECOMMISSIONED,
        "date": ended_on,
        "precision": Precision.DAY,
        "editor_role": role,
        "stated_by": user.pk if user else None,
        "stated_on": on,
    }
    event = StatusEvent(service=service)
    _set_values(event, values)
    _check(event)
    return event, values


@transaction.atomic
def record_evidence(service, *, action, user, on, ended_on=None):
    """Record an editor's check as evidence on the timeline; a provider editor's waits for review.

    "Ended on …" adds a status event stated by the editor (their role shown, never who), so the timeline
    shows the service ended on that date with its evidence. Returns ``("applied", object)`` or
    ``("proposed", pending change)``.
    """
    from .roles import needs_review as waits

    if action == StaleAction.ENDED and (ended_on is None or ended_on > on):
        raise ValidationError(_("Enter the date it ended, no later than today"))
    if action == StaleAction.ENDED:
        role = EditorRole.PROVIDER if waits(user) else EditorRole.DIRECTORY
        event, values = _ended_statement(service, ended_on=ended_on, on=on, user=user, role=role)
        if waits(user):
            label = capfirst(StatusEvent._meta.verbose_name)
            change = PendingChange.objects.create(
                service=service,
                organisation_id=service.organisation_id,
                summary=(gettext("Evidence for %(name)s: %(action)s") % {"name": service.name, "action": action})[:300],
                proposal={
                    "fields": {},
                    "m2m": {},
                    "rows": [{"model": "directory.statusevent", "fk": "service", "action": "add", "fields": values}],
                },
                changes=[
                    {
                        "model": "directory.statusevent",
                        "object": gettext("New %(thing)s") % {"thing": label.lower()},
                        "field": name,
                        "before": EMPTY,
                        "after": display_value(StatusEvent._meta.get_field(name), value),
                    }
                    for name, value in values.items()
                ],
                submitted_by=user,
            )
            return "proposed", change
        event._history_user = user
        event._change_reason = gettext("Evidence recorded from the directory health page")
        event.save()
        return "applied", event
    values = _evidence_fields(action, on=on, user=user)
    if waits(user):
        changes = [
            {
                "model": "directory.service",
                "object": gettext("Service"),
                "field": name,
                "before": display_field(service, Service._meta.get_field(name)),
                "after": display_value(Service._meta.get_field(name), value),
            }
            for name, value in values.items()
        ]
        change = PendingChange.objects.create(
            service=service,
            organisation_id=service.organisation_id,
            summary=(gettext("Evidence for %(name)s: %(action)s") % {"name": service.name, "action": action})[:300],
            proposal={"fields": values, "m2m": {}, "rows": []},
            changes=changes,
            submitted_by=user,
        )
        return "proposed", change
    ensure_baselines(Service, [service.pk])
    _set_values(service, values)
    _check(service)
    service._history_user = user
    service._change_reason = gettext("Evidence recorded from the directory health page")
    service.save()
    return "applied", service
