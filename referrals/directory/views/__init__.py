"""Stop 4 pages, one module per area."""
