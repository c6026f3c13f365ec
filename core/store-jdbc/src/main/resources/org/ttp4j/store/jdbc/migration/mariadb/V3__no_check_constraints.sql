-- ttp4j database store, MariaDB, version 3: the other dialects drop the CHECK constraints of ttp_rule_state here,
-- so that it accepts whatever DECNET writes. Version 1 on MariaDB never had them: nothing to do.
DO 0;
