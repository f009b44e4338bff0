"""Bounces: reading delivery failures of release emails from a mailbox, and what they mean.

A release email goes out with a per-recipient envelope sender (VERP, crm/bounces/verp.py), so a
bounce names the send it belongs to. `services.process_bounces` (the scheduler's job and
`crm bounces process`) reads the mailbox of CRM_BOUNCE_MAILBOX_URL (crm/bounces/mailbox.py),
finds the failed addresses with GNU Mailman's flufl.bounce detectors (crm/bounces/parse.py),
and marks an address undeliverable on its contact after a hard bounce or N soft ones in a row
(crm/bounces/models.py). Distribution skips such addresses with the reason.
"""
