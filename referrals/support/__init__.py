"""Stop 3: talking with the patient about mutual support (3a peer-led, 3b clinician or case manager), referrals
and their lifecycle, the first meeting together, and 42 CFR Part 2 consents and disclosures."""
