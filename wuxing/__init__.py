"""Wuxing: the five-star party branch campaign platform (五星支部创建管理平台)."""
