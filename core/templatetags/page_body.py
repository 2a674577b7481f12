"""`{% page_body page_cache %}…{% endpage_body %}`: a page's body cached under its `core.caching` key, or
rendered afresh when the view passes no key (a form sent back with errors or conflicts is never cached).
`{% csrf_slot %}` stands for the CSRF field inside such a body: a cached body must not hold one user's token,
so `kla_tracker.middleware.CsrfSlotMiddleware` writes each request's own token into the slot."""

from django import template
from django.core.cache import cache
from django.utils.safestring import mark_safe

from core.caching import CSRF_SLOT, TIMEOUT

register = template.Library()


class PageBodyNode(template.Node):
    def __init__(self, nodelist, page_cache):
        self.nodelist = nodelist
        self.page_cache = page_cache

    def render(self, context):
        page_cache = self.page_cache.resolve(context)
        if not page_cache:
            return self.nodelist.render(context)
        key = f"page-body:{page_cache.key}"
        body = cache.get(key)
        if body is None:
            body = self.nodelist.render(context)
            cache.set(key, body, TIMEOUT)
        return body


@register.tag
def page_body(parser, token):
    try:
        _, page_cache = token.split_contents()
    except ValueError:
        raise template.TemplateSyntaxError("{% page_body %} takes the page's cache (or None)") from None
    nodelist = parser.parse(("endpage_body",))
    parser.delete_first_token()
    return PageBodyNode(nodelist, parser.compile_filter(page_cache))


@register.simple_tag
def csrf_slot():
    return mark_safe(CSRF_SLOT)
