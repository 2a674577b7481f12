from django.core.management.base import BaseCommand

from clusters.services import framework_load
from core.loading import LoadReport
from core.roles import roles_ensure
from dekela.services import criteria_load
from kelurahan.services import wilayah_load


class Command(BaseCommand):
    help = (
        "Loads the KLA instruments (the 2019-era framework of 24 indicators and the 2024 instrument of 31 "
        "indicators and 274 questions), the predicates, the roles and the kecamatan/kelurahan of Kota Bogor. "
        "Creates only what is missing; existing rows are kept."
    )

    def handle(self, *args, **options):
        report = LoadReport()
        framework_load(report=report)
        wilayah_load(report=report)
        criteria_load(report=report)
        for created in roles_ensure().values():
            report.count("roles", created)

        for kind in ("instruments", "clusters", "indicators", "questions", "predicates", "kecamatan", "kelurahan",
                     "criteria", "roles"):
            created = report.created.get(kind, 0)
            existing = report.existing.get(kind, 0)
            self.stdout.write(f"  {kind}: {created} created, {existing} already present")
        if report.changed:
            self.stdout.write(self.style.SUCCESS("Reference data loaded."))
        else:
            self.stdout.write(self.style.SUCCESS("Reference data already complete: nothing changed."))
