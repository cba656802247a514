"""Wishlist and favourites pages, the one-click "Save" of search results, and the read-only
page of a shared wishlist.

Every page is the signed-in customer's own (another customer's id is "not found", 404), except
the shared page, which anyone with its link may read.
"""

from functools import partial

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from b2c.forms.wishlist import (
    NEW_WISHLIST,
    FavouriteAirlineForm,
    FavouriteAirlineScoreForm,
    FavouriteDestinationForm,
    ItemKeepForm,
    ItemMoveForm,
    ItemTargetForm,
    TripSaveForm,
    WishlistNameForm,
)
from b2c.selectors.customer import customer_for_user
from b2c.selectors.wishlist import (
    favourite_airline_list,
    favourite_destination_list,
    wishlist_get,
    wishlist_item_get,
    wishlist_item_search_params,
    wishlist_list,
    wishlist_shared_get,
    wishlist_with_items,
)
from b2c.services.wishlist import (
    WishlistNotFound,
    favourite_airline_remove,
    favourite_airline_set,
    favourite_destination_add,
    favourite_destination_remove,
    wishlist_create,
    wishlist_delete,
    wishlist_item_keep,
    wishlist_item_move,
    wishlist_item_remove,
    wishlist_item_save,
    wishlist_item_target_set,
    wishlist_rename,
    wishlist_share,
    wishlist_share_link_reset,
    wishlist_unshare,
)
from core.exceptions import ApplicationError
from core.formatting import format_money
from core.http import not_found_as_404 as core_not_found_as_404
from core.money import quantize

# A service's "not yours / not there" as a 404.
not_found_as_404 = partial(core_not_found_as_404, WishlistNotFound)


def _add_service_errors(form, error: ApplicationError, fields: dict | None = None) -> None:
    for field, problems in (error.extra or {None: [error.message]}).items():
        target = (fields or {}).get(field, field)
        for problem in problems:
            form.add_error(target if target in form.fields else None, problem)


def _share_url(request, wishlist) -> str:
    return request.build_absolute_uri(reverse("b2c:wishlist-shared", args=[wishlist.share_token]))


def _with_search_links(items):
    for item in items:
        item.search_url = f"{reverse('flights:search')}?{wishlist_item_search_params(item)}"
        alert = item.price_alert
        item.target = (
            quantize(alert.target_price, item.currency)
            if alert is not None and alert.target_price is not None
            else None
        )
    return items


class WishlistListView(LoginRequiredMixin, View):
    """/wishlists/: the customer's wishlists with their number of trips, and a new one."""

    def _render(self, request, customer, form, status=200):
        context = {"wishlists": list(wishlist_list(customer=customer)), "form": form}
        return render(request, "b2c/wishlist/list.html", context, status=status)

    def get(self, request):
        customer = customer_for_user(user=request.user)
        return self._render(request, customer, WishlistNameForm())

    def post(self, request):
        customer = customer_for_user(user=request.user)
        form = WishlistNameForm(request.POST)
        if form.is_valid():
            try:
                wishlist = wishlist_create(customer=customer, name=form.cleaned_data["name"])
            except ApplicationError as error:
                _add_service_errors(form, error)
            else:
                messages.success(request, _("Wishlist “%(name)s” created.") % {"name": wishlist})
                return redirect("b2c:wishlist", wishlist_id=wishlist.pk)
        return self._render(request, customer, form, status=400)


class WishlistDetailView(LoginRequiredMixin, View):
    """/wishlists/<id>/: its trips (saved prices, a search link each), rename, share, delete."""

    def _render(self, request, customer, wishlist_id, rename_form=None, status=200):
        wishlist = wishlist_with_items(customer=customer, wishlist_id=wishlist_id)
        others = [w for w in wishlist_list(customer=customer) if w.pk != wishlist.pk]
        context = {
            "wishlist": wishlist,
            "items": _with_search_links(list(wishlist.items.all())),
            "others": others,
            "move_form": ItemMoveForm(wishlists=others) if others else None,
            "rename_form": rename_form or WishlistNameForm(initial={"name": wishlist.name}),
            "share_url": _share_url(request, wishlist) if wishlist.is_shared else "",
        }
        return render(request, "b2c/wishlist/detail.html", context, status=status)

    def get(self, request, wishlist_id):
        customer = customer_for_user(user=request.user)
        return self._render(request, customer, wishlist_id)


