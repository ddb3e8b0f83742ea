from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from .forms import StatusForm
from .models import GlossaryTerm, Organisation, Scope, Service, Tier
from .services import write_csv


def service_list(request):
    """Home: every current service grouped by tier; ?status=all adds the rest."""
    form = StatusForm(request.GET)
    if not form.is_valid():
        return render(request, "directory/service_list.html", {"form": form, "groups": []}, status=400)
    services = Service.objects.for_home_page()
    elsewhere = []
    if form.include_all:
        elsewhere = services.filter(scope=Scope.ELSEWHERE)
        services = services.referable()
    else:
        services = services.referable().current(timezone.localdate())
    return render(
        request,
        "directory/service_list.html",
        {"form": form, "groups": Tier.group(services), "elsewhere": elsewhere, "include_all": form.include_all},
    )


def service_detail(request, slug):
    service = get_object_or_404(Service.objects.for_detail_page(), slug=slug)
    return render(request, "directory/service_detail.html", {"service": service})


def organisation_detail(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    services = organisation.services.for_home_page()
    return render(
        request, "directory/organisation_detail.html", {"organisation": organisation, "services": services}
    )


def glossary(request):
    return render(request, "directory/glossary.html", {"terms": GlossaryTerm.objects.select_related("document")})


def service_export(request):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="services.csv"'
    write_csv(response, Service.objects.for_export())
    return response

