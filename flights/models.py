from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


class Airline(models.Model):
    """A carrier, identified by its two-character IATA designator."""

    iata_code = models.CharField(
        _("IATA code"),
        max_length=2,
        unique=True,
        validators=[RegexValidator(r"^[A-Z0-9]{2}$", _("Two letters or digits, e.g. EK."))],
    )
    icao_code = models.CharField(_("ICAO code"), max_length=3, blank=True)
    name = models.CharField(_("name"), max_length=120)
    country = CountryField(_("country"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        db_table = "flights_airline"
        ordering = ["name"]
        verbose_name = _("airline")
        verbose_name_plural = _("airlines")

    def __str__(self) -> str:
        return f"{self.name} ({self.iata_code})"
