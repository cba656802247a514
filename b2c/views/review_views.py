"""Review pages: an airline's, a route's, a hotel's and a package's reviews (public: rating
summary, sorted and filtered list, helpful votes), writing a review, my reviews (edit within
the window, delete), and reporting a review.

Another customer's review by id is "not found" (404) for editing and deleting.
"""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from babel import numbers as babel_numbers
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from b2c.forms.reviews import SUB_RATINGS, ReportForm, ReviewEditForm, ReviewForm
from b2c.models import Review
from b2c.selectors.customer import customer_for_user, customer_public_name
from b2c.selectors.reviews import (
    review_aggregate,
    review_average,
    review_get_own,
    review_subject_name,
    review_voted_ids,
    reviewable_bookings,
    reviews_of_customer,
    reviews_published,
)
from b2c.services.reports import content_report
from b2c.services.reviews import (
    ReviewNotFound,
    airline_subject_key,
    review_create,
    review_delete,
    review_subject_key,
    review_update,
    review_vote_toggle,
)
from core.exceptions import ApplicationError
from core.formatting import current_locale
from flights.models import Airline, Airport

REVIEWS_PER_PAGE = 10
SORTS = (
    ("newest", gettext_lazy("Newest")),
    ("helpful", gettext_lazy("Most helpful")),
    ("highest", gettext_lazy("Highest rated")),
    ("lowest", gettext_lazy("Lowest rated")),
)
SUB_RATING_LABELS = {
    "comfort": gettext_lazy("Comfort"),
    "service": gettext_lazy("Service"),
    "value": gettext_lazy("Value for money"),
    "punctuality": gettext_lazy("Punctuality"),
}


# The service's names of fields the write form calls otherwise.
FORM_FIELDS = {"airline_code": "airline", "booking_id": "trip"}


def _add_errors(form, error: ApplicationError) -> None:
    for field, problems in (error.extra or {None: [error.message]}).items():
        target = FORM_FIELDS.get(field, field)
        for problem in problems:
            form.add_error(target if target in form.fields else None, problem)


def format_average(aggregate) -> str:
    """The average rating with one decimal, as the active language writes it ("4.5")."""
    average = review_average(aggregate=aggregate)
    return babel_numbers.format_decimal(average, format="#,##0.0", locale=current_locale())


def rating_summary(aggregate) -> dict | None:
    """Average, count and the distribution (5★ to 1★, each with its count and percent)."""
    if aggregate is None or not aggregate.review_count:
        return None
    total = aggregate.review_count
    rows = []
    for stars in range(5, 0, -1):
        count = getattr(aggregate, f"count_{stars}")
        percent = (Decimal(count * 100) / total).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
        rows.append(
            {
                "stars": stars,
                "count": count,
                "percent": int(percent),
                "percent_text": babel_numbers.format_percent(
                    percent / 100, locale=current_locale()
                ),
            }
        )
    return {"average": format_average(aggregate), "count": total, "rows": rows}


def _decorate(reviews, customer) -> list:
    """What each review shows besides its fields: the author's public name, its sub-ratings,
    whether the reader voted it helpful and whether it is the reader's own."""
    reviews = list(reviews)
    voted = (
        review_voted_ids(customer=customer, review_ids=[r.pk for r in reviews])
        if customer is not None and reviews
        else set()
    )
    for review in reviews:
        review.author_name = customer_public_name(customer=review.customer)
        review.sub_ratings = [
            (SUB_RATING_LABELS[name], getattr(review, name))
            for name in SUB_RATINGS
            if getattr(review, name) is not None
        ]
        review.voted = review.pk in voted
        review.is_own = customer is not None and review.customer_id == customer.pk
    return reviews


def _reader(request):
    return customer_for_user(user=request.user) if request.user.is_authenticated else None


def _subject_page(request, *, heading, subject_key, aggregate_key, airline_code=None):
    sort = request.GET.get("sort", "newest")
    if sort not in dict(SORTS):
        sort = "newest"
    rating = request.GET.get("rating", "")
    rating = int(rating) if rating in {"1", "2", "3", "4", "5"} else None
    reviews = reviews_published(
        subject_key=subject_key, airline_code=airline_code, sort=sort, rating=rating
    )
    page = Paginator(reviews, REVIEWS_PER_PAGE).get_page(request.GET.get("page"))
    customer = _reader(request)
    context = {
        "heading": heading,
        "summary": rating_summary(review_aggregate(subject_key=aggregate_key)),
        "reviews": _decorate(page.object_list, customer),
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number),
        "sorts": SORTS,
        "sort": sort,
        "rating": rating,
        "ratings": range(5, 0, -1),
    }
    return render(request, "b2c/reviews/subject.html", context)


