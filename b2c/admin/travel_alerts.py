"""Staff views of travel alerts: reminders and flight changes are the customers' alert activity
(read-only); advisories are posted here through b2c.services.travel_alerts.advisory_publish, so
its checks and the notice to travellers apply to them as to any other."""

from django import forms
from django.contrib import admin
from django.db.models import BooleanField, Case, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.filters import CountryFilter

from b2c.models import TravelAlert
from b2c.selectors.travel_alerts import in_force_q
from b2c.services.travel_alerts import advisory_publish
from core.exceptions import ApplicationError

ADVISORY_FIELDS = ("country", "severity", "title", "body", "valid_from", "valid_until")


class AdvisoryAddForm(forms.ModelForm):
    """Post an advisory: the service checks the input and writes the row; its refusals show on
    the form's fields. `staff_user` is set by the admin for each request."""

    staff_user = None

    class Meta:
        model = TravelAlert
        fields = ADVISORY_FIELDS

    def _post_clean(self):
        # In place of the model's own validation: advisory_publish checks and creates, once.
        if self.errors:
            return
        try:
            self.instance = advisory_publish(staff_user=self.staff_user, **self.cleaned_data)
        except ApplicationError as error:
            for field, problems in (error.extra or {None: [error.message]}).items():
                for problem in problems:
                    self.add_error(field if field in self.fields else None, problem)


@admin.register(TravelAlert)
class TravelAlertAdmin(admin.ModelAdmin):
    list_display = (
        "__str__", "kind", "state", "severity", "country", "customer_email", "booking_reference",
        "in_force", "created_at",
    )  # fmt: skip
    list_filter = ("kind", "state", "severity", ("country", CountryFilter))
    search_fields = ("booking__reference", "customer__user__email", "title")
    list_select_related = ("customer__user", "booking")
    date_hierarchy = "created_at"
    readonly_fields = (
        "kind", "customer", "booking", "flight", "reminder", "change", "state",
        "previous_departure_at", "previous_arrival_at", "new_departure_at", "new_arrival_at",
        "answered_at", "country", "severity", "title", "body", "valid_from", "valid_until",
        "posted_by", "created_at", "updated_at",
    )  # fmt: skip

    def get_queryset(self, request):
        now = timezone.now()
        return (
            super()
            .get_queryset(request)
            .annotate(
                is_in_force=Case(
                    When(in_force_q(now=now), then=Value(True)),
                    When(kind=TravelAlert.Kind.ADVISORY, then=Value(False)),
                    default=None,
                    output_field=BooleanField(null=True),
                )
            )
        )

    @admin.display(description=_("in force"), boolean=True, ordering="is_in_force")
    def in_force(self, obj):
        return obj.is_in_force

    @admin.display(description=_("customer"), ordering="customer__user__email")
    def customer_email(self, obj):
        return obj.customer.user.email if obj.customer_id else ""

    @admin.display(description=_("booking reference"), ordering="booking__reference")
    def booking_reference(self, obj):
        return obj.booking.reference if obj.booking_id else ""

    # Adding is posting an advisory; what exists is a record, changed only by its services.

    def get_fields(self, request, obj=None):
        if obj is None:
            return ADVISORY_FIELDS
        if obj.kind == TravelAlert.Kind.ADVISORY:
            return (*ADVISORY_FIELDS, "posted_by", "created_at")
        return (
            "kind", "customer", "booking", "flight", "reminder", "change", "state",
            "previous_departure_at", "previous_arrival_at", "new_departure_at",
            "new_arrival_at", "answered_at", "created_at",
        )  # fmt: skip

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = type(
                "AdvisoryAddForm", (AdvisoryAddForm,), {"staff_user": request.user}
            )
        return super().get_form(request, obj, change=change, **kwargs)

    def save_model(self, request, obj, form, change):
        # The form's advisory_publish call has saved it.
        pass

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        # Staff may withdraw an advisory posted in error; customers' alerts are their record.
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or obj.kind == TravelAlert.Kind.ADVISORY)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # would delete customers' alerts too
        return actions
