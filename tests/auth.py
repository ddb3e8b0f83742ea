"""Signing staff in for tests: a session verified by a second factor, as after the two-factor step."""

import base64
import time

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def authenticator_for(user):
    """``user``'s confirmed authenticator app, made if they have none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Test authenticator", confirmed=True)


def verified_login(client, user):
    """Sign ``user`` in on ``client`` with their second factor already given; returns the client."""
    device = authenticator_for(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def totp_code(key, last_t=-1):
    """The code an authenticator app shows now for ``key`` (bytes, or base32 as shown to people).

    A code is accepted once: when this time step's code was used already (``last_t``),
    the next step's code is given (django-otp accepts one step either side).
    """
    if isinstance(key, str):
        secret = "".join(key.split()).upper()
        key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    totp = TOTP(key)
    totp.time = time.time()
    if totp.t() <= last_t:
        totp.drift = last_t + 1 - totp.t()
    return f"{totp.token():06d}"


def code_for(device):
    """The next code ``device`` accepts."""
    device.refresh_from_db()
    return totp_code(device.bin_key, device.last_t)
