from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from accounts.sso.views import SignInView

app_name = "accounts"

urlpatterns = [
    path("login/", SignInView.as_view(), name="login"),
    # A district's sign-in link: its identity provider's button (single sign-on).
    path("login/<slug:slug>/", SignInView.as_view(), name="district_login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/password_change.html",
            success_url=reverse_lazy("accounts:password_change_done"),
        ),
        name="password_change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="accounts/password_change_done.html"
        ),
        name="password_change_done",
    ),
]
