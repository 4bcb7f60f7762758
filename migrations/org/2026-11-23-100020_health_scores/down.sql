DROP TABLE health_score_history;
DROP INDEX idx_work_orders_type_reported;
DROP INDEX idx_work_orders_failures;
DROP TRIGGER elevators_site_health ON elevators;
DROP INDEX idx_sites_health;
DROP INDEX idx_elevators_health;
ALTER TABLE elevators DROP COLUMN health_score_components;
