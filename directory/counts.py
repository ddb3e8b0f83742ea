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

import contextlib
import hashlib
import itertools

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connection, connections
from django.utils.functional import cached_property

from .pagecache import TIMEOUT, current_version


def cached(queryset, label, compute, *, key=None):
    """``compute()`` for ``queryset``, from the cache when the same query was answered at this data version.

    ``key``, where given, stands for the query (it must determine the query's SQL and parameters entirely);
    otherwise the query is compiled to key it. ``key=False``: computed, not kept (a search with typed words).
    """
    if key is False:
        return compute()
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


class Groups:
    """A query's rows in groups by boolean annotations, each ordered True first ("stated" before "not stated"),
    then by the query's remaining ordering; ``sizes`` maps each group's values (a tuple, in ``names``' order) to
    its number of rows (kept like a total: ``ServiceFilter.groups``).

    Ordered by ``EXISTS(…) DESC, name, slug`` the database must evaluate every matching row and sort them all to
    show twenty (~3,000-7,000 at 10,000 services); within one group the order is the name index's, so a page is
    read as each group's slice it reaches, the group's condition a filter: each slice walks the index and stops
    at its last row. The slices are one query (``UNION ALL``) whatever the page, and a page's rows are exactly
    those of the one ordering, in its order.
    """

    def __init__(self, names, sizes):
        self.names = tuple(names)
        self.sizes = dict(sizes)

    def in_order(self):
        """``(values, size)`` for every group in the order the page shows them."""
        for values in itertools.product((True, False), repeat=len(self.names)):
            yield values, self.sizes.get(values, 0)

    @property
    def count(self):
        return sum(self.sizes.values())

    def ids(self, queryset, bottom, top):
        """The primary keys of ``queryset``'s rows from ``bottom`` to ``top``, in its order (one query)."""
        order = list(queryset.query.order_by)
        leading = [f"-{name}" for name in self.names]
        if order[: len(leading)] != leading:
            raise ValueError(f"{order!r} is not ordered by the groups {leading!r} first")
        rest = order[len(leading) :]
        fields = [name.removeprefix("-") for name in rest]
        compiled, start = [], 0
        for values, size in self.in_order():
            low, high = max(bottom, start) - start, min(top, start + size) - start
            if low < high:
                part = queryset.filter(**dict(zip(self.names, values, strict=True))).order_by(*rest)
                part = part.values_list("pk", *fields)[low:high]
                with contextlib.suppress(EmptyResultSet):  # a query the ORM knows is empty adds no rows
                    compiled.append(part.query.get_compiler(queryset.db).as_sql())
            start += size
        if not compiled:
            return []
        db = connections[queryset.db]
        quote = db.ops.quote_name
        # The group's position, then the slice's own columns (the primary key, then those the rest is ordered by).
        sql = " UNION ALL ".join(
            f"SELECT {position} AS {quote('page_group')}, {quote(f'page_group_{position}')}.* "  # noqa: S608 - the ORM's SQL; values are params
            f"FROM ({part_sql}) {quote(f'page_group_{position}')}"
            for position, (part_sql, _params) in enumerate(compiled)
        )
        positions = ["1", *(f"{index}{' DESC' if name.startswith('-') else ''}" for index, name in enumerate(rest, 3))]
        sql += " ORDER BY " + ", ".join(positions)
        params = [param for _sql, part_params in compiled for param in part_params]
        with db.cursor() as cursor:
            cursor.execute(sql, params)
            return [row[1] for row in cursor.fetchall()]


class CachedCountPaginator(Paginator):
    """A paginator whose total comes from ``cached``: the page's own rows are always read fresh.

    A page is read in two steps: the ids of its rows (the filters and the order, no join), then those rows with
    everything the page shows (``select_related``, annotations, prefetches) by id. In one query PostgreSQL
    misjudges how many services pass the timeline filter (53 estimated, ~3,000 at 10,000 services) and joins
    every organisation to every service (6 million rows compared: 0.9 s of a 0.95 s query); read by id, the
    twenty rows are joined by index. One more query, the same at any size.

    With ``groups`` (``Groups``: the query is ordered by them first, and their sizes are known) the total is their
    sum and a page's ids are read a group's slice at a time, each in index order.
    """

    def __init__(self, object_list, per_page, *args, count_key=None, groups=None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        self.count_key = count_key  # what determines ``object_list``'s query, if known (see ``cached``)
        self.groups = groups

    @cached_property
    def count(self):
        if self.groups is not None:
            return self.groups.count
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
        if self.groups is not None:
            ids = self.groups.ids(queryset.prefetch_related(None), bottom, top)
        else:
            ids = list(queryset.prefetch_related(None).values_list("pk", flat=True)[bottom:top])
        if not ids:
            return []
        found = {row.pk: row for row in queryset.filter(pk__in=ids)}
        return [found[pk] for pk in ids if pk in found]
