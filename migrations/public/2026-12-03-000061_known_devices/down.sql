DROP INDEX idx_security_events_ip;
DROP TABLE known_devices;
