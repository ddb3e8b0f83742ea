"""Users in each editorial role, and a helper that fills in an admin change form as a browser would."""

import pytest
from django import forms
from django.contrib.auth.models import Group, User
from django.test import Client

from directory.models import Organisation, Service
from editorial.models import EditorProfile
from editorial.roles import COMMISSIONER, DIRECTORY_ADMIN, PROVIDER_EDITOR
from tests.auth import verified_login

OWN_SERVICE = "they-matter-cumbria"  # Victim Support; has the phone numbers 07919393311 and 07936364165
OTHER_SERVICE = "drive-cwm-taf-morgannwg"  # Safer Merthyr Tydfil


def make_user(username, role=None, organisation=None):
    user = User.objects.create_user(username, f"{username}@example.org", "a-long-test-password-123", is_staff=True)
    if role:
        user.groups.add(Group.objects.get(name=role))
    if organisation:
        EditorProfile.objects.create(user=user, organisation=organisation)
    return user


@pytest.fixture
def victim_support():
    return Organisation.objects.get(slug="victim-support")


@pytest.fixture
def own_service():
    return Service.objects.get(slug=OWN_SERVICE)


@pytest.fixture
def other_service():
    return Service.objects.get(slug=OTHER_SERVICE)


@pytest.fixture
def provider_editor(db, victim_support):
    return make_user("provider", PROVIDER_EDITOR, victim_support)


@pytest.fixture
def directory_admin(db):
    return make_user("diradmin", DIRECTORY_ADMIN)


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root", "root@example.org", "a-long-test-password-123")


@pytest.fixture
def commissioner(db):
    return make_user("commissioner", COMMISSIONER)


def client_for(client, user):
    """``client`` signed in as ``user``, second factor given (every staff account has two-factor sign-in)."""
    return verified_login(client, user)


@pytest.fixture
def provider_client(provider_editor):
    return client_for(Client(), provider_editor)


@pytest.fixture
def director_client(directory_admin):
    return client_for(Client(), directory_admin)


@pytest.fixture
def commissioner_client(commissioner):
    return client_for(Client(), commissioner)


@pytest.fixture
def superuser_client(superuser):
    return client_for(Client(), superuser)


def _put(data, key, field, value):
    if isinstance(field.widget, forms.CheckboxInput):
        if value:
            data[key] = "on"
    elif isinstance(value, (list, tuple)):
        data[key] = [str(item) for item in value]
    elif value is None:
        data[key] = ""
    else:
        data[key] = str(value)


def change_form_data(response):
    """The POST data a browser would send for an admin add or change page, unchanged."""
    data = {"_save": "Save"}
    form = response.context["adminform"].form
    for name, field in form.fields.items():
        _put(data, form.add_prefix(name), field, form[name].value())
    try:
        inlines = response.context["inline_admin_formsets"]
    except KeyError:  # simple-history's revert form has none
        inlines = []
    for inline in inlines:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        for inline_form in formset.forms:
            for name, field in inline_form.fields.items():
                _put(data, inline_form.add_prefix(name), field, inline_form[name].value())
    return data


def inline_prefix(data, model_name, value):
    """The form prefix of the inline row whose fields hold ``value`` (e.g. a contact's phone number)."""
    for key, item in data.items():
        if item == value and key.startswith(model_name) and key.endswith("-value"):
            return key[: -len("-value")]
    raise KeyError(value)
