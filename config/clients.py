"""Who is asking: the client's address as the site's own reverse proxies saw it, and a keyed hash of it.

Behind nginx, REMOTE_ADDR is the proxy's; set DJANGO_TRUSTED_PROXIES to the number of proxies in front
of gunicorn, each appending the address it saw to X-Forwarded-For, and the client is that many entries
from the right (entries further left are whatever the client sent, so never trusted).
"""

import ipaddress

from django.conf import settings
from django.utils.crypto import salted_hmac


def client_address(request):
    """The client's IP address as text, or None if it is not an address."""
    address = request.META.get("REMOTE_ADDR", "")
    hops = settings.TRUSTED_PROXIES
    if hops:
        forwarded = [part.strip() for part in request.headers.get("x-forwarded-for", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= hops:
            address = forwarded[-hops]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def client_key(request, purpose):
    """A keyed hash (HMAC with SECRET_KEY) that tells clients apart without recording their address.

    IPv6 clients are counted by /64 network, which one household or phone usually gets whole.
    """
    address = client_address(request)
    if address is None:
        network = "unknown"
    else:
        parsed = ipaddress.ip_address(address)
        network = str(ipaddress.ip_network(f"{parsed}/64", strict=False)) if parsed.version == 6 else address
    return salted_hmac(f"config.clients.{purpose}", network, algorithm="sha256").hexdigest()
