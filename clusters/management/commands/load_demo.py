from django.core.management.base import BaseCommand, CommandError

from clusters.demo import DEMO_USERS, DemoRefused, demo_load


class Command(BaseCommand):
    help = (
        "Loads SAMPLE data (Kota Bogor in March 2019: evaluations 2017-2019, PATBM progress) and demo "
        "users for each role. Refuses a database that holds real evaluations."
    )

    def handle(self, *args, **options):
        try:
            loaded = demo_load()
        except DemoRefused as refusal:
            raise CommandError(str(refusal)) from refusal
        if loaded:
            self.stdout.write(self.style.SUCCESS("Sample data loaded (labelled as sample data in the app)."))
        else:
            self.stdout.write("Sample data was already loaded: nothing changed except the demo logins.")
        self.stdout.write("Demo logins (sample data only, never use on a real server):")
        for user in DEMO_USERS:
            self.stdout.write(f"  {user.role:<14} username: {user.username:<6} password: {user.password}")
