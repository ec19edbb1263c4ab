"""Stop 3 pages, one module per area."""
