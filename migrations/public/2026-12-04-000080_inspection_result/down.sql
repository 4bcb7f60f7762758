DROP TYPE inspection_result;
