"""Proposals: a provider editor's change waits for review; a directory admin approves or rejects it."""

from collections import defaultdict
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from directory.models import Service

from .models import PendingChange, ReviewState
from .replay import apply_edit
from .values import EMPTY, as_stored, display_field, display_value


def _row_fields(obj, fk_name):
    return [
        f
        for f in obj._meta.concrete_fields
        if f.editable and not f.primary_key and f.name != fk_name and not f.auto_created
    ]


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


def _stated_by_reviewer(rows, reviewer):
    """An editor's statement proposed without its editor (a status an import carried) is stated by the admin
    who approves it: the timeline's evidence always says who stated it."""
    named = []
    for row in rows:
        fields = row.get("fields") or {}
        if row["model"] == "directory.statusevent" and fields.get("editor_role") and fields.get("stated_by", 0) is None:
            row = {**row, "fields": {**fields, "stated_by": reviewer.pk}}
        named.append(row)
    return named


@transaction.atomic
def approve_change(change, *, reviewer, take=()):
    """Apply a pending change as its editor proposed it, recording them in the history. Returns the service.

    The proposal is replayed through the admin form and inline formsets of a direct edit
    (:func:`editorial.replay.apply_edit`), so it passes every rule a direct edit does; if any
    fails, nothing is applied and the ValidationError carries the forms' messages.

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
    fields = dict(proposal["fields"])
    if service.pk is None:
        fields["organisation"] = change.organisation_id
    # The same admin form and formsets as a direct edit check the proposal: every rule applies again.
    rows = _stated_by_reviewer(proposal["rows"], reviewer)
    service = apply_edit(
        service, user=reviewer, fields=fields, m2m=proposal["m2m"], rows=rows, author=editor, reason=reason
    )

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
