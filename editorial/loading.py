"""Loading the directory from fixtures without destroying an editor's change.

``load_directory`` runs on every deploy. For each row in the fixtures:

- a row not in the database is added (as ``loaddata`` would; its loaded
  version is recorded as a baseline before its first edit);
- a row that matches its fixture is left as it is (nothing written);
- a row that differs from its fixture is updated, and the update recorded
  in the history with the reason :data:`LOAD_REASON` - unless an editor has
  changed the row since it was last loaded (its latest history record is an
  edit, not a load). Then the edit stands, and the row is reported with each
  difference. A row whose natural key an editor changed (a phone number is part
  of a contact's) is found through the history of what was loaded, so the old
  value is not added back beside the edit; a row an editor removed is not
  brought back.

Only the fields a fixture entry gives are compared and written.
"""

import json
from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.core import serializers
from django.core.exceptions import ObjectDoesNotExist
from django.core.management.color import no_style
from django.db import connection, models, transaction
from simple_history.utils import get_history_manager_for_model

from .history import is_tracked, one_history_record
from .values import display_value

LOAD_REASON = "Loaded from fixtures"


@dataclass(frozen=True)
class Difference:
    field: str
    fixture: str
    current: str


@dataclass(frozen=True)
class RowReport:
    row: str
    source: str
    differences: tuple = ()
    note: str = ""

    def lines(self):
        yield f"  {self.row} [{self.source}]{': ' + self.note if self.note else ''}"
        for difference in self.differences:
            yield f"      {difference.field}: fixture “{difference.fixture}”, now “{difference.current}”"


@dataclass
class LoadReport:
    files: int = 0
    added: int = 0
    unchanged: int = 0
    updated: list = field(default_factory=list)
    left_alone: list = field(default_factory=list)


class _Database:
    """The current rows of each model and their many-to-many ids, read once per model."""

    def __init__(self):
        self._rows = {}
        self._m2m = {}
        self._has_history = {}

    def row(self, model, pk):
        if model not in self._rows:
            self._rows[model] = model._default_manager.in_bulk()
        return self._rows[model].get(pk)

    def m2m(self, model, name, pk):
        key = (model, name)
        if key not in self._m2m:
            model_field = model._meta.get_field(name)
            through = model_field.remote_field.through
            source, target = model_field.m2m_field_name(), model_field.m2m_reverse_field_name()
            ids = defaultdict(list)
            for row_id, related_id in through.objects.values_list(f"{source}_id", f"{target}_id"):
                ids[row_id].append(related_id)
            self._m2m[key] = ids
        return sorted(self._m2m[key].get(pk, []))

    def has_history(self, model):
        if model not in self._has_history:
            self._has_history[model] = get_history_manager_for_model(model).exists()
        return self._has_history[model]


def _fixture_fields(model, names):
    """The concrete fields and many-to-many fields a fixture entry gives values for."""
    concrete, m2m = [], []
    for name in names:
        model_field = model._meta.get_field(name)
        (m2m if model_field.many_to_many else concrete).append(model_field)
    return concrete, m2m


def _describe(obj):
    return f"{obj._meta.verbose_name.capitalize()} “{obj}”"


def _differences(obj, current, concrete, m2m, m2m_data, database):
    differences = []
    for model_field in concrete:
        new, old = model_field.value_from_object(obj), model_field.value_from_object(current)
        if new != old:
            differences.append(
                Difference(model_field.name, display_value(model_field, new), display_value(model_field, old))
            )
    for model_field in m2m:
        new = sorted(m2m_data.get(model_field.name, []))
        old = database.m2m(type(obj), model_field.name, current.pk)
        if new != old:
            words = model_field.related_model._default_manager.in_bulk(set(new) | set(old))
            differences.append(
                Difference(
                    model_field.name,
                    ", ".join(sorted(str(words[pk]) for pk in new)),
                    ", ".join(sorted(str(words[pk]) for pk in old)),
                )
            )
    return differences


def _latest_record(model, pk):
    history = get_history_manager_for_model(model)
    return history.filter(**{model._meta.pk.attname: pk}).order_by("-history_date", "-history_id").first()


def _is_load(record):
    return (record.history_change_reason or "").startswith(LOAD_REASON)


def edited_since_loaded(model, pk):
    """Whether someone changed the row after it was last loaded: its latest history record is not a load."""
    if not is_tracked(model):
        return False
    record = _latest_record(model, pk)
    return record is not None and not _is_load(record)


