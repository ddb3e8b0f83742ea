"""Pages that are the same for every reader, cached until the directory changes.

Commissioner pages (coverage, funding, standards and their CSVs) cost a pass over the whole
directory. They are kept in the shared cache (``REDIS_URL``) keyed by the path, every query
parameter, the language, today's date and the **data version**: a row that every save,
delete and many-to-many change to the directory's models bumps in the same transaction
(signals connected in ``DirectoryConfig.ready``). So a page is computed once per change, not
once per request, and never outlives the data it shows. Staff (editors) always get a fresh
page. Bulk writes that send no signals (``QuerySet.update``, ``bulk_create``) must call
:func:`bump` themselves (the synthetic generator does).
"""

import functools
import hashlib
import uuid

from django.core.cache import cache
from django.db import connection
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import get_language

VERSIONED_APPS = {"directory", "referrals", "regions"}
TIMEOUT = 24 * 60 * 60  # a day at most; the data version makes them stale sooner
KEPT_HEADERS = ("Content-Type", "Content-Disposition")


def current_version():
    """The directory's data version: a counter and a random token, changed by every edit (one row, by key)."""
    from .models import DataVersion

    row = DataVersion.objects.filter(pk=1).values_list("version", "token").first()
    return f"{row[0]}-{row[1]}" if row else "0"


def bump():
    """Mark the directory as changed, inside the current transaction."""
    from .models import DataVersion

    token = uuid.uuid4().hex
    if not DataVersion.objects.filter(pk=1).update(version=F("version") + 1, token=token):
        DataVersion.objects.get_or_create(pk=1, defaults={"version": 2, "token": token})


def _tracked(sender):
    meta = getattr(sender, "_meta", None)
    if meta is None or meta.app_label not in VERSIONED_APPS:
        return False
    # django-simple-history writes a Historical* row beside every save: the save itself already counts.
    return not meta.object_name.startswith("Historical") and meta.object_name != "DataVersion"


def _on_change(sender, **kwargs):
    if _tracked(sender):
        bump()


def _on_m2m(sender, action, **kwargs):
    if action in {"post_add", "post_remove", "post_clear"} and _tracked(sender):
        bump()


def connect_signals():
    post_save.connect(_on_change, dispatch_uid="directory-data-version-save")
    post_delete.connect(_on_change, dispatch_uid="directory-data-version-delete")
    m2m_changed.connect(_on_m2m, dispatch_uid="directory-data-version-m2m")


def cache_key(request):
    query = sorted((key, value) for key in request.GET for value in request.GET.getlist(key))
    parts = [
        str(current_version()),
        get_language() or "",
        timezone.localdate().isoformat(),
        request.path,
        repr(query),
    ]
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
    return f"page:{connection.alias}:{digest}"


def shared_page(view):
    """Serve ``view``'s successful GET responses from the cache until the data version changes.

    Editors (signed-in staff) always get the page computed afresh. Responses that set a cookie
    or that the view marked uncacheable are never stored.
    """

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        user = getattr(request, "user", None)
        if request.method != "GET" or (user is not None and user.is_authenticated and user.is_staff):
            return view(request, *args, **kwargs)
        key = cache_key(request)
        hit = cache.get(key)
        if hit is not None:
            status, headers, content = hit
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response[name] = value
            return response
        response = view(request, *args, **kwargs)
        if (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        ):
            headers = [(name, response[name]) for name in KEPT_HEADERS if name in response]
            cache.set(key, (response.status_code, headers, response.content), TIMEOUT)
        return response

    return wrapped
