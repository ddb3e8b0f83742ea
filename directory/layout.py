"""crispy-forms-gds layout pieces shared by the site's forms (search, home, coverage)."""

import hashlib

from crispy_forms.utils import render_crispy_form
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django.core.cache import cache
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from .pagecache import TIMEOUT, current_version


def small_select(name):
    """A GOV.UK select with a small bold label, like the text fields beside it.

    crispy-forms-gds's ``Field.select(..., legend_size=...)`` sizes a legend, which a select
    does not have, so its label stayed regular weight.
    """
    return Field(name, context={"label_size": Size.for_label(Size.SMALL)})


def get_form_helper(*fields):
    """The helper of a GET form whose ``<form>`` tag the template writes: search, home, coverage.

    GET matters beyond the method: crispy-forms-gds puts a CSRF token in a POST form, and the token
    sets a cookie on pages that must set none.
    """
    helper = FormHelper()
    helper.form_method = "get"
    helper.form_tag = False
    helper.layout = Layout(*fields)
    return helper


class CachedLayout:
    """A GET form mixin: the crispy layout's HTML kept in the shared cache, as a valid form renders it.

    crispy-forms-gds renders each field through a dozen templates (~20 ms for the search form); the
    HTML depends only on the language, the data (the choices: areas, risk levels, routes), and the values
    the form shows. So a valid form's HTML is kept under a key made of those: the language, the directory's
    data version (``pagecache.current_version``, bumped by every edit) and each field's shown value. A form
    with errors is always rendered afresh (its messages are never cached).

    The ``free_text`` fields' typed words are never stored: the cached HTML holds a marker in their place
    (PostgreSQL text cannot hold the NUL it is made of) and each request puts its own words in, escaped as
    the widget's template escapes them. So the cache keeps no one's search and one entry serves any words.
    ``{{ form.layout_html }}`` in a template, in place of ``{% crispy form %}``.
    """

    free_text = ()

    @staticmethod
    def _marker(name):
        return f"\x00{name}\x00"

    def layout_html(self):
        if not self.is_bound or self.errors:
            return render_crispy_form(self)
        shown = {name: self[name].value() for name in self.fields}
        typed = {name: shown.pop(name) for name in self.free_text if shown.get(name) not in ("", None)}
        parts = [type(self).__qualname__, get_language() or "", current_version(), repr(sorted(typed)), repr(shown)]
        key = "form-layout:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
        html = cache.get(key)
        if html is None:
            data = self.data
            self.data = data.copy()
            try:
                for name in typed:
                    self.data[name] = self._marker(name)
                html = str(render_crispy_form(self))
            finally:
                self.data = data
            cache.set(key, html, TIMEOUT)
        for name, value in typed.items():
            html = html.replace(self._marker(name), escape(value))
        return mark_safe(html)  # noqa: S308 - crispy's own rendering, the typed words escaped
