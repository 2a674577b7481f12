"""`{{ mapping|get_item:key }}`: a dictionary entry whose key is a variable (templates cannot index)."""

from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None