class WishlistRenameView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, wishlist_id):
        customer = customer_for_user(user=request.user)
        wishlist_get(customer=customer, wishlist_id=wishlist_id)
        form = WishlistNameForm(request.POST)
        if form.is_valid():
            try:
                with not_found_as_404():
                    wishlist = wishlist_rename(
                        customer=customer, wishlist_id=wishlist_id, name=form.cleaned_data["name"]
                    )
            except ApplicationError as error:
                _add_service_errors(form, error)
            else:
                messages.success(request, _("Renamed to “%(name)s”.") % {"name": wishlist})
                return redirect("b2c:wishlist", wishlist_id=wishlist_id)
        return WishlistDetailView()._render(
            request, customer, wishlist_id, rename_form=form, status=400
        )


class WishlistShareView(LoginRequiredMixin, View):
    """POST action=on, off or reset (a new link; the old one stops working)."""

    http_method_names = ["post"]
    ACTIONS = {
        "on": (wishlist_share, gettext_lazy("Anyone with the link can now see this wishlist.")),
        "off": (
            wishlist_unshare,
            gettext_lazy("This wishlist is private again; its link no longer works."),
        ),
        "reset": (
            wishlist_share_link_reset,
            gettext_lazy("The wishlist has a new link; the old one no longer works."),
        ),
    }

    def post(self, request, wishlist_id):
        customer = customer_for_user(user=request.user)
        wishlist_get(customer=customer, wishlist_id=wishlist_id)
        action = self.ACTIONS.get(request.POST.get("action", ""))
        if action is None:
            messages.error(request, _("Choose to share, stop sharing or get a new link."))
            return redirect("b2c:wishlist", wishlist_id=wishlist_id)
        service, message = action
        with not_found_as_404():
            service(customer=customer, wishlist_id=wishlist_id)
        messages.success(request, str(message))
        return redirect(reverse("b2c:wishlist", args=[wishlist_id]) + "#sharing")


class WishlistDeleteView(LoginRequiredMixin, View):
    """A confirmation step (GET), then the deletion (POST)."""

    def get(self, request, wishlist_id):
        customer = customer_for_user(user=request.user)
        wishlist = wishlist_list(customer=customer).filter(pk=wishlist_id).first()
        if wishlist is None:
            raise Http404
        return render(request, "b2c/wishlist/delete.html", {"wishlist": wishlist})

    def post(self, request, wishlist_id):
        customer = customer_for_user(user=request.user)
        wishlist = wishlist_get(customer=customer, wishlist_id=wishlist_id)
        with not_found_as_404():
            wishlist_delete(customer=customer, wishlist_id=wishlist_id)
        messages.success(request, _("Wishlist “%(name)s” deleted.") % {"name": wishlist.name})
        return redirect("b2c:wishlists")


class WishlistItemRemoveView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, wishlist_id, item_id):
        customer = customer_for_user(user=request.user)
        wishlist_item_get(customer=customer, wishlist_id=wishlist_id, item_id=item_id)
        with not_found_as_404():
            wishlist_item_remove(customer=customer, item_id=item_id)
        messages.success(request, _("The trip was removed."))
        return redirect("b2c:wishlist", wishlist_id=wishlist_id)


class WishlistItemMoveView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, wishlist_id, item_id):
        customer = customer_for_user(user=request.user)
        wishlist_item_get(customer=customer, wishlist_id=wishlist_id, item_id=item_id)
        others = [w for w in wishlist_list(customer=customer) if w.pk != wishlist_id]
        form = ItemMoveForm(request.POST, wishlists=others)
        if not form.is_valid():
            raise Http404  # not one of the customer's other wishlists
        target = form.cleaned_data["wishlist"]
        try:
            with not_found_as_404():
                wishlist_item_move(customer=customer, item_id=item_id, wishlist_id=target)
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect("b2c:wishlist", wishlist_id=wishlist_id)
        name = next(w.name for w in others if w.pk == target)
        messages.success(request, _("The trip was moved to “%(name)s”.") % {"name": name})
        return redirect("b2c:wishlist", wishlist_id=wishlist_id)


class WishlistItemTargetView(LoginRequiredMixin, View):
    """A target price for a trip, which makes a price alert; empty removes it."""

    http_method_names = ["post"]

    def post(self, request, wishlist_id, item_id):
        customer = customer_for_user(user=request.user)
        item = wishlist_item_get(customer=customer, wishlist_id=wishlist_id, item_id=item_id)
        back = reverse("b2c:wishlist", args=[wishlist_id]) + f"#item-{item_id}"
        form = ItemTargetForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Enter the target price as a number, e.g. 450.00."))
            return redirect(back)
        target = form.cleaned_data["target_price"]
        try:
            with not_found_as_404():
                target = wishlist_item_target_set(
                    customer=customer, item_id=item_id, target_price=target
                )
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect(back)
        if target is None:
            messages.success(request, _("The price alert for this trip was removed."))
        else:
            messages.success(
                request,
                _("We will tell you when this trip costs %(price)s or less.")
                % {"price": format_money(target, item.currency)},
            )
        return redirect(back)


