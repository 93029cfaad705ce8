"""Load the reference data (authorities, codes, regions, populations, statistical neighbours) into every database.

Pages only read it, so it must be there before the first request rather than written during one. The loader is
the one `oversight benchmark reference` runs, over the CSVs shipped in benchmarks/data: idempotent, so a database
that already holds the data is left as it is. It uses the application's models rather than the historical ones,
so a later migration that changes these tables must keep the fields it writes or freeze a copy of it here.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def load_reference(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    from oversight.benchmarks.reference import reference_ensure

    reference_ensure()


class Migration(migrations.Migration):
    dependencies = [("benchmarks", "0002_rename_measure_publishedseries")]

    operations = [migrations.RunPython(load_reference, migrations.RunPython.noop)]
