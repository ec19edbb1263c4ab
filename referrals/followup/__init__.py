"""Stop 5: barriers to mutual support and what is done about them, follow-ups on meeting participation, engagement,
and the case manager's queue."""
