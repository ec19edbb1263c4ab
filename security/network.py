from django.conf import settings


def client_ip(request):
    """The address a request came from.

    Behind the TLS proxy (``BEHIND_TLS_PROXY``) the proxy appends the address it saw to
    ``X-Forwarded-For``; only that last entry is trusted, as anything before it is whatever the
    client chose to send. Without a proxy, the socket's address is used. None when unknown.
    """
    if getattr(settings, "BEHIND_TLS_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.split(",")[-1].strip()
        if last:
            return last
    return request.META.get("REMOTE_ADDR") or None
