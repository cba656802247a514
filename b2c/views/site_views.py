"""The language switch: sets the language for this browser and remembers it for the customer."""

from django.conf import settings
from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language
from django.views.decorators.http import require_http_methods
from django.views.i18n import set_language

from b2c.services.customer import customer_language_set


@require_http_methods(["GET", "POST"])
def language_switch(request):
    """A POST (with its CSRF token) from a signed-in customer also saves the language on the
    profile. Visitors who are not signed in switch with a GET: it only sets this browser's
    language cookie, and it keeps their pages free of CSRF tokens, so they can be cached."""
    if request.method == "POST":
        response = set_language(request)
        if request.user.is_authenticated:
            customer_language_set(user=request.user, language=request.POST.get("language"))
        return response
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    language = request.GET.get("language", "")
    # A link must not change a signed-in customer's saved language: they switch by POST.
    if not request.user.is_authenticated and language and check_for_language(language):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response
