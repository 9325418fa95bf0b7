"""Forms of the hash pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hashes import values as hash_values
from hashes.models import Algorithm, Classification, HashList, TrustLevel


class ListForm(forms.Form):
    centre = forms.ChoiceField(label=gettext_lazy("Owner centre"))
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=HashList._meta.get_field("kind").choices)
    source = forms.CharField(label=gettext_lazy("Source"), max_length=200, required=False)
    trust_level = forms.ChoiceField(label=gettext_lazy("Trust level"), choices=TrustLevel.choices)
    shares_with_network = forms.BooleanField(
        label=gettext_lazy("Share confirmed hashes with the network"), required=False
    )

    def __init__(self, *args, centres, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.centres = {str(centre.pk): centre for centre in centres}
        self.fields["centre"].choices = [(key, centre.name) for key, centre in self.centres.items()]

    def clean(self):
        data = super().clean()
        centre = self.centres.get(data.get("centre"))
        if centre and HashList.objects.unscoped("unique name").filter(centre=centre, name=data.get("name")).exists():
            self.add_error("name", _("This centre already has a list with this name."))
        data["centre"] = centre
        return data


class ListSettingsForm(forms.Form):
    """A list's settings, changed by a supervisor of its centre (its owner and kind stay)."""

    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    source = forms.CharField(label=gettext_lazy("Source"), max_length=200, required=False)
    trust_level = forms.ChoiceField(label=gettext_lazy("Trust level"), choices=TrustLevel.choices)
    shares_with_network = forms.BooleanField(
        label=gettext_lazy("Share confirmed hashes with the network"), required=False
    )

    def __init__(self, *args, hash_list: HashList, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.hash_list = hash_list

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        taken = (
            HashList.objects.unscoped("unique name")
            .filter(centre_id=self.hash_list.centre_id, name=name)
            .exclude(pk=self.hash_list.pk)
        )
        if taken.exists():
            raise forms.ValidationError(_("This centre already has a list with this name."))
        return name


class ImportForm(forms.Form):
    """A hash list file to import in the background (CSV, plain text or JSON lines)."""

    file = forms.FileField(label=gettext_lazy("File"))
    fmt = forms.ChoiceField(
        label=gettext_lazy("Format"),
        choices=[
            ("", gettext_lazy("From the file name")),
            ("csv", "CSV"),
            ("txt", gettext_lazy("Plain text")),
            ("jsonl", gettext_lazy("JSON lines")),
        ],
        required=False,
    )
    algorithm = forms.ChoiceField(
        label=gettext_lazy("Algorithm of lines that do not say"),
        choices=[("", gettext_lazy("By length (MD5, SHA-1, SHA-256)")), *Algorithm.choices],
        required=False,
    )
    classification = forms.ChoiceField(
        label=gettext_lazy("Classification of lines that do not say"), choices=Classification.choices
    )

    def __init__(self, *args, max_bytes: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.max_bytes:
            raise forms.ValidationError(
                _("The file is larger than %(mb)d MB: split it, or import it with manage.py import_hashes.")
                % {"mb": self.max_bytes // (1024 * 1024)}
            )
        return upload

    def clean(self):
        data = super().clean()
        if data.get("file") and not data.get("fmt"):
            from hashes.importer import format_of

            data["fmt"] = format_of(data["file"].name or "")
        return data


class EntryForm(forms.Form):
    algorithm = forms.ChoiceField(label=gettext_lazy("Algorithm"), choices=Algorithm.choices)
    value = forms.CharField(label=gettext_lazy("Value"), max_length=80)
    classification = forms.ChoiceField(label=gettext_lazy("Classification"), choices=Classification.choices)
    quality = forms.IntegerField(label=gettext_lazy("PDQ quality"), min_value=0, max_value=100, required=False)

    def clean(self):
        data = super().clean()
        if data.get("algorithm") and data.get("value"):
            try:
                data["value"] = hash_values.normalise(data["algorithm"], data["value"])
            except hash_values.BadHash as exc:
                self.add_error("value", str(exc))
        return data


class EntryFilterForm(forms.Form):
    algorithm = forms.ChoiceField(
        label=gettext_lazy("Algorithm"), choices=[("", "—"), *Algorithm.choices], required=False
    )
    classification = forms.ChoiceField(
        label=gettext_lazy("Classification"), choices=[("", "—"), *Classification.choices], required=False
    )
    active = forms.ChoiceField(
        label=gettext_lazy("Status"),
        choices=[("", gettext_lazy("Any")), ("1", gettext_lazy("Active")), ("0", gettext_lazy("Disabled"))],
        required=False,
    )
    value = forms.CharField(label=gettext_lazy("Value starts with"), max_length=64, required=False)

    def params(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        params = {}
        if data["algorithm"]:
            params["algorithm"] = data["algorithm"]
        if data["classification"]:
            params["classification"] = data["classification"]
        if data["active"]:
            params["is_active"] = data["active"] == "1"
        if data["value"]:
            params["value__startswith"] = data["value"].strip().lower()
        return params


class LookupForm(forms.Form):
    hashes = forms.CharField(
        label=gettext_lazy("Hashes"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text=gettext_lazy("One per line: MD5, SHA-1 or SHA-256 in hexadecimal, or pdq:<64 hexadecimal digits>."),
    )
    file = forms.FileField(
        label=gettext_lazy("Or a file to hash"),
        required=False,
        help_text=gettext_lazy("Read in memory and discarded: only its hashes are kept."),
    )

    def __init__(self, *args, too_large: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.too_large = too_large

    def clean_hashes(self) -> list[tuple[str, str]]:
        lines = [line.strip() for line in self.cleaned_data["hashes"].splitlines() if line.strip()]
        try:
            parsed, refused = hash_values.parse_many(lines)
        except hash_values.BadHash as exc:
            raise forms.ValidationError(str(exc)) from None
        if refused:
            raise forms.ValidationError(
                [
                    _("Line %(n)d: %(error)s") % {"n": position + 1, "error": problem}
                    for position, problem in refused[:10]
                ]
            )
        return parsed

    def clean(self):
        data = super().clean()
        if self.too_large:
            self.add_error("file", _("The file is too large to be hashed here."))
        elif not self.errors and not data.get("hashes") and not data.get("file"):
            raise forms.ValidationError(_("Paste hashes or choose a file."))
        return data
