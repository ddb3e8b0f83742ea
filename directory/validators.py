"""Validators for what editors type: UK phone numbers, email and web addresses, as the documents write them."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.translation import gettext_lazy as _

PHONE_CHARACTERS = re.compile(r"^\+?[\d\s()\-]+$")
UK_NUMBER = re.compile(r"^(0\d{9,10}|1\d{2}|116\d{3})$")


def normalise_uk_phone(value):
    """The digits of a UK number in national form: '+44 (0)7919 393311' → '07919393311'."""
    digits = re.sub(r"[\s()\-]", "", value)
    if digits.startswith("+44"):
        digits = digits[3:]
        digits = digits if digits.startswith("0") else "0" + digits
    return digits


def validate_uk_phone(value):
    """A UK landline, mobile, freephone or short number, with or without spaces, brackets or +44."""
    message = _("Enter a UK phone number, like 01632 960001, 07700 900982 or +44 7700 900982")
    if not PHONE_CHARACTERS.match(value.strip()):
        raise ValidationError(message, code="invalid_phone")
    if not UK_NUMBER.match(normalise_uk_phone(value.strip())):
        raise ValidationError(message, code="invalid_phone")


validate_email = EmailValidator(message=_("Enter an email address in the correct format, like name@example.org"))
_url = URLValidator(schemes=["http", "https"], message=_("Enter a web address, like https://www.example.org"))


def validate_web_address(value):
    """A web address with or without its scheme ('www.example.org' is how documents often write it)."""
    value = value.strip()
    _url(value if "://" in value else f"https://{value}")


# The format each kind of Contact must have (Contact.clean()); keys are ContactKind values.
CONTACT_FORMATS = {
    "email": validate_email,
    "phone": validate_uk_phone,
    "website": validate_web_address,
}
