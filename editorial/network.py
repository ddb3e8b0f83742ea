"""The address a request came from, as far as the deployment can vouch for it."""

import ipaddress

from django.conf import settings


def _valid(address):
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_address(request):
    """The client's address for lockouts and rate limits.

    With ``TRUSTED_PROXY_COUNT`` = 0 this is the address that connected (``REMOTE_ADDR``)
    and ``X-Forwarded-For`` is ignored: anyone can send that header. With N trusted
    proxies, each appends the address it saw, so the last N entries were written by
    them and the N-th from the right is the address the outermost trusted proxy saw;
    anything further left was sent by the client and is not trusted. A request that
    carries fewer entries did not pass through the proxies, so its connecting address
    is used.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= count:
            seen = _valid(hops[-count])
            if seen:
                return seen
    return _valid(remote) or remote or None
