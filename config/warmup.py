"""Make a worker ready before its first request: every view imported and every template compiled.

Django imports the URLconf (and with it every view module: the open data API pulls in REST framework and its
schema generator) and compiles each template on the first request that needs it. A fresh gunicorn worker's
first request therefore took about a second more than the next (at 10,000 services the benchmark's first
/services/ after a start took 1.3 s, the next search with an empty cache ~0.15 s in-process), and a worker is
fresh after every start and every ``max_requests`` recycle. ``warm()`` does that work when the worker loads the
application (``config.wsgi``), before it accepts a connection. It reads no database and no cache.
"""

from pathlib import Path

from django.conf import settings
from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
from django.template.loader import get_template
from django.urls import NoReverseMatch, get_resolver, reverse
from django.utils import translation


def _reverse_lookups(resolver, prefix=""):
    """Build ``resolver``'s reverse lookups for the active language, and those ``reverse("app:name")`` uses for each
    namespace within it (Django builds and keeps one per namespace on its first use: one name reversed builds it)."""
    resolver.reverse_dict  # noqa: B018 - built on first access
    for name, (_pattern, namespace) in resolver.namespace_dict.items():
        for view_name in namespace.reverse_dict:
            if isinstance(view_name, str):
                try:
                    reverse(f"{prefix}{name}:{view_name}")
                    break
                except NoReverseMatch:  # it takes arguments: try another
                    continue
        _reverse_lookups(namespace, f"{prefix}{name}:")


def warm():
    """Import the URLconf, compile every template the engine can find, and for each language load its catalogue
    and build the URLconf's reverse lookups (``{% url %}``: kept per language).

    Returns the number of templates compiled (a template that does not compile on its own, such as an
    include of a missing file, is left for its page to report).
    """
    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018 - imports every view
    compiled = 0
    for directory in engines["django"].template_dirs:
        directory = Path(directory)
        for path in sorted(directory.rglob("*.html")):
            try:
                get_template(path.relative_to(directory).as_posix())
            except (TemplateDoesNotExist, TemplateSyntaxError):
                continue
            compiled += 1
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Search")
            _reverse_lookups(resolver)
    return compiled
