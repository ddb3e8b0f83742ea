"""``{{ row|choice_label:"field" }}``: ``row.get_field_display()``, without hashing every label of the field's choices.

Django's ``get_FOO_display`` builds a dictionary of the choices, hashing each (lazy) label, which translates it: on a
service page listing 44 standards items that is most of what their table costs. Here the choices are looked up by
value and only the label shown is translated.
"""

from django import template

register = template.Library()


@register.filter
def choice_label(row, name):
    field = row._meta.get_field(name)
    value = getattr(row, field.attname)
    for choice, label in field.flatchoices:
        if choice == value:
            return label
    return value
