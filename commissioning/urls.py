from django.contrib import admin
from django.urls import include, path

from commissioning.overview import calendar_views, dashboard_views, search_views
from commissioning.projects import views

# Commissioning projects, the pipeline and waivers: the "commissioning" namespace.
project_patterns = [
    path("pipeline/", views.pipeline_page, name="pipeline"),
    path("projects/", views.project_list, name="project_list"),
    path("projects/new/", views.project_create, name="project_create"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/edit/", views.project_update, name="project_update"),
    path("projects/<int:pk>/gateways/", views.gateway_pass, name="gateway_pass"),
    path("projects/<int:pk>/options/", views.appraised_option_add, name="appraised_option_add"),
    path("projects/<int:pk>/steps/", views.project_step_add, name="project_step_add"),
    path("waivers/", views.waiver_list, name="waiver_list"),
    path("waivers/new/", views.waiver_create, name="waiver_create"),
    path("waivers/<int:pk>/", views.waiver_detail, name="waiver_detail"),
    path("calendar/", calendar_views.calendar_page, name="calendar"),
    path("calendar/<slug:token>.ics", calendar_views.calendar_feed, name="calendar_feed"),
]

urlpatterns = [
    path("", include((project_patterns, "commissioning"))),
    path("", dashboard_views.dashboard_page, name="home"),
    path("dashboard/<slug:key>.<str:fmt>", dashboard_views.dashboard_export, name="dashboard_export"),
    path("search/", search_views.search_page, name="search"),
    # Sign in and out, change a password, reset a forgotten one by email.
    path("accounts/", include("django.contrib.auth.urls")),
    path("contracts/", include("contracts.urls")),
    path("committees/", include("committees.urls")),
    path("admin/", admin.site.urls),
]

# Uploaded files are never served from MEDIA_URL: only through the views that
# check the user may see the record they belong to.

handler403 = "commissioning.core.errors.page_forbidden"
handler404 = "commissioning.core.errors.page_not_found"
handler500 = "commissioning.core.errors.server_error"

admin.site.site_header = "Commissioning administration"
admin.site.site_title = "Commissioning"
