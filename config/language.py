"""The language switch: a plain link that sets a cookie lasting only for the browser session.

Django's own ``set_language`` takes a POST, so every page carried a form with a CSRF
token, and the token's cookie lasted a year. On a shared or monitored device a
person must find nothing that lasts, so the switch is a GET link (no token, no
form) and the language cookie dies with the browser session (``LANGUAGE_COOKIE_AGE``
is None, see settings). A POST is still accepted, for pages cached before the change.
"""

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language
from django.views.decorators.http import require_http_methods


def safe_next(request, next_url, default=None):
    """``next_url`` when it is a path on this site, otherwise ``default`` (the home page)."""
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return default or reverse("directory:service-list")


@require_http_methods(["GET", "HEAD", "POST"])
def switch_language(request):
    data = request.POST if request.method == "POST" else request.GET
    response = HttpResponseRedirect(safe_next(request, data.get("next", "")))
    language = data.get("language", "")
    if language and check_for_language(language):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response
