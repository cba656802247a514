"""Reading newsletter subscriptions: a customer's own, and the audience of an issue."""

from collections.abc import Iterator

from django.db import connection
from django.db.models import Q, QuerySet

from b2c.models import Customer, NewsletterIssue, NewsletterSubscription


def newsletter_topic_q(topic: str) -> Q:
    """Subscriptions whose `topics` list holds `topic`.

    PostgreSQL answers JSON containment (`@>`); SQLite has no such lookup, so there the JSON text
    is searched for the quoted value. Topics are NewsletterTopic values written by the services,
    none a part of another, so the text match is exact.
    """
    if connection.features.supports_json_field_contains:
        return Q(topics__contains=[topic])
    return Q(topics__icontains=f'"{topic}"')


def newsletter_audience(*, issue: NewsletterIssue) -> QuerySet[NewsletterSubscription]:
    """Who gets `issue`: active subscribers of its topic whose language is the issue's.

    Staff write one issue per language; a subscriber gets only the issues in the language they
    chose (an Arabic reader does not get the English edition as well).
    """
    return (
        NewsletterSubscription.objects.filter(
            newsletter_topic_q(issue.topic),
            state=NewsletterSubscription.State.ACTIVE,
            language=issue.language,
        )
        .order_by("pk")
        .only("pk", "email", "language", "topics", "state")
    )


def newsletter_audience_iter(
    *, issue: NewsletterIssue, chunk_size: int = 2000
) -> Iterator[NewsletterSubscription]:
    return newsletter_audience(issue=issue).iterator(chunk_size=chunk_size)


def customer_verified_emails(*, customer: Customer) -> set[str]:
    """The customer's addresses that allauth verified, lower-cased."""
    from allauth.account.models import EmailAddress

    return {
        email.lower()
        for email in EmailAddress.objects.filter(
            user_id=customer.user_id, verified=True
        ).values_list("email", flat=True)
    }


def newsletter_subscription_for_customer(*, customer: Customer) -> NewsletterSubscription | None:
    """The customer's subscription: the one linked to them, else one for a verified address of
    theirs (subscribed before they had an account, say)."""
    linked = NewsletterSubscription.objects.filter(customer=customer).first()
    if linked is not None:
        return linked
    emails = customer_verified_emails(customer=customer)
    if not emails:
        return None
    return (
        NewsletterSubscription.objects.filter(email__in=emails, customer__isnull=True)
        .order_by("pk")
        .first()
    )
