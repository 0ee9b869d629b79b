from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from commissioning import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("contracts/", include("contracts.urls")),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "Commissioning administration"
admin.site.site_title = "Commissioning"
