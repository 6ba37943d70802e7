"""Messages to clients and clinicians: what they say (templates), signed unsubscribe links,
settings, and what became of a send. The channels that send them (SES v2 email, SNS SMS
and push) are one module each in `chalicelib.channels`.

Messages carry no clinical content: a homework title at most, and a link. Templates
(jinja2) and boto3 load on first use, never when the app is imported.
"""
