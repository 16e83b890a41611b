COMMENT ON SCHEMA digitalisering IS 'Tables of the digitalisering area plugin.';
