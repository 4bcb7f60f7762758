DROP TABLE service_request_events;
DROP TABLE service_requests;
DROP TABLE service_request_counters;
ALTER TABLE elevators DROP COLUMN report_token;
ALTER TABLE sites DROP COLUMN report_token;
DROP TABLE tenants;
