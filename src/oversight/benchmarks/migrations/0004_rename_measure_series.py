from django.db import migrations, models


class Migration(migrations.Migration):
    """A published figure's series, and an indicator link's, were held in fields called measure, a word the casework
    measures already use. The columns are renamed and every row kept. The unique constraint and the index that name
    the field are dropped first and made again after, because SQLite copies the table to rename a foreign key and
    would otherwise make them over a field that is no longer there."""

    dependencies = [("benchmarks", "0003_reference_data")]

    operations = [
        migrations.RemoveConstraint(model_name="publishedvalue", name="published_value_unique"),
        migrations.RemoveIndex(model_name="publishedvalue", name="benchmarks__measure_4f9e42_idx"),
        migrations.RenameField(model_name="indicatorlink", old_name="measure", new_name="series"),
        migrations.RenameField(model_name="publishedvalue", old_name="measure", new_name="series"),
        migrations.AlterModelOptions(
            name="publishedvalue", options={"ordering": ["series", "year_end", "level", "place"]}
        ),
        migrations.AddIndex(
            model_name="publishedvalue",
            index=models.Index(fields=["series", "year_end"], name="benchmarks__series__fc8cc6_idx"),
        ),
        migrations.AddConstraint(
            model_name="publishedvalue",
            constraint=models.UniqueConstraint(fields=("series", "period", "place"), name="published_value_unique"),
        ),
    ]
