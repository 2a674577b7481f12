from django.core.management.base import BaseCommand, CommandError

from dashboard.demo import ALREADY_LOADED, DEMO_USERS, LEFT_OUT, DemoRefused, demo_load
from dashboard.demo_2025 import cycle_2025_load

CYCLES = {"2019": demo_load, "2025": cycle_2025_load}


class Command(BaseCommand):
    help = (
        "Loads SAMPLE data (Kota Bogor in March 2019: evaluations 2017-2019, PATBM progress) and demo "
        "users for each role into an empty database. A database holding real evaluations or PATBM records "
        "is left as it is (one line says so), so `make run` works on any database. `--cycle 2025` adds the "
        "cycle that ended with the 2025 award on the 2024 instrument (sample question scores; 850,59 after the "
        "province's verification, final Nindya)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cycle", choices=sorted(CYCLES), default="2019",
                            help="2019 (default): evaluations 2017-2019; 2025: the 2024 instrument's cycle.")

    def handle(self, *args, **options):
        try:
            outcome = CYCLES[options["cycle"]]()
        except DemoRefused as refusal:
            raise CommandError(str(refusal)) from refusal
        if outcome == LEFT_OUT:
            self.stdout.write("Demo left out: this database holds real evaluations or PATBM records (nothing changed).")
            return
        if outcome == ALREADY_LOADED:
            self.stdout.write("Sample data was already loaded: nothing changed except the demo logins.")
        else:
            self.stdout.write(self.style.SUCCESS("Sample data loaded (labelled as sample data in the app)."))
        self.stdout.write("Demo logins (sample data only, never use on a real server):")
        for user in DEMO_USERS:
            self.stdout.write(f"  {user.role:<14} username: {user.username:<6} password: {user.password}")
