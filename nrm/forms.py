"""Forms of the nrm app: new assessment, rating with evidence, action items, editors."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import URLValidator
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from network.models import Country
from nrm.models import ActionItem, Capability, ItemStatus, MaturityLevel

# Evidence documents are PDFs of reports and laws; anything larger belongs in a link.
MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
PDF_MAGIC = b"%PDF-"


class AssessmentForm(forms.Form):
    country = forms.ModelChoiceField(label=_("Country"), queryset=Country.objects.none())
    period = forms.CharField(label=_("Period"), max_length=40, help_text=_("For example 2025 or 2025-H1"))

    def __init__(self, *args, country_ids=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = Country.objects.filter(pk__in=country_ids)


class SummaryForm(forms.Form):
    summary = forms.CharField(
        label=_("Summary"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
        help_text=_("Shown on the public site if the coordinator publishes the validated assessment."),
    )


class RatingForm(forms.Form):
    level = forms.TypedChoiceField(label=_("Maturity level"), coerce=int)
    evidence = forms.CharField(label=_("Evidence"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    links = forms.CharField(
        label=_("Links"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("One address (https://…) per line"),
    )
    gaps = forms.CharField(label=_("Gaps"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    recommendations = forms.CharField(
        label=_("Recommendations"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    document = forms.FileField(
        label=_("Attach a PDF document"),
        required=False,
        help_text=_("PDF only, at most %(size)s") % {"size": filesizeformat(MAX_EVIDENCE_BYTES)},
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )

    def __init__(self, *args, levels: list[MaturityLevel], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [(level.level, f"{level.level} · {level.display_name}") for level in levels]

    def clean_links(self) -> str:
        lines = [line.strip() for line in self.cleaned_data["links"].splitlines() if line.strip()]
        validate = URLValidator(schemes=["http", "https"])
        for line in lines:
            try:
                validate(line)
            except forms.ValidationError:
                raise forms.ValidationError(_("“%(link)s” is not a web address.") % {"link": line[:100]})
        return "\n".join(lines)

    def clean_document(self):
        upload = self.cleaned_data.get("document")
        return check_evidence(upload) if upload else None


def check_evidence(upload):
    """An evidence document: a PDF by its bytes (the name and content type are the uploader's
    word), at most MAX_EVIDENCE_BYTES. Raises ValidationError with a translated message."""
    if upload.size > MAX_EVIDENCE_BYTES:
        raise forms.ValidationError(
            _("The file is too large: at most %(size)s.") % {"size": filesizeformat(MAX_EVIDENCE_BYTES)}
        )
    head = upload.read(len(PDF_MAGIC))
    upload.seek(0)
    if head != PDF_MAGIC:
        raise forms.ValidationError(_("Only PDF documents can be attached."))
    return upload


class ActionItemForm(forms.ModelForm):
    class Meta:
        model = ActionItem
        fields = ["title", "capability", "owner_organisation", "due_date"]
        widgets = {"due_date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, framework=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["capability"].queryset = Capability.objects.filter(domain__framework=framework)


class ActionItemUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ItemStatus.choices)
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class EditorForm(forms.Form):
    country = forms.ModelChoiceField(label=_("Country"), queryset=Country.objects.none())
    email = forms.EmailField(label=_("Email of the member"))

    def __init__(self, *args, country_ids=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = Country.objects.filter(pk__in=country_ids)

    def clean(self):
        data = super().clean()
        country, email = data.get("country"), data.get("email")
        if country and email:
            # Only a member of a centre of that country can be named: editors work for their country.
            user = (
                get_user_model()
                .objects.filter(email__iexact=email, memberships__is_active=True, memberships__centre__country=country)
                .first()
            )
            if user is None:
                raise forms.ValidationError(_("No member of a centre of this country has this email address."))
            data["user"] = user
        return data
