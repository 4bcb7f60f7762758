-- A lift's last inspection result becomes the seed's enum. Free text that reads as one of its
-- values is mapped ("Pass" → passed, "Pass with defects" → conditional, "Fail" → failed); text
-- that reads as none of them is kept among the lift's specifications instead of being lost.
CREATE OR REPLACE FUNCTION pg_temp.inspection_result_of(raw TEXT) RETURNS public.inspection_result
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
        WHEN r IN ('pass', 'passed', 'ok', 'compliant', 'satisfactory') THEN 'passed'
        WHEN r LIKE 'pass%' OR r LIKE '%condition%' THEN 'conditional'
        WHEN r LIKE 'fail%' OR r LIKE 'not pass%' OR r LIKE 'non%compliant%' THEN 'failed'
    END::public.inspection_result
    FROM (SELECT lower(btrim(raw)) AS r) x
$$;

UPDATE elevators
SET specifications = specifications
    || jsonb_build_object('Last inspection result (as recorded)', last_inspection_result)
WHERE btrim(last_inspection_result) <> ''
  AND pg_temp.inspection_result_of(last_inspection_result) IS NULL;

ALTER TABLE elevators ALTER COLUMN last_inspection_result TYPE public.inspection_result
    USING pg_temp.inspection_result_of(last_inspection_result);
