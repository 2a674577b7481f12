from django.urls import path

from dekela import views

app_name = "dekela"

urlpatterns = [
    path("", views.matrix, {"scope": "kelurahan", "year": None}, name="matrix-latest"),
    path("cakupan/", views.coverage_over_time, name="coverage"),
    path("<int:year>/", views.matrix, {"scope": "kelurahan"}, name="matrix"),
    path("<int:year>/kecamatan/", views.matrix, {"scope": "kecamatan"}, name="kecamatan-matrix"),
    path("<int:year>/kelurahan/<int:pk>/", views.row_edit, {"scope": "kelurahan"}, name="row-edit"),
    path("<int:year>/kecamatan/<int:pk>/", views.row_edit, {"scope": "kecamatan"}, name="kecamatan-row-edit"),
    path("<int:year>/unduh/<str:fmt>/", views.matrix_export, {"scope": "kelurahan"}, name="matrix-export"),
    path("<int:year>/kecamatan/unduh/<str:fmt>/", views.matrix_export, {"scope": "kecamatan"},
         name="kecamatan-matrix-export"),
    path("<int:year>/impor/", views.matrix_import, {"scope": "kelurahan"}, name="matrix-import"),
    path("<int:year>/impor/konfirmasi/", views.matrix_import_confirm, {"scope": "kelurahan"},
         name="matrix-import-confirm"),
    path("<int:year>/kecamatan/impor/", views.matrix_import, {"scope": "kecamatan"}, name="kecamatan-matrix-import"),
    path("<int:year>/kecamatan/impor/konfirmasi/", views.matrix_import_confirm, {"scope": "kecamatan"},
         name="kecamatan-matrix-import-confirm"),
    path("<int:year>/kelurahan/<int:pk>/bukti/<int:criterion_pk>/", views.criterion_evidence,
         {"scope": "kelurahan"}, name="evidence"),
    path("<int:year>/kecamatan/<int:pk>/bukti/<int:criterion_pk>/", views.criterion_evidence,
         {"scope": "kecamatan"}, name="kecamatan-evidence"),
    path("<int:year>/bukti/berkas/<int:pk>/", views.criterion_evidence_file, name="evidence-file"),
    path("<int:year>/saran/", views.suggestions, name="suggestions"),
    path("<int:year>/saran/ambil/", views.suggestion_take, name="suggestion-take"),
]
