DROP FUNCTION refuse_audit_change();
DROP TABLE security_events;
DROP TABLE login_attempts;
DROP TABLE sessions;
DROP TABLE invitations;
DROP TABLE memberships;
DROP TABLE accounts;