def airline_reviews(request, code):
    """/reviews/airlines/<code>/: every published review of the airline, on any route."""
    airline = get_object_or_404(Airline, iata_code=code.upper())
    return _subject_page(
        request,
        heading=_("Reviews of %(airline)s") % {"airline": airline.name},
        subject_key=None,
        aggregate_key=airline_subject_key(airline.iata_code),
        airline_code=airline.iata_code,
    )


def route_reviews(request, code, origin, destination):
    """/reviews/flights/<code>/<origin>-<destination>/: the airline on one route."""
    airline = get_object_or_404(Airline, iata_code=code.upper())
    origin = get_object_or_404(Airport, iata_code=origin.upper())
    destination = get_object_or_404(Airport, iata_code=destination.upper())
    key = review_subject_key(
        subject_kind="flight",
        airline_code=airline.iata_code,
        origin=origin.iata_code,
        destination=destination.iata_code,
    )
    return _subject_page(
        request,
        heading=_("Reviews of %(airline)s, %(origin)s → %(destination)s")
        % {"airline": airline.name, "origin": origin.city, "destination": destination.city},
        subject_key=key,
        aggregate_key=key,
    )


def subject_reviews(request):
    """/reviews/subject/?key=hotel:atlantis the palm: a hotel's or a package's reviews. A
    flight's key, or one no published review has, is not found (flights have their route's
    page)."""
    key = request.GET.get("key", "")
    name = review_subject_name(subject_key=key)
    if not name:
        raise Http404
    return _subject_page(
        request,
        # The generic "Reviews of …" heading, as on an airline's page.
        heading=_("Reviews of %(airline)s") % {"airline": name},
        subject_key=key,
        aggregate_key=key,
    )


def subject_url(subject_key: str) -> str:
    """The page of a hotel's or a package's reviews."""
    return reverse("b2c:reviews-subject") + "?" + urlencode({"key": subject_key})


class HelpfulVoteView(LoginRequiredMixin, View):
    """POST /reviews/<id>/helpful/: vote a review helpful, or take the vote back. With htmx the
    answer is the button with the new count; without, back to the page it was pressed on."""

    http_method_names = ["post"]

    def post(self, request, review_id):
        customer = customer_for_user(user=request.user)
        try:
            voted, count = review_vote_toggle(customer=customer, review_id=review_id)
        except ReviewNotFound:
            raise Http404 from None
        except ApplicationError as error:
            if request.htmx:
                return render(
                    request,
                    "b2c/reviews/_helpful.html",
                    {"review_id": review_id, "error": error.message},
                )
            messages.error(request, error.message)
            return redirect(_next(request))
        if request.htmx:
            context = {"review_id": review_id, "voted": voted, "count": count}
            return render(request, "b2c/reviews/_helpful.html", context)
        return redirect(_next(request))


def _next(request) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("b2c:reviews-mine")


class ReviewWriteView(LoginRequiredMixin, View):
    """/reviews/write/: a review of one of the customer's completed flights (verified) or of
    another trip."""

    def _render(self, request, form, status=200):
        return render(request, "b2c/reviews/write.html", {"form": form}, status=status)

    def get(self, request):
        customer = customer_for_user(user=request.user)
        return self._render(request, ReviewForm(trips=reviewable_bookings(customer=customer)))

    def post(self, request):
        customer = customer_for_user(user=request.user)
        form = ReviewForm(request.POST, request.FILES, trips=reviewable_bookings(customer=customer))
        if form.is_valid():
            try:
                review = review_create(
                    customer=customer, language=customer.preferred_language,
                    **form.service_kwargs(),
                )  # fmt: skip
            except ApplicationError as error:
                _add_errors(form, error)
            else:
                if review.status == Review.Status.PUBLISHED:
                    messages.success(request, _("Thank you: your review is published."))
                else:
                    messages.success(
                        request,
                        _("Thank you: your review is held for a quick check before it appears."),
                    )
                return redirect("b2c:reviews-mine")
        return self._render(request, form, status=400)


class MyReviewsView(LoginRequiredMixin, View):
    """/reviews/mine/: the customer's reviews with where each one stands."""

    def get(self, request):
        customer = customer_for_user(user=request.user)
        reviews = list(reviews_of_customer(customer=customer))
        # Only to offer the link; review_update itself refuses an edit after the window.
        window = dt.timedelta(days=getattr(settings, "REVIEW_EDIT_DAYS", 30))
        now = timezone.now()
        for review in reviews:
            review.edit_until = review.created_at + window
            review.editable = now <= review.edit_until
            review.sub_ratings = [
                (SUB_RATING_LABELS[name], getattr(review, name))
                for name in SUB_RATINGS
                if getattr(review, name) is not None
            ]
        return render(request, "b2c/reviews/mine.html", {"reviews": reviews})


