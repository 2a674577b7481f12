from django.db import models


class DataVersion(models.Model):
    """One row per domain (an app's set of tables) whose `value` the database replaces with a random
    number on every write to those tables: triggers that each app puts on its own tables in its
    migrations (`core.data_version.data_version_triggers`). Admin edits, bulk updates and raw SQL are
    caught as well as the app's own saves; a rolled-back write rolls the value back with it.

    Cached pages are keyed by the versions of the domains they show (`core.caching`), so they are never
    older than the data, and a write to one domain leaves the others' caches alone.
    """

    domain = models.CharField(max_length=40, primary_key=True)
    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "data version"
        default_permissions = ()

    def __str__(self):
        return f"{self.domain}: {self.value}"
