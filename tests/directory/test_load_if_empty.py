"""`load_directory --if-empty`: a deploy loads the directory once, and never again over editors' work."""

import io

import pytest
from django.apps import apps
from django.core.management import call_command

from directory.models import Contact, Service

pytestmark = pytest.mark.django_db


@pytest.mark.slow
def test_if_empty_leaves_a_loaded_directory_alone():
    contact = Contact.objects.order_by("pk").first()
    contact.value = "edited by an editor"
    contact.save()
    services = Service.objects.count()
    out = io.StringIO()
    call_command("load_directory", "--if-empty", stdout=out)
    contact.refresh_from_db()
    assert contact.value == "edited by an editor"
    assert Service.objects.count() == services
    assert f"The directory already holds {services} services; nothing loaded." in out.getvalue()


def empty_the_directory():
    """As on a first deploy: no services, and no history of anyone removing them."""
    Service.objects.all().delete()
    for model in apps.get_models():
        if hasattr(model, "history") and not model._meta.model_name.startswith("historical"):
            model.history.all().delete()


@pytest.mark.slow
def test_if_empty_loads_an_empty_directory():
    services = Service.objects.count()
    empty_the_directory()
    assert not Service.objects.exists()
    out = io.StringIO()
    call_command("load_directory", "--if-empty", stdout=out)
    assert Service.objects.count() == services
    assert "Loaded" in out.getvalue()


@pytest.mark.slow  # reloads the whole directory
def test_rows_that_name_a_service_an_editor_removed_are_listed_not_a_crash():
    """Services removed (by someone, in the history) stay removed; their contacts are reported, not loaded."""
    Service.objects.filter(slug="they-matter-cumbria").delete()
    out = io.StringIO()
    call_command("load_directory", stdout=out)
    assert not Service.objects.filter(slug="they-matter-cumbria").exists()
    assert "refers to a row that is not in the database" in out.getvalue()
