"""Pages that are the same for every reader, cached until the directory changes.

Commissioner pages (coverage, funding, standards and their CSVs) cost a pass over the whole
directory. They are kept in the shared cache (``REDIS_URL``) keyed by the path, every query
parameter, the language, today's date and the **data version**: a row that every save,
delete and many-to-many change to the directory's models bumps in the same transaction
(signals connected in ``DirectoryConfig.ready``). So a page is computed once per change, not
once per request, and never outlives the data it shows. Staff (editors) always get a fresh
page. Bulk writes that send no signals (``QuerySet.update``, ``bulk_create``) must call
:func:`bump` themselves (the synthetic generator does); ``migrate`` (data migrations write through
historical models) and ``flush`` bump it when they finish (``post_migrate``). The kept timeline
(``directory.models.timeline``) is keyed by the same version; its own writes bump nothing.

Service, area and search pages (one per service, one per area's page of services, one per search
without typed words) are kept the same way for anonymous readers by :func:`reader_page`, at their
own addresses only; anyone signed in gets them computed.
"""

import contextvars
import functools
import hashlib
import time
import uuid
import zlib

from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import connection, connections
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import get_language

VERSIONED_APPS = {"directory", "referrals", "regions"}
UNTRACKED = {"DataVersion", "TimelineDay", "TimelineFill"}  # the version itself, and what is keyed by it
TIMEOUT = 24 * 60 * 60  # a day at most; the data version makes them stale sooner
KEPT_HEADERS = ("Content-Type", "Content-Disposition")


# Within one GET or HEAD request the version is read once and remembered (the page cache, the area select
# and the search counts all key by it); ``None`` outside such a request, where every call reads the row.
_request_version = contextvars.ContextVar("directory_data_version", default=None)
_READING = object()  # in a reading request, not read yet
# Whether this request changed the directory (``bump``): if so, once its response is sent, the new version's
# timeline is kept for the dates readers ask for without choosing one (``timeline.fill_after_an_edit``).
_edited = contextvars.ContextVar("directory_data_edited", default=False)


def current_version():
    """The directory's data version: a counter and a random token, changed by every edit (one row, by key)."""
    from .models import DataVersion

    remembered = _request_version.get()
    if remembered is not None and remembered is not _READING:
        return remembered
    row = DataVersion.objects.filter(pk=1).values_list("version", "token").first()
    version = f"{row[0]}-{row[1]}" if row else "0"
    if remembered is _READING:
        _request_version.set(version)
    return version


def _request_began(sender, environ=None, **kwargs):
    reading = (environ or {}).get("REQUEST_METHOD") in ("GET", "HEAD")
    _request_version.set(_READING if reading else None)
    _edited.set(False)


def _request_ended(sender, **kwargs):
    """The response is sent (Django sends ``request_finished`` when the server closes it): after an edit, the new
    version's kept timeline is filled here, by the editor's request, rather than by the next reader's."""
    _request_version.set(None)
    if _edited.get():
        _edited.set(False)
        from .models.timeline import fill_after_an_edit

        fill_after_an_edit()


def bump(using=None):
    """Mark the directory as changed, inside the current transaction."""
    from .models import DataVersion

    _request_version.set(None)  # never remember a version across an edit
    _edited.set(True)

    token = uuid.uuid4().hex
    versions = DataVersion.objects.using(using)
    if not versions.filter(pk=1).update(version=F("version") + 1, token=token):
        versions.get_or_create(pk=1, defaults={"version": 2, "token": token})


def _tracked(sender):
    meta = getattr(sender, "_meta", None)
    if meta is None or meta.app_label not in VERSIONED_APPS:
        return False
    # django-simple-history writes a Historical* row beside every save: the save itself already counts.
    return not meta.object_name.startswith("Historical") and meta.object_name not in UNTRACKED


def _on_change(sender, **kwargs):
    if _tracked(sender):
        bump()