def _back(request, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


class WishlistSaveView(LoginRequiredMixin, View):
    """One-click "Save" of a search result's trip to the customer's default wishlist.

    With htmx (HX-Request) the answer is the fragment that replaces the button ("Saved ✓ —
    View"), or the refusal in its place (200 either way, so that htmx swaps it in); without
    JavaScript the form posts normally and the customer is sent back to the results."""

    http_method_names = ["post"]

    def post(self, request):
        customer = customer_for_user(user=request.user)
        htmx = request.headers.get("HX-Request") == "true"
        form = TripSaveForm(request.POST)
        item, problem = None, None
        if form.is_valid():
            data = form.cleaned_data
            try:
                item = wishlist_item_save(
                    customer=customer, origin=data["origin"], destination=data["destination"],
                    departure_date=data["departure_date"], return_date=data["return_date"],
                    cabin=data["cabin"], adults=data["adults"], children=data["children"] or 0,
                    infants=data["infants"] or 0, currency=data["currency"].upper(),
                )  # fmt: skip
            except ApplicationError as error:
                problem = error.message
        else:
            problem = _("This trip could not be saved. Please search again.")
        if htmx:
            context = {"item": item, "problem": problem}
            if item is not None:
                # Where to keep the trip, and a target price, right where it was saved.
                context |= _keep_context(customer, item, slot=_slot(request))
            return render(request, "b2c/wishlist/_saved.html", context)
        if item is None:
            messages.error(request, problem)
        else:
            messages.success(
                request,
                _("Saved to your wishlist “%(name)s”.") % {"name": item.wishlist.name},
            )
        fallback = (
            reverse("b2c:wishlist", args=[item.wishlist_id]) if item else reverse("b2c:wishlists")
        )
        return redirect(_back(request, fallback))


def _slot(request) -> str:
    """Which result on the search page the form belongs to (ids stay unique on the page)."""
    slot = request.POST.get("slot", "")
    return slot if slot.isdigit() and len(slot) <= 4 else "0"


def _keep_form(customer, item, *, slot: str, data=None, wishlists=None) -> ItemKeepForm:
    wishlists = wishlists if wishlists is not None else list(wishlist_list(customer=customer))
    return ItemKeepForm(
        data,
        wishlists=wishlists,
        initial={"wishlist": str(item.wishlist_id)},
        currency=item.currency,
        price=format_money(item.saved_price, item.currency) if item.saved_price else "",
        auto_id=f"keep-{item.pk}-{slot}-%s",
    )


def _keep_context(customer, item, *, slot: str, form=None) -> dict:
    return {
        "item": item,
        "keep_form": form or _keep_form(customer, item, slot=slot),
        "slot": slot,
    }


class WishlistItemKeepView(LoginRequiredMixin, View):
    """After "Save trip" on a search result: keep the trip in one of the customer's wishlists
    or a new one (by name), with an optional target price (which makes a price alert).

    The steps (create the wishlist, move the trip, set the target) are the wishlist services',
    run in one transaction so that a refusal at any step changes nothing. With htmx the answer
    replaces the form (200 even when refused, so that htmx swaps it in, with the fields
    marked); without JavaScript a refusal is this page (400) and success goes to the wishlist.
    """

    def _page(self, request, customer, item, form, status=200):
        context = _keep_context(customer, item, slot=_slot(request), form=form)
        return render(request, "b2c/wishlist/keep.html", context, status=status)

    def get(self, request, wishlist_id, item_id):
        customer = customer_for_user(user=request.user)
        item = wishlist_item_get(customer=customer, wishlist_id=wishlist_id, item_id=item_id)
        return self._page(request, customer, item, None)

    def post(self, request, wishlist_id, item_id):
        customer = customer_for_user(user=request.user)
        item = wishlist_item_get(customer=customer, wishlist_id=wishlist_id, item_id=item_id)
        htmx = request.headers.get("HX-Request") == "true"
        slot = _slot(request)
        wishlists = list(wishlist_list(customer=customer))
        chosen = request.POST.get("wishlist", "")
        if chosen and chosen not in {str(w.pk) for w in wishlists} | {NEW_WISHLIST}:
            raise Http404  # not one of the customer's wishlists
        form = _keep_form(customer, item, slot=slot, data=request.POST, wishlists=wishlists)
        if form.is_valid():
            data = form.cleaned_data
            try:
                with not_found_as_404():
                    kept, target = wishlist_item_keep(
                        customer=customer,
                        item_id=item.pk,
                        wishlist_id=None if data["is_new"] else int(data["wishlist"]),
                        new_wishlist_name=data["new_name"] if data["is_new"] else "",
                        target_price=data["target_price"],
                    )
            except ApplicationError as error:
                # An alert refused without a field (the cap) is about the target price.
                _add_service_errors(form, error, {"name": "new_name", None: "target_price"})
            else:
                if htmx:
                    return render(
                        request, "b2c/wishlist/_kept.html", {"item": kept, "target": target}
                    )
                message = _("Saved to your wishlist “%(name)s”.") % {"name": kept.wishlist.name}
                if target is not None:
                    message += " " + _(
                        "We will tell you when this trip costs %(price)s or less."
                    ) % {"price": format_money(target, kept.currency)}
                messages.success(request, message)
                return redirect("b2c:wishlist", wishlist_id=kept.wishlist_id)
        if htmx:
            context = _keep_context(customer, item, slot=slot, form=form)
            return render(request, "b2c/wishlist/_saved.html", context)
        return self._page(request, customer, item, form, status=400)


def wishlist_shared(request, token):
    """/wishlists/shared/<token>/: read-only, for anyone with the link; 404 once unshared or
    the link was replaced."""
    wishlist = wishlist_shared_get(token=token)
    context = {"wishlist": wishlist, "items": _with_search_links(list(wishlist.items.all()))}
    response = render(request, "b2c/wishlist/shared.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response


class FavouritesView(LoginRequiredMixin, View):
    """/favourites/: favourite destinations (with notes) and airlines (scored 1 to 5)."""

    def _render(self, request, customer, destination_form=None, airline_form=None, status=200):
        airlines = list(favourite_airline_list(customer=customer))
        for favourite in airlines:
            favourite.score_form = FavouriteAirlineScoreForm(
                initial={"score": favourite.score}, prefix=f"airline-{favourite.pk}"
            )
        context = {
            "destinations": favourite_destination_list(customer=customer),
            "airlines": airlines,
            "destination_form": destination_form or FavouriteDestinationForm(),
            "airline_form": airline_form or FavouriteAirlineForm(),
        }
        return render(request, "b2c/wishlist/favourites.html", context, status=status)

    def get(self, request):
        customer = customer_for_user(user=request.user)
        return self._render(request, customer)

    def post(self, request):
        """action=destination adds a destination; action=airline sets an airline's score."""
        customer = customer_for_user(user=request.user)
        if request.POST.get("action") == "airline":
            form = FavouriteAirlineForm(request.POST)
            if form.is_valid():
                try:
                    favourite = favourite_airline_set(
                        customer=customer,
                        airline_code=form.cleaned_data["airline"].iata_code,
                        score=form.cleaned_data["score"],
                    )
                except ApplicationError as error:
                    _add_service_errors(form, error)
                else:
                    messages.success(
                        request,
                        _("%(airline)s: preference %(score)s of 5.")
                        % {"airline": favourite.airline.name, "score": favourite.score},
                    )
                    return redirect(reverse("b2c:favourites") + "#airlines")
            return self._render(request, customer, airline_form=form, status=400)
        form = FavouriteDestinationForm(request.POST)
        if form.is_valid():
            try:
                favourite = favourite_destination_add(
                    customer=customer,
                    airport_code=form.cleaned_data["destination"].iata_code,
                    notes=form.cleaned_data["notes"],
                )
            except ApplicationError as error:
                _add_service_errors(form, error, {"airport": "destination"})
            else:
                messages.success(
                    request,
                    _("%(city)s is one of your favourite destinations.")
                    % {"city": favourite.airport.city},
                )
                return redirect(reverse("b2c:favourites") + "#destinations")
        return self._render(request, customer, destination_form=form, status=400)


class FavouriteAirlineScoreView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, favourite_id):
        customer = customer_for_user(user=request.user)
        favourite = favourite_airline_list(customer=customer).filter(pk=favourite_id).first()
        if favourite is None:
            raise Http404
        form = FavouriteAirlineScoreForm(request.POST, prefix=f"airline-{favourite.pk}")
        if form.is_valid():
            favourite_airline_set(
                customer=customer,
                airline_code=favourite.airline.iata_code,
                score=form.cleaned_data["score"],
            )
            messages.success(request, _("Preference saved."))
        else:
            messages.error(request, _("Score the airline from 1 to 5."))
        return redirect(reverse("b2c:favourites") + "#airlines")


class FavouriteRemoveView(LoginRequiredMixin, View):
    http_method_names = ["post"]
    kind = "destination"

    def post(self, request, favourite_id):
        customer = customer_for_user(user=request.user)
        remove = (
            favourite_destination_remove if self.kind == "destination" else favourite_airline_remove
        )
        with not_found_as_404():
            remove(customer=customer, favourite_id=favourite_id)
        messages.success(request, _("Removed from your favourites."))
        anchor = "#destinations" if self.kind == "destination" else "#airlines"
        return redirect(reverse("b2c:favourites") + anchor)
