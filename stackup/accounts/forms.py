from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from stackup.accounts import services
from stackup.accounts.models import normalise_email

EMAIL_ERRORS = {
    "required": _("Enter your email address"),
    "invalid": _("Enter an email address in the correct format, like name@example.org"),
}


class SignInForm(AuthenticationForm):
    """Email and password, with GOV.UK wording for the errors."""

    username = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        error_messages=EMAIL_ERRORS,
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput,
        error_messages={"required": _("Enter your password")},
    )

    error_messages = {
        "invalid_login": _("Enter a correct email address and password"),
        "inactive": _("This account has been switched off"),
    }

    def clean_username(self) -> str:
        return normalise_email(self.cleaned_data["username"])


class PasswordResetRequestForm(forms.Form):
    """The email address to send a link to. Used by Django's PasswordResetView."""

    email = forms.EmailField(label=_("Email address"), max_length=254, error_messages=EMAIL_ERRORS)

    def save(self, **_options) -> None:
        # Django's view passes the request's host and scheme among the options;
        # the link is built from STACKUP_BASE_URL instead, so they are ignored.
        services.request_password_reset(email=self.cleaned_data["email"])


def minimum_password_length() -> int | None:
    for validator in password_validation.get_default_password_validators():
        if isinstance(validator, password_validation.MinimumLengthValidator):
            return validator.min_length
    return None


class NewPasswordForm(SetPasswordForm):
    """Choose a new password, typed twice. Errors go on the field that needs changing."""

    new_password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Enter a new password")},
    )
    new_password2 = forms.CharField(
        label=_("Confirm new password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Confirm your new password")},
    )

    error_messages = {"password_mismatch": _("Enter the same password in both boxes")}

    def clean(self):
        password1 = self.cleaned_data.get("new_password1")
        password2 = self.cleaned_data.get("new_password2")
        if password1:
            try:
                services.validate_new_password(password=password1, user=self.user)
            except ValidationError as error:
                self.add_error("new_password1", error)
        if (
            password1
            and password2
            and password1 != password2
            and not self.has_error("new_password1")
        ):
            self.add_error(
                "new_password2",
                ValidationError(self.error_messages["password_mismatch"], code="password_mismatch"),
            )
        return self.cleaned_data

    def save(self, commit: bool = True):
        services.set_password(user=self.user, password=self.cleaned_data["new_password1"])
        return self.user


class FirstAdministratorForm(forms.Form):
    """The first site administrator: who they are and the password they will sign in with."""

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        error_messages={
            "required": _("Enter your full name"),
            "max_length": _("Full name must be 200 characters or fewer"),
        },
    )
    email = forms.EmailField(label=_("Email address"), max_length=254, error_messages=EMAIL_ERRORS)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Enter a password")},
    )
    password2 = forms.CharField(
        label=_("Confirm password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Confirm your password")},
    )

    def clean_email(self) -> str:
        return normalise_email(self.cleaned_data["email"])

    def clean(self):
        data = super().clean()
        password1, password2 = data.get("password1"), data.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("Enter the same password in both boxes"))
        return data
