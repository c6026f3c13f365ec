-- ttp4j database store, PostgreSQL, version 3: ttp_rule_state accepts whatever DECNET writes to the table DECNET
-- creates (any state string, any confidence_max). ttp4j validates instead when it reads a row (one it cannot
-- honour is reported and read as the default state) and when it writes one. A table DECNET created has none of
-- these constraints, hence IF EXISTS.
ALTER TABLE ttp_rule_state DROP CONSTRAINT IF EXISTS ttp_rule_state_state_check;
ALTER TABLE ttp_rule_state DROP CONSTRAINT IF EXISTS ttp_rule_state_confidence_max_check;
