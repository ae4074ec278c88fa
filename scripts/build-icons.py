#!/usr/bin/env python3
"""Assemble the SVG sprite of the icons the pages use, from the pinned Bootstrap Icons npm package.

    scripts/build-icons.py [node_modules/bootstrap-icons] [build/vendor/icons]

Reads the icon names from scripts/icons.txt (one per line, `#` starts a comment) and writes `sprite.svg` (one
`<symbol id="name">` per icon, referenced as `sprite.svg#name`) and the package's LICENSE into the output folder.
Only the listed icons are shipped; a name the package does not have is an error.
"""

import shutil
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

SVG = "http://www.w3.org/2000/svg"
ROOT = Path(__file__).resolve().parent.parent


def icon_names(path: Path) -> list[str]:
    names = []
    for line in path.read_text(encoding="utf-8").splitlines():
        name = line.split("#", 1)[0].strip()
        if name and name not in names:
            names.append(name)
    return names


def build(package: Path, out: Path, names: list[str]) -> Path:
    ET.register_namespace("", SVG)
    sprite = ET.Element(f"{{{SVG}}}svg")
    missing = [n for n in names if not (package / "icons" / f"{n}.svg").is_file()]
    if missing:
        raise SystemExit(f"not in {package.name}: {', '.join(missing)}")
    for name in names:
        icon = ET.parse(package / "icons" / f"{name}.svg").getroot()
        symbol = ET.SubElement(sprite, f"{{{SVG}}}symbol", {"id": name, "viewBox": icon.get("viewBox", "0 0 16 16")})
        symbol.extend(list(icon))
    out.mkdir(parents=True, exist_ok=True)
    target = out / "sprite.svg"
    target.write_bytes(ET.tostring(sprite, encoding="utf-8", xml_declaration=False) + b"\n")
    shutil.copyfile(package / "LICENSE", out / "LICENSE")
    return target


def main(argv: list[str]) -> None:
    package = Path(argv[1]) if len(argv) > 1 else ROOT / "node_modules" / "bootstrap-icons"
    out = Path(argv[2]) if len(argv) > 2 else ROOT / "build" / "vendor" / "icons"
    names = icon_names(ROOT / "scripts" / "icons.txt")
    target = build(package, out, names)
    print(f"{target}: {len(names)} icons, {target.stat().st_size} bytes")


if __name__ == "__main__":
    main(sys.argv)
