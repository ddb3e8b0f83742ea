"""Exact counts kept in the shared cache until the data changes.

Search and area pages count every service matching their filters (thousands at national scale, each
checked against the timeline) to number their pages. The count depends only on the query (its SQL
and parameters, which carry the date the timeline is read on) and the data, so it is kept under a key
made of both: the query's text and the data version (``pagecache.current_version``, changed inside
every edit's transaction). A count is therefore computed once per query, date and change, and is never
a number from other data: no estimate, nothing stale.

Compiling a search's SQL costs as much as a whole bare page (~13 ms at national scale: the timeline's
subqueries), so a caller that knows what decides its query passes that instead as ``key``: the search
page gives its filters' validated values, the date and its base query (``ServiceFilter.cache_key``).
"""

import hashlib

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connection
from django.utils.functional import cached_property

from .pagecache import TIMEOUT, current_version


def cached(queryset, label, compute, *, key=None):
    """``compute()`` for ``queryset``, from the cache when the same query was answered at this data version.

    ``key``, where given, stands for the query (it must determine the query's SQL and parameters entirely);
    otherwise the query is compiled to key it.
    """
    if key is None:
        try:
            sql, params = queryset.query.sql_with_params()
        except EmptyResultSet:  # a query the ORM knows is empty (an empty IN): nothing to key it by
            return compute()
        key = f"{sql}\n{params!r}"
    text = f"{label}\n{key}\n{current_version()}"
    key = f"count:{connection.alias}:{hashlib.sha256(text.encode()).hexdigest()}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value


class CachedCountPaginator(Paginator):
    """A paginator whose total comes from ``cached``: the page's own rows are always read fresh.

    A page is read in two steps: the ids of its rows (the filters and the order, no join), then those rows with
    everything the page shows (``select_related``, annotations, prefetches) by id. In one query PostgreSQL
    misjudges how many services pass the timeline filter (53 estimated, ~3,000 at 10,000 services) and joins
    every organisation to every service (6 million rows compared: 0.9 s of a 0.95 s query); read by id, the
    twenty rows are joined by index. One more query, the same at any size.
    """

    def __init__(self, object_list, per_page, *args, count_key=None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        self.count_key = count_key  # what determines ``object_list``'s query, if known (see ``cached``)

    @cached_property
    def count(self):
        return cached(self.object_list, "count", self.object_list.count, key=self.count_key)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(self._rows(bottom, top), number, self)

    def _rows(self, bottom, top):
        queryset = self.object_list
        ids = list(queryset.prefetch_related(None).values_list("pk", flat=True)[bottom:top])
        if not ids:
            return []
        found = {row.pk: row for row in queryset.filter(pk__in=ids)}
        return [found[pk] for pk in ids if pk in found]
