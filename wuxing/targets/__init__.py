"""目标申领: baseline survey, targets, 四议两公开 deliberations, responsibility letters, 一村一策 plans."""
