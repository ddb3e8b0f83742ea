"""The benchmark's yardstick: a bare view rendering the site's base.html (only with DJANGO_BENCH_VIEWS=1)."""

from django.shortcuts import render


def bare(request):
    """No queries, no content: the floor for a page of this site through the same middleware."""
    return render(request, "base.html", {})
