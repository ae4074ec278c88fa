"""This app's part of the demo office: the example standard (labelled 示例), loaded once and shared by offices."""

from pathlib import Path

from wuxing.core.actors import DEMO

from .fileformat import parse_standard, standard_load
from .models import Standard

EXAMPLE_STANDARD_PATH = Path(__file__).resolve().parent / "data" / "example-standard.yaml"


def demo_standard() -> Standard | None:
    header = parse_standard(EXAMPLE_STANDARD_PATH.read_text(encoding="utf-8"))
    return Standard.objects.filter(code=header["code"], version=header["version"]).first()


def load(*, office, say):
    standard = demo_standard()
    if standard is None:
        standard = standard_load(actor=DEMO, text=EXAMPLE_STANDARD_PATH.read_text(encoding="utf-8"))
        say(f"      载入 {standard.name}（{standard.version}）")
    else:
        say(f"      沿用已载入的 {standard.name}（{standard.version}）")


STEPS = [("创建标准", load)]
