"""Who is calling: clinicians (Cognito tokens + practice memberships) and clients
(access links), plus the audit trail of what clinicians do with client data."""
