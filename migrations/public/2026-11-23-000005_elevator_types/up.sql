CREATE TYPE elevator_status AS ENUM ('operational', 'degraded', 'out_of_service', 'maintenance', 'decommissioned');

-- Keeps a site's lift summary (count, how many are not operational, the next inspection due)
-- in step with its lifts. It runs in the organization's transaction, so the unqualified table
-- names resolve to that organization's schema through the search_path.
CREATE FUNCTION refresh_site_lift_summary() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    affected UUID[];
BEGIN
    IF TG_OP = 'DELETE' THEN
        affected := ARRAY[OLD.site_id];
    ELSIF TG_OP = 'UPDATE' THEN
        affected := ARRAY[OLD.site_id, NEW.site_id];
    ELSE
        affected := ARRAY[NEW.site_id];
    END IF;
    UPDATE sites s SET
        lift_count = summary.lifts,
        lifts_not_operational = summary.not_operational,
        next_inspection_due = summary.next_due
    FROM (
        SELECT site.id,
               count(e.id) AS lifts,
               count(e.id) FILTER (WHERE e.status IN ('degraded', 'out_of_service', 'maintenance')) AS not_operational,
               min(e.next_inspection_due) FILTER (WHERE e.status <> 'decommissioned') AS next_due
        FROM sites site
        LEFT JOIN elevators e ON e.site_id = site.id AND e.deleted_at IS NULL
        WHERE site.id = ANY (affected)
        GROUP BY site.id
    ) summary
    WHERE s.id = summary.id;
    RETURN NULL;
END;
$$;
