"""Test data, arranged like the apps."""
