"""Forms for the rota's roles."""

from __future__ import annotations

from django import forms

from bookclub.text import PlainTextForm


class RotaRoleForm(PlainTextForm, forms.Form):
    name = forms.CharField(label="Role", max_length=60, strip=True)
