COMMENT ON SCHEMA att_aldras IS 'Tables of the att-aldras area plugin.';
