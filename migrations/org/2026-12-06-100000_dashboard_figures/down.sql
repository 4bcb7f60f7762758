DROP TABLE dashboard_figures;
