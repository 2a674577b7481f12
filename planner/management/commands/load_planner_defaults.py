from django.core.management.base import BaseCommand

from core.loading import LoadReport
from planner.services import planner_defaults_load


class Command(BaseCommand):
    help = (
        "Creates the default offices (perangkat daerah), the office responsible for each indicator and the "
        "PATBM rule of the planner, where missing. Run after load_reference_data; safe to run again."
    )

    def handle(self, *args, **options):
        report = LoadReport()
        planner_defaults_load(report=report)
        for kind in ("offices", "indicator owners", "PATBM rule"):
            self.stdout.write(f"  {kind}: {report.created.get(kind, 0)} created, "
                              f"{report.existing.get(kind, 0)} already present")
        self.stdout.write(self.style.SUCCESS("Planner defaults loaded." if report.changed
                                             else "Planner defaults already complete: nothing changed."))
