from django import forms
from django.utils.translation import gettext_lazy as _

from creditdesk.imports.kinds import KINDS

ENCODING_CHOICES = [
    ("auto", _("Detect automatically")), ("utf-8", "UTF-8"), ("gb18030", _("GBK / GB18030 (Chinese Excel)")),
    ("utf-16", "UTF-16"),
]


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"))
    upload = forms.FileField(label=_("File (CSV or XLSX)"))
    encoding = forms.ChoiceField(label=_("Encoding"), choices=ENCODING_CHOICES, initial="auto")
    mapping = forms.ChoiceField(label=_("Column mapping"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["kind"].choices = [(k.name, k.label) for k in KINDS.values()]  # type: ignore[attr-defined]
        presets = sorted({name for kind in KINDS.values() for name in kind().presets()})
        self.fields["mapping"].choices = [(p, p) for p in presets]  # type: ignore[attr-defined]
