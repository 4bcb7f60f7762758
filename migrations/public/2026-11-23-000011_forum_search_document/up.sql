-- The thread's search document, stored. An expression index on forum_thread_document(...) finds
-- the threads, but GIN on tsvector is lossy: PostgreSQL rechecks every candidate by computing
-- the document again from the whole thread text, and ranking computes it once more. With
-- long threads one search took most of a second (docs/PERFORMANCE.md). Stored, it is computed
-- once per write.
ALTER TABLE forum_threads ADD COLUMN search_document tsvector
    GENERATED ALWAYS AS (forum_thread_document(title, fault_code, equipment_manufacturer,
        equipment_model, search_body)) STORED;
DROP INDEX idx_forum_threads_search;
CREATE INDEX idx_forum_threads_search ON forum_threads USING GIN (search_document);
