"""Give every existing customer a referral code, then make the code required for new ones."""

import secrets

from django.db import migrations, models

import b2c.models.customer

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def fill_codes(apps, schema_editor):
    Customer = apps.get_model("b2c", "Customer")
    taken = set(
        Customer.objects.exclude(referral_code=None).values_list("referral_code", flat=True)
    )
    for customer in Customer.objects.filter(referral_code=None).only("pk").iterator():
        code = "".join(secrets.choice(ALPHABET) for _ in range(8))
        while code in taken:
            code = "".join(secrets.choice(ALPHABET) for _ in range(8))
        taken.add(code)
        Customer.objects.filter(pk=customer.pk).update(referral_code=code)


class Migration(migrations.Migration):
    dependencies = [("b2c", "0004_loyalty_referrals")]

    operations = [
        migrations.RunPython(fill_codes, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="customer",
            name="referral_code",
            field=models.CharField(
                default=b2c.models.customer.referral_code_new,
                editable=False,
                max_length=12,
                unique=True,
                verbose_name="referral code",
            ),
        ),
    ]
