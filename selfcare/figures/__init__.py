"""Where a client's figures live: what each write changes (feeds, listener), the pain periods
kept per week and month (periods), and the figures kept per client and day (kept)."""
