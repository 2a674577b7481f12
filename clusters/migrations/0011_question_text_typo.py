"""Question 21A.2 of the 2024 instrument was loaded as "ApakaKLASh ada program/kegiatan ...", a typo of the
transcription (the app's copy of the CSV is corrected): fix the questions already loaded, and their copies in
later instruments. Only the misspelt word changes, so a text an admin edited otherwise keeps the edit."""

from django.db import migrations

TYPO = "ApakaKLASh "
FIXED = "Apakah "


def fix_question_text(apps, schema_editor):
    Question = apps.get_model("clusters", "Question")
    for question in Question.objects.filter(text__startswith=TYPO).only("pk", "text"):
        Question.objects.filter(pk=question.pk).update(text=FIXED + question.text[len(TYPO):])


class Migration(migrations.Migration):
    dependencies = [("clusters", "0010_stage_verification")]

    operations = [migrations.RunPython(fix_question_text, migrations.RunPython.noop)]
