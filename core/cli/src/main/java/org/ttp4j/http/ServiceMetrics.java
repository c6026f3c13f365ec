package org.ttp4j.http;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.TreeMap;
import org.ttp4j.engine.RuleEngine;
import org.ttp4j.rule.CompiledRule;
import org.ttp4j.rule.Emit;

/**
 * The service's Prometheus metrics (docs/http.md §4), in a registry of its own. Counters and gauges are read
 * from the engine, the catalogue and {@link TaggingStats} at scrape time (callbacks), so the tagging path
 * only bumps its own counters; every loaded rule is present, with zero before its first fire.
 */
public final class ServiceMetrics {
    private static final PrometheusTextFormatWriter TEXT = PrometheusTextFormatWriter.create();

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final TaggingStats stats;
    private volatile RuleCatalogue catalogue;
    private volatile RuleEngine engine;
    private final Info ruleset;

    public ServiceMetrics() {
        Histogram latency = Histogram.builder().name("ttp4j_evaluation_duration_seconds").unit(Unit.SECONDS)
                .help("Engine evaluation time of one event (one event in " + TaggingStats.SAMPLE_EVERY + " is timed)")
                .classicOnly().classicExponentialUpperBounds(1e-7, 2, 18).withoutExemplars().register(registry);
        this.stats = new TaggingStats(latency);
        CounterWithCallback.builder().name("ttp4j_events_read").help("Events read and evaluated")
                .callback(cb -> cb.call(stats.events())).register(registry);
        CounterWithCallback.builder().name("ttp4j_events_bad").help("Input lines that were not an event")
                .callback(cb -> cb.call(stats.badEvents())).register(registry);
        CounterWithCallback.builder().name("ttp4j_tags_emitted").help("Tags emitted, by rule and technique")
                .labelNames("rule_id", "technique_id").callback(cb -> {
                    RuleCatalogue c = catalogue;
                    if (c == null) {
                        return;
                    }
                    for (CompiledRule r : c.rules()) {
                        TaggingStats.RuleFires f = stats.of(r.ruleId());
                        Map<String, Long> byTechnique = new TreeMap<>();
                        for (Emit e : r.emits()) {
                            byTechnique.put(e.techniqueId(), f == null ? 0 : f.tags(e.techniqueId()));
                        }
                        byTechnique.forEach((t, n) -> cb.call(n, r.ruleId(), t));
                    }
                }).register(registry);
        CounterWithCallback.builder().name("ttp4j_rule_fires").help("Events each rule fired on")
                .labelNames("rule_id").callback(cb -> {
                    RuleCatalogue c = catalogue;
                    if (c != null) {
                        for (CompiledRule r : c.rules()) {
                            TaggingStats.RuleFires f = stats.of(r.ruleId());
                            cb.call(f == null ? 0 : f.fires(), r.ruleId());
                        }
                    }
                }).register(registry);
        CounterWithCallback.builder().name("ttp4j_regex_bound_hits")
                .help("Events on which a rule spent its regex budget and did not fire").labelNames("rule_id")
                .callback(cb -> {
                    RuleCatalogue c = catalogue;
                    RuleEngine e = engine;
                    if (c != null && e != null) {
                        for (CompiledRule r : c.rules()) {
                            cb.call(e.boundHits(r.ruleId()), r.ruleId());
                        }
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("ttp4j_rules_loaded").help("Rules in the live rule set")
                .callback(cb -> cb.call(catalogue == null ? 0 : catalogue.size())).register(registry);
        GaugeWithCallback.builder().name("ttp4j_rules_invalid").help("Rule files whose latest version was rejected")
                .callback(cb -> cb.call(catalogue == null ? 0 : catalogue.invalid())).register(registry);
        CounterWithCallback.builder().name("ttp4j_rule_changes_applied").help("Rule changes applied, by kind")
                .labelNames("kind").callback(cb -> {
                    RuleCatalogue c = catalogue;
                    if (c != null) {
                        for (String kind : new String[] {"definition", "removed", "state"}) {
                            cb.call(c.changes(kind), kind);
                        }
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("ttp4j_rules_last_reload_timestamp_seconds").unit(Unit.SECONDS)
                .help("When the rule set last changed (initial load, definition or removal), Unix time")
                .callback(cb -> {
                    if (catalogue != null) {
                        cb.call(catalogue.lastReloadMillis() / 1000.0);
                    }
                }).register(registry);
        ruleset = Info.builder().name("ttp4j_ruleset").help("The live rule set: sha256 over rule ids, versions and content")
                .labelNames("sha256").register(registry);
    }

    /** The counters the tagging loop bumps. */
    public TaggingStats stats() {
        return stats;
    }

    /** Starts reporting on {@code catalogue} and {@code engine} (after the initial load). */
    public void attach(RuleCatalogue catalogue, RuleEngine engine) {
        this.engine = engine;
        this.catalogue = catalogue;
    }

    String contentType() {
        return TEXT.getContentType();
    }

    void write(OutputStream out) throws IOException {
        RuleCatalogue c = catalogue;
        if (c != null) {
            synchronized (ruleset) {
                ruleset.setLabelValues(c.hash()); // an info metric has no callback form: set it as it is now
            }
        }
        TEXT.write(out, registry.scrape());
    }
}
