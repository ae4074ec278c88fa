"""各部门认领任务: assignments with their 五个一 activities, contributions and findings."""
