"""End to end: at 375 px an anonymous resident raises a topic on a branch's 民情茶馆 board; the office approves it,
the branch's secretary answers it, and the resident sees the answer on the board."""

import pytest

from wuxing.org.demo import OFFICE_CODE, branch_code

from .conftest import login, screenshot

pytestmark = pytest.mark.browser

TITLE = "村口能否增设休息座椅"
ANSWER = "支部已采购6张座椅，下周在村口安装。"


def test_resident_raises_a_topic_the_office_approves_the_branch_answers(live_app, open_page):
    board = f"{live_app}/public/{OFFICE_CODE}/tea/{branch_code('008')}/"  # the demo secretary's branch
    resident, watch = open_page(width=375, height=800)
    resident.goto(f"{live_app}/public/{OFFICE_CODE}/tea/")
    assert resident.locator("#tea-branches a").count() >= 10
    resident.goto(board)
    assert resident.evaluate("document.documentElement.scrollWidth") <= 375
    resident.fill("input[name=title]", TITLE)
    resident.fill("textarea[name=text]", "老人赶集回来没地方歇脚，希望在村口增设几张座椅。")
    resident.fill("input[name=phone]", "13911113333")
    screenshot(resident, "tea-raise-375")
    resident.click("#topic-send")
    resident.wait_for_load_state("networkidle")
    assert resident.locator("#topic-received").count() == 1
    assert TITLE not in resident.inner_text("#tea-topics")  # not before moderation
    assert "13911113333" not in resident.content()
    assert watch.foreign_requests() == [] and watch.errors == []

    # The office approves it for the board.
    office, _ = open_page(width=1280, height=900)
    login(office, live_app, "demo-leader")
    office.goto(f"{live_app}/participation/tea/?status=pending")
    office.locator("#topic-list a", has_text=TITLE).click()
    office.wait_for_load_state("networkidle")
    assert "13911113333" not in office.content() and "139****3333" in office.content()
    screenshot(office, "tea-moderate-1280")
    office.check("#moderate input[name=decision][value=approve]")
    office.click("#moderate-send")
    office.wait_for_load_state("networkidle")
    assert office.locator("#moderate").count() == 0
    resident.goto(board)
    assert TITLE in resident.inner_text("#tea-topics")

    # The branch answers on the board.
    branch, _ = open_page(width=1280, height=900)
    login(branch, live_app, "demo-secretary")
    branch.goto(f"{live_app}/participation/tea/?status=published&answered=no")
    branch.locator("#topic-list a", has_text=TITLE).click()
    branch.wait_for_load_state("networkidle")
    branch.fill("#answer textarea[name=answer]", ANSWER)
    branch.click("#answer-send")
    branch.wait_for_load_state("networkidle")
    assert ANSWER in branch.inner_text("#topic-answer")

    # The resident sees the answer.
    resident.goto(board)
    resident.wait_for_load_state("networkidle")
    card = resident.locator("#tea-topics .card", has_text=TITLE)
    assert ANSWER in card.inner_text()
    assert resident.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(resident, "tea-board-375")
    wide, wide_watch = open_page(width=1280, height=900)
    wide.goto(board)
    screenshot(wide, "tea-board-1280")
    assert wide_watch.errors == [] and wide_watch.foreign_requests() == []
    assert watch.errors == []
