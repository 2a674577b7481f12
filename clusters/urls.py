from django.urls import path

from clusters import views

app_name = "clusters"

urlpatterns = [
    path("evaluasi/", views.evaluation_list, name="evaluation-list"),
    path("evaluasi/tambah/", views.evaluation_create, name="evaluation-create"),
    path("evaluasi/<int:year>/", views.evaluation_detail, name="evaluation-detail"),
    path("evaluasi/<int:year>/tahap/", views.evaluation_stage, name="evaluation-stage"),
    path("evaluasi/<int:year>/klaster/<str:cluster>/", views.self_assessment_edit, name="self-assessment-edit"),
    path("evaluasi/<int:year>/indikator/<str:code>/pertanyaan/", views.question_scores_edit,
         name="question-scores-edit"),
    path("evaluasi/<int:year>/indikator/<str:code>/verifikasi/", views.verification_edit, name="verification-edit"),
    path("evaluasi/<int:year>/indikator/<int:number>/pengurangan/", views.deduction_list, name="deduction-list"),
    path("evaluasi/<int:year>/pengurangan/<int:pk>/ubah/", views.deduction_edit, name="deduction-edit"),
    path("evaluasi/<int:year>/pengurangan/<int:pk>/hapus/", views.deduction_delete, name="deduction-delete"),
    path("evaluasi/<int:year>/indikator/<int:number>/riwayat/", views.indicator_history, name="indicator-history"),
    path("evaluasi/<int:year>/unduh/<str:fmt>/", views.evaluation_export, name="evaluation-export"),
    path("evaluasi/<int:year>/impor/templat/", views.score_import_template, name="score-import-template"),
    path("evaluasi/<int:year>/impor/", views.score_import, name="score-import"),
    path("evaluasi/<int:year>/impor/konfirmasi/", views.score_import_confirm, name="score-import-confirm"),
]
