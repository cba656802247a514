import datetime as dt

from django.core.management.base import BaseCommand

from payments.services import payments_reconcile


class Command(BaseCommand):
    help = "Complete or refund charges left unknown, and retry pending refunds (exactly once)."

    def add_arguments(self, parser):
        parser.add_argument("--older-than-minutes", type=int, default=2)

    def handle(self, *args, **options):
        done = payments_reconcile(older_than=dt.timedelta(minutes=options["older_than_minutes"]))
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in done.items()))
