from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('imports', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='importbatch',
            name='apply_when_checked',
            field=models.BooleanField(default=False, verbose_name='apply once checked'),
        ),
        migrations.AddField(
            model_name='importbatch',
            name='rows_checked',
            field=models.PositiveIntegerField(default=0, verbose_name='rows checked'),
        ),
        migrations.AddField(
            model_name='importbatch',
            name='size',
            field=models.PositiveBigIntegerField(default=0, verbose_name='size (bytes, an XLSX unpacked)'),
        ),
        migrations.AlterField(
            model_name='importbatch',
            name='file',
            field=models.FileField(blank=True, upload_to='imports/%Y/%m/', verbose_name='file'),
        ),
        migrations.AlterField(
            model_name='importbatch',
            name='status',
            field=models.CharField(choices=[('queued', 'Queued for the background worker'), ('running', 'Running in the background'), ('staged', 'Checked, ready to apply'), ('invalid', 'Has errors, nothing written'), ('applied', 'Applied'), ('failed', 'Failed, nothing written')], max_length=10, verbose_name='status'),
        ),
    ]
