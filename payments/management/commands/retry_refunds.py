from django.core.management.base import BaseCommand

from payments.services import refunds_retry


class Command(BaseCommand):
    help = "Send again the refunds that are due (same key: never refunds twice)."

    def handle(self, *args, **options):
        done = refunds_retry()
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in done.items()))
