from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("commissioning", "0005_required_start_follows_incumbents"),
    ]

    operations = [
        migrations.RemoveField(model_name="commissioningproject", name="required_start_set_by_hand"),
        migrations.RemoveField(model_name="historicalcommissioningproject", name="required_start_set_by_hand"),
    ]
