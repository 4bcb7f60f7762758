DROP INDEX idx_forum_threads_search;
ALTER TABLE forum_threads DROP COLUMN search_document;
CREATE INDEX idx_forum_threads_search ON forum_threads USING GIN (
    forum_thread_document(title, fault_code, equipment_manufacturer, equipment_model, search_body));
