"""The language switch: sets the language for this browser and remembers it for the customer."""

from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from b2c.services.customer import customer_language_set


@require_POST
def language_switch(request):
    response = set_language(request)
    language = request.POST.get("language")
    if request.user.is_authenticated:
        customer_language_set(user=request.user, language=language)
    return response
