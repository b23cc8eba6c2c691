"""Values every page template needs: the site's name and description, the page's canonical URL.

No database access: the 500 page and cached pages depend on nothing but the request.
"""

from django.conf import settings

SITE_DESCRIPTION = (
    "L'archive de la rédaction : tous nos articles sur les entreprises de la tech, "
    "à lire, à suivre par entreprise et à retrouver par date."
)


def site(request):
    return {
        "site_name": settings.SITE_NAME,
        "site_description": SITE_DESCRIPTION,
        # Query strings are left out: a view adds "?page=2" itself when it is part of the address.
        "canonical_url": request.build_absolute_uri(request.path),
    }
