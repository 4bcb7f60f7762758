-- Forums (seed 001 §3): platform-wide categories, threads, posts, votes, flags, subscriptions.
-- A thread's question is its opening post, so votes, flags, edits, deletion and anonymity work
-- the same for questions and replies.
CREATE TYPE forum_scope AS ENUM ('global', 'trade', 'manufacturer', 'region', 'organization');
CREATE TYPE forum_visibility AS ENUM ('public', 'signed_in', 'organization');

CREATE TABLE forum_categories (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    parent_id UUID REFERENCES forum_categories (id) ON DELETE RESTRICT,
    name VARCHAR(100) NOT NULL,
    slug VARCHAR(100) NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,99}$'),
    description TEXT NOT NULL DEFAULT '',
    icon VARCHAR(50) NOT NULL DEFAULT '',
    colour VARCHAR(20) NOT NULL DEFAULT 'blue',
    scope forum_scope NOT NULL DEFAULT 'global',
    -- The trade, manufacturer or region named by the scope ('hydraulic', 'KONE', 'NSW').
    scope_value VARCHAR(100),
    -- Set for organization-scoped categories; organization-only ones are seen by its members only.
    organization_id UUID REFERENCES organizations (id) ON DELETE CASCADE,
    visibility forum_visibility NOT NULL DEFAULT 'public',
    is_active BOOLEAN NOT NULL DEFAULT true,
    requires_moderation BOOLEAN NOT NULL DEFAULT false,
    allow_anonymous BOOLEAN NOT NULL DEFAULT false,
    display_order INTEGER NOT NULL DEFAULT 0,
    -- Counters kept by the forum's writes (approved, not deleted).
    thread_count INTEGER NOT NULL DEFAULT 0,
    post_count INTEGER NOT NULL DEFAULT 0,
    last_post_at TIMESTAMPTZ,
    last_thread_id UUID,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (visibility <> 'organization' OR organization_id IS NOT NULL),
    CHECK (scope <> 'organization' OR organization_id IS NOT NULL),
    CHECK (parent_id IS NULL OR parent_id <> id)
);
CREATE INDEX idx_forum_categories_parent ON forum_categories (parent_id, display_order);
CREATE INDEX idx_forum_categories_scope ON forum_categories (scope, scope_value);
CREATE INDEX idx_forum_categories_organization ON forum_categories (organization_id);

CREATE TABLE forum_category_moderators (
    category_id UUID NOT NULL REFERENCES forum_categories (id) ON DELETE CASCADE,
    account_id UUID NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (category_id, account_id)
);
CREATE INDEX idx_forum_category_moderators_account ON forum_category_moderators (account_id);

CREATE TABLE forum_threads (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    category_id UUID NOT NULL REFERENCES forum_categories (id),
    author_id UUID NOT NULL REFERENCES accounts (id),
    is_anonymous BOOLEAN NOT NULL DEFAULT false,
    title VARCHAR(200) NOT NULL,
    equipment_manufacturer VARCHAR(100),
    equipment_model VARCHAR(100),
    fault_code VARCHAR(50),
    tags TEXT[] NOT NULL DEFAULT '{}',
    is_pinned BOOLEAN NOT NULL DEFAULT false,
    is_featured BOOLEAN NOT NULL DEFAULT false,
    is_locked BOOLEAN NOT NULL DEFAULT false,
    -- False while waiting in the moderation queue of a moderated category.
    is_approved BOOLEAN NOT NULL DEFAULT true,
    accepted_post_id UUID,
    upvote_count INTEGER NOT NULL DEFAULT 0,
    reply_count INTEGER NOT NULL DEFAULT 0,
    last_post_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- Text of the visible posts, kept for full-text search and its snippets.
    search_body TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    deleted_at TIMESTAMPTZ
);
CREATE INDEX idx_forum_threads_latest ON forum_threads (category_id, is_pinned DESC, last_post_at DESC) WHERE deleted_at IS NULL;
CREATE INDEX idx_forum_threads_newest ON forum_threads (category_id, is_pinned DESC, created_at DESC) WHERE deleted_at IS NULL;
CREATE INDEX idx_forum_threads_top ON forum_threads (category_id, is_pinned DESC, upvote_count DESC) WHERE deleted_at IS NULL;
CREATE INDEX idx_forum_threads_unanswered ON forum_threads (category_id, last_post_at DESC) WHERE deleted_at IS NULL AND accepted_post_id IS NULL;
CREATE INDEX idx_forum_threads_answered ON forum_threads (category_id, last_post_at DESC) WHERE deleted_at IS NULL AND accepted_post_id IS NOT NULL;
CREATE INDEX idx_forum_threads_author ON forum_threads (author_id);
CREATE INDEX idx_forum_threads_equipment ON forum_threads (lower(equipment_manufacturer), equipment_model);
CREATE INDEX idx_forum_threads_fault_code ON forum_threads (lower(fault_code));
CREATE INDEX idx_forum_threads_tags ON forum_threads USING GIN (tags);
CREATE INDEX idx_forum_threads_pending ON forum_threads (category_id) WHERE NOT is_approved;

