-- Marketplace and job search matched an expression index on to_tsvector(...). GIN is lossy
-- for tsvector, so PostgreSQL rechecked every candidate by computing the document again, and
-- ranking computed it once more (docs/PERFORMANCE.md). Stored, each is computed once per write.
ALTER TABLE marketplace_listings ADD COLUMN search_document tsvector
    GENERATED ALWAYS AS (to_tsvector('english', part_name || ' ' || description)) STORED;
DROP INDEX idx_marketplace_text;
CREATE INDEX idx_marketplace_text ON marketplace_listings USING GIN (search_document);

ALTER TABLE job_listings ADD COLUMN search_document tsvector
    GENERATED ALWAYS AS (to_tsvector('english', title || ' ' || description)) STORED;
DROP INDEX idx_job_search;
CREATE INDEX idx_job_search ON job_listings USING GIN (search_document);

-- Forum threads are found by their whole text but ranked by what says what a thread is about:
-- title, equipment and the opening 3,000 characters. Ranking by the whole document read
-- hundreds of kilobytes for each long thread that matched a common term.
ALTER TABLE forum_threads ADD COLUMN rank_document tsvector
    GENERATED ALWAYS AS (forum_thread_document(title, fault_code, equipment_manufacturer,
        equipment_model, left(search_body, 3000))) STORED;
