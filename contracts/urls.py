from django.urls import path

from contracts import import_views, views

app_name = "contracts"

urlpatterns = [
    path("", views.contract_list, name="contract_list"),
    path("to-complete/", views.to_complete, name="to_complete"),
    path("export.csv", views.contract_export, name="contract_export"),
    path("export/<slug:fmt>/", views.contract_export, name="contract_export_as"),
    path("new/", views.contract_create, name="contract_create"),
    path("<int:pk>/", views.contract_detail, name="contract_detail"),
    path("<int:pk>/edit/", views.contract_update, name="contract_update"),
    path("<int:pk>/spend/", views.spend_create, name="spend_create"),
    path("<int:pk>/kpis/new/", views.kpi_create, name="kpi_create"),
    path("kpis/<int:pk>/edit/", views.kpi_update, name="kpi_update"),
    path("kpis/<int:pk>/assessments/new/", views.kpi_assessment_create, name="kpi_assessment_create"),
    path("<int:pk>/monitoring/new/", views.monitoring_create, name="monitoring_create"),
    path("monitoring/<int:pk>/edit/", views.monitoring_update, name="monitoring_update"),
    path("choices/", views.contract_choices, name="contract_choices"),
    path("notices/", views.notice_list, name="notice_list"),
    path("notices/published/", views.notice_publish, name="notice_publish"),
    path("providers/choices/", views.provider_choices, name="provider_choices"),
    path("providers/", views.provider_list, name="provider_list"),
    path("providers/new/", views.provider_create, name="provider_create"),
    path("providers/<int:pk>/", views.provider_detail, name="provider_detail"),
    path("providers/<int:pk>/edit/", views.provider_update, name="provider_update"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<int:pk>/edit/", views.organisation_update, name="organisation_update"),
]

urlpatterns += [
    path("import/", import_views.import_list, name="import_list"),
    path("import/<int:pk>/", import_views.import_detail, name="import_detail"),
    path("import/<int:pk>/columns/", import_views.import_remap, name="import_remap"),
    path("import/<int:pk>/confirm/", import_views.import_confirm, name="import_confirm"),
    path("import/<int:pk>/report.csv", import_views.import_report, name="import_report"),
]
