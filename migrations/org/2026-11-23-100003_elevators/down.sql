DROP TABLE csv_imports;
DROP TABLE elevator_status_history;
DROP TABLE elevators;
ALTER TABLE sites DROP COLUMN lift_count, DROP COLUMN lifts_not_operational, DROP COLUMN next_inspection_due;
