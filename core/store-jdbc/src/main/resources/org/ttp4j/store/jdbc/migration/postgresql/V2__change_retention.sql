-- ttp4j database store, PostgreSQL, version 2.
--
-- The change log is pruned. Every store deletes the ttp_rule_change entries older than its retention (never the
-- newest: its id is the watermark a new store starts from) and records here the largest id it deleted. A store
-- whose watermark is below it may have missed entries, so it reads the rule tables in full instead of the log.
CREATE TABLE ttp_rule_change_pruned (
    through_id BIGINT NOT NULL
);
INSERT INTO ttp_rule_change_pruned (through_id) VALUES (0);

-- The trigger functions name ttp_rule_change, ttp_rule_state_audit and each other unqualified, so they resolved
-- through the search_path of whoever wrote the rule tables: a writer with another search_path (qualifying the
-- tables it writes) failed, or logged into a table of another schema. Each now runs with the search_path of the
-- schema this migration runs in, where version 1 created them with the tables, and pg_temp last, so that a
-- client's temporary table cannot stand in for one of ours.
DO $$
DECLARE
    fn TEXT;
BEGIN
    FOREACH fn IN ARRAY ARRAY['ttp4j_serialize_rule_writes()', 'ttp4j_log_change(TEXT, TEXT)',
                              'ttp4j_rule_written()', 'ttp4j_rule_state_written()'] LOOP
        EXECUTE format('ALTER FUNCTION %I.%s SET search_path = %I, pg_temp', current_schema(), fn, current_schema());
    END LOOP;
END $$;
