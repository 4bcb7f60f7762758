DROP FUNCTION refresh_site_health();
DROP TABLE background_jobs;
