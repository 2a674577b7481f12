"""Every named URL of the project, for every role: anonymous, Gugus Tugas, Staf DPMPPA, Admin and an
office's operator (Operator OPD of Dinas Kesehatan), who is refused every page but its own.

ROUTES must hold an entry for each named route (admin/, auth and language routes aside); a new
route without one fails `test_every_route_has_an_entry`. An entry says how to build the URL from the
`world` fixture, which roles may read it (GET) and which may write (POST), and what a real write
would post, so the Gugus Tugas test proves the permission, not the validation, stops it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from clusters import imports
from clusters.models import (
    Evaluation,
    FieldDeduction,
    Instrument,
    Predicate,
    QuestionScore,
    SelfAssessment,
    VerifiedScore,
)
from clusters.services import evaluation_create
from core.tables import read_table
from dekela import services as dekela_services
from dekela.models import Criterion, CriterionEvidence, CriterionStatus
from evidence import filetypes
from evidence import services as evidence_services
from evidence.models import EvidenceDocument, EvidenceFile
from kelurahan import imports as patbm_imports
from kelurahan.models import Kecamatan, Kelurahan, Patbm
from offices import services as office_services
from offices.models import AnswerReview, Operator
from planner.models import Office, Scenario, ScenarioItem

ANONYMOUS, TASK_FORCE, STAFF, ADMIN, OPERATOR = "anonymous", "task_force", "staff", "admin", "operator"
ROLES = (TASK_FORCE, STAFF, ADMIN, OPERATOR)
# The roles that read the evaluation; an operator is not one of them (it reads its office's questions only).
EVERYONE = frozenset({TASK_FORCE, STAFF, ADMIN})
WRITERS = frozenset({STAFF, ADMIN})
ADMINS = frozenset({ADMIN})
OPERATORS = frozenset({OPERATOR})
NOBODY = frozenset()

USER_FIXTURES = {TASK_FORCE: "task_force_user", STAFF: "staff_user", ADMIN: "admin_user_role",
                 OPERATOR: "operator_user"}
# Routes of Django itself, checked by Django: admin (own permission system), log in/out, password, language.
SKIPPED_NAMESPACES = {"admin"}
SKIPPED_NAMES = {
    "login", "logout", "password_change", "password_change_done", "password_reset", "password_reset_done",
    "password_reset_confirm", "password_reset_complete", "set_language",
}


@dataclass
class World:
    """The records the routes point at: one evaluation open for scores, one in field verification."""

    open_year: int  # self-assessment stage
    verifying_year: int  # field verification stage, with a scored indicator and one deduction
    question_year: int  # self-assessment stage, on the 2024 instrument (scored by questions)
    question_verifying_year: int  # administrative verification, on the 2024 instrument, indicator 2 scored
    deduction: FieldDeduction
    kelurahan: Kelurahan  # active, in an active kecamatan with other active kelurahan
    empty_kecamatan: Kecamatan  # active, without kelurahan: it may be deactivated
    scenario: Scenario | None = None  # a planner scenario of the latest evaluation with one improvement
    office: Office | None = None
    document: EvidenceDocument | None = None  # a PDF of question_year's indicator 1, first question
    image: EvidenceFile | None = None  # a PNG beside it (it has a thumbnail)
    operator_score: QuestionScore | None = None  # a Dinkes question of question_year, answered by the operator
    operator_file: EvidenceFile | None = None  # a PDF the operator attached to it
    criterion_evidence: CriterionEvidence | None = None  # a PDF behind the kelurahan's Forum Anak of question_year


@dataclass(frozen=True)
class Route:
    """kwargs(world) -> reverse kwargs; `post(world)` -> data of a valid write (None: GET-only route)."""

    kwargs: Callable[[World], dict] = lambda world: {}
    get: frozenset = EVERYONE
    post: frozenset = NOBODY
    post_data: Callable[[World], dict] | None = None
    writes: bool = True  # False: a POST that only answers (an import preview), checked for no change
    get_redirects_to: str | None = None  # a GET for the roles in `get` is sent on to this page (no 200)
    redirects: dict = None  # {role: page} a GET of these roles (not in `get`) is sent on to


def _deduction_form(world):
    return {"points": "1.50", "reason": "Dokumen tidak lengkap.", "version": str(world.deduction.version)}


def _score_form(world):
    rows = list(SelfAssessment.objects.filter(evaluation__year=world.open_year, indicator__cluster__code="K4")
                .order_by("indicator__cluster__order", "indicator__number"))
    data = {"form-TOTAL_FORMS": str(len(rows)), "form-INITIAL_FORMS": str(len(rows))}
    for i, row in enumerate(rows):
        data.update({f"form-{i}-id": str(row.pk), f"form-{i}-version": str(row.version),
                     f"form-{i}-score": "12", f"form-{i}-evidence": "dicoba", f"form-{i}-seen_score": "",
                     f"form-{i}-seen_evidence": ""})
    return data


def _question_form(world):
    rows = list(QuestionScore.objects.filter(self_assessment__evaluation__year=world.question_year,
                                             self_assessment__indicator__code="21B").order_by("question__order"))
    data = {"form-TOTAL_FORMS": str(len(rows)), "form-INITIAL_FORMS": str(len(rows))}
    for i, row in enumerate(rows):
        data.update({f"form-{i}-id": str(row.pk), f"form-{i}-version": str(row.version),
                     f"form-{i}-score": "1", f"form-{i}-evidence": "dicoba", f"form-{i}-seen_score": "",
                     f"form-{i}-seen_evidence": ""})
    return data


def _verification_form(world):
    rows = list(QuestionScore.objects.filter(self_assessment__evaluation__year=world.question_verifying_year,
                                             self_assessment__indicator__code="2").order_by("question__order"))
    data = {"form-TOTAL_FORMS": str(len(rows)), "form-INITIAL_FORMS": str(len(rows))}
    for i, row in enumerate(rows):
        data.update({f"form-{i}-id": str(row.pk), f"form-{i}-version": "", f"form-{i}-score": "",
                     f"form-{i}-reason": ""})
    data.update({"form-0-score": "0", "form-0-reason": "Dokumen SK tidak dilampirkan."})
    return data


def _kelurahan_form(world):
    return {"code": "32.71.01.1099", "name": "Kelurahan Uji", "alternative_name": "",
            "kecamatan": str(world.kelurahan.kecamatan_id)}


def _kecamatan_form(world):
    return {"code": "32.71.08", "name": "Kecamatan Uji"}


def _patbm_form(world):
    return {"step": "2", "step_date": "2019-03-01", "sk_number": "", "sk_date": "", "activist_count": "0",
            "note": "Sosialisasi di kantor kelurahan."}


def _import_upload(world):
    return {"file": SimpleUploadedFile("nilai.csv", b"No.;Penilaian mandiri\n3;12,5\n")}


def _import_token(world):
    """A signed preview of one change, as the preview page hands it to the user who uploaded."""
    evaluation = Evaluation.objects.get(year=world.open_year)
    preview = imports.scores_preview(evaluation=evaluation, table=read_table(_import_upload(world)["file"].read()),
                                     file_name="nilai.csv")
    return {"token": imports.preview_token(preview)}


PATBM_IMPORT = b"Kode Kemendagri;Tahap;Tanggal tahap ini\n32.71.01.1001;2;2019-03-01\n"


def _patbm_import_upload(world):
    return {"file": SimpleUploadedFile("patbm.csv", PATBM_IMPORT)}


def _patbm_import_token(world):
    preview = patbm_imports.patbm_preview(table=read_table(PATBM_IMPORT), file_name="patbm.csv")
    return {"token": patbm_imports.preview_token(preview)}


ROUTES: dict[str, Route] = {
    # An office's operator reads none of the dashboard: it is sent to its questions.
    "dashboard:home": Route(redirects={OPERATOR: "offices:my-questions"}),
    "clusters:evaluation-list": Route(),
    "clusters:evaluation-create": Route(get=ADMINS, post=ADMINS, post_data=lambda world: {
        "confirm_year": "2023", "instrument": str(Instrument.objects.get(code=Instrument.INSTRUMENT_2024).pk),
        "target": str(Predicate.objects.get(code="nindya").pk)}),
    "clusters:evaluation-detail": Route(kwargs=lambda w: {"year": w.open_year}),
    "clusters:evaluation-stage": Route(
        kwargs=lambda w: {"year": w.open_year}, get=ADMINS, post=ADMINS,
        post_data=lambda w: {"stage": Evaluation.Stage.ADMIN_VERIFICATION, "reason": ""},
    ),
    "clusters:self-assessment-edit": Route(
        kwargs=lambda w: {"year": w.open_year, "cluster": "K4"}, get=WRITERS, post=WRITERS, post_data=_score_form,
    ),
    "clusters:deduction-list": Route(
        kwargs=lambda w: {"year": w.verifying_year, "number": 3}, post=WRITERS, post_data=_deduction_form,
    ),
    "clusters:deduction-edit": Route(
        kwargs=lambda w: {"year": w.verifying_year, "pk": w.deduction.pk}, get=WRITERS, post=WRITERS,
        post_data=_deduction_form,
    ),
    "clusters:deduction-delete": Route(
        kwargs=lambda w: {"year": w.verifying_year, "pk": w.deduction.pk}, get=WRITERS, post=WRITERS,
        post_data=lambda w: {"version": str(w.deduction.version)},
    ),
    "clusters:indicator-history": Route(kwargs=lambda w: {"year": w.open_year, "number": 3}),
    # --- issue 17: the 2024 instrument's questions ---
    "clusters:question-scores-edit": Route(
        kwargs=lambda w: {"year": w.question_year, "code": "21B"}, post=WRITERS, post_data=_question_form,
    ),
    "clusters:verification-edit": Route(
        kwargs=lambda w: {"year": w.question_verifying_year, "code": "2"}, post=WRITERS, post_data=_verification_form,
    ),
    # --- issue 18: evidence documents ---
    "evidence:overview": Route(kwargs=lambda w: {"year": w.question_year}),
    "evidence:missing": Route(kwargs=lambda w: {"year": w.question_year}),
    "evidence:zip": Route(kwargs=lambda w: {"year": w.question_year}),
    "evidence:indicator-evidence": Route(
        kwargs=lambda w: {"year": w.question_year, "code": "1"}, post=WRITERS, post_data=lambda w: {
            "answer": str(w.document.question_score_id), "title": "",
            "files": SimpleUploadedFile("bukti.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")},
    ),
    "evidence:document": Route(
        kwargs=lambda w: {"year": w.question_year, "pk": w.document.pk}, post=WRITERS,
        post_data=lambda w: {"action": "title", "title": "Judul baru", "version": str(w.document.version)},
    ),
    "evidence:document-remove": Route(
        kwargs=lambda w: {"year": w.question_year, "pk": w.document.pk}, get=WRITERS, post=WRITERS,
        post_data=lambda w: {"version": str(w.document.version)},
    ),
    "evidence:file": Route(kwargs=lambda w: {"year": w.question_year, "pk": w.document.files.get().pk}),
    "evidence:thumbnail": Route(kwargs=lambda w: {"year": w.question_year, "pk": w.image.pk}),
    "kelurahan:kelurahan-list": Route(),
    "kelurahan:kelurahan-detail": Route(kwargs=lambda w: {"pk": w.kelurahan.pk}),
    "kelurahan:kelurahan-create": Route(get=ADMINS, post=ADMINS, post_data=_kelurahan_form),
    "kelurahan:kelurahan-update": Route(
        kwargs=lambda w: {"pk": w.kelurahan.pk}, get=ADMINS, post=ADMINS,
        post_data=lambda w: {**_kelurahan_form(w), "code": w.kelurahan.code, "name": "Nama Baru"},
    ),
    "kelurahan:kelurahan-toggle-active": Route(
        kwargs=lambda w: {"pk": w.kelurahan.pk}, get=ADMINS, post=ADMINS, post_data=lambda w: {},
    ),
    "kelurahan:patbm-update": Route(
        kwargs=lambda w: {"pk": w.kelurahan.pk}, get=WRITERS, post=WRITERS, post_data=_patbm_form,
    ),
    "kelurahan:kecamatan-list": Route(),
    "kelurahan:kecamatan-create": Route(get=ADMINS, post=ADMINS, post_data=_kecamatan_form),
    "kelurahan:kecamatan-update": Route(
        kwargs=lambda w: {"pk": w.empty_kecamatan.pk}, get=ADMINS, post=ADMINS,
        post_data=lambda w: {"code": w.empty_kecamatan.code, "name": "Nama Baru"},
    ),
    "kelurahan:kecamatan-toggle-active": Route(
        kwargs=lambda w: {"pk": w.empty_kecamatan.pk}, get=ADMINS, post=ADMINS, post_data=lambda w: {},
    ),
    "kelurahan:coverage": Route(),
    # --- issue 6: spreadsheet export and score import ---
    "clusters:evaluation-export": Route(kwargs=lambda w: {"year": w.open_year, "fmt": "xlsx"}),
    "clusters:score-import-template": Route(kwargs=lambda w: {"year": w.open_year}),
    "clusters:score-import": Route(
        kwargs=lambda w: {"year": w.open_year}, get=WRITERS, post=WRITERS, post_data=_import_upload, writes=False,
    ),
    "clusters:score-import-confirm": Route(
        kwargs=lambda w: {"year": w.open_year}, get=NOBODY, post=WRITERS, post_data=_import_token,
    ),
    "kelurahan:patbm-export": Route(kwargs=lambda w: {"fmt": "csv"}),
    "kelurahan:patbm-import": Route(get=WRITERS, post=WRITERS, post_data=_patbm_import_upload, writes=False),
    "kelurahan:patbm-import-confirm": Route(get=NOBODY, post=WRITERS, post_data=_patbm_import_token),
    # --- issue 6: printable report ---
    "dashboard:evaluation-report": Route(kwargs=lambda w: {"year": w.verifying_year}),
    # --- issue 7: planner, scenarios, action plans, offices ---
    "planner:planner": Route(post=WRITERS, post_data=lambda w: _planner_form(w)),
    # --- issue 14: trying a what-if is reading: every role may suggest again; it writes nothing ---
    "planner:planner-suggest": Route(post=EVERYONE, post_data=lambda w: _planner_form(w, "suggest"), writes=False,
                                     get_redirects_to="planner:planner"),
    "planner:scenario-list": Route(),
    "planner:scenario-compare": Route(),
    "planner:scenario-detail": Route(kwargs=lambda w: {"pk": w.scenario.pk}),
    "planner:scenario-delete": Route(kwargs=lambda w: {"pk": w.scenario.pk}, get=WRITERS, post=WRITERS,
                                     post_data=lambda w: {}),
    "planner:action-plan-edit": Route(kwargs=lambda w: {"pk": w.scenario.pk}, get=WRITERS, post=WRITERS,
                                      post_data=lambda w: _action_plan_form(w)),
    "planner:office-list": Route(),
    "planner:office-detail": Route(kwargs=lambda w: {"pk": w.office.pk}),
    # --- issue 20: Kelurahan Layak Anak criteria (Kelana-Dekela) ---
    "dekela:coverage": Route(),
    "dekela:matrix-latest": Route(),
    "dekela:matrix": Route(kwargs=lambda w: {"year": w.question_year}),
    "dekela:kecamatan-matrix": Route(kwargs=lambda w: {"year": w.question_year}),
    "dekela:row-edit": Route(kwargs=lambda w: {"year": w.question_year, "pk": w.kelurahan.pk}, get=WRITERS,
                             post=WRITERS, post_data=lambda w: _criteria_row_form("kelurahan")),
    "dekela:kecamatan-row-edit": Route(kwargs=lambda w: {"year": w.question_year, "pk": w.kelurahan.kecamatan_id},
                                       get=WRITERS, post=WRITERS, post_data=lambda w: _criteria_row_form("kecamatan")),
    "dekela:matrix-export": Route(kwargs=lambda w: {"year": w.question_year, "fmt": "csv"}),
    "dekela:kecamatan-matrix-export": Route(kwargs=lambda w: {"year": w.question_year, "fmt": "xlsx"}),
    "dekela:matrix-import": Route(kwargs=lambda w: {"year": w.question_year}, get=WRITERS, post=WRITERS,
                                  post_data=lambda w: _matrix_import_upload("kelurahan"), writes=False),
    "dekela:matrix-import-confirm": Route(kwargs=lambda w: {"year": w.question_year}, get=NOBODY, post=WRITERS,
                                          post_data=lambda w: _matrix_import_token(w, "kelurahan")),
    "dekela:kecamatan-matrix-import": Route(kwargs=lambda w: {"year": w.question_year}, get=WRITERS, post=WRITERS,
                                            post_data=lambda w: _matrix_import_upload("kecamatan"), writes=False),
    "dekela:kecamatan-matrix-import-confirm": Route(
        kwargs=lambda w: {"year": w.question_year}, get=NOBODY, post=WRITERS,
        post_data=lambda w: _matrix_import_token(w, "kecamatan")),
    "dekela:suggestions": Route(kwargs=lambda w: {"year": w.question_year}),
    "dekela:evidence": Route(
        kwargs=lambda w: {"year": w.question_year, "pk": w.kelurahan.pk,
                          "criterion_pk": w.criterion_evidence.criterion_id},
        post=WRITERS, post_data=lambda w: {"title": "", "files": SimpleUploadedFile(
            "sk.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")}),
    "dekela:kecamatan-evidence": Route(
        kwargs=lambda w: {"year": w.question_year, "pk": w.kelurahan.kecamatan_id,
                          "criterion_pk": Criterion.objects.get(code="KEC-FORUM-ANAK").pk},
        post=WRITERS, post_data=lambda w: {"title": "", "files": SimpleUploadedFile(
            "sk.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")}),
    "dekela:evidence-file": Route(kwargs=lambda w: {"year": w.question_year, "pk": w.criterion_evidence.pk}),
    "dekela:suggestion-take": Route(kwargs=lambda w: {"year": w.question_year}, get=NOBODY, post=WRITERS,
                                    post_data=lambda w: _suggestion_take_form(w)),
    # --- issue 19: office accounts (an operator sees its own office's questions and nothing else) ---
    "offices:my-questions": Route(get=OPERATORS),
    "offices:answer": Route(
        kwargs=lambda w: {"year": w.question_year, "pk": w.operator_score.pk}, get=OPERATORS, post=OPERATORS,
        post_data=lambda w: _answer_form(w),
    ),
    "offices:file": Route(kwargs=lambda w: {"year": w.question_year, "pk": w.operator_file.pk}, get=OPERATORS),
    "offices:document": Route(
        kwargs=lambda w: {"year": w.question_year, "pk": w.operator_file.document_id}, get=OPERATORS, post=OPERATORS,
        post_data=lambda w: {"action": "title", "title": "Perwal (ditandatangani)",
                             "version": str(EvidenceDocument.objects.get(pk=w.operator_file.document_id).version)},
    ),
    "offices:progress": Route(kwargs=lambda w: {"year": w.question_year}),
    "offices:review-list": Route(kwargs=lambda w: {"year": w.question_year}),
    "offices:review": Route(
        kwargs=lambda w: {"year": w.question_year, "pk": w.operator_score.pk}, post=WRITERS,
        post_data=lambda w: {"action": "return", "note": "Lampirkan SK.",
                             "version": str(AnswerReview.objects.get(question_score=w.operator_score).version)},
    ),
}


def _criteria_row_form(scope):
    """Every recorded criterion of the row unknown, the first one met."""
    criteria = [c for c in Criterion.objects.for_scope(scope) if c.is_recorded]
    data = {}
    for criterion in criteria:
        data.update({f"status_{criterion.pk}": "unknown", f"date_{criterion.pk}": "", f"note_{criterion.pk}": "",
                     f"version_{criterion.pk}": ""})
    data[f"status_{criteria[0].pk}"] = "met"
    return data


MATRIX_IMPORT = {"kelurahan": b"Kode Kemendagri;Forum Anak\n32.71.01.1001;terpenuhi\n",
                 "kecamatan": b"Kode Kemendagri;Forum Anak\n32.71.01;terpenuhi\n"}


def _matrix_import_upload(scope):
    return {"file": SimpleUploadedFile("kriteria.csv", MATRIX_IMPORT[scope])}


def _matrix_import_token(world, scope):
    from dekela import imports as matrix_imports

    preview = matrix_imports.matrix_preview(table=read_table(MATRIX_IMPORT[scope]), file_name="kriteria.csv",
                                            year=world.question_year, scope=scope)
    return {"token": matrix_imports.preview_token(preview)}


def _suggestion_take_form(world):
    """Question 26.15 (PATBM) of the evaluation open for questions: 0 points suggested, not scored yet."""
    row = QuestionScore.objects.get(self_assessment__evaluation__year=world.question_year,
                                    self_assessment__indicator__code="26", question__code="15")
    return {"question_score": str(row.pk), "version": str(row.version)}



def _answer_form(world):
    score = QuestionScore.objects.get(pk=world.operator_score.pk)
    return {"action": "answer", "score": "0,5", "evidence": "Profil kesehatan 2020", "version": str(score.version),
            "seen_score": str(score.score), "seen_evidence": score.evidence}



def _planner_form(world, action="save"):
    data = {"goal": "nindya", "extra_kelurahan": "0", "name": "Skenario uji", "action": action,
            "year": str(world.verifying_year)}
    for number in SelfAssessment.objects.filter(evaluation__year=world.verifying_year).values_list(
            "indicator__number", flat=True):
        data.update({f"target_{number}": "0", f"effort_{number}": "2"})
    return data


def _action_plan_form(world):
    items = list(ScenarioItem.objects.filter(scenario=world.scenario).exclude(target=F("base")))
    data = {"form-TOTAL_FORMS": str(len(items)), "form-INITIAL_FORMS": str(len(items))}
    for i, item in enumerate(items):
        data.update({f"form-{i}-id": str(item.pk), f"form-{i}-target": "30", f"form-{i}-office": str(world.office.pk),
                     f"form-{i}-due_date": "2020-06-30", f"form-{i}-status": "berjalan",
                     f"form-{i}-version": str(item.version)})
    return data


def _planner_world(world):
    """A scenario of the latest evaluation raising indicator 3 to its maximum, and the default offices."""
    from clusters.models import Predicate
    from core.loading import LoadReport
    from planner import services as planner_services

    planner_services.planner_defaults_load(report=LoadReport())
    rows = SelfAssessment.objects.filter(evaluation__year=world.verifying_year).select_related("indicator")
    world.scenario = planner_services.scenario_create(
        name="Skenario dunia", evaluation=Evaluation.objects.get(year=world.verifying_year),
        predicate=Predicate.objects.get(code="nindya"), extra_kelurahan=0, rule=None, covered=0, total_kelurahan=68,
        items=[planner_services.ItemInput(indicator_id=row.indicator_id, max_points=row.max_points, base=D("0"),
                                          recoverable=D("0"), target=row.max_points if row.indicator.number == 3
                                          else D("0"), effort=2) for row in rows],
    )
    world.office = Office.objects.get(name="DPMPPA")
    return world


def _named_routes(patterns=None, namespace=""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or ""
            if inner in SKIPPED_NAMESPACES:
                continue
            yield from _named_routes(pattern.url_patterns, f"{namespace}{inner}:" if inner else namespace)
        elif isinstance(pattern, URLPattern) and pattern.name and pattern.name not in SKIPPED_NAMES:
            yield f"{namespace}{pattern.name}"


def test_every_route_has_an_entry():
    routes = set(_named_routes())
    missing = sorted(routes - ROUTES.keys())
    assert not missing, f"add these routes to ROUTES in tests/test_permissions.py: {missing}"
    assert not sorted(ROUTES.keys() - routes), "ROUTES names a route that no longer exists"


@pytest.fixture
def world(reference_data, operator_user):
    # Reference data only (not the whole demo): this file runs each route for each role.
    evaluation_create(year=2019)
    verifying = evaluation_create(year=2020, is_sample=True)
    row = verifying.self_assessments.get(indicator__number=3)
    row.score = D("25")
    row.save()
    deduction = FieldDeduction.objects.create(self_assessment=row, points=D("5"), reason="Tanpa MoU")
    verifying.stage = Evaluation.Stage.FIELD_VERIFICATION
    verifying.save()
    instrument_2024 = Instrument.objects.get(code=Instrument.INSTRUMENT_2024)
    evaluation_create(year=2021, instrument=instrument_2024)
    _question_verifying(evaluation_create(year=2022, instrument=instrument_2024))
    world = World(
        open_year=2019,
        question_year=2021,
        question_verifying_year=2022,
        verifying_year=2020,
        deduction=deduction,
        kelurahan=Kelurahan.objects.get(code="32.71.01.1001"),
        empty_kecamatan=Kecamatan.objects.create(code="32.71.09", name="Kecamatan Kosong"),
    )
    return _operator_world(_evidence_world(_planner_world(world)))


def _operator_world(world):
    """The operator of Dinas Kesehatan has answered indicator 1's question 2l (Dinkes) and attached a PDF."""
    from django.contrib.auth import get_user_model
    from django.core.files.base import ContentFile

    from core.loading import LoadReport
    from tests.evidence import files

    office_services.data_sources_load(report=LoadReport())
    operator = Operator.objects.filter(office__name="Dinas Kesehatan").first()
    if operator is None:  # a world without the operator_user fixture (the browser's layout walk)
        user = get_user_model().objects.create_user(username="operator-dunia", password="test-password-123")
        operator = office_services.operator_assign(user=user, office=Office.objects.get(name="Dinas Kesehatan"))
    score = QuestionScore.objects.get(self_assessment__evaluation__year=world.question_year,
                                      self_assessment__indicator__code="1", question__code="2l")
    office_services.operator_answer_save(operator=operator, question_score=score, version=score.version,
                                         score=D("1"), evidence="", fields=frozenset({"score"}), user=operator.user)
    world.operator_score = score
    document, = office_services.operator_evidence_add(
        operator=operator, question_score=score, user=operator.user,
        uploads=[evidence_services.Upload(ContentFile(files.pdf()), "profil.pdf", filetypes.PDF)])
    world.operator_file = document.files.get()
    return world


