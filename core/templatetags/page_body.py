"""`{% page_body page_cache %}…{% endpage_body %}`: a page's body cached under its `core.caching` key, or
rendered afresh when the view passes no key (a form sent back with errors or conflicts is never cached).
`{% csrf_slot %}` stands for the CSRF field inside such a body: a cached body must not hold one user's token,
so `kla_tracker.middleware.CsrfSlotMiddleware` writes each request's own token into the slot."""

from django import template
from django.core.cache import cache
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from core.caching import CSRF_SLOT, TIMEOUT
from core.data_version import data_versions

register = template.Library()


class PageBodyNode(template.Node):
    def __init__(self, nodelist, page_cache):
        self.nodelist = nodelist
        self.page_cache = page_cache

    def render(self, context):
        page_cache = self.page_cache.resolve(context)
        if not page_cache:
            return self.nodelist.render(context)
        body = page_cache.body
        if body is None:
            body = self.nodelist.render(context)
            cache.set(f"page-body:{page_cache.key}", body, TIMEOUT)
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


class NavigationNode(template.Node):
    """The navigation of base.html, cached per user, version of the auth tables (their permissions, name and
    staff flag), language and current page: rendering it cost as much as serving a cached page body."""

    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        request = context.get("request")
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.nodelist.render(context)
        user.get_all_permissions()  # core.backends reads every domain's version with them
        versions = getattr(user, "_data_versions", None) or data_versions()
        match = request.resolver_match
        page = f"{match.namespace}:{match.url_name}" if match else ""
        key = f"navigation:{user.pk}:{versions.get('auth', 0)}:{get_language()}:{page}"
        navigation = cache.get(key)
        if navigation is None:
            navigation = self.nodelist.render(context)
            cache.set(key, navigation, TIMEOUT)
        return navigation


@register.tag
def navigation(parser, token):
    """`{% navigation %}…{% endnavigation %}`: see NavigationNode; a form inside uses `{% csrf_slot %}`."""
    nodelist = parser.parse(("endnavigation",))
    parser.delete_first_token()
    return NavigationNode(nodelist)


@register.simple_tag
def csrf_slot():
    return mark_safe(CSRF_SLOT)
