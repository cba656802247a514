from django.core.management.base import BaseCommand

from notifications.services import outbox_relay


class Command(BaseCommand):
    help = "Deliver the outbox messages that are due (emails and in-app notifications)."

    def handle(self, *args, **options):
        done = outbox_relay()
        self.stdout.write(
            f"{done['sent']} sent, {done['pending']} to retry, {done['failed']} given up."
        )
