"""The patient's own link for one referral (closing the loop): meeting details in plain words, a calendar file,
and after the meeting "Did you go?" and "Did you feel welcome as someone taking medication?". No account: a long
random token, stored only as a hash, that expires and can be revoked. Also the reminders sent through it."""
