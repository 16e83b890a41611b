COMMENT ON SCHEMA nara_vard IS 'Tables of the nara-vard area plugin.';
