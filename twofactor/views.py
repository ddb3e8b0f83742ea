"""Enrolment, verification and recovery codes: the second step of every staff sign-in."""

import django_otp
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from config.language import safe_next

from . import services
from .forms import EnrolForm, VerifyForm

RECOVERY_CODES_SESSION_KEY = "twofactor_new_recovery_codes"


def next_url(request):
    given = request.POST.get("next") or request.GET.get("next")
    return safe_next(request, given, default=reverse("admin:index"))


def sign_in_with(request, device):
    """Mark this session as verified with ``device``, under a new session key."""
    request.session.cycle_key()
    django_otp.login(request, device)


@never_cache
@sensitive_post_parameters("code")
@staff_member_required
def setup(request):
    if services.has_authenticator(request.user):
        # Adding another authenticator needs the first one: a stolen password is not enough.
        return redirect(f"{reverse('twofactor:verify')}?{request.GET.urlencode()}")
    device = services.pending_authenticator(request.user)
    form = EnrolForm(request.POST or None, user=request.user, device=device)
    if request.method == "POST" and form.is_valid():
        sign_in_with(request, device)
        request.session[RECOVERY_CODES_SESSION_KEY] = form.recovery_codes
        return redirect(f"{reverse('twofactor:recovery-codes')}?{request.GET.urlencode()}")
    context = {
        "form": form,
        "next": next_url(request),
        "qr_code": services.qr_code_data_uri(device),
        "secret": services.secret_for_typing(device),
    }
    return render(request, "twofactor/setup.html", context, status=400 if form.errors else 200)


@never_cache
@sensitive_post_parameters("code")
@staff_member_required
def verify(request):
    if not services.has_authenticator(request.user):
        return redirect(f"{reverse('twofactor:setup')}?{request.GET.urlencode()}")
    if request.user.is_verified():
        return HttpResponseRedirect(next_url(request))
    form = VerifyForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        sign_in_with(request, form.device)
        return HttpResponseRedirect(next_url(request))
    context = {"form": form, "next": next_url(request)}
    return render(request, "twofactor/verify.html", context, status=400 if form.errors else 200)


@never_cache
@staff_member_required
def recovery_codes(request):
    """The new recovery codes, shown once: a second visit finds them gone."""
    codes = request.session.pop(RECOVERY_CODES_SESSION_KEY, None)
    if not codes:
        return HttpResponseRedirect(next_url(request))
    return render(request, "twofactor/recovery_codes.html", {"codes": codes, "next": next_url(request)})
