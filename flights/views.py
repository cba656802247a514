"""The flight search page, airport suggestions for its fields, and choosing an offer."""

import zoneinfo
from dataclasses import replace
from urllib.parse import urlsplit

from django.contrib import messages
from django.core import signing
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from b2c.selectors.customer import customer_currency
from b2c.selectors.reviews import review_aggregates_for
from b2c.selectors.wishlist import favorite_airline_scores, offers_ranked_for
from b2c.views.review_views import offer_subject_keys, search_ratings
from core.exceptions import ApplicationError
from flights import selectors
from flights.forms import SORT_CHOICES, FlightSearchForm
from flights.search import OFFER_TTL, offer_token_read
from flights.search_cache import search_cache_get, search_cache_key, search_cache_set

RESULTS_PER_PAGE = 20


@require_GET
def search(request):
    """The form alone when the query string is empty; the form and its results otherwise, so a
    search is a bookmarkable URL."""
    bound = any(name in request.GET for name in FlightSearchForm.base_fields)
    # Visitors who are not signed in all see the same page for the same question.
    cache_key = None
    if bound and not request.user.is_authenticated and not len(messages.get_messages(request)):
        cache_key = search_cache_key("page", request.GET.lists())
        html = search_cache_get(cache_key)
        if html is not None:
            return HttpResponse(html)
    form = FlightSearchForm(
        request.GET if bound else None, currency=customer_currency(user=request.user)
    )
    context = {"form": form}
    if not bound:
        return render(request, "flights/search.html", context)
    if not form.is_valid():
        return render(request, "flights/search.html", context, status=400)

    query = form.search_query()
    try:
        results = selectors.search_results(query, filters=form.filters(), sort=form.sort_order())
    except ApplicationError as exc:  # no exchange rate for the currency asked for
        form.add_error("currency", exc.message)
        return render(request, "flights/search.html", context, status=400)
    if request.user.is_authenticated and form.sort_order() == "price":
        # Among equal prices, the customer's favourite airlines first (b2c.selectors.wishlist).
        # Signed-in pages are never cached, so visitors' cached page is not affected.
        scores = favorite_airline_scores(user=request.user)
        if scores:
            results = replace(results, offers=offers_ranked_for(results.offers, scores))
    page = Paginator(results.offers, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    form.offer_airlines(results.airlines)
    # The shown offers' ratings, in one query; a visitor's cached page keeps them for as long as
    # it keeps the prices (SEARCH_CACHE_SECONDS).
    aggregates = review_aggregates_for(subject_keys=offer_subject_keys(page.object_list))
    context.update(
        {
            "query": query,
            "results": results,
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
            "first_index": page.start_index(),
            # The calendar links only days that are not yet over at the origin.
            "today": timezone.now().astimezone(zoneinfo.ZoneInfo(query.origin.time_zone)).date(),
            "travellers": query.passengers.adults
            + query.passengers.children
            + query.passengers.infants,
            "sorts": SORT_CHOICES,
            "review_ratings": search_ratings(aggregates),
        }
    )
    response = render(request, "flights/search.html", context)
    if cache_key:
        search_cache_set(cache_key, response.content.decode())
    return response


@require_GET
def airport_suggestions(request):
    """<option>s for the <datalist> of an airport field (htmx sends the field's own name)."""
    term = next((request.GET[k] for k in ("q", "origin", "destination") if request.GET.get(k)), "")
    airports = selectors.airport_suggestions(term[:100]) if len(term.strip()) >= 2 else []
    return render(request, "flights/_airport_options.html", {"airports": airports})


def _search_url(request) -> str:
    """The search the offer was chosen from (same site only), or the empty search page."""
    target = request.GET.get("next", "")
    search_path = reverse("flights:search")
    if urlsplit(target).path == search_path and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return search_path


@require_GET
def offer_select(request):
    """The chosen offer: back to the search when it expired or is gone, else on to booking.

    A GET (it changes nothing), so that the results need no CSRF token and can be cached."""
    try:
        content = offer_token_read(request.GET.get("token", ""))
    except signing.SignatureExpired:
        messages.error(
            request,
            _("That offer has expired: prices are kept for %(minutes)s minutes. Here are the "
              "latest offers.") % {"minutes": int(OFFER_TTL.total_seconds() // 60)},
        )  # fmt: skip
        return redirect(_search_url(request))
    except signing.BadSignature:
        messages.error(request, _("That offer could not be read. Please choose one again."))
        return redirect(_search_url(request))
    fare_ids = content.get("f", [])
    fares = selectors.offer_fares(fare_ids)
    if not fares or len(fares) != len(fare_ids):
        messages.error(request, _("That offer is no longer available. Please choose another."))
        return redirect(_search_url(request))
    return redirect("bookings:start", token=request.GET["token"])
