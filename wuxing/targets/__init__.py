"""目标申领: the baseline survey (对表摸排), the branches' applications and the two-way target setting, confirmation."""
