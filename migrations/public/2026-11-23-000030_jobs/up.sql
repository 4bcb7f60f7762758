-- The job board (seed 001 §4.1, §4.2) and technician profiles (§1.3, §1.5, §6.4).
-- Everything is platform-wide: employers from many organizations, applicants without one.

CREATE TYPE job_employment_type AS ENUM (
    'full_time', 'part_time', 'contract', 'casual', 'apprenticeship', 'project', 'emergency_fill'
);
CREATE TYPE job_status AS ENUM ('draft', 'active', 'paused', 'filled', 'cancelled', 'expired');
CREATE TYPE application_status AS ENUM (
    'submitted', 'viewed', 'shortlisted', 'interviewing', 'offered', 'hired', 'rejected', 'withdrawn'
);

CREATE TABLE job_listings (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id UUID NOT NULL REFERENCES organizations (id),
    posted_by UUID NOT NULL REFERENCES accounts (id),
    title VARCHAR(255) NOT NULL,
    slug VARCHAR(255) NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    description TEXT NOT NULL,
    employment_type job_employment_type NOT NULL,
    trade VARCHAR(50) NOT NULL,
    required_experience_years INTEGER CHECK (required_experience_years BETWEEN 0 AND 60),
    required_certifications TEXT[] NOT NULL DEFAULT '{}',
    required_skills TEXT[] NOT NULL DEFAULT '{}',
    required_manufacturer_experience TEXT[] NOT NULL DEFAULT '{}',
    preferred_certifications TEXT[] NOT NULL DEFAULT '{}',
    preferred_skills TEXT[] NOT NULL DEFAULT '{}',
    location_type VARCHAR(50) NOT NULL DEFAULT 'on_site'
        CHECK (location_type IN ('on_site', 'hybrid', 'remote', 'travel')),
    address_city VARCHAR(100),
    address_state VARCHAR(100),
    address_country VARCHAR(100) NOT NULL DEFAULT 'Australia',
    salary_min NUMERIC(10, 2) CHECK (salary_min >= 0),
    salary_max NUMERIC(10, 2) CHECK (salary_max >= 0),
    salary_type VARCHAR(20) CHECK (salary_type IN ('hourly', 'annual', 'project')),
    salary_currency VARCHAR(3) NOT NULL DEFAULT 'AUD',
    show_salary BOOLEAN NOT NULL DEFAULT true,
    benefits TEXT[] NOT NULL DEFAULT '{}',
    start_date DATE,
    end_date DATE,
    hours_per_week INTEGER CHECK (hours_per_week BETWEEN 1 AND 80),
    status job_status NOT NULL DEFAULT 'draft',
    visibility VARCHAR(50) NOT NULL DEFAULT 'public'
        CHECK (visibility IN ('public', 'platform', 'internal')),
    view_count INTEGER NOT NULL DEFAULT 0,
    application_count INTEGER NOT NULL DEFAULT 0,
    expires_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    published_at TIMESTAMPTZ,
    CHECK (salary_min IS NULL OR salary_max IS NULL OR salary_min <= salary_max),
    CHECK (status = 'draft' OR published_at IS NOT NULL)
);
CREATE INDEX idx_job_org ON job_listings (organization_id, created_at DESC);
CREATE INDEX idx_job_status ON job_listings (status);
CREATE INDEX idx_job_type ON job_listings (employment_type);
CREATE INDEX idx_job_trade ON job_listings (trade);
CREATE INDEX idx_job_location ON job_listings (address_state, address_city);
CREATE INDEX idx_job_location_type ON job_listings (location_type);
CREATE INDEX idx_job_salary ON job_listings (salary_type, salary_max);
CREATE INDEX idx_job_published ON job_listings (published_at DESC) WHERE status = 'active';
-- Finding active jobs whose time is up, on every read that expires them.
CREATE INDEX idx_job_expiry ON job_listings (expires_at) WHERE status = 'active';
CREATE INDEX idx_job_skills ON job_listings USING GIN (required_skills);
CREATE INDEX idx_job_manufacturers ON job_listings USING GIN (required_manufacturer_experience);
-- Full-text search over title and description; queries repeat this exact expression.
CREATE INDEX idx_job_search ON job_listings
    USING GIN (to_tsvector('english', title || ' ' || description));

