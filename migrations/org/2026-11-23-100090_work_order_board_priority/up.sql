-- The board filtered by priority (its commonest filter) reads one status and one priority per
-- column, in board order. Without this, each column walked every open work order of the
-- organization and filtered them on the heap (docs/PERFORMANCE.md).
CREATE INDEX idx_work_orders_board_priority ON work_orders (status, priority, entrapment DESC, due_date, id);