def _evidence_world(world):
    """A PDF and a PNG on the first question of indicator 1 of the evaluation open for questions."""
    from django.contrib.auth import get_user_model
    from django.core.files.base import ContentFile

    from tests.evidence import files

    uploader = get_user_model().objects.create_user(username="pengunggah", password="test-password-123")
    row = SelfAssessment.objects.get(evaluation__year=world.question_year, indicator__code="1")
    question = row.question_scores.order_by("question__order").first()
    world.document, image = evidence_services.evidence_add(
        self_assessment=row, question_score=question, user=uploader, uploads=[
            evidence_services.Upload(ContentFile(files.pdf()), "perwal.pdf", filetypes.PDF),
            evidence_services.Upload(ContentFile(files.image("PNG")), "foto.png", filetypes.PNG)])
    world.image = image.files.get()
    world.criterion_evidence, = dekela_services.criterion_evidence_add(
        criterion=Criterion.objects.get(code="KEL-FORUM-ANAK"), year=world.question_year, kelurahan=world.kelurahan,
        user=uploader, uploads=[evidence_services.Upload(ContentFile(files.pdf()), "sk-forum.pdf", filetypes.PDF)])
    return world


def _question_verifying(evaluation):
    """Indicator 2 self-assessed in full, the evaluation at the province's administrative verification."""
    row = evaluation.self_assessments.get(indicator__code="2")
    for score in row.question_scores.all():
        QuestionScore.objects.filter(pk=score.pk).update(score=score.max_points)
    SelfAssessment.objects.filter(pk=row.pk).update(score=row.max_points)
    Evaluation.objects.filter(pk=evaluation.pk).update(stage=Evaluation.Stage.ADMIN_VERIFICATION)