def _own(customer, review_id) -> Review:
    try:
        return review_get_own(customer=customer, review_id=review_id)
    except ReviewNotFound:
        raise Http404 from None


class ReviewEditView(LoginRequiredMixin, View):
    """/reviews/<id>/edit/: the ratings, title and text, while the service allows it."""

    def _render(self, request, review, form, status=200):
        context = {"review": review, "form": form}
        return render(request, "b2c/reviews/edit.html", context, status=status)

    def get(self, request, review_id):
        review = _own(customer_for_user(user=request.user), review_id)
        fields = ("rating", *SUB_RATINGS, "title", "text")
        initial = {name: getattr(review, name) for name in fields}
        return self._render(request, review, ReviewEditForm(initial=initial))

    def post(self, request, review_id):
        customer = customer_for_user(user=request.user)
        review = _own(customer, review_id)
        form = ReviewEditForm(request.POST)
        if form.is_valid():
            try:
                review_update(customer=customer, review_id=review.pk, **form.service_kwargs())
            except ReviewNotFound:
                raise Http404 from None
            except ApplicationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Your review is updated."))
                return redirect("b2c:reviews-mine")
        return self._render(request, review, form, status=400)


class ReviewDeleteView(LoginRequiredMixin, View):
    """A confirmation step (GET), then the deletion (POST)."""

    def get(self, request, review_id):
        review = _own(customer_for_user(user=request.user), review_id)
        return render(request, "b2c/reviews/delete.html", {"review": review})

    def post(self, request, review_id):
        customer = customer_for_user(user=request.user)
        review = _own(customer, review_id)
        try:
            review_delete(customer=customer, review_id=review.pk)
        except ReviewNotFound:
            raise Http404 from None
        message = _("Your review “%(title)s” is deleted.") % {"title": review.title}
        messages.success(request, message)
        return redirect("b2c:reviews-mine")


class ReviewReportView(LoginRequiredMixin, View):
    """/reviews/<id>/report/: tell staff what is wrong with a published review."""

    def _review(self, review_id) -> Review:
        review = reviews_published().filter(pk=review_id).first()
        if review is None:
            raise Http404
        return review

    def _render(self, request, review, form, status=200):
        context = {"review": review, "form": form}
        return render(request, "b2c/reviews/report.html", context, status=status)

    def get(self, request, review_id):
        return self._render(request, self._review(review_id), ReportForm())

    def post(self, request, review_id):
        customer = customer_for_user(user=request.user)
        review = self._review(review_id)
        form = ReportForm(request.POST)
        if form.is_valid():
            try:
                content_report(
                    customer=customer,
                    reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"],
                    review_id=review.pk,
                )
            except ReviewNotFound:
                raise Http404 from None
            except ApplicationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Thank you. Our team will look at this review."))
                return redirect(review_url(review))
        return self._render(request, review, form, status=400)


def review_url(review) -> str:
    """The page a review is shown on: its route's for a flight, its hotel's or package's page,
    else the reviewer's list."""
    if review.subject_kind == "flight" and review.airline_id:
        return reverse(
            "b2c:reviews-route",
            args=[review.airline.iata_code, review.origin.iata_code, review.destination.iata_code],
        )
    if review.subject_kind in ("hotel", "package") and review.subject_key:
        return subject_url(review.subject_key)
    return reverse("b2c:reviews-mine")


# Search results --------------------------------------------------------------------------------


def offer_subject_keys(offers) -> set[str]:
    """The subject key of every flight of these offers ("flight:EK:DXB-LHR")."""
    return {
        review_subject_key(
            subject_kind="flight",
            airline_code=leg.airline_code,
            origin=leg.origin,
            destination=leg.destination,
        )
        for offer in offers
        for journey in offer.journeys
        for leg in journey.legs
    }


def search_ratings(aggregates: dict) -> dict[str, dict]:
    """For the search results: each rated subject's average (one decimal, as the language
    writes it), its count and its reviews page, by subject key."""
    ratings = {}
    for key, aggregate in aggregates.items():
        if not aggregate.review_count or aggregate.airline_id is None:
            continue
        _kind, code, route = key.split(":", 2)
        origin, _dash, destination = route.partition("-")
        ratings[key] = {
            "average": format_average(aggregate),
            "count": aggregate.review_count,
            "url": reverse("b2c:reviews-route", args=[code, origin, destination]),
        }
    return ratings
