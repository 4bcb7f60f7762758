-- Conversations: direct messages between two accounts, and one thread per work order, fault
-- report or job application. Who may read a context's thread follows from the organization
-- role (members of `organization_id`) or from being a party to it (see `party` below).
CREATE TABLE conversations (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    context_type VARCHAR(20) NOT NULL
        CHECK (context_type IN ('direct', 'work_order', 'service_request', 'job_application')),
    -- The organization whose work order or fault report it is; the employer for a job
    -- application; none for a direct conversation.
    organization_id UUID REFERENCES organizations (id) ON DELETE CASCADE,
    context_id UUID,
    -- A direct conversation's two accounts, lower id first: one conversation per pair.
    direct_key VARCHAR(73) UNIQUE,
    -- The context's name when the thread was opened (a work order's number and title…).
    subject VARCHAR(200) NOT NULL DEFAULT '',
    -- Where the context is shown: to the organization's members, and to its party.
    member_link VARCHAR(300) NOT NULL DEFAULT '',
    party_link VARCHAR(300) NOT NULL DEFAULT '',
    created_by UUID NOT NULL REFERENCES accounts (id),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- NULL until the first message, so an opened but empty thread is never unread.
    last_message_at TIMESTAMPTZ,
    message_count INTEGER NOT NULL DEFAULT 0,
    CHECK ((context_type = 'direct') = (context_id IS NULL)),
    CHECK ((context_type = 'direct') = (direct_key IS NOT NULL)),
    CHECK ((context_type = 'direct') = (organization_id IS NULL)),
    UNIQUE (context_type, context_id)
);

CREATE TABLE conversation_participants (
    conversation_id UUID NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    account_id UUID NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    -- On the conversation for who they are (either side of a direct conversation, the tenant
    -- who reported the fault, the applicant), not for a role they hold; the others read it
    -- only while their role allows.
    party BOOLEAN NOT NULL DEFAULT false,
    joined_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- Everything up to here was seen: read receipts, and the unread count in the header.
    last_read_at TIMESTAMPTZ,
    PRIMARY KEY (conversation_id, account_id)
);
CREATE INDEX idx_conversation_participants_account ON conversation_participants (account_id);

CREATE TABLE conversation_messages (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    conversation_id UUID NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    author_account_id UUID NOT NULL REFERENCES accounts (id),
    body TEXT NOT NULL CHECK (length(body) <= 10000),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_conversation_messages_thread ON conversation_messages (conversation_id, created_at);

CREATE TABLE conversation_files (
    id UUID PRIMARY KEY,
    message_id UUID NOT NULL REFERENCES conversation_messages (id) ON DELETE CASCADE,
    conversation_id UUID NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    file_name VARCHAR(255) NOT NULL,
    content_type VARCHAR(50) NOT NULL,
    byte_size INTEGER NOT NULL,
    storage_key VARCHAR(200) NOT NULL,
    thumbnail_key VARCHAR(200),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_conversation_files_message ON conversation_files (message_id);
