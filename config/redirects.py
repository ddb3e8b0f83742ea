"""Old public URLs answer a permanent redirect to where the page lives now.

Bookmarks, links in other sites and printed referral packs keep working. GET and HEAD get a 301;
any other method a 308, which keeps the method and body (a report-a-problem form rendered before
the move still posts). The query string is kept. Names only: config imports no app.
"""

from django.http import HttpResponsePermanentRedirect
from django.urls import reverse


def moved(name):
    """A view redirecting permanently to the URL named ``name``, with the same keyword arguments."""

    def view(request, **kwargs):
        url = reverse(name, kwargs=kwargs)
        if query := request.META.get("QUERY_STRING"):
            url = f"{url}?{query}"
        return HttpResponsePermanentRedirect(url, preserve_request=request.method not in ("GET", "HEAD"))

    return view
