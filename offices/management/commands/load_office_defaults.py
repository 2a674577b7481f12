from django.core.management.base import BaseCommand

from core.loading import LoadReport
from offices.services import data_sources_load


class Command(BaseCommand):
    help = (
        "Creates a data source for every agency the instruments' questions name, mapped to Kota Bogor's office "
        "(offices/data/data_sources_bogor.csv), where missing. Run after load_reference_data and "
        "load_planner_defaults; safe to run again: admins' mapping is kept."
    )

    def handle(self, *args, **options):
        report = LoadReport()
        data_sources_load(report=report)
        for kind in ("data sources", "offices"):
            self.stdout.write(f"  {kind}: {report.created.get(kind, 0)} created, "
                              f"{report.existing.get(kind, 0)} already present")
        self.stdout.write(self.style.SUCCESS("Office defaults loaded." if report.changed
                                             else "Office defaults already complete: nothing changed."))
