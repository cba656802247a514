"""The newsletter: signing up (double opt-in by an emailed link), confirming, one-click
unsubscribing, a customer's own preferences, and staff sending an issue to its subscribers
(queued by the admin, written in batches by a Celery task).

Links in emails carry signed tokens (django.core.signing) naming the subscription's id, each
with its own salt so one kind of token cannot stand for another: the confirmation link expires
after CONFIRM_MAX_AGE; the unsubscribe link never expires (RFC 8058: it must keep working for
as long as the emails that carry it are read).

Emails go through the outbox (notifications.services.email_write) inside the caller's
transaction, so a rolled-back change sends nothing and a mail server that is down loses nothing.
"""

import datetime as dt
import logging
from dataclasses import replace
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from b2c.models import Customer, NewsletterIssue, NewsletterSubscription, NewsletterTopic
from b2c.selectors.newsletter import (
    customer_verified_emails,
    newsletter_audience,
    newsletter_subscription_for_customer,
)
from core.exceptions import ApplicationError

logger = logging.getLogger(__name__)

State = NewsletterSubscription.State

CONFIRM_SALT = "b2c.newsletter.confirm"
UNSUBSCRIBE_SALT = "b2c.newsletter.unsubscribe"
CONFIRM_MAX_AGE = dt.timedelta(days=7)
EMAIL_MAX_LENGTH = 254  # RFC 5321 path limit; EmailField's max_length
LIST_UNSUBSCRIBE_POST = "List-Unsubscribe=One-Click"


class NewsletterLinkInvalid(ApplicationError):
    """A link whose token was tampered with, or names no subscription (404)."""


class NewsletterLinkExpired(ApplicationError):
    """A confirmation link older than CONFIRM_MAX_AGE, or no longer usable (400)."""


def _site_url() -> str:
    # The same setting the other emails' absolute links use (b2c.services.alerts).
    return getattr(settings, "SITE_URL", "http://127.0.0.1:8000").rstrip("/")


# Tokens ---------------------------------------------------------------------------------------


def newsletter_confirm_token(subscription: NewsletterSubscription) -> str:
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign(str(subscription.pk))


def newsletter_unsubscribe_token(subscription: NewsletterSubscription) -> str:
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(str(subscription.pk))


def newsletter_unsubscribe_url(subscription: NewsletterSubscription) -> str:
    return _site_url() + reverse(
        "b2c:newsletter-unsubscribe", args=[newsletter_unsubscribe_token(subscription)]
    )


def _invalid() -> NewsletterLinkInvalid:
    return NewsletterLinkInvalid(_("This link is not valid."))


def _subscription_id(token: str, *, salt: str, max_age: dt.timedelta | None = None) -> int:
    try:
        if max_age is None:
            value = signing.Signer(salt=salt).unsign(token)
        else:
            value = signing.TimestampSigner(salt=salt).unsign(token, max_age=max_age)
    except signing.SignatureExpired:
        raise NewsletterLinkExpired(
            _("This confirmation link has expired. Sign up again to get a new one.")
        ) from None
    except signing.BadSignature:
        raise _invalid() from None
    try:
        return int(value)
    except ValueError:
        raise _invalid() from None


def newsletter_subscription_for_token(*, token: str) -> NewsletterSubscription:
    """The subscription an unsubscribe link names (NewsletterLinkInvalid when tampered)."""
    pk = _subscription_id(token, salt=UNSUBSCRIBE_SALT)
    subscription = NewsletterSubscription.objects.filter(pk=pk).first()
    if subscription is None:
        raise _invalid()
    return subscription


# Validation -----------------------------------------------------------------------------------