def _on_m2m(sender, action, **kwargs):
    if action in {"post_add", "post_remove", "post_clear"} and _tracked(sender):
        bump()


def _on_migrate(sender, using="default", **kwargs):
    """After ``migrate`` (data migrations change rows without the models' signals) or ``flush``: a new version."""
    from .models import DataVersion

    if DataVersion._meta.db_table in connections[using].introspection.table_names():
        bump(using=using)


def connect_signals(app_config):
    request_started.connect(_request_began, dispatch_uid="directory-data-version-request-started")
    request_finished.connect(_request_ended, dispatch_uid="directory-data-version-request-finished")
    post_save.connect(_on_change, dispatch_uid="directory-data-version-save")
    post_delete.connect(_on_change, dispatch_uid="directory-data-version-delete")
    m2m_changed.connect(_on_m2m, dispatch_uid="directory-data-version-m2m")
    post_migrate.connect(_on_migrate, sender=app_config, dispatch_uid="directory-data-version-migrate")


LOCK_SECONDS = 120  # one request computes a page after a change; the lock lapses if its worker dies
WAIT_SECONDS = 60  # others wait this long for it at most (when no earlier version can be served)


def _page_and_version(request, query):
    """The hashed parts of a page's key: its language, date, path and ``query`` (text), and the data version."""
    parts = [get_language() or "", timezone.localdate().isoformat(), request.path, query]
    page = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
    return f"page:{connection.alias}:{page}", hashlib.sha256(current_version().encode()).hexdigest()[:16]


def cache_keys(request, by_query=True):
    """``(key, latest)``: the page at this data version, and the last version computed of it. ``by_query=False``: one
    page whatever the query string (a view that reads none)."""
    query = sorted((key, value) for key in request.GET for value in request.GET.getlist(key)) if by_query else []
    page, version = _page_and_version(request, repr(query))
    return f"{page}:{version}", f"{page}:latest"


def _from_cache(entry):
    status, headers, content = entry
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    return response


STREAM_KEPT_BYTES = 8 * 1024 * 1024  # a streamed page larger than this is served but not kept


class _Kept:
    """A streamed page's chunks, passed on as they come and stored whole at the end (if small enough). The lock is
    released when the response is closed (the server closes it however the stream ended, even unread)."""

    def __init__(self, chunks, key, latest, headers, lock):
        self.chunks, self.key, self.latest, self.headers, self.lock = chunks, key, latest, headers, lock

    def __iter__(self):
        kept, size = [], 0
        for chunk in self.chunks:
            if kept is not None:
                size += len(chunk)
                if size <= STREAM_KEPT_BYTES:
                    kept.append(chunk)
                else:
                    kept = None
            yield chunk
        if kept is not None:
            entry = (200, self.headers, b"".join(kept))
            cache.set_many({self.key: entry, self.latest: entry}, TIMEOUT)

    def close(self):
        if self.lock is not None:
            cache.delete(self.lock)
            self.lock = None


def _reads_only(request, params):
    """Whether the query string gives only ``params`` (any, where ``None``), each once."""
    return params is None or all(name in params and len(request.GET.getlist(name)) == 1 for name in request.GET)


