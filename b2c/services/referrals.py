"""Writes for referrals (a customer brings a friend) and affiliates (a partner site sends
customers).

Referrals: a friend who signs up with a customer's code gets a CustomerReferral (`signed_up`);
when the friend's first booking is flown, the limits are checked at that moment and both sides
are rewarded once (wallet credit or loyalty points), or the referral is rejected with a reason.

Affiliates: a tracking link records an AffiliateClick whose token is kept in a signed cookie;
a booking held while the cookie is valid gets a pending AffiliateCommission, priced when paid,
earned when flown and reversed when cancelled.
"""

import hashlib
import hmac
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from b2c.models import (
    AffiliateClick,
    AffiliateCommission,
    AffiliatePartner,
    Customer,
    CustomerReferral,
    CustomerWallet,
    ReferralProgram,
    SavedPaymentMethod,
    WalletTransaction,
)
from b2c.selectors.referrals import referral_program_active
from core.money import quantize

Status = CustomerReferral.Status
Reason = CustomerReferral.RejectReason

GMAIL_DOMAINS = frozenset({"gmail.com", "googlemail.com"})

# Column sizes of AffiliateClick (b2c.models.referrals).
LANDING_PAGE_MAX = 500
USER_AGENT_MAX = 300
REFERRER_MAX = 500


# Referrals ---------------------------------------------------------------------------------------


def email_normalise(email: str) -> str:
    """The mailbox an address delivers to: lower case, without a +tag, and for Gmail without the
    dots it ignores (j.doe+x@GoogleMail.com and jdoe@gmail.com are one mailbox)."""
    email = (email or "").strip().lower()
    local, sep, domain = email.rpartition("@")
    if not sep:
        return email
    local = local.split("+", 1)[0]
    if domain in GMAIL_DOMAINS:
        local = local.replace(".", "")
        domain = "gmail.com"
    return f"{local}@{domain}"


def _same_email(a: Customer, b: Customer) -> bool:
    return email_normalise(a.user.email) == email_normalise(b.user.email)


def _card_fingerprints(customer: Customer) -> set[str]:
    """Fingerprints of every card the customer paid or topped up with, or saved."""
    from payments.models import Payment

    paid = Payment.objects.filter(
        Q(booking__customer=customer) | Q(wallet__customer=customer)
    ).values_list("card_fingerprint", flat=True)
    saved = SavedPaymentMethod.objects.filter(customer=customer).values_list(
        "fingerprint", flat=True
    )
    return {fingerprint for fingerprint in [*paid, *saved] if fingerprint}


def _shares_a_card(a: Customer, b: Customer) -> bool:
    return bool(_card_fingerprints(a) & _card_fingerprints(b))


def referral_record_signup(*, referee: Customer, code: str | None) -> CustomerReferral | None:
    """Record that `referee` signed up with the referral `code`; earns nothing yet.

    Nothing is recorded without an active programme, for an unknown code, for one's own code,
    or when the referee was already referred. Another account of the referrer (the same mailbox)
    is recorded as rejected, so staff see the attempt.
    """
    code = (code or "").strip().upper()
    if not code:
        return None
    program = referral_program_active()
    if program is None:
        return None
    referrer = (
        Customer.objects.select_related("user")
        .filter(referral_code=code, deleted_at__isnull=True)
        .first()
    )
    if referrer is None or referrer.pk == referee.pk:
        return None
    existing = CustomerReferral.objects.filter(referee=referee).first()
    if existing is not None:
        return existing
    same_person = _same_email(referrer, referee)
    try:
        with transaction.atomic():
            return CustomerReferral.objects.create(
                program=program,
                referrer=referrer,
                referee=referee,
                status=Status.REJECTED if same_person else Status.SIGNED_UP,
                reject_reason=Reason.SAME_PERSON if same_person else "",
            )
    except IntegrityError:
        # A concurrent sign-up signal for the same customer: one referral per referee decides.
        return CustomerReferral.objects.get(referee=referee)


