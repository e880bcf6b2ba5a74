from django import forms


class DraftPolicyVersionForm(forms.Form):
    policy = forms.SlugField(initial="cse", max_length=40)
    version = forms.CharField(max_length=40, help_text="A new label, for example 2026-12-draft.")
    change_note = forms.CharField(widget=forms.Textarea, required=False, help_text="What this draft changes and why.")
