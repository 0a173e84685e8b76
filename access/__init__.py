"""Who may use the service: users, roles and rights, sessions, API tokens, the audit log."""
