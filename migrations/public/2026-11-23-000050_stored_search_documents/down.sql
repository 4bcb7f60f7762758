ALTER TABLE forum_threads DROP COLUMN rank_document;

DROP INDEX idx_job_search;
ALTER TABLE job_listings DROP COLUMN search_document;
CREATE INDEX idx_job_search ON job_listings
    USING GIN (to_tsvector('english', title || ' ' || description));

DROP INDEX idx_marketplace_text;
ALTER TABLE marketplace_listings DROP COLUMN search_document;
CREATE INDEX idx_marketplace_text ON marketplace_listings
    USING GIN (to_tsvector('english', part_name || ' ' || description));
