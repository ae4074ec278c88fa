"""The fixtures of target setting (a campaign, users of every role, a world of confirmed targets with their plan,
letter, baseline and deliberations), shared with the targets app's tests."""

from wuxing.targets.tests.conftest import standard, tc, world  # noqa: F401
