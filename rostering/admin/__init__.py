"""Support staff's Django admin: every roster model, with the same rules as the portal.

One module an area; each registers its admins with the site on import.
"""

from . import classes, organizations, people, products  # noqa: F401
