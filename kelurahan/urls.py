from django.urls import path

from kelurahan import views

app_name = "kelurahan"

urlpatterns = [
    path("", views.KelurahanListView.as_view(), name="kelurahan-list"),
    path("tambah/", views.KelurahanCreateView.as_view(), name="kelurahan-create"),
    path("<int:pk>/", views.KelurahanDetailView.as_view(), name="kelurahan-detail"),
    path("<int:pk>/ubah/", views.KelurahanUpdateView.as_view(), name="kelurahan-update"),
    path("<int:pk>/status/", views.KelurahanActiveToggleView.as_view(), name="kelurahan-toggle-active"),
    path("<int:pk>/patbm/", views.patbm_update, name="patbm-update"),
    path("kecamatan/", views.KecamatanListView.as_view(), name="kecamatan-list"),
    path("kecamatan/tambah/", views.KecamatanCreateView.as_view(), name="kecamatan-create"),
    path("kecamatan/<int:pk>/ubah/", views.KecamatanUpdateView.as_view(), name="kecamatan-update"),
    path("kecamatan/<int:pk>/status/", views.KecamatanActiveToggleView.as_view(), name="kecamatan-toggle-active"),
    path("cakupan/", views.coverage, name="coverage"),
    path("patbm/unduh/<str:fmt>/", views.patbm_export, name="patbm-export"),
    path("patbm/impor/", views.patbm_import, name="patbm-import"),
    path("patbm/impor/konfirmasi/", views.patbm_import_confirm, name="patbm-import-confirm"),
]
