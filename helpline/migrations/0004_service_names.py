"""helpline.Service and helpline.Referral are named for what they are: SupportService and ServiceReferral."""

from django.conf import settings
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('helpline', '0003_escalation_filed_later'),
        ('network', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameModel(
            old_name='Referral',
            new_name='ServiceReferral',
        ),
        migrations.RenameModel(
            old_name='Service',
            new_name='SupportService',
        ),
    ]
