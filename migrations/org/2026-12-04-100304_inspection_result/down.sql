ALTER TABLE elevators ALTER COLUMN last_inspection_result TYPE VARCHAR(50)
    USING last_inspection_result::text;
