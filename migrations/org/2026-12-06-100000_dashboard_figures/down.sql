DROP INDEX idx_elevators_down;
DROP TABLE dashboard_figures;
