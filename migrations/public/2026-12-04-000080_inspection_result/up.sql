-- Seed 000: an inspection passes, fails, or passes with conditions to put right.
CREATE TYPE inspection_result AS ENUM ('passed', 'failed', 'conditional');
