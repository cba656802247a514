from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.utils import translation

from notifications.services import email_enqueue


class AccountAdapter(DefaultAccountAdapter):
    """allauth, adapted: emails go through Celery; sign-in restores the customer's language."""

    def send_mail(self, template_prefix, email, context):
        message = self.render_mail(template_prefix, email, context)
        email_enqueue(message=message)

    def post_login(self, request, user, **kwargs):
        response = super().post_login(request, user, **kwargs)
        language = getattr(getattr(user, "customer", None), "preferred_language", None)
        if language and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            translation.activate(language)
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response