-- The weighted search document of a thread: title first, then equipment, then the posts.
CREATE FUNCTION forum_thread_document(title TEXT, fault_code TEXT, manufacturer TEXT, model TEXT, body TEXT)
RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')
        || setweight(to_tsvector('english'::regconfig, coalesce(fault_code, '') || ' ' || coalesce(manufacturer, '') || ' ' || coalesce(model, '')), 'B')
        || setweight(to_tsvector('english'::regconfig, coalesce(body, '')), 'C')
$$;
CREATE INDEX idx_forum_threads_search ON forum_threads USING GIN (
    forum_thread_document(title, fault_code, equipment_manufacturer, equipment_model, search_body));
CREATE INDEX idx_forum_threads_title_trgm ON forum_threads USING GIN (title gin_trgm_ops);

CREATE TABLE forum_posts (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    thread_id UUID NOT NULL REFERENCES forum_threads (id) ON DELETE CASCADE,
    author_id UUID NOT NULL REFERENCES accounts (id),
    is_anonymous BOOLEAN NOT NULL DEFAULT false,
    -- The question of the thread (exactly one per thread).
    is_opening BOOLEAN NOT NULL DEFAULT false,
    body TEXT NOT NULL,
    reply_to_post_id UUID REFERENCES forum_posts (id) ON DELETE SET NULL,
    is_approved BOOLEAN NOT NULL DEFAULT true,
    -- Hidden pending review after enough flags from different accounts.
    is_hidden BOOLEAN NOT NULL DEFAULT false,
    flag_count INTEGER NOT NULL DEFAULT 0,
    upvote_count INTEGER NOT NULL DEFAULT 0,
    moderated_at TIMESTAMPTZ,
    moderated_by UUID REFERENCES accounts (id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    edited_at TIMESTAMPTZ,
    deleted_at TIMESTAMPTZ
);
CREATE INDEX idx_forum_posts_thread ON forum_posts (thread_id, created_at);
CREATE UNIQUE INDEX idx_forum_posts_opening ON forum_posts (thread_id) WHERE is_opening;
CREATE INDEX idx_forum_posts_author ON forum_posts (author_id);
CREATE INDEX idx_forum_posts_reply_to ON forum_posts (reply_to_post_id);
CREATE INDEX idx_forum_posts_review ON forum_posts (created_at) WHERE (NOT is_approved OR flag_count > 0) AND deleted_at IS NULL;

ALTER TABLE forum_threads ADD CONSTRAINT forum_threads_accepted_post_fkey
    FOREIGN KEY (accepted_post_id) REFERENCES forum_posts (id) ON DELETE SET NULL;
ALTER TABLE forum_categories ADD CONSTRAINT forum_categories_last_thread_fkey
    FOREIGN KEY (last_thread_id) REFERENCES forum_threads (id) ON DELETE SET NULL;

-- One up-vote per account per post; the post's count moves in the same transaction.
CREATE TABLE forum_votes (
    post_id UUID NOT NULL REFERENCES forum_posts (id) ON DELETE CASCADE,
    account_id UUID NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (post_id, account_id)
);
CREATE INDEX idx_forum_votes_account ON forum_votes (account_id);

CREATE TABLE forum_flags (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    post_id UUID NOT NULL REFERENCES forum_posts (id) ON DELETE CASCADE,
    account_id UUID NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    reason VARCHAR(500) NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (post_id, account_id)
);

CREATE TABLE forum_subscriptions (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    account_id UUID NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    category_id UUID REFERENCES forum_categories (id) ON DELETE CASCADE,
    thread_id UUID REFERENCES forum_threads (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK ((category_id IS NULL) <> (thread_id IS NULL))
);
CREATE UNIQUE INDEX idx_forum_subscriptions_thread ON forum_subscriptions (thread_id, account_id) WHERE thread_id IS NOT NULL;
CREATE UNIQUE INDEX idx_forum_subscriptions_category ON forum_subscriptions (category_id, account_id) WHERE category_id IS NOT NULL;
CREATE INDEX idx_forum_subscriptions_account ON forum_subscriptions (account_id);

-- When an account last read a thread, for unread markers on thread lists.
CREATE TABLE forum_thread_reads (
    account_id UUID NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    thread_id UUID NOT NULL REFERENCES forum_threads (id) ON DELETE CASCADE,
    read_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, thread_id)
);

-- The default categories.
INSERT INTO forum_categories (slug, name, description, icon, colour, scope, scope_value, display_order) VALUES
    ('general', 'General discussion', 'Anything about lifts, escalators and the people who keep them running.', 'chat', 'blue', 'global', NULL, 10),
    ('manufacturers', 'Manufacturers', 'Fault codes, parts and quirks of each manufacturer''s equipment.', 'factory', 'slate', 'global', NULL, 20),
    ('hydraulic-lifts', 'Hydraulic lifts', 'Power units, valves, rams, oil and levelling.', 'droplet', 'amber', 'trade', 'hydraulic', 30),
    ('doors', 'Doors', 'Door operators, landing doors, locks and door protection.', 'door', 'teal', 'trade', 'doors', 40),
    ('controllers', 'Controllers and drives', 'Controllers, inverters, encoders and group control.', 'cpu', 'purple', 'trade', 'controllers', 50),
    ('safety', 'Safety', 'Safety gear, governors, buffers, rescue and safe work on site.', 'shield', 'red', 'global', NULL, 60),
    ('regulations', 'Regulations', 'Codes, standards and inspections, by region.', 'book', 'green', 'global', NULL, 70),
    ('careers', 'Careers and training', 'Apprenticeships, licences, courses and jobs in the trade.', 'graduation', 'blue', 'global', NULL, 80);

INSERT INTO forum_categories (parent_id, slug, name, description, icon, colour, scope, scope_value, display_order)
SELECT p.id, v.slug, v.name, v.description, 'factory', 'slate', 'manufacturer', v.scope_value, v.display_order
FROM forum_categories p, (VALUES
    ('kone', 'KONE', 'KONE MonoSpace, MiniSpace, EcoDisc, KCE and LCE controllers.', 'KONE', 1),
    ('otis', 'Otis', 'Otis Gen2, GeN2 Switch, OVF drives and service tools.', 'Otis', 2),
    ('schindler', 'Schindler', 'Schindler 3300/5500, Miconic and Bionic controllers.', 'Schindler', 3),
    ('tk-elevator', 'TK Elevator', 'TK Elevator (thyssenkrupp) synergy, evolution and TCM/TCI controllers.', 'TK Elevator', 4),
    ('mitsubishi', 'Mitsubishi', 'Mitsubishi NEXIEZ, ELENESSA and their drives.', 'Mitsubishi', 5)
) AS v (slug, name, description, scope_value, display_order)
WHERE p.slug = 'manufacturers';

INSERT INTO forum_categories (parent_id, slug, name, description, icon, colour, scope, scope_value, display_order)
SELECT p.id, v.slug, v.name, v.description, 'book', 'green', 'region', v.scope_value, v.display_order
FROM forum_categories p, (VALUES
    ('regulations-nsw', 'New South Wales', 'SafeWork NSW plant registration, AS 1735 and inspections in NSW.', 'NSW', 1),
    ('regulations-vic', 'Victoria', 'WorkSafe Victoria plant registration and the Victorian rules.', 'VIC', 2),
    ('regulations-qld', 'Queensland', 'Workplace Health and Safety Queensland and lift registration.', 'QLD', 3),
    ('regulations-nz', 'New Zealand', 'Building warrants of fitness, IQPs and NZ standards.', 'NZ', 4)
) AS v (slug, name, description, scope_value, display_order)
WHERE p.slug = 'regulations';
