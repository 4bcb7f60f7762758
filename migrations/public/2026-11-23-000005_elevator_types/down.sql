DROP FUNCTION refresh_site_lift_summary();
DROP TYPE elevator_status;
