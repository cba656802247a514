"""Sign-in for API clients: tokens issued and revoked."""

from allauth.account import app_settings as allauth_settings
from allauth.account.utils import has_verified_email
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from django.http import HttpRequest
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from core.exceptions import ApplicationError


def auth_token_issue(*, request: HttpRequest, email: str, password: str) -> Token:
    """The user's API token, after the same checks as a browser sign-in.

    `request` is the Django request: django-axes marks it when the (email, address) pair is
    locked out, and its middleware answers 429.
    """
    user = authenticate(request, username=email.strip().lower(), password=password)
    if user is None or not user.is_active:
        message = _("The email address or password is not correct.")
        raise ApplicationError(message, extra={"non_field_errors": [message]})
    if (
        allauth_settings.EMAIL_VERIFICATION == allauth_settings.EmailVerificationMethod.MANDATORY
        and not has_verified_email(user)
    ):
        message = _("Confirm your email address first: follow the link in the email we sent you.")
        raise ApplicationError(message, extra={"non_field_errors": [message]})
    # A token is a sign-in: last_login, the activity log and axes' reset on success follow.
    user_logged_in.send(sender=user.__class__, request=request, user=user)
    token, _created = Token.objects.get_or_create(user=user)
    return token


def auth_tokens_revoke(*, user) -> int:
    """Sign every API client of `user` out (after a password change or reset, or on request)."""
    deleted, _by_model = Token.objects.filter(user=user).delete()
    return deleted
