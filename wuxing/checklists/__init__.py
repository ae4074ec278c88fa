"""打卡清单: checklist items, check-ins with evidence, progress, report cards, the progress table."""