def _url(name, world):
    return reverse(name, kwargs=ROUTES[name].kwargs(world))


def _snapshot():
    """Everything a write could change."""
    return (
        sorted(Evaluation.objects.values_list("year", "stage", "note")),
        sorted(SelfAssessment.objects.values_list("pk", "score", "evidence", "version")),
        sorted(QuestionScore.objects.values_list("pk", "score", "evidence", "version")),
        sorted(VerifiedScore.objects.values_list("pk", "score", "reason", "version")),
        sorted(FieldDeduction.objects.values_list("pk", "points", "reason", "version")),
        sorted(Kecamatan.objects.values_list("pk", "code", "name", "is_active")),
        sorted(Kelurahan.objects.values_list("pk", "code", "name", "kecamatan_id", "is_active")),
        sorted(Patbm.objects.values_list("pk", "step", "step_date", "activist_count", "note")),
        sorted(Scenario.objects.values_list("pk", "name", "is_action_plan")),
        sorted(ScenarioItem.objects.values_list("pk", "target", "office_id", "due_date", "status", "in_plan")),
        sorted(EvidenceDocument.objects.values_list("pk", "title", "removed_at", "version")),
        sorted(EvidenceFile.objects.values_list("pk", flat=True)),
        sorted(CriterionEvidence.objects.values_list("pk", flat=True)),
        sorted(CriterionStatus.objects.values_list("pk", "status", "date", "note", "version")),
        sorted(AnswerReview.objects.values_list("pk", "status", "note", "answered_by_office_id", "version")),
    )


