package org.ttp4j.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import org.ttp4j.engine.RuleEngine;
import org.ttp4j.http.ApiTokens;
import org.ttp4j.http.HttpService;
import org.ttp4j.http.RuleCatalogue;
import org.ttp4j.http.ServiceMetrics;
import org.ttp4j.http.TaggingStats;
import org.ttp4j.store.RuleStore;
import org.ttp4j.store.StoreReporter;

/** {@code --http HOST:PORT} of {@code run} and {@code watch}: the operator's service (docs/http.md). */
final class HttpOptions {

    /** Declares {@code --http} on {@code syntax}. */
    static Syntax declare(Syntax syntax) {
        return syntax.option("--http", "HOST:PORT",
                "Serve the rule API, /metrics, /health/* and the console page on HOST:PORT (e.g. 127.0.0.1:8750).",
                "Tokens: TTP4J_API_TOKENS_FILE (lines ROLE TOKEN [NAME]); without it only a loopback address is allowed.");
    }

    private final String http;

    HttpOptions(Args args) {
        http = args.value("--http");
    }

    /** The running service of one command: started before the store opens, attached after its initial load. */
    static final class Serving implements AutoCloseable {
        final HttpService service;
        final ServiceMetrics metrics;
        final RuleCatalogue catalogue = new RuleCatalogue();

        Serving(HttpService service, ServiceMetrics metrics) {
            this.service = service;
            this.metrics = metrics;
        }

        StoreReporter reporting(StoreReporter next) {
            return catalogue.reporting(next);
        }

        TaggingStats stats() {
            return metrics.stats();
        }

        /**
         * The initial load is done: the API and metrics now serve {@code store}; started and ready flip. Runs on the
         * thread that follows the store, inside its load: the catalogue's own follow loads again, which is cheap.
         */
        void attach(RuleStore store, RuleEngine engine) {
            catalogue.follow(store);
            metrics.attach(catalogue, engine);
            service.attach(store, catalogue);
        }

        @Override
        public void close() {
            service.close();
            catalogue.close();
        }
    }

    /** Starts the service and prints its {@code http} line, or returns null without {@code --http}. */
    Serving start(ChangeLines lines, String attackRelease) throws IOException {
        if (http == null) {
            return null;
        }
        InetSocketAddress bind;
        try {
            bind = HttpService.parseBind(http.strip());
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        String tokensFile = System.getenv(ApiTokens.ENV);
        ApiTokens tokens = null;
        if (tokensFile != null && !tokensFile.isBlank()) {
            try {
                tokens = ApiTokens.read(Path.of(tokensFile.strip()));
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
        }
        ServiceMetrics metrics = new ServiceMetrics();
        HttpService service;
        try {
            service = HttpService.start(bind, tokens, metrics, attackRelease);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        } catch (IOException e) {
            throw new IOException("cannot serve HTTP on " + http + ": " + e.getMessage(), e);
        }
        lines.http(service.url());
        return new Serving(service, metrics);
    }
}
