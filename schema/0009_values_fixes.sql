-- The committed data version of core.values, for ETags and the read cache.
--
-- core.values_version (a sequence) hands out numbers, but a sequence is not transactional:
-- nextval is visible to every session at once, before the writing transaction commits (or
-- even when it rolls back). A read that took the new number while the write was still open
-- read the old rows under the new version; that answer was then cached and validated (ETag,
-- 304) as current until the next write. Every write of values now also stores its number
-- here, in its own transaction: a reader sees the version that belongs to the rows its
-- snapshot shows. The row lock orders concurrent writers, so versions commit in order.
CREATE TABLE core.values_state (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    version  bigint NOT NULL
);
INSERT INTO core.values_state (version)
    SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM core.values_version;
