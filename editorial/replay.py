"""An edit applied through the admin's own form and inline formsets, exactly as a direct edit is.

Approval and undo both describe what they change (fields, many-to-many fields and inline rows) and
hand it here. The values are laid over the row as it is now, posted to the same ModelForm and
formsets a directory admin's direct edit uses, and saved only if every one of them is valid. So a
rule anywhere on that path (model ``clean()``, constraints, field validators, a formset's rule such
as "keep at least one citation") refuses an approval or an undo just as it refuses a direct edit.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .history import one_history_record
from .values import _check, _set_values

GONE = _("A %(thing)s in this change has been removed since it was proposed. Reject the change.")


def _request_for(user):
    """The admin asks the request who is editing (scoping, read-only fields): here, the one applying the edit."""
    request = HttpRequest()
    request.method = "POST"
    request.user = user
    return request


def _put(data, key, field, value):
    """``value`` (as a form field prepares it) in ``data`` as a browser would post it."""
    if isinstance(field.widget, forms.CheckboxInput):
        if value:
            data[key] = "on"
    elif isinstance(value, (list, tuple)):
        data[key] = [str(item) for item in value]
    elif value is None:
        data[key] = ""
    else:
        data[key] = str(value)


def _form_data(form, values):
    """What the form posts for its instance with ``values`` laid over it."""
    data = {}
    for name, field in form.fields.items():
        value = field.prepare_value(values[name]) if name in values else form[name].value()
        _put(data, form.add_prefix(name), field, value)
    return data


def _formset_data(formset, rows):
    """What an inline formset posts for the rows as they are now, with ``rows`` changed, removed or added."""
    label = formset.model._meta.label_lower
    mine = [row for row in rows if row["model"] == label]
    by_pk = {row["pk"]: row for row in mine if row["action"] != "add"}
    added = [row for row in mine if row["action"] == "add"]
    existing = formset.forms[: formset.initial_form_count()]
    present = {form.instance.pk for form in existing}
    for pk in by_pk:
        if pk not in present:
            raise ValidationError(GONE % {"thing": formset.model._meta.verbose_name})
    data = {}
    management = formset.management_form
    for name in management.fields:
        data[management.add_prefix(name)] = management[name].value()
    data[management.add_prefix("TOTAL_FORMS")] = str(len(existing) + len(added))
    for form in existing:
        row = by_pk.get(form.instance.pk)
        data.update(_form_data(form, row.get("fields", {}) if row else {}))
        if row and row["action"] == "delete":
            data[form.add_prefix("DELETE")] = "on"
    skip = {formset.fk.name, formset.model._meta.pk.name}
    for index, row in enumerate(added, start=len(existing)):
        empty = formset.empty_form
        for name, field in empty.fields.items():
            if name not in skip and name != "DELETE":
                _put(data, formset.add_prefix(index) + f"-{name}", field, field.prepare_value(row["fields"].get(name)))
    return data


def _lay_outside_fields(formset, rows):
    """Row fields the inline form does not show (who stated an editor's statement), set on each row as
    ``apply_edit`` sets the object's own: the form validates the rest, the model's clean() and constraints
    see all of it."""
    label = formset.model._meta.label_lower
    mine = [row for row in rows if row["model"] == label]
    changed = {row["pk"]: row for row in mine if row["action"] == "change"}
    added = [row for row in mine if row["action"] == "add"]
    initial = formset.initial_form_count()
    for index, form in enumerate(formset.forms):
        if index < initial:
            row = changed.get(form.instance.pk)
        else:
            row = added[index - initial] if index - initial < len(added) else None
        if row:
            _set_values(form.instance, {k: v for k, v in row.get("fields", {}).items() if k not in form.fields})


def _messages(form, formsets):
    """Every error of the form and formsets, each saying which part it is about."""
    found = []
    for name, errors in form.errors.items():
        for message in errors:
            if name in form.fields:
                found.append(f"{capfirst(form.fields[name].label or name)}: {message}")
            else:
                found.append(message)
    for formset in formsets:
        thing = capfirst(formset.model._meta.verbose_name)
        found.extend(f"{thing}: {message}" for message in formset.non_form_errors())
        for row_form in formset.forms:
            for name, errors in row_form.errors.items():
                label = row_form.fields[name].label if name in row_form.fields else ""
                for message in errors:
                    found.append(f"{thing}: {capfirst(label)}: {message}" if label else f"{thing}: {message}")
    return found


def apply_edit(obj, *, user, fields=None, m2m=None, rows=(), author=None, reason=""):
    """Apply an edit to ``obj`` (a new, unsaved row to add one) through its admin form and inline formsets.

    ``fields`` and ``m2m`` map names to values as ``value_from_object`` gives them (raw ids for foreign
    keys, id lists for many-to-many fields); ``rows`` are inline rows: ``{"model": label, "action":
    "add" | "change" | "delete", "pk": ..., "fields": {...}}``. ``user`` is who applies it (the admin
    form is theirs), ``author`` who the history names. Everything is validated before anything is
    saved; on any error nothing is saved and a ValidationError lists the forms' messages.
    Returns ``obj``, saved.
    """
    fields, m2m = dict(fields or {}), dict(m2m or {})
    model_admin = admin.site.get_model_admin(type(obj))
    request = _request_for(user)
    adding = obj.pk is None
    form_class = model_admin.get_form(request, None if adding else obj, change=not adding)
    outside = {name: value for name, value in fields.items() if name not in form_class.base_fields}
    _set_values(obj, outside)  # fields the form does not show (who verified it, when it was unconfirmed)

    data = _form_data(form_class(instance=obj), {**fields, **m2m})
    inlines = list(model_admin.get_formsets_with_inlines(request, None if adding else obj))
    prefixes, unbound = {}, []
    for formset_class, inline in inlines:
        prefix = formset_class.get_default_prefix()
        prefixes[prefix] = prefixes.get(prefix, 0) + 1
        if prefixes[prefix] != 1:
            prefix = f"{prefix}-{prefixes[prefix]}"
        kwargs = {"instance": obj, "prefix": prefix, "queryset": inline.get_queryset(request)}
        formset = formset_class(**kwargs)
        data.update(_formset_data(formset, rows))
        unbound.append((formset_class, kwargs))
    handled = {formset_class.model._meta.label_lower for formset_class, _inline in inlines}
    for row in rows:
        if row["model"] not in handled:
            raise ValidationError(gettext("%(thing)s rows cannot be changed from this page.") % {"thing": row["model"]})

    form = form_class(data, instance=obj)
    valid = form.is_valid()
    instance = form.instance
    formsets = [formset_class(data, **{**kwargs, "instance": instance}) for formset_class, kwargs in unbound]
    for formset in formsets:
        _lay_outside_fields(formset, rows)
    valid = all([valid] + [formset.is_valid() for formset in formsets])
    if not valid:
        raise ValidationError(_messages(form, formsets) or [gettext("The change could not be applied.")])

    instance = form.save(commit=False)
    instance._history_user = author
    instance._change_reason = reason
    if adding or form.changed_data or outside:
        _check(instance)
        instance.save()
        with one_history_record(instance):
            form.save_m2m()
    saved, removed = [], []
    for formset in formsets:
        formset.instance = instance
        saved.extend(formset.save(commit=False))
        removed.extend(formset.deleted_objects)
    # Changed and added rows first, removals last, so that replacing a service's only citation never
    # passes through a moment with none (Citation.delete() refuses that).
    for row in saved:
        row._history_user = author
        row._change_reason = reason
        row.save()
    for formset in formsets:
        formset.save_m2m()
    for row in removed:
        row._history_user = author
        row._change_reason = reason
        row.delete()
    return instance
