/** The {@code ttp4j} command (validate, tag, run, watch, state, sync) and the JSON Lines codecs. */
module org.ttp4j.cli {
    requires org.ttp4j.core;
    requires org.ttp4j.store.jdbc;
    requires com.fasterxml.jackson.core;
    requires info.picocli;
    requires java.logging;

    exports org.ttp4j.jsonl;

    // picocli reads the commands' annotated fields and methods reflectively.
    opens org.ttp4j.cli to info.picocli;
}
