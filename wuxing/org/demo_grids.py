"""The demo's grids (网格) and the neighbouring offices' assignments: kept apart from demo.py so that the map's
lattice and the grids can change without touching the office's people.

Each branch of the demo office has two grids, "<branch code>-01" and "-02", side by side inside its first
lattice cell; their shapes go up with the office's map (demo_map). The neighbouring offices get a department
and a leader each, assigned to their branches, so their campaigns have 五个一 to record.
"""

from wuxing.core.actors import DEMO

from .demo import NEIGHBOURS, OFFICE_CODE, branch_cells, cell_spot, fictional_phone, neighbour_name
from .models import Branch, Grid, OrgUnit
from .services import assignment_create, department_create, grid_create, person_create

GRIDS_PER_BRANCH = 2
# (x from, x to) of each grid inside its branch's first cell, and the band (y from, y to) they share.
_GRID_BANDS = [(0.3, 0.48), (0.52, 0.7)]
_GRID_Y = (0.3, 0.7)
_GRID_NAMES = ["第一网格", "第二网格"]


def grid_code(branch_code: str, number: int) -> str:
    return f"{branch_code}-{number:02d}"


def load_grids(*, office, say):
    """Two grids for each branch of the demo office."""
    count = 0
    for branch in Branch.objects.filter(office=office).order_by("sort_order", "code"):
        for number in range(1, GRIDS_PER_BRANCH + 1):
            grid_create(
                actor=DEMO,
                branch=branch,
                code=grid_code(branch.code, number),
                name=f"{branch.name}{_GRID_NAMES[number - 1]}",
                order=number,
            )
            count += 1
    say(f"      {count} 个网格")


def grid_features(office_code: str) -> list[dict]:
    """The shapes of the office's grids: rectangles inside their branch's first cell."""
    grids = {g.code: g for g in Grid.objects.filter(office__code=office_code)}
    if not grids:
        return []
    features = []
    for code, (_name, cells) in branch_cells(office_code).items():
        for number, (x0, x1) in enumerate(_GRID_BANDS, start=1):
            grid = grids.get(grid_code(code, number))
            if grid is None:
                continue
            corners = [
                cell_spot(cells[0], x0, _GRID_Y[0]),
                cell_spot(cells[0], x1, _GRID_Y[0]),
                cell_spot(cells[0], x1, _GRID_Y[1]),
                cell_spot(cells[0], x0, _GRID_Y[1]),
            ]
            ring = [list(c) for c in corners] + [list(corners[0])]
            features.append(
                {
                    "type": "Feature",
                    "properties": {"code": grid.code, "name": grid.name},
                    "geometry": {"type": "Polygon", "coordinates": [ring]},
                }
            )
    return features


def branch_spot(branch_code: str, x: float = 0.5, y: float = 0.5) -> tuple[float, float] | None:
    """A place inside a demo branch's first cell (None for a branch not on the demo maps)."""
    for office_code in [OFFICE_CODE, *(n["code"] for n in NEIGHBOURS)]:
        if branch_code.startswith(office_code):
            found = branch_cells(office_code).get(branch_code)
            return cell_spot(found[1][0], x, y) if found else None
    return None


def load_neighbour_assignments(*, office, say):
    """Each neighbouring office: a 党建办 assigned to every branch, and a leader to the first two."""
    count = 0
    for n, data in enumerate(NEIGHBOURS):
        unit = OrgUnit.objects.filter(code=data["code"]).first()
        if unit is None:
            continue
        department = department_create(actor=DEMO, office=unit, code="djb", name="党建工作办公室", duties="统筹创建")
        person_create(
            actor=DEMO,
            office=unit,
            name=neighbour_name(40 + n * 2),
            position="党建办主任",
            phone=fictional_phone(140 + n * 2),
            department=department,
        )
        leader = person_create(
            actor=DEMO,
            office=unit,
            name=neighbour_name(41 + n * 2),
            position="党工委书记" if n == 0 else "党委书记",
            phone=fictional_phone(141 + n * 2),
            is_leader=True,
        )
        branches = list(Branch.objects.filter(office=unit).order_by("sort_order", "code"))
        for branch in branches:
            assignment_create(actor=DEMO, branch=branch, department=department)
            count += 1
        for branch in branches[:2]:
            assignment_create(actor=DEMO, branch=branch, leader=leader)
            count += 1
    say(f"      {count} 条分包关系")
