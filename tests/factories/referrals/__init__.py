"""Factories of the referrals app."""