def _reject(referral: CustomerReferral, reason: str) -> CustomerReferral:
    referral.status = Status.REJECTED
    referral.reject_reason = reason
    referral.save(update_fields=["status", "reject_reason", "updated_at"])
    return referral


def _reward(referral: CustomerReferral, booking) -> None:
    """Pay both sides; each payment has its own idempotency key, so it happens once."""
    program = referral.program
    sides = sorted(
        [
            (referral.referrer, "referrer", program.referrer_amount, program.referrer_points),
            (referral.referee, "referee", program.referee_amount, program.referee_points),
        ],
        key=lambda side: side[0].pk,  # rows locked in primary-key order
    )
    for customer, side, amount, points in sides:
        key = f"referral:{referral.pk}:{side}"
        if program.reward_kind == ReferralProgram.RewardKind.POINTS:
            from b2c.services.loyalty import loyalty_points_grant

            loyalty_points_grant(
                customer=customer,
                points=points,
                reason="referral",
                idempotency_key=key,
                booking=booking,
            )
        else:
            from b2c.services.wallet import wallet_create, wallet_credit

            wallet_credit(
                wallet=wallet_create(customer=customer),
                amount=amount,
                currency=program.currency,
                kind=WalletTransaction.Kind.REFERRAL_BONUS,
                idempotency_key=key,
                booking=booking,
            )


def referral_booking_completed(*, booking) -> CustomerReferral | None:
    """The booking's trip was flown: reward its customer's referral if this is the first.

    Called inside the transaction that completes the booking. The limits are checked now, not
    at sign-up: the cap is counted under a lock on the referrer's customer row, so referees
    completing at the same moment cannot take the referrer past it.
    """
    from bookings.models import Booking

    pending = (
        CustomerReferral.objects.filter(referee_id=booking.customer_id, status=Status.SIGNED_UP)
        .values_list("pk", "referrer_id")
        .first()
    )
    if pending is None:
        return None
    referral_id, referrer_id = pending
    with transaction.atomic():
        # Locks in Safar's order: wallets before customer rows (a booking paid from the wallet
        # locks the wallet, then the customer for its points), both wallets in key order. Then
        # the referrer, then the referral: every completion takes them in this order.
        wallets = CustomerWallet.objects.filter(customer_id__in=[referrer_id, booking.customer_id])
        list(wallets.select_for_update().order_by("pk").values_list("pk", flat=True))
        Customer.objects.select_for_update().get(pk=referrer_id)
        referral = (
            # Only the referral's row: a plain FOR UPDATE would also lock the joined programme
            # and users, serialising every referrer's completions on the programme row.
            CustomerReferral.objects.select_for_update(of=("self",))
            .select_related("program", "referrer__user", "referee__user")
            .get(pk=referral_id)
        )
        if referral.status != Status.SIGNED_UP:
            return None  # already rewarded or rejected (a retry, or another booking first)
        earlier = (
            Booking.objects.filter(customer_id=booking.customer_id, completed_at__isnull=False)
            .exclude(pk=booking.pk)
            .exists()
        )
        if earlier:
            return None
        referrer, referee = referral.referrer, referral.referee
        if _same_email(referrer, referee) or _shares_a_card(referrer, referee):
            return _reject(referral, Reason.SAME_PERSON)
        rewarded = CustomerReferral.objects.filter(
            referrer_id=referrer.pk, status=Status.REWARDED
        ).count()
        if rewarded >= referral.program.max_rewards_per_referrer:
            return _reject(referral, Reason.CAP)
        _reward(referral, booking)
        referral.status = Status.REWARDED
        referral.qualifying_booking = booking
        referral.rewarded_at = timezone.now()
        referral.save(update_fields=["status", "qualifying_booking", "rewarded_at", "updated_at"])
    return referral


