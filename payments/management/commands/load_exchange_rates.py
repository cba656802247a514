from django.core.management.base import BaseCommand, CommandError

from payments.fx import FileRateProvider, RateProviderError, exchange_rates_refresh


class Command(BaseCommand):
    help = "Store the current exchange rates from the configured provider (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--file",
            help="Read this CSV (the format of payments/data/exchange_rates.csv) instead.",
        )

    def handle(self, *args, **options):
        provider = FileRateProvider(options["file"]) if options["file"] else None
        try:
            added = exchange_rates_refresh(provider=provider)
        except (RateProviderError, OSError) as exc:
            raise CommandError(f"No exchange rates stored: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"{added} new exchange rates stored."))
