-- Whether a work order's due time was set by a person (kept when the priority changes) or
-- follows from its priority (recomputed when the priority changes).
ALTER TABLE work_orders ADD COLUMN due_date_manual BOOLEAN NOT NULL DEFAULT false;
