/**
 * The {@code ttp4j} command (validate, tag, run, watch, state, sync), the JSON Lines codecs, and the operator's
 * HTTP service ({@code org.ttp4j.http}: API, metrics, health, console page).
 */
module org.ttp4j.cli {
    requires org.ttp4j.core;
    requires org.ttp4j.inotify; // only to link it early (Ttp4jCommand)
    requires org.ttp4j.store.jdbc;
    requires com.fasterxml.jackson.core;
    requires java.logging;
    requires jdk.httpserver;
    requires io.prometheus.metrics.core;
    requires io.prometheus.metrics.model;
    requires io.prometheus.writer.text;

    exports org.ttp4j.jsonl;
}
