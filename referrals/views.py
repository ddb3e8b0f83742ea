from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from directory.models import Service

from .forms import CaseForm, rendered
from .services import match_case, shown


@never_cache
@sensitive_post_parameters()
def case_matcher(request):
    """The case matcher. Case facts arrive by POST, are used for this response only, and are never stored."""
    if request.method == "POST":
        form = CaseForm(request.POST)
        if form.is_valid():
            show = form.cleaned_data["show"] or None
            result = match_case(form.cleaned_data, today=timezone.localdate(), show=show)
            context = {
                "form": form,
                "result": result,
                "case": form.cleaned_data,
                "page": shown(result, show),
                "answers": form.answers(),
                "questions": rendered(form),
            }
            return render(request, "referrals/case_matcher.html", context)
        return render(request, "referrals/case_matcher.html", {"form": form}, status=400)
    form = CaseForm()
    return render(request, "referrals/case_matcher.html", {"form": form, "questions": rendered(form)})


def referral_pack(request, slug):
    """A printable list of what a referrer must gather for one service."""
    service = get_object_or_404(Service.objects.for_detail_page(), slug=slug)
    return render(request, "referrals/referral_pack.html", {"service": service})
