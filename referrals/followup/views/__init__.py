"""Stop 5 pages, one module per area."""
