from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from stackup.accounts.models import normalise_email


class SignInForm(AuthenticationForm):
    """Email and password, with GOV.UK wording for the errors."""

    username = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        error_messages={
            "required": _("Enter your email address"),
            "invalid": _("Enter an email address in the correct format, like name@example.org"),
        },
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
