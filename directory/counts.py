"""Exact counts kept in the shared cache until the data changes.

Search and area pages count every service matching their filters (thousands at national scale, each
checked against the timeline) to number their pages. The count depends only on the query (its SQL
and parameters, which carry the date the timeline is read on) and the data, so it is kept under a key
made of both: the query's text and the data version (``pagecache.current_version``, changed inside
every edit's transaction). A count is therefore computed once per query, date and change, and is never
a number from other data: no estimate, nothing stale.
"""

import hashlib

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connection
from django.utils.functional import cached_property

from .pagecache import TIMEOUT, current_version


def cached(queryset, label, compute):
    """``compute()`` for ``queryset``, from the cache when the same query was answered at this data version."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # a query the ORM knows is empty (an empty IN): nothing to key it by
        return compute()
    text = f"{label}\n{sql}\n{params!r}\n{current_version()}"
    key = f"count:{connection.alias}:{hashlib.sha256(text.encode()).hexdigest()}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value


class CachedCountPaginator(Paginator):
    """A paginator whose total comes from ``cached``: the page's own rows are always read fresh."""

    @cached_property
    def count(self):
        return cached(self.object_list, "count", self.object_list.count)
