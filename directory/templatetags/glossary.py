from django import template

from directory.services import link_glossary_terms

register = template.Library()


@register.filter
def glossary_links(text, index):
    """Link the abbreviations in ``text`` to the glossary: ``{{ text|glossary_links:glossary }}``."""
    return link_glossary_terms(text or "", index)
