def ensure_demo_accounts() -> None:  # replaced by the seed generator work
    pass