CASES = [(name, role) for name in sorted(ROUTES) for role in ROLES]


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(ROUTES))
def test_anonymous_is_sent_to_login_on_every_route(client, world, name):
    url = _url(name, world)
    before = _snapshot()
    for method in (client.get, client.post):
        response = method(url, ROUTES[name].post_data(world) if ROUTES[name].post_data else {})
        assert response.status_code == 302, (name, method)
        assert response.url.startswith(reverse("login"))
    assert _snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "role"), CASES)
def test_get_is_allowed_exactly_for_the_roles_in_the_table(client, world, request, name, role):
    client.force_login(request.getfixturevalue(USER_FIXTURES[role]))
    route = ROUTES[name]
    before = _snapshot()
    response = client.get(_url(name, world))
    status = response.status_code
    if role in (route.redirects or {}):
        assert (status, response.url) == (302, reverse(route.redirects[role])), (name, role, status)
    elif role in route.get and route.get_redirects_to:
        assert (status, response.url) == (302, reverse(route.get_redirects_to)), (name, role, status)
    elif role in route.get:
        assert status == 200, (name, role, status)
    else:
        assert status in (403, 405), (name, role, status)
    assert _snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "role"), CASES)
def test_post_is_refused_with_nothing_changed_unless_the_role_may_write(client, world, request, name, role):
    client.force_login(request.getfixturevalue(USER_FIXTURES[role]))
    route = ROUTES[name]
    data = route.post_data(world) if route.post_data else {}
    before = _snapshot()
    status = client.post(_url(name, world), data).status_code
    if role in route.post:
        assert status in (200, 302), (name, role, status)
        return
    # Gugus Tugas (staff on admin-only routes, an operator anywhere but its own pages) get 403 on every write;
    # GET-only pages answer 405.
    if route.post_data or role in route.get:
        assert status == (403 if route.post_data else 405), (name, role, status)
    else:  # a role that may not even read the page: refused before the method is looked at, or after
        assert status in (403, 405), (name, role, status)
    assert _snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize("name", [name for name, route in ROUTES.items() if route.post_data and route.writes])
def test_every_write_route_really_writes_for_a_writer(client, world, request, name):
    """Guards the table: the post data of each write route is a real write, so the 403s above mean something."""
    role = sorted(ROUTES[name].post)[0]
    client.force_login(request.getfixturevalue(USER_FIXTURES[role]))
    before = _snapshot()
    response = client.post(_url(name, world), ROUTES[name].post_data(world))
    assert response.status_code == 302, (name, response.status_code)
    assert _snapshot() != before
