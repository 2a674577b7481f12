"""The benchmark's question-level data (bench/populate.py) follows the app's own rules, and the two question
pages the bench measures need as many queries on more data as on little (README, Benchmarks; issue 17)."""

import random
from decimal import Decimal as D

import pytest
from django.core.cache import cache
from django.db.models import Sum
from django.urls import reverse

from bench.populate import question_evaluations_populate, question_page_years
from clusters import scoring, verifications
from clusters.models import Evaluation, FieldDeduction, QuestionScore, SelfAssessment
from clusters.selectors import evaluation_detail

pytestmark = pytest.mark.django_db


@pytest.fixture
def small(reference_data):
    """The small set's shape: a final question-level year and one being filled."""
    question_evaluations_populate(random.Random(1), [2025, 2026])


def test_a_populated_year_keeps_the_rules_of_the_questions_and_the_stages(small):
    final = Evaluation.objects.get(year=2025)
    assert final.stage == Evaluation.Stage.FINAL
    assert Evaluation.objects.get(year=2026).stage == Evaluation.Stage.SELF_ASSESSMENT
    assert QuestionScore.objects.filter(self_assessment__evaluation=final).count() == 274
    for row in SelfAssessment.objects.filter(evaluation=final).prefetch_related("question_scores__verifications"):
        questions = [scoring.QuestionStages(item.score, {v.stage: v.score for v in item.verifications.all()})
                     for item in row.question_scores.all()]
        assert row.score == min(sum((item.score for item in row.question_scores.all()), D(0)), row.max_points)
        losses = {stage: loss for stage, loss in
                  scoring.stage_losses(questions, row.max_points, verifications.STAGES).items() if loss}
        recorded = dict(row.deductions.filter(from_questions=True).values_list("stage", "points"))
        assert recorded == losses
    lost = FieldDeduction.objects.filter(self_assessment__evaluation=final).aggregate(points=Sum("points"))["points"]
    summary = evaluation_detail(final, with_recurring=False).summary
    assert lost > 0 and summary.deductions == lost and summary.final == summary.self_assessment - lost
    assert question_page_years() == {"open": 2026, "final": 2025}


def _queries(client, url, django_assert_max_num_queries, limit):
    cache.clear()  # the evaluation page's cache-miss path: the one that reads the scores
    with django_assert_max_num_queries(limit) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_question_pages_need_no_more_queries_with_ten_years_more(client, small, staff_user,
                                                                     django_assert_max_num_queries):
    client.force_login(staff_user)
    entry = reverse("clusters:question-scores-edit", args=[2026, "1"])
    detail = reverse("clusters:evaluation-detail", args=[2025])
    client.get(entry)  # warms the permission cache
    few_entry = _queries(client, entry, django_assert_max_num_queries, 14)
    few_detail = _queries(client, detail, django_assert_max_num_queries, 14)
    question_evaluations_populate(random.Random(2), range(2027, 2037))  # nine final years and 2036 being filled
    assert question_page_years() == {"open": 2036, "final": 2035}
    for url, few in [(entry, few_entry), (detail, few_detail),
                     (reverse("clusters:question-scores-edit", args=[2036, "1"]), few_entry),
                     (reverse("clusters:evaluation-detail", args=[2035]), few_detail)]:
        _queries(client, url, django_assert_max_num_queries, few)
    assert "data-score-input" in client.get(entry).content.decode()  # the entry form, not the read-only page


def test_the_bench_puts_a_pdf_on_every_answer_of_the_open_year_once(small, staff_user):
    from bench import evidence
    from evidence.models import EvidenceDocument, EvidenceFile

    assert evidence.populate(2026, username=staff_user.username, size=4096) == 274
    files = EvidenceFile.objects.filter(document__self_assessment__evaluation__year=2026)
    assert files.count() == 274 and set(files.values_list("kind", "size").distinct()) == {("pdf", 4096)}
    assert EvidenceDocument.objects.filter(question_score__isnull=True).count() == 0
    assert evidence.populate(2026, username=staff_user.username, size=4096) == 0  # already there


def test_the_bench_upload_is_the_form_a_browser_sends(client, small, staff_user):
    from bench import evidence
    from evidence.models import EvidenceFile

    client.force_login(staff_user)
    url = reverse("evidence:indicator-evidence", args=[2026, "1"])
    answer = QuestionScore.objects.filter(self_assessment__evaluation__year=2026,
                                          question__indicator__code="1").order_by("question__order").first()
    body, content_type = evidence.multipart({"answer": str(answer.pk), "title": "Bench upload"}, "files",
                                            "bench.pdf", evidence.pdf_bytes(50_000, 1))
    response = client.generic("POST", url, body, content_type=content_type)
    assert response.status_code == 302
    stored = EvidenceFile.objects.get(document__question_score=answer)
    assert (stored.kind, stored.size, stored.document.title) == ("pdf", 50_000, "Bench upload")


def test_the_bench_reads_the_peak_memory_of_a_servers_workers():
    import os
    import subprocess

    from bench import evidence

    child = subprocess.Popen(["sleep", "30"])
    try:
        peak = evidence.workers_peak_mb(os.getpid())  # this process's children stand for the workers
    finally:
        child.kill()
        child.wait()
    assert 0 < peak < 24 * 1024
