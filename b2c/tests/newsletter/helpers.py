import re

from allauth.account.models import EmailAddress
from django.core import mail

from b2c.models import NewsletterSubscription
from b2c.services.newsletter import (
    newsletter_confirm,
    newsletter_confirm_token,
    newsletter_subscribe,
    newsletter_unsubscribe,
    newsletter_unsubscribe_token,
)

State = NewsletterSubscription.State


def link_path(message, kind: str) -> str:
    """The path of the /newsletter/<kind>/<token>/ link in an email's text."""
    return re.search(rf"https?://[^/\s]+(/newsletter/{kind}/[^/\s]+/)", message.body).group(1)


def token_of(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[1]


def subscribed(email, *, topics=("deals",), language="en", state=State.ACTIVE):
    """A subscription in `state`, made the way subscribers make them."""
    subscription = newsletter_subscribe(email=email, topics=list(topics), language=language)
    if state == State.PENDING:
        return subscription
    newsletter_confirm(token=newsletter_confirm_token(subscription))
    if state == State.UNSUBSCRIBED:
        newsletter_unsubscribe(token=newsletter_unsubscribe_token(subscription))
    subscription.refresh_from_db()
    return subscription


def verify(customer, email=None) -> str:
    email = email or customer.user.email
    EmailAddress.objects.create(user=customer.user, email=email, verified=True, primary=True)
    return email


def emails_to(address: str) -> list:
    return [message for message in mail.outbox if message.to == [address]]


def snapshot(subscription) -> tuple:
    subscription.refresh_from_db()
    return (
        subscription.state,
        subscription.topics,
        subscription.language,
        subscription.confirmed_at,
        subscription.unsubscribed_at,
        subscription.customer_id,
    )
