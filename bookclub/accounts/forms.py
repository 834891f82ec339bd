import copy

from allauth.account import forms as allauth_forms
from django import forms

from bookclub.accounts.models import User, time_zone_choices
from bookclub.text import PlainTextForm


class SharedChoiceField(forms.ChoiceField):
    """A choice field whose long, never-changing choices every form shares.

    Each form deep-copies its fields, and a ChoiceField copies its choices (and its widget
    normalises them again): with ~600 time zones that was a third of a profile save's time.
    """

    def __deepcopy__(self, memo):
        result = copy.copy(self)
        memo[id(self)] = result
        # What Field and Widget copy per form; the choices list stays shared.
        result.widget = copy.copy(self.widget)
        result.widget.attrs = self.widget.attrs.copy()
        result.error_messages = self.error_messages.copy()
        result.validators = self.validators[:]
        return result


class ProfileForm(PlainTextForm, forms.ModelForm):
    # Declared once: setting ~600 choices in __init__ normalised them on every request.
    time_zone = SharedChoiceField(
        choices=[("", "Use the site's time zone (UTC)"), *time_zone_choices()],
        required=False,
        help_text="Meeting times are shown in this zone.",
    )

    # Optional on the form: left out (or empty), the address stays as it is.
    email = forms.EmailField(
        required=False,
        max_length=254,
        help_text="Where notifications go. A new address is asked to confirm itself first.",
    )

    class Meta:
        model = User
        fields = ["display_name", "bio", "time_zone", "email_notifications", "email"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 4, "maxlength": 500})}

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=False)
        if commit:
            # Only the columns this form edits: a log-in elsewhere meanwhile keeps its
            # last_login, and the UPDATE is smaller.
            user.save(update_fields=self._meta.fields)
        return user

    def clean_email(self) -> str:
        """A malformed address is refused here (EmailField), never found out by the mail
        server; one another account uses is refused too (addresses are unique)."""
        email = self.cleaned_data["email"].strip()
        if not email:
            return self.instance.email
        if email.lower() == self.instance.email.lower():
            return self.instance.email
        from allauth.account.models import EmailAddress

        taken = User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists()
        if (
            taken
            or EmailAddress.objects.filter(email__iexact=email).exclude(user=self.instance).exists()
        ):
            raise forms.ValidationError("Another account uses this address.")
        return email

    def clean_display_name(self) -> str:
        """A name is one line: line breaks and runs of spaces become single spaces."""
        return " ".join(self.cleaned_data["display_name"].split())


class LoginForm(allauth_forms.LoginForm):
    """allauth's, with the field named as readers know it ("Login" read like a verb)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = "Username or email"


class AccountDeleteForm(forms.Form):
    """Deleting an account asks for the password, and a second-factor code when the member
    has two-factor sign-in: a session left open on a shared computer is not enough."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = forms.CharField(
        label="A code from your authenticator app, or a recovery code",
        max_length=64,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if not user.has_two_factor:
            del self.fields["code"]

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password.")
        return password

    def clean_code(self) -> str:
        """Checked by allauth's own form (its rate limit, recovery codes used up once)."""
        from allauth.mfa.base.forms import BaseAuthenticateForm

        code = self.cleaned_data["code"].strip()
        check = BaseAuthenticateForm(data={"code": code}, user=self.user)
        if not check.is_valid():
            raise forms.ValidationError("That code is not right, or has been used already.")
        return code
