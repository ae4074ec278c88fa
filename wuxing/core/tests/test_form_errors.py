"""A refused form says which field is missing, in Chinese, even when its errors are shown away from the field."""

from django import forms
from django.utils import translation

from wuxing.core.forms import error_texts


class _Review(forms.Form):
    decision = forms.ChoiceField(
        label="决定", choices=[("agree", "同意"), ("return", "退回")], widget=forms.RadioSelect
    )
    reason = forms.CharField(label="理由")
    count = forms.IntegerField(label="人数", min_value=0, max_value=10, required=False)


def test_a_missing_choice_names_the_choice_to_make():
    with translation.override("zh-hans"):
        form = _Review({"count": "11"})
        assert not form.is_valid()
        texts = error_texts(form)
    assert "请选择“决定”。" in texts and "请填写“理由”。" in texts
    assert any(t.startswith("人数：") for t in texts)
    assert "这个字段是必填项。" not in texts
