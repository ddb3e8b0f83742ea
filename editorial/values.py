"""Values as an editor reads them, and as a proposal stores and re-applies them."""

import datetime
import json

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext

EMPTY = "—"


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


def as_stored(value):
    """``value`` as a proposal stores it (JSON), so a live value compares equal to the one captured."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


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