def shared_page(view=None, *, by_query=True, params=None):
    """Serve ``view``'s successful GET responses from the cache until the data version changes.

    Keyed by every query parameter; ``by_query=False`` for a view that reads none (the data package): one kept page
    for any query string, so ``?x=1``, ``?x=2``… are neither computed again nor kept again. ``params``: the
    parameters the view reads (its form's fields); a request giving any other, or one twice, is computed and
    neither looked up nor kept, so no one can fill the cache with spellings of one page. A HEAD request is
    answered from the kept page where there is one, and otherwise computed, not kept.

    After a change, the first request computes the page (holding a lock in the cache); requests
    arriving meanwhile get the previous version if there is one, or wait for the new one, so a
    page is computed once per change even under load. Editors (signed-in staff) always get the
    page computed afresh. Responses that set a cookie are never stored.
    """
    if view is None:
        return functools.partial(shared_page, by_query=by_query, params=params)

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        user = getattr(request, "user", None)
        if (
            request.method not in ("GET", "HEAD")
            or (user is not None and user.is_authenticated and user.is_staff)
            or not _reads_only(request, params)
        ):
            return view(request, *args, **kwargs)
        key, latest = cache_keys(request, by_query)
        entry = cache.get(key)
        if entry is not None:
            return _from_cache(entry)
        if request.method == "HEAD":
            return view(request, *args, **kwargs)
        lock = key + ":lock"
        computing = cache.add(lock, 1, LOCK_SECONDS)
        if not computing:
            stale = cache.get(latest)
            if stale is not None:
                return _from_cache(stale)
            deadline = time.monotonic() + WAIT_SECONDS
            while time.monotonic() < deadline:
                time.sleep(0.1)
                entry = cache.get(key)
                if entry is not None:
                    return _from_cache(entry)
        try:
            response = view(request, *args, **kwargs)
            if (
                response.status_code == 200
                and not response.cookies
                and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            ):
                headers = [(name, response[name]) for name in KEPT_HEADERS if name in response]
                if response.streaming:
                    # Kept as it streams (stored once the last chunk is sent); the lock is held until then.
                    response.streaming_content = _Kept(
                        response.streaming_content, key, latest, headers, lock if computing else None
                    )
                    computing = False
                else:
                    entry = (response.status_code, headers, response.content)
                    cache.set_many({key: entry, latest: entry}, TIMEOUT)
        finally:
            if computing:
                cache.delete(lock)
        return response

    return wrapped


def reader_key(request):
    """The key of an anonymous reader's page (``reader_page``): as ``cache_keys``, but by the query string exactly as
    it came (a page repeats it in its links: ``?a=1&b=2`` and ``?b=2&a=1`` are two pages)."""
    page, version = _page_and_version(request, request.META.get("QUERY_STRING", ""))
    return f"{page}:{version}:reader"


def reader_page(view=None, *, private=()):
    """Serve an anonymous reader's page from the shared cache until the data version changes (service, area and
    search pages).

    These pages depend only on the address, the data, the date and the language (keyed by them and the data version,
    ``reader_key``), so the cache holds a bounded number of them: a page is stored only at its canonical address,
    with no query string, or where the view marked the response ``canonical`` (an area's page number as the page
    shows it; a search's validated filters in the form's order). Any other query string (``?x=1``) is computed
    afresh each time and never stored, so no one can fill the cache with spellings of one page. A request with a
    ``private`` parameter given (a search's typed words) is neither looked up nor stored: what someone typed is
    never part of a key or a value. A signed-in user (an editor) always gets the page computed for them and
    nothing of theirs is stored; a response that sets a cookie is never stored. Each page is computed in tens of
    milliseconds, so there is no lock: after a change the next request for it computes it. Kept compressed (a
    fifth of the size: 10,000 services' pages in two languages).
    """
    if view is None:
        return functools.partial(reader_page, private=private)

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        user = getattr(request, "user", None)
        if (
            request.method != "GET"
            or (user is not None and user.is_authenticated)
            or any(value for name in private for value in request.GET.getlist(name))
        ):
            return view(request, *args, **kwargs)
        key = reader_key(request)
        entry = cache.get(key)
        if entry is not None:
            status, headers, content = entry
            return _from_cache((status, headers, zlib.decompress(content)))
        response = view(request, *args, **kwargs)
        if (
            (not request.META.get("QUERY_STRING") or getattr(response, "canonical", False))
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        ):
            headers = [(name, response[name]) for name in KEPT_HEADERS if name in response]
            cache.set(key, (response.status_code, headers, zlib.compress(response.content, 1)), TIMEOUT)
        return response

    return wrapped
