"""One natural-key manager finds every row a fixture can name, for every model that has a natural key."""

import pytest
from django.apps import apps

from regions.natural_keys import NaturalKeyManager

pytestmark = pytest.mark.django_db

APPS = {"regions", "directory", "referrals", "editorial"}
KEYED = [model for model in apps.get_models() if hasattr(model, "natural_key") and model._meta.app_label in APPS]


def test_every_model_with_a_natural_key_uses_the_one_manager():
    assert len(KEYED) >= 17
    assert [model.__name__ for model in KEYED if not isinstance(model._default_manager, NaturalKeyManager)] == []


@pytest.mark.parametrize("model", KEYED, ids=lambda model: model._meta.label_lower)
def test_each_row_is_found_by_its_natural_key(model):
    rows = list(model._default_manager.all()[:200])
    assert rows, f"the fixtures hold no {model._meta.label_lower}"
    for row in rows:
        assert model._default_manager.get_by_natural_key(*row.natural_key()) == row