CREATE TABLE job_applications (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    job_listing_id UUID NOT NULL REFERENCES job_listings (id) ON DELETE CASCADE,
    applicant_id UUID NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    cover_letter TEXT NOT NULL DEFAULT '',
    -- Either the applicant's profile or an uploaded PDF résumé (a key in the file store).
    use_profile BOOLEAN NOT NULL DEFAULT true,
    resume_file_key VARCHAR(200),
    resume_file_name VARCHAR(255),
    resume_size INTEGER,
    status application_status NOT NULL DEFAULT 'submitted',
    status_changed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    status_changed_by UUID REFERENCES accounts (id),
    -- Match against the job when applying (0-100) and its explanation, one line per part.
    match_score INTEGER NOT NULL DEFAULT 0 CHECK (match_score BETWEEN 0 AND 100),
    match_details JSONB NOT NULL DEFAULT '[]',
    -- The employer's own: never shown to the applicant.
    employer_notes TEXT NOT NULL DEFAULT '',
    employer_rating INTEGER CHECK (employer_rating BETWEEN 1 AND 5),
    interview_scheduled_at TIMESTAMPTZ,
    interview_location TEXT,
    offer_made_at TIMESTAMPTZ,
    offer_details TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (job_listing_id, applicant_id),
    CHECK (use_profile OR resume_file_key IS NOT NULL)
);
CREATE INDEX idx_application_job ON job_applications (job_listing_id, status);
CREATE INDEX idx_application_applicant ON job_applications (applicant_id, created_at DESC);
CREATE INDEX idx_application_status ON job_applications (status);

-- Who moved an application where, and when.
CREATE TABLE job_application_events (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    application_id UUID NOT NULL REFERENCES job_applications (id) ON DELETE CASCADE,
    from_status application_status,
    to_status application_status NOT NULL,
    changed_by UUID NOT NULL REFERENCES accounts (id),
    changed_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_application_events ON job_application_events (application_id, changed_at);

CREATE TABLE technician_profiles (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    account_id UUID UNIQUE NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    headline VARCHAR(255) NOT NULL DEFAULT '',
    summary TEXT NOT NULL DEFAULT '',
    years_experience INTEGER CHECK (years_experience BETWEEN 0 AND 70),
    career_start_date DATE,
    primary_trade VARCHAR(100),
    specializations TEXT[] NOT NULL DEFAULT '{}',
    manufacturer_expertise TEXT[] NOT NULL DEFAULT '{}',
    equipment_types TEXT[] NOT NULL DEFAULT '{}',
    availability_status VARCHAR(50) NOT NULL DEFAULT 'open_to_opportunities'
        CHECK (availability_status IN ('employed', 'open_to_opportunities', 'actively_looking', 'not_available')),
    preferred_job_types TEXT[] NOT NULL DEFAULT '{}',
    preferred_locations TEXT[] NOT NULL DEFAULT '{}',
    willing_to_relocate BOOLEAN NOT NULL DEFAULT false,
    profile_visibility VARCHAR(50) NOT NULL DEFAULT 'public'
        CHECK (profile_visibility IN ('public', 'employers_only', 'private')),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_tech_profile_trade ON technician_profiles (primary_trade);
CREATE INDEX idx_tech_profile_availability ON technician_profiles (availability_status);
CREATE INDEX idx_tech_profile_specs ON technician_profiles USING GIN (specializations);

CREATE TABLE user_certifications (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    account_id UUID NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name VARCHAR(255) NOT NULL,
    issuing_authority VARCHAR(255),
    certificate_number VARCHAR(100),
    issued_date DATE NOT NULL,
    expiry_date DATE,
    is_verified BOOLEAN NOT NULL DEFAULT false,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (expiry_date IS NULL OR expiry_date >= issued_date)
);
CREATE INDEX idx_cert_account ON user_certifications (account_id);
CREATE INDEX idx_cert_expiry ON user_certifications (expiry_date);

CREATE TABLE employment_history (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    account_id UUID NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    organization_id UUID REFERENCES organizations (id) ON DELETE SET NULL,
    company_name VARCHAR(255) NOT NULL,
    title VARCHAR(255) NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    start_date DATE NOT NULL,
    end_date DATE,
    is_current BOOLEAN NOT NULL DEFAULT false,
    location VARCHAR(255),
    employment_type VARCHAR(50),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (end_date IS NULL OR end_date >= start_date)
);
CREATE INDEX idx_employment_account ON employment_history (account_id, start_date DESC);
CREATE INDEX idx_employment_org ON employment_history (organization_id);