def _loaded_as(model, obj, concrete, database):
    """The id of the row this fixture entry was once loaded as, where an editor has since changed its natural key.

    The history keeps the loaded version (the baseline before the first edit,
    or a load record), so the row is found by the fixture's own values.
    """
    if not is_tracked(model) or not database.has_history(model):
        return None
    values = {
        model_field.attname: model_field.value_from_object(obj)
        for model_field in concrete
        if not isinstance(model_field, models.JSONField)
    }
    history = get_history_manager_for_model(model)
    pk_name = model._meta.pk.attname
    ids = set(history.filter(**values).values_list(pk_name, flat=True))
    for pk in sorted(ids):
        latest = _latest_record(model, pk)
        if latest is not None and not _is_load(latest):
            return pk
    return None


def _load_entry(item, names, source, report, database):
    obj = item.object
    model = type(obj)
    concrete, m2m = _fixture_fields(model, names)
    current = database.row(model, obj.pk) if obj.pk is not None else None
    if current is None:
        edited_pk = _loaded_as(model, obj, concrete, database)
        if edited_pk is None:
            item.save()  # a new row, added as loaddata adds it
            report.added += 1
            return
        current = database.row(model, edited_pk)
        if current is None:
            report.left_alone.append(RowReport(_describe(obj), source, note="removed by an editor since it was loaded"))
            return
        differences = _differences(obj, current, concrete, m2m, item.m2m_data, database)
        report.left_alone.append(RowReport(_describe(current), source, tuple(differences)))
        return

    differences = _differences(obj, current, concrete, m2m, item.m2m_data, database)
    if not differences:
        report.unchanged += 1
        return
    if edited_since_loaded(model, current.pk):
        report.left_alone.append(RowReport(_describe(current), source, tuple(differences)))
        return
    for model_field in concrete:
        setattr(current, model_field.attname, model_field.value_from_object(obj))
    current._change_reason = f"{LOAD_REASON} ({source})"
    current.save()
    changed_m2m = [f for f in m2m if database.m2m(model, f.name, current.pk) != sorted(item.m2m_data.get(f.name, []))]
    if changed_m2m:
        with one_history_record(current):
            for model_field in changed_m2m:
                getattr(current, model_field.name).set(item.m2m_data.get(model_field.name, []))
    report.updated.append(RowReport(_describe(current), source, tuple(differences)))


def _deserialize(entry):
    """The entry as a deserialized object, or ``None`` while a row it names by natural key is not in the database."""
    try:
        return next(serializers.deserialize("python", [entry], handle_forward_references=True))
    except ObjectDoesNotExist:
        return None


def _describe_entry(entry):
    item = _deserialize(entry)
    if item is not None:
        return _describe(item.object)
    natural = ", ".join(str(value) for value in entry.get("fields", {}).values() if isinstance(value, str))
    return f"{entry['model']}: {natural[:120]}"


@transaction.atomic
def load_fixtures(paths):
    """Load each fixture file in order; returns a :class:`LoadReport`.

    An entry that refers to a row defined later (an area within a larger one
    further down the file) waits until that row is there.
    """
    report = LoadReport()
    database = _Database()
    waiting, with_ids = [], set()
    for path in paths:
        for entry in json.loads(path.read_text(encoding="utf-8")):
            if entry.get("pk") is not None:
                with_ids.add(entry["model"])
            item = _deserialize(entry)
            if item is None or item.deferred_fields:
                waiting.append((entry, path.name))
                continue
            _load_entry(item, list(entry.get("fields", {})), path.name, report, database)
        report.files += 1
    while waiting:
        still_waiting = []
        for entry, source in waiting:
            item = _deserialize(entry)
            if item is None or item.deferred_fields:
                still_waiting.append((entry, source))
            else:
                _load_entry(item, list(entry.get("fields", {})), source, report, database)
        if len(still_waiting) == len(waiting):
            for entry, source in still_waiting:
                report.left_alone.append(
                    RowReport(
                        _describe_entry(entry),
                        source,
                        note="it refers to a row that is not in the database (renamed or removed by an editor?)",
                    )
                )
            break
        waiting = still_waiting
    _reset_sequences(with_ids)
    return report


def _reset_sequences(labels):
    """As loaddata does: after rows were written with explicit ids, the next id PostgreSQL hands out follows them."""
    statements = connection.ops.sequence_reset_sql(no_style(), [apps.get_model(label) for label in sorted(labels)])
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
