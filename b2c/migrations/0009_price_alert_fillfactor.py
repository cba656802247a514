"""Leave half of each b2c_price_alert page free on PostgreSQL.

The price-alert engine rewrites every active alert on each pass (its last price and check
time, none of them indexed). With room on the page PostgreSQL updates the row in place
(a heap-only tuple) instead of writing a new version into each of the table's indexes: at
100,000 alerts the pass's update went from 3.7 s to 0.5 s (docs/benchmarks.md). Nothing to do
on SQLite.
"""

from django.db import migrations


def fillfactor(value: int):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"ALTER TABLE b2c_price_alert SET (fillfactor = {value})")

    return apply


class Migration(migrations.Migration):
    dependencies = [("b2c", "0008_travel_alerts")]

    operations = [migrations.RunPython(fillfactor(50), fillfactor(100), elidable=False)]
