"""Every staff account signs in with a second factor before it can open any admin page."""

from urllib.parse import urlencode

from django.http import HttpResponseRedirect
from django.urls import reverse

from . import services


class TwoFactorMiddleware:
    """Send a signed-in staff user who has not given a second factor to verification (or enrolment).

    Comes after django-otp's OTPMiddleware, which adds ``user.is_verified()``. Covers
    everything under the admin's address (the admin and the editorial pages there),
    except signing in and out and the two-factor pages themselves.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        admin = reverse("admin:index")
        exempt = (
            reverse("admin:login"),
            reverse("admin:logout"),
            reverse("twofactor:setup"),
            reverse("twofactor:verify"),
            reverse("twofactor:recovery-codes"),
        )
        if request.path.startswith(admin) and request.path not in exempt:
            user = request.user
            if user.is_authenticated and user.is_staff and not user.is_verified():
                name = "twofactor:verify" if services.has_authenticator(user) else "twofactor:setup"
                return HttpResponseRedirect(f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
