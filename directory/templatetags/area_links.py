"""``{{ area|area_url }}``: the address of an area's page (``directory.area_views.area_url``)."""

from django import template

from directory.area_views import area_url

register = template.Library()
register.filter("area_url", area_url)
