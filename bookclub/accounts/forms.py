from django import forms

from bookclub.accounts.models import User, time_zone_choices


class ProfileForm(forms.ModelForm):
    # Declared once: setting ~600 choices in __init__ normalised them on every request.
    time_zone = forms.ChoiceField(
        choices=[("", "Use the site's time zone (UTC)"), *time_zone_choices()],
        required=False,
        help_text="Meeting times are shown in this zone.",
    )

    class Meta:
        model = User
        fields = ["display_name", "bio", "time_zone", "email_notifications"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 4, "maxlength": 500})}

    def clean_display_name(self) -> str:
        """A name is one line: line breaks and runs of spaces become single spaces."""
        return " ".join(self.cleaned_data["display_name"].split())
