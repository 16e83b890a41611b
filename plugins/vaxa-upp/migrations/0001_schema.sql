COMMENT ON SCHEMA vaxa_upp IS 'Tables of the vaxa-upp area plugin.';
