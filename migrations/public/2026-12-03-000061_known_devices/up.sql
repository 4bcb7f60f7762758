-- Browsers an account has signed in from before. The right password from one of them passes
-- a sign-in lock that a stranger's wrong guesses put on the email, so guessing cannot lock the
-- real person out. Only a hash of the cookie's token is kept.
CREATE TABLE known_devices (
    id BIGSERIAL PRIMARY KEY,
    account_id UUID NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    token_hash BYTEA NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_used_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_known_devices_account ON known_devices (account_id, last_used_at DESC);

-- Sign-up is throttled per address: accounts created from one IP in the last hour.
CREATE INDEX idx_security_events_ip ON security_events (ip, event_type, occurred_at);
