"""Signal receivers: each one calls one service."""

from allauth.account import signals as account_signals
from django.dispatch import receiver

from accounts.services import auth_tokens_revoke


@receiver(account_signals.password_changed, dispatch_uid="accounts_revoke_tokens_on_change")
def revoke_tokens_on_password_change(sender, request, user, **kwargs):
    auth_tokens_revoke(user=user)


@receiver(account_signals.password_reset, dispatch_uid="accounts_revoke_tokens_on_reset")
def revoke_tokens_on_password_reset(sender, request, user, **kwargs):
    auth_tokens_revoke(user=user)