# Affiliates --------------------------------------------------------------------------------------


def affiliate_window() -> timedelta:
    return timedelta(days=settings.AFFILIATE_COOKIE_DAYS)


def ip_hash(ip: str | None) -> str:
    """A keyed digest of the client's address: the same address gives the same hash (to spot
    click fraud), but the address cannot be read back from it."""
    return hmac.new(settings.SECRET_KEY.encode(), (ip or "").encode(), hashlib.sha256).hexdigest()


def affiliate_click_record(
    *,
    partner_code: str,
    landing_page: str,
    ip: str | None,
    user_agent: str = "",
    referrer: str = "",
) -> AffiliateClick | None:
    """Record a visit through an active partner's link; None (nothing recorded) otherwise.
    `landing_page` must already be a safe same-site path (the view checks it)."""
    partner = AffiliatePartner.objects.filter(code=partner_code, is_active=True).first()
    if partner is None:
        return None
    return AffiliateClick.objects.create(
        partner=partner,
        landing_page=landing_page[:LANDING_PAGE_MAX],
        ip_hash=ip_hash(ip),
        user_agent=(user_agent or "")[:USER_AGENT_MAX],
        referrer=(referrer or "")[:REFERRER_MAX],
    )


def affiliate_booking_attribute(*, booking, click_token: str | None) -> AffiliateCommission | None:
    """Attribute a newly held booking to the partner whose click (within the window) brought it:
    a pending commission at the partner's current rate, priced when the booking is paid.
    A missing, malformed, unknown or old token, or an inactive partner, attributes nothing.
    Calling it again for the booking returns the same commission."""
    existing = AffiliateCommission.objects.filter(booking=booking).first()
    if existing is not None:
        return existing
    if not click_token:
        return None
    try:
        token = uuid.UUID(str(click_token))
    except ValueError:
        return None
    click = (
        AffiliateClick.objects.select_related("partner")
        .filter(token=token, clicked_at__gte=timezone.now() - affiliate_window())
        .first()
    )
    if click is None or not click.partner.is_active:
        return None
    try:
        with transaction.atomic():
            return AffiliateCommission.objects.create(
                partner=click.partner,
                click=click,
                booking=booking,
                rate=click.partner.commission_rate,
                amount=0,
                currency=booking.currency,
            )
    except IntegrityError:
        return AffiliateCommission.objects.get(booking=booking)


def affiliate_booking_paid(*, booking) -> AffiliateCommission | None:
    """Price the pending commission: the rate times what the customer paid, in minor units."""
    commission = AffiliateCommission.objects.filter(
        booking=booking, status=AffiliateCommission.Status.PENDING
    ).first()
    if commission is None:
        return None
    commission.amount = quantize(commission.rate * booking.amount_due, commission.currency)
    commission.save(update_fields=["amount", "updated_at"])
    return commission


def affiliate_booking_completed(*, booking) -> AffiliateCommission | None:
    """The trip was flown: the pending commission is earned (once)."""
    commission = AffiliateCommission.objects.filter(
        booking=booking, status=AffiliateCommission.Status.PENDING
    ).first()
    if commission is None:
        return None
    commission.status = AffiliateCommission.Status.EARNED
    commission.earned_at = timezone.now()
    commission.save(update_fields=["status", "earned_at", "updated_at"])
    return commission


def affiliate_booking_cancelled(*, booking) -> AffiliateCommission | None:
    """The booking was cancelled: a pending or earned commission is reversed (once)."""
    commission = AffiliateCommission.objects.filter(
        booking=booking,
        status__in=[AffiliateCommission.Status.PENDING, AffiliateCommission.Status.EARNED],
    ).first()
    if commission is None:
        return None
    commission.status = AffiliateCommission.Status.REVERSED
    commission.reversed_at = timezone.now()
    commission.save(update_fields=["status", "reversed_at", "updated_at"])
    return commission
