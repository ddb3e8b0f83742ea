"""An organisation's website is a web address: Organisation.clean(), on every path that writes one.

The paths: the model, the organisation's admin form and the Open Referral import
(which can create an organisation). The CSV import and approval name an
organisation by slug or id and never write its website.
"""

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from directory.models import Organisation
from editorial.models import PendingChange
from tests.api.conftest import REFERENCE

from .conftest import change_form_data

pytestmark = pytest.mark.django_db

MESSAGE = "Enter a web address, like https://www.example.org"


def test_the_model_refuses_a_website_that_is_not_a_web_address_and_keeps_a_good_one_trimmed():
    organisation = Organisation.objects.exclude(website="").first()
    organisation.website = "not a site"
    with pytest.raises(ValidationError) as refused:
        organisation.full_clean()
    assert refused.value.message_dict == {"website": [MESSAGE]}
    organisation.website = "  www.example.org "
    organisation.full_clean()
    assert organisation.website == "www.example.org"


def test_every_organisation_in_the_directory_meets_the_rule():
    for organisation in Organisation.objects.all():
        organisation.full_clean()


def test_the_admin_form_refuses_it_with_the_message(director_client):
    organisation = Organisation.objects.exclude(website="").first()
    url = reverse("admin:directory_organisation_change", args=[organisation.pk])
    data = change_form_data(director_client.get(url))
    data["website"] = "not a site"
    response = director_client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["website"] == [MESSAGE]
    assert Organisation.objects.get(pk=organisation.pk).website == organisation.website


def test_the_open_referral_import_refuses_a_new_organisation_with_a_bad_website(tmp_path):
    item = json.loads((REFERENCE / "examples" / "service_full.json").read_text())
    item["organization"]["website"] = "not a site"
    path = tmp_path / "feed.json"
    path.write_text(json.dumps([item]))
    with pytest.raises(CommandError) as refused:
        call_command("import_oruk", str(path), "--tier", "early_intervention", "--apply")
    assert f"organization website: {MESSAGE}" in str(refused.value)
    assert not Organisation.objects.filter(name="Example Organization Inc.").exists()
    assert not PendingChange.objects.exists()
