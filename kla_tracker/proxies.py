"""The client's address behind the documented reverse proxy (used by django-axes' lockouts)."""

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    """The address of the client that sent `request`.

    With TRUSTED_PROXY_COUNT = 0 (no proxy) it is REMOTE_ADDR, and X-Forwarded-For is ignored: anyone
    can write that header. Behind N trusted proxies, each appends the address it received the request
    from, so the client is the N-th entry from the right; entries further left came from the client
    and are never trusted. A header with fewer entries or no valid address did not pass through the
    proxies: REMOTE_ADDR again.
    """
    remote_addr = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote_addr
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(forwarded) < count:
        return remote_addr
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote_addr
