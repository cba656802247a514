"""Forms of the wishlist and favourites pages. They read input; b2c.services.wishlist decides."""

from django import forms
from django.utils.translation import gettext_lazy as _

from flights.forms import AirportField
from flights.models import Airline, Cabin
from flights.search import MAX_SEATS

SCORE_CHOICES = [
    (5, _("5 · favourite")),
    (4, _("4")),
    (3, _("3")),
    (2, _("2")),
    (1, _("1 · a little")),
]


class WishlistNameForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=80, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )


class TripSaveForm(forms.Form):
    """The trip a search result is for, as hidden fields of its "Save" button."""

    origin = forms.CharField(max_length=3)
    destination = forms.CharField(max_length=3)
    departure_date = forms.DateField()
    return_date = forms.DateField(required=False)
    cabin = forms.ChoiceField(choices=Cabin.choices)
    adults = forms.IntegerField(min_value=1, max_value=MAX_SEATS)
    children = forms.IntegerField(min_value=0, max_value=MAX_SEATS, required=False)
    infants = forms.IntegerField(min_value=0, max_value=MAX_SEATS, required=False)
    currency = forms.CharField(max_length=3)


class ItemTargetForm(forms.Form):
    """A target price for a trip (empty: no target); the service checks it against the trip's
    currency."""

    target_price = forms.DecimalField(
        label=_("Tell me when the price falls to"),
        required=False,
        max_digits=15,
        decimal_places=3,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "dir": "ltr", "size": 8}),
    )


NEW_WISHLIST = "new"


class ItemKeepForm(forms.Form):
    """After "Save trip" on a search result: which wishlist keeps the trip (one of the
    customer's, or a new one by name) and, optionally, a target price that makes a price alert.

    A name typed in `new_name` means a new wishlist whatever the list shows (so that it works
    without JavaScript, which could hide the name field until "A new wishlist" is chosen).
    """

    wishlist = forms.ChoiceField(label=_("Wishlist"))
    new_name = forms.CharField(
        label=_("Name of a new wishlist"),
        max_length=200,  # the service says how long a name may be, as a field error
        required=False,
        help_text=_("Filled in, the trip goes to a new wishlist of this name."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    target_price = forms.DecimalField(
        label=_("Tell me when the price falls to"),
        required=False,
        max_digits=15,
        decimal_places=3,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "dir": "ltr", "size": 8}),
    )

    def __init__(self, *args, wishlists=(), currency: str = "", price: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["wishlist"].choices = [(str(w.pk), w.name) for w in wishlists] + [
            (NEW_WISHLIST, _("A new wishlist…"))
        ]
        if price:
            help_text = _("In %(currency)s; it costs %(price)s now. Leave it empty for no alert.")
        else:
            help_text = _("In %(currency)s. Leave it empty for no alert.")
        self.fields["target_price"].help_text = help_text % {"currency": currency, "price": price}

    def clean_target_price(self):
        # Also the service's rule; checked here too so that a bad price and a bad name are
        # both marked at once (the service stops at the first).
        price = self.cleaned_data["target_price"]
        if price is not None and price <= 0:
            raise forms.ValidationError(_("The target price must be greater than zero."))
        return price

    def clean(self):
        data = super().clean()
        name = (data.get("new_name") or "").strip()
        data["new_name"] = name
        data["is_new"] = bool(name) or data.get("wishlist") == NEW_WISHLIST
        if data["is_new"] and not name:
            self.add_error("new_name", _("Give the wishlist a name."))
        return data


class ItemMoveForm(forms.Form):
    wishlist = forms.TypedChoiceField(label=_("Move to"), coerce=int)

    def __init__(self, *args, wishlists=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["wishlist"].choices = [(w.pk, w.name) for w in wishlists]


class FavouriteDestinationForm(forms.Form):
    # Named like the search form's field, so the airport suggestions answer it as they do there.
    destination = AirportField(
        label=_("Destination"), help_text=_("City, airport or code, e.g. IST.")
    )
    notes = forms.CharField(label=_("Notes"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        attrs = self.fields["destination"].widget.attrs
        attrs["list"] = "favourite-destination-suggestions"
        attrs["hx-target"] = "#favourite-destination-suggestions"


class FavouriteAirlineForm(forms.Form):
    airline = forms.ModelChoiceField(
        label=_("Airline"),
        queryset=Airline.objects.order_by("name"),
        to_field_name="iata_code",
        empty_label=_("Choose an airline"),
    )
    score = forms.TypedChoiceField(
        label=_("Preference"), choices=SCORE_CHOICES, coerce=int, initial=3
    )


class FavouriteAirlineScoreForm(forms.Form):
    score = forms.TypedChoiceField(label=_("Preference"), choices=SCORE_CHOICES, coerce=int)
