"""`load_directory --if-empty`: a deploy loads the directory once, and never again over editors' work."""

import io

import pytest
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


@pytest.mark.slow
def test_if_empty_loads_an_empty_directory():
    services = Service.objects.count()
    Service.objects.all().delete()
    assert not Service.objects.exists()
    out = io.StringIO()
    call_command("load_directory", "--if-empty", stdout=out)
    assert Service.objects.count() == services
    assert "Loaded" in out.getvalue()
