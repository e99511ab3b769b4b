from __future__ import annotations

from datetime import timedelta

from axes.helpers import get_client_ip_address, get_cool_off
from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.timesince import timesince
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from stackup.accounts import first_run as first_run_services
from stackup.accounts import services
from stackup.accounts.forms import (
    FirstAdministratorForm,
    NewPasswordForm,
    PasswordResetRequestForm,
    SignInForm,
    minimum_password_length,
)


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    template_name = "accounts/signed_out.html"


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' answer to a sign-in from an account and address that are locked."""
    cool_off: timedelta | None = get_cool_off(request)
    now = timezone.now()
    response = render(
        request,
        "accounts/locked_out.html",
        {"wait": timesince(now, now + cool_off) if cool_off else None},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
    add_never_cache_headers(response)
    return response


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a link by email. Known and unknown addresses get the same answer."""

    form_class = PasswordResetRequestForm
    template_name = "accounts/password_reset.html"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_sent.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "lifetime": services.password_link_lifetime()}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The page a one-time link opens: choose a new password."""

    form_class = NewPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "min_length": minimum_password_length()}

    def form_valid(self, form):
        response = super().form_valid(form)
        # Proving control of the email address lifts a lock-out from this address.
        services.clear_sign_in_lockout(
            user=self.user, ip_address=get_client_ip_address(self.request)
        )
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def first_run(request: HttpRequest, token: str) -> HttpResponse:
    """Make the first site administrator of a new installation from the one-time link."""
    if not first_run_services.link_works(token):
        return render(request, "accounts/first_run_unavailable.html", status=404)
    form = FirstAdministratorForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            user = first_run_services.create_first_administrator(
                token=token,
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
            )
        except ValidationError as error:
            form.add_error("password1", error)
        except first_run_services.FirstRunError:
            return render(request, "accounts/first_run_unavailable.html", status=404)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect(settings.LOGIN_REDIRECT_URL)
    return render(
        request,
        "accounts/first_run.html",
        {"form": form, "min_length": minimum_password_length()},
    )
