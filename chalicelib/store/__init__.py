"""The DynamoDB table: its shape (`schema`), its key shapes (`keys`), a thin typed
wrapper (`table`) and one module of access-pattern functions per entity.

Nothing outside this package builds a key or calls DynamoDB."""
