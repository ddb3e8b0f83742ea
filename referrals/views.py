from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from directory.cards import service_cards
from directory.models import Service
from directory.pagecache import current_version, reader_page

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
            page, version = shown(result, show), current_version()  # one read for the questions and the cards
            context = {
                "form": form,
                "result": result,
                "case": form.cleaned_data,
                "page": page,
                "cards": cards(page, version),
                "answers": form.answers(),
                "questions": rendered(form, version=version),
            }
            return render(request, "referrals/case_matcher.html", context)
        return render(request, "referrals/case_matcher.html", {"form": form}, status=400)
    form = CaseForm()
    return render(request, "referrals/case_matcher.html", {"form": form, "questions": rendered(form)})


# The cards' options in each section (``includes/_service_card.html``): the person's own with a referral pack.
PERSON_CARDS = {"heading": "4", "no_summary": True, "no_details": True, "pack": True}
OTHER_CARDS = {"no_details": True}


def cards(page, version):
    """Each shown section's cards, ``{name: [card HTML]}``, as the template's include renders them.

    From the shared cache (``directory.cards.service_cards``): a card keeps the service's public data only;
    its reasons, which follow from the case, are put in per request and never kept.
    """
    found = {}
    for names, options in ((("fits", "check"), PERSON_CARDS), (("partners", "processes", "helplines"), OTHER_CARDS)):
        items = [(name, item) for name in names for item in page[name].items]
        made = service_cards([(item.service, item.reasons) for _name, item in items], version=version, **options)
        for name in names:
            found[name] = []
        for (name, _item), (_service, html) in zip(items, made, strict=True):
            found[name].append(html)
    return found


@reader_page
def referral_pack(request, slug):
    """A printable list of what a referrer must gather for one service: about the service only, never a case, so
    the same for every reader and kept until the data changes (``reader_page``)."""
    service = get_object_or_404(Service.objects.for_detail_page(), slug=slug)
    return render(request, "referrals/referral_pack.html", {"service": service})