def _clean(*, email: Any = None, topics: Any = None, language: Any = None) -> dict[str, Any]:
    """Normalised values; every problem at once as field errors. `None` skips a field."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    if email is not None:
        # Addresses are compared without case (the domain has none; no provider we know of
        # tells two local parts apart by case), so one address is one row.
        value = str(email).strip().lower()
        try:
            if len(value) > EMAIL_MAX_LENGTH:
                raise ValidationError("too long")
            validate_email(value)
        except ValidationError:
            errors["email"] = [_("Enter a valid email address.")]
        else:
            cleaned["email"] = value
    if topics is not None:
        chosen = [str(t) for t in topics] if isinstance(topics, list | tuple | set) else None
        unknown = sorted(set(chosen or []) - set(NewsletterTopic.values))
        if chosen is None or not chosen:
            errors["topics"] = [_("Choose at least one topic.")]
        elif unknown:
            errors["topics"] = [_("Unknown topic: %(topics)s.") % {"topics": ", ".join(unknown)}]
        else:
            cleaned["topics"] = [t for t in NewsletterTopic.values if t in chosen]
    if language is not None:
        if language not in dict(settings.LANGUAGES):
            errors["language"] = [_("Choose one of the site's languages.")]
        else:
            cleaned["language"] = language
    if errors:
        first = next(iter(errors.values()))[0]
        raise ApplicationError(first, extra=errors)
    return cleaned


# Signing up and confirming ------------------------------------------------------------------


def newsletter_subscribe(
    *, email: str, topics: list[str], language: str, customer: Customer | None = None
) -> NewsletterSubscription:
    """Ask for the newsletter at `email`, on `topics`, in `language`.

    - A new address, or one that unsubscribed, becomes pending and is sent a confirmation link
      (valid CONFIRM_MAX_AGE); nothing is sent to it until the link is followed (double opt-in).
    - A pending address asking again keeps waiting and takes the new topics and language; the
      confirmation email goes again at most once a day (so the form cannot be used to flood
      someone's inbox).
    - An active address just takes the new topics and language: no email.
    - A signed-in `customer` subscribing one of their own verified addresses (allauth verified
      it by a link already) is active at once, without a confirmation email, and the
      subscription is linked to them.

    Callers show visitors the same answer whatever happened, so that the form does not tell
    anyone whether an address was already subscribed.
    """
    values = _clean(email=email, topics=topics, language=language)
    email = values["email"]
    verified = customer is not None and email in customer_verified_emails(customer=customer)
    now = timezone.now()
    with transaction.atomic():
        subscription = (
            NewsletterSubscription.objects.select_for_update().filter(email=email).first()
        )
        if subscription is None:
            # Two sign-ups of one address at once: the unique email makes the second one fail
            # here rather than add a row; it is retried as an update of the first.
            try:
                with transaction.atomic():
                    subscription = NewsletterSubscription.objects.create(
                        email=email,
                        state=State.PENDING,
                        topics=values["topics"],
                        language=values["language"],
                    )
            except IntegrityError:
                subscription = (
                    NewsletterSubscription.objects.select_for_update().filter(email=email).first()
                )
                if subscription is None:
                    raise
        subscription.topics = values["topics"]
        subscription.language = values["language"]
        fields = ["topics", "language", "updated_at"]
        if verified:
            _link(subscription, customer)
            fields.append("customer")
            if subscription.state != State.ACTIVE:
                subscription.state = State.ACTIVE
                subscription.confirmed_at = now
                fields += ["state", "confirmed_at"]
            subscription.save(update_fields=fields)
            return subscription
        if subscription.state == State.UNSUBSCRIBED:
            subscription.state = State.PENDING
            fields.append("state")
        subscription.save(update_fields=fields)
        if subscription.state == State.PENDING:
            _confirmation_email(subscription, now=now)
    return subscription


def _link(subscription: NewsletterSubscription, customer: Customer | None) -> None:
    """Link `subscription` to `customer`; another subscription linked to them (an address they
    no longer use) is let go and keeps its own state and unsubscribe link."""
    if customer is None or subscription.customer_id == customer.pk:
        return
    NewsletterSubscription.objects.filter(customer=customer).exclude(pk=subscription.pk).update(
        customer=None, updated_at=timezone.now()
    )
    subscription.customer = customer


def _confirmation_email(subscription: NewsletterSubscription, *, now: dt.datetime) -> None:
    from notifications.services import email_render, email_write

    site = _site_url()
    context = {
        "subscription": subscription,
        "confirm_url": site
        + reverse("b2c:newsletter-confirm", args=[newsletter_confirm_token(subscription)]),
        "site_url": site,
        "topics": _topic_labels(subscription.topics),
        "days": CONFIRM_MAX_AGE.days,
    }
    email = email_render(
        template="b2c/newsletter/email/confirm",
        context=context,
        language=subscription.language,
        subject=gettext_lazy("Confirm your Safar newsletter subscription"),
    )
    email = replace(email, headers={"Content-Language": subscription.language})
    # One confirmation a day per address and per round of subscribing (a new one after an
    # unsubscribe): asking again the same day sends nothing more.
    round_ = int(subscription.unsubscribed_at.timestamp()) if subscription.unsubscribed_at else 0
    email_write(
        to=subscription.email,
        email=email,
        dedupe_key=f"newsletter-confirm:{subscription.pk}:{round_}:{now.date().isoformat()}",
    )


def _topic_labels(topics: list[str]) -> list:
    """The topics' names, lazy: they are translated when the email is rendered, in its
    language."""
    labels = dict(NewsletterTopic.choices)
    return [labels[t] for t in topics if t in labels]


def newsletter_confirm(*, token: str) -> NewsletterSubscription:
    """Follow the confirmation link: the pending subscription becomes active. Following it
    again changes nothing. A tampered link is NewsletterLinkInvalid; an expired one, or one for
    an address that has unsubscribed since, is NewsletterLinkExpired (unsubscribing must not be
    undone by an old email)."""
    pk = _subscription_id(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    with transaction.atomic():
        subscription = NewsletterSubscription.objects.select_for_update().filter(pk=pk).first()
        if subscription is None:
            raise _invalid()
        if subscription.state == State.UNSUBSCRIBED:
            raise NewsletterLinkExpired(
                _("This address has unsubscribed since. Sign up again to get the newsletter.")
            )
        if subscription.state == State.PENDING:
            subscription.state = State.ACTIVE
            subscription.confirmed_at = timezone.now()
            subscription.save(update_fields=["state", "confirmed_at", "updated_at"])
    return subscription


# Unsubscribing and preferences ----------------------------------------------------------------


def _unsubscribe(subscription: NewsletterSubscription) -> NewsletterSubscription:
    """Inside a transaction, with the row locked. Again changes nothing."""
    if subscription.state != State.UNSUBSCRIBED:
        subscription.state = State.UNSUBSCRIBED
        subscription.unsubscribed_at = timezone.now()
        subscription.save(update_fields=["state", "unsubscribed_at", "updated_at"])
    return subscription


def newsletter_unsubscribe(*, token: str) -> NewsletterSubscription:
    """One click from an email (the link, or the mail provider's RFC 8058 POST): the address
    gets no more issues. Idempotent; a tampered token is NewsletterLinkInvalid."""
    pk = _subscription_id(token, salt=UNSUBSCRIBE_SALT)
    with transaction.atomic():
        subscription = NewsletterSubscription.objects.select_for_update().filter(pk=pk).first()
        if subscription is None:
            raise _invalid()
        return _unsubscribe(subscription)


def newsletter_subscription_unsubscribe(
    *, subscription: NewsletterSubscription
) -> NewsletterSubscription:
    """Staff unsubscribe an address (a complaint by other means, say). Idempotent."""
    with transaction.atomic():
        locked = NewsletterSubscription.objects.select_for_update().get(pk=subscription.pk)
        return _unsubscribe(locked)


def newsletter_preferences_set(
    *,
    customer: Customer,
    subscribed: bool | None = None,
    topics: list[str] | None = None,
    language: str | None = None,
) -> NewsletterSubscription | None:
    """A signed-in customer's own newsletter settings. `None` leaves a value as it is.

    `subscribed=False` unsubscribes their subscription (if any). `subscribed=True` without a
    subscription, or after unsubscribing, subscribes their account email through
    `newsletter_subscribe` (at once when it is verified, else by a confirmation link).
    `topics` and `language` change the subscription they have, pending or active. Returns the
    subscription, or None when they have none and did not ask for one.
    """
    values = _clean(topics=topics, language=language)
    subscription = newsletter_subscription_for_customer(customer=customer)
    if subscribed is False:
        if subscription is None:
            return None
        with transaction.atomic():
            locked = NewsletterSubscription.objects.select_for_update().get(pk=subscription.pk)
            _link(locked, customer)
            locked.save(update_fields=["customer", "updated_at"])
            return _unsubscribe(locked)
    if subscribed is True and (subscription is None or subscription.state == State.UNSUBSCRIBED):
        email = subscription.email if subscription is not None else customer.user.email
        return newsletter_subscribe(
            email=email,
            topics=values.get("topics")
            or (subscription.topics if subscription else None)
            or NewsletterTopic.values,
            language=values.get("language")
            or (subscription.language if subscription else customer.preferred_language),
            customer=customer,
        )
    if subscription is None:
        return None
    with transaction.atomic():
        locked = NewsletterSubscription.objects.select_for_update().get(pk=subscription.pk)
        _link(locked, customer)
        locked.topics = values.get("topics", locked.topics)
        locked.language = values.get("language", locked.language)
        locked.save(update_fields=["customer", "topics", "language", "updated_at"])
    return locked


# Sending an issue -----------------------------------------------------------------------------


BATCH_SIZE = 500  # emails written per transaction while sending an issue


class NewsletterIssueSentAlready(ApplicationError):
    """Staff sent an issue that was sent (or queued) already: nothing more is sent."""


def newsletter_issue_queue(*, issue_id: int) -> NewsletterIssue:
    """Staff send an issue: it is marked sent (`sent_at`, from then on read-only) and the task
    that writes its emails (b2c.tasks.newsletter.send_newsletter_issue) is queued after the
    commit. An issue sent already is refused with NewsletterIssueSentAlready, changed nothing:
    the row lock makes a double click, or two members of staff at once, queue it once.

    `sent_at` is when staff pressed send, not when the last email left: it also fixes the
    audience (who was subscribed then), so that a retried task sends the same people.
    """
    with transaction.atomic():
        locked = NewsletterIssue.objects.select_for_update().get(pk=issue_id)
        if locked.sent_at is not None:
            raise NewsletterIssueSentAlready(
                _("“%(subject)s” was sent already; nothing more was sent.")
                % {"subject": locked.subject}
            )
        locked.sent_at = timezone.now()
        locked.save(update_fields=["sent_at", "updated_at"])
        transaction.on_commit(lambda: _enqueue(issue_id))
    return locked


def _enqueue(issue_id: int) -> None:
    from b2c.tasks.newsletter import send_newsletter_issue

    try:
        send_newsletter_issue.delay(issue_id)
    except Exception:  # the broker is down: never fail the request; let staff send it again
        logger.exception("Newsletter issue %s not queued.", issue_id)
        # No email written yet: clear the mark so the action can be used again (the outbox
        # keys would keep a second attempt from doubling any email anyway).
        NewsletterIssue.objects.filter(pk=issue_id, recipients=0).update(sent_at=None)


def _issue_key(issue: NewsletterIssue, subscription: NewsletterSubscription) -> str:
    # The subscription stands for its address (unique), and keeps the key short.
    return f"newsletter-issue:{issue.pk}:{subscription.pk}"


def newsletter_issue_send(*, issue_id: int, batch_size: int = BATCH_SIZE) -> NewsletterIssue:
    """Write the issue's emails: one through the outbox to each active subscriber whose topics
    include the issue's topic and whose language is the issue's language (staff write one issue
    per language; see b2c.selectors.newsletter.newsletter_audience), who had confirmed by the
    time staff sent it (`sent_at`; an issue not marked yet is marked now).

    Each email carries the subscriber's own unsubscribe link in its body and in the headers
    mail providers show as an "Unsubscribe" button: `List-Unsubscribe` (the absolute https
    link) and `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058: the provider POSTs
    that body to the link, and the address is unsubscribed at once).

    In batches of `batch_size` subscribers, each in its own transaction with the issue's row
    locked, adding the emails written to `recipients`. Idempotent: every email's outbox key
    names the issue and the subscription, and subscribers whose key exists are skipped, so a
    retried task (or two at once) resumes where the last one stopped and sends each subscriber
    one email.
    """
    from notifications.models import OutboxMessage

    with transaction.atomic():
        issue = NewsletterIssue.objects.select_for_update().get(pk=issue_id)
        if issue.sent_at is None:
            issue.sent_at = timezone.now()
            issue.save(update_fields=["sent_at", "updated_at"])
    audience = newsletter_audience(issue=issue).filter(
        Q(confirmed_at__lte=issue.sent_at) | Q(confirmed_at__isnull=True)
    )
    last_pk, written = 0, 0
    while True:
        with transaction.atomic():
            issue = NewsletterIssue.objects.select_for_update().get(pk=issue_id)
            batch = list(audience.filter(pk__gt=last_pk)[:batch_size])
            if not batch:
                break
            keys = {subscription.pk: _issue_key(issue, subscription) for subscription in batch}
            done = set(
                OutboxMessage.objects.filter(
                    dedupe_key__in=[f"email:{key}" for key in keys.values()]
                ).values_list("dedupe_key", flat=True)
            )
            new = [s for s in batch if f"email:{keys[s.pk]}" not in done]
            for subscription in new:
                _issue_email(issue, subscription, dedupe_key=keys[subscription.pk])
            if new:
                NewsletterIssue.objects.filter(pk=issue_id).update(
                    recipients=F("recipients") + len(new), updated_at=timezone.now()
                )
            written += len(new)
            last_pk = batch[-1].pk
    issue.refresh_from_db()
    logger.info(
        "Newsletter issue %s: %s emails written now, %s in all.",
        issue.pk, written, issue.recipients,
    )  # fmt: skip
    return issue


def _issue_email(
    issue: NewsletterIssue, subscription: NewsletterSubscription, *, dedupe_key: str
) -> None:
    from notifications.services import email_render, email_write

    site = _site_url()
    unsubscribe_url = newsletter_unsubscribe_url(subscription)
    context = {
        "issue": issue,
        "subscription": subscription,
        "unsubscribe_url": unsubscribe_url,
        "preferences_url": site + reverse("b2c:newsletter"),
        "site_url": site,
    }
    email = email_render(
        template="b2c/newsletter/email/issue",
        context=context,
        language=issue.language,
        subject=gettext_lazy("Safar newsletter"),
    )
    # The subject is staff's own text in the issue's language: never a msgid, nor a format
    # string.
    email = replace(
        email,
        subject=issue.subject,
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": LIST_UNSUBSCRIBE_POST,
            "Content-Language": issue.language,
        },
    )
    email_write(to=subscription.email, email=email, dedupe_key=dedupe_key)
