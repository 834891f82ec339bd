from django.conf import settings

from bookclub.shared_pages import CSRF_PLACEHOLDER, is_shared_render


def site(request):
    """Values every page template needs."""
    values = {"SITE_NAME": "bookclub", "DEBUG": settings.DEBUG}
    if is_shared_render(request):
        # A page rendered for every member carries a placeholder, replaced by each
        # member's own token when the page is served (bookclub.shared_pages).
        values["csrf_token"] = CSRF_PLACEHOLDER
    return values
