from django.urls import path

from evidence import views

app_name = "evidence"

urlpatterns = [
    path("evaluasi/<int:year>/bukti/", views.evidence_overview, name="overview"),
    path("evaluasi/<int:year>/bukti/belum-ada/", views.evidence_missing, name="missing"),
    path("evaluasi/<int:year>/bukti/unduh/", views.evidence_zip, name="zip"),
    path("evaluasi/<int:year>/indikator/<str:code>/bukti/", views.indicator_evidence, name="indicator-evidence"),
    path("evaluasi/<int:year>/bukti/dokumen/<int:pk>/", views.document_detail, name="document"),
    path("evaluasi/<int:year>/bukti/dokumen/<int:pk>/hapus/", views.document_remove, name="document-remove"),
    path("evaluasi/<int:year>/bukti/berkas/<int:pk>/", views.file_download, name="file"),
    path("evaluasi/<int:year>/bukti/berkas/<int:pk>/gambar-kecil/", views.file_thumbnail, name="thumbnail"),
]
