from django.db import migrations


class Migration(migrations.Migration):
    """A published series was called Measure, a word the casework measures already use."""

    dependencies = [("benchmarks", "0001_initial")]

    operations = [migrations.RenameModel("Measure", "PublishedSeries")]
