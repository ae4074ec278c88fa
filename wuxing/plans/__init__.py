"""一村(社区)一策 and 责任书: a confirmed target's measures and milestones, and its responsibility letter."""
